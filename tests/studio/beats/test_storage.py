"""Where the current beat lives: it comes back exactly, and a damaged file is kept, never lost."""

import pytest

from studio.beats import storage
from studio.beats.beat_file import FORMAT_NAME, backup_path, load_beat, save_beat
from studio.beats.model import Beat
from studio.beats.storage import current_beat_path, keep_aside, load_or_new, new_beat


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("WARD_STUDIO_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def made_beat() -> Beat:
    beat = Beat(bpm=101.5, swing=0.58, chain=["A", "B", "A"])
    beat.patterns["A"].rows[0].velocities[::4] = [1.0, 0.7, 0.4, 1.0]
    beat.patterns["B"].rows[3].mute = True
    beat.pads[2].pitch_semitones = -3.0
    return beat


def test_the_current_beat_lives_in_the_data_folder(data_dir):
    assert current_beat_path() == data_dir / "beats" / "current-beat.json"


def test_without_the_override_it_is_the_users_data_folder(monkeypatch):
    monkeypatch.delenv("WARD_STUDIO_DATA_DIR")
    assert storage.beats_dir().parts[-2:] == ("ward-studio", "beats")


def test_no_file_yet_gives_a_new_beat_quietly():
    loaded = load_or_new()
    assert loaded.message == "" and loaded.kept_aside is None
    assert loaded.beat.kit == "boom-bap"
    assert not current_beat_path().exists()  # nothing is written until something is made


def test_a_new_beat_takes_the_kits_choke_groups():
    beat = new_beat("boom-bap")
    # boom-bap: closed, pedal and open hat are pads 7-9 and choke each other
    assert [pad.choke_group for pad in beat.pads[6:9]] == [1, 1, 1]
    assert beat.pads[0].choke_group == 0
    assert new_beat("no-such-kit").pads == Beat().pads


def test_a_saved_beat_comes_back_exactly():
    save_beat(made_beat(), current_beat_path())
    loaded = load_or_new()
    assert loaded.beat == made_beat()
    assert loaded.message == ""


def test_a_damaged_file_is_kept_aside_and_a_new_beat_started(data_dir):
    path = current_beat_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"format": "ward-studio-beat", "version": 1, "title": "half a be')
    loaded = load_or_new()
    assert loaded.beat == new_beat()
    assert loaded.message.startswith("Your last beat could not be opened: This beat file is damaged")
    assert "A new beat was started." in loaded.message
    assert loaded.kept_aside.name in loaded.message
    assert loaded.kept_aside.read_bytes() == b'{"format": "ward-studio-beat", "version": 1, "title": "half a be'
    assert loaded.kept_aside.name.startswith("current-beat.damaged-")
    assert not path.exists()
    save_beat(loaded.beat, path)  # the new work can be saved where the old one was
    assert load_beat(path) == loaded.beat


def test_the_save_before_a_damaged_one_is_opened_instead():
    path = current_beat_path()
    save_beat(Beat(bpm=80.0), path)
    save_beat(made_beat(), path)  # the 80 BPM beat is now the .bak
    path.write_text("{ broken", encoding="utf-8")
    loaded = load_or_new()
    assert loaded.beat == Beat(bpm=80.0)
    assert "The save from just before it was opened instead." in loaded.message
    assert loaded.kept_aside.read_text(encoding="utf-8") == "{ broken"
    assert backup_path(path).exists()


def test_a_beat_from_a_newer_app_is_kept_aside_not_overwritten():
    path = current_beat_path()
    path.parent.mkdir(parents=True)
    text = '{"format": "%s", "version": 99}' % FORMAT_NAME
    path.write_text(text, encoding="utf-8")
    loaded = load_or_new()
    assert "made with a newer Ward Studio" in loaded.message
    assert loaded.kept_aside.read_text(encoding="utf-8") == text


def test_keeping_aside_never_replaces_an_earlier_damaged_file(tmp_path, monkeypatch):
    monkeypatch.setattr(storage.time, "strftime", lambda _format: "2026-01-02-030405")
    first, second = tmp_path / "current-beat.json", tmp_path / "current-beat.json"
    first.write_text("one", encoding="utf-8")
    kept_one = keep_aside(first)
    second.write_text("two", encoding="utf-8")
    kept_two = keep_aside(second)
    assert kept_one.name == "current-beat.damaged-2026-01-02-030405.json"
    assert kept_two.name == "current-beat.damaged-2026-01-02-030405-2.json"
    assert (kept_one.read_text(encoding="utf-8"), kept_two.read_text(encoding="utf-8")) == ("one", "two")


def test_a_file_that_cannot_be_moved_is_left_as_it_is(monkeypatch):
    path = current_beat_path()
    path.parent.mkdir(parents=True)
    path.write_text("{ broken", encoding="utf-8")

    def refuse(*_args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(storage.os, "link", refuse)
    monkeypatch.setattr(storage.os, "rename", refuse)  # a read-only folder
    loaded = load_or_new()
    assert loaded.kept_aside is None
    assert "could not be moved aside" in loaded.message
    assert path.read_text(encoding="utf-8") == "{ broken"
