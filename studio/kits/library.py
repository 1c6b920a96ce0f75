"""Finding kits: the ones shipped in samples/kits by name, or any kit a mentor points at."""

from __future__ import annotations

from pathlib import Path

from studio.kits.errors import KitError
from studio.kits.folder_kit import KIT_JSON, load_folder_kit
from studio.kits.hydrogen import is_hydrogen_folder, load_h2drumkit, load_hydrogen_folder
from studio.kits.kit import ENGINE_SAMPLE_RATE, Kit

SHIPPED_KITS_DIR = Path(__file__).resolve().parents[2] / "samples" / "kits"
DEFAULT_KIT = "boom-bap"


def list_shipped_kits(kits_dir: Path = SHIPPED_KITS_DIR) -> list[str]:
    """The names of the kits that come with the studio, in alphabetical order."""
    if not kits_dir.is_dir():
        return []
    return sorted(folder.name for folder in kits_dir.iterdir() if (folder / KIT_JSON).is_file())


def load_kit(name_or_path: str | Path, sample_rate: int = ENGINE_SAMPLE_RATE) -> Kit:
    """A shipped kit by name ("trap"), or a kit at a path: a folder of sounds, a folder with kit.json or
    Hydrogen's drumkit.xml, a drumkit.xml itself, or an .h2drumkit archive."""
    path = Path(name_or_path)
    if not path.exists() and str(name_or_path) in list_shipped_kits():
        path = SHIPPED_KITS_DIR / str(name_or_path)
    if not path.exists():
        shipped = ", ".join(list_shipped_kits())
        raise KitError(f'There is no kit at "{name_or_path}". The kits that come with the studio are: {shipped}.')
    if path.is_file() and path.name == "drumkit.xml":
        path = path.parent
    if path.is_file():
        if path.suffix.lower() == ".h2drumkit":
            return load_h2drumkit(path, sample_rate)
        raise KitError(
            f'"{path.name}" is not a kit: choose a folder of sounds or a Hydrogen kit (.h2drumkit).'
        )
    if (path / KIT_JSON).is_file():
        return load_folder_kit(path, sample_rate)
    if is_hydrogen_folder(path):
        return load_hydrogen_folder(path, sample_rate)
    return load_folder_kit(path, sample_rate)
