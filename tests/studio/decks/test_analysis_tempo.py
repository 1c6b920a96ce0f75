"""Tempo, beat grid and first downbeat: exact on steady music, the right metrical level (not half,
double or two thirds), and 0.0 ("no clear beat") when there is none."""

import numpy as np
import pytest

from studio.decks.analysis.track_analysis import analyse_samples
from tests.studio.decks.track_audio import chords, drum_loop, stereo, tone

try:
    from studio.decks.demo_synth.tempo_set import make_click_case, make_tempo_set
except ImportError:  # pragma: no cover - the tempo set is written alongside
    make_click_case = make_tempo_set = None

NO_TEMPO_SET = "studio.decks.demo_synth.tempo_set is not there yet"
needs_tempo_set = pytest.mark.skipif(make_tempo_set is None, reason=NO_TEMPO_SET)


@pytest.mark.parametrize("bpm,first_downbeat_s", [(72.0, 0.0), (90.0, 0.25), (123.5, 0.37), (128.0, 1.1),
                                                  (141.3, 0.05), (97.37, 0.6)])
def test_a_drum_loop_reads_its_tempo_and_first_downbeat(bpm, first_downbeat_s):
    analysis, _ = analyse_samples(drum_loop(bpm, 30.0, first_downbeat_s=first_downbeat_s), 44100)
    assert analysis.bpm == pytest.approx(bpm, abs=0.05)
    assert analysis.first_beat_s == pytest.approx(first_downbeat_s, abs=0.02)
    assert analysis.beats_per_bar == 4 and analysis.bpm_confidence > 0.5


def test_the_grid_is_fitted_over_the_whole_track_to_a_hundredth_of_a_bpm():
    analysis, _ = analyse_samples(drum_loop(123.45, 180.0, first_downbeat_s=0.2), 44100)
    assert analysis.bpm == pytest.approx(123.45, abs=0.01)
    last_beat_s = 0.2 + 368 * 60 / 123.45  # 3 minutes on, the grid still lands on the beat
    assert analysis.first_beat_s + 368 * 60 / analysis.bpm == pytest.approx(last_beat_s, abs=0.01)


@needs_tempo_set
@pytest.mark.parametrize("bpm", [60.0, 87.3, 120.0, 133.33, 174.0, 199.0])
def test_a_click_on_every_beat_with_an_accented_downbeat(bpm):
    case = make_click_case(bpm, seconds=20.0, sample_rate=22050, first_downbeat_s=0.3)
    analysis, _ = analyse_samples(case.samples, case.sample_rate)
    assert analysis.bpm == pytest.approx(bpm, abs=0.05)
    assert analysis.first_beat_s == pytest.approx(0.3, abs=0.02)


@pytest.mark.parametrize("name,samples", [
    ("silence", np.zeros((44100 * 10, 2), np.float32)),
    ("white noise", (0.2 * np.random.default_rng(5).standard_normal((44100 * 10, 2))).astype(np.float32)),
    ("a held tone", stereo(tone(220.0, 10.0))),
])
def test_sound_with_no_beat_reads_bpm_0(name, samples):
    analysis, _ = analyse_samples(samples, 44100)
    assert analysis.bpm == 0.0 and analysis.first_beat_s == 0.0
    assert not analysis.has_beat


def test_pads_swelling_at_uneven_times_have_no_clear_beat():
    rng = np.random.default_rng(2)
    a_minor, f_major, c_major = (220.0, 261.63, 329.63), (174.61, 220.0, 261.63), (261.63, 329.63, 392.0)
    parts = [chords([notes], rng.uniform(2.2, 4.7), repeats=1) for notes in (a_minor, f_major, c_major) * 3]
    fades = [p * np.minimum(1, np.arange(len(p)) / (0.9 * 44100))[:, None] for p in parts]
    analysis, _ = analyse_samples(np.concatenate(fades).astype(np.float32), 44100)
    assert analysis.bpm == 0.0


@pytest.fixture(scope="module")
def tempo_set_results():
    cases = make_tempo_set(sample_rate=22050, seconds=30.0)
    return [(case, analyse_samples(case.samples, case.sample_rate)[0]) for case in cases]


@needs_tempo_set
def test_the_tempo_set_reads_at_the_right_tempo_not_half_double_or_two_thirds(tempo_set_results):
    right = [case.name for case, analysis in tempo_set_results if abs(analysis.bpm - case.bpm) < 0.5]
    wrong = {case.name: round(analysis.bpm, 2) for case, analysis in tempo_set_results if case.name not in right}
    assert len(right) >= 0.9 * len(tempo_set_results), f"read wrong: {wrong}"
    # Non-integer tempos come out exact too (123.5, 141.7, 97.3), not rounded to a whole BPM.
    for case, analysis in tempo_set_results:
        if case.bpm != round(case.bpm) and case.name in right:
            assert analysis.bpm == pytest.approx(case.bpm, abs=0.05), case.name


@needs_tempo_set
def test_the_tempo_set_finds_the_first_downbeat_within_20_ms(tempo_set_results):
    right = [(case, analysis) for case, analysis in tempo_set_results if abs(analysis.bpm - case.bpm) < 0.5]
    on_time = [case.name for case, analysis in right if abs(analysis.first_beat_s - case.first_downbeat_s) < 0.02]
    late = {case.name: round(analysis.first_beat_s - case.first_downbeat_s, 3)
            for case, analysis in right if case.name not in on_time}
    assert len(on_time) >= 0.9 * len(right), f"first downbeat off by (s): {late}"
