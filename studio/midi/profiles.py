"""The built-in controller profiles: what a device does before anyone has learned anything.

    drum_pads    a 16-pad drum controller: General MIDI drum notes play the kit's pads
    keyboard     a small keyboard: keys play the note pads, locked to the beat's scale
    dj_two_deck  a generic two-deck DJ controller (layout in DJ_LAYOUT below)
    learned      only what the mentor has learned

Learned bindings always win over a profile's for the same note or knob.
"""

from __future__ import annotations

from studio.decks.deck_controls import HOT_CUES
from studio.midi.bindings import Binding, Trigger

PROFILES: dict[str, str] = {
    "drum_pads": "Drum pads",
    "keyboard": "Keyboard",
    "dj_two_deck": "DJ controller (two decks)",
    "learned": "Only learned controls",
}
DEFAULT_PROFILE = "drum_pads"

# The pads of most 16-pad controllers send these notes, bottom-left first (a General MIDI kit's
# kick on 36 upwards); a note the kit itself names plays that pad wherever it sits.
FIRST_PAD_NOTE = 36
PAD_COUNT = 16

# The generic DJ layout: deck 1 on channel 1, deck 2 on channel 2, the mixer on channel 3.
# Buttons are notes, knobs and faders are controllers. A real controller rarely matches it all:
# the mentor learns the rest, and that is saved for the device.
DJ_DECK_NOTES = {11: ("playing", "toggle"), 12: ("cue", "momentary"), 13: ("sync", "toggle"),
                 14: ("headphones", "toggle"), 15: ("loop", "toggle"), 9: ("nudge", "momentary")}
DJ_FIRST_HOT_CUE_NOTE = 16
DJ_DECK_KNOBS = {1: "tempo", 2: "eq_high_db", 3: "eq_mid_db", 4: "eq_low_db", 5: "filter", 6: "gain_db",
                 7: "fader"}
DJ_JOG_CC = 8
DJ_MIXER_CHANNEL = 3
DJ_MIXER_KNOBS = {8: "crossfader", 9: "headphones_mix", 10: "headphones_db"}


def dj_bindings() -> list[Binding]:
    bindings = []
    for deck in (1, 2):
        group = f"deck{deck}"
        for note, (control, mode) in DJ_DECK_NOTES.items():
            bindings.append(Binding(Trigger("note", deck, note), group, control, mode))
        for cue in range(1, HOT_CUES + 1):
            bindings.append(Binding(Trigger("note", deck, DJ_FIRST_HOT_CUE_NOTE + cue - 1), group,
                                    f"hot_cue_{cue}", "trigger"))
        for number, control in DJ_DECK_KNOBS.items():
            bindings.append(Binding(Trigger("cc", deck, number), group, control, "absolute"))
        bindings.append(Binding(Trigger("cc", deck, DJ_JOG_CC), group, "nudge", "relative"))
    for number, control in DJ_MIXER_KNOBS.items():
        bindings.append(Binding(Trigger("cc", DJ_MIXER_CHANNEL, number), "mixer", control, "absolute"))
    return bindings


def drum_pad_for_note(note: int, kit_notes: list[int]) -> int | None:
    """The pad (1..16) a drum controller's note plays: the pad whose kit sound has that General
    MIDI note, else by position from FIRST_PAD_NOTE, else none."""
    if note in kit_notes:
        return kit_notes.index(note) + 1
    if FIRST_PAD_NOTE <= note < FIRST_PAD_NOTE + PAD_COUNT:
        return note - FIRST_PAD_NOTE + 1
    return None


def keys_pad_for_note(note: int, pad_notes: list[int]) -> int | None:
    """The note pad (1..16) a keyboard key plays with scale lock: the key moved to the nearest
    note of the scale (down on a tie), then into the pads' octaves. pad_notes: the pads' MIDI
    notes as studio.melody.scales.pad_notes gives them."""
    if not pad_notes:
        return None
    pitch_classes = {n % 12 for n in pad_notes}
    for distance in (0, -1, 1, -2, 2, -3, 3, -4, 4, -5, 5, -6):
        if (note + distance) % 12 in pitch_classes:
            snapped = note + distance
            break
    else:
        return None
    while snapped < pad_notes[0]:
        snapped += 12
    while snapped > pad_notes[-1]:
        snapped -= 12
    return pad_notes.index(snapped) + 1 if snapped in pad_notes else None


def guess_profile(device_name: str) -> str:
    """A first guess from the device's name; the mentor can choose another in the settings."""
    name = device_name.lower()
    if any(word in name for word in ("dj", "ddj", "mixtrack", "traktor", "numark", "inpulse", "control mix")):
        return "dj_two_deck"
    if any(word in name for word in ("key", "mpk", "piano", "keystation", "launchkey", "minilab", "oxygen")):
        return "keyboard"
    return DEFAULT_PROFILE
