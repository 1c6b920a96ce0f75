"""The kits that ship in samples/kits: complete, well-made files, and each sound is what its name says."""

from pathlib import Path

import numpy as np
import pytest
import soundfile

from studio.kits import list_shipped_kits, load_kit
from studio.kits.gm_notes import HI_HAT_NOTES
from studio.kits.library import SHIPPED_KITS_DIR
from tests.studio.kits.make_audio import band_energy_fraction
from tests.studio.signals import dominant_frequency_hz, peak_dbfs

SAMPLES_DIR = SHIPPED_KITS_DIR.parent
RATE = 48000
KITS = list_shipped_kits()
DRUM_KITS = [name for name in KITS if name != "percussion"]


def _shipped_sounds():
    for name in KITS:
        for sound in load_kit(name).sounds:
            yield pytest.param(name, sound, id=f"{name}/{sound.name}")


SOUNDS = list(_shipped_sounds())


def test_there_are_five_kits_including_the_default_one():
    assert KITS == ["acoustic", "boom-bap", "house", "percussion", "trap"]


@pytest.mark.parametrize("name", KITS)
def test_each_kit_loads_whole_with_8_to_16_sounds_and_one_gm_note_each(name):
    kit = load_kit(name)
    assert kit.name == name
    assert kit.warnings == []
    assert 8 <= len(kit.sounds) <= 16
    notes = [sound.gm_note for sound in kit.sounds]
    assert len(set(notes)) == len(notes)
    assert all(35 <= note <= 81 for note in notes)  # all General MIDI drum notes


@pytest.mark.parametrize("name", DRUM_KITS)
def test_drum_kits_have_kick_snare_and_hats_and_the_hats_choke_each_other(name):
    kit = load_kit(name)
    notes = {sound.gm_note: sound for sound in kit.sounds}
    assert {36, 42, 46} <= set(notes) and {38, 40} & set(notes)
    hats = [sound for sound in kit.sounds if sound.gm_note in HI_HAT_NOTES]
    group = hats[0].choke_group
    assert group > 0 and all(hat.choke_group == group for hat in hats)
    assert [sound for sound in kit.sounds if sound.choke_group == group] == hats


def test_samples_folder_is_small_and_licensed():
    """The kits (the demo tracks' sizes are checked in tests/studio/decks/test_demo_synth.py)."""
    files = [path for path in (SAMPLES_DIR / "kits").rglob("*") if path.is_file()]
    assert sum(path.stat().st_size for path in files) < 4_000_000
    assert max(path.stat().st_size for path in files) < 1_000_000
    licence = (SAMPLES_DIR / "LICENSE").read_text()
    assert "python -m studio.kits.synth" in licence and "GPL-3.0-or-later" in licence


@pytest.mark.parametrize("name", KITS)
def test_files_are_16_bit_48_khz_wav(name):
    for path in sorted((SHIPPED_KITS_DIR / name).glob("*.wav")):
        info = soundfile.info(str(path))
        assert (info.format, info.subtype, info.samplerate, info.channels) == ("WAV", "PCM_16", RATE, 1), path.name
        assert info.duration <= (2.0 if "808" in path.name else 1.5), path.name


@pytest.mark.parametrize("name,sound", SOUNDS)
def test_sound_is_loud_enough_never_clips_starts_at_once_and_fades_to_silence(name, sound):
    samples, _ = soundfile.read(str(sound.path), dtype="float32")
    assert -15.0 <= peak_dbfs(samples) <= -0.5
    first_loud = np.argmax(np.abs(samples) >= 0.1 * np.abs(samples).max())
    assert first_loud <= 0.003 * RATE  # no leading silence: it sounds within 3 ms of the touch
    assert peak_dbfs(samples[-int(0.003 * RATE):]) < -60.0  # the end is silent: no click when it stops
    assert abs(float(samples[0])) < 0.01 and abs(float(samples[-1])) < 0.001


# What each kind of sound must look like, found by a word in its name (first match wins).
def _kick(x):
    return dominant_frequency_hz(x, RATE) < 100 and band_energy_fraction(x, RATE, 0, 150) >= 0.6


def _tom(x):
    return 60 <= dominant_frequency_hz(x, RATE) <= 250 and band_energy_fraction(x, RATE, 0, 500) >= 0.9


def _snare(x):
    return 150 <= dominant_frequency_hz(x, RATE) <= 300 and band_energy_fraction(x, RATE, 1000, 20000) >= 0.15


def _clap(x):
    return band_energy_fraction(x, RATE, 500, 10000) >= 0.8 and band_energy_fraction(x, RATE, 0, 150) <= 0.02


def _bright(low_hz, share=0.8):
    return lambda x: band_energy_fraction(x, RATE, low_hz, 24000) >= share


def _tuned(low_hz, high_hz):
    def looks(x):
        return low_hz <= dominant_frequency_hz(x, RATE) <= high_hz and band_energy_fraction(x, RATE, 0, 100) < 0.02

    return looks


LOOKS = [
    ("tom", _tom), ("kick", _kick), ("808", _kick), ("snare", _snare), ("clap", _clap), ("snap", _clap),
    ("hat", _bright(4000)), ("crash", _bright(3000, 0.7)), ("cowbell", _tuned(450, 1000)),
    ("ride bell", _tuned(1000, 3000)), ("ride", _bright(2000)),
    ("side stick", _tuned(400, 2000)), ("rim", _tuned(400, 2000)), ("shaker", _bright(4000)),
    ("tambourine", _bright(4000)), ("bongo", _tuned(300, 600)),
    ("conga", _tuned(200, 400)), ("timbale", _tuned(300, 600)), ("agogo", _tuned(600, 1100)),
    ("claves", _tuned(2000, 3000)), ("wood block", _tuned(700, 1500)), ("triangle", _tuned(1000, 5000)),
]


@pytest.mark.parametrize("name,sound", SOUNDS)
def test_sound_is_what_its_name_says(name, sound):
    looks = next((check for word, check in LOOKS if word in sound.name.lower()), None)
    assert looks is not None, f"no check for {sound.name}"
    assert looks(sound.samples)


def test_kick_energy_is_low_and_hat_energy_is_high_in_every_drum_kit():
    for name in DRUM_KITS:
        kit = load_kit(name)
        assert band_energy_fraction(kit.sound_for_note(36).samples, RATE, 0, 150) > 0.6
        assert band_energy_fraction(kit.sound_for_note(42).samples, RATE, 5000, 24000) > 0.6


def test_the_default_kit_of_a_new_beat_is_shipped():
    assert "boom-bap" in KITS and Path(SHIPPED_KITS_DIR / "boom-bap" / "kit.json").is_file()


def test_a_kit_loads_at_44_1_khz_for_an_engine_running_at_that_rate():
    at_48k = load_kit("house").sound_for_note(36)
    at_44k = load_kit("house", sample_rate=44100).sound_for_note(36)
    assert at_44k.sample_rate == 44100
    assert at_44k.duration_s == pytest.approx(at_48k.duration_s, abs=0.002)
    tone_hz = dominant_frequency_hz(at_48k.samples, RATE)
    assert dominant_frequency_hz(at_44k.samples, 44100) == pytest.approx(tone_hz, abs=3)
