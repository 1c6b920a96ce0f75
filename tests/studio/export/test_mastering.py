"""Mastering: the loudness target reached, no true peak over the ceiling, stems still adding up, silence kept."""

import math

import numpy as np
import pytest

from studio.export.limiter import RELEASE_S, limiter_gain
from studio.export.mastering import fit, integrated_lufs, master, measure
from studio.export.true_peaks import peak_envelope, true_peak_dbtp

SR = 48000


def peaky_song(seconds=6.0) -> tuple[np.ndarray, list]:
    """A quiet tone with loud clicks on every beat (a drum's peaks over a soft pad), split into two stems."""
    t = np.arange(int(seconds * SR)) / SR
    tone = 0.05 * np.sin(2 * np.pi * 440 * t)
    clicks = np.zeros_like(t)
    clicks[::SR // 2] = 0.9
    pad = np.stack([tone, 0.7 * tone], axis=1).astype(np.float32)
    drums = np.stack([clicks, clicks], axis=1).astype(np.float32)
    return pad + drums, [("Pad", pad), ("Drums", drums)]


@pytest.mark.parametrize("target_lufs, ceiling_dbtp", [(-14.0, -1.0), (-9.0, -1.5), (-23.0, -1.0)])
def test_the_loudness_target_is_reached_and_no_true_peak_passes_the_ceiling(target_lufs, ceiling_dbtp):
    mix, stems = peaky_song()
    mastered = master(mix, stems, SR, target_lufs, ceiling_dbtp)
    assert abs(integrated_lufs(mastered.mix, SR) - target_lufs) <= 0.2
    assert true_peak_dbtp(mastered.mix) <= ceiling_dbtp
    assert mastered.lufs == pytest.approx(integrated_lufs(mastered.mix, SR))
    assert mastered.true_peak_dbtp == pytest.approx(true_peak_dbtp(mastered.mix))
    assert mastered.limited_db > 3.0 and mastered.notes == []  # the clicks needed the limiter


def test_the_stems_get_the_same_gain_curve_and_still_add_up_to_the_mix():
    mix, stems = peaky_song()
    mastered = master(mix, stems, SR)
    assert [name for name, _ in mastered.stems] == ["Pad", "Drums"]
    np.testing.assert_allclose(mastered.stems[0][1] + mastered.stems[1][1], mastered.mix, atol=1e-6)


def test_a_song_without_peaks_is_only_made_louder():
    t = np.arange(4 * SR) / SR
    mix = np.stack([0.01 * np.sin(2 * np.pi * 220 * t)] * 2, axis=1).astype(np.float32)
    mastered = master(mix, [], SR)
    assert mastered.limited_db == pytest.approx(0.0, abs=1e-6)
    np.testing.assert_allclose(mastered.mix, mix * 10 ** (mastered.gain_db / 20), rtol=1e-5, atol=1e-7)
    assert abs(mastered.lufs + 14.0) <= 0.2


def test_silence_stays_silence_with_a_plain_note():
    mastered = master(np.zeros((SR, 2), np.float32), [("Beat", np.zeros((SR, 2), np.float32))], SR)
    assert not np.any(mastered.mix) and not np.any(mastered.stems[0][1])
    assert mastered.lufs == -math.inf and mastered.true_peak_dbtp == -math.inf
    assert mastered.notes == ["The song is silent, so it was exported as silence."]


def test_a_very_quiet_song_is_raised_as_far_as_allowed_and_says_so():
    t = np.arange(2 * SR) / SR
    mix = np.stack([4.3e-4 * np.sin(2 * np.pi * 220 * t)] * 2, axis=1).astype(np.float32)  # about -68 LUFS
    mastered = master(mix, [], SR, target_lufs=-6.0)
    assert mastered.gain_db == pytest.approx(60.0)
    assert mastered.notes == ["The song is very quiet: it was raised by 60 dB, the most allowed, "
                              "and is still under -6 LUFS."]
    # Quieter still (under BS.1770's -70 LUFS gate) counts as silence.
    assert master(mix / 100, [], SR).notes == ["The song is silent, so it was exported as silence."]


def test_the_limiter_dips_before_each_peak_and_lets_go_over_its_release():
    peaks = np.full(SR, 0.5)
    peaks[SR // 2] = 2.0  # needs a quarter of the gain, on one frame
    gain = limiter_gain(peaks, 1.0, SR)
    assert np.all(peaks * gain <= 1.0 + 1e-12) and gain[SR // 2] == pytest.approx(0.5)
    assert np.all(gain[:SR // 2 - 260] == 1.0)  # untouched until the look-ahead before the peak
    assert np.all(np.diff(gain[SR // 2 - 240:SR // 2]) <= 0)  # down smoothly ahead of it
    cut_db = -20 * np.log10(gain[SR // 2 + int(RELEASE_S * SR)])  # one time constant later: about 1/e left
    assert cut_db == pytest.approx(6.02 / math.e, rel=0.05)


def test_a_peak_on_the_very_first_frame_is_cut_too():
    peaks = np.full(1000, 0.5)
    peaks[0] = 4.0
    assert peaks[0] * limiter_gain(peaks, 1.0, SR)[0] <= 1.0 + 1e-12


def test_true_peaks_between_samples_are_found():
    # A sine at a quarter of the rate, sampled 45 degrees off its crests: the samples show 0.707, the wave reaches 1.
    n = np.arange(4800)
    wave = np.sin(2 * np.pi * n / 4 + np.pi / 4)
    audio = np.stack([wave, wave], axis=1) / np.sqrt(2)  # every sample is +-0.5
    assert np.max(np.abs(audio)) == pytest.approx(0.5)
    assert true_peak_dbtp(audio) == pytest.approx(20 * np.log10(1 / np.sqrt(2)), abs=0.2)
    assert peak_envelope(audio).shape == (4800,)


def music_like(seconds=8.0, rate=SR) -> np.ndarray:
    """Noise shaped into loud and quiet passages (so the gates matter), with sharp clicks."""
    rng = np.random.default_rng(5)
    t = np.arange(int(seconds * rate)) / rate
    level = np.where((t % 4.0) < 3.0, 0.2, 0.002)  # a quiet second in every four
    audio = rng.standard_normal((len(t), 2)) * level[:, None]
    audio[::rate // 3] += rng.uniform(-0.9, 0.9, (len(audio[::rate // 3]), 2))
    return audio.astype(np.float32)


@pytest.mark.parametrize("rate", [48000, 44100])
def test_the_loudness_agrees_with_pyloudnorm(rate):
    import pyloudnorm

    for audio in (music_like(rate=rate), peaky_song()[0], music_like(1.0, rate)):
        expected = pyloudnorm.Meter(rate).integrated_loudness(audio.astype(np.float64))
        assert integrated_lufs(audio, rate) == pytest.approx(expected, abs=0.02)


def test_the_true_peak_agrees_with_16x_oversampling_and_sits_where_the_peak_is():
    from scipy.signal import resample_poly

    audio = music_like()
    for signal in (audio, audio[:, ::-1] * 0.5, np.cumsum(audio, axis=0) / 300):
        reference = 20 * np.log10(np.max(np.abs(resample_poly(signal.astype(np.float64), 16, 1, axis=0))))
        assert true_peak_dbtp(signal) == pytest.approx(reference, abs=0.15)
    click = np.zeros((2000, 2), np.float32)
    click[1000] = [0.0, 0.8]
    envelope = peak_envelope(click)
    assert envelope[1000] == pytest.approx(0.8, abs=0.03)
    # The filter's ringing around the click is placed around it, as wide before as after.
    ringing = np.flatnonzero(envelope)
    assert 4 <= 1000 - ringing[0] <= 8 and abs((1000 - ringing[0]) - (ringing[-1] - 1000)) <= 1


def test_the_passes_estimates_are_what_the_measure_finds():
    mix = music_like()
    fitted = fit(mix, [], SR, -14.0, -1.0)
    lufs, peak_dbtp = measure(fitted.mix, SR)
    assert fitted.lufs == pytest.approx(lufs, abs=0.05) and fitted.true_peak_dbtp == pytest.approx(peak_dbtp, abs=0.1)
    assert peak_dbtp <= -1.0 and abs(lufs + 14.0) <= 0.15


def test_the_true_peaks_worked_out_only_where_they_matter_are_peak_envelopes_own():
    from studio.export.limiter import BLOCK_FRAMES
    from studio.export.mastering import analyse

    for audio in (music_like(2.0), music_like(2.0)[:12345], np.cumsum(music_like(1.0), axis=0) / 300, music_like()[:9]):
        analysis = analyse(audio, SR)
        envelope = peak_envelope(audio)
        blocks = len(analysis.block_peaks)
        first_blocks = np.array([0, 1, blocks // 2, blocks - 2, blocks - 1])
        analysis.make_exact(np.unique(first_blocks[(first_blocks >= 0) & (first_blocks < blocks)]))
        analysis.make_exact_over(0.3)
        exact = np.flatnonzero(analysis.exact)
        assert 0 in exact and blocks - 1 in exact
        expected = np.maximum.reduceat(envelope, np.arange(0, len(audio), BLOCK_FRAMES))
        np.testing.assert_allclose(analysis.block_peaks[exact], expected[exact], rtol=1e-6, atol=1e-7)
        frames = (exact[:, None] * BLOCK_FRAMES + np.arange(BLOCK_FRAMES)).ravel()
        inside = frames < len(audio)
        worked_out = analysis.envelopes(exact).ravel()
        np.testing.assert_allclose(worked_out[inside], envelope[frames[inside]], rtol=1e-6, atol=1e-7)
        assert np.all(worked_out[~inside] == 0.0)
        # Blocks left with their bound are never under their true peak.
        assert np.all(analysis.block_peaks >= expected * (1 - 1e-6))


def test_the_plan_is_the_same_as_with_every_true_peak_worked_out():
    from studio.export.mastering import analyse, plan_gain

    # A few loud clicks over a soft tone; loud noise all through, made louder still.
    for mix, target_lufs, most_left in ((peaky_song()[0], -14.0, True), (music_like(), -6.0, False)):
        pruned, full = analyse(mix, SR), analyse(mix, SR)
        full.make_exact(np.arange(len(full.block_peaks)))
        fitted, reference = plan_gain(pruned, SR, target_lufs, -1.0), plan_gain(full, SR, target_lufs, -1.0)
        assert 0 < np.count_nonzero(pruned.exact) < len(pruned.exact) * (0.1 if most_left else 1.0)
        np.testing.assert_array_equal(fitted.knots, reference.knots)
        assert fitted.true_peak_dbtp == reference.true_peak_dbtp and fitted.limited_db > 1.0


@pytest.mark.parametrize("rate", [48000, 44100])
def test_the_planned_measure_is_the_measure_of_the_mastered_song(rate, monkeypatch):
    from studio.export import mastering
    from studio.export.mastering import analyse, measure_planned, plan_gain

    monkeypatch.setattr(mastering, "CHUNK_STEPS", 7)  # "minutes" of 0.7 s, so blocks fall across them
    for audio in (music_like(3.0, rate), music_like(3.0, rate)[:, :1], music_like(3.0, rate)[:5000]):
        plan = plan_gain(analyse(audio, rate), rate, -12.0, -1.0)
        mastered = plan.apply(audio)
        assert measure_planned(audio, plan, rate)[1] == pytest.approx(true_peak_dbtp(mastered), abs=1e-5)
    monkeypatch.undo()
    audio = music_like(3.0, rate)
    plan = plan_gain(analyse(audio, rate), rate, -12.0, -1.0)
    lufs, peak_dbtp = measure_planned(audio, plan, rate)
    assert lufs == pytest.approx(integrated_lufs(plan.apply(audio), rate), abs=1e-6)


@pytest.mark.parametrize("frames, width", [(1000, 16), (1000, 5), (17, 16), (16, 16), (50, 1), (40, 3)])
def test_the_limiters_moving_minimum_is_each_windows_least(frames, width):
    from numpy.lib.stride_tricks import sliding_window_view

    from studio.export.limiter import moving_minimum

    values = np.random.default_rng(frames + width).random(frames)
    np.testing.assert_array_equal(moving_minimum(values, width), sliding_window_view(values, width).min(axis=1))


def test_a_plan_applies_each_frames_gain_to_every_channel_in_any_piece():
    from studio.export.mastering import GainPlan, gains_at

    knots = np.random.default_rng(4).uniform(0.2, 1.5, 40)
    plan = GainPlan(knots, 700, -14.0, -1.0, 0.0, 0.0)
    audio = np.random.default_rng(5).uniform(-1, 1, (700, 2)).astype(np.float32)
    for first, last in [(0, 700), (3, 17), (16, 32), (650, 700), (5, 6)]:
        gains = gains_at(knots, np.arange(first, last))
        np.testing.assert_array_equal(plan.curve(first, last), gains)
        np.testing.assert_array_equal(plan.curve(first, last, 2), np.repeat(gains, 2))
        np.testing.assert_array_equal(plan.apply(audio, first, last), audio[first:last] * gains[:, None])
        np.testing.assert_array_equal(plan.apply(audio[:, :1], first, last), audio[first:last, :1] * gains[:, None])
        np.testing.assert_array_equal(plan.apply(audio[:, 0], first, last), audio[first:last, 0] * gains)


@pytest.mark.parametrize("frames, channels", [(5, 2), (16, 1), (4096 * 16 * 2 + 7, 2), (4096 * 16, 2), (1000, 1)])
def test_each_blocks_highest_sample_is_found_across_pieces(frames, channels, monkeypatch):
    from studio.export import true_peaks
    from studio.export.true_peaks import block_sample_peaks

    monkeypatch.setattr(true_peaks, "PEAK_PIECE_BLOCKS", 4096 if frames > 4096 else 3)  # small songs: pieces too
    audio = np.random.default_rng(frames).uniform(-1, 1, (frames, channels)).astype(np.float32)
    expected = [np.abs(audio[first:first + 16]).max() for first in range(0, frames, 16)]
    np.testing.assert_array_equal(block_sample_peaks(audio), expected)
    if channels == 1:
        np.testing.assert_array_equal(block_sample_peaks(audio[:, 0]), expected)
