"""A long pattern clip copied from its first loops sounds exactly as the drum machine playing it all."""

from __future__ import annotations

import numpy as np
import pytest

from studio.beats.model import TICKS_PER_STEP
from studio.export import pattern_render
from studio.export.mixdown import _pad_sounds
from studio.export.pattern_render import STEPS_PER_BAR, _render_steps, render_pattern, repeat_period
from studio.export.song import Song
from tests.studio.export.export_fixtures import SR, make_beat, make_kit


def busy_song(tmp_path, bpm: float, swing: float = 0.5) -> Song:
    """Pattern A with swing, a row looping after 12 steps, hits between steps, a choke group
    (the hat cuts the snare) and a pitched-down, filtered snare."""
    beat = make_beat(make_kit(tmp_path / "kit"))
    beat.bpm, beat.swing = bpm, swing
    rows = beat.patterns["A"].rows
    rows[1].length = 12  # the snare loops after 12 steps: a polymeter against 16
    rows[0].off_grid = {7 * TICKS_PER_STEP + 9: 0.7, 13 * TICKS_PER_STEP + 17: 0.5}
    beat.pads[1].choke_group = beat.pads[2].choke_group = 1
    beat.pads[1].pitch_semitones, beat.pads[1].cutoff_hz = -7.0, 2500.0
    return Song("song-t", "Tiles", bpm=bpm, beat=beat)


@pytest.mark.parametrize("bpm, swing", [(120.0, 0.5), (90.0, 0.62)])
def test_a_copied_clip_is_sample_for_sample_the_clip_played_whole(tmp_path, bpm, swing):
    song = busy_song(tmp_path, bpm, swing)
    sounds = _pad_sounds(song, SR)
    period_steps, _ = repeat_period(song, "A", sounds, SR)
    bars = 5 * period_steps // STEPS_PER_BAR + 1  # room for copies, and a last part that is not a whole period
    copied = render_pattern(song, "A", bars, sounds, SR)
    whole = _render_steps(song, "A", bars * STEPS_PER_BAR, sounds, SR, None)
    assert np.max(np.abs(whole)) > 0.1  # it plays
    assert copied.shape == whole.shape
    assert np.array_equal(copied, whole)


def test_the_period_is_the_fewest_loops_lasting_whole_samples_and_longer_than_any_sound(tmp_path):
    song = busy_song(tmp_path, 120.0)
    sounds = _pad_sounds(song, SR)
    assert repeat_period(song, "A", sounds, SR) == (16, 96000)  # one bar of 2 s
    song.bpm = 117.0  # a 16-step loop is 98461.5... samples: 13 loops are 1280000
    assert repeat_period(song, "A", sounds, SR) == (13 * 16, 1280000)
    song.bpm = 117.3  # 1173 loops before it comes round: longer than is worth it
    assert repeat_period(song, "A", sounds, SR) is None
    song.bpm = 240.0  # a loop of 1 s, but the pitched-down snare rings longer
    sounds.samples[1] = np.ones(int(1.5 * SR), np.float32)
    steps, frames = repeat_period(song, "A", sounds, SR)
    assert (steps, frames) == (48, 144000)  # three loops: the snare plays 1.5 s * 2^(7/12) = 2.2 s


def test_when_the_loops_are_not_the_same_the_whole_clip_is_played(tmp_path, monkeypatch):
    song = busy_song(tmp_path, 120.0)
    sounds = _pad_sounds(song, SR)
    monkeypatch.setattr(pattern_render, "REPEAT_TOLERANCE", -1.0)  # no two periods ever match
    played = []
    real_render = pattern_render._render_steps
    monkeypatch.setattr(pattern_render, "_render_steps",
                        lambda *args: played.append(args[2]) or real_render(*args))
    audio = render_pattern(song, "A", 8, sounds, SR)
    assert played == [3 * STEPS_PER_BAR, 8 * STEPS_PER_BAR]  # tried three periods of a bar, then all eight bars
    assert np.array_equal(audio, real_render(song, "A", 8 * STEPS_PER_BAR, sounds, SR, None))


def test_progress_counts_the_copied_bars_too(tmp_path):
    song = busy_song(tmp_path, 120.0)
    sounds = _pad_sounds(song, SR)

    class Work:
        done = 0.0

        def advance(self, amount, words=None):
            self.done += amount

    work = Work()
    render_pattern(song, "A", 12, sounds, SR, work)
    assert work.done == pytest.approx(12 * 2.0 * SR)  # twelve bars of 2 s, the tail not counted
