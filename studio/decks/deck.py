"""One DJ deck: its reading head and channel strip, and what the buttons do.

The behaviours follow the CDJ and Mixxx conventions a DJ expects:
- Cue (CDJ): playing, it returns to the cue point and stops; stopped on the cue point, it plays
  while held and returns when let go; stopped elsewhere, it sets the cue point there first.
- Hot cues: tapping an empty one sets it on the nearest beat; tapping a set one jumps there and plays.
- Loops of 1/4..16 beats start on the beat at or before the play position (quantised); a roll
  loops while held, then carries on where the track would have been.
- Sync follows the other deck's tempo, half or double when that is nearer this track's own
  (a 70 BPM track synced to 140 plays at 70), and lands on its beat phase.
- Key lock keeps the pitch while the tempo moves; scratching always hears the straight sound.

All positions are frames of the track at the engine's sample rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from studio.audio.dsp import pyo

from studio.decks.deck_channel import KEY_LOCK_WINDOW, DeckChannel
from studio.decks.deck_controls import DEFAULT_LOOP_SIZE, HOT_CUES, LOOP_BEATS, TEMPO_RANGES
from studio.decks.deck_grid import DeckGrid, phase_shift_beats, sync_multiple
from studio.decks.deck_player import RATE_GLIDE_S, DeckPlayer

NUDGE = 0.04  # nudging runs the deck this much faster or slower while held
SCRATCH_RESPONSE_S = 0.03  # scratching closes the gap to the finger over about this long
SCRATCH_MAX_RATE = 8.0
KEY_LOCK_MIN_DEVIATION = 0.0005  # at a rate this close to 1 the straight sound is heard
IDLE_TICKS_BEFORE_SLEEP = 3  # ticks (25 a second in the engine) stopped before an idle deck sleeps


@dataclass
class TrackOnDeck:
    title: str = ""
    artist: str = ""
    source_path: str = ""
    frames: int = 0
    grid: DeckGrid | None = None
    hot_cues: list = field(default_factory=lambda: [None] * HOT_CUES)  # frames or None


class Deck:
    def __init__(self, server: pyo.Server, number: int):
        self.number = number
        self.sample_rate = int(server.getSamplingRate())
        self.player = DeckPlayer(server)
        self.channel = DeckChannel(self.player.output, self.player.rate, self.sample_rate)
        # A trigger one sample before the deck's sound reaches the mixer (after key lock's delay),
        # as the beat's song_started is one sample before its first hit sounds.
        self.sound_started = pyo.SDelay(self.player.started, delay=(KEY_LOCK_WINDOW - 1 + 0.5) / self.sample_rate,
                                        maxdelay=0.1)
        self.track = TrackOnDeck()
        self.cue_frame = 0.0
        self.tempo = 0.0  # the fader, -1..1
        self.tempo_range = TEMPO_RANGES[0]
        self.key_lock = True
        self.leader: "Deck | None" = None  # the deck this one is synced to
        self.nudge = 0.0  # -1, 0 or +1 while a nudge is held
        self.loop_size = DEFAULT_LOOP_SIZE
        self.rolling = False
        self.scratching = False
        self._scratch_target = 0.0
        self._cue_previewing = False
        self._play_held_in_preview = False
        self.channel.set_key_lock_available(True)
        self._idle_ticks = 0
        self.awake = True

    def wake(self) -> None:
        """Before making a sound: an idle deck stops computing its strip (see tick)."""
        self._idle_ticks = 0
        if not self.awake:
            self.awake = True
            self.player.set_awake(True)
            self.channel.set_awake(True)

    # --- what the deck is doing -------------------------------------------------------------
    @property
    def loaded(self) -> bool:
        return self.track.frames > 0

    @property
    def playing(self) -> bool:
        return self.player.playing and not self._cue_previewing

    @property
    def grid(self) -> DeckGrid:
        return self.track.grid or DeckGrid(0.0, 0.0, self.sample_rate)

    def tempo_rate(self) -> float:
        """The speed the tempo (or sync) asks for, before nudging: 1.0 is the track's own tempo."""
        if self.leader is not None and self.leader.loaded and self.grid.has_beat and self.leader.grid.has_beat:
            leader_bpm = self.leader.effective_bpm()
            return leader_bpm * sync_multiple(self.grid.bpm, leader_bpm) / self.grid.bpm
        return 1.0 + self.tempo * self.tempo_range

    def effective_bpm(self) -> float:
        return self.grid.bpm * self.tempo_rate() if self.grid.has_beat else 0.0

    def position_frames(self) -> float:
        return self.player.position_frames()

    def eject(self) -> None:
        """Empty the deck: it stops and lets go of the track's sound (a one-frame silent table takes
        its place), so nothing of it can be played again. Others synced to it are the caller's."""
        if self.leader is not None:
            self.set_sync(None)
        self._cue_previewing = self._play_held_in_preview = False
        self.scratching = False
        self.player.cancel_load()
        self.player.begin_load(1)
        self.player.end_load(1)
        self.track = TrackOnDeck()
        self.cue_frame = 0.0

    # --- transport ---------------------------------------------------------------------------
    def set_playing(self, playing: bool) -> None:
        if not self.loaded:
            return
        if self._cue_previewing:
            self._play_held_in_preview = playing  # CDJ: Play during a cue preview keeps it playing
            return
        if playing and not self.player.playing:
            self.wake()
            if self.position_frames() >= self.track.frames - 1:
                self.player.jump_to(self.cue_frame)  # at the end: start again from the cue
            self.player.play(self._rate())
            if self.leader is not None:
                self.align_phase()
        elif not playing:
            self.player.pause()

    def press_cue(self, down: bool) -> None:
        if not self.loaded:
            return
        if down:
            if self.player.playing and not self._cue_previewing:
                self.player.pause(brake=False)
                self.player.jump_to(self.cue_frame)
                return
            self.wake()
            if abs(self.position_frames() - self.cue_frame) > 1.0:
                self.cue_frame = self.position_frames()  # stopped elsewhere: a new cue point
            self._cue_previewing, self._play_held_in_preview = True, False
            self.player.play(self._rate())
        elif self._cue_previewing:
            self._cue_previewing = False
            if not self._play_held_in_preview:
                self.player.pause(brake=False)
                self.player.jump_to(self.cue_frame)

    def set_tempo(self, tempo: float) -> None:
        """The tempo fader (-1..1). Moving it takes this deck out of sync."""
        self.tempo = tempo
        self.leader = None
        self.update_rate()

    def set_tempo_range(self, index: int) -> None:
        self.tempo_range = TEMPO_RANGES[index]
        self.update_rate()

    def set_nudge(self, direction: float) -> None:
        self.nudge = direction
        self.update_rate()

    def set_key_lock(self, on: bool) -> None:
        self.key_lock = on
        self.channel.set_key_lock_available(on)
        self.update_rate()

    def update_rate(self, glide_s: float = RATE_GLIDE_S) -> None:
        """Apply the tempo (or the leader's), nudge and key lock to the sound."""
        if self.scratching:
            return
        rate = self._rate()
        self.player.set_rate(rate, glide_s)
        engaged = self.key_lock and abs(rate - 1.0) > KEY_LOCK_MIN_DEVIATION
        self.channel.set_key_lock(engaged)

    def _rate(self) -> float:
        return self.tempo_rate() * (1.0 + NUDGE * self.nudge)

    # --- sync -------------------------------------------------------------------------------
    def set_sync(self, leader: "Deck | None") -> None:
        """Follow leader's tempo and beat (None: stop following, keeping the tempo reached)."""
        if leader is None:
            if self.leader is not None and self.grid.has_beat:
                # Keep playing at the synced speed: the fader takes the place it would need.
                self.tempo = max(-1.0, min(1.0, (self.tempo_rate() - 1.0) / self.tempo_range))
            self.leader = None
            self.update_rate()
            return
        if leader.leader is self:
            leader.set_sync(None)  # two decks cannot follow each other: the other one leads now
        self.leader = leader
        self.update_rate(glide_s=0.0)  # at once: align_phase counts on the rate it reads
        if self.player.playing:
            self.align_phase()

    def align_phase(self) -> None:
        """Jump (click-free) by less than half a beat so this deck's beats land on the leader's."""
        leader = self.leader
        if leader is None or not (self.grid.has_beat and leader.grid.has_beat and leader.loaded):
            return
        # Both positions are read between the same two audio blocks; compare where both will
        # be at the start of the next one.
        own_next = self.position_frames() + self.player.rate.get()
        leader_next = leader.position_frames() + leader.player.rate.get()
        multiple = sync_multiple(self.grid.bpm, leader.effective_bpm())
        leader_phase = (leader.grid.beat_at(leader_next) * multiple) % 1.0
        shift = phase_shift_beats(self.grid.beat_phase(own_next), leader_phase)
        if abs(shift) * self.grid.beat_frames >= 1.0:
            self.player.jump_to(own_next + shift * self.grid.beat_frames)

    # --- scratching ----------------------------------------------------------------------------
    def scratch(self, touching: bool) -> None:
        """A finger on the waveform: the sound follows it (scratch_to), then carries on as before."""
        if not self.loaded or touching == self.scratching:
            return
        self.scratching = touching
        if touching:
            self.wake()
            self._was_playing = self.player.playing
            self._scratch_target = self.position_frames()
            self.channel.set_key_lock(False)
            self.player.play(0.0)
        else:
            if self._was_playing:
                self.player.set_rate(self._rate(), glide_s=0.05)
                self.update_rate()
            else:
                self.player.pause()

    def scratch_to(self, position_s: float) -> None:
        self._scratch_target = max(0.0, min(position_s * self.sample_rate, self.track.frames))
        self.follow_finger()

    def follow_finger(self) -> None:
        """Called often while scratching: set the speed that closes the gap to the finger."""
        if not self.scratching:
            return
        gap_frames = self._scratch_target - self.position_frames()
        rate = gap_frames / (SCRATCH_RESPONSE_S * self.sample_rate)
        self.player.set_rate(max(-SCRATCH_MAX_RATE, min(SCRATCH_MAX_RATE, rate)), glide_s=0.01)

    # --- cues, loops and jumps -------------------------------------------------------------------
    def press_hot_cue(self, index: int) -> float | None:
        """Jump to hot cue index (and play), or set it here on the nearest beat. Returns the frame
        set, or None when it jumped."""
        if not self.loaded:
            return None
        frame = self.track.hot_cues[index]
        if frame is None:
            here = self.position_frames()
            frame = self.grid.nearest_beat_frame(here) if self.grid.has_beat else here
            frame = max(0.0, min(frame, self.track.frames - 1))
            self.track.hot_cues[index] = frame
            return frame
        self.player.jump_to(frame)
        if not self.player.playing:
            self.wake()
            self.player.play(self._rate())
            if self.leader is not None:
                self.align_phase()
        return None

    def play_from_cue(self) -> None:
        """Play from the cue point (a take's backing): from the next block, whatever it was doing."""
        if not self.loaded:
            return
        self.wake()
        self.leader = None
        self.player.set_loop(None)
        self.player.pause(brake=False)
        self.player.jump_to(self.cue_frame)
        self.player.play(self._rate())

    def stop_at_cue(self) -> None:
        if self.loaded:
            self.player.pause(brake=False)
            self.player.jump_to(self.cue_frame)

    def set_hot_cue(self, index: int, frame: float | None) -> None:
        self.track.hot_cues[index] = frame

    def set_loop(self, on: bool) -> None:
        if not self.loaded:
            return
        if not on:
            self.player.set_loop(None)
            return
        start = self.grid.previous_beat_frame(self.position_frames())
        self._loop_from(max(0.0, start))

    def _loop_from(self, start: float, roll: bool = False) -> None:
        end = start + LOOP_BEATS[self.loop_size] * self.grid.beat_frames
        self.player.set_loop((round(start), round(end)), roll=roll)

    def set_loop_size(self, index: int) -> None:
        """Halve or double (or choose) the loop; a loop playing changes at once, from its start."""
        self.loop_size = max(0, min(len(LOOP_BEATS) - 1, index))
        if self.player.loop_frames is not None:
            self._loop_from(self.player.loop_frames[0], roll=self.rolling)

    def roll(self, held: bool) -> None:
        if not self.loaded or held == self.rolling:
            return
        self.rolling = held
        if held:
            here = self.position_frames()
            size = LOOP_BEATS[self.loop_size] * self.grid.beat_frames
            # A roll starts on the grid of its own length (a 1/4-beat roll on a 1/4 beat).
            start = self.grid.frame_of_beat(
                (self.grid.beat_at(here) // LOOP_BEATS[self.loop_size]) * LOOP_BEATS[self.loop_size])
            self.player.set_loop((round(start), round(start + size)), roll=True)
        else:
            self.player.set_loop(None, roll=True)

    def beat_jump(self, beats: float) -> None:
        """Jump by whole beats, keeping the beat phase (a loop playing moves with it)."""
        if not self.loaded:
            return
        shift = beats * self.grid.beat_frames
        loop = self.player.loop_frames
        target = self.position_frames() + self.player.rate.get() + shift
        target = max(0.0, min(target, self.track.frames - 1))
        if loop is not None:
            self.player.set_loop((round(loop[0] + shift), round(loop[1] + shift)))
        self.player.jump_to(target)

    def jump_to_s(self, position_s: float) -> None:
        """Go to a place in the track (a tap on the overview)."""
        if self.loaded:
            self.player.jump_to(max(0.0, min(position_s * self.sample_rate, self.track.frames - 1)))

    # --- housekeeping ---------------------------------------------------------------------------
    def tick(self) -> None:
        """A few times a second, and often while scratching: stop at the end of the track, and
        let an idle deck sleep once its sound has faded out."""
        if self.player.playing or self.scratching:
            self._idle_ticks = 0
        elif self.awake:
            self._idle_ticks += 1
            if self._idle_ticks >= IDLE_TICKS_BEFORE_SLEEP:
                self.awake = False
                self.player.set_awake(False)
                self.channel.set_awake(False)
        if self.scratching:
            self.follow_finger()
            return
        if self.player.playing and self.loaded and self.player.loop_frames is None:
            if self.position_frames() >= self.track.frames and self.player.speed > 0:
                self.player.pause()
                self.player.jump_to(self.track.frames - 1)
