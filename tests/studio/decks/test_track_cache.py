"""The track cache: decode and analyse once, keep the small things always and the decoded sound
under a budget, and keep the user's own beat grid."""

import json
import os
import pickle
import time

import numpy as np
import pytest

from studio.decks import track_cache
from studio.decks.private_tracks import PRIVATE_FOLDER, forget_private_tracks
from studio.decks.track_cache import TrackCache
from studio.decks.track_errors import TrackError
from tests.studio.decks.track_audio import drum_loop, stereo, tone, write_track


@pytest.fixture
def song(tmp_path):
    return write_track(tmp_path / "my song.mp3", drum_loop(110.0, 20.0), tags={"title": "My Song", "artist": "Ward 7"})


def test_a_first_load_decodes_and_analyses(tmp_path, song):
    progress = []
    loaded = TrackCache(tmp_path / "cache").load(song, 48000, progress=progress.append)
    assert loaded.source_path == str(song) and loaded.sample_rate == 48000
    assert loaded.audio_path.stat().st_size == loaded.frames * 8
    assert loaded.frames / 48000 == pytest.approx(20.0, abs=0.1)
    assert (loaded.info.title, loaded.info.artist) == ("My Song", "Ward 7")
    assert loaded.analysis.bpm == pytest.approx(110.0, abs=0.05)
    assert loaded.waveform.overview.shape == (1024, 3)
    assert progress == sorted(progress) and progress[-1] == 1.0


def test_the_second_load_comes_from_the_cache_without_decoding_or_analysing(tmp_path, song, monkeypatch):
    cache = TrackCache(tmp_path / "cache")
    first = cache.load(song, 48000)

    def must_not_run(*args, **kwargs):
        raise AssertionError("decoded or analysed again")

    monkeypatch.setattr(track_cache, "decode_track", must_not_run)
    monkeypatch.setattr(track_cache, "analyse_samples", must_not_run)
    started = time.monotonic()
    again = TrackCache(tmp_path / "cache").load(song, 48000)
    assert time.monotonic() - started < 0.5
    assert again.analysis == first.analysis and again.info == first.info and again.frames == first.frames
    assert np.array_equal(again.waveform.detail, first.waveform.detail)


def test_an_edited_file_is_a_new_track(tmp_path, song):
    cache = TrackCache(tmp_path / "cache")
    assert cache.load(song, 48000).analysis.bpm == pytest.approx(110.0, abs=0.05)
    write_track(song, drum_loop(95.0, 20.0))
    os.utime(song, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert cache.load(song, 48000).analysis.bpm == pytest.approx(95.0, abs=0.05)


def test_another_sample_rate_decodes_again_but_keeps_the_analysis(tmp_path, song, monkeypatch):
    cache = TrackCache(tmp_path / "cache")
    first = cache.load(song, 48000)
    monkeypatch.setattr(track_cache, "analyse_samples", lambda *a: pytest.fail("analysed again"))
    other = cache.load(song, 44100)
    assert other.sample_rate == 44100 and other.frames == pytest.approx(first.frames * 44100 / 48000, abs=2)
    assert other.analysis == first.analysis


def test_decoded_sound_is_kept_under_its_budget_least_recently_used_first(tmp_path):
    tracks = [write_track(tmp_path / f"t{i}.flac", stereo(tone(200.0 + 50 * i, 3.0))) for i in range(4)]
    cache = TrackCache(tmp_path / "cache", audio_budget_bytes=int(3.0 * 48000 * 8 * 2.5))  # room for two and a half
    loaded = []
    for track in tracks[:3]:
        loaded.append(cache.load(track, 48000))
        time.sleep(0.02)
    cache.load(tracks[0], 48000)  # used again: now the newest
    time.sleep(0.02)
    loaded.append(cache.load(tracks[3], 48000))
    kept = sorted(p.name for p in (tmp_path / "cache" / "audio").glob("*.f32"))
    assert kept == sorted([loaded[0].audio_path.name, loaded[3].audio_path.name])
    assert len(list((tmp_path / "cache" / "tracks").glob("*.json"))) == 4  # every analysis is kept


def test_the_users_beat_grid_is_kept_and_given_back(tmp_path, song):
    cache = TrackCache(tmp_path / "cache")
    detected = cache.load(song, 48000).analysis
    cache.set_bpm(song, detected.bpm / 2, 0.25)
    fixed = TrackCache(tmp_path / "cache").load(song, 48000).analysis
    assert (fixed.bpm, fixed.first_beat_s, fixed.bpm_confidence) == (pytest.approx(detected.bpm / 2), 0.25, 1.0)
    assert fixed.key == detected.key and fixed.gain_db == detected.gain_db
    with pytest.raises(ValueError, match="bpm must be 0 or in range 20..400"):
        cache.set_bpm(song, 1000.0, 0.0)


def test_a_grid_set_before_the_first_load_is_used_by_it(tmp_path, song):
    cache = TrackCache(tmp_path / "cache")
    cache.set_bpm(song, 0.0, 0.0)  # "this track has no beat"
    assert cache.load(song, 48000).analysis.bpm == 0.0


def test_damaged_cache_files_are_made_again(tmp_path, song):
    cache = TrackCache(tmp_path / "cache")
    first = cache.load(song, 48000)
    for path in (tmp_path / "cache" / "tracks").iterdir():
        path.write_bytes(b"\x00garbage")
    again = cache.load(song, 48000)
    assert again.analysis == first.analysis
    assert json.loads(next((tmp_path / "cache" / "tracks").glob("*[0-9a-f].json")).read_text())["format"] == 1


def test_a_silent_track_is_refused_in_plain_words_and_its_sound_not_kept(tmp_path):
    quiet = write_track(tmp_path / "quiet.wav", np.zeros((44100 * 5, 2), np.float32))
    cache = TrackCache(tmp_path / "cache")
    for _ in range(2):  # the second time from what was kept
        with pytest.raises(TrackError, match="^\u201cquiet.wav\u201d is silent \\(there is no sound in it\\).$"):
            cache.load(quiet, 48000)
    assert not list((tmp_path / "cache" / "audio").glob("*.f32"))


def test_a_track_that_cannot_be_read_says_so(tmp_path):
    (tmp_path / "song.mp3").write_bytes(b"%PDF-1.4 not a song at all" * 100)
    with pytest.raises(TrackError, match="^\u201csong.mp3\u201d is not an audio file we can read.$"):
        TrackCache(tmp_path / "cache").load(tmp_path / "song.mp3", 48000)
    with pytest.raises(TrackError, match="could not be found"):
        TrackCache(tmp_path / "cache").load(tmp_path / "gone.mp3", 48000)


def test_a_load_stopped_half_way_keeps_nothing_half_done(tmp_path):
    long = write_track(tmp_path / "long.flac", drum_loop(120.0, 90.0))

    def stop(fraction):
        if fraction > 0.0:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        TrackCache(tmp_path / "cache").load(long, 48000, progress=stop)
    assert not [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]


def test_a_loaded_track_pickles_to_cross_to_the_app(tmp_path, song):
    loaded = TrackCache(tmp_path / "cache").load(song, 48000)
    again = pickle.loads(pickle.dumps(loaded))
    assert again.analysis == loaded.analysis and again.audio_path == loaded.audio_path


def test_a_take_is_kept_apart_and_forgotten_with_the_other_takes(tmp_path, song):
    takes = tmp_path / "takes"
    takes.mkdir()
    take = write_track(takes / "take-0001.wav", drum_loop(100.0, 8.0))
    cache = TrackCache(tmp_path / "cache", private_roots=(takes,))
    loaded_take, loaded_song = cache.load(take, 48000), cache.load(song, 48000)
    private = tmp_path / "cache" / PRIVATE_FOLDER
    assert loaded_take.audio_path.is_relative_to(private) and not loaded_song.audio_path.is_relative_to(private)
    cache.set_bpm(take, 120.0, 0.25)
    assert cache.load(take, 48000).analysis.bpm == 120.0
    assert forget_private_tracks(tmp_path / "cache")
    assert not private.exists() and loaded_song.audio_path.exists()
    assert not forget_private_tracks(tmp_path / "cache")  # nothing left to forget
    again = cache.load(take, 48000)  # decoded again, still apart
    assert again.audio_path.is_relative_to(private) and again.audio_path.exists()


def test_by_default_the_studios_takes_folder_is_kept_apart(tmp_path, monkeypatch):
    from studio.mic.takes import takes_dir

    monkeypatch.setenv("WARD_STUDIO_DATA_DIR", str(tmp_path / "data"))
    assert TrackCache(tmp_path / "cache").private_roots == (takes_dir().resolve(),)
