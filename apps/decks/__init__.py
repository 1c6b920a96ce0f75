"""The Decks app: two DJ decks and a mixer (see decks_screen.py)."""
