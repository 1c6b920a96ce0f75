"""The analysis as data: JSON for the cache (silence's -inf included), pickles for the loader."""

import json
import math
import pickle

import numpy as np
import pytest

from studio.decks.analysis.track_analysis import TrackAnalysis, analyse_samples
from tests.studio.decks.track_audio import drum_loop


def test_the_analysis_goes_to_json_and_back_unchanged():
    analysis, _ = analyse_samples(drum_loop(100.0, 10.0), 44100)
    assert TrackAnalysis.from_json(json.loads(json.dumps(analysis.to_json(), allow_nan=False))) == analysis


def test_silence_goes_to_json_as_null_and_comes_back_as_minus_infinity():
    analysis, _ = analyse_samples(np.zeros((44100 * 2, 2), np.float32), 44100)
    data = json.loads(json.dumps(analysis.to_json(), allow_nan=False))
    assert data["loudness_lufs"] is None and data["peak_db"] is None
    back = TrackAnalysis.from_json(data)
    assert back.loudness_lufs == -math.inf and back.bpm == 0.0 and back.key == ""


def test_a_damaged_record_is_refused_with_a_value_error():
    with pytest.raises((ValueError, KeyError, TypeError)):
        TrackAnalysis.from_json({"bpm": "fast"})


def test_the_analysis_and_waveform_pickle_small():
    analysis, waveform = analyse_samples(drum_loop(100.0, 60.0), 44100)
    data = pickle.dumps((analysis, waveform))
    assert len(data) < 30_000  # 6000 columns x 3 bands of detail
    again, shape = pickle.loads(data)
    assert again == analysis and np.array_equal(shape.detail, waveform.detail)


def test_a_5_minute_track_is_analysed_to_its_tempo():
    """How fast is measured in `make bench` (section 13: decode and analysis of a 5-minute MP3),
    not here: on the shared test machines even CPU time swings (2.5 s in one CI run)."""
    samples = drum_loop(124.0, 300.0, 44100)
    analysis, _ = analyse_samples(samples, 44100)
    assert analysis.bpm == pytest.approx(124.0, abs=0.01)
