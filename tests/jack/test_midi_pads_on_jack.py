"""A MIDI pad controller on a real JACK server: note-ons play the kit's pads, in time, through
the controller process (which finds the device itself and passes its pad notes on)."""

import threading

import jack

from studio.midi.controller_client import ControllerClient
from tests.jack.port_recorder import PortRecorder
from tests.jack.test_engine_on_jack import start_engine
from tests.studio.signals import onsets
from tests.studio.test_engine_client import wait_for

SNARE = 38  # General MIDI; the default kit has a snare on this note
NOTE_ON, NOTE_OFF = 0x99, 0x89  # channel 10, where drums live
EVENT_OFFSET_FRAMES = 100  # where in its audio block the test sends the note


class MidiSender:
    """A JACK client with a MIDI output that sends one note at a chosen cycle and frame."""

    def __init__(self):
        self.client = jack.Client("ward-test-midi-pads", no_start_server=True)
        self.port = self.client.midi_outports.register("out")
        self._send = threading.Event()
        self.sent_at_frame = None
        self._off_pending = False
        self.client.set_process_callback(self._process)
        self.client.activate()

    def _process(self, frames):
        self.port.clear_buffer()
        if self._off_pending:
            self.port.write_midi_event(0, (NOTE_OFF, SNARE, 0))
            self._off_pending = False
        if self._send.is_set() and self.sent_at_frame is None:
            self.port.write_midi_event(EVENT_OFFSET_FRAMES, (NOTE_ON, SNARE, 100))
            self.sent_at_frame = self.client.last_frame_time + EVENT_OFFSET_FRAMES
            self._off_pending = True

    def send(self):
        self._send.set()

    def close(self):
        self.client.deactivate()
        self.client.close()


def test_a_note_on_plays_its_pad_within_one_buffer_plus_1_ms(jack_server, tmp_path):
    engine = start_engine(buffer_size=256)
    controllers = ControllerClient(engine, maps_folder=str(tmp_path))
    controllers.start()
    sender = recorder = None
    try:
        engine.act("master", "volume_db", 0)
        engine.act("master", "headphone_cap_db", 0)
        wait_for(lambda: "ward-studio:input" in jack_server.ports(), what="the engine's MIDI input")
        sender = MidiSender()
        wait_for(lambda: [d.name for d in controllers.status.devices] == ["ward-test-midi-pads:out"],
                 what="the pad controller to be found")
        wait_for(lambda: [p.name for p in sender.client.get_all_connections("ward-studio-midi:to-engine")]
                 == ["ward-studio:input"], what="the pads wired to the engine")
        recorder = PortRecorder("ward-studio:output_1", 400 * 256 / 48000)
        wait_for(lambda: recorder.first_frame is not None, what="the recording to start")
        sender.send()
        wait_for(lambda: recorder.full, timeout_s=10, what="the recording to end")
    finally:
        for client in (sender, recorder):
            if client is not None:
                client.close()
        controllers.stop()
        engine.stop()

    found = onsets(recorder.audio, threshold=1e-3, min_gap=1000)
    assert len(found) == 1, "the note played its pad once"
    latency_frames = recorder.first_frame + int(found[0]) - sender.sent_at_frame
    limit_frames = 256 + 48  # one buffer plus 1 ms at 48 kHz
    print(f"MIDI note to sound: {latency_frames} frames ({latency_frames / 48:.2f} ms), limit {limit_frames}")
    assert latency_frames <= limit_frames
