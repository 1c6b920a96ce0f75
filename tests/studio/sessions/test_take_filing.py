"""Takes at rest: a participant's takes are plain WAVs in the studio's takes folder only while it is
their turn; filed away, they are sealed in Sessions (no RIFF/WAVE bytes anywhere), and brought back
they are the same take, byte for byte, with their name, lyrics and trim."""

import json

import numpy as np
import pytest
import soundfile as sf

from studio.mic.takes import TakeStore
from studio.mic.wav_stream import WavStreamWriter
from studio.sessions.take_filing import TAKE_KIND, bring_back, file_away

RATE = 8000


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("WARD_STUDIO_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def takes(tmp_path) -> TakeStore:
    return TakeStore(tmp_path / "takes")


def record(takes: TakeStore, participant_id: int | None, seconds: float = 0.5, frequency_hz: float = 440.0):
    info, wav = takes.new_take(RATE, 1)
    frames = int(seconds * RATE)
    with WavStreamWriter(wav, RATE) as writer:
        writer.append((0.3 * np.sin(2 * np.pi * frequency_hz * np.arange(frames) / RATE)).astype(np.float32))
    info = takes.finish(info, frames)
    return takes.set_participant(info.take_id, participant_id) if participant_id is not None else info


def plain_audio_in(folder) -> list[str]:
    return sorted(path.name for path in folder.rglob("*") if path.is_file()
                  and (b"RIFF" in path.read_bytes() or b"WAVE" in path.read_bytes()))


def test_filed_away_takes_leave_no_readable_sound_and_come_back_the_same(takes, store, folder, people):
    maya, jay = people
    take = record(takes, maya)
    takes.rename(take.take_id, "Sunrise")
    takes.set_lyrics(take.take_id, "up and up\nand on")
    takes.set_trim(take.take_id, 0.1, 0.4, fade_in_s=0.05)
    before = takes.list()[0]
    wav_bytes = takes.wav_path(take.take_id).read_bytes()

    filing = file_away(takes, store, keep=None)
    assert [info.name for info in filing.moved] == ["Sunrise"] and not filing.problems
    assert takes.list() == []
    assert plain_audio_in(takes.folder) == [] and plain_audio_in(folder) == []
    assert [item.name for item in store.items(maya, TAKE_KIND)] == ["Sunrise"]

    back = bring_back(takes, store, maya)
    assert [info.name for info in back.moved] == ["Sunrise"] and not back.problems
    assert takes.list() == [before]
    assert takes.wav_path(take.take_id).read_bytes() == wav_bytes
    assert store.items(maya, TAKE_KIND) == []
    kept = takes.list()[0]
    assert (kept.lyrics, kept.trim_start_s, kept.trim_end_s, kept.fade_in_s) == ("up and up\nand on", 0.1, 0.4, 0.05)


def test_only_the_working_participants_takes_stay_in_the_studio(takes, store, people):
    maya, jay = people
    mine, theirs, nobodys = record(takes, maya), record(takes, jay), record(takes, None)
    filing = file_away(takes, store, keep=maya)
    assert [info.take_id for info in filing.moved] == [theirs.take_id]
    assert {info.take_id for info in takes.list()} == {mine.take_id, nobodys.take_id}
    assert len(store.items(jay, TAKE_KIND)) == 1 and store.items(maya, TAKE_KIND) == []

    file_away(takes, store, keep=jay)  # Jay's turn: Maya's go away, Jay's come back
    bring_back(takes, store, jay)
    assert {info.take_id for info in takes.list()} == {theirs.take_id, nobodys.take_id}


def test_a_take_being_recorded_is_left_alone(takes, store, people):
    maya, _jay = people
    info, wav = takes.new_take(RATE, 1)
    takes.set_participant(info.take_id, maya)
    with WavStreamWriter(wav, RATE) as writer:
        writer.append(np.zeros(800, dtype=np.float32))
        writer.flush()
        assert file_away(takes, store).moved == []
        assert wav.exists()
    takes.finish(info, 800)
    assert [each.take_id for each in file_away(takes, store).moved] == [info.take_id]


def test_filed_takes_in_the_trash_are_deleted_for_good(takes, store, people):
    maya, _jay = people
    deleted = record(takes, maya)
    takes.delete(deleted.take_id)
    assert takes.list_trash()
    assert [info.take_id for info in file_away(takes, store).deleted] == [deleted.take_id]
    assert takes.list_trash() == [] and store.items(maya, TAKE_KIND) == []
    assert plain_audio_in(takes.trash_folder.parent) == []


def test_a_new_take_never_gets_the_number_of_one_filed_away(takes, store, people):
    maya, jay = people
    first, second = record(takes, maya), record(takes, maya)
    file_away(takes, store)
    assert sorted(path.name for path in takes.folder.iterdir()) == [f"{second.take_id}.filed"]
    newer = record(takes, jay)
    assert newer.take_id == "take-0003"
    bring_back(takes, store, maya)
    assert {info.take_id for info in takes.list()} == {first.take_id, second.take_id, newer.take_id}


def test_a_take_whose_number_was_taken_meanwhile_comes_back_numbered_anew(takes, store, people):
    maya, jay = people
    old = record(takes, maya)
    file_away(takes, store)
    for marker in takes.folder.glob("*.filed"):
        marker.unlink()  # as if the marker were lost: the next take reuses the number
    clash = record(takes, jay)
    assert clash.take_id == old.take_id
    bring_back(takes, store, maya)
    mine = [info for info in takes.list() if info.participant_id == maya]
    assert len(mine) == 1 and mine[0].take_id != old.take_id and mine[0].name == old.name
    assert sf.read(takes.wav_path(mine[0].take_id))[0].shape == (old.frames,)


def test_a_participants_sealed_take_exports_as_a_wav_that_plays(takes, store, people, tmp_path):
    maya, _jay = people
    store.record_consent(maya, {"record", "keep", "share"}, "Maya")
    take = record(takes, maya, frequency_hz=330)
    played_before, _ = sf.read(takes.wav_path(take.take_id), dtype="float32")
    file_away(takes, store)
    item = store.items(maya, TAKE_KIND)[0]
    exported = store.export_item(item.id, "sharing", tmp_path / "out" / "take.wav")
    played, rate = sf.read(exported, dtype="float32")
    assert rate == RATE
    np.testing.assert_array_equal(played, played_before)


def test_a_take_that_cannot_be_sealed_stays_where_it_is(takes, store, people):
    maya, _jay = people
    take = record(takes, maya)
    with open(takes.wav_path(take.take_id), "r+b") as raw:
        raw.truncate(30)  # a header cut short: not a WAV it can bundle
    filing = file_away(takes, store)
    assert filing.moved == [] and len(filing.problems) == 1 and take.name in filing.problems[0]
    assert (takes.folder / f"{take.take_id}.json").exists() and store.items(maya, TAKE_KIND) == []


def test_filing_away_works_with_sessions_locked(takes, store, people):
    maya, _jay = people
    record(takes, maya)
    store.lock()
    assert len(file_away(takes, store).moved) == 1
    assert takes.list() == []


def test_a_damaged_sealed_take_stays_sealed_and_is_named(takes, store, folder, people):
    maya, _jay = people
    record(takes, maya)
    file_away(takes, store)
    item = store.items(maya, TAKE_KIND)[0]
    sealed = folder / item.path
    raw = bytearray(sealed.read_bytes())
    raw[-20] ^= 0xFF
    sealed.write_bytes(bytes(raw))
    back = bring_back(takes, store, maya)
    assert back.moved == [] and item.name in back.problems[0]
    assert len(store.items(maya, TAKE_KIND)) == 1
    assert [path.name for path in takes.folder.iterdir() if not path.name.endswith(".filed")] == []


def test_details_kept_with_a_take_name_its_participant(takes, store, people):
    maya, _jay = people
    record(takes, maya)
    file_away(takes, store)
    bring_back(takes, store, maya)
    details = json.loads(next(takes.folder.glob("take-*.json")).read_text(encoding="utf-8"))
    assert details["participant_id"] == maya
