"""main.py's command line. Pure Python: parsing options must not import kivy or start anything.

A wrong value never stops the app: it gives a one-line warning in plain words and a safe
choice, because the person starting it may be a mentor on a ward, not a developer.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field, replace

from apps.catalogue import SCREEN_NAMES
from studio.settings import BUFFER_SIZES, SAMPLE_RATES_HZ, AudioSettings

COMMAND_LINE_BACKENDS = ("jack", "portaudio", "none")
DEFAULT_WINDOW_SIZE = (1280, 800)


@dataclass
class Options:
    audio: str | None = None  # None: use the saved setting
    window_size: tuple[int, int] = DEFAULT_WINDOW_SIZE
    fullscreen: bool = False
    demo: bool = False
    screenshot_path: str | None = None
    first_screen: str = "launcher"
    sample_rate: int | None = None
    buffer_size: int | None = None
    warnings: list[str] = field(default_factory=list)

    def audio_settings(self, saved: AudioSettings) -> AudioSettings:
        """The saved settings with this run's command-line choices on top (not saved)."""
        changes = {}
        if self.audio is not None:
            changes["backend"] = self.audio
        if self.sample_rate is not None:
            changes["sample_rate"] = self.sample_rate
        if self.buffer_size is not None:
            changes["buffer_size"] = self.buffer_size
        return replace(saved, **changes)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="Ward Studio: a touch music studio for tablets.",
    )
    parser.add_argument("--audio", metavar="BACKEND",
                        help="jack, portaudio or none (silent); default: the saved setting")
    parser.add_argument("--size", metavar="WxH", help="window size in pixels, e.g. 1280x800")
    parser.add_argument("--fullscreen", action="store_true", help="fill the screen (for tablets)")
    parser.add_argument("--demo", action="store_true",
                        help="accepted but does nothing yet (demo content comes with the apps)")
    parser.add_argument("--screenshot", metavar="FILE",
                        help="draw the screen, save it as a PNG, then quit")
    parser.add_argument("--open", metavar="APP", dest="open_screen",
                        help=f"screen to open first: {', '.join(SCREEN_NAMES)}")
    parser.add_argument("--sample-rate", metavar="N", help="44100 or 48000 (this run only)")
    parser.add_argument("--buffer-size", metavar="N",
                        help=f"{', '.join(map(str, BUFFER_SIZES))} frames (this run only)")
    return parser


def _choice_of_int(text: str | None, allowed: tuple[int, ...]) -> int | None:
    try:
        value = int(text)
    except (TypeError, ValueError):
        return None
    return value if value in allowed else None


def parse_options(argv: list[str]) -> Options:
    args = _parser().parse_args(argv)
    options = Options(fullscreen=args.fullscreen, demo=args.demo, screenshot_path=args.screenshot)
    warn = options.warnings.append

    if args.audio is not None:
        if args.audio in COMMAND_LINE_BACKENDS or args.audio == "auto":
            options.audio = args.audio
        else:
            warn(f"Unknown audio backend '{args.audio}': choose jack, portaudio or none. "
                 "Using automatic choice.")
            options.audio = "auto"

    if args.size is not None:
        width, _, height = args.size.lower().partition("x")
        if width.isdigit() and height.isdigit() and int(width) >= 320 and int(height) >= 240:
            options.window_size = (int(width), int(height))
        else:
            default = "x".join(map(str, DEFAULT_WINDOW_SIZE))
            warn(f"Unknown window size '{args.size}': use WIDTHxHEIGHT, for example 1280x800. "
                 f"Using {default}.")

    if args.open_screen is not None:
        if args.open_screen in SCREEN_NAMES:
            options.first_screen = args.open_screen
        else:
            warn(f"Unknown app '{args.open_screen}': choose {', '.join(SCREEN_NAMES)}. "
                 "Opening the launcher.")

    if args.sample_rate is not None:
        options.sample_rate = _choice_of_int(args.sample_rate, SAMPLE_RATES_HZ)
        if options.sample_rate is None:
            warn(f"Unsupported sample rate '{args.sample_rate}': choose 44100 or 48000. "
                 "Using the saved setting.")

    if args.buffer_size is not None:
        options.buffer_size = _choice_of_int(args.buffer_size, BUFFER_SIZES)
        if options.buffer_size is None:
            warn(f"Unsupported buffer size '{args.buffer_size}': choose "
                 f"{', '.join(map(str, BUFFER_SIZES))}. Using the saved setting.")
    return options
