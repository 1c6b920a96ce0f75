"""The microphone as a pyo graph: input gain, a level meter that sees clipping, monitoring
through voice effects, and capture for recording (capture.py).

    input -> gain -> capture (the take: dry, as sung)
                  -> meter (peak, and a "too loud" hold after any clipped sample)
                  -> gate -> tune -> radio -> echo -> reverb -> monitor level -> headphones (master bus)

"tune" is a gentle pitch correction to the session's key (the beat's key, as on the note
pads): pyo's Yin follows the sung pitch, Snap finds the nearest note of the scale, and a
phase vocoder (PVAnal/PVTranspose/PVSynth) moves the voice TUNE_STRENGTH of the way there,
gliding, only while singing. It adds TUNE_FFT_SIZE frames of delay (21 ms at 48 kHz) to what the
singer hears, only while on. (pyo 1.1's Harmonizer put out NaN here, so it is not used.)

Takes are recorded dry so that an effect can be changed after singing; the effects shape only
what the singer hears (and, later, playback). Every effect is built once and stopped while
off, so switching one on never adds latency and an unused one costs nothing. Monitoring goes
through the master bus, so the limiter and the mentor's volume cap hold for the voice too.
"""

from __future__ import annotations

from studio.audio.dsp import pyo

from studio.audio.levels import amp_to_db, db_to_amp
from studio.mic.capture import MicCapture

CLIP_LEVEL = 0.99  # a sample this close to full scale means the input is too loud
CLIP_HOLD_S = 1.5  # "too loud" stays up this long after the last clipped sample
METER_RELEASE_S = 0.3
DETECTOR_FLOOR = 1e-15  # keeps level followers out of denormal numbers in silence (see master_bus)
GATE_THRESHOLD_DB = -48.0
RADIO_CENTRE_HZ, RADIO_Q = 1400.0, 1.1
ECHO_DELAY_S, ECHO_FEEDBACK, ECHO_LEVEL = 0.32, 0.35, 0.45
REVERB_SIZE, REVERB_DAMP, REVERB_WET = 0.75, 0.5, 0.3
TUNE_STRENGTH = 0.7  # of the way to the nearest note: gentle, the voice stays a voice
TUNE_GLIDE_S = 0.04
TUNE_FFT_SIZE = 1024  # the phase vocoder's window: its delay, kept short for the singer's ears
TUNE_MAKEUP = 1.33  # the phase vocoder's output is this much quieter than its input (measured)
TUNE_LISTEN_DB = -45.0  # below this the voice is not followed (noise has no pitch)
EFFECTS = ("gate", "tune", "radio", "echo", "reverb")
GLIDE_S = 0.03


class MicChannel:
    def __init__(self, server: pyo.Server, source: pyo.PyoObject | None = None, gain_db: float = 0.0,
                 monitor_db: float = -6.0, backing_started: pyo.PyoObject | None = None):
        """source: the signal to treat as the microphone (default: the server's first input).
        backing_started: a trigger on the first sample of a take's backing (see MicCapture)."""
        self.source = source if source is not None else pyo.Input(chnl=0)
        self._gain = pyo.SigTo(db_to_amp(gain_db), time=GLIDE_S, init=db_to_amp(gain_db))
        self.signal = self.source * self._gain
        self.capture = MicCapture(self.signal, server, mark_trigger=backing_started)
        rectified = pyo.Abs(self.signal)
        self._peak = pyo.Follower2(rectified + DETECTOR_FLOOR, risetime=0.001, falltime=METER_RELEASE_S)
        clipped = pyo.Compare(rectified, CLIP_LEVEL, ">=")
        self._clip_hold = pyo.Follower2(clipped + DETECTOR_FLOOR, risetime=0.0001, falltime=CLIP_HOLD_S / 4)
        self._on = {name: pyo.Sig(0.0) for name in EFFECTS}
        self._effects: dict[str, list] = {}
        x = self.signal
        gate = pyo.Gate(x, thresh=GATE_THRESHOLD_DB, risetime=0.005, falltime=0.15, lookahead=1.0)
        x, self._effects["gate"] = pyo.Interp(x, gate, interp=self._on["gate"]), [gate]
        pitch_hz = pyo.Yin(x, tolerance=0.2, minfreq=70, maxfreq=1000, cutoff=1200, winsize=1024)
        sung_note = pyo.FToM(pyo.Clip(pitch_hz, 60.0, 1200.0))  # never log(0): no pitch found yet reads 0 Hz
        self._key_notes = pyo.Snap(sung_note, choice=list(range(12)), scale=0)
        singing = pyo.Compare(self._peak, db_to_amp(TUNE_LISTEN_DB), ">")
        shift = pyo.Port((self._key_notes - sung_note) * singing * TUNE_STRENGTH,
                         risetime=TUNE_GLIDE_S, falltime=TUNE_GLIDE_S)
        ratio = pyo.Pow(2.0, shift * (1.0 / 12.0))
        analysis = pyo.PVAnal(x, size=TUNE_FFT_SIZE, overlaps=4)
        moved = pyo.PVTranspose(analysis, transpo=ratio)
        tuned = pyo.PVSynth(moved, mul=TUNE_MAKEUP)
        x = pyo.Interp(x, tuned, interp=self._on["tune"])
        self._effects["tune"] = [pitch_hz, sung_note, self._key_notes, singing, shift, ratio, analysis, moved,
                                 tuned]
        band = pyo.Biquadx(x, freq=RADIO_CENTRE_HZ, q=RADIO_Q, type=2, stages=2)
        crunch = pyo.Disto(band, drive=0.5, slope=0.6, mul=2.0)
        x, self._effects["radio"] = pyo.Interp(x, crunch, interp=self._on["radio"]), [band, crunch]
        echo = pyo.Delay(x, delay=ECHO_DELAY_S, feedback=ECHO_FEEDBACK, mul=ECHO_LEVEL)
        x, self._effects["echo"] = x + echo * self._on["echo"], [echo]
        reverb = pyo.Freeverb(x, size=REVERB_SIZE, damp=REVERB_DAMP, bal=1.0)
        x, self._effects["reverb"] = x + reverb * self._on["reverb"] * REVERB_WET, [reverb]
        self._monitor_gain = pyo.SigTo(db_to_amp(monitor_db), time=GLIDE_S, init=db_to_amp(monitor_db))
        self._monitor_on = pyo.SigTo(0.0, time=GLIDE_S, init=0.0)
        self.output = pyo.Mix(x * self._monitor_gain * self._monitor_on, voices=2)  # the voice in both ears
        self._keep = [rectified, clipped, x]
        for name in EFFECTS:
            self.set_effect(name, False)

    def set_key(self, root: int, scale_semitones) -> None:
        """The key "tune" pulls the voice to: a root (0 = C) and the scale's semitones above it."""
        self._key_notes.choice = sorted({(root + step) % 12 for step in scale_semitones})

    def set_gain_db(self, gain_db: float) -> None:
        self._gain.value = db_to_amp(gain_db)

    def set_monitor(self, on: bool, level_db: float) -> None:
        self._monitor_on.value = 1.0 if on else 0.0
        self._monitor_gain.value = db_to_amp(level_db)

    def set_effect(self, name: str, on: bool) -> None:
        if name not in EFFECTS:
            raise ValueError(f"effect must be one of {', '.join(EFFECTS)}, got {name!r}")
        self._on[name].value = 1.0 if on else 0.0
        for part in self._effects[name]:
            part.play() if on else part.stop()

    def level_db(self) -> float:
        """The input's peak level now (after the gain), in dBFS."""
        return amp_to_db(self._peak.get())

    def too_loud(self) -> bool:
        """True for a while after a sample reached full scale."""
        return self._clip_hold.get() > 0.05
