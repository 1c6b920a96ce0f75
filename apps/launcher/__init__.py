"""The home screen: a tile for each part of the studio, and the sound check."""
