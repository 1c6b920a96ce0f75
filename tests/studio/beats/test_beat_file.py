"""Beat files: readable, exact, never half-written, and plain about what is wrong."""

import json
import os

import pytest

from studio.beats import beat_file
from studio.beats.beat_file import (
    Autosaver, BeatFileError, backup_path, beat_to_text, load_beat, save_beat,
)
from studio.beats.model import FORMAT_VERSION, Beat, PadSettings, Pattern

DAMAGED = "This beat file is damaged and cannot be opened"


def busy_beat() -> Beat:
    """A beat using every field away from its default."""
    beat = Beat(title="Beat für Station 3 🥁", kit="/sdcard/kits/my kit", bpm=97.3, swing=0.62,
                chain=["A", "B", "A", "H"])
    a = beat.patterns["A"]
    a.rows[0].velocities[::4] = [1.0, 0.8, 1.0, 0.37]
    a.rows[2].velocities = [0.5] * 16
    a.rows[2].length = 3
    a.rows[5].mute = True
    a.rows[7].solo = True
    beat.patterns["B"] = Pattern.empty("B", 32)
    beat.patterns["B"].rows[15].velocities[31] = 0.1
    beat.patterns["B"].rows[1].length = 27
    beat.patterns["B"].rows[1].off_grid = {13: 0.6, 700: 1.0}  # recorded between steps
    beat.pads[3] = PadSettings(volume_db=-7.5, pan=-0.25, pitch_semitones=12.0, cutoff_hz=800.0, choke_group=2)
    return beat


def file_data(beat: Beat) -> dict:
    return json.loads(beat_to_text(beat))


def write_data(path, data) -> bytes:
    raw = json.dumps(data).encode()
    path.write_bytes(raw)
    return raw


def test_a_saved_beat_opens_again_exactly(tmp_path):
    beat = busy_beat()
    save_beat(beat, tmp_path / "beat.json")
    loaded = load_beat(tmp_path / "beat.json")
    assert loaded == beat
    assert loaded is not beat
    assert isinstance(loaded.bpm, float) and isinstance(loaded.pads[3].choke_group, int)


def test_the_file_is_indented_json_a_person_can_read(tmp_path):
    save_beat(busy_beat(), tmp_path / "beat.json")
    text = (tmp_path / "beat.json").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[:3] == ["{", '  "format": "ward-studio-beat",', f'  "version": {FORMAT_VERSION},']
    assert '  "title": "Beat für Station 3 🥁",' in lines  # written as itself, not \u escapes
    assert '  "chain": ["A", "B", "A", "H"],' in lines
    assert '          "velocities": [' + ", ".join(["0.5"] * 16) + '],' in lines  # a row of steps on one line
    assert max(len(line) for line in lines) < 200
    assert text.endswith("}\n")


def test_the_second_save_keeps_the_first_as_a_backup(tmp_path):
    path = tmp_path / "beat.json"
    first = busy_beat()
    save_beat(first, path)
    assert not backup_path(path).exists()
    second = busy_beat()
    second.bpm = 120.0
    save_beat(second, path)
    assert backup_path(path) == tmp_path / "beat.json.bak"
    assert load_beat(backup_path(path)) == first
    assert load_beat(path) == second
    assert sorted(p.name for p in tmp_path.iterdir()) == ["beat.json", "beat.json.bak"]  # no temporary files


def test_saving_an_unchanged_beat_leaves_the_backup_alone(tmp_path):
    path = tmp_path / "beat.json"
    first, second = Beat(), Beat(bpm=100.0)
    save_beat(first, path)
    save_beat(second, path)
    save_beat(second, path)
    assert load_beat(backup_path(path)) == first


def test_a_save_cut_off_before_the_rename_leaves_the_old_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "beat.json"
    save_beat(Beat(), path)
    before = path.read_bytes()
    real_replace = os.replace

    def killed_before_replacing(src, dst):
        if os.fspath(dst) == os.fspath(path):
            raise OSError(5, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(beat_file.os, "replace", killed_before_replacing)
    with pytest.raises(BeatFileError, match=r"^The beat could not be saved \(Input/output error\)$"):
        save_beat(Beat(bpm=150.0), path)
    assert path.read_bytes() == before
    assert load_beat(path) == Beat()
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))


def test_a_beat_with_a_bad_value_is_not_written(tmp_path):
    with pytest.raises(ValueError, match=r"^bpm must be in range 60..200, got 250$"):
        save_beat(Beat(bpm=250.0), tmp_path / "beat.json")
    assert not list(tmp_path.iterdir())


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(BeatFileError, match=f"^There is no beat file at {tmp_path / 'gone.json'}$"):
        load_beat(tmp_path / "gone.json")


@pytest.mark.parametrize("raw", [b"RIFF\x24\x00\x00\x00WAVEfmt ", b'{"backend": "jack"}', b"[1, 2]"])
def test_another_kind_of_file_is_not_a_beat(tmp_path, raw):
    (tmp_path / "x.json").write_bytes(raw)
    with pytest.raises(BeatFileError, match=r"^This file is not a Ward Studio beat$"):
        load_beat(tmp_path / "x.json")


def test_a_truncated_file_is_damaged_and_is_not_replaced(tmp_path):
    path = tmp_path / "beat.json"
    save_beat(busy_beat(), path)
    raw = path.read_bytes()[:5000]
    path.write_bytes(raw)
    lines = raw.count(b"\n") + 1  # the last one cut in the middle
    with pytest.raises(BeatFileError) as error:
        load_beat(path)
    assert str(error.value) == f"{DAMAGED} (it ends early, after line {lines})"
    with pytest.raises(BeatFileError, match=r"^beat.json was not replaced, because it could not be read: "
                                            f"{DAMAGED}"):
        save_beat(Beat(), path)
    assert path.read_bytes() == raw
    assert not backup_path(path).exists()


@pytest.mark.parametrize("raw, detail", [
    (b'{"format": "ward-studio-beat",\n  "version": 1,,\n}', "it is not valid JSON at line 2, column 16"),
    (b'{"format": "ward-studio-beat", "title": "\xff"}', "it is not UTF-8 text"),
])
def test_a_file_broken_inside_says_where(tmp_path, raw, detail):
    (tmp_path / "beat.json").write_bytes(raw)
    with pytest.raises(BeatFileError) as error:
        load_beat(tmp_path / "beat.json")
    assert str(error.value) == f"{DAMAGED} ({detail})"


def test_an_empty_file_is_damaged(tmp_path):
    (tmp_path / "beat.json").write_bytes(b"")
    with pytest.raises(BeatFileError, match=rf"^{DAMAGED} \(the file is empty\)$"):
        load_beat(tmp_path / "beat.json")


def test_a_beat_from_a_newer_version_asks_for_an_update_and_is_kept(tmp_path):
    path = tmp_path / "beat.json"
    data = file_data(Beat())
    data["version"] = FORMAT_VERSION + 1
    data["new_feature"] = {"anything": 1}
    raw = write_data(path, data)
    message = (f"This beat was made with a newer Ward Studio (version {FORMAT_VERSION + 1}); "
               "update the app to open it")
    with pytest.raises(BeatFileError, match=rf"^{message}$".replace("(", r"\(").replace(")", r"\)")):
        load_beat(path)
    with pytest.raises(BeatFileError, match="was not replaced"):
        save_beat(Beat(), path)
    assert path.read_bytes() == raw


def _set(data, dotted, value):
    """Change data at a path like "patterns.A.rows.3.length" (a value of ... deletes the field)."""
    *parents, last = dotted.split(".")
    for key in parents:
        data = data[int(key)] if isinstance(data, list) else data[key]
    key = int(last) if isinstance(data, list) else last
    if value is ...:
        del data[key]
    else:
        data[key] = value


@pytest.mark.parametrize("field, value, detail", [
    ("bpm", 250, "bpm must be in range 60..200, got 250"),
    ("bpm", "fast", "bpm needs a number, got 'fast'"),
    ("bpm", True, "bpm needs a number, got True"),
    ("bpm", ..., "bpm is missing"),
    ("swing", 0.8, "swing must be in range 0.5..0.75, got 0.8"),
    ("title", 7, "title must be text, got 7"),
    ("version", "1", "version must be a whole number from 1, got '1'"),
    ("chain", [], "chain must be a list of at least one pattern name, got []"),
    ("chain", ["A", "Z"], "chain[1] must be one of A..H, got 'Z'"),
    ("pads", [{}] * 15, "pads must be a list of 16 items, got 15"),
    ("pads.3.pan", 2, "pads[3].pan must be in range -1..1, got 2"),
    ("pads.3.choke_group", 1.5, "pads[3].choke_group needs a whole number, got 1.5"),
    ("pads.0.cutoff_hz", ..., "pads[0].cutoff_hz is missing"),
    ("patterns.C", ..., "patterns.C is missing"),
    ("patterns.I", {}, "patterns must be named A..H, got 'I'"),
    ("patterns.A.name", "B", "patterns.A.name must be 'A', got 'B'"),
    ("patterns.A.step_count", 24, "patterns.A.step_count must be one of 16, 32, got 24"),
    ("patterns.A.rows", "x" * 16, "patterns.A.rows must be a list of 16 items, got 'xxxxxxxxxxxxxxxx'"),
    ("patterns.A.rows.3.length", 0, "patterns.A.rows[3].length must be in range 1..16, got 0"),
    ("patterns.A.rows.3.length", 17, "patterns.A.rows[3].length must be in range 1..16, got 17"),
    ("patterns.A.rows.3.pad", 4, "patterns.A.rows[3].pad must be 3 (its place in the list), got 4"),
    ("patterns.A.rows.3.mute", 1, "patterns.A.rows[3].mute must be true or false, got 1"),
    ("patterns.A.rows.3.velocities", [1.0] * 15,
     "patterns.A.rows[3].velocities must be a list of 16 items, got 15"),
    ("patterns.A.rows.3.velocities.5", 1.5, "patterns.A.rows[3].velocities[5] must be in range 0..1, got 1.5"),
    ("patterns.A.rows.3.velocities.5", None, "patterns.A.rows[3].velocities[5] needs a number, got None"),
    ("patterns.A.rows.3.velocities.5", -0.1,
     "patterns.A.rows[3].velocities[5] must be in range 0..1, got -0.1"),
])
def test_a_bad_field_is_named_and_the_file_left_as_it_was(tmp_path, field, value, detail):
    path = tmp_path / "beat.json"
    data = file_data(Beat())
    _set(data, field, value)
    raw = write_data(path, data)
    with pytest.raises(BeatFileError) as error:
        load_beat(path)
    assert str(error.value) == f"{DAMAGED} ({detail})"
    assert path.read_bytes() == raw


def test_values_at_the_ends_of_their_ranges_are_fine(tmp_path):
    beat = Beat(bpm=200.0, swing=0.75)
    beat.patterns["A"].rows[0].length = 1
    beat.pads[0] = PadSettings(volume_db=-60.0, pan=1.0, pitch_semitones=-12.0, cutoff_hz=200.0, choke_group=8)
    save_beat(beat, tmp_path / "beat.json")
    assert load_beat(tmp_path / "beat.json") == beat


class FakeClock:
    def __init__(self):
        self.now_s = 100.0

    def __call__(self):
        return self.now_s


def test_autosave_saves_the_first_change_at_once_then_at_most_every_delay(tmp_path):
    path, clock = tmp_path / "beat.json", FakeClock()
    autosaver = Autosaver(path, delay_s=1.0, clock_s=clock)
    beat = Beat()
    autosaver.changed(beat, "bpm")
    assert load_beat(path) == Beat() and not autosaver.pending
    beat.bpm = 120.0
    clock.now_s += 0.3
    autosaver.changed(beat, "bpm")
    assert autosaver.pending and load_beat(path).bpm == 90.0
    autosaver.poll()
    assert autosaver.pending
    clock.now_s += 0.7
    autosaver.poll()
    assert not autosaver.pending and load_beat(path).bpm == 120.0


def test_flush_writes_the_last_change_at_once(tmp_path):
    path, clock = tmp_path / "beat.json", FakeClock()
    autosaver = Autosaver(path, delay_s=60.0, clock_s=clock)
    beat = Beat()
    for bpm in (100.0, 110.0, 123.4):
        beat.bpm = bpm
        autosaver.changed(beat)
    assert load_beat(path).bpm == 100.0
    autosaver.flush()
    assert load_beat(path) == beat and not autosaver.pending
    autosaver.flush()  # nothing pending: nothing to do


def test_a_failed_autosave_is_reported_kept_and_retried(tmp_path):
    path, clock = tmp_path / "beat.json", FakeClock()
    path.write_bytes(b"{ damaged")
    problems = []
    autosaver = Autosaver(path, delay_s=1.0, on_error=problems.append, clock_s=clock)
    autosaver.changed(Beat(bpm=130.0))  # must not raise into the editor
    assert autosaver.pending and problems == [autosaver.problem]
    assert autosaver.problem.startswith("beat.json was not replaced, because it could not be read")
    assert path.read_bytes() == b"{ damaged"
    with pytest.raises(BeatFileError):
        autosaver.flush()
    clock.now_s += 1.0
    autosaver.poll()  # tried again, failed again: said once only
    assert autosaver.pending and len(problems) == 1
    path.unlink()  # the mentor moved the damaged file away
    clock.now_s += 1.0
    autosaver.poll()
    assert not autosaver.pending and autosaver.problem == ""
    assert load_beat(path).bpm == 130.0


def test_a_chain_longer_than_the_sequencer_can_hold_is_refused():
    from studio.beats.beat_file import check_chain

    with pytest.raises(ValueError, match="chain can hold at most 64 patterns, got 65"):
        check_chain("chain", ["A"] * 65)
