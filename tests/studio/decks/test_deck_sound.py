"""What a DJ hears from a deck's strip: key lock holds the pitch, the EQ kills take their band
out, the filter darkens or thins, the crossfader's curves and the headphone cue."""

import numpy as np
import pytest

from studio.decks.decks_graph import crossfader_gains
from tests.studio.decks.deck_rig import SR, DeckRig, recorded
from tests.studio.signals import rms_dbfs


def sine_track(freq_hz: float, seconds: float = 6.0, level: float = 0.5) -> np.ndarray:
    n = np.arange(int(seconds * SR))
    mono = level * np.sin(2 * np.pi * freq_hz * n / SR)
    return np.stack([mono, mono], axis=1)


def pitch_hz(samples: np.ndarray) -> float:
    """The strongest frequency, to a fraction of a bin (parabolic interpolation on a long FFT)."""
    size = 1 << 20
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples)), size))
    k = int(np.argmax(spectrum[10:])) + 10
    a, b, c = np.log(spectrum[k - 1:k + 2])
    return (k + 0.5 * (a - c) / (a - 2 * b + c)) * SR / size


def cents(a_hz: float, b_hz: float) -> float:
    return 1200 * np.log2(a_hz / b_hz)


@pytest.fixture
def rig(tmp_path):
    rig = DeckRig(tmp_path, capacity_s=20.0)
    yield rig
    rig.close()


def play_and_record(rig, seconds=2.0, deck=1, signal=None):
    table = rig.record(signal if signal is not None else rig.decks.decks[deck - 1].channel.output, seconds)
    rig.act(deck, "playing", 1)
    rig.run(seconds)
    return recorded(table)[int(0.3 * SR):]


@pytest.mark.parametrize("tempo", [1.0, -1.0], ids=["plus-8", "minus-8"])
@pytest.mark.parametrize("freq_hz", [220.0, 1000.0])
def test_key_lock_keeps_the_pitch_within_10_cents_when_the_tempo_moves_8_percent(rig, tempo, freq_hz):
    rig.load(1, sine_track(freq_hz))
    rig.act(1, "tempo", tempo)  # +-8 %, the fader at its end
    got = pitch_hz(play_and_record(rig))
    assert abs(cents(got, freq_hz)) < 10.0
    assert rig.decks.status()[0].key_lock_engaged


def test_without_key_lock_the_pitch_moves_with_the_tempo(rig):
    rig.load(1, sine_track(440.0))
    rig.act(1, "key_lock", 0)
    rig.act(1, "tempo", 1.0)
    got = pitch_hz(play_and_record(rig))
    assert cents(got, 440.0 * 1.08) == pytest.approx(0.0, abs=2.0)


def test_key_lock_keeps_the_level(rig):
    """Within 1.5 dB: the vocoder's level depends a little on where a tone falls between its bins."""
    rig.load(1, sine_track(440.0))
    rig.act(1, "tempo", 0.5)
    assert rms_dbfs(play_and_record(rig)) == pytest.approx(rms_dbfs(sine_track(440.0)[:, 0]), abs=1.5)


@pytest.mark.parametrize("band, freq_hz", [("low", 60.0), ("mid", 870.0), ("high", 10000.0)])
def test_an_eq_kill_takes_its_band_out_and_leaves_the_others(rig, band, freq_hz):
    others = {"low": (870.0, 10000.0), "mid": (60.0, 10000.0), "high": (60.0, 870.0)}[band]
    rig.load(1, sine_track(freq_hz) + sine_track(others[0]) + sine_track(others[1]))
    index = ("low", "mid", "high").index(band)
    rig.decks.set_eq(1, index, 0.0, killed=True)
    got = play_and_record(rig)
    spectrum = np.abs(np.fft.rfft(got * np.hanning(len(got))))
    level = lambda hz: 20 * np.log10(spectrum[int(round(hz * len(got) / SR))] + 1e-12)  # noqa: E731
    # The killed band is 35 dB or more below the bands kept (each sine is at the same level);
    # the mid band is measured at its centre, between the two crossovers.
    depth_db = min(level(others[0]), level(others[1])) - level(freq_hz)
    print(f"{band} kill: {depth_db:.1f} dB at {freq_hz:g} Hz")
    assert depth_db > 35.0


def test_the_eq_at_0_db_leaves_the_level_flat_across_the_crossovers(rig):
    for freq_hz in (80.0, 250.0, 1000.0, 3000.0, 8000.0):
        rig.load(1, sine_track(freq_hz, seconds=3.0))
        got = play_and_record(rig, seconds=1.0)
        rig.act(1, "playing", 0)
        rig.run(0.2)
        assert rms_dbfs(got) == pytest.approx(rms_dbfs(sine_track(freq_hz)[:, 0]), abs=0.5), f"{freq_hz} Hz"


def test_the_filter_darkens_to_the_left_and_thins_to_the_right(rig):
    rig.load(1, sine_track(100.0) + sine_track(8000.0))

    def levels(amount):
        rig.act(1, "filter", amount)
        rig.act(1, "seek_s", 0.0)
        got = play_and_record(rig, seconds=1.0)
        spectrum = np.abs(np.fft.rfft(got * np.hanning(len(got))))
        return [20 * np.log10(spectrum[int(round(hz * len(got) / SR))]) for hz in (100.0, 8000.0)]

    low_open, high_open = levels(0.0)
    low_dark, high_dark = levels(-0.8)
    low_thin, high_thin = levels(0.8)
    assert high_dark < high_open - 30 and low_dark == pytest.approx(low_open, abs=3)
    assert low_thin < low_open - 30 and high_thin == pytest.approx(high_open, abs=3)


@pytest.mark.parametrize("curve", ["smooth", "mix", "cut"])
def test_crossfader_curves_give_each_side_alone_at_the_ends(curve):
    assert crossfader_gains(-1.0, curve) == pytest.approx((1.0, 0.0), abs=1e-9)
    assert crossfader_gains(1.0, curve) == pytest.approx((0.0, 1.0), abs=1e-9)


def test_crossfader_curves_in_the_middle():
    one, two = crossfader_gains(0.0, "smooth")
    assert one**2 + two**2 == pytest.approx(1.0)  # constant power: no dip or bump
    assert crossfader_gains(0.0, "mix") == (1.0, 1.0)
    assert crossfader_gains(-0.9, "cut") == pytest.approx((1.0, 1.0))  # a scratch cut is all or nothing


def test_the_crossfader_moves_the_mix_from_one_deck_to_the_other(rig):
    rig.load(1, sine_track(300.0))
    rig.load(2, sine_track(5000.0))
    rig.act(2, "playing", 1)
    rig.act("mixer", "crossfader", -1.0)
    got = play_and_record(rig, signal=rig.decks.output)
    spectrum = np.abs(np.fft.rfft(got * np.hanning(len(got))))
    level = lambda hz: 20 * np.log10(spectrum[int(round(hz * len(got) / SR))] + 1e-12)  # noqa: E731
    assert level(5000.0) < level(300.0) - 60


def test_the_headphone_cue_hears_a_deck_before_its_fader(rig):
    rig.load(1, sine_track(440.0))
    rig.act(1, "fader", 0.0)  # the audience hears nothing...
    rig.act(1, "headphones", 1)  # ...the DJ hears it in the headphones
    cue = rig.record(rig.decks.cue, 1.5)
    main = play_and_record(rig, seconds=1.5, signal=rig.decks.output)
    assert np.max(np.abs(main)) < 1e-6
    assert rms_dbfs(recorded(cue)[int(0.3 * SR):]) == pytest.approx(rms_dbfs(sine_track(440.0)[:, 0]), abs=0.5)
