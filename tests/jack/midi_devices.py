"""Stand-ins for MIDI hardware on a real JACK server: a device that sends (a pad controller, a
keyboard, a DJ controller, a clock) and one that listens (a drum machine following our clock)."""

from __future__ import annotations

import collections
import threading

import jack


class FakeDevice:
    """A JACK client with a MIDI output, as a USB controller appears through JACK. `send` queues
    messages for the next cycle; `close` is pulling the cable out."""

    def __init__(self, name: str, on_cycle=None):
        self.client = jack.Client(name, no_start_server=True)
        self.port = self.client.midi_outports.register("out")
        self._queue: collections.deque[bytes] = collections.deque()
        self.on_cycle = on_cycle  # on_cycle(port, cycle_start_frame, frames): write more each cycle
        self.client.set_process_callback(self._process)
        self.client.activate()

    @property
    def port_name(self) -> str:
        return self.port.name

    def send(self, *messages: bytes | tuple) -> None:
        for message in messages:
            self._queue.append(bytes(message))

    def _process(self, frames: int) -> None:
        self.port.clear_buffer()
        while self._queue:
            self.port.write_midi_event(0, self._queue.popleft())
        if self.on_cycle is not None:
            self.on_cycle(self.port, self.client.last_frame_time, frames)

    def close(self) -> None:
        self.client.deactivate()
        self.client.close()


class MidiListener:
    """A JACK client with a MIDI input that keeps (frame, message) of everything it receives."""

    def __init__(self, name: str = "ward-test-listener"):
        self.client = jack.Client(name, no_start_server=True)
        self.port = self.client.midi_inports.register("in")
        self.received: list[tuple[int, bytes]] = []
        self.xruns = 0
        self._lock = threading.Lock()
        self.client.set_process_callback(self._process)
        self.client.set_xrun_callback(self._count_xrun)
        self.client.activate()

    def _count_xrun(self, delayed_usecs):
        self.xruns += 1

    def _process(self, frames: int) -> None:
        start = self.client.last_frame_time
        events = [(start + offset, bytes(data)) for offset, data in self.port.incoming_midi_events()]
        if events:
            with self._lock:
                self.received.extend(events)

    def messages(self) -> list[tuple[int, bytes]]:
        with self._lock:
            return list(self.received)

    def close(self) -> None:
        self.client.deactivate()
        self.client.close()
