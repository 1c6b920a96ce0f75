"""The controller process's worker without a JACK server: what it sends the app, bounded."""

from __future__ import annotations

import queue

from studio.midi.controller_messages import Changes, ControllerStatus, Learn, StudioState
from studio.midi.controller_process import MAX_MOMENTARY_PER_BATCH, NO_JACK_MESSAGE, Controllers, coalesce
from studio.midi.router import ControlChange


def test_knob_values_keep_only_the_latest_and_presses_keep_their_order():
    changes = [ControlChange("deck1", "fader", v / 10) for v in range(10)]
    changes += [ControlChange("keys", "note_1", 0.8), ControlChange("keys", "note_1", 0.0),
                ControlChange("deck1", "playing", None), ControlChange("deck1", "fader", 0.05)]
    batch, dropped = coalesce(changes)
    assert batch == [ControlChange("keys", "note_1", 0.8), ControlChange("keys", "note_1", 0.0),
                     ControlChange("deck1", "playing", None), ControlChange("deck1", "fader", 0.05)]
    assert dropped == 0


def test_a_flood_of_presses_is_cut_to_a_bounded_batch():
    batch, dropped = coalesce([ControlChange("pads", "hit_1", 1.0)] * (MAX_MOMENTARY_PER_BATCH + 50))
    assert len(batch) == MAX_MOMENTARY_PER_BATCH and dropped == 50


def test_without_jack_it_says_so_and_still_takes_commands(monkeypatch, tmp_path):
    import studio.midi.jack_midi as jack_midi

    def no_server(*_args, **_kwargs):
        raise RuntimeError("no JACK server")

    monkeypatch.setattr(jack_midi, "JackMidi", no_server)
    outputs = queue.Queue(16)
    controllers = Controllers(outputs, tmp_path)
    controllers.handle(StudioState("", tuple(range(40, 56)), (), 120.0, True))
    controllers.handle(Learn("deck1", "fader"))
    controllers.step(0.0)
    status = outputs.get_nowait()
    assert isinstance(status, ControllerStatus)
    assert not status.available and status.message == NO_JACK_MESSAGE
    assert status.learning == ("deck1", "fader")
    assert controllers.router.kit_notes == list(range(40, 56))
    assert controllers.loop_period_s() == 0.1  # waiting for JACK costs nothing
    controllers._pending = [ControlChange("deck1", "fader", 0.5)]
    controllers.step(10.0)
    assert Changes([ControlChange("deck1", "fader", 0.5)]) in [outputs.get_nowait() for _ in range(outputs.qsize())]


class FakeLink:
    """Stands in for studio.midi.link_sync.LinkSync (the real one is tested in a network namespace)."""

    made = []

    def __init__(self, bpm, on_tempo, quantum_beats=4.0):
        self.bpm, self.on_tempo, self.enabled, self.closed, self.peers = bpm, on_tempo, False, False, 2
        FakeLink.made.append(self)

    def enable(self, on):
        self.enabled = on

    def set_tempo(self, bpm):
        self.bpm = bpm

    def close(self):
        self.closed = True


def test_link_follows_our_tempo_and_a_peers_tempo_becomes_a_tempo_event(monkeypatch, tmp_path):
    import studio.midi.jack_midi as jack_midi
    import studio.midi.link_sync as link_sync
    from studio.midi.controller_messages import SetSync

    monkeypatch.setattr(jack_midi, "JackMidi", lambda *_: (_ for _ in ()).throw(RuntimeError("no JACK")))
    monkeypatch.setattr(link_sync, "LinkSync", FakeLink)
    FakeLink.made.clear()
    outputs = queue.Queue(64)
    controllers = Controllers(outputs, tmp_path)
    controllers.handle(SetSync(False, "", True))
    link = FakeLink.made[0]
    assert link.enabled and link.bpm == 90.0
    controllers.handle(StudioState("", tuple(range(36, 52)), (), 104.0, False))
    assert link.bpm == 104.0  # our tempo, shared
    link.on_tempo(126.5)  # a peer moved the session's tempo (from Link's thread)
    controllers.step(1.0)
    sent = [outputs.get_nowait() for _ in range(outputs.qsize())]
    tempo = [m for m in sent if getattr(m, "kind", "") == "tempo"]
    assert tempo and tempo[0].data == {"bpm": 126.5, "source": "link"}
    assert [m for m in sent if isinstance(m, ControllerStatus)][-1].link_peers == 2
    controllers.handle(SetSync(False, "", False))
    assert link.closed and controllers.link is None


def test_link_that_cannot_start_is_said_in_plain_words(monkeypatch, tmp_path):
    import studio.midi.jack_midi as jack_midi
    import studio.midi.link_sync as link_sync
    from studio.midi.controller_messages import SetSync

    class BrokenLink(FakeLink):
        def enable(self, on):
            raise link_sync.LinkUnavailable("Tempo sharing with other apps (Link) is not available on this tablet")

    monkeypatch.setattr(jack_midi, "JackMidi", lambda *_: (_ for _ in ()).throw(RuntimeError("no JACK")))
    monkeypatch.setattr(link_sync, "LinkSync", BrokenLink)
    outputs = queue.Queue(64)
    controllers = Controllers(outputs, tmp_path)
    controllers.handle(SetSync(False, "", True))
    controllers.step(0.0)
    sent = [outputs.get_nowait() for _ in range(outputs.qsize())]
    assert any(getattr(m, "kind", "") == "problem" and "Link" in m.message for m in sent)
    assert controllers.link is None
