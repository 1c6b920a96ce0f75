"""`ward-studio export`: the files written on stdout; a problem is one plain line on stderr and exit code 1."""

import subprocess
import sys
from pathlib import Path

import mido

from studio.cli import main
from studio.export.audio_files import read_tags
from studio.export.mastering import integrated_lufs
from studio.export.song_store import SongStore, save_song_file
from studio.export.true_peaks import true_peak_dbtp
from tests.studio.export.export_fixtures import SR, decode, small_song


def saved_song(tmp_path) -> str:
    song = small_song(tmp_path)
    SongStore().save(song)
    return song.song_id


def run(capsys, *args) -> tuple[int, list[str], list[str]]:
    code = main(["export", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err.splitlines()


def test_a_song_id_as_mp3_prints_the_file_written(tmp_path, capsys):
    song_id = saved_song(tmp_path)
    code, out, err = run(capsys, song_id, "--format", "mp3", "--out", tmp_path, "--artist", "MC Ward",
                         "--target-lufs", "-16")
    assert (code, out, err) == (0, [str(tmp_path / "Small song.mp3")], [])
    audio = decode(Path(out[0]))
    assert abs(integrated_lufs(audio, SR) + 16.0) <= 0.5 and true_peak_dbtp(audio) <= -1.0
    assert read_tags(out[0]).artist == "MC Ward"


def test_a_song_file_with_stems_and_midi_in_an_exact_format(tmp_path, capsys):
    song = small_song(tmp_path)
    save_song_file(song, tmp_path / "my song.json")
    code, out, err = run(capsys, tmp_path / "my song.json", "--format", "wav-16", "--out", tmp_path,
                         "--stems", "--midi")
    assert code == 0 and err == []
    assert [Path(line).name for line in out] == ["Small song.wav", "Small song - Beat.wav", "Small song - Vocals.wav",
                                                  "Small song - Chords.wav", "Small song.mid"]
    assert len(mido.MidiFile(out[-1]).tracks) == 2


def test_bad_input_is_one_plain_line_and_exit_code_1(tmp_path, capsys):
    song_id = saved_song(tmp_path)
    assert run(capsys, song_id, "--format", "wma", "--out", tmp_path) == (1, [], [
        "ward-studio export: there is no format called \u201cwma\u201d; choose one of mp3, wav, aac, wav-16, "
        "wav-24, flac, mp3-192, mp3-320, ogg, m4a."])
    assert run(capsys, "song-9", "--out", tmp_path) == (1, [], [
        "ward-studio export: There is no song file or song called \u201csong-9\u201d. "
        "The songs are: song-1 (Small song)."])
    assert run(capsys, song_id, "--out", tmp_path / "nowhere") == (1, [], [
        f"ward-studio export: The export folder is missing: {tmp_path / 'nowhere'}. "
        "If it is on a memory card, check that the card is in."])
    (tmp_path / "broken.json").write_text('{"format": "ward-studio-song", "version": 1, "title": "x"')
    assert run(capsys, tmp_path / "broken.json", "--out", tmp_path) == (1, [], [
        "ward-studio export: This song file is damaged and cannot be opened (it ends early, after line 1)"])
    assert run(capsys, song_id, "--out", tmp_path, "--target-lufs", "-3") == (1, [], [
        "ward-studio export: The loudness target must be between -30 and -6 LUFS, got -3."])


def test_a_missing_take_from_the_console_script_is_named_without_a_traceback(tmp_path):
    song = small_song(tmp_path)
    song.lanes[1].clips[0].source = "take-0042"
    save_song_file(song, tmp_path / "song.json")
    script = Path(sys.executable).parent / "ward-studio"
    result = subprocess.run([str(script), "export", str(tmp_path / "song.json"), "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "ward-studio export: The take take-0042 on the lane \u201cVocals\u201d at bar 2 is missing: its sound file is "
        "no longer there. Take it off the song, or put the take back."]
