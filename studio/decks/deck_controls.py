"""The decks' and the DJ mixer's named controls: deck1/..., deck2/... and mixer/...

What each does is in studio.decks.deck (the deck) and studio.decks.decks_graph (the mixer).
Momentary controls are button presses and finger moves, never kept or restored.
"""

from __future__ import annotations

from studio.control_spec import SILENCE_DB, ControlSpec
DECK_COUNT = 2
TEMPO_RANGES = (0.08, 0.16, 0.50)  # the tempo fader spans +-8 %, 16 % or 50 %
LOOP_BEATS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
DEFAULT_LOOP_SIZE = 4  # index into LOOP_BEATS: 4 beats
HOT_CUES = 8
EQ_MIN_DB, EQ_MAX_DB = -26.0, 6.0
CROSSFADER_CURVES = ("smooth", "mix", "cut")  # constant power; both full in the middle; a scratch cut


def _deck_specs(deck: int) -> list[ControlSpec]:
    g = f"deck{deck}"
    specs = [
        ControlSpec(g, "playing", 0.0, 1.0, 0.0, is_switch=True, momentary=True,
                    description="Play or pause the track"),
        ControlSpec(g, "cue", 0.0, 1.0, 0.0, is_switch=True, momentary=True,
                    description="Cue, CDJ style: held while stopped it plays, let go it returns"),
        ControlSpec(g, "tempo", -1.0, 1.0, 0.0, description="The tempo fader: -1..1 of the tempo range"),
        ControlSpec(g, "tempo_range", 0.0, len(TEMPO_RANGES) - 1.0, 0.0, whole_number=True,
                    description="The tempo fader's range: 0 +-8 %, 1 +-16 %, 2 +-50 %"),
        ControlSpec(g, "key_lock", 0.0, 1.0, 1.0, is_switch=True,
                    description="Keep the pitch when the tempo changes"),
        ControlSpec(g, "nudge", -1.0, 1.0, 0.0, whole_number=True, momentary=True,
                    description="Held: run 4 % slower (-1) or faster (+1) to line up beats by ear"),
        ControlSpec(g, "sync", 0.0, 1.0, 0.0, is_switch=True, momentary=True,
                    description="Follow the other deck's tempo and beat"),
        ControlSpec(g, "scratch", 0.0, 1.0, 0.0, is_switch=True, momentary=True,
                    description="A finger is on the waveform: the sound follows scratch_s"),
        ControlSpec(g, "scratch_s", 0.0, 3600.0, 0.0, "s", momentary=True,
                    description="Where the finger has moved the track to while scratching"),
        ControlSpec(g, "seek_s", 0.0, 3600.0, 0.0, "s", momentary=True,
                    description="Go to this place in the track"),
        ControlSpec(g, "loop", 0.0, 1.0, 0.0, is_switch=True, momentary=True,
                    description="Loop loop_size beats from the beat just played, or stop looping"),
        ControlSpec(g, "loop_size", 0.0, len(LOOP_BEATS) - 1.0, float(DEFAULT_LOOP_SIZE), whole_number=True,
                    description="Loop length: " + ", ".join(f"{i} {b:g}" for i, b in enumerate(LOOP_BEATS)) + " beats"),
        ControlSpec(g, "roll", 0.0, 1.0, 0.0, is_switch=True, momentary=True,
                    description="Held: loop roll of loop_size beats; let go, the track carries on in time"),
        ControlSpec(g, "beat_jump", -64.0, 64.0, 0.0, "beats", whole_number=True, momentary=True,
                    description="Jump this many beats forward (or back), keeping the beat"),
        ControlSpec(g, "gain_db", -12.0, 12.0, 0.0, "dB", description="The channel's input gain"),
        ControlSpec(g, "filter", -1.0, 1.0, 0.0, description="-1 low-pass .. 0 off .. +1 high-pass"),
        ControlSpec(g, "fader", 0.0, 1.0, 1.0, description="The channel fader"),
        ControlSpec(g, "headphones", 0.0, 1.0, 0.0, is_switch=True,
                    description="Hear this deck in the headphones (cue), before its fader"),
    ]
    for band in ("low", "mid", "high"):
        specs.append(ControlSpec(g, f"eq_{band}_db", EQ_MIN_DB, EQ_MAX_DB, 0.0, "dB",
                                 description=f"EQ: the {band} band"))
        specs.append(ControlSpec(g, f"kill_{band}", 0.0, 1.0, 0.0, is_switch=True,
                                 description=f"EQ: take the {band} band out"))
    for cue in range(1, HOT_CUES + 1):
        specs.append(ControlSpec(g, f"hot_cue_{cue}", 0.0, 1.0, 0.0, momentary=True,
                                 description=f"Jump to hot cue {cue} and play; set it here when empty"))
        specs.append(ControlSpec(g, f"clear_hot_cue_{cue}", 0.0, 1.0, 0.0, momentary=True,
                                 description=f"Delete hot cue {cue} (the app offers Undo)"))
    return specs


DECK_CONTROLS: list[ControlSpec] = [spec for deck in range(1, DECK_COUNT + 1) for spec in _deck_specs(deck)] + [
    ControlSpec("mixer", "crossfader", -1.0, 1.0, 0.0, description="-1 deck 1 only .. +1 deck 2 only"),
    ControlSpec("mixer", "crossfader_curve", 0.0, len(CROSSFADER_CURVES) - 1.0, 0.0, whole_number=True,
                description="0 smooth (constant power), 1 mix (both full in the middle), 2 cut (for scratching)"),
    ControlSpec("mixer", "headphones_db", SILENCE_DB, 0.0, -12.0, "dB",
                description="Loudness of the headphone cue (capped like the master)"),
    ControlSpec("mixer", "headphones_mix", 0.0, 1.0, 0.0,
                description="What the headphones hear: 0 the cued decks .. 1 the master"),
    ControlSpec("mixer", "split_cue", 0.0, 1.0, 0.0, is_switch=True,
                description="One headphone output: the master in the left ear, the cue in the right"),
    ControlSpec("mixer", "recording", 0.0, 1.0, 0.0, is_switch=True, momentary=True,
                description="Record the mix (the master) as a take"),
]
