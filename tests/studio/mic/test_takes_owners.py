"""Whose takes: a take's participant is kept in its details (old details load as nobody's), and
withdrawing consent deletes every file of that participant's takes, in the folder and its trash."""

import fcntl
import json

import numpy as np
import pytest

from studio.mic.take_writer import TakeError
from studio.mic.takes import TakeStore
from studio.mic.wav_stream import WavStreamWriter

RATE = 8000
MAYA, JAY = 7, 12


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("WARD_STUDIO_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def store(tmp_path) -> TakeStore:
    return TakeStore(tmp_path / "takes")


def record(store: TakeStore, participant_id: int | None = None, seconds: float = 0.5):
    info, wav = store.new_take(RATE, 1)
    with WavStreamWriter(wav, RATE) as writer:
        writer.append(np.zeros(int(seconds * RATE), dtype=np.float32))
    info = store.finish(info, int(seconds * RATE))
    return store.set_participant(info.take_id, participant_id) if participant_id is not None else info


def names_in(folder) -> set[str]:
    return {path.name for path in folder.iterdir() if path.is_file()} if folder.is_dir() else set()


def test_a_takes_participant_is_saved_with_it_and_read_back(store):
    take = record(store)
    assert take.participant_id is None
    assert store.set_participant(take.take_id, MAYA).participant_id == MAYA
    assert [info.participant_id for info in TakeStore(store.folder).list()] == [MAYA]
    data = json.loads((store.folder / f"{take.take_id}.json").read_text(encoding="utf-8"))
    assert data["participant_id"] == MAYA
    assert store.set_participant(take.take_id, None).participant_id is None  # nobody's again


@pytest.mark.parametrize("bad", [0, -3, 1.5, "7", True])
def test_a_participant_id_must_be_a_whole_number_from_1(store, bad):
    take = record(store)
    with pytest.raises(ValueError, match="participant_id"):
        store.set_participant(take.take_id, bad)
    assert store.list()[0].participant_id is None


def test_details_from_before_participants_still_load_as_nobodys(store):
    take = record(store, MAYA)
    path = store.folder / f"{take.take_id}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["participant_id"]  # as written before takes had participants
    path.write_text(json.dumps(data), encoding="utf-8")
    [listed] = store.list()
    assert listed.participant_id is None
    assert store.problems == []


def test_a_take_that_is_gone_cannot_be_given_a_participant(store):
    with pytest.raises(TakeError, match="no longer there"):
        store.set_participant("take-0042", MAYA)


def test_withdrawal_deletes_every_file_of_the_participants_takes_and_nothing_else(store):
    maya_kept, jay_kept, nobodys = record(store, MAYA), record(store, JAY), record(store)
    maya_trashed, jay_trashed = record(store, MAYA), record(store, JAY)
    store.delete(maya_trashed.take_id)
    store.delete(jay_trashed.take_id)
    # Maya's leftovers: details cut short while being written, and old details kept aside as damaged.
    (store.folder / f".{maya_kept.take_id}.json.tmp").write_text("{", encoding="utf-8")
    (store.folder / f"{maya_kept.take_id}.damaged-2025-01-02.json").write_text("{", encoding="utf-8")
    (store.trash_folder / f".{maya_trashed.take_id}.json.tmp").write_text("{", encoding="utf-8")
    others_folder, others_trash = names_in(store.folder), names_in(store.trash_folder)

    deleted = store.delete_for_participant(MAYA)

    assert sorted(info.take_id for info in deleted) == sorted([maya_kept.take_id, maya_trashed.take_id])
    assert store.problems == []
    maya_ids = (maya_kept.take_id, maya_trashed.take_id)
    left = names_in(store.folder) | names_in(store.trash_folder)
    assert not [name for name in left if any(take_id in name for take_id in maya_ids)]
    assert names_in(store.folder) == {name for name in others_folder if maya_kept.take_id not in name}
    assert names_in(store.trash_folder) == {name for name in others_trash if maya_trashed.take_id not in name}
    assert {info.take_id for info in store.list()} == {jay_kept.take_id, nobodys.take_id}
    assert [info.take_id for info in store.list_trash()] == [jay_trashed.take_id]
    with pytest.raises(TakeError):  # no way back
        store.undelete(maya_trashed.take_id)


def test_a_take_number_that_starts_like_another_is_not_taken_with_it(store):
    for _ in range(10):
        record(store, JAY)
    first = record(store, MAYA)  # take-0011
    assert first.take_id == "take-0011"
    (store.folder / "take-00110.wav").write_bytes(b"not Maya's")  # a file someone copied in
    store.delete_for_participant(MAYA)
    assert (store.folder / "take-00110.wav").exists()
    assert len([info for info in store.list() if info.participant_id == JAY]) == 10


def test_withdrawal_with_no_takes_deletes_nothing(store):
    assert store.delete_for_participant(MAYA) == []  # no folder yet
    record(store, JAY)
    before = names_in(store.folder)
    assert store.delete_for_participant(MAYA) == []
    assert names_in(store.folder) == before


def test_a_take_still_being_recorded_is_kept_with_its_details_and_said(store):
    take = record(store, MAYA)
    with open(store.wav_path(take.take_id), "rb") as file:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX)  # as a writer in another process holds it
        deleted = store.delete_for_participant(MAYA)
        assert [info.take_id for info in deleted] == [take.take_id]
        assert store.wav_path(take.take_id).exists()
        assert (store.folder / f"{take.take_id}.json").exists()  # still says whose it is
        assert store.problems and "could not be deleted completely" in store.problems[0]


def test_each_participant_has_a_best_take_of_their_own(store):
    maya_take, jay_take, nobodys = record(store, MAYA), record(store, JAY), record(store)
    store.set_best(maya_take.take_id)
    store.set_best(jay_take.take_id)
    store.set_best(nobodys.take_id)
    assert {info.take_id for info in store.list() if info.best} == {maya_take.take_id, jay_take.take_id,
                                                                     nobodys.take_id}
    second = record(store, MAYA)
    store.set_best(second.take_id)
    assert {info.take_id for info in store.list() if info.best} == {second.take_id, jay_take.take_id,
                                                                     nobodys.take_id}
