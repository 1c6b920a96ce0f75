"""Each participant's work in progress (Beats' current beat, Export's songs): the files are the
working participant's; at a change of turn they are sealed in Sessions (nothing readable left)
and the next one's come back, the same; work made in nobody's turn waits for nobody's next turn."""

import pytest

from studio.beats.beat_file import backup_path, load_beat, save_beat
from studio.beats.model import Beat
from studio.beats.storage import CURRENT_BEAT_NAME
from studio.export.song_store import SongStore
from studio.sessions import catalogue
from studio.sessions.work_folders import (NOBODYS_FOLDER, beats_work, folder_owner, forget_work_of, hand_over,
                                          songs_work)


@pytest.fixture
def beats(tmp_path):
    return beats_work(tmp_path / "beats")


@pytest.fixture
def songs(tmp_path):
    return songs_work(tmp_path / "songs")


def make_beat(beats, title: str, bpm: float) -> Beat:
    beats.folder.mkdir(parents=True, exist_ok=True)
    save_beat(Beat(title=title, bpm=bpm - 1), beats.folder / CURRENT_BEAT_NAME)
    beat = Beat(title=title, bpm=bpm)
    save_beat(beat, beats.folder / CURRENT_BEAT_NAME)  # the save before is kept as the .bak
    return beat


def current(beats) -> Beat | None:
    path = beats.folder / CURRENT_BEAT_NAME
    return load_beat(path) if path.exists() else None


def sealed(store, person_id, work) -> list[str]:
    return [item.name for item in catalogue.items(store.records, person_id, work.kind)]


def readable(folder, words: bytes) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()
                  and words in path.read_bytes())


def test_each_participant_finds_their_own_beat_at_their_turn(store, beats, people):
    maya, jay = people
    assert hand_over(store, maya, beats).changed and folder_owner(beats) == maya
    assert current(beats) is None  # her first turn: Beats starts a new beat
    make_beat(beats, "Maya's groove", 84)

    assert hand_over(store, jay, beats).changed
    assert current(beats) is None and sealed(store, maya, beats) == ["Beat in progress"]
    assert readable(beats.folder, b"bpm") == []  # neither her beat nor its .bak is readable
    make_beat(beats, "Jay's bounce", 140)

    hand_over(store, maya, beats)
    assert (current(beats).title, current(beats).bpm) == ("Maya's groove", 84)
    assert backup_path(beats.folder / CURRENT_BEAT_NAME).exists()
    assert sealed(store, maya, beats) == [] and sealed(store, jay, beats) == ["Beat in progress"]
    assert not hand_over(store, maya, beats).changed  # still her turn: nothing moves


def test_each_participant_finds_their_own_songs_trash_and_all(store, songs, people):
    maya, jay = people
    hand_over(store, maya, songs)
    mine = SongStore(songs.folder)
    verse, draft = mine.new("Maya's song"), mine.new("Maya's draft")
    mine.delete(draft.song_id)

    hand_over(store, jay, songs)
    assert SongStore(songs.folder).list() == [] and SongStore(songs.folder).list_trash() == []
    assert readable(songs.folder, b"Maya") == []
    jays = SongStore(songs.folder).new("Jay's song")

    hand_over(store, maya, songs)
    back = SongStore(songs.folder)
    assert [song.title for song in back.list()] == ["Maya's song"]
    assert back.load(verse.song_id) == verse
    assert [song.title for song in back.list_trash()] == ["Maya's draft"]
    assert sealed(store, jay, songs) == ["Songs in progress"]
    hand_over(store, jay, songs)
    assert SongStore(songs.folder).list() == [jays]


def test_nobodys_work_waits_for_nobodys_turn(store, beats, songs, people):
    maya, _jay = people
    make_beat(beats, "The mentor's demo", 100)
    demo_song = SongStore(songs.folder).new("The mentor's demo song")
    hand_over(store, maya, beats)
    hand_over(store, maya, songs)
    assert current(beats) is None and (beats.folder / NOBODYS_FOLDER / CURRENT_BEAT_NAME).exists()
    assert SongStore(songs.folder).list() == []
    assert sealed(store, maya, beats) == []  # the demo was never hers
    make_beat(beats, "Maya's groove", 84)
    hand_over(store, None, beats)  # Sessions locked: nobody's turn
    hand_over(store, None, songs)
    assert current(beats).title == "The mentor's demo" and folder_owner(beats) is None
    assert SongStore(songs.folder).list() == [demo_song]
    assert sealed(store, maya, beats) == ["Beat in progress"]
    assert not (beats.folder / NOBODYS_FOLDER).exists()


def test_sealing_works_with_sessions_locked(store, beats, people):
    maya, _jay = people
    hand_over(store, maya, beats)
    make_beat(beats, "Maya's groove", 84)
    store.lock()
    assert hand_over(store, None, beats).problems == []
    assert current(beats) is None and sealed(store, maya, beats) == ["Beat in progress"]


def test_work_that_cannot_be_sealed_stays_with_its_owner(store, beats, people, monkeypatch):
    maya, jay = people
    hand_over(store, maya, beats)
    make_beat(beats, "Maya's groove", 84)

    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "put_away", full_disk)
    handover = hand_over(store, jay, beats)
    assert not handover.changed and "could not be put away" in handover.problems[0]
    assert current(beats).title == "Maya's groove" and folder_owner(beats) == maya


def test_withdrawing_consent_forgets_their_plain_work(store, beats, people):
    maya, jay = people
    hand_over(store, maya, beats)
    make_beat(beats, "Maya's groove", 84)
    assert not forget_work_of(jay, beats)
    assert forget_work_of(maya, beats)
    assert current(beats) is None and not backup_path(beats.folder / CURRENT_BEAT_NAME).exists()
    assert folder_owner(beats) is None
