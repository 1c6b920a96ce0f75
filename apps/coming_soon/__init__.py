"""The screen shown for a part of the studio that is not built yet."""
