"""One deck's channel strip, as on a DJ mixer:

    deck -> key lock -> gain -> 3-band EQ (with kills) -> filter -> [cue tap] -> channel fader -> VU

Key lock keeps the pitch when the tempo moves: a phase vocoder (pyo's PVAnal/PVTranspose/PVSynth)
transposes the sound back by 1/rate. It is late by its window (KEY_LOCK_WINDOW frames, measured by
cross-correlation), so the straight path is always delayed by as much: switching key lock on or
off, or between straight and locked when the rate returns to 1, never moves the beat, and both
decks are always exactly as late as each other.

The EQ is a Linkwitz-Riley crossover (two 4th-order splits at LOW_MID_HZ and MID_HIGH_HZ) with the
low band passed through the second split's all-pass, so the three bands at 0 dB sum to a flat
response, and a kill takes its band out by 35 dB or more (24 dB an octave past the crossovers;
tests/studio/decks/test_deck_sound.py measures each band).
"""

from __future__ import annotations

from studio.audio.dsp import pyo

from studio.audio.levels import db_to_amp

KEY_LOCK_WINDOW = 1024  # frames of the phase vocoder's FFT; its latency, whatever the buffer size
KEY_LOCK_OVERLAPS = 4
KEY_LOCK_GAIN = 4.0 / 3.0  # the vocoder returns 0.75 of the level (measured on noise)
LOW_MID_HZ = 250.0
MID_HIGH_HZ = 3000.0
BUTTERWORTH_Q = 0.7071  # two Butterworth stages in a row make one Linkwitz-Riley 4th-order filter
EQ_GLIDE_S = 0.02
FILTER_Q = 1.2
FILTER_GLIDE_S = 0.03
FADER_GLIDE_S = 0.01
METER_RELEASE_S = 0.3
KILL_DB = -120.0


class DeckChannel:
    def __init__(self, deck_sound: pyo.PyoObject, rate: pyo.PyoObject, sample_rate: int):
        self._keep: list = []
        # --- key lock: the straight sound delayed as much as the vocoder's ---
        delay_s = (KEY_LOCK_WINDOW + 0.5) / sample_rate  # + half a sample: pyo truncates to whole samples
        straight = pyo.SDelay(deck_sound, delay=delay_s, maxdelay=delay_s * 2)
        speed = pyo.Max(pyo.Abs(rate), 0.25)  # paused or scratching: the vocoder is not heard anyway
        self._analysis = pyo.PVAnal(deck_sound, size=KEY_LOCK_WINDOW, overlaps=KEY_LOCK_OVERLAPS)
        self._transposed = pyo.PVTranspose(self._analysis, transpo=1.0 / speed)
        self._locked = pyo.PVSynth(self._transposed, mul=KEY_LOCK_GAIN)
        self._lock_mix = pyo.SigTo(0.0, time=0.03, init=0.0)  # 0 straight, 1 locked
        keyed = pyo.Interp(straight, self._locked, interp=self._lock_mix)
        self._keep += [straight, speed]
        self._set_vocoder_running(False)
        # --- gain and EQ ---
        self._gain = pyo.SigTo(1.0, time=EQ_GLIDE_S, init=1.0)
        gained = keyed * self._gain
        self._band_gains = [pyo.SigTo(1.0, time=EQ_GLIDE_S, init=1.0) for _ in range(3)]
        low, mid, high = _three_bands(gained, self._keep)
        equalised = low * self._band_gains[0] + mid * self._band_gains[1] + high * self._band_gains[2]
        # --- filter: low-pass to the left of the middle, high-pass to the right ---
        self._lowpass_hz = pyo.SigTo(20000.0, time=FILTER_GLIDE_S, init=20000.0)
        self._highpass_hz = pyo.SigTo(20.0, time=FILTER_GLIDE_S, init=20.0)
        lowpassed = pyo.Biquad(equalised, freq=self._lowpass_hz, q=FILTER_Q, type=0)
        filtered = pyo.Biquad(lowpassed, freq=self._highpass_hz, q=FILTER_Q, type=1)
        self._filter_mix = pyo.SigTo(0.0, time=FILTER_GLIDE_S, init=0.0)  # 0: the filter is bypassed
        self.pre_fader = pyo.Interp(equalised, filtered, interp=self._filter_mix)
        self._keep += [gained, low, mid, high, equalised, lowpassed, filtered]
        # --- channel fader and meter ---
        self._fader = pyo.SigTo(1.0, time=FADER_GLIDE_S, init=1.0)
        self.output = self.pre_fader * self._fader
        rectified = pyo.Abs(self.output) + 1e-15  # the floor keeps the follower out of denormals
        self._meter = pyo.Follower2(rectified, risetime=0.001, falltime=METER_RELEASE_S)
        self._keep += [rectified]
        self._strip_objects = [obj for obj in self._keep + [keyed, self.pre_fader, self.output, self._meter]
                               if isinstance(obj, pyo.PyoObject)]
        self._key_lock_on = False
        self.awake = True

    # --- key lock ---------------------------------------------------------------------------
    def set_key_lock(self, engaged: bool) -> None:
        """engaged: key lock is on and the deck plays at a rate other than 1 (the caller decides)."""
        if engaged:
            self._set_vocoder_running(True)
        self._lock_mix.value = 1.0 if engaged else 0.0

    def set_key_lock_available(self, on: bool) -> None:
        """Run the vocoder (it costs CPU) only while key lock is switched on."""
        self._key_lock_on = on
        self._set_vocoder_running(on and self.awake)
        if not on:
            self._lock_mix.value = 0.0

    def set_awake(self, awake: bool) -> None:
        """An idle deck's strip stops computing (its sound has faded out): it costs almost nothing."""
        self.awake = awake
        for obj in self._strip_objects:
            if awake and not obj.isPlaying():
                obj.play()
            elif not awake and obj.isPlaying():
                obj.stop()
        self._set_vocoder_running(awake and self._key_lock_on)

    def _set_vocoder_running(self, running: bool) -> None:
        for obj in (self._analysis, self._transposed, self._locked):
            if running and not obj.isPlaying():
                obj.play()
            elif not running and obj.isPlaying():
                obj.stop()

    # --- the strip ------------------------------------------------------------------------------
    def set_gain_db(self, gain_db: float) -> None:
        self._gain.value = db_to_amp(gain_db)

    def set_eq(self, band: int, gain_db: float, killed: bool) -> None:
        """band 0 low, 1 mid, 2 high."""
        self._band_gains[band].value = 0.0 if killed else db_to_amp(gain_db)

    def set_filter(self, amount: float) -> None:
        """-1 (low-pass, dark) .. 0 (off) .. +1 (high-pass, thin)."""
        amount = max(-1.0, min(1.0, amount))
        self._filter_mix.value = 0.0 if abs(amount) < 0.02 else 1.0
        # Exponential sweeps, so the knob feels even: 20 kHz -> 120 Hz and 20 Hz -> 6 kHz.
        self._lowpass_hz.value = 20000.0 * (120.0 / 20000.0) ** max(0.0, -amount)
        self._highpass_hz.value = 20.0 * (6000.0 / 20.0) ** max(0.0, amount)

    def set_fader(self, level: float) -> None:
        """The channel fader, 0..1, as a gain with a curve like a mixer's (about -20 dB at half way)."""
        level = max(0.0, min(1.0, level))
        self._fader.value = level ** 3.3

    def meter_level(self) -> float:
        """Peak level after the fader, as an amplitude (both sides' larger)."""
        return max(self._meter.get(all=True))


def _three_bands(x: pyo.PyoObject, keep: list) -> tuple[pyo.PyoObject, pyo.PyoObject, pyo.PyoObject]:
    def lr4(signal, freq_hz, kind):  # kind 0 low-pass, 1 high-pass
        return pyo.Biquadx(signal, freq=freq_hz, q=BUTTERWORTH_Q, type=kind, stages=2)

    below, above = lr4(x, LOW_MID_HZ, 0), lr4(x, LOW_MID_HZ, 1)
    mid, high = lr4(above, MID_HIGH_HZ, 0), lr4(above, MID_HIGH_HZ, 1)
    # The low band through the same split's all-pass (low-pass + high-pass of one LR4 pair),
    # so its phase matches the other two and the sum is flat.
    low_a, low_b = lr4(below, MID_HIGH_HZ, 0), lr4(below, MID_HIGH_HZ, 1)
    low = low_a + low_b
    keep += [below, above, low_a, low_b]
    return low, mid, high
