"""The Mic app's session (no screen): controls reach the engine, takes are listed, played,
renamed, marked, deleted and brought back, and the lyric pad's words go with the next take."""

import numpy as np
import pytest

from apps.mic.mic_session import MicSession
from studio.engine.messages import EngineEvent, EngineState
from studio.mic.take_writer import TakeWriter
from studio.mic.takes import TakeStore
from tests.apps.apps_test_support import FakeEngineClient


def make_take(store: TakeStore, seconds: float = 1.0, **details):
    info, path = store.new_take(48000, 1, **details)
    writer = TakeWriter(path, 48000).start()
    writer.write(np.zeros(int(seconds * 48000), dtype=np.float32))
    return store.finish(info, writer.stop())


@pytest.fixture
def session(tmp_path):
    client, problems = FakeEngineClient(), []
    store = TakeStore(tmp_path / "takes")
    made = MicSession(client, store, on_problem=problems.append)
    made.problems = problems
    return made


def test_controls_reach_the_engine_and_stay_in_range(session):
    assert session.change_gain(50) == 40.0
    session.set_monitor(True)
    session.set_effect("echo", True)
    session.set_backing("metronome")
    session.set_count_in_bars(2)
    client = session.client
    assert client.sent("mic", "gain_db") == [40.0] and client.sent("mic", "monitor") == [1.0]
    assert session.effects == {"gate": False, "tune": False, "radio": False, "echo": True, "reverb": False}
    assert session.backing == "metronome" and client.sent("beats", "count_in_bars") == [2.0]
    with pytest.raises(ValueError, match="effect must be one of gate, tune, radio, echo, reverb"):
        session.set_effect("autotune", True)


def test_record_and_stop(session):
    session.record(True)
    assert session.recording and session.client.sent("mic", "recording") == [1.0]
    session.record(False)
    assert not session.recording and session.client.sent("mic", "recording") == [1.0, 0.0]


def test_the_words_for_the_next_take_are_saved_with_it_and_survive_a_restart(session):
    session.set_lyrics("I got a feeling")
    again = MicSession(session.client, session.store)
    assert again.lyrics == "I got a feeling"  # kept in a file: the app may close before the take
    take = make_take(session.store)
    session.handle_event(EngineEvent("take_saved", "", {"take": {"take_id": take.take_id}}))
    assert session.takes()[0].lyrics == "I got a feeling"
    assert session.lyrics == ""  # the pad is fresh for the next take
    session.select_take(take.take_id)
    assert session.lyrics == "I got a feeling"
    session.set_lyrics("I got a feeling, oh")
    assert session.store.list()[0].lyrics == "I got a feeling, oh"


def test_takes_play_with_their_backing_rename_best_delete_and_undo(session):
    first = make_take(session.store, backing="beat", align_frames=1234)
    second = make_take(session.store)
    session.refresh_takes()
    assert [take.take_id for take in session.takes()] == [second.take_id, first.take_id]
    session.play_take(first.take_id)
    assert session.client.takes_played[-1] == (str(session.store.wav_path(first.take_id)), 1234, "beat")
    assert session.playing_take_id == first.take_id
    session.show_state(session.client.state)  # the engine says it plays it
    session.client.state.take_playing = ""  # it played to its end
    session.show_state(session.client.state)
    assert session.playing_take_id is None
    session.rename(first.take_id, "Verse")
    session.set_best(first.take_id)
    assert [(take.name, take.best) for take in session.takes()] == [("Take 2", False), ("Verse", True)]
    assert session.delete(first.take_id) == "Verse"
    assert [take.take_id for take in session.takes()] == [second.take_id]
    session.undelete(first.take_id)
    assert len(session.takes()) == 2


def test_a_bad_name_is_said_not_raised(session):
    take = make_take(session.store)
    session.refresh_takes()
    session.rename(take.take_id, "")
    assert session.problems and session.takes()[0].name == "Take 1"


def test_the_input_hint():
    assert MicSession.input_hint(EngineState(mic_too_loud=True))[0] == "too_loud"
    quiet = EngineState(take_recording=True, take_seconds=5.0, mic_level_db=-50.0)
    assert MicSession.input_hint(quiet) == ("too_quiet", "A bit quiet: come closer to the microphone, "
                                                         "or turn the gain up.")
    assert MicSession.input_hint(EngineState(mic_level_db=-50.0))[0] == "ok"  # not while idle


def test_a_punch_in_plays_the_take_up_to_its_start_and_joins_the_new_part(session):
    original = make_take(session.store, seconds=3.0, backing="beat", align_frames=4800)
    session.refresh_takes()
    session.punch_in(original.take_id, 1.0, 2.0)
    path, skip, backing, keep = session.client.takes_recorded_over[-1]
    assert (skip, backing, keep) == (4800, "beat", (0.0, 0.1 + 1.0))  # heard until the punch-in starts
    assert session.recording and session.punching_in
    new = make_take(session.store, seconds=3.0, backing="beat", align_frames=2400)
    session.handle_event(EngineEvent("take_saved", "", {"take": {"take_id": new.take_id}}))
    names = [take.name for take in session.takes()]
    assert names[0] == "Take 1 (punched in)" and len(names) == 3
    assert session.selected_take_id == session.takes()[0].take_id
    assert not session.punching_in and not session.recording


def test_a_state_sent_before_the_engine_started_the_take_is_not_its_end(session):
    take = make_take(session.store)
    session.refresh_takes()
    now_s = [100.0]
    session.clock_s = lambda: now_s[0]
    session.play_take(take.take_id)
    session.client.state.take_playing = ""  # a state from before the engine read the request
    session.show_state(session.client.state)
    assert session.playing_take_id == take.take_id
    session.client.state.take_playing = str(session.store.wav_path(take.take_id))
    session.show_state(session.client.state)
    session.client.state.take_playing = ""
    session.show_state(session.client.state)
    assert session.playing_take_id is None  # played to its end
    session.play_take(take.take_id)
    session.client.state.take_playing = ""  # the engine never says it plays it (its error says why)
    session.show_state(session.client.state)
    assert session.playing_take_id == take.take_id
    now_s[0] += 5.1
    session.show_state(session.client.state)
    assert session.playing_take_id is None


# ---- whose takes (patient mode) ------------------------------------------------------------------

def test_while_a_participant_holds_the_tablet_only_their_takes_can_be_used(session):
    store, holder = session.store, [None]
    maya, jay = make_take(store), make_take(store)
    store.set_participant(maya.take_id, 7)
    store.set_participant(jay.take_id, 12)
    store.delete(store.set_participant(make_take(store).take_id, 7).take_id)  # Maya's, in the trash
    maya_trashed = store.list_trash()[0]
    session.only_participant = lambda: holder[0]
    session.refresh_takes()
    assert len(session.takes()) == 2  # the mentor: everyone's

    holder[0] = 12  # Jay has the tablet: the list follows at the next state
    session.show_state(EngineState())
    assert [take.take_id for take in session.takes()] == [jay.take_id]
    session.play_take(maya.take_id)
    session.rename(maya.take_id, "Mine now")
    session.set_trim(maya.take_id, 0.1, 0.5)
    assert session.delete(maya.take_id) == ""
    session.undelete(maya_trashed.take_id)
    assert session.client.takes_played == []
    assert [(info.name, info.trim_start_s) for info in store.list() if info.take_id == maya.take_id] == \
        [(maya.name, 0.0)]
    assert [info.take_id for info in store.list_trash()] == [maya_trashed.take_id]

    holder[0] = None  # the mentor's PIN again: all of them
    session.refresh_takes()
    assert len(session.takes()) == 2


def test_a_punched_in_take_belongs_to_whose_take_it_joins(session):
    store = session.store
    original = store.set_participant(make_take(store, 3.0, backing="beat", bpm=90.0).take_id, 7)
    session.refresh_takes()
    session.punch_in(original.take_id, 1.0, 2.0)
    new = store.set_participant(make_take(store, 3.0).take_id, 7)  # as the studio marks a saved take
    session.handle_event(EngineEvent("take_saved", "", {"take": {"take_id": new.take_id}}))
    joined = next(take for take in session.takes() if take.name.endswith("(punched in)"))
    assert joined.participant_id == 7
