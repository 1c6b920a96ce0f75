"""Exporting a song to files, decoded back: length, loudness, true peak, stems, tags, MIDI, and what a
cancel or a mistake leaves behind (nothing under the final names)."""

import datetime
import os
import sys
from pathlib import Path

import mido
import numpy as np
import pytest

from studio.export.audio_files import read_tags
from studio.export.errors import ExportCancelled, ExportError, ExportFileExists
from studio.export.export_job import ExportOptions, export_song, set_exporter
from studio.export.mastering import integrated_lufs
from studio.export.mixdown import bar_start_sample
from studio.export.performance_set import export_set
from studio.export.song import Clip, Lane, Song
from studio.export.true_peaks import true_peak_dbtp
from studio.mic.takes import TakeStore
from tests.studio.export.export_fixtures import BPM, SR, decode, make_beat, make_kit, small_song
from tests.studio.signals import onsets


@pytest.fixture
def out_dir(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def test_a_small_song_as_24_bit_wav_with_stems_and_midi(tmp_path, out_dir):
    song = small_song(tmp_path)
    result = export_song(song, out_dir, ExportOptions(format="wav-24", stems=True, midi=True))
    assert result.song_path == out_dir / "Small song.wav"
    assert [path.name for path in result.stem_paths] == [
        "Small song - Beat.wav", "Small song - Vocals.wav", "Small song - Chords.wav"]
    mix = decode(result.song_path)
    assert len(mix) == 6 * SR and result.duration_s == 6.0  # three bars at 120 bpm
    assert abs(integrated_lufs(mix, SR) + 14.0) <= 0.5 and true_peak_dbtp(mix) <= -1.0
    assert result.true_peak_dbtp <= -1.0 and abs(result.lufs + 14.0) <= 0.2
    stems = {path.name.split(" - ")[1][:-4]: decode(path) for path in result.stem_paths}
    np.testing.assert_allclose(sum(stems.values()), mix, atol=4 * 2.0 ** -23)  # 24-bit: within rounding
    # The take (a tone from its backing's time 0) starts with the beat's kick on bar 2.
    kick = onsets(stems["Beat"][:, 0], threshold=0.05, min_gap=2000)
    take_start = onsets(stems["Vocals"][:, 0], threshold=0.05)[0]
    assert np.min(np.abs(kick - take_start)) <= 1 and abs(take_start - (bar_start_sample(BPM, 1, SR) + 1)) <= 1
    tags = read_tags(result.song_path)
    assert (tags.title, tags.artist, tags.date, tags.bpm) == (
        "Small song", "Test Artist", datetime.date.today().isoformat(), 120)
    assert result.midi_path == out_dir / "Small song.mid"
    midi = mido.MidiFile(result.midi_path)
    assert mido.tempo2bpm(next(m.tempo for m in midi.tracks[0] if m.type == "set_tempo")) == pytest.approx(120)
    tick, kicks = 0, []
    for message in midi.tracks[1]:
        tick += message.time
        if message.type == "note_on" and message.note == 36:
            kicks.append(tick)
    assert kicks == [480 * beat for beat in range(12)]  # a kick on every beat of the three bars


@pytest.mark.parametrize("fmt", ["flac", "mp3-192", "mp3-320", "ogg", "m4a"])
def test_every_format_decodes_at_the_target_loudness_under_minus_1_dbtp(tmp_path, out_dir, fmt):
    result = export_song(small_song(tmp_path), out_dir, ExportOptions(format=fmt))
    audio = decode(result.song_path)
    assert abs(len(audio) / SR - 6.0) < 0.06
    assert abs(integrated_lufs(audio, SR) + 14.0) <= 0.5
    assert true_peak_dbtp(audio) <= -1.0
    assert read_tags(result.song_path).artist == "Test Artist"


def test_a_cancel_leaves_no_file_under_any_final_name(tmp_path, out_dir):
    song = small_song(tmp_path)
    saving = []

    def progress(fraction, words):
        saving.append(words.startswith("Saving") and "Vocals" in words)

    with pytest.raises(ExportCancelled, match="The export was cancelled."):  # while saving the second stem
        export_song(song, out_dir, ExportOptions(format="wav-16", stems=True), progress, cancel=lambda: any(saving))
    assert os.listdir(out_dir) == []  # neither the mix nor the first stem, finished before, are kept
    with pytest.raises(ExportCancelled):
        export_song(song, out_dir, ExportOptions(format="mp3-320"), cancel=lambda: True)
    assert os.listdir(out_dir) == []


def test_a_cancel_while_encoding_stops_the_encoder_and_the_check_and_leaves_nothing(tmp_path, out_dir):
    import threading

    song = small_song(tmp_path)
    pieces_saved = []

    def progress(fraction, words):
        if words.startswith("Saving"):
            pieces_saved.append(fraction)

    with pytest.raises(ExportCancelled):
        export_song(song, out_dir, ExportOptions(format="mp3-320"), progress, cancel=lambda: len(pieces_saved) >= 4)
    assert os.listdir(out_dir) == []  # not even the encoder's partial file
    assert not [thread for thread in threading.enumerate() if thread.name == "export check"]


def test_a_missing_take_is_named_and_nothing_is_written(tmp_path, out_dir):
    song = small_song(tmp_path)
    TakeStore().delete(song.lanes[1].clips[0].source)
    with pytest.raises(ExportError, match="The take \u201cTake 1\u201d on the lane \u201cVocals\u201d at bar 2 "
                                          "was deleted"):
        export_song(song, out_dir, ExportOptions(format="mp3-320"))
    assert os.listdir(out_dir) == []
    assert ffmpeg_children() == []  # the mix's encoder, started ahead, was ended


def ffmpeg_children() -> list[int]:
    """This process's child processes running ffmpeg (read from /proc: Linux)."""
    children = []
    for stat_path in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_path.read_text().rsplit(")", 1)[1].split()
            name = stat_path.read_text().split("(", 1)[1].rsplit(")", 1)[0]
        except (OSError, IndexError):
            continue
        if int(fields[1]) == os.getpid() and name == "ffmpeg" and fields[0] != "Z":
            children.append(int(stat_path.parent.name))
    return children


def test_a_missing_folder_and_a_bad_format_are_told_before_any_work(tmp_path):
    song = small_song(tmp_path)
    with pytest.raises(ExportError, match="The export folder is missing"):
        export_song(song, tmp_path / "nowhere", ExportOptions(format="mp3-320"))
    with pytest.raises(ExportError, match="There is no export format called \u201cmp4\u201d"):
        export_song(song, tmp_path, ExportOptions(format="mp4"))
    song.cover_path = str(tmp_path / "cover.png")
    with pytest.raises(ExportError, match="The cover image cover.png could not be found"):
        export_song(song, tmp_path, ExportOptions(format="mp3-320"))


def test_a_taken_name_is_told_before_any_work_unless_replacing(tmp_path, out_dir):
    (out_dir / "Small song.flac").write_bytes(b"old")
    song = small_song(tmp_path)
    with pytest.raises(ExportFileExists, match="A file called Small song.flac is already there"):
        export_song(song, out_dir, ExportOptions(format="flac"), cancel=pytest.fail)  # never got as far as a check
    result = export_song(song, out_dir, ExportOptions(format="flac", overwrite=True))
    assert len(decode(result.song_path)) == 6 * SR


def test_a_silent_song_is_exported_as_silence_with_a_note(tmp_path, out_dir):
    song = small_song(tmp_path)
    for lane in song.lanes:
        lane.mute = True
    result = export_song(song, out_dir, ExportOptions(format="wav-16", stems=True))
    assert not np.any(decode(result.song_path)) and result.stem_paths == []
    assert "The song is silent" in " ".join(result.notes)


def test_songs_of_a_performance_set_are_exported_in_order(tmp_path, out_dir):
    kit = make_kit(tmp_path / "kit")
    songs = [Song(f"song-{n}", title, bpm=BPM, beat=make_beat(kit),
                  lanes=[Lane("Beat", "beat", [Clip("pattern", "A", 0, 1)])])
             for n, title in enumerate(["Opener", "Closer"])]
    result = export_set(songs, out_dir, set_exporter(ExportOptions(format="wav-16")), set_name="Show")
    assert [path.name for path in result.song_paths] == ["01 - Opener.wav", "02 - Closer.wav"]
    assert result.durations_s == [pytest.approx(2.0, abs=0.3)] * 2


def test_a_mix_the_check_finds_over_the_ceiling_is_mastered_again_lower_and_nothing_else_is_left(
        tmp_path, out_dir, monkeypatch):
    from studio.export import export_job

    measured = []

    def measure_once_too_loud(audio, plan, sample_rate, cancel=None):
        lufs, peak_dbtp = real_measure(audio, plan, sample_rate, cancel)
        measured.append(peak_dbtp)
        return lufs, (0.5 if len(measured) == 1 else peak_dbtp)  # the first check "finds" +0.5 dBTP

    real_measure = export_job.measure_planned
    monkeypatch.setattr(export_job, "measure_planned", measure_once_too_loud)
    result = export_song(small_song(tmp_path), out_dir, ExportOptions(format="flac"))
    assert len(measured) == 2  # checked twice: the second mastering aims 1.51 dB lower
    assert measured[1] < measured[0] - 1.3 and result.true_peak_dbtp == measured[1]
    assert sorted(path.name for path in out_dir.iterdir()) == ["Small song.flac"]
    assert true_peak_dbtp(decode(result.song_path)) <= -1.0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own priority is Linux's")
def test_the_check_beside_the_encoder_gives_way_to_it_and_nothing_else_does(tmp_path, out_dir, monkeypatch):
    import threading

    from studio.export import export_job

    priorities = {}
    measure = export_job.measure_planned

    def measured(*args, **kwargs):
        priorities["check"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        return measure(*args, **kwargs)

    monkeypatch.setattr(export_job, "measure_planned", measured)
    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    export_song(small_song(tmp_path), out_dir, ExportOptions(format="mp3-192"))
    assert priorities["check"] == export_job.BACKGROUND_NICENESS == 19
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before  # this thread, the process: as they were
    assert os.getpriority(os.PRIO_PROCESS, 0) == before
