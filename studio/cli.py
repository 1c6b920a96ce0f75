"""The ``ward-studio`` command: studio tools that need no screen.

    ward-studio devices     which sound output the studio would use, and why
    ward-studio kit show PATH   a kit's name, then one line per sound (PATH: a folder, an
                                .h2drumkit, or the name of a kit that comes with the studio)
    ward-studio kit list    the kits that come with the studio
    ward-studio render BEAT --out FILE.wav [--bars N]   a beat file to audio, offline
    ward-studio midi BEAT --out FILE.mid                a beat file as a standard MIDI file
    ward-studio analyze FILE...   each track's tempo, key, gain, first downbeat and loudness
    ward-studio export SONG --format mp3 --out DIR [--stems] [--midi] [--target-lufs X] [--artist NAME]
                            a song (a song file, or a song's id) mixed, mastered and saved; prints the files
    ward-studio --version

Each subcommand is a small function taking the parsed arguments and returning an exit code;
later parts of the studio add theirs (analyze, kit, render, export) to ``SUBCOMMANDS``.
A problem is one plain line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studio import __version__
from studio.beats.beat_file import BeatFileError


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


def kit(args: argparse.Namespace) -> int:
    from studio.kits.cli_output import kit_lines
    from studio.kits.library import list_shipped_kits, load_kit

    if args.kit_command == "list":
        for name in list_shipped_kits():
            print(name)
        return 0
    loaded = load_kit(args.path)
    for warning in loaded.warnings:
        print(f"ward-studio kit: {warning}", file=sys.stderr)
    print("\n".join(kit_lines(loaded)))
    return 0


def render(args: argparse.Namespace) -> int:
    from studio.beats.beat_file import load_beat
    from studio.beats.render import render_beat

    beat = load_beat(Path(args.beat))
    rendered = render_beat(beat, Path(args.out), bars=args.bars)
    print(f"{rendered.path}\t{rendered.duration_s:.2f} s\t{rendered.bars:g} bars")
    return 0


def midi(args: argparse.Namespace) -> int:
    from studio.beats.beat_file import load_beat
    from studio.beats.midi_export import export_midi

    export_midi(load_beat(Path(args.beat)), Path(args.out))
    print(args.out)
    return 0


def analyze(args: argparse.Namespace) -> int:
    """One line per track: path, BPM, then key=value fields, tab-separated. A track that cannot be
    read is one line on stderr; the others still print, and the exit code is 1."""
    import tempfile

    from studio.decks.track_cache import TrackCache
    from studio.decks.track_errors import TrackError, shown_name

    sample_rate_hz = 44100  # decoded in a scratch folder, not the app's cache, and thrown away
    failed = False
    for path in args.files:
        try:
            with tempfile.TemporaryDirectory(prefix="ward-studio-analyze-") as scratch:
                track = TrackCache(Path(scratch)).load(path, sample_rate_hz)
        except TrackError as error:
            print(f"ward-studio analyze: {error}", file=sys.stderr)
            failed = True
            continue
        except Exception as error:  # a bug must cost one file, and never print a traceback
            print(f"ward-studio analyze: {shown_name(path)} could not be analysed "
                  f"({type(error).__name__}: {error}).", file=sys.stderr)
            failed = True
            continue
        a = track.analysis
        print("\t".join([
            path, f"{a.bpm:.1f}", f"key={a.key}", f"gain_db={a.gain_db:.1f}", f"first_beat_s={a.first_beat_s:.2f}",
            f"lufs={a.loudness_lufs:.1f}", f"confidence={a.bpm_confidence:.2f}", f"duration_s={a.duration_s:.1f}",
        ]), flush=True)
        if track.info.notice:
            print(f"ward-studio analyze: {track.info.notice}", file=sys.stderr)
    return 1 if failed else 0


# Short names for the export formats; the full names (studio.export.audio_files.FORMATS) work too.
EXPORT_FORMAT_ALIASES = {"mp3": "mp3-320", "wav": "wav-24", "aac": "m4a"}


def export(args: argparse.Namespace) -> int:
    """Prints each file written, one per line: the mix, then its stems, then the MIDI file."""
    from studio.export.audio_files import FORMATS
    from studio.export.errors import ExportError
    from studio.export.export_job import ExportOptions, export_song
    from studio.export.song import SongFileError

    fmt = EXPORT_FORMAT_ALIASES.get(args.format.lower(), args.format.lower())
    if fmt not in FORMATS:
        names = ", ".join([*EXPORT_FORMAT_ALIASES, *FORMATS])
        print(f"ward-studio export: there is no format called \u201c{args.format}\u201d; choose one of {names}.",
              file=sys.stderr)
        return 1
    try:
        song = _song_for_export(args.song)
        if args.artist is not None:
            song.artist = args.artist
        options = ExportOptions(format=fmt, stems=args.stems, midi=args.midi, target_lufs=args.target_lufs,
                                overwrite=args.overwrite)
        result = export_song(song, Path(args.out), options)
    except (ExportError, SongFileError) as error:
        print(f"ward-studio export: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("ward-studio export: The export was cancelled; nothing was saved under the song's name.",
              file=sys.stderr)
        return 130
    for path in [result.song_path, *result.stem_paths, *([result.midi_path] if result.midi_path else [])]:
        print(path)
    for note in result.notes:
        print(f"ward-studio export: {note}", file=sys.stderr)
    return 0


def _song_for_export(song: str):
    """A song file's path, or the id of a song in the app's songs folder ("song-3")."""
    from studio.export.song import SongFileError
    from studio.export.song_store import SongStore, load_song_file

    path = Path(song)
    if path.suffix.lower() == ".json" or path.exists() or "/" in song:
        return load_song_file(path)
    store = SongStore()
    try:
        if store.song_path(song).exists():
            return store.load(song)
    except ValueError:
        pass
    known = ", ".join(f"{s.song_id} ({s.title})" for s in store.list()[:10])
    raise SongFileError(f"There is no song file or song called \u201c{song}\u201d. "
                        + (f"The songs are: {known}." if known else "There are no songs yet."))


SUBCOMMANDS = {
    "devices": (devices, "show which sound output the studio would use"),
    "kit": (kit, "show a drum kit's sounds, or list the kits that come with the studio"),
    "render": (render, "render a beat file to a WAV file, faster than real time"),
    "midi": (midi, "export a beat file as a standard MIDI file"),
    "analyze": (analyze, "print each track's tempo (BPM), key, gain, first downbeat and loudness"),
    "export": (export, "mix, master and save a song as WAV, FLAC, MP3, OGG or M4A"),
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
    kit_parser = commands.add_parser("kit", help=SUBCOMMANDS["kit"][1])
    kit_commands = kit_parser.add_subparsers(dest="kit_command", metavar="KIT_COMMAND", required=True)
    show_parser = kit_commands.add_parser("show", help="print a kit's name, then one line per sound")
    show_parser.add_argument(
        "path", metavar="PATH", help="a folder of sounds, a Hydrogen kit (.h2drumkit or folder) or a kit's name"
    )
    kit_commands.add_parser("list", help="list the kits that come with the studio")
    render_parser = commands.add_parser("render", help=SUBCOMMANDS["render"][1])
    render_parser.add_argument("beat", metavar="BEAT", help="a beat file")
    render_parser.add_argument("--out", required=True, metavar="FILE.wav", help="the WAV file to write")
    render_parser.add_argument("--bars", type=float, default=None, metavar="N",
                               help="how many bars to render (default: the song once)")
    midi_parser = commands.add_parser("midi", help=SUBCOMMANDS["midi"][1])
    midi_parser.add_argument("beat", metavar="BEAT", help="a beat file")
    midi_parser.add_argument("--out", required=True, metavar="FILE.mid", help="the MIDI file to write")
    analyze_parser = commands.add_parser(
        "analyze", help=SUBCOMMANDS["analyze"][1],
        description="Prints one line per track: its path, its BPM (0.0: no clear beat), then key=, gain_db= "
                    "(to bring it to -14 LUFS), first_beat_s=, lufs=, confidence= and duration_s=, "
                    "separated by tabs. Put -- before a file name that starts with a dash.")
    analyze_parser.add_argument("files", nargs="+", metavar="FILE", help="WAV, FLAC, OGG, MP3, M4A ... tracks")
    export_parser = commands.add_parser(
        "export", help=SUBCOMMANDS["export"][1],
        description="Mixes the song down, brings it to its loudness target (default -14 LUFS) with its peaks "
                    "at or under -1 dBTP, and saves it in DIR, named after the song's title. Prints each file "
                    "written, one per line.")
    export_parser.add_argument("song", metavar="SONG", help="a song file (.json), or a song's id such as song-3")
    export_parser.add_argument("--format", default="mp3", metavar="FMT",
                               help="mp3 (320 kbps), wav (24-bit), aac, or one of wav-16, wav-24, flac, mp3-192, "
                                    "mp3-320, ogg, m4a (default: mp3)")
    export_parser.add_argument("--out", required=True, metavar="DIR", help="the folder to save in")
    export_parser.add_argument("--stems", action="store_true", help="also save one file per lane")
    export_parser.add_argument("--midi", action="store_true", help="also save the beat as a MIDI file")
    export_parser.add_argument("--target-lufs", type=float, default=None, metavar="X",
                               help="the loudness to reach, -30..-6 LUFS (default: the song's own, -14 unless set)")
    export_parser.add_argument("--artist", default=None, metavar="NAME", help="the artist's name in the tags")
    export_parser.add_argument("--overwrite", action="store_true", help="replace files of the same name")
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
    except (OSError, ValueError, BeatFileError) as error:
        print(f"ward-studio {args.command}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
