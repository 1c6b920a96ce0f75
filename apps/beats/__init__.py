"""The Beats screen: drum pads, a step sequencer, patterns A-H and a song chain."""
