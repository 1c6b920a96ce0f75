"""Two decks and the DJ mixer between them.

    deck 1 strip --+-- crossfader (curve) --> to the master bus
    deck 2 strip --+
    each strip's pre-fader sound, when its headphones button is on --> the cue (headphones)

apply() takes the deck1/, deck2/ and mixer/ controls (studio.decks.deck_controls). Tracks are
loaded with a LoadTrack message, a few seconds of samples per call of ``pump``, so the engine's loop
never holds the interpreter lock long enough to stop the other deck's sound.
"""

from __future__ import annotations

import math

from studio.audio.dsp import pyo

from studio.decks.deck import Deck, TrackOnDeck
from studio.decks.deck_controls import CROSSFADER_CURVES, DECK_COUNT, HOT_CUES, LOOP_BEATS
from studio.decks.deck_grid import DeckGrid
from studio.decks.deck_status import DeckStatus
from studio.engine.messages import LoadTrack
from studio.decks.track_file import TrackReader

CROSSFADER_GLIDE_S = 0.005
LOAD_CHUNK_S = 4.0  # copied into a deck per pump (about 1 ms of work)
DEFAULT_CAPACITY_S = 15 * 60.0  # the longest track a deck takes unless told (studio.decks.track_decode)


class DecksGraph:
    def __init__(self, server: pyo.Server):
        self.server = server
        self.sample_rate = int(server.getSamplingRate())
        self.decks = [Deck(server, number) for number in range(1, DECK_COUNT + 1)]
        self._crossfade = [pyo.SigTo(1.0, time=CROSSFADER_GLIDE_S, init=1.0) for _ in self.decks]
        self.output = pyo.Mix([deck.channel.output * gain for deck, gain in zip(self.decks, self._crossfade)],
                              voices=2)
        self._cue_gains = [pyo.SigTo(0.0, time=CROSSFADER_GLIDE_S, init=0.0) for _ in self.decks]
        self.cue = pyo.Mix([deck.channel.pre_fader * gain for deck, gain in zip(self.decks, self._cue_gains)],
                           voices=2)
        self.crossfader, self.curve = 0.0, 0
        self._loads: dict[int, tuple[LoadTrack, TrackReader]] = {}
        self.capacity_s = DEFAULT_CAPACITY_S
        self._set_crossfader()

    # --- controls ----------------------------------------------------------------------------
    def apply(self, group: str, control: str, value: float) -> dict | None:
        """Apply one deck or mixer control. Returns an event's data when the user should know
        (a hot cue set or deleted), else None."""
        if group == "mixer":
            if control == "crossfader":
                self.crossfader = value
            elif control == "crossfader_curve":
                self.curve = int(value)
            self._set_crossfader()
            return None
        number = int(group.removeprefix("deck"))
        deck = self.decks[number - 1]
        other = self.decks[2 - number]
        if control == "playing":
            deck.set_playing(bool(value))
        elif control == "cue":
            deck.press_cue(bool(value))
        elif control == "tempo":
            deck.set_tempo(value)
            self._followers_of(deck)
        elif control == "tempo_range":
            deck.set_tempo_range(int(value))
            self._followers_of(deck)
        elif control == "key_lock":
            deck.set_key_lock(bool(value))
        elif control == "nudge":
            deck.set_nudge(value)
        elif control == "sync":
            deck.set_sync(other if value else None)
        elif control == "scratch":
            deck.scratch(bool(value))
        elif control == "scratch_s":
            deck.scratch_to(value)
        elif control == "seek_s":
            deck.jump_to_s(value)
        elif control == "loop":
            deck.set_loop(bool(value))
        elif control == "loop_size":
            deck.set_loop_size(int(value))
        elif control == "roll":
            deck.roll(bool(value))
        elif control == "beat_jump":
            deck.beat_jump(value)
        elif control == "gain_db":
            deck.channel.set_gain_db(value)
        elif control == "filter":
            deck.channel.set_filter(value)
        elif control == "fader":
            deck.channel.set_fader(value)
        elif control == "headphones":
            self._cue_gains[number - 1].value = float(value)
        elif control.startswith(("eq_", "kill_")):
            return None  # the caller applies the whole band with set_eq (it needs both values)
        elif control.startswith("hot_cue_") and value > 0:
            index = int(control.removeprefix("hot_cue_")) - 1
            frame = deck.press_hot_cue(index)
            if frame is not None:
                return {"deck": number, "hot_cue": index + 1, "position_s": frame / self.sample_rate}
        elif control.startswith("clear_hot_cue_") and value > 0:
            index = int(control.removeprefix("clear_hot_cue_")) - 1
            was = deck.track.hot_cues[index]
            deck.set_hot_cue(index, None)
            if was is not None:
                return {"deck": number, "hot_cue": index + 1, "position_s": None,
                        "was_s": was / self.sample_rate}
        return None

    def set_eq(self, deck_number: int, band: int, gain_db: float, killed: bool) -> None:
        self.decks[deck_number - 1].channel.set_eq(band, gain_db, killed)

    def _followers_of(self, leader: Deck) -> None:
        for deck in self.decks:
            if deck.leader is leader:
                deck.update_rate()

    def _set_crossfader(self) -> None:
        for gain, value in zip(self._crossfade, crossfader_gains(self.crossfader, CROSSFADER_CURVES[self.curve])):
            gain.value = value

    def set_hot_cue(self, deck_number: int, index: int, position_s: float | None) -> None:
        """Put a hot cue back (Undo) or move it; index from 1."""
        frame = None if position_s is None else position_s * self.sample_rate
        self.decks[deck_number - 1].set_hot_cue(index - 1, frame)

    def set_grid(self, deck_number: int, bpm: float, first_beat_s: float) -> None:
        """A corrected beat grid (x2, /2, tap): the deck and any deck synced to it follow."""
        deck = self.decks[deck_number - 1]
        deck.track.grid = DeckGrid.from_seconds(bpm, first_beat_s, self.sample_rate)
        deck.update_rate()
        self._followers_of(deck)

    def eject(self, deck_number: int) -> None:
        """Empty a deck (a track being loaded onto it is dropped); decks synced to it stop following."""
        deck = self.decks[deck_number - 1]
        if deck_number in self._loads:
            self._loads.pop(deck_number)[1].close()
        deck.eject()
        for other in self.decks:
            if other.leader is deck:
                other.set_sync(None)

    # --- loading ---------------------------------------------------------------------------------
    def prepare(self, capacity_s: float) -> None:
        """The longest track a deck will take (memory: 64-bit samples, made as each track loads)."""
        self.capacity_s = capacity_s

    def start_load(self, load: LoadTrack) -> None:
        """Start copying a track into a new table for its deck (see pump); the deck plays on until
        it is in. Raises ValueError when it is too long or at another sample rate, OSError when its
        file cannot be opened."""
        deck = self.decks[load.deck - 1]
        if load.sample_rate != self.sample_rate:
            raise ValueError(f"was decoded at {load.sample_rate} Hz but the engine runs at {self.sample_rate} Hz")
        if load.frames > self.capacity_s * self.sample_rate:
            raise ValueError(f"is longer than a deck holds ({self.capacity_s / 60:.0f} minutes)")
        reader = TrackReader(load.audio_path, load.frames)
        if load.deck in self._loads:
            self._loads.pop(load.deck)[1].close()
        deck.player.begin_load(load.frames)
        self._loads[load.deck] = (load, reader)

    def pump(self) -> list[tuple[int, str | None]]:
        """Copy the next chunk of each track being loaded. Returns (deck, problem) for each
        load that ended: problem None when the track is in and ready."""
        finished = []
        chunk = round(LOAD_CHUNK_S * self.sample_rate)
        for number, (load, reader) in list(self._loads.items()):
            deck = self.decks[number - 1]
            try:
                first, samples = reader.read(chunk)
            except OSError as error:
                reader.close()
                deck.player.cancel_load()
                del self._loads[number]
                finished.append((number, f"The track could not be read back from the cache ({error.strerror or error})."))
                continue
            if len(samples):
                deck.player.copy_in(first, samples)
            if reader.done:
                reader.close()
                del self._loads[number]
                if deck.leader is not None:
                    deck.set_sync(None)
                deck.player.end_load(load.frames)
                deck.track = TrackOnDeck()
                deck.track.title, deck.track.artist, deck.track.source_path = load.title, load.artist, load.source_path
                deck.track.frames = load.frames
                deck.track.grid = DeckGrid.from_seconds(load.bpm, load.first_beat_s, self.sample_rate)
                cues = [None if s is None else s * self.sample_rate for s in load.hot_cues_s][:HOT_CUES]
                deck.track.hot_cues = cues + [None] * (HOT_CUES - len(cues))
                deck.cue_frame = 0.0
                deck.update_rate()
                finished.append((number, None))
        return finished

    @property
    def loading(self) -> bool:
        return bool(self._loads)

    @property
    def busy(self) -> bool:
        """Loading or scratching: the engine's loop should call pump/tick often."""
        return bool(self._loads) or any(deck.scratching for deck in self.decks)

    def tick(self) -> None:
        for deck in self.decks:
            deck.tick()

    # --- what the screen shows ----------------------------------------------------------------
    def status(self) -> tuple[DeckStatus, ...]:
        sr = self.sample_rate
        statuses = []
        for deck in self.decks:
            loading = self._loads.get(deck.number)
            grid = deck.grid
            loop = deck.player.loop_frames
            level = deck.channel.meter_level()
            statuses.append(DeckStatus(
                loaded=deck.loaded,
                loading=loading[1].fraction if loading else -1.0,
                title=deck.track.title, artist=deck.track.artist, source_path=deck.track.source_path,
                duration_s=deck.track.frames / sr,
                position_s=max(0.0, deck.position_frames()) / sr,
                playing=deck.playing,
                rate=deck.tempo_rate(),
                speed=deck.player.rate.get() if deck.player.playing else 0.0,
                bpm=deck.effective_bpm(),
                track_bpm=grid.bpm,
                first_beat_s=grid.first_beat_frame / sr,
                cue_s=deck.cue_frame / sr,
                hot_cues_s=tuple(None if f is None else f / sr for f in deck.track.hot_cues),
                loop_s=None if loop is None else (loop[0] / sr, loop[1] / sr),
                rolling=deck.rolling,
                synced=deck.leader is not None,
                key_lock_engaged=deck.key_lock and abs(deck.tempo_rate() - 1.0) > 0.0005,
                meter_db=20 * math.log10(level) if level > 1e-6 else -120.0,
            ))
        return tuple(statuses)

    def loop_beats(self, deck_number: int) -> float:
        return LOOP_BEATS[self.decks[deck_number - 1].loop_size]


def crossfader_gains(position: float, curve: str) -> tuple[float, float]:
    """Gains of deck 1 and deck 2 for a crossfader at position (-1..1)."""
    x = (max(-1.0, min(1.0, position)) + 1.0) / 2.0  # 0: deck 1 only .. 1: deck 2 only
    if curve == "smooth":  # constant power: the middle is -3 dB each, no dip in loudness
        return math.cos(x * math.pi / 2), math.sin(x * math.pi / 2)
    if curve == "mix":  # both at full in the middle, fading out only over the far half
        return min(1.0, 2.0 * (1.0 - x)), min(1.0, 2.0 * x)
    # "cut": both full almost all the way, a sharp cut at the last 5 % (for scratching)
    edge = 0.05
    return min(1.0, (1.0 - x) / edge), min(1.0, x / edge)

