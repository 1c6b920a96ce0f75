"""Running a manual pyo server in real time when there is no sound card.

pyo has no dummy audio driver, so in silent mode this thread calls ``server.process()``
once per buffer, paced by the monotonic clock. Transport, meters and playheads then move
exactly as they would with a device. A block that starts more than one buffer late is
counted in ``late_blocks``, and the clock skips ahead rather than racing to catch up.
"""

from __future__ import annotations

import threading
import time


class SilentClock:
    def __init__(self, server, sample_rate: int, buffer_size: int):
        self._server = server
        self.block_s = buffer_size / sample_rate
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="silent-audio-clock", daemon=True)
        self.late_blocks = 0
        self.blocks = 0
        self._busy_s = 0.0
        self._busy_window_start = time.monotonic()
        self._last_cpu_percent = 0.0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=1.0)

    def cpu_percent(self) -> float:
        """Share of real time spent computing audio, over the last second or so."""
        now = time.monotonic()
        window = now - self._busy_window_start
        if window >= 1.0:
            self._last_cpu_percent = 100.0 * self._busy_s / window
            self._busy_s = 0.0
            self._busy_window_start = now
        return self._last_cpu_percent

    def _run(self) -> None:
        next_block = time.monotonic()
        while not self._stop.is_set():
            now = time.monotonic()
            if now < next_block:
                time.sleep(next_block - now)
                continue
            if now - next_block > self.block_s:
                self.late_blocks += 1
                next_block = now  # skip the missed blocks instead of racing through them
            started = time.perf_counter()
            self._server.process()
            self._busy_s += time.perf_counter() - started
            self.blocks += 1
            next_block += self.block_s
