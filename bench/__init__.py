"""Ward Studio's benchmarks: `make bench` runs bench/run.py, which writes BENCHMARKS.md.

Every figure is measured next to a reference taken in the same run on the same machine
(real time, a bare Kivy app, an empty JACK client, a bare pyo import), because the machines
these run on are shared and their timers are noisy.
"""
