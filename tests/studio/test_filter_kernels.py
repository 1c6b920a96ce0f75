"""scipy.signal's sosfilt loop loaded alone: the same results as scipy.signal's public sosfilt,
and the public sosfilt used instead when the loop cannot be loaded."""

import numpy as np
import pytest

from studio.audio import filter_kernels
from studio.audio.loudness import k_weighting_sections


@pytest.fixture
def public_only(monkeypatch):
    """As on a scipy whose files are laid out otherwise: loading the loop fails."""
    monkeypatch.setattr(filter_kernels, "_sosfilt_loop", filter_kernels._NOT_LOADED)

    def missing(name):
        raise FileNotFoundError(name)

    monkeypatch.setattr(filter_kernels, "_module", missing)


def noise(frames=5000):
    return np.random.default_rng(3).standard_normal((2, frames)).astype(np.float32)


def test_the_loop_is_scipys_own_and_agrees_with_scipy_signal():
    from scipy.signal import sosfilt

    assert filter_kernels.using_scipy_loop()
    x = noise()
    sos = k_weighting_sections(48000)
    np.testing.assert_allclose(filter_kernels.sosfilt(sos, x), sosfilt(sos, x.astype(np.float64), axis=1),
                               rtol=0, atol=1e-12)


def test_without_the_loop_scipy_signal_gives_the_same(public_only):
    from scipy.signal import sosfilt

    x = noise(300)
    sos = k_weighting_sections(44100)
    assert not filter_kernels.using_scipy_loop()
    np.testing.assert_allclose(filter_kernels.sosfilt(sos, x), sosfilt(sos, x.astype(np.float64), axis=1),
                               rtol=0, atol=1e-12)


def test_the_checks_on_loading_find_a_loop_that_disagrees(monkeypatch):
    monkeypatch.setattr(filter_kernels, "_sosfilt_loop", filter_kernels._NOT_LOADED)
    monkeypatch.setattr(filter_kernels, "_sosfilt_in_python", lambda sos, x: np.asarray(x) * 2)
    assert filter_kernels._loop() is None  # so scipy.signal's public sosfilt is used


@pytest.mark.parametrize("rate", [44100, 48000, 96000])
def test_the_k_weighting_is_pyloudnorms(rate):
    from pyloudnorm import IIRfilter

    stages = (IIRfilter(4.0, 1 / np.sqrt(2), 1500.0, rate, "high_shelf"), IIRfilter(0.0, 0.5, 38.0, rate, "high_pass"))
    expected = np.array([np.concatenate(stage.generate_coefficients()) for stage in stages])
    np.testing.assert_allclose(k_weighting_sections(rate), expected, rtol=1e-12, atol=1e-15)


def test_the_studios_loudness_and_true_peak_never_import_scipy_signal():
    import subprocess
    import sys

    code = ("import sys, numpy as np\n"
            "from studio.audio.loudness import integrated_loudness_lufs\n"
            "from studio.export.mastering import analyse, plan_gain\n"
            "audio = np.random.default_rng(1).standard_normal((48000, 2)).astype(np.float32) * 0.1\n"
            "integrated_loudness_lufs(audio, 48000); plan_gain(analyse(audio, 48000), 48000)\n"
            "print('scipy.signal' in sys.modules, 'scipy.ndimage' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("loop", ["scipys", "public"])
def test_filtering_piece_by_piece_from_the_state_left_is_filtering_whole(loop, request):
    if loop == "public":
        request.getfixturevalue("public_only")
    x, sos = noise(3000), k_weighting_sections(48000)
    whole = filter_kernels.sosfilt(sos, x)
    first, state = filter_kernels.sosfilt(sos, x[:, :1234], zi=np.zeros((2, 2, 2)))
    second, _ = filter_kernels.sosfilt(sos, x[:, 1234:], zi=state)
    np.testing.assert_allclose(np.concatenate([first, second], axis=1), whole, rtol=0, atol=1e-12)


@pytest.mark.parametrize("loop", ["scipys", "public"])
def test_a_complex_signal_is_its_two_parts_filtered_alone(loop, request):
    if loop == "public":
        request.getfixturevalue("public_only")
    x, sos = noise(3000), k_weighting_sections(48000)
    pair = (x[0] + 1j * x[1]).astype(np.complex128)[None, :]
    together, state = filter_kernels.sosfilt(sos, pair, zi=np.zeros((1, 2, 2), np.complex128))
    alone = filter_kernels.sosfilt(sos, x)
    np.testing.assert_allclose(together[0].real, alone[0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(together[0].imag, alone[1], rtol=0, atol=1e-12)
    _, state = filter_kernels.sosfilt(sos, pair[:, :1000], zi=np.zeros((1, 2, 2), np.complex128))
    rest, _ = filter_kernels.sosfilt(sos, pair[:, 1000:], zi=state)
    np.testing.assert_allclose(rest, together[:, 1000:], rtol=0, atol=1e-12)


def test_stereo_loudness_squares_are_each_sides_squares_added():
    from studio.audio.loudness import k_weighted_squares_from

    x = noise(5000).T  # (frames, 2)
    squares, state = k_weighted_squares_from(x[:3000], 48000, None)
    more, _ = k_weighted_squares_from(x[3000:], 48000, state)
    left, _ = k_weighted_squares_from(x[:, :1], 48000, None)
    right, _ = k_weighted_squares_from(x[:, 1:], 48000, None)
    np.testing.assert_allclose(np.concatenate([squares, more]), left + right, rtol=1e-12, atol=1e-15)
    x64 = x.astype(np.float64)
    k_weighted_squares_from(x64, 48000, None)
    np.testing.assert_array_equal(x64, x.astype(np.float64))  # the caller's samples are left as they were
