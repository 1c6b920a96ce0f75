"""Audio graphs and pyo servers. Each graph-building function runs under every server mode:
live (jack, portaudio), silent (a manual server paced by a clock), offline and manual."""
