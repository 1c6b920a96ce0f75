"""Hits between steps and note repeat, rendered in pyo manual mode: every hit on its exact sample."""

import numpy as np
import pytest

from studio.audio.render import render_manual
from studio.beats.model import TICKS_PER_STEP, Beat
from studio.beats.pad_sounds import PadSounds
from studio.beats.schedule import song_hits, tick_sample
from studio.beats.sequencer_graph import PLAYBACK_OFFSET_SAMPLES, REPEAT_RATES, Sequencer
from tests.studio.signals import onsets

SR = 48000
BLOCK = 256
BURST = np.exp(-np.arange(600) / 40.0).astype(np.float32)  # short, so 1/32 hits stay apart
T = TICKS_PER_STEP


def render(beat, duration_s, between_blocks=None, play=True):
    holder = {}

    def build(server):
        holder["sequencer"] = Sequencer(server, [BURST] * 16, beat)
        if play:
            holder["sequencer"].play()
        return holder["sequencer"].output

    def step(block):
        if between_blocks is not None:
            between_blocks(block, holder["sequencer"])

    return render_manual(build, duration_s, SR, BLOCK, between_blocks=step), holder["sequencer"]


def found_onsets(audio):
    return list(onsets(audio[0], threshold=1e-3, min_gap=150))


@pytest.mark.parametrize("bpm, swing", [(60, 0.5), (97.3, 0.62), (173, 0.75)])
def test_hits_between_steps_land_on_their_exact_sample(bpm, swing):
    beat = Beat(bpm=bpm, swing=swing)
    row = beat.patterns["A"].rows[0]
    row.velocities[0] = 1.0
    # a 1/32 after step 1, triplets across steps 4-6, and "quantise off" ticks inside steps 9 and 14
    row.off_grid = {T + T // 2: 1.0, 4 * T + 2 * T // 3: 1.0, 5 * T + T // 3: 1.0, 9 * T + 5: 0.8, 14 * T + 23: 0.9}
    audio, _ = render(beat, 16 * 60 / bpm / 4 + 0.1)
    expected = sorted({hit.sample + PLAYBACK_OFFSET_SAMPLES for hit in song_hits(beat, SR, repeats=2)})
    assert found_onsets(audio) == [s for s in expected if s < audio.shape[1]]
    # a hit between steps keeps its place inside the swung step
    first_half_units = round(swing * 200) / 200
    step_1 = tick_sample(T, bpm, swing, SR)
    assert step_1 == int(first_half_units * 2 * 60 / bpm / 4 * SR)


def test_hits_past_a_short_rows_length_stay_silent():
    beat = Beat(bpm=120)
    row = beat.patterns["A"].rows[0]
    row.off_grid = {T // 2: 1.0, 5 * T + 12: 1.0}
    row.length = 4  # loops every 4 steps: the hit in step 5 is past its end
    audio, _ = render(beat, 1.5)
    per_loop = [tick_sample(loop * 4 * T + T // 2, 120, 0.5, SR) + PLAYBACK_OFFSET_SAMPLES for loop in range(3)]
    assert found_onsets(audio) == per_loop


@pytest.mark.parametrize("rate", list(REPEAT_RATES))
def test_a_held_pad_repeats_on_the_songs_grid(rate):
    every = REPEAT_RATES[rate]
    hold_from, release_at = 40, 160  # blocks

    def hold(block, sequencer):
        if block == 0:
            sequencer.set_note_repeat(rate)
        if block == hold_from:
            sequencer.hit_pad(2, 0.8)
            sequencer.hold_pad(2, True)
        if block == release_at:
            sequencer.hold_pad(2, False)

    audio, _ = render(Beat(bpm=120), 1.2, between_blocks=hold)
    touch = hold_from * BLOCK + PLAYBACK_OFFSET_SAMPLES
    grid = [tick_sample(tick, 120, 0.5, SR) + PLAYBACK_OFFSET_SAMPLES for tick in range(0, 40 * T, every)]
    holdoff = every * (SR * 60 / 120 / 4 / T) / 2
    expected = [touch] + [s for s in grid if touch + holdoff < s <= release_at * BLOCK]
    assert found_onsets(audio) == expected
    level = np.abs(audio[0, expected[-1]:expected[-1] + 5]).max()
    assert level == pytest.approx(0.8 * np.sqrt(0.5), rel=0.02)  # repeats keep the touch's loudness


def test_note_repeat_keeps_time_while_the_song_is_stopped():
    def hold(block, sequencer):
        if block == 0:
            sequencer.set_note_repeat("1/16")
        if block == 20:
            sequencer.hold_pad(0, True)
            sequencer.hit_pad(0, 1.0)
        if block == 230:
            sequencer.hold_pad(0, False)

    audio, _ = render(Beat(bpm=90), 1.5, between_blocks=hold, play=False)
    gaps = np.diff(found_onsets(audio)[1:])  # after the touch: the clock's own sixteenths
    sixteenth = SR * 60 / 90 / 4
    assert len(gaps) == 5 and np.all(np.abs(gaps - sixteenth) <= 1)


def test_repeated_hits_are_reported_for_recording_with_their_grid_position():
    reports = []

    def hold(block, sequencer):
        if block == 0:
            sequencer.listen(True)
        if block == 10:
            sequencer.set_note_repeat("1/8")
            sequencer.hold_pad(7, True)
            sequencer.hit_pad(7, 0.6)
        if block == 250:
            sequencer.hold_pad(7, False)
        reports.extend(sequencer.read_live_hits())

    render(Beat(bpm=120), 1.6, between_blocks=hold)
    positions = [round(r.song_position, 3) for r in reports]
    assert positions[0] == pytest.approx(10 * BLOCK / 6000, abs=1e-3)  # the touch, between steps
    assert positions[1:] == [2.0, 4.0, 6.0, 8.0, 10.0]  # then every eighth, on the grid


def test_with_note_repeat_off_a_held_pad_plays_once():
    def hold(block, sequencer):
        if block == 0:
            sequencer.set_note_repeat("1/32")
            sequencer.set_note_repeat(None)
        if block == 10:
            sequencer.hit_pad(1, 1.0)
            sequencer.hold_pad(1, True)

    audio, sequencer = render(Beat(bpm=120), 1.0, between_blocks=hold)
    assert found_onsets(audio) == [10 * BLOCK + PLAYBACK_OFFSET_SAMPLES]


def test_the_kits_own_gain_and_pan_apply_under_the_pads_settings():
    beat = Beat(bpm=120)
    beat.patterns["A"].rows[0].velocities[4] = 1.0  # half a second in: after the gain's glide
    holder = {}

    def build(server):
        holder["sequencer"] = Sequencer(server, [BURST] * 16, beat)
        sounds = PadSounds.silent()
        sounds.gains_db[0], sounds.pans[0] = -6.0, 1.0
        holder["sequencer"].set_kit_gain_pan(sounds.gains_db, sounds.pans)
        holder["sequencer"].play()
        return holder["sequencer"].output

    left, right = render_manual(build, 0.6, SR, BLOCK)
    assert np.abs(left).max() < 1e-6  # hard right
    assert np.abs(right).max() == pytest.approx(10 ** (-6 / 20), rel=0.02)
