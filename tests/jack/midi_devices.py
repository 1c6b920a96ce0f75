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


class MidiFlood:
    """A device flooding the studio with sysex and clock: python-rtmidi's JACK output, fed from a
    plain thread. Its JACK side is rtmidi's own C++ callback, so the flood costs the JACK graph
    what a real device's would, not a Python callback's time. `send` slips other messages in."""

    SYSEX = [0xF0, 0x7E, 0x7F, 0x06, 0x01] + [0x10] * 12 + [0xF7]  # an identity request, padded
    CLOCK = [0xF8]

    def __init__(self, name: str, per_second: int):
        import rtmidi

        self.per_second = per_second
        self.out = rtmidi.MidiOut(rtapi=rtmidi.API_UNIX_JACK, name=name)
        self.out.open_virtual_port("out")
        self.port_name = f"{name}:out"
        self.sent = 0
        self.paused = False  # True: the device stays plugged in and sends nothing (but `send`'s)
        self._extra: collections.deque[list[int]] = collections.deque()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="midi-flood", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def send(self, *messages) -> None:
        for message in messages:
            self._extra.append(list(message))

    def _run(self) -> None:
        import time

        last, owed = time.perf_counter(), 0.0
        while not self._stop.wait(0.002):
            while self._extra:
                self.out.send_message(self._extra.popleft())
            now = time.perf_counter()
            if not self.paused:
                owed += (now - last) * self.per_second
            last = now
            pairs, owed = int(owed), owed - int(owed)
            for _ in range(pairs):
                self.out.send_message(self.SYSEX)
                self.out.send_message(self.CLOCK)
            self.sent += 2 * pairs

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(2.0)
        self.out.close_port()
        del self.out
