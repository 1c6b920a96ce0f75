"""The synthesiser: the shipped files are exactly what `python -m studio.kits.synth` makes."""

import json

import numpy as np
import pytest
import soundfile

from studio.kits.library import SHIPPED_KITS_DIR
from studio.kits.synth import SHIPPED_KIT_RECIPES, kit_description, render_kit, render_sound, write_kit
from studio.kits.synth.dsp import SAMPLE_RATE
from tests.studio.signals import dominant_frequency_hz


@pytest.mark.parametrize("recipe", SHIPPED_KIT_RECIPES, ids=lambda recipe: recipe.name)
def test_regenerating_a_kit_gives_the_shipped_samples(recipe):
    folder = SHIPPED_KITS_DIR / recipe.name
    rendered = render_kit(recipe)
    assert sorted(rendered) == sorted(path.name for path in folder.glob("*.wav"))
    for file, samples in rendered.items():
        shipped, rate = soundfile.read(str(folder / file), dtype="int16")
        assert rate == SAMPLE_RATE and shipped.shape == samples.shape, file
        # Identical here; 1 step of 16 bits is allowed for another CPU's last-bit rounding of sin/exp.
        assert np.max(np.abs(shipped.astype(np.int32) - samples)) <= 1, file
    assert json.loads((folder / "kit.json").read_text()) == kit_description(recipe)


def test_rendering_twice_gives_the_same_bytes(tmp_path):
    recipe = SHIPPED_KIT_RECIPES[0]
    first = write_kit(recipe, tmp_path / "first")
    second = write_kit(recipe, tmp_path / "second")
    for path in sorted(first.iterdir()):
        assert path.read_bytes() == (second / path.name).read_bytes()


def test_the_808_is_tuned_to_g1():
    trap = next(recipe for recipe in SHIPPED_KIT_RECIPES if recipe.name == "trap")
    bass = render_sound(trap, next(sound for sound in trap.sounds if sound.name == "808")) / 32767
    tail = bass[int(0.3 * SAMPLE_RATE):]  # after the pitch drop of the hit
    assert dominant_frequency_hz(tail, SAMPLE_RATE) == pytest.approx(49.0, abs=1.0)
