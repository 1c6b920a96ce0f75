"""A performance set: several songs exported in show order into one folder, numbered, with a playlist.

    export_set(songs_in_order, out_dir, export_one, set_name="Performance set", progress=None, cancel=None)
        -> SetResult(folder, playlist_path, song_paths, durations_s)

    <out_dir>/<set name>/01 - First song.mp3
                         02 - Second song.mp3
                         playlist.m3u8     #EXTM3U, then per song "#EXTINF:<seconds>,<artist> - <title>" and its file

export_one(song, folder, file_stem="01 - Title", progress=..., cancel=...) exports one song into folder
(export_job.export_song does the work) and returns its ExportResult, or a (path, duration_s) pair. The set
folder takes a free name ("Show (2)") when the name is taken. The playlist is rewritten atomically after each
song, so it always lists exactly the whole songs in the folder: a set stopped by an error or a cancel keeps
the songs done before it, playable, and says which song stopped it and why.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from studio.atomic_file import write_atomically
from studio.export.audio_files import check_out_dir, disk_error_message, free_name, safe_file_name
from studio.export.errors import ExportCancelled, ExportError

PLAYLIST_NAME = "playlist.m3u8"  # .m3u8: the M3U playlist in UTF-8, which players read without guessing

Progress = Callable[[float, str], None]
Cancel = Callable[[], bool]


@dataclass
class SetResult:
    folder: Path
    playlist_path: Path
    song_paths: list[Path] = field(default_factory=list)
    durations_s: list[float] = field(default_factory=list)

    @property
    def total_s(self) -> float:
        return sum(self.durations_s)


def export_set(songs_in_order: Sequence, out_dir: str | os.PathLike, export_one: Callable,
               set_name: str = "Performance set", progress: Progress | None = None,
               cancel: Cancel | None = None) -> SetResult:
    """Export every song (objects with .title and .artist) in order; see the module's notes.

    ExportError (ExportCancelled for a cancel) names the song that stopped the set, and why.
    """
    songs = list(songs_in_order)
    if not songs:
        raise ExportError("A set needs at least one song.")
    out_dir = check_out_dir(out_dir)
    folder = free_name(out_dir / safe_file_name(set_name, "Performance set"), is_folder=True)
    try:
        folder.mkdir()
    except OSError as error:
        raise ExportError(disk_error_message(error, folder)) from error
    result = SetResult(folder=folder, playlist_path=folder / PLAYLIST_NAME)
    width = max(2, len(str(len(songs))))
    for index, song in enumerate(songs):
        title = _title_of(song)
        where = f"song {index + 1} of {len(songs)} ({title})"
        try:
            if cancel is not None and cancel():
                raise ExportCancelled()
            exported = export_one(song, folder, file_stem=f"{index + 1:0{width}d} - {safe_file_name(title)}",
                                  progress=_song_progress(progress, index, len(songs), title), cancel=cancel)
            path, duration_s = _path_and_duration(exported)
            result.song_paths.append(path)
            result.durations_s.append(duration_s)
            _write_playlist(result, songs)
        except ExportCancelled as error:
            raise ExportCancelled(f"The set was cancelled at {where}. {_what_is_kept(result)}") from error
        except ExportError as error:
            raise ExportError(f"The set stopped at {where}: {error} {_what_is_kept(result)}") from error
        except Exception as error:  # a fault, not the user's: still say where, and keep what was done
            raise ExportError(f"The set stopped at {where}, because of a fault in the app "
                              f"({type(error).__name__}: {error}). {_what_is_kept(result)}") from error
    if progress is not None:
        progress(1.0, f"The set is ready: {len(songs)} songs in {folder.name}")
    return result


def playlist_text(result: SetResult, songs: Sequence) -> str:
    """The M3U playlist of the songs done so far (file names relative to the set's folder)."""
    lines = ["#EXTM3U"]
    for song, path, duration_s in zip(songs, result.song_paths, result.durations_s):
        artist, title = _one_line(getattr(song, "artist", "") or ""), _one_line(_title_of(song))
        lines.append(f"#EXTINF:{round(duration_s)},{f'{artist} - {title}' if artist else title}")
        lines.append(Path(os.path.relpath(path, result.folder)).as_posix())
    return "\n".join(lines) + "\n"


def _write_playlist(result: SetResult, songs: Sequence) -> None:
    try:
        write_atomically(result.playlist_path, playlist_text(result, songs))
    except OSError as error:
        raise ExportError(disk_error_message(error, result.playlist_path)) from error


def _song_progress(progress: Progress | None, index: int, count: int, title: str) -> Progress | None:
    if progress is None:
        return None

    def song_progress(fraction: float, words: str = "") -> None:
        heading = f"Song {index + 1} of {count} ({title})"
        progress((index + min(max(fraction, 0.0), 1.0)) / count, f"{heading}: {words}" if words else heading)
    return song_progress


def _path_and_duration(exported) -> tuple[Path, float]:
    if hasattr(exported, "song_path"):  # an ExportResult
        return Path(exported.song_path), float(exported.duration_s)
    path, duration_s = exported
    return Path(path), float(duration_s)


def _what_is_kept(result: SetResult) -> str:
    done = len(result.song_paths)
    if done == 0:
        with contextlib.suppress(OSError):
            result.folder.rmdir()  # only when empty: nothing of the set to keep
        return "Nothing was saved."
    songs = "The song before it is" if done == 1 else f"The {done} songs before it are"
    return f"{songs} saved in {result.folder}, with a playlist."


def _title_of(song) -> str:
    return _one_line(getattr(song, "title", "") or "") or "Untitled"


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[\x00-\x1f\x7f]", " ", text)).strip()
