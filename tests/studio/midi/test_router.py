"""The controller router: profiles, MIDI learn, letting go on unplug, and MIDI garbage."""

from __future__ import annotations

import random

import pytest

from studio.decks.deck_controls import EQ_MAX_DB, EQ_MIN_DB
from studio.melody.scales import pad_notes
from studio.midi.bindings import Binding, Trigger, absolute_value, relative_steps
from studio.midi.device_maps import file_name_for, load_device_map
from studio.midi.profiles import dj_bindings, drum_pad_for_note, guess_profile, keys_pad_for_note
from studio.midi.router import NUDGE_RELEASE_S, ControlChange, ControllerRouter
from studio.controls import check_action, spec_for


def note_on(note, velocity=100, channel=1):
    return bytes([0x90 | (channel - 1), note, velocity])


def note_off(note, channel=1):
    return bytes([0x80 | (channel - 1), note, 0])


def cc(number, value, channel=1):
    return bytes([0xB0 | (channel - 1), number, value])


@pytest.fixture
def router(tmp_path):
    return ControllerRouter(tmp_path)


def test_drum_pads_play_by_the_kits_general_midi_notes_then_by_position(router):
    kit_notes = [36, 38, 42, 46, 49, 51, 45, 47, 50, 39, 37, 56, 54, 70, 75, 81]
    router.kit_notes = kit_notes
    router.plug_in("Pads")
    assert router.handle("Pads", note_on(38, 127)) == [ControlChange("pads", "hit_2", 1.0)]
    assert router.handle("Pads", note_on(40, 64)) == [ControlChange("pads", "hit_5", 64 / 127)]  # by position
    assert router.handle("Pads", note_on(20)) == []
    assert router.handle("Pads", note_off(38)) == []
    assert drum_pad_for_note(81, kit_notes) == 16


def test_pads_played_in_the_audio_graph_are_not_sent_twice(tmp_path):
    router = ControllerRouter(tmp_path, pads_in_graph=True)
    router.plug_in("Pads")
    assert router.handle("Pads", note_on(36)) == []
    table = router.pad_note_table("Pads")
    assert table[36] == router.kit_notes[0] and len(table) == 16


def test_a_keyboard_plays_the_note_pads_locked_to_the_scale_and_lets_go(router):
    router.keys_notes = pad_notes(9, "minor pentatonic", 3)  # A minor pentatonic from A3 (57)
    router.plug_in("Keystation")
    assert router.maps["Keystation"].profile == "keyboard"
    assert router.handle("Keystation", note_on(57, 127)) == [ControlChange("keys", "note_1", 1.0)]
    # B (59) is not in the scale: it plays the nearest scale note, C (60), the second pad; A#
    # (58) lies as near A as B, and a tie goes down.
    assert router.handle("Keystation", note_on(59, 127, channel=2)) == [ControlChange("keys", "note_2", 1.0)]
    assert router.handle("Keystation", note_on(58, 127)) == [ControlChange("keys", "note_1", 1.0)]
    assert router.handle("Keystation", note_off(57)) == [ControlChange("keys", "note_1", 0.0)]
    assert keys_pad_for_note(60 + 24, router.keys_notes) is not None  # folded into the pads' octaves


def test_unplugging_lets_go_of_every_held_note_and_button(router):
    router.keys_notes = pad_notes(0, "major", 3)
    router.plug_in("Keys")
    router.set_profile("Keys", "keyboard")
    router.handle("Keys", note_on(48))
    router.plug_in("DJ")
    router.set_profile("DJ", "dj_two_deck")
    router.handle("DJ", note_on(12, channel=1))  # deck 1 cue, held
    router.handle("DJ", cc(8, 3, channel=2), now_s=0.0)  # deck 2 jog turning: nudge
    assert sorted(router.unplug("DJ")) == [ControlChange("deck1", "cue", 0.0), ControlChange("deck2", "nudge", 0.0)]
    assert router.unplug("Keys") == [ControlChange("keys", "note_1", 0.0)]
    assert router.handle("Keys", note_on(48)) == []  # gone until plugged in again


def test_the_dj_profile_drives_both_decks_and_the_mixer(router):
    router.plug_in("Mixtrack")
    assert router.maps["Mixtrack"].profile == "dj_two_deck"
    assert router.handle("Mixtrack", note_on(11, channel=2)) == [ControlChange("deck2", "playing", None)]
    assert router.handle("Mixtrack", cc(4, 0, channel=1)) == [ControlChange("deck1", "eq_low_db", EQ_MIN_DB)]
    assert router.handle("Mixtrack", cc(8, 127, channel=3)) == [ControlChange("mixer", "crossfader", 1.0)]
    assert router.handle("Mixtrack", cc(8, 125, channel=1), now_s=1.0) == [ControlChange("deck1", "nudge", -1.0)]
    assert router.tick(1.0 + NUDGE_RELEASE_S / 2) == []
    assert router.tick(1.0 + NUDGE_RELEASE_S) == [ControlChange("deck1", "nudge", 0.0)]
    for binding in dj_bindings():  # every binding names a real control
        check_action(binding.group, binding.control, binding.spec.minimum)


def test_midi_learn_maps_the_next_knob_saves_it_and_can_forget_it(tmp_path):
    router = ControllerRouter(tmp_path)
    router.plug_in("Knobs")
    router.start_learn("deck2", "filter")
    assert router.handle("Knobs", note_off(10)) == []  # a note-off is not a choice
    assert router.learning == ("deck2", "filter")
    assert router.handle("Knobs", cc(74, 90, channel=5)) == []
    assert router.learning is None
    learned = router.learned.pop()
    assert learned.binding == Binding(Trigger("cc", 5, 74), "deck2", "filter", "absolute")
    assert "Knob 74, channel 5 on Knobs" in learned.message
    assert router.handle("Knobs", cc(74, 127, channel=5)) == [ControlChange("deck2", "filter", 1.0)]
    again = ControllerRouter(tmp_path)  # next week, same device
    again.plug_in("Knobs")
    assert again.handle("Knobs", cc(74, 0, channel=5)) == [ControlChange("deck2", "filter", -1.0)]
    again.forget("Knobs", Trigger("cc", 5, 74))
    assert ControllerRouter(tmp_path).plug_in("Knobs").learned == {}


def test_a_learned_pad_wins_over_the_profile_and_buttons_toggle(router):
    router.plug_in("Pads")
    router.start_learn("deck1", "key_lock")
    router.handle("Pads", note_on(36))
    assert router.handle("Pads", note_on(36)) == [ControlChange("deck1", "key_lock", None)]
    assert router.handle("Pads", note_off(36)) == []


def test_a_knob_learned_for_a_button_acts_on_its_edges(router):
    router.plug_in("Knobs")
    router.start_learn("deck1", "loop")
    router.handle("Knobs", cc(30, 127))
    assert router.handle("Knobs", cc(30, 127)) == [ControlChange("deck1", "loop", None)]
    assert router.handle("Knobs", cc(30, 127)) == []  # still down
    assert router.handle("Knobs", cc(30, 0)) == []
    assert router.handle("Knobs", cc(30, 100)) == [ControlChange("deck1", "loop", None)]


def test_midi_garbage_changes_nothing_and_raises_nothing(router):
    router.keys_notes = pad_notes(0, "major", 3)
    router.plug_in("Noise")
    router.set_profile("Noise", "dj_two_deck")
    rng = random.Random(7)
    for _ in range(20000):
        message = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 6)))
        for change in router.handle("Noise", message, now_s=0.0):
            # Whatever a random message does, it is a valid action on a real control.
            if change.value is not None:
                check_action(change.group, change.control, change.value)
    assert router.handle("Unknown device", note_on(36)) == []


def test_knob_values_put_a_centred_default_at_the_middle():
    eq = spec_for("deck1", "eq_mid_db")
    assert (absolute_value(eq, 0), absolute_value(eq, 64), absolute_value(eq, 127)) == (EQ_MIN_DB, 0.0, EQ_MAX_DB)
    fader = spec_for("deck1", "fader")
    assert absolute_value(fader, 0) == 0.0 and absolute_value(fader, 127) == 1.0
    assert absolute_value(spec_for("deck1", "loop_size"), 127) == 6.0
    assert [relative_steps(v) for v in (0, 1, 63, 64, 65, 127)] == [0, 1, 63, 0, -63, -1]


def test_a_damaged_saved_map_is_said_and_the_device_still_works(tmp_path):
    (tmp_path / file_name_for("Pads")).write_text('{"format": "ward-studio-controller", "version": 1, "profile": "x"}')
    router = ControllerRouter(tmp_path)
    router.plug_in("Pads")
    assert "unknown profile" in router.problems[0] and router.maps["Pads"].profile == "drum_pads"
    assert router.handle("Pads", note_on(36)) == [ControlChange("pads", "hit_1", 100 / 127)]
    (tmp_path / file_name_for("Other")).write_bytes(b"RIFF\x00\x00")
    with pytest.raises(Exception, match="not a Ward Studio controller"):
        load_device_map("Other", tmp_path)


def test_a_saved_map_that_cannot_be_written_is_said(tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    router = ControllerRouter(blocked)
    router.plug_in("Pads")
    router.set_profile("Pads", "keyboard")
    assert "could not be saved" in router.problems[-1]
    assert router.maps["Pads"].profile == "keyboard"  # it works until the app closes


def test_device_names_become_safe_file_names_and_profiles_are_guessed():
    assert file_name_for("MPD218 Port A") == "MPD218_Port_A.json"
    assert file_name_for("../../etc") == "etc.json"
    assert guess_profile("DDJ-400") == "dj_two_deck"
    assert guess_profile("Arturia MiniLab mkII") == "keyboard"
    assert guess_profile("MPD218") == "drum_pads"
    with pytest.raises(ValueError, match="channel must be in range 1..16"):
        Trigger("cc", 0, 1)


def test_devices_are_named_as_a_mentor_knows_them_without_alsas_changing_numbers():
    from types import SimpleNamespace

    from studio.midi.jack_midi import device_name

    def port(name, *aliases):
        return SimpleNamespace(name=name, aliases=list(aliases))

    assert device_name(port("system:midi_capture_1", "alsa_pcm:Akai-MPD218-MIDI-1/midi_capture_1")) \
        == "Akai MPD218 MIDI 1"
    assert device_name(port("a2j:MPD218 [20] (capture): MPD218 MIDI 1")) == "MPD218 MIDI 1"
    assert device_name(port("a2j:DDJ-400 [24] (capture): DDJ-400 MIDI 1")) == "DDJ-400 MIDI 1"
    assert device_name(port("ward-test-dj:out")) == "ward-test-dj:out"
