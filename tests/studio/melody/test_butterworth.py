"""The FFT Butterworth filters give scipy's response (scipy stays out of the engine process)."""

import numpy as np
import pytest
from scipy import signal

from studio.melody.butterworth import FilterBank, butterworth, one_pole_highpass

SR = 48000


@pytest.mark.parametrize("kind, order, cutoff_hz", [
    ("lowpass", 4, 100.0), ("lowpass", 4, 2828.4), ("lowpass", 4, 21600.0),
    ("highpass", 1, 15.0), ("highpass", 2, 120.0),
])
def test_the_same_as_scipy_butter_and_sosfilt(kind, order, cutoff_hz):
    rng = np.random.default_rng(7)
    x = rng.standard_normal(SR).astype(np.float32)
    x[:100] = 0.0
    expected = signal.sosfilt(signal.butter(order, cutoff_hz, kind, fs=SR, output="sos"), x)
    got = butterworth(x, cutoff_hz, order, kind, SR)
    assert got.dtype == np.float32 and len(got) == len(x)
    assert np.max(np.abs(got - expected)) < 1e-4 * np.max(np.abs(expected))


def test_the_recursive_one_pole_high_pass_is_the_same_as_scipy():
    x = np.random.default_rng(3).standard_normal(5 * SR).astype(np.float32) + 0.3  # and some DC
    expected = signal.sosfilt(signal.butter(1, 15.0, "highpass", fs=SR, output="sos"), x)
    assert np.max(np.abs(one_pole_highpass(x, 15.0, SR) - expected)) < 1e-5


def test_a_bank_filters_like_single_filters():
    x = np.random.default_rng(5).standard_normal(SR // 2).astype(np.float32)
    bank = FilterBank(x, SR, 100.0)
    for cutoff_hz in (100.0, 1000.0):
        np.testing.assert_allclose(bank.filtered(cutoff_hz, 4, "lowpass"),
                                   butterworth(x, cutoff_hz, 4, "lowpass", SR), atol=1e-5)


def test_a_cutoff_out_of_range_is_named():
    with pytest.raises(ValueError, match="cutoff_hz must be in range 0..24000"):
        butterworth(np.zeros(10), 30000.0, 2, "lowpass", SR)
