"""Rendering a beat offline to a file: same hits, exact samples, safe levels."""

import numpy as np
import pytest
import soundfile

from studio.audio.levels import db_to_amp
from studio.beats.model import Beat
from studio.beats.render import TAIL_S, render_beat
from studio.beats.schedule import song_hits, step_sample
from studio.beats.sequencer_graph import PLAYBACK_OFFSET_SAMPLES
from studio.controls import LIMITER_CEILING_DB
from studio.kits.library import load_kit
from tests.studio.signals import onsets

SR = 48000


@pytest.fixture
def click_kit(tmp_path):
    """A kit folder of two short decaying clicks, made for the test."""
    folder = tmp_path / "click-kit"
    folder.mkdir()
    decay = np.exp(-np.arange(2400) / 150.0)
    soundfile.write(folder / "kick.wav", (0.5 * decay).astype(np.float32), SR, subtype="FLOAT")
    soundfile.write(folder / "snare.wav", (0.25 * decay).astype(np.float32), SR, subtype="FLOAT")
    return load_kit(folder)


def two_pad_beat(kit_name: str) -> Beat:
    beat = Beat(bpm=93.0, swing=0.6, kit=kit_name)
    beat.patterns["A"].rows[0].velocities = [1.0 if step % 4 == 0 else 0.0 for step in range(16)]
    beat.patterns["A"].rows[1].velocities = [1.0 if step % 8 == 4 else 0.0 for step in range(16)]
    return beat


def test_a_render_holds_every_hit_on_its_sample(tmp_path, click_kit):
    beat = two_pad_beat(str(click_kit.source))
    rendered = render_beat(beat, tmp_path / "beat.wav", bars=2)
    audio, rate = soundfile.read(rendered.path, always_2d=True)
    assert rate == SR
    assert soundfile.info(rendered.path).subtype == "PCM_24"
    music_s = 2 * 16 * 60 / 93.0 / 4
    assert audio.shape[0] / SR == pytest.approx(music_s + TAIL_S, abs=256 / SR)
    expected = sorted({hit.sample + PLAYBACK_OFFSET_SAMPLES for hit in song_hits(beat, SR, repeats=2)})
    np.testing.assert_array_equal(onsets(audio[:, 0], threshold=1e-3, min_gap=200), expected)
    assert np.abs(audio).max() <= db_to_amp(LIMITER_CEILING_DB) + 1e-4


def test_a_render_of_part_of_the_song_stops_triggering_at_the_end(tmp_path, click_kit):
    beat = two_pad_beat(str(click_kit.source))
    rendered = render_beat(beat, tmp_path / "half.wav", bars=0.5)
    audio, _ = soundfile.read(rendered.path, always_2d=True)
    # half a bar is steps 0 to 7: hits on steps 0 and 4; step 8 would fall inside the tail
    step_8 = step_sample(8, beat.bpm, beat.swing, SR)
    expected = sorted({hit.sample + PLAYBACK_OFFSET_SAMPLES for hit in song_hits(beat, SR) if hit.sample < step_8})
    assert len(expected) == 2
    assert list(onsets(audio[:, 0], threshold=1e-3, min_gap=200)) == expected
    assert not list(tmp_path.glob("*.partial")) and not list(tmp_path.glob("*.rendering.wav"))
