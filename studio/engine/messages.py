"""What crosses between the app and the engine process: small picklable messages.

In: :class:`~studio.controls.Action` (change a control), :class:`SetBeat` (the beat to play),
:class:`PlayTake` and :class:`StopTake` (a recorded take), :class:`PrepareDecks`,
:class:`LoadTrack`, :class:`SetBeatGrid` and :class:`SetHotCue` (the DJ decks),
:class:`Restore` (after a restart) and :class:`Shutdown`. Out: :class:`EngineState` snapshots at about 25 Hz and
:class:`EngineEvent` notices for what happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from studio.controls import SILENCE_DB

STATE_RATE_HZ = 25


class Restore(NamedTuple):
    """Set every control at once, e.g. to bring a restarted engine back to where it was."""

    values: dict


class SetBeat(NamedTuple):
    """Play this beat (studio.beats.model.Beat): its steps, tempo, swing, pads and kit."""

    beat: object


class PlayTake(NamedTuple):
    """Play a recorded take: its WAV from skip_frames on (its align_frames), with its backing
    ("beat" or "metronome", started with it, no count-in) or on its own ("none")."""

    path: str
    skip_frames: int
    backing: str = "none"
    keep_s: tuple[float, float] | None = None  # (start, end) of the file heard; None: all of it
    fades_s: tuple[float, float] = (0.0, 0.0)  # (in, out) at those edges


class RecordOver(NamedTuple):
    """Punch-in: record a new take while an earlier one plays with its backing from the song's
    start (no count-in); keep_s limits what is heard of the earlier take (up to the punch-in)."""

    path: str
    skip_frames: int
    backing: str = "beat"
    keep_s: tuple[float, float] | None = None
    fades_s: tuple[float, float] = (0.0, 0.0)


class TakeOwner(NamedTuple):
    """Whose the takes (and mix recordings) started from now on are: Sessions' working participant,
    written into each take's details when it starts, so a take cut short by a crash is theirs too.
    None: nobody's."""

    participant_id: int | None


class EjectTrack(NamedTuple):
    """Empty a deck (1 or 2): it stops and lets go of its track (a participant's take whose turn ended)."""

    deck: int


class StopTake(NamedTuple):
    """Stop the take playing (and the backing it started)."""


class Shutdown(NamedTuple):
    reason: str = ""


class EngineEvent(NamedTuple):
    """Something the user may need to know, in plain words.

    kind is one of: "started", "restarted", "device_lost", "notice", "error", "pad_hit"
    (while recording: data has pad, velocity and song_position in steps, negative in a count-in),
    "take_saved" (data: take, the TakeInfo as a dict), "take_recovered" (data: takes),
    "track_loaded" (data: deck, source_path) and "hot_cue" (data: deck, hot_cue, position_s or
    None when deleted, was_s).
    """

    kind: str
    message: str
    data: dict = {}


@dataclass
class EngineState:
    """A snapshot of the engine, sent ~25 times a second. Plain data only."""

    backend: str = "starting"  # "jack", "portaudio", "none" (silent) or "starting"
    device_ok: bool = False  # True when sound can actually be heard
    device_message: str = "Starting the audio engine..."
    sample_rate: int = 0
    buffer_size: int = 0
    playing: bool = False
    position_s: float = 0.0
    bpm: float = 0.0
    beat: int = 0  # the beat now sounding, from 1 when the clock starts; 0 when stopped
    beats_playing: bool = False
    recording: bool = False  # pad hits are being recorded into the beat (see "pad_hit" events)
    counting_in: bool = False
    beat_step: int = -1  # the song step the beat sequencer is on; -1 when stopped
    kit_name: str = ""  # the kit the pads play
    pad_notes: tuple[int, ...] = ()  # the MIDI note that plays each drum pad, pad 1 first
    jack_name: str = ""  # the engine's client name on JACK ("" when not on JACK): MIDI is wired to it
    beat_bpm: float = 0.0  # the tempo of the beat the sequencer plays
    meter_db: tuple[float, float] = (SILENCE_DB, SILENCE_DB)  # peak level of the output, per side
    limiter_reduction_db: float = 0.0  # how much the safety limiter is turning down (>= 0)
    cpu_percent: float = 0.0
    xruns: int | None = 0  # audio dropouts ("glitches") since the engine started; None: unknown
    mic_level_db: float = SILENCE_DB  # the microphone's peak level after its gain
    mic_too_loud: bool = False  # a sample reached full scale in the last second or so
    mic_inputs: int = 0  # how many inputs the sound card has (JACK's physical capture ports)
    take_recording: bool = False  # a take is being recorded (see "take_saved" events)
    take_seconds: float = 0.0  # of the take being recorded
    take_playing: str = ""  # the path of the take playing back, "" for none
    decks: tuple = ()  # a studio.decks.decks_graph.DeckStatus per deck
    mix_recording: bool = False  # the mix (the master) is being recorded as a take
    mix_seconds: float = 0.0
    controls: dict = field(default_factory=dict)  # (group, control) -> value, as the engine has them
    engine_pid: int = 0
    uptime_s: float = 0.0

    @property
    def latency_ms(self) -> float:
        if not self.sample_rate:
            return 0.0
        return 1000.0 * self.buffer_size / self.sample_rate


class PrepareDecks(NamedTuple):
    """The longest track a deck takes (its samples are kept as 64-bit floats, in memory made as
    each track loads): sent when the Decks screen opens."""

    capacity_s: float


class LoadTrack(NamedTuple):
    """Load a decoded track onto a deck (1 or 2). audio_path holds raw little-endian float32
    stereo frames at sample_rate (studio.decks.track_decode); the rest comes from its analysis."""

    deck: int
    audio_path: str
    frames: int
    sample_rate: int
    title: str = ""
    artist: str = ""
    source_path: str = ""
    bpm: float = 0.0  # 0: no clear beat
    first_beat_s: float = 0.0
    gain_db: float = 0.0  # the suggested gain (from loudness); applied as the deck's gain
    hot_cues_s: tuple = ()  # up to 8, None for an empty one


class SetBeatGrid(NamedTuple):
    """A corrected beat grid for the track on a deck (x2, /2, a tapped tempo, a moved first beat)."""

    deck: int
    bpm: float
    first_beat_s: float


class SetHotCue(NamedTuple):
    """Put a hot cue (1..8) at position_s, or delete it (None): Undo, and cues kept with a track."""

    deck: int
    index: int
    position_s: float | None
