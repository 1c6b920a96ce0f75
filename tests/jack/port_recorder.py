"""A JACK client that records one port's audio, each block placed by its JACK frame time, so a
cycle it misses (an xrun on a busy machine) leaves silence instead of shifting what follows.
Used by the JACK tests and by make bench."""

from __future__ import annotations

import jack
import numpy as np


class PortRecorder:
    def __init__(self, source: str, seconds: float, name: str = "ward-test-recorder"):
        self.client = jack.Client(name, no_start_server=True)
        self.port = self.client.inports.register("in")
        self.audio = np.zeros(int(seconds * self.client.samplerate), dtype=np.float32)
        self.first_frame = None  # the JACK frame time of audio[0]
        self.end = 0
        self.client.set_process_callback(self._process)
        self.client.activate()
        self.client.connect(source, self.port)

    def _process(self, frames):
        if self.first_frame is None:
            self.first_frame = self.client.last_frame_time
        start = self.client.last_frame_time - self.first_frame
        if start + frames <= len(self.audio):
            self.audio[start:start + frames] = self.port.get_array()
        self.end = start + frames

    @property
    def full(self) -> bool:
        return self.end >= len(self.audio)

    def close(self):
        self.client.deactivate()
        self.client.close()
