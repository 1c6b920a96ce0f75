"""A take sung over a deck's track: it is lined up with the track's first sample as it reaches
the mixer, and plays back with the deck started from the same cue point, to the sample."""

import numpy as np
import soundfile

from studio.audio.dsp import pyo
from studio.audio.render import render_manual
from studio.controls import check_action
from studio.engine.messages import LoadTrack
from studio.engine.studio_graph import StudioGraph
from studio.mic.take_recorder import TakeRecorder
from studio.mic.takes import TakeStore
from tests.studio.signals import onsets

SR = 48000
BLOCK = 256
CLICK = 0.3 * np.exp(-np.arange(600) / 40.0).astype(np.float32)  # quiet: the limiter stays out of it
LOUD = {("master", "volume_db"): 0.0, ("master", "headphone_cap_db"): 0.0, ("deck1", "key_lock"): 0.0}


def click_on_the_left(tmp_path, at_frame: int = 0):
    """A deck track: one click at at_frame, on the left only (so the right is the take alone)."""
    track = np.zeros((SR, 2), dtype="<f4")
    track[at_frame:at_frame + len(CLICK), 0] = CLICK
    path = tmp_path / "track.f32"
    track.tofile(path)
    return LoadTrack(1, str(path), SR, SR, title="click")


def load(graph, message):
    graph.decks.prepare(2.0)
    graph.decks.start_load(message)
    while graph.decks.loading:
        graph.decks.pump()


def test_a_take_plays_back_with_the_deck_from_the_same_sample(tmp_path):
    align = 3000
    take = np.zeros(SR, dtype=np.float32)
    take[:align] = 0.3  # what came before the track reached the singer: skipped on playback
    take[align:align + len(CLICK)] += CLICK
    soundfile.write(tmp_path / "take.wav", take, SR, subtype="FLOAT")
    holder = {}

    def build(server):
        graph = StudioGraph(server, values=LOUD)
        graph.apply(check_action("mixer", "crossfader", -1.0))  # deck 1 at full
        load(graph, click_on_the_left(tmp_path))
        holder["graph"] = graph
        return graph.master.limited

    def between(block):
        graph = holder["graph"]
        if block == 10:
            graph.take_player.load(str(tmp_path / "take.wav"), align, SR)
            graph.take_player.start(with_backing=True)
            graph.start_backing("deck1", count_in=False)

    left, right = render_manual(build, 0.5, SR, BLOCK, between_blocks=between)
    # The first sample that is not silence (the deck's EQ all-pass reshapes its click's start).
    take_onsets = onsets(right, threshold=1e-9, min_gap=2000)
    deck_onsets = onsets(left - right, threshold=1e-9, min_gap=2000)
    assert len(take_onsets) == 1 and len(deck_onsets) == 1
    assert take_onsets[0] == deck_onsets[0]  # to the sample
    assert np.abs(right[:take_onsets[0]]).max() == 0.0


def test_a_take_recorded_over_a_deck_counts_its_alignment_from_the_tracks_first_sample(tmp_path):
    holder = {"frames": []}

    def build(server):
        # The "singer" copies the deck's sound exactly, with no delay of their own.
        singer = pyo.Sig(0.0)
        graph = StudioGraph(server, values=LOUD, mic_source=singer)
        singer.value = pyo.Mix(graph.decks.decks[0].channel.output, voices=1)
        load(graph, click_on_the_left(tmp_path, at_frame=4800))
        holder.update(graph=graph, singer=singer)
        holder["recorder"] = TakeRecorder(graph.mic.capture, TakeStore(tmp_path / "takes"), SR)
        return graph.master.limited

    def between(block):
        graph, recorder = holder["graph"], holder["recorder"]
        if block == 5:
            holder["take"] = recorder.start("deck1", 120.0, 0)  # no round trip in this test
            graph.start_backing("deck1")
        elif 5 < block < 60:
            recorder.pump()
        elif block == 60:
            holder["take"] = recorder.stop()

    render_manual(build, 0.35, SR, BLOCK, between_blocks=between)
    take = holder["take"]
    audio, _ = soundfile.read(TakeStore(tmp_path / "takes").wav_path(take.take_id), dtype="float32")
    heard = onsets(audio[take.align_frames:], threshold=1e-3, min_gap=200)
    # The click where it is in the track; a block later only because this test's "singer" (made
    # before the graph, as the microphone must be) hears the deck a block late: pyo computes
    # objects in the order they were made.
    assert list(heard) == [4800 + BLOCK]
