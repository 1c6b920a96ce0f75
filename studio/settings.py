"""Audio settings: which backend, sample rate and buffer size, kept in a small JSON file."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

import platformdirs

from studio.atomic_file import write_atomically

BACKENDS = ("auto", "jack", "portaudio", "none")
SAMPLE_RATES_HZ = (44100, 48000)
BUFFER_SIZES = (64, 128, 256, 512, 1024)


@dataclass(frozen=True)
class AudioSettings:
    backend: str = "auto"  # auto tries JACK, then PortAudio, then silent
    sample_rate: int = 48000
    buffer_size: int = 256
    jack_client_name: str = "ward-studio"


def check_backend(name: str) -> str:
    if name not in BACKENDS:
        raise ValueError(f"audio backend must be one of {', '.join(BACKENDS)}, got {name!r}")
    return name


def check_settings(settings: AudioSettings) -> AudioSettings:
    check_backend(settings.backend)
    if settings.sample_rate not in SAMPLE_RATES_HZ:
        raise ValueError(
            f"sample rate must be one of {', '.join(map(str, SAMPLE_RATES_HZ))} Hz, "
            f"got {settings.sample_rate}"
        )
    if settings.buffer_size not in BUFFER_SIZES:
        raise ValueError(
            f"buffer size must be one of {', '.join(map(str, BUFFER_SIZES))} frames, "
            f"got {settings.buffer_size}"
        )
    return settings


def config_dir() -> Path:
    """Where settings live; WARD_STUDIO_CONFIG_DIR overrides it (tests use a temporary folder)."""
    override = os.environ.get("WARD_STUDIO_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir("ward-studio"))


def settings_path() -> Path:
    return config_dir() / "audio.json"


def load_settings(path: Path | None = None) -> tuple[AudioSettings, str]:
    """Read the settings file. Returns (settings, problem); problem is "" when all was well.

    A missing file gives the defaults silently; a broken one gives the defaults and says why,
    so the app still starts.
    """
    path = path or settings_path()
    if not path.exists():
        return AudioSettings(), ""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in fields(AudioSettings)}
        settings = replace(AudioSettings(), **{k: v for k, v in raw.items() if k in known})
        return check_settings(settings), ""
    except (OSError, ValueError, TypeError) as error:
        return AudioSettings(), f"The audio settings file could not be used ({error}); using the defaults."


def save_settings(settings: AudioSettings, path: Path | None = None) -> None:
    """Write atomically, so a crash never leaves half a file."""
    check_settings(settings)
    write_atomically(path or settings_path(), json.dumps(asdict(settings), indent=2) + "\n")
