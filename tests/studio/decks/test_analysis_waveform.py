"""The waveforms a deck draws: the peak of the low, mid and high bands per column, 0..255."""

import numpy as np
import pytest

from studio.decks.analysis.track_analysis import analyse_samples
from tests.studio.decks.track_audio import stereo, tone


def test_the_shapes_are_1024_columns_for_the_track_and_100_a_second_for_the_close_up():
    _, waveform = analyse_samples(stereo(tone(440.0, 12.5)), 44100)
    assert waveform.overview.shape == (1024, 3) and waveform.overview.dtype == np.uint8
    assert waveform.detail.shape == (1250, 3) and waveform.detail.dtype == np.uint8
    assert waveform.detail_columns_per_s == 100


@pytest.mark.parametrize("frequency_hz,band", [(60.0, 0), (1000.0, 1), (6000.0, 2)])
def test_each_band_lights_for_its_own_sounds_only(frequency_hz, band):
    _, waveform = analyse_samples(stereo(tone(frequency_hz, 4.0, peak=0.5)), 44100)
    middle = waveform.detail[50:350]
    assert middle[:, band].min() > 200  # -6 dBFS on a 48 dB scale: near the top
    others = [b for b in range(3) if b != band]
    assert middle[:, others].max() < 40


def test_a_burst_shows_where_it_is_and_silence_draws_nothing():
    samples = np.zeros((44100 * 10, 2), np.float32)
    samples[88200:110250] = stereo(tone(1000.0, 0.5, peak=0.8))  # 2.0 to 2.5 s
    _, waveform = analyse_samples(samples, 44100)
    loud = np.flatnonzero(waveform.detail[:, 1] > 100)
    assert loud[0] == pytest.approx(200, abs=3) and loud[-1] == pytest.approx(250, abs=3)
    assert waveform.detail[:150].max() == 0 and waveform.detail[300:].max() == 0
    assert np.flatnonzero(waveform.overview[:, 1] > 100)[0] == pytest.approx(1024 * 0.2, abs=3)


def test_a_track_shorter_than_the_overview_still_fills_it():
    _, waveform = analyse_samples(stereo(tone(1000.0, 1.2)), 44100)
    assert waveform.overview.shape == (1024, 3) and waveform.overview[:, 1].min() > 150
