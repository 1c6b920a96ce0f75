"""The ``ward-studio`` command: studio tools that need no screen.

    ward-studio devices     which sound output the studio would use, and why
    ward-studio --version

Each subcommand is a small function taking the parsed arguments and returning an exit code;
later parts of the studio add theirs (analyze, kit, render, export) to ``SUBCOMMANDS``.
A problem is one plain line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from studio import __version__


def devices(args: argparse.Namespace) -> int:
    from studio.audio.backends import choose_backend, jack_server_running, portaudio_output_available

    jack = jack_server_running()
    portaudio = portaudio_output_available()
    print(f"JACK server:          {'running' if jack else 'not running'}")
    print(f"System sound device:  {'found' if portaudio else 'none found'}")
    backend, why = choose_backend(args.audio)
    names = {"jack": "JACK", "portaudio": "the system sound device", "none": "silent mode"}
    print(f"Ward Studio would use {names[backend]} ({why}).")
    return 0


SUBCOMMANDS = {
    "devices": (devices, "show which sound output the studio would use"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ward-studio", description="Ward Studio tools that need no screen. Start the app with 'make run'."
    )
    parser.add_argument("--version", action="version", version=f"Ward Studio {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    devices_parser = commands.add_parser("devices", help=SUBCOMMANDS["devices"][1])
    devices_parser.add_argument(
        "--audio", default="auto", choices=("auto", "jack", "portaudio", "none"),
        help="the choice to explain (default: auto)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    run, _ = SUBCOMMANDS[args.command]
    try:
        return run(args)
    except (OSError, ValueError) as error:
        print(f"ward-studio {args.command}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
