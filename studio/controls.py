"""Named controls: every change a user can make is an action on one of these.

A control is addressed as ``(group, control)``, for example ``("master", "volume_db")``,
the way Mixxx names its controls. Touch widgets, MIDI mappings and tests all change the
studio through the same :class:`Action` messages, checked here against the control's range
before they reach the audio engine.
"""

from __future__ import annotations

from typing import NamedTuple

from studio.control_spec import SILENCE_DB, ControlSpec
from studio.decks.deck_controls import DECK_CONTROLS

# The safety limiter's ceiling: nothing leaves the master bus above this level.
LIMITER_CEILING_DB = -1.0


class Action(NamedTuple):
    """One change to one named control; small and picklable, sent to the engine process."""

    group: str
    control: str
    value: float


def _specs(*specs: ControlSpec) -> dict[tuple[str, str], ControlSpec]:
    return {spec.key: spec for spec in specs}


CONTROLS: dict[tuple[str, str], ControlSpec] = _specs(
    ControlSpec("master", "volume_db", SILENCE_DB, 0.0, -12.0, "dB",
                description="Listening volume, applied after the safety limiter"),
    ControlSpec("master", "headphone_cap_db", -30.0, 0.0, -6.0, "dB",
                description="Highest listening volume allowed (a mentor setting)"),
    ControlSpec("master", "mute", 0.0, 1.0, 0.0, is_switch=True,
                description="Silence the output at once"),
    ControlSpec("transport", "playing", 0.0, 1.0, 0.0, is_switch=True,
                description="Start or stop the shared clock"),
    ControlSpec("transport", "bpm", 60.0, 200.0, 90.0, "BPM",
                description="Tempo of the shared clock"),
    ControlSpec("metronome", "enabled", 0.0, 1.0, 1.0, is_switch=True,
                description="Click on every beat while the clock plays"),
    ControlSpec("metronome", "level_db", SILENCE_DB, 0.0, -12.0, "dB",
                description="Loudness of the click"),
    ControlSpec("beats", "playing", 0.0, 1.0, 0.0, is_switch=True,
                description="Play the beat from its first step, or stop it"),
    ControlSpec("beats", "recording", 0.0, 1.0, 0.0, is_switch=True,
                description="Record pad hits into the beat: starts playing after the count-in"),
    ControlSpec("beats", "count_in_bars", 0.0, 2.0, 1.0, "bars", whole_number=True,
                description="Bars of clicks before recording starts"),
    ControlSpec("beats", "metronome", 0.0, 1.0, 0.0, is_switch=True,
                description="Click on every beat while the beat plays"),
    ControlSpec("pads", "repeat", 0.0, 3.0, 0.0, whole_number=True,
                description="Note repeat while a pad is held: 0 off, 1 eighths, 2 sixteenths, 3 thirty-seconds"),
    *(ControlSpec("pads", f"hit_{pad}", 0.0, 1.0, 0.0, momentary=True,
                  description=f"Play pad {pad} now, at this velocity") for pad in range(1, 17)),
    *(ControlSpec("pads", f"hold_{pad}", 0.0, 1.0, 0.0, is_switch=True, momentary=True,
                  description=f"Pad {pad} is held down (1) or let go (0): it repeats while held")
      for pad in range(1, 17)),
    # The note pads (studio.melody): the beat's key is saved with the beat (Beat.keys).
    ControlSpec("keys", "root", 0.0, 11.0, 9.0, whole_number=True,
                description="The key the note pads play in: 0 is C, 11 is B"),
    ControlSpec("keys", "scale", 0.0, 4.0, 3.0, whole_number=True,
                description="0 major, 1 minor, 2 major pentatonic, 3 minor pentatonic, 4 blues"),
    ControlSpec("keys", "sound", 0.0, 1.0, 1.0, whole_number=True, description="0 bass, 1 keys"),
    ControlSpec("keys", "octave", 1.0, 4.0, 3.0, whole_number=True,
                description="The octave of the bottom-left note pad (bass 1..3, keys 2..4)"),
    ControlSpec("keys", "volume_db", SILENCE_DB, 0.0, 0.0, "dB", description="Loudness of the note pads"),
    *(ControlSpec("keys", f"note_{pad}", 0.0, 1.0, 0.0, momentary=True,
                  description=f"Play note pad {pad} at this velocity; 0 lets it go") for pad in range(1, 17)),
    # The microphone (studio/mic).
    ControlSpec("mic", "input", 1.0, 16.0, 1.0, whole_number=True,
                description="Which of the sound card's inputs is the microphone (1 = the first)"),
    ControlSpec("mic", "gain_db", -20.0, 40.0, 0.0, "dB", description="Input gain of the microphone"),
    ControlSpec("mic", "monitor", 0.0, 1.0, 0.0, is_switch=True,
                description="Hear the microphone in the headphones (off: no feedback through speakers)"),
    ControlSpec("mic", "monitor_db", SILENCE_DB, 0.0, -6.0, "dB", description="Loudness of the voice in the headphones"),
    *(ControlSpec("mic", effect, 0.0, 1.0, 0.0, is_switch=True, description=f"Voice effect: {effect}")
      for effect in ("gate", "tune", "radio", "echo", "reverb")),
    ControlSpec("mic", "backing", 0.0, 4.0, 2.0, whole_number=True,
                description="What plays while a take records: 0 nothing, 1 the click alone, 2 the beat, "
                            "3 deck 1's track, 4 deck 2's track (from its cue point)"),
    # Not kept: after an engine restart the interrupted take is recovered, not carried on.
    ControlSpec("mic", "recording", 0.0, 1.0, 0.0, is_switch=True, momentary=True,
                description="Record a take (after the count-in when there is a backing), or stop"),
    *DECK_CONTROLS,
)

MIC_BACKINGS = {0.0: "none", 1.0: "metronome", 2.0: "beat", 3.0: "deck1", 4.0: "deck2"}

# pads/repeat's values: the note-repeat rates (see studio.beats.sequencer_graph.REPEAT_RATES).
NOTE_REPEAT_RATES = {1.0: "1/8", 2.0: "1/16", 3.0: "1/32"}


def spec_for(group: str, control: str) -> ControlSpec:
    try:
        return CONTROLS[(group, control)]
    except KeyError:
        known = ", ".join(sorted(spec.name for spec in CONTROLS.values()))
        raise ValueError(f"unknown control {group}/{control}; known controls: {known}") from None


def check_action(group: str, control: str, value: float) -> Action:
    """Return a valid Action, or raise ValueError saying what range is allowed."""
    spec = spec_for(group, control)
    if isinstance(value, bool):
        value = float(value)
    if not isinstance(value, (int, float)) or value != value:  # rejects NaN too
        raise ValueError(f"{spec.name} needs a number, got {value!r}")
    value = float(value)
    if spec.is_switch and value not in (0.0, 1.0):
        raise ValueError(f"{spec.name} is a switch: use 0 (off) or 1 (on), got {value:g}")
    if spec.whole_number and not value.is_integer():
        raise ValueError(f"{spec.name} needs a whole number, got {value:g}")
    if not spec.minimum <= value <= spec.maximum:
        raise ValueError(
            f"{spec.name} must be in range {spec.minimum:g}..{spec.maximum:g}"
            f"{' ' + spec.unit if spec.unit else ''}, got {value:g}"
        )
    return Action(group, control, value)


def default_values() -> dict[tuple[str, str], float]:
    """Every setting at its default (momentary controls are events, not settings)."""
    return {key: spec.default for key, spec in CONTROLS.items() if not spec.momentary}


def effective_volume_db(volume_db: float, headphone_cap_db: float) -> float:
    """The listening volume actually applied: never above the mentor's headphone cap."""
    return min(volume_db, headphone_cap_db)
