"""The mentor's audio settings screen."""
