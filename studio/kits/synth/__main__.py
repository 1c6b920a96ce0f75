"""python -m studio.kits.synth [OUT_DIR]: write the shipped kits (default: samples/kits)."""

import sys
from pathlib import Path

from studio.kits.library import SHIPPED_KITS_DIR
from studio.kits.synth import SHIPPED_KIT_RECIPES, write_kit

kits_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else SHIPPED_KITS_DIR
for recipe in SHIPPED_KIT_RECIPES:
    folder = write_kit(recipe, kits_dir)
    size_kb = sum(path.stat().st_size for path in folder.iterdir()) / 1024
    print(f"{recipe.name:<12} {len(recipe.sounds):>2} sounds  {size_kb:6.0f} KB  {folder}")
