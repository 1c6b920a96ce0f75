"""MIDI controllers, clock and tempo sharing."""
