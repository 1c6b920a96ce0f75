"""The Sessions screens: the mentor's PIN, participants, consent, session records, backups, and
patient mode, on the encrypted store in studio/sessions/ (SessionsScreen in sessions_screen.py)."""
