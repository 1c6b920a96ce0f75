"""Loudness (ITU-R BS.1770 through pyloudnorm), the deck gain to -14 LUFS, and the peak."""

import math

import numpy as np
import pyloudnorm
import pytest

from studio.audio.loudness import integrated_loudness_lufs
from studio.decks.analysis.loudness import peak_db, suggested_gain_db
from studio.decks.analysis.track_analysis import analyse_samples
from tests.studio.decks.track_audio import drum_loop, stereo, tone


def test_a_1_khz_tone_at_minus_20_dbfs_on_both_sides_reads_minus_20_lufs():
    samples = stereo(tone(1000.0, 10.0, 48000, peak=10 ** (-20 / 20)))
    assert integrated_loudness_lufs(samples, 48000) == pytest.approx(-20.0, abs=0.1)  # the standard's own check


def test_a_long_track_measured_a_minute_at_a_time_reads_as_pyloudnorm_reads_it_whole():
    samples = drum_loop(100.0, 150.0, 22050)
    whole = pyloudnorm.Meter(22050).integrated_loudness(samples)
    assert integrated_loudness_lufs(samples, 22050) == pytest.approx(whole, abs=0.01)


def test_the_analysis_measures_at_the_track_rate_as_pyloudnorm_does():
    samples = drum_loop(120.0, 30.0, 48000)  # bright hats: measured at a lower rate this would read 1 dB low
    analysis, _ = analyse_samples(samples, 48000)
    assert analysis.loudness_lufs == pytest.approx(pyloudnorm.Meter(48000).integrated_loudness(samples), abs=0.01)


@pytest.mark.parametrize("lufs,gain_db", [(-20.0, 6.0), (-8.5, -5.5), (-14.0, 0.0), (-40.0, 12.0), (0.0, -12.0),
                                          (-math.inf, 0.0)])
def test_the_suggested_gain_brings_a_track_to_minus_14_lufs_within_12_db(lufs, gain_db):
    assert suggested_gain_db(lufs) == pytest.approx(gain_db)


def test_silence_is_minus_infinity_and_gets_no_boost():
    analysis, _ = analyse_samples(np.zeros((48000 * 3, 2), np.float32), 48000)
    assert analysis.loudness_lufs == -math.inf and analysis.peak_db == -math.inf and analysis.gain_db == 0.0


def test_the_peak_is_the_loudest_sample_in_dbfs():
    samples = stereo(tone(440.0, 2.0, peak=0.5))
    samples[1234, 1] = -0.9
    assert peak_db(samples) == pytest.approx(20 * math.log10(0.9))
