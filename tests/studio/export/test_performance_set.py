"""A performance set: a numbered folder of whole songs and a playlist that lists exactly them."""

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
import soundfile

from studio.export.audio_files import safe_file_name, write_audio
from studio.export.errors import ExportCancelled, ExportError
from studio.export.performance_set import PLAYLIST_NAME, export_set
from studio.export.tags import Tags, read_tags
from tests.studio.export.test_audio_files import SR, tone


@dataclass
class SongStandIn:
    title: str
    artist: str = ""
    seconds: float = 1.0


@dataclass
class ResultStandIn:  # what export_job.export_song returns, as far as a set needs
    song_path: Path
    duration_s: float


def export_one(song, folder, file_stem, progress=None, cancel=None):
    """Exports as the real export does: through write_audio, reporting progress, honouring cancel."""
    if song.title == "Broken":
        raise ExportError("The take Verse 2 is missing.")
    path = write_audio(tone(song.seconds), SR, folder / f"{file_stem}.wav", "wav-16",
                       Tags(title=song.title, artist=song.artist), cancel=cancel,
                       progress=(lambda fraction: progress(fraction, "saving")) if progress else None)
    return path, song.seconds


def test_a_set_is_a_numbered_folder_with_a_playlist(tmp_path):
    songs = [SongStandIn("Morning", "DJ Ward", 1.4), SongStandIn("AC/DC: Live?", "Sam", 2.6),
             SongStandIn("Café, encore", "", 1.0)]
    result = export_set(songs, tmp_path, export_one, set_name="Friday show")
    folder = tmp_path / "Friday show"
    assert result.folder == folder and result.playlist_path == folder / "playlist.m3u8"
    names = ["01 - Morning.wav", "02 - AC-DC - Live.wav", "03 - Café, encore.wav"]
    assert result.song_paths == [folder / name for name in names]
    assert sorted(os.listdir(folder)) == sorted([*names, PLAYLIST_NAME])
    assert (folder / PLAYLIST_NAME).read_bytes().decode("utf-8") == (
        "#EXTM3U\n"
        "#EXTINF:1,DJ Ward - Morning\n01 - Morning.wav\n"
        "#EXTINF:3,Sam - AC/DC: Live?\n02 - AC-DC - Live.wav\n"
        "#EXTINF:1,Café, encore\n03 - Café, encore.wav\n")
    assert result.durations_s == [1.4, 2.6, 1.0] and result.total_s == pytest.approx(5.0)
    assert read_tags(folder / names[1]).title == "AC/DC: Live?"
    assert soundfile.info(folder / names[0]).frames == int(1.4 * SR)


def test_a_taken_set_name_gets_a_free_one_and_results_may_be_export_results(tmp_path):
    (tmp_path / "Show").mkdir()
    (tmp_path / "Show" / "keep.txt").write_text("earlier set")

    def export_with_result(song, folder, file_stem, progress=None, cancel=None):
        path, seconds = export_one(song, folder, file_stem)
        return ResultStandIn(song_path=path, duration_s=seconds)

    result = export_set([SongStandIn("One")], tmp_path, export_with_result, set_name="Show")
    assert result.folder == tmp_path / "Show (2)"
    assert (tmp_path / "Show" / "keep.txt").read_text() == "earlier set"
    assert sorted(os.listdir(result.folder)) == ["01 - One.wav", PLAYLIST_NAME]


def test_a_song_that_fails_stops_the_set_and_keeps_the_songs_before_it(tmp_path):
    songs = [SongStandIn("First", "A"), SongStandIn("Broken", "B"), SongStandIn("Third", "C")]
    with pytest.raises(ExportError) as error:
        export_set(songs, tmp_path, export_one, set_name="Show")
    folder = tmp_path / "Show"
    assert str(error.value) == ("The set stopped at song 2 of 3 (Broken): The take Verse 2 is missing. The song "
                                f"before it is saved in {folder}, with a playlist.")
    assert sorted(os.listdir(folder)) == ["01 - First.wav", PLAYLIST_NAME]
    assert (folder / PLAYLIST_NAME).read_text("utf-8") == "#EXTM3U\n#EXTINF:1,A - First\n01 - First.wav\n"


def test_a_first_song_that_fails_leaves_no_empty_set_folder(tmp_path):
    with pytest.raises(ExportError) as error:
        export_set([SongStandIn("Broken")], tmp_path, export_one, set_name="Show")
    assert str(error.value) == "The set stopped at song 1 of 1 (Broken): The take Verse 2 is missing. Nothing " \
                               "was saved."
    assert os.listdir(tmp_path) == []


def test_a_fault_in_the_app_is_said_with_its_song(tmp_path):
    def faulty(song, folder, file_stem, progress=None, cancel=None):
        raise KeyError("lanes")
    with pytest.raises(ExportError, match=r"^The set stopped at song 1 of 2 \(One\), because of a fault in the app "
                                          r"\(KeyError: 'lanes'\)\. Nothing was saved\.$"):
        export_set([SongStandIn("One"), SongStandIn("Two")], tmp_path, faulty)


def test_a_cancel_during_a_song_leaves_no_half_file(tmp_path):
    asked = []

    def cancel() -> bool:  # true part-way through the second song's sound (3 s: many chunks)
        asked.append(True)
        return len(asked) > 5

    songs = [SongStandIn("First", seconds=0.2), SongStandIn("Second", seconds=3.0), SongStandIn("Third")]
    with pytest.raises(ExportCancelled) as error:
        export_set(songs, tmp_path, export_one, set_name="Show", cancel=cancel)
    folder = tmp_path / "Show"
    assert str(error.value) == ("The set was cancelled at song 2 of 3 (Second). The song before it is saved "
                                f"in {folder}, with a playlist.")
    assert sorted(os.listdir(folder)) == ["01 - First.wav", PLAYLIST_NAME]


def test_progress_covers_the_whole_set_in_order(tmp_path):
    seen = []
    export_set([SongStandIn("One", seconds=1.0), SongStandIn("Two", seconds=1.0)], tmp_path, export_one,
               progress=lambda fraction, words: seen.append((fraction, words)))
    fractions = [fraction for fraction, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert ("Song 2 of 2 (Two): saving" in [words for _, words in seen])
    assert max(f for f, words in seen if words.startswith("Song 1 of 2")) == 0.5
    assert seen[-1][1] == "The set is ready: 2 songs in Performance set"


def test_an_empty_set_is_said_plainly(tmp_path):
    with pytest.raises(ExportError, match="^A set needs at least one song.$"):
        export_set([], tmp_path, export_one)


def test_a_missing_out_folder_is_said_plainly(tmp_path):
    with pytest.raises(ExportError, match="^The export folder is missing: "):
        export_set([SongStandIn("One")], tmp_path / "gone", export_one)


@pytest.mark.parametrize(("title", "name"), [
    ("AC/DC: Live?", "AC-DC - Live"),
    ('Say "hi" <now> | *loud*\\', "Say 'hi' now loud-"),
    ("Line one\nline\ttwo\x00", "Line one line two"),
    ("...hidden. ", "hidden"),
    ("CON", "CON_"),
    ("lpt1.txt", "lpt1.txt_"),
    ("", "Untitled"),
    ("???", "Untitled"),
    ("Café ✨", "Café ✨"),
])
def test_safe_file_names(title, name):
    assert safe_file_name(title) == name


def test_a_long_title_is_cut_to_a_name_every_disk_takes():
    name = safe_file_name("é" * 300)
    assert name == "é" * 90 and len(name.encode("utf-8")) <= 180
