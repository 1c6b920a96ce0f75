"""The Export app: put beat patterns, vocal takes and audio clips together into a song, and save it
as a sound file for a show (see export_screen.py)."""
