"""TrackLoader: tracks decoded and analysed in another process, asked for and collected without
ever waiting, a newer choice for a deck winning, and a crashed worker costing one plain sentence."""

import os
import signal
import time

import pytest

from studio.decks.track_loader import TrackLoader
from tests.studio.decks.track_audio import drum_loop, write_track


def collect(loader, count=1, timeout_s=60.0):
    results, deadline = [], time.monotonic() + timeout_s
    while len(results) < count and time.monotonic() < deadline:
        results += loader.poll()
        time.sleep(0.02)
    return results


@pytest.fixture
def loader(tmp_path):
    loader = TrackLoader(tmp_path / "cache", 48000)
    yield loader
    loader.close()


@pytest.fixture(scope="module")
def five_minute_mp3(tmp_path_factory):
    return write_track(tmp_path_factory.mktemp("tracks") / "five minutes.mp3", drum_loop(126.0, 300.0))


def test_asking_for_a_5_minute_mp3_never_waits(loader, five_minute_mp3):
    started = time.monotonic()
    request_id = loader.request(1, five_minute_mp3)
    asked_s = time.monotonic() - started
    polls = []
    results = []
    deadline = time.monotonic() + 120.0
    while not results and time.monotonic() < deadline:
        started = time.monotonic()
        results = loader.poll()
        polls.append(time.monotonic() - started)
        if not results:
            assert loader.progress(1) is not None
        time.sleep(0.02)
    assert asked_s < 0.2 and max(polls) < 0.1  # the UI thread never waits on the work
    [result] = results
    assert (result.request_id, result.deck, result.error) == (request_id, 1, None)
    assert result.loaded.analysis.bpm == pytest.approx(126.0, abs=0.05)
    assert result.loaded.frames / 48000 == pytest.approx(300.0, abs=0.1)
    assert loader.progress(1) is None


def test_a_track_that_cannot_be_loaded_comes_back_as_one_sentence(loader, tmp_path):
    (tmp_path / "notes.mp3").write_text("not a song")
    loader.request(2, tmp_path / "notes.mp3")
    [result] = collect(loader)
    assert result.deck == 2 and result.loaded is None
    assert result.error == "\u201cnotes.mp3\u201d is not an audio file we can read."


def test_a_newer_choice_for_a_deck_replaces_the_older(loader, tmp_path, five_minute_mp3):
    short = write_track(tmp_path / "short.flac", drum_loop(100.0, 8.0))
    loader.request(1, five_minute_mp3)
    newer = loader.request(1, short)
    other_deck = loader.request(2, short)
    results = collect(loader, count=2)
    time.sleep(0.5)
    results += loader.poll()
    assert sorted((r.request_id, r.deck) for r in results) == [(newer, 1), (other_deck, 2)]
    assert all(r.loaded.info.title == "short" for r in results)


def test_a_crashed_worker_fails_its_request_plainly_and_the_next_one_works(loader, tmp_path, five_minute_mp3):
    loader.request(1, five_minute_mp3)
    os.kill(loader.worker_pid, signal.SIGKILL)
    [result] = collect(loader)
    assert result.loaded is None
    assert result.error == "\u201cfive minutes.mp3\u201d could not be loaded: the loading process stopped. Try again."
    short = write_track(tmp_path / "short.wav", drum_loop(100.0, 5.0))
    loader.request(1, short)
    [result] = collect(loader)
    assert result.error is None and result.loaded.analysis.bpm == pytest.approx(100.0, abs=0.1)


def test_close_ends_the_worker(tmp_path):
    loader = TrackLoader(tmp_path / "cache", 44100)
    loader.request(1, write_track(tmp_path / "a.wav", drum_loop(100.0, 3.0)))
    collect(loader)
    pid = loader.worker_pid
    loader.close()
    assert loader.worker_pid is None
    with pytest.raises(ProcessLookupError):
        for _ in range(100):  # reaped by close(): gone from the process table
            os.kill(pid, 0)
            time.sleep(0.01)
    assert loader.poll() == []
