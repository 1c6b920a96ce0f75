"""The song model and its store: saved and read back exactly, damaged files named plainly, a way back from delete."""

import json

import numpy as np
import pytest
import soundfile

from studio.beats.model import Beat, Pattern
from studio.export.song import Clip, Lane, Song, SongFileError, check_song, song_from_dict, song_to_dict
from studio.export.song_store import SongStore, load_song_file
from studio.mic.takes import TakeStore


def a_song(song_id="song-1") -> Song:
    beat = Beat(bpm=120.0)
    beat.patterns["A"].rows[0].velocities[0] = 1.0
    beat.patterns["A"].rows[2].off_grid[37] = 0.5
    beat.patterns["B"] = Pattern.empty("B", 32)
    return Song(song_id, "My song", artist="DJ Ward", bpm=120.0, beat=beat, lanes=[
        Lane("Beat", "beat", [Clip("pattern", "A", 0, 4), Clip("pattern", "B", 4)], volume_db=-3.0, pan=0.25),
        Lane("Vocals", "vocal", [Clip("take", "take-0001", 2)], mute=True),
        Lane("Mix 1", "audio", [Clip("audio", "tracks/tea-trolley.ogg", 1)]),
    ], fade_in_s=1.0, fade_out_s=2.5, target_lufs=-16.0, cover_path="/pictures/cover.png",
        created="2025-05-01T10:00:00+01:00")


def test_a_song_is_saved_and_read_back_exactly(tmp_path):
    store = SongStore(tmp_path / "songs")
    song = a_song()
    store.save(song)
    assert store.load("song-1") == song
    assert load_song_file(store.song_path("song-1")) == song
    assert json.loads(store.song_path("song-1").read_text())["format"] == "ward-studio-song"


def test_new_songs_are_numbered_listed_newest_first_and_saved_at_once(tmp_path):
    store = SongStore(tmp_path / "songs")
    first = store.new("First")
    second = store.new("Second")
    assert (first.song_id, second.song_id) == ("song-1", "song-2")
    assert [song.title for song in store.list()] == ["Second", "First"]
    assert store.song_path("song-2").exists()


def test_the_default_folder_is_in_the_data_dir(tmp_path):
    assert SongStore().folder == tmp_path / "data" / "songs"


def test_a_deleted_song_comes_back(tmp_path):
    store = SongStore(tmp_path / "songs")
    song = store.new("Keep me")
    store.delete(song.song_id)
    assert store.list() == [] and [s.title for s in store.list_trash()] == ["Keep me"]
    assert store.new("Other").song_id == "song-2"  # never the id of a song in the trash
    assert store.undelete(song.song_id) == song
    with pytest.raises(SongFileError, match="not in the trash any more"):
        store.undelete(song.song_id)
    store.delete(song.song_id)
    with pytest.raises(SongFileError, match="no longer there"):
        store.delete(song.song_id)


@pytest.mark.parametrize("text, words", [
    ("", "This song file is damaged and cannot be opened (the file is empty)"),
    ('{"format": "ward-studio-song", "version": 1, "title": "x",', "it ends early, after line 1"),
    ('{"format": "ward-beat"}', "This file is not a Ward Studio song"),
    ('{"format": "ward-studio-song", "version": 9}', "made with a newer Ward Studio (version 9)"),
    ('{"format": "ward-studio-song", "version": 1, "title": "x", "bpm": 500, "lanes": []}',
     "bpm must be in range 60..200, got 500"),
    ('{"format": "ward-studio-song", "version": 1, "title": "x", "bpm": 90, "lanes": '
     '[{"name": "Beat", "kind": "beat", "clips": [{"kind": "take", "source": "t", "start_bar": 0}]}]}',
     "lanes[0].clips[0] is a take clip, but a beat lane holds only pattern clips"),
])
def test_a_damaged_song_file_says_what_is_wrong(tmp_path, text, words):
    path = tmp_path / "song-1.json"
    path.write_text(text)
    with pytest.raises(SongFileError) as caught:
        load_song_file(path)
    assert words in str(caught.value)


def test_a_missing_song_file_and_a_damaged_one_in_the_list(tmp_path):
    with pytest.raises(SongFileError, match="There is no song file at"):
        load_song_file(tmp_path / "nowhere.json")
    store = SongStore(tmp_path)
    store.new("Good")
    (tmp_path / "song-7.json").write_text("{")
    assert [song.title for song in store.list()] == ["Good"]
    assert store.problems == ["song-7.json could not be opened: This song file is damaged and cannot be opened "
                              "(it ends early, after line 1)"]


def test_saving_over_a_damaged_file_keeps_it_aside(tmp_path):
    store = SongStore(tmp_path)
    (tmp_path / "song-1.json").write_text("{ broken")
    store.save(a_song())
    assert store.load("song-1") == a_song()
    assert len(list(tmp_path.glob("song-1.damaged-*.json"))) == 1


def test_values_out_of_range_are_refused_before_saving(tmp_path):
    song = a_song()
    song.lanes[0].volume_db = 12.0
    with pytest.raises(ValueError, match=r"lanes\[0\].volume_db must be in range -60..6, got 12"):
        SongStore(tmp_path).save(song)
    assert not (tmp_path / "song-1.json").exists()
    with pytest.raises(ValueError, match="source must be a pattern name A..H"):
        check_song(Song("s", "t", lanes=[Lane("Beat", "beat", [Clip("pattern", "Z", 0)])]))
    with pytest.raises(ValueError, match="start_bar must be in range 0..999, got -1"):
        song_from_dict({**song_to_dict(a_song()), "lanes": [
            {"name": "B", "kind": "beat", "clips": [{"kind": "pattern", "source": "A", "start_bar": -1}]}]}, "s")


def test_length_in_bars_counts_patterns_takes_and_sound_files(tmp_path):
    takes = TakeStore(tmp_path / "takes")
    info, wav = takes.new_take(48000, 1)
    soundfile.write(wav, np.zeros(int(48000 * 4.5), np.float32), 48000, subtype="FLOAT")
    takes.finish(info, int(48000 * 4.5))
    takes.set_align_frames(info.take_id, 24000)  # 4.0 s from the backing's start: two bars at 120 bpm
    sound = tmp_path / "five.wav"
    soundfile.write(sound, np.zeros((48000 * 5, 2), np.float32), 48000)
    song = Song("s", "t", bpm=120.0, beat=a_song().beat, lanes=[
        Lane("Beat", "beat", [Clip("pattern", "A", 0), Clip("pattern", "B", 1), Clip("pattern", "A", 3, 2)]),
        Lane("Vocals", "vocal", [Clip("take", info.take_id, 4), Clip("take", "take-0099", 9)]),
        Lane("Mix", "audio", [Clip("audio", str(sound), 6)]),
    ])
    assert [song.clip_bars(clip, takes) for clip in song.lanes[0].clips] == [1, 2, 2]
    assert song.clip_bars(song.lanes[1].clips[0], takes) == 2
    assert song.clip_bars(song.lanes[1].clips[1], takes) == 1  # missing: shown as one bar
    assert song.clip_bars(song.lanes[2].clips[0], takes) == 3  # 5 s at 2 s a bar
    assert song.length_bars(takes) == 10
    assert Song("e", "Empty").length_bars() == 0
