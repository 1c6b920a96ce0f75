"""Beats: drum pads and a step sequencer."""
