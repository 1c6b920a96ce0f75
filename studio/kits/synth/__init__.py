"""The synthesiser that makes the shipped kits in samples/kits from numpy DSP (no recordings).

    python -m studio.kits.synth            # rewrite samples/kits
    python -m studio.kits.synth OUT_DIR    # write the kits somewhere else
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import numpy as np
import soundfile

from studio.kits.synth.dsp import SAMPLE_RATE, finish, to_pcm16
from studio.kits.synth.recipes import SHIPPED_KIT_RECIPES, KitRecipe, SoundRecipe

__all__ = ["SHIPPED_KIT_RECIPES", "kit_description", "render_kit", "render_sound", "write_kit"]


def render_sound(kit: KitRecipe, sound: SoundRecipe) -> np.ndarray:
    """One sound as 16-bit samples, exactly as it is shipped."""
    seed = zlib.crc32(f"{kit.name}/{sound.file}".encode())  # stable across runs, unlike hash()
    raw = kit.character(sound.make(seed), sound, seed)
    return to_pcm16(finish(raw, sound.peak_dbfs, sound.max_duration_s, sound.fade_ms))


def render_kit(kit: KitRecipe) -> dict[str, np.ndarray]:
    return {sound.file: render_sound(kit, sound) for sound in kit.sounds}


def kit_description(kit: KitRecipe) -> dict:
    """The kit.json that goes with the sounds."""
    return {
        "name": kit.name,
        "description": kit.description,
        "made_by": "python -m studio.kits.synth (original, synthesised; see samples/LICENSE)",
        "sounds": [
            {"file": s.file, "name": s.name, "gm_note": s.gm_note, "choke_group": s.choke_group,
             "gain_db": s.gain_db, "pan": s.pan}
            for s in kit.sounds
        ],
    }


def write_kit(kit: KitRecipe, kits_dir: Path) -> Path:
    folder = Path(kits_dir) / kit.name
    folder.mkdir(parents=True, exist_ok=True)
    rendered = render_kit(kit)
    for stale in folder.glob("*.wav"):
        if stale.name not in rendered:
            stale.unlink()
    for file, samples in rendered.items():
        soundfile.write(folder / file, samples, SAMPLE_RATE, subtype="PCM_16", format="WAV")
    (folder / "kit.json").write_text(json.dumps(kit_description(kit), indent=2) + "\n", encoding="utf-8")
    return folder
