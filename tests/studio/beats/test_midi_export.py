"""MIDI export, read back with mido as a DAW would: where every note lands, how hard, how long."""

import mido
import pytest

from studio.beats.midi_export import GM_PAD_NOTES, export_midi
from studio.beats.model import Beat, Pattern

KICK, SNARE, CLOSED_HAT = 36, 38, 42


def exported(beat: Beat, tmp_path, **options) -> mido.MidiFile:
    path = tmp_path / "beat.mid"
    export_midi(beat, path, **options)
    return mido.MidiFile(path, charset="utf-8")


def notes(midi: mido.MidiFile) -> list[tuple[int, int, int, int]]:
    """(tick of note on, note, velocity, length in ticks) of every note, in time order."""
    found, started = [], {}
    tick = 0
    for message in midi.tracks[1]:
        tick += message.time
        if message.type == "note_on" and message.velocity > 0:
            assert message.channel == 9
            assert message.note not in started, "two hits on one note overlap"
            started[message.note] = (tick, message.velocity)
        elif message.type in ("note_off", "note_on"):
            on_tick, velocity = started.pop(message.note)
            found.append((on_tick, message.note, velocity, tick - on_tick))
    assert not started
    return sorted(found)


def track_ticks(track) -> int:
    return sum(message.time for message in track)


def test_a_one_bar_beat_is_a_type_1_file_with_tempo_and_drums(tmp_path):
    beat = Beat(title="Ward 7", bpm=97.3)
    beat.patterns["A"].rows[0].velocities[::4] = [1.0, 1.0, 1.0, 1.0]
    midi = exported(beat, tmp_path)
    assert midi.type == 1 and midi.ticks_per_beat == 480 and len(midi.tracks) == 2
    meta = {message.type: message for message in midi.tracks[0]}
    assert meta["track_name"].name == "Ward 7"
    assert meta["set_tempo"].tempo == mido.bpm2tempo(97.3) == 616650
    assert (meta["time_signature"].numerator, meta["time_signature"].denominator) == (4, 4)
    assert [(tick, note) for tick, note, _, _ in notes(midi)] == [(tick, KICK) for tick in (0, 480, 960, 1440)]
    assert track_ticks(midi.tracks[0]) == track_ticks(midi.tracks[1]) == 1920
    assert midi.length == pytest.approx(4 * 60 / 97.3, abs=1e-3)


def test_swing_moves_every_second_sixteenth_late(tmp_path):
    beat = Beat(swing=0.75)
    beat.patterns["A"].rows[2].velocities = [1.0] * 16
    ticks = [tick for tick, _, _, _ in notes(exported(beat, tmp_path))]
    # A pair of sixteenths is 240 ticks; the second starts 0.75 of the way through it.
    assert ticks[:6] == [0, 180, 240, 420, 480, 660]
    beat.swing = 0.62
    ticks = [tick for tick, _, _, _ in notes(exported(beat, tmp_path))]
    assert ticks[:4] == [0, 149, 240, 389]  # 0.62 * 240 = 148.8


def test_velocities_become_1_to_127(tmp_path):
    beat = Beat()
    beat.patterns["A"].rows[1].velocities[:4] = [1.0, 0.5, 0.1, 0.001]
    assert [velocity for _, _, velocity, _ in notes(exported(beat, tmp_path))] == [127, 64, 13, 1]


def test_notes_are_short_and_never_overlap_at_the_hardest_swing(tmp_path):
    beat = Beat(swing=0.75)
    for row in beat.patterns["A"].rows:
        row.velocities = [1.0] * 16
    found = notes(exported(beat, tmp_path))  # notes() fails on any overlap
    assert len(found) == 16 * 16
    assert {length for _, _, _, length in found} == {30}


def test_each_pad_plays_its_general_midi_drum(tmp_path):
    assert GM_PAD_NOTES == (36, 38, 42, 46, 39, 37, 41, 45, 48, 49, 51, 56, 54, 75, 63, 64)
    beat = Beat()
    for pad, row in enumerate(beat.patterns["A"].rows):
        row.velocities[pad] = 1.0
    assert [note for _, note, _, _ in notes(exported(beat, tmp_path))] == list(GM_PAD_NOTES)


def test_pad_notes_can_be_chosen(tmp_path):
    beat = Beat()
    beat.patterns["A"].rows[0].velocities[0] = 1.0
    midi = exported(beat, tmp_path, pad_notes=list(range(60, 76)))
    assert [note for _, note, _, _ in notes(midi)] == [60]


@pytest.mark.parametrize("pad_notes, message", [
    ([36] * 15, "pad_notes must have 16 notes, one per pad, got 15"),
    ([36] * 15 + [128], "pad_notes[15] must be a note in range 0..127, got 128"),
    ([36] * 15 + [36.0], "pad_notes[15] must be a note in range 0..127, got 36.0"),
])
def test_bad_pad_notes_are_refused(tmp_path, pad_notes, message):
    with pytest.raises(ValueError) as error:
        export_midi(Beat(), tmp_path / "beat.mid", pad_notes=pad_notes)
    assert str(error.value) == message
    assert not (tmp_path / "beat.mid").exists()


def test_the_song_is_the_chain_of_patterns(tmp_path):
    beat = Beat(bpm=120.0, chain=["A", "B", "A"])
    beat.patterns["A"].rows[0].velocities[0] = 1.0
    beat.patterns["B"] = Pattern.empty("B", 32)
    beat.patterns["B"].rows[1].velocities[31] = 0.5
    midi = exported(beat, tmp_path)
    assert notes(midi) == [(0, KICK, 127, 30), (1920 + 31 * 120, SNARE, 64, 30), (1920 + 3840, KICK, 127, 30)]
    assert track_ticks(midi.tracks[0]) == track_ticks(midi.tracks[1]) == 1920 + 3840 + 1920
    assert midi.length == pytest.approx(8.0)  # 4 bars of 2 s at 120 BPM


def test_a_short_row_loops_and_starts_again_with_each_pattern(tmp_path):
    beat = Beat(chain=["A", "A"])
    beat.patterns["A"].rows[0].velocities[0] = 1.0
    beat.patterns["A"].rows[0].length = 3
    steps = [tick // 120 for tick, _, _, _ in notes(exported(beat, tmp_path))]
    assert steps == [0, 3, 6, 9, 12, 15, 16, 19, 22, 25, 28, 31]


def test_mute_and_solo_are_respected(tmp_path):
    beat = Beat()
    for pad in range(3):
        beat.patterns["A"].rows[pad].velocities[0] = 1.0
    beat.patterns["A"].rows[1].mute = True
    assert [note for _, note, _, _ in notes(exported(beat, tmp_path))] == [KICK, CLOSED_HAT]
    beat.patterns["A"].rows[2].solo = True
    assert [note for _, note, _, _ in notes(exported(beat, tmp_path))] == [CLOSED_HAT]


def test_an_empty_beat_is_a_silent_bar(tmp_path):
    midi = exported(Beat(), tmp_path)
    assert notes(midi) == [] and track_ticks(midi.tracks[1]) == 1920


def test_any_title_can_be_written(tmp_path):
    midi = exported(Beat(title="Beat für Station 3 🥁"), tmp_path)
    assert midi.tracks[0].name == "Beat für Station 3 🥁"


def test_a_beat_with_a_bad_value_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"^chain\[0\] must be one of A..H, got 'Q'$"):
        export_midi(Beat(chain=["Q"]), tmp_path / "beat.mid")
