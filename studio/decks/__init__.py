"""The DJ decks: tracks, analysis, the deck graph and the mixer."""
