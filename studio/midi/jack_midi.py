"""The controller process's JACK client: one input per MIDI device, the drum pads' notes passed
on to the engine in the same audio block, MIDI clock out, and a bounded inbox for the rest.

    device A ─► in "A" ─┐                        ┌─► "to-engine" ─► engine's MIDI input (pads)
    device B ─► in "B" ─┼─► process callback ────┼─► "clock" ─► every device (clock out)
                        │   (this file)          └─► inbox (bounded) ─► worker thread (router)

Why not connect devices straight to the engine: pyo copies each audio block's MIDI events into
a fixed array of 200 (and each note input into one of 64) without a bound check, so a flood of
MIDI (a device sending sysex or clock in bulk) would write past its end. Here every device's
events are read in the controller's own process, only the pads' notes go on, at most
MAX_FORWARD_PER_CYCLE of them a block, and everything else has a bounded queue.

JACK orders clients by their connections, so this client runs before the engine in each cycle
and a forwarded note keeps its frame: pads sound as soon as they would have with a direct wire.
"""

from __future__ import annotations

import collections
import re
import threading
import time

import jack
# JACK-Client's own cffi handles: the callback reads each event's status byte straight from
# JACK's buffer, without the buffer object incoming_midi_events() makes for every event (a
# flood is about 100 events a block: 206 µs a block that way, 118 µs this way, measured).
from jack import _ffi, _lib

from studio.midi.midi_clock import CLOCK, ClockIn, ClockOut

# The last ~11 s of callbacks are timed (for the bench); sorting them for status holds the lock ~0.1 ms.
CYCLES_TIMED = 2048
INBOX_SIZE = 2048  # messages waiting for the worker; beyond this the oldest go (counted)
MAX_FORWARD_PER_CYCLE = 32  # pad notes passed to the engine in one block (pyo's own limit is 64)
MAX_INBOX_PER_CYCLE = 128  # messages one device may queue in one block
REALTIME_MESSAGES = {0xFA: "start", 0xFB: "continue", 0xFC: "stop"}
# ALSA's "Midi Through" port and our own ports are never devices.
NOT_DEVICES = re.compile(r"midi[ _-]?through", re.IGNORECASE)


def device_name(port) -> str:
    """A device's name as a mentor would know it. ALSA devices reach JACK either through jackd's
    own bridge ("system:midi_capture_1", the product in its alias "alsa_pcm:Akai-MPD218-MIDI-1/
    midi_capture_1") or through a2jmidid ("a2j:MPD218 [20] (capture): MPD218 MIDI 1"); the
    numbers ALSA hands out anew at each plug-in ("[20]") are left out, so the saved set-up of
    a device is found again next time. Other JACK ports keep their own name."""
    name = port.name
    if name.startswith("system:") and port.aliases:
        name = port.aliases[0].split(":", 1)[-1].split("/", 1)[0].replace("-", " ")
    elif name.startswith("a2j:") and ": " in name:
        name = name.rsplit(": ", 1)[1]
    name = re.sub(r"\s*\[\d+\]", "", name)
    return re.sub(r"\s*\((capture|playback)\)", "", name).strip() or port.name


class DeviceInput:
    def __init__(self, name: str, source: str, port: jack.MidiPort):
        self.name = name
        self.source = source  # the device's own JACK port
        self.port = port
        self.port_pointer = port._ptr  # for _lib.jack_port_get_buffer in the callback
        self.forward: dict[int, int] = {}  # its note -> the engine's pad note (swapped whole)
        self.sounding: set[int] = set()  # engine notes forwarded and not yet let go


class JackMidi:
    def __init__(self, client_name: str = "ward-studio-midi"):
        self.client = jack.Client(client_name, no_start_server=True)
        self.sample_rate = self.client.samplerate
        self.to_engine = self.client.midi_outports.register("to-engine")
        self.clock_port = self.client.midi_outports.register("clock")
        self.devices: dict[str, DeviceInput] = {}  # by source port name
        self._inputs: tuple[DeviceInput, ...] = ()  # what the callback reads (swapped whole)
        self.inbox: collections.deque[tuple[str, bytes, int]] = collections.deque(maxlen=INBOX_SIZE)
        self._releases: collections.deque[int] = collections.deque(maxlen=256)  # engine notes to let go
        self.clock_out = ClockOut(self.sample_rate)
        self.clock_out_on = False
        self.clock_in = ClockIn(self.sample_rate)
        self.clock_source: str | None = None  # the device whose clock is followed
        self.counts = collections.Counter()  # dropped, ignored, forwarded: for the bench and tests
        self.inbox_peak = 0
        self._event = _ffi.new("jack_midi_event_t*")  # one, reused for every event read
        self.cycle_s: collections.deque[float] = collections.deque(maxlen=CYCLES_TIMED)
        self.server_gone = threading.Event()
        self.client.set_shutdown_callback(lambda status, reason: self.server_gone.set())
        self.client.set_process_callback(self._process)
        self.client.activate()

    # --- the audio thread -------------------------------------------------------------
    def _process(self, frames: int) -> None:
        began_s = time.perf_counter()
        start = self.client.last_frame_time
        out = self.to_engine
        out.clear_buffer()
        forwarded = 0
        started = set()  # engine notes hit in this block
        while self._releases:
            out.write_midi_event(0, (0x80, self._releases.popleft(), 0))
        inbox, counts = self.inbox, self.counts
        event, get_buffer, event_count, get_event = self._event, _lib.jack_port_get_buffer, \
            _lib.jack_midi_get_event_count, _lib.jack_midi_event_get
        for device in self._inputs:
            queued = 0
            forward = device.forward
            buffer = get_buffer(device.port_pointer, frames)
            for index in range(event_count(buffer)):
                if get_event(event, buffer, index) or not event.size:
                    continue
                status = event.buffer[0]  # an int: cffi indexes JACK's bytes in place
                if status == CLOCK:
                    if device.name == self.clock_source:
                        self.clock_in.add_tick(start + event.time)
                    continue
                if status >= 0xF0:
                    if status in REALTIME_MESSAGES and device.name == self.clock_source:
                        inbox.append((device.name, bytes((status,)), start + event.time))
                    else:
                        counts["ignored"] += 1  # sysex, song position, active sensing...
                    continue
                if queued >= MAX_INBOX_PER_CYCLE:
                    counts["dropped"] += 1
                    continue
                message, offset = _ffi.buffer(event.buffer, event.size)[:], event.time
                kind = status & 0xF0
                if kind in (0x80, 0x90) and len(message) == 3 and message[1] in forward:
                    note = forward[message[1]]
                    on = kind == 0x90 and message[2] > 0
                    if not on and note in started:
                        # Let go in the same block it was hit in (a pad in one-shot mode does
                        # this): pyo would read the hit's velocity as 0 and play nothing, so
                        # the note-off waits for the next block.
                        self._releases.append(note)
                        device.sounding.discard(note)
                        continue
                    if on:
                        started.add(note)
                    if forwarded < MAX_FORWARD_PER_CYCLE:
                        out.write_midi_event(offset, (kind, note, message[2]))
                        forwarded += 1
                        counts["forwarded"] += 1
                        (device.sounding.add if on else device.sounding.discard)(note)
                    else:
                        counts["dropped"] += 1
                    continue
                if len(inbox) == INBOX_SIZE:
                    counts["dropped"] += 1
                inbox.append((device.name, message, start + offset))
                queued += 1
            if len(inbox) > self.inbox_peak:
                self.inbox_peak = len(inbox)
        clock = self.clock_port
        clock.clear_buffer()
        if self.clock_out_on:
            for offset, status in self.clock_out.events_in_cycle(start, frames):
                clock.write_midi_event(offset, (status,))
        self.cycle_s.append(time.perf_counter() - began_s)

    def callback_us(self) -> tuple[float, float, float] | None:
        """The JACK callback's own time over the last CYCLES_TIMED blocks: median, 99th percentile
        and longest, in microseconds (None before there are any)."""
        durations = sorted(self.cycle_s)
        if not durations:
            return None
        at = lambda fraction: 1e6 * durations[min(len(durations) - 1, int(fraction * len(durations)))]
        return at(0.5), at(0.99), 1e6 * durations[-1]

    # --- the worker thread ------------------------------------------------------------
    def scan(self, engine_client_name: str) -> tuple[list[str], list[str]]:
        """Follow devices appearing and going (hot-plug), and keep the engine wired.
        Returns the names of the devices plugged in and unplugged since the last scan."""
        own = self.client.name
        sources = {}
        for port in self.client.get_ports(is_midi=True, is_output=True):
            owner = port.name.split(":", 1)[0]
            if owner in (own, engine_client_name) or NOT_DEVICES.search(port.name):
                continue
            sources[port.name] = port
        added, removed = [], []
        for source in [s for s in self.devices if s not in sources]:
            removed.append(self._remove(source))
        for source, port in sources.items():
            if source not in self.devices:
                added.append(self._add(source, port))
        self._wire(engine_client_name)
        return added, removed

    def _add(self, source: str, port: jack.Port) -> str:
        name = device_name(port)
        taken = {device.name for device in self.devices.values()}
        unique, n = name, 2
        while unique in taken:  # two of the same controller
            unique, n = f"{name} {n}", n + 1
        short = re.sub(r"[^A-Za-z0-9 _.-]", "_", unique)[:60]
        device = DeviceInput(unique, source, self.client.midi_inports.register(f"from {short}"))
        self.devices[source] = device
        self._inputs = tuple(self.devices.values())
        try:
            self.client.connect(source, device.port)
        except jack.JackError:
            pass  # it went again at once; the next scan removes it
        return unique

    def _remove(self, source: str) -> str:
        device = self.devices.pop(source)
        self._inputs = tuple(self.devices.values())
        for note in list(device.sounding):  # unplugged mid-note: let go of what it played
            self._releases.append(note)
        device.sounding.clear()
        try:
            device.port.unregister()
        except jack.JackError:
            pass
        if device.name == self.clock_source:
            self.clock_in.forget()
        return device.name

    def _wire(self, engine_client_name: str) -> None:
        """The pads' notes to the engine, and the clock to every device that takes MIDI in."""
        wanted = [f"{engine_client_name}:input"] if engine_client_name else []
        wanted_clock = []
        for port in self.client.get_ports(is_midi=True, is_input=True):
            owner = port.name.split(":", 1)[0]
            if owner not in (self.client.name, engine_client_name) and not NOT_DEVICES.search(port.name):
                wanted_clock.append(port.name)
        for source, targets in ((self.to_engine, wanted), (self.clock_port, wanted_clock if self.clock_out_on else [])):
            connected = {port.name for port in self.client.get_all_connections(source)}
            for target in targets:
                if target not in connected:
                    try:
                        self.client.connect(source, target)
                    except jack.JackError:
                        pass  # not there (yet): the next scan tries again
            for target in connected - set(targets):
                try:
                    self.client.disconnect(source, target)
                except jack.JackError:
                    pass

    def set_forward(self, name: str, table: dict[int, int]) -> None:
        for device in self.devices.values():
            if device.name == name:
                device.forward = dict(table)

    def close(self) -> None:
        try:
            self.client.deactivate()
            self.client.close()
        except jack.JackError:
            pass
