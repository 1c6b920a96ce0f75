"""The parts of the studio shown on the launcher, in plain words. Pure data: no kivy here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StudioPart:
    name: str  # also the name of its screen
    title: str
    description: str  # one line, plain words
    colour_hex: str  # tile colour; white text on it meets WCAG AA (see tests/apps)
    icon: str  # an icon kind drawn by apps.widgets.icons
    ready: bool = False  # False: its tile says "Coming soon" and it opens the coming-soon screen


STUDIO_PARTS: tuple[StudioPart, ...] = (
    StudioPart("beats", "Beats", "Make a beat on drum pads", "#C2410C", "beats", ready=True),
    StudioPart("decks", "Decks", "Mix two tracks like a DJ", "#6D28D9", "decks", ready=True),
    StudioPart("mic", "Mic", "Sing or rap over a beat", "#BE185D", "mic", ready=True),
    StudioPart("export", "Export", "Turn your work into a song", "#047857", "export", ready=True),
    StudioPart("sessions", "Sessions", "Who is making music, consent and notes", "#1D4ED8", "sessions",
               ready=True),
)

PART_NAMES = tuple(part.name for part in STUDIO_PARTS)
SCREEN_NAMES = ("launcher", *PART_NAMES, "settings")


def part_named(name: str) -> StudioPart:
    for part in STUDIO_PARTS:
        if part.name == name:
            return part
    raise ValueError(f"unknown part of the studio {name!r}; known: {', '.join(PART_NAMES)}")
