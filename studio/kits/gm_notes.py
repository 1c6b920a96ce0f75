"""General MIDI drum notes: their names, and a good guess of the note for a sound from its name.

A MIDI pad controller sends GM notes (36 kick, 38 snare, 42 closed hat, ...), so every kit sound
gets one, and the pads play the right sounds with no set-up.
"""

from __future__ import annotations

import re

GM_DRUM_NAMES = {
    35: "Acoustic Bass Drum", 36: "Bass Drum", 37: "Side Stick", 38: "Acoustic Snare",
    39: "Hand Clap", 40: "Electric Snare", 41: "Low Floor Tom", 42: "Closed Hi-Hat",
    43: "High Floor Tom", 44: "Pedal Hi-Hat", 45: "Low Tom", 46: "Open Hi-Hat",
    47: "Low-Mid Tom", 48: "Hi-Mid Tom", 49: "Crash Cymbal 1", 50: "High Tom",
    51: "Ride Cymbal 1", 52: "Chinese Cymbal", 53: "Ride Bell", 54: "Tambourine",
    55: "Splash Cymbal", 56: "Cowbell", 57: "Crash Cymbal 2", 58: "Vibraslap",
    59: "Ride Cymbal 2", 60: "Hi Bongo", 61: "Low Bongo", 62: "Mute Hi Conga",
    63: "Open Hi Conga", 64: "Low Conga", 65: "High Timbale", 66: "Low Timbale",
    67: "High Agogo", 68: "Low Agogo", 69: "Cabasa", 70: "Maracas",
    71: "Short Whistle", 72: "Long Whistle", 73: "Short Guiro", 74: "Long Guiro",
    75: "Claves", 76: "Hi Wood Block", 77: "Low Wood Block", 78: "Mute Cuica",
    79: "Open Cuica", 80: "Mute Triangle", 81: "Open Triangle",
}
HI_HAT_NOTES = (42, 44, 46)

# (words that must all be in the name, notes to try in order). The first rule that matches wins,
# so the specific ones come first. Words are the lower-case parts of the name ("HiHat_Open" ->
# hi, hat, open); "+" joins words that are often written as one ("hihat" or "hi hat").
_RULES: list[tuple[tuple[str, ...], tuple[int, ...]]] = [
    (("hi+hat", "open"), (46,)), (("hat", "open"), (46,)), (("hh", "open"), (46,)), (("oh",), (46,)),
    (("hi+hat", "pedal"), (44,)), (("hat", "pedal"), (44,)), (("hat", "foot"), (44,)), (("ph",), (44,)),
    (("hi+hat",), (42, 44)), (("hat",), (42, 44)), (("hh",), (42, 44)), (("ch",), (42, 44)),
    (("ride", "bell"), (53,)), (("ride",), (51, 59)), (("crash",), (49, 57)), (("china",), (52,)),
    (("splash",), (55,)), (("cymbal",), (49, 57, 55)), (("cym",), (49, 57, 55)),
    (("side+stick",), (37,)), (("rim+shot",), (40, 37)), (("rim",), (37,)), (("stick",), (37,)),
    (("bass+drum",), (36, 35)), (("kick",), (36, 35)), (("kik",), (36, 35)), (("bd",), (36, 35)),
    (("snare",), (38, 40)), (("snr",), (38, 40)), (("sd",), (38, 40)),
    (("clap",), (39,)), (("cp",), (39,)), (("snap",), (39, 40)),
    (("floor", "tom"), (41, 43)), (("low", "tom"), (45, 41)), (("lo", "tom"), (45, 41)),
    (("mid", "tom"), (47, 48)), (("hi", "tom"), (50, 48)), (("high", "tom"), (50, 48)),
    (("tom",), (45, 47, 48, 50, 43, 41)), (("lt",), (45,)), (("mt",), (47,)), (("ht",), (50,)),
    (("tambourine",), (54,)), (("tamb",), (54,)), (("cow+bell",), (56,)), (("vibra+slap",), (58,)),
    (("bongo", "low"), (61, 60)), (("bongo", "lo"), (61, 60)), (("bongo",), (60, 61)),
    (("conga", "mute"), (62,)), (("conga", "low"), (64,)), (("conga", "lo"), (64,)),
    (("conga",), (63, 62, 64)), (("timbale", "low"), (66,)), (("timbale",), (65, 66)),
    (("agogo", "low"), (68,)), (("agogo", "lo"), (68,)), (("agogo",), (67, 68)),
    (("cabasa",), (69,)), (("maracas",), (70,)), (("maraca",), (70,)), (("shaker",), (70, 69)),
    (("shake",), (70, 69)), (("whistle",), (71, 72)), (("guiro",), (73, 74)), (("claves",), (75,)),
    (("clave",), (75,)), (("wood+block", "low"), (77,)), (("wood+block",), (76, 77)),
    (("block",), (76, 77)), (("cuica",), (79, 78)), (("triangle", "mute"), (80,)),
    (("triangle",), (81, 80)), (("808",), (35, 36)), (("bell",), (56, 53)), (("perc",), (67, 76, 75)),
]


def gm_drum_name(note: int) -> str:
    return GM_DRUM_NAMES.get(note, f"note {note}")


def name_words(name: str) -> list[str]:
    """'HiHatOpen-02.wav' -> ['hi', 'hat', 'open', '02']: lower-case words split at case and symbols."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])", " ", name)
    return [word for word in re.split(r"[^a-z0-9]+", spaced.lower()) if word]


def _has(words: list[str], joined: str, key: str) -> bool:
    if "+" not in key:
        return key in words
    return key.replace("+", "") in words or f" {key.replace('+', ' ')} " in f" {joined} "


def guess_gm_notes(name: str) -> tuple[int, ...]:
    """The GM notes a sound of this name could have, best first; () when the name says nothing."""
    words = name_words(name)
    joined = " ".join(words)
    for keys, notes in _RULES:
        if all(_has(words, joined, key) for key in keys):
            return notes
    return ()


def assign_gm_notes(names: list[str], given: list[int | None] | None = None) -> list[int]:
    """One different GM note per sound: the given note where there is one, else a guess from the name,
    else the first free drum note (35..81, then the rest of 0..127)."""
    notes: list[int | None] = []
    taken: set[int] = set()
    for note in given or [None] * len(names):  # a note given twice is kept for the first sound only
        notes.append(note if note not in taken else None)
        if note is not None:
            taken.add(note)
    for index, name in enumerate(names):
        if notes[index] is None:
            for candidate in guess_gm_notes(name):
                if candidate not in taken:
                    notes[index] = candidate
                    taken.add(candidate)
                    break
    spare = [n for n in [*range(35, 82), *range(82, 128), *range(0, 35)] if n not in taken]
    return [note if note is not None else spare.pop(0) for note in notes]


def family(note: int) -> str:
    """What kind of sound a GM note is: kick, snare, clap, hat, tom, cymbal or percussion."""
    if note in (35, 36):
        return "kick"
    if note in (37, 38, 40):
        return "snare"
    if note == 39:
        return "clap"
    if note in HI_HAT_NOTES:
        return "hat"
    if note in (41, 43, 45, 47, 48, 50):
        return "tom"
    if note in (49, 51, 52, 53, 55, 57, 59):
        return "cymbal"
    return "percussion"
