"""Playing a take back, with its backing in time or on its own.

Built with the graph, before the master bus, so it is computed in the same block as the
sequencer (a player made later would be heard a block late). A take plays from the
sequencer's own first tick (Sequencer.song_started) when it plays with its backing, so the two
start on the same sample; skip_frames (the take's align_frames) drops the count-in and the
recording's round trip, so the voice lands where it was sung.

The player reads two channels: a mono take (a voice) is heard the same on both sides, in the
middle; a stereo file (a mix recorded on the Decks, a song's preview from Export) keeps its
left and right.

A take is read into shared memory (studio.audio.shared_table, as the decks' tracks are) a second
at a time: pyo's own SndTable read the whole file in one call holding the interpreter lock,
which the audio thread needs every block (0.4 s of silence everywhere for a 3-minute song).
"""

from __future__ import annotations

from studio.audio.dsp import pyo, trigenv_dur_s
from studio.audio.shared_table import TrackTable

GLIDE_S = 0.01
CUT_S = 0.002
READ_CHUNK_S = 1.0  # read this much of the file at a time: the audio thread gets the lock in between


class TakePlayer:
    def __init__(self, song_started: pyo.PyoObject):
        # Two channels from the start: pyo gives the player one stream per channel of its first
        # table, and a stream reads channel i of a later table (a mono table's one channel on both).
        self._placeholder = pyo.DataTable(size=2, chnls=2)
        self._table = self._placeholder
        self._with_backing = pyo.Sig(0.0)
        self._start_now = pyo.Trig().stop()  # a Trig fires when made unless stopped
        self._level = pyo.SigTo(0.0, time=GLIDE_S, init=0.0)
        self._trigger = pyo.Max(song_started * self._with_backing, self._start_now)
        # One sample later, as the pads: a one-shot triggered on sample n sounds from n + 1
        # (pad_voice.PLAYBACK_OFFSET_SAMPLES), so a take and its beat start together.
        self._late_trigger = pyo.Delay1(self._trigger)
        # Trim and fades (TakeInfo.trim_*, fade_*): a gain over the take's playing time.
        self._envelope = pyo.TrigLinseg(self._late_trigger, [(0.0, 1.0), (1.0, 1.0)])
        self._player = pyo.TrigEnv(self._late_trigger, table=self._placeholder, dur=0.001,
                                   mul=self._level * self._envelope)
        self.output = pyo.Mix(self._player, voices=2)  # stream i to side i
        self.duration_s = 0.0

    def load(self, path: str, skip_frames: int, sample_rate: int, keep_s: tuple[float, float] | None = None,
             fades_s: tuple[float, float] = (0.0, 0.0)) -> float:
        """Load a take's sound from skip_frames on; returns how long it plays, in seconds.
        keep_s: (start, end) of the file to be heard (the rest is trimmed off: silent), with
        fades_s (in, out) at those edges. OSError (or pyo's own error) when the file cannot be read."""
        table, file_rate = _read_take(path, skip_frames / sample_rate)
        # Point the player at the new table before the old one is let go (pyo frees a table
        # with its Python object, even while a player reads it).
        self._player.table = table.table
        self._previous, self._table = self._table, table
        self.duration_s = table.frames / file_rate
        self._player.dur = trigenv_dur_s(table.frames, file_rate)  # the file's own rate
        self._envelope.setList(trim_envelope(skip_frames / sample_rate, self.duration_s, keep_s, fades_s))
        return self.duration_s

    def start(self, with_backing: bool) -> None:
        """Play from the backing's first tick (the caller starts the backing now), or at once."""
        self._level.value = 1.0
        if with_backing:
            self._with_backing.value = 1.0
        else:
            self._with_backing.value = 0.0
            self._start_now.play()

    def stop(self) -> None:
        self._with_backing.value = 0.0
        self._level.value = 0.0


def _read_take(path: str, skip_s: float) -> tuple[TrackTable, int]:
    """(the file from skip_s on, as a two-channel table; its sample rate). A mono file is on both
    channels. OSError when it cannot be read or has no sound after skip_s."""
    import soundfile

    try:
        with soundfile.SoundFile(str(path)) as sound:
            first = min(sound.frames, int(skip_s * sound.samplerate))
            frames = sound.frames - first
            if frames <= 1:
                raise OSError(f"the take has no sound after its first {skip_s:.3f} s: {path}")
            sound.seek(first)
            table = TrackTable(frames)
            chunk = max(1, int(READ_CHUNK_S * sound.samplerate))
            for start in range(0, frames, chunk):
                data = sound.read(min(chunk, frames - start), dtype="float64", always_2d=True)
                end = start + len(data)
                table.channels[0][start:end] = data[:, 0]
                table.channels[1][start:end] = data[:, 1 if data.shape[1] > 1 else 0]
            return table, sound.samplerate
    except soundfile.SoundFileError as error:  # not audio, or cut short
        raise OSError(str(error)) from None


def trim_envelope(skip_s: float, duration_s: float, keep_s: tuple[float, float] | None,
                  fades_s: tuple[float, float]) -> list[tuple[float, float]]:
    """The gain over playing time (0 = the file at skip_s): 0 outside what is kept, ramps at the fades."""
    start, end = keep_s if keep_s else (0.0, skip_s + duration_s)
    fade_in, fade_out = fades_s
    # A cut is never a step: at least CUT_S of ramp (a click otherwise), and pyo's TrigLinseg
    # does not take a step of no length.
    fade_in = max(fade_in, CUT_S) if start > skip_s else fade_in
    fade_out = max(fade_out, CUT_S) if end < skip_s + duration_s else fade_out
    a, b = max(0.0, start - skip_s), min(duration_s, end - skip_s)
    if b <= a:
        return [(0.0, 0.0), (max(duration_s, 0.001), 0.0)]
    points = [(0.0, 0.0 if a > 0 or fade_in > 0 else 1.0)]
    if a > 0:
        points.append((a, 0.0))
    points += [(a + fade_in, 1.0), (max(a + fade_in, b - fade_out), 1.0), (b, 0.0 if (b < duration_s or fade_out) else 1.0)]
    return points
