"""Track analysis for the decks: tempo and beat grid, key, loudness and the waveforms to draw."""
