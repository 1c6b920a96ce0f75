"""The take store: takes are named, listed, chosen, deleted with a way back, and found again after a crash."""

import collections
import json
import struct
from datetime import datetime

import numpy as np
import pytest
import soundfile as sf

from studio.mic import takes as takes_module
from studio.mic.take_writer import TakeError, TakeWriter
from studio.mic.takes import FORMAT_NAME, TakeStore, recovered_message, takes_dir
from studio.mic.wav_stream import WavStreamWriter, read_wav_header

RATE = 48000


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("WARD_STUDIO_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def store(tmp_path) -> TakeStore:
    return TakeStore(tmp_path / "takes")


def sound(frames: int, channels: int = 1) -> np.ndarray:
    return (np.arange(frames * channels, dtype=np.float32).reshape(frames, channels) / (frames * channels))[
        :, 0 if channels == 1 else slice(None)]


def record(store: TakeStore, seconds: float = 1.0, channels: int = 1, **details):
    info, wav = store.new_take(RATE, channels, **details)
    with WavStreamWriter(wav, RATE, channels) as writer:
        writer.append(sound(int(seconds * RATE), channels))
    return store.finish(info, int(seconds * RATE))


def crash_before_counting(wav) -> None:
    """Leave the header as a writer killed before its first flush would: counting no sound."""
    header = read_wav_header(wav)
    with open(wav, "r+b") as file:
        file.seek(4)
        file.write(struct.pack("<I", header.data_offset - 8))
        file.seek(header.data_offset - 4)
        file.write(struct.pack("<I", 0))
        file.seek(header.fact_offset)
        file.write(struct.pack("<I", 0))


# ---- where and how takes are kept -----------------------------------------------------------------

def test_takes_live_in_the_data_folder(data_dir):
    assert takes_dir() == data_dir / "takes"
    TakeStore().check_folder()  # made, with the data folder itself, on first use
    assert (data_dir / "takes").is_dir()


def test_a_new_take_is_written_down_before_its_first_sound(store):
    info, wav = store.new_take(RATE, 2, backing="beat", bpm=92, align_frames=312, lyrics="Line one")
    assert wav == store.folder / "take-0001.wav" and not wav.exists()  # the writer makes it
    assert (info.name, info.recording, info.frames, info.bpm, info.align_frames) == ("Take 1", True, 0, 92.0, 312)
    data = json.loads((store.folder / "take-0001.json").read_text(encoding="utf-8"))
    assert data["format"] == FORMAT_NAME and data["version"] == 1
    assert data["recording"] is True and data["lyrics"] == "Line one"
    created = datetime.fromisoformat(info.created)
    assert created.utcoffset() is not None and abs((created - datetime.now().astimezone()).total_seconds()) < 60
    assert [p.name for p in store.folder.iterdir()] == ["take-0001.json"]  # no temporary files left


def test_takes_are_numbered_and_listed_newest_first(store):
    first, second, third = record(store, 0.5), record(store, 2.0), record(store, 0.25)
    assert [t.name for t in (first, second, third)] == ["Take 1", "Take 2", "Take 3"]
    assert [t.name for t in store.list()] == ["Take 3", "Take 2", "Take 1"]  # same second: the number decides
    listed = store.list()[1]
    assert (listed.frames, listed.length_s, listed.recording, listed.recovered) == (RATE * 2, 2.0, False, False)


def test_bad_details_are_refused_and_nothing_is_written(store):
    with pytest.raises(ValueError, match=r"^backing must be one of beat, metronome, none, deck1, deck2, got 'drums'$"):
        store.new_take(RATE, 1, backing="drums")
    with pytest.raises(ValueError, match=r"^bpm must be in range 0..1000, got -5$"):
        store.new_take(RATE, 1, bpm=-5)
    assert not list(store.folder.glob("*.json"))


def test_finishing_keeps_a_name_given_while_recording(store):
    info, wav = store.new_take(RATE, 1)
    store.rename(info.take_id, "  Verse for Friday  ")
    with WavStreamWriter(wav, RATE) as writer:
        writer.append(sound(RATE))
    finished = store.finish(info, RATE)
    assert (finished.name, finished.frames, finished.recording) == ("Verse for Friday", RATE, False)


def test_renaming_lyrics_and_best_take_are_kept(store):
    one, two = record(store), record(store)
    store.rename(one.take_id, "Chorus 🎤")
    store.set_lyrics(one.take_id, "We sing it loud\nand then again")
    store.set_best(one.take_id)
    store.set_best(two.take_id)  # only one best take
    again = {t.take_id: t for t in TakeStore(store.folder).list()}
    assert (again[one.take_id].name, again[one.take_id].lyrics) == ("Chorus 🎤", "We sing it loud\nand then again")
    assert (again[one.take_id].best, again[two.take_id].best) == (False, True)
    store.set_best(two.take_id, False)
    assert not any(t.best for t in store.list())
    with pytest.raises(ValueError, match="^a take's name cannot be empty$"):
        store.rename(one.take_id, "   ")


def test_the_engine_can_line_a_take_up_once_its_backing_has_started(store):
    info, _ = store.new_take(RATE, 1, backing="beat", bpm=90, align_frames=32000)
    assert store.set_align_frames(info.take_id, 32256).align_frames == 32256
    assert store.finish(info, 0).align_frames == 32256  # finish() keeps it
    with pytest.raises(ValueError, match=r"^align_frames must be in range 0..1099511627776, got -1$"):
        store.set_align_frames(info.take_id, -1)


def test_a_take_that_is_gone_is_said_plainly(store):
    with pytest.raises(TakeError, match=r"^This take is no longer there; it may have been deleted\.$"):
        store.rename("take-0042", "x")


# ---- deleting, with a way back -------------------------------------------------------------------

def test_a_deleted_take_can_be_brought_back_until_the_trash_is_emptied(store):
    keep, oops = record(store), record(store, lyrics="my best lines")
    store.delete(oops.take_id)
    assert [t.name for t in store.list()] == ["Take 1"]
    assert [t.name for t in store.list_trash()] == ["Take 2"]
    back = store.undelete(oops.take_id)
    assert (back.name, back.lyrics, back.frames) == ("Take 2", "my best lines", RATE)
    assert [t.name for t in store.list()] == ["Take 2", "Take 1"] and store.list_trash() == []
    store.delete(oops.take_id)
    assert record(store).name == "Take 3"  # a deleted take's number is not given again
    assert store.empty_trash() == 1
    assert store.list_trash() == [] and not (store.folder / "trash").exists()
    with pytest.raises(TakeError, match="^This take is not in the trash any more; it may have been emptied.$"):
        store.undelete(oops.take_id)
    assert [t.take_id for t in store.list()] == ["take-0003", keep.take_id]


def test_a_take_brought_back_does_not_make_a_second_best(store):
    one, two = record(store), record(store)
    store.set_best(one.take_id)
    store.delete(one.take_id)
    store.set_best(two.take_id)
    assert store.undelete(one.take_id).best is False
    assert [t.best for t in store.list()] == [True, False]


def test_a_take_being_recorded_cannot_be_deleted(store):
    info, wav = store.new_take(RATE, 1)
    writer = TakeWriter(wav, RATE).start()
    with pytest.raises(TakeError, match=r"^This take is still being recorded, so it cannot be deleted yet\.$"):
        store.delete(info.take_id)
    writer.stop()
    store.delete(info.take_id)


# ---- after a crash --------------------------------------------------------------------------------

def test_an_interrupted_take_with_a_stale_header_is_recovered(store):
    info, wav = store.new_take(RATE, 1, backing="metronome", bpm=120)
    with WavStreamWriter(wav, RATE) as writer:
        writer.append(sound(RATE * 134))  # 2:14
    crash_before_counting(wav)  # and finish() was never called
    listed = store.list()[0]
    assert (listed.recording, listed.frames) == (True, RATE * 134)  # listed as it is, even before recover()
    [recovered] = store.recover()
    assert (recovered.name, recovered.frames, recovered.recording, recovered.recovered) == \
           ("Take 1", RATE * 134, False, True)
    assert (recovered.backing, recovered.bpm) == ("metronome", 120.0)
    assert recovered_message([recovered]) == \
        "A take that was being recorded when the app stopped was saved: Take 1 (2:14)"
    assert np.array_equal(sf.read(wav, dtype="float32")[0], sound(RATE * 134))
    assert store.list() == [recovered] and store.recover() == [] and store.problems == []


def test_several_recovered_takes_are_named_in_one_message(store):
    first, second = store.new_take(RATE, 1)[0], store.new_take(RATE, 1)[0]
    for info, seconds in ((first, 3), (second, 65)):
        with WavStreamWriter(store.wav_path(info.take_id), RATE) as writer:
            writer.append(sound(RATE * seconds))
    assert recovered_message(store.recover()) == \
        "2 takes that were being recorded when the app stopped were saved: Take 2 (1:05), Take 1 (0:03)"


def test_a_take_still_being_recorded_is_left_alone(store):
    info, wav = store.new_take(RATE, 1)
    writer = TakeWriter(wav, RATE).start()
    writer.write(sound(1000))
    assert store.recover() == []
    assert store.list()[0].recording is True
    writer.stop()


def test_a_take_stopped_before_its_first_sound_keeps_its_details(store):
    info, wav = store.new_take(RATE, 1, lyrics="written before singing")
    [recovered] = store.recover()
    assert (recovered.frames, recovered.lyrics, recovered.recording) == (0, "written before singing", False)
    assert sf.info(wav).frames == 0
    assert recovered_message([recovered]) == ""  # nothing was sung, so nothing was lost


def test_a_take_stopped_before_any_sound_or_words_goes_quietly_to_the_trash(store):
    info, wav = store.new_take(RATE, 1)  # then the writer could not start (the disk was full)
    assert store.recover() == [] and store.problems == []
    assert store.list() == [] and (store.folder / "trash" / "take-0001.json").exists()
    assert record(store).name == "Take 2"


def test_a_wav_without_details_is_still_listed_and_given_details(store):
    store.folder.mkdir()
    for name, channels in (("take-0005", 2), ("song from Tuesday", 1)):
        with WavStreamWriter(store.folder / f"{name}.wav", RATE, channels) as writer:
            writer.append(sound(RATE, channels))
    listed = {t.take_id: t for t in store.list()}
    assert (listed["take-0005"].name, listed["take-0005"].channels, listed["take-0005"].recovered) == \
           ("Take 5", 2, True)
    assert (listed["song from Tuesday"].name, listed["song from Tuesday"].frames) == ("song from Tuesday", RATE)
    assert store.recover() == []  # not interrupted: nothing to announce as saved
    assert sorted(store.problems) == sorted(
        f"{name} was found without its details (name, lyrics, best take), so it is listed with what its sound "
        "file says." for name in ("Take 5", "song from Tuesday"))
    assert (store.folder / "take-0005.json").exists()
    assert record(store).name == "Take 6"


def test_a_damaged_details_file_is_kept_aside_and_reported(store):
    take = record(store, 2.0, lyrics="do not lose me")
    details = store.folder / f"{take.take_id}.json"
    damaged = details.read_bytes()[:100]
    details.write_bytes(damaged)  # cut short
    lines = damaged.count(b"\n") + 1
    [listed] = store.list()
    assert (listed.frames, listed.recovered) == (RATE * 2, True)  # the recording is still there
    assert store.problems == [f"The details of Take 1 could not be read (it ends early, after line {lines})."]
    assert store.recover() == []
    [aside] = store.folder.glob("take-0001.damaged-*.json")
    assert aside.read_bytes() == damaged  # kept, byte for byte, for someone who can mend it
    assert store.problems == [f"The details of Take 1 could not be read (it ends early, after line {lines}). "
                              f'The recording is kept. Its old details were kept as "{aside.name}".']
    assert store.list()[0].frames == RATE * 2 and store.problems == []


def test_details_with_a_value_out_of_range_are_damaged_too(store):
    take = record(store)
    details = store.folder / f"{take.take_id}.json"
    data = json.loads(details.read_text())
    data["channels"] = 6
    details.write_text(json.dumps(data))
    store.list()
    assert store.problems == ["The details of Take 1 could not be read (channels must be in range 1..2, got 6)."]
    store.rename(take.take_id, "Mended")  # writing new details keeps the damaged ones aside first
    assert len(list(store.folder.glob("take-0001.damaged-*.json"))) == 1
    assert store.list()[0].name == "Mended"


def test_details_whose_sound_file_is_missing_are_reported_not_dropped(store):
    take = record(store)
    store.wav_path(take.take_id).unlink()
    assert store.list() == []
    assert store.problems == [f"The sound file of Take 1 is missing, so it is not listed. "
                              f"Its details are kept in {store.folder / 'take-0001.json'}"]
    assert (store.folder / "take-0001.json").exists()


# ---- the folder and the disk ----------------------------------------------------------------------

def test_a_missing_folder_is_said_plainly(tmp_path):
    folder = tmp_path / "card" / "takes"
    with pytest.raises(TakeError) as error:
        TakeStore(folder).check_folder()
    assert str(error.value) == ("Takes cannot be recorded, because the folder for takes is missing "
                                f"(if takes are kept on a memory card, check that it is in): {folder}")
    assert not (tmp_path / "card").exists()  # never made in the wrong place
    with pytest.raises(TakeError):
        TakeStore(folder).new_take(RATE, 1)


def test_a_file_in_the_way_is_said_plainly(tmp_path):
    (tmp_path / "takes").write_text("x")
    with pytest.raises(TakeError) as error:
        TakeStore(tmp_path / "takes").check_folder()
    assert str(error.value) == \
        f"Takes cannot be recorded, because there is a file where the folder for takes should be: {tmp_path / 'takes'}"


Usage = collections.namedtuple("Usage", "total used free")


@pytest.mark.parametrize("free_bytes, message", [
    (RATE * 4 * 3600, ""),
    (RATE * 4 * 600, ""),
    (RATE * 4 * 7 * 60 + 5, "There is room for only about 7 minutes more of recording. "
                            "Delete takes that are not needed, or copy them off this tablet, to make room."),
    (RATE * 4 * 90, "There is room for only about 1 minute more of recording. "
                    "Delete takes that are not needed, or copy them off this tablet, to make room."),
    (RATE * 4 * 40, "There is room for only about 40 seconds more of recording. "
                    "Delete takes that are not needed, or copy them off this tablet, to make room."),
    (100, "There is no room left on the disk for recording. "
          "Delete takes that are not needed, or copy them off this tablet, to make room."),
])
def test_low_space_is_said_in_minutes_of_recording(store, monkeypatch, free_bytes, message):
    monkeypatch.setattr(takes_module.shutil, "disk_usage", lambda path: Usage(10**12, 0, free_bytes))
    assert store.free_seconds(RATE, 1) == pytest.approx(free_bytes / (RATE * 4))
    assert store.check_space(RATE, 1) == message


def test_low_space_says_what_emptying_the_trash_would_give(store, monkeypatch):
    take = record(store, 3.0)
    store.delete(take.take_id)
    monkeypatch.setattr(takes_module.shutil, "disk_usage", lambda path: Usage(10**12, 0, RATE * 4 * 300))
    assert store.check_space(RATE, 1) == ("There is room for only about 5 minutes more of recording. "
                                          "Emptying the trash would make room for about 3 seconds more.")
    assert store.free_seconds(RATE, 2) == 150.0  # stereo takes fill it twice as fast
