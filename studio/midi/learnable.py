"""The studio's controls a mentor can put on a MIDI device with MIDI learn, in plain words,
grouped as the screens show them. Each is a named control (studio.controls)."""

from __future__ import annotations

from typing import NamedTuple

from studio.controls import spec_for


class Learnable(NamedTuple):
    section: str  # "Beats", "Deck 1", ...
    label: str  # what the mentor reads
    group: str
    control: str


def _deck(number: int) -> list[Learnable]:
    section, group = f"Deck {number}", f"deck{number}"
    items = [("Play / pause", "playing"), ("Cue", "cue"), ("Sync", "sync"), ("Tempo", "tempo"),
             ("Low EQ", "eq_low_db"), ("Mid EQ", "eq_mid_db"), ("High EQ", "eq_high_db"), ("Filter", "filter"),
             ("Gain", "gain_db"), ("Volume fader", "fader"), ("Headphones", "headphones"), ("Loop", "loop"),
             ("Nudge (jog wheel)", "nudge"), *((f"Hot cue {n}", f"hot_cue_{n}") for n in range(1, 5))]
    return [Learnable(section, label, group, control) for label, control in items]


LEARNABLE: tuple[Learnable, ...] = (
    Learnable("Beats", "Play / stop the beat", "beats", "playing"),
    Learnable("Beats", "Record the beat", "beats", "recording"),
    *(Learnable("Beats", f"Pad {pad}", "pads", f"hit_{pad}") for pad in range(1, 17)),
    *(Learnable("Beats", f"Note pad {pad}", "keys", f"note_{pad}") for pad in range(1, 17)),
    *_deck(1),
    *_deck(2),
    Learnable("Mixer", "Crossfader", "mixer", "crossfader"),
    Learnable("Mixer", "Headphones volume", "mixer", "headphones_db"),
    Learnable("Mixer", "Record the mix", "mixer", "recording"),
    Learnable("Mic", "Record a take", "mic", "recording"),
    Learnable("Studio", "Volume", "master", "volume_db"),
)

SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(item.section for item in LEARNABLE))

for _item in LEARNABLE:  # every entry names a real control (raises at import otherwise)
    spec_for(_item.group, _item.control)


def label_for(group: str, control: str) -> str:
    """"Deck 1: Low EQ" for a learnable control; the control's own name otherwise."""
    for item in LEARNABLE:
        if (item.group, item.control) == (group, control):
            return f"{item.section}: {item.label}"
    return f"{group}/{control}"
