"""The master bus: everything the studio plays goes through here on its way out.

    sources -> sum -> safety limiter (-1 dBFS) -> listening volume (capped) -> meters -> out

The limiter sits before the listening volume, so the loudest thing anyone can hear is the
limiter ceiling plus the volume, and the volume can never go above the mentor's headphone
cap. A hard clip at the ceiling backs the limiter up: it only touches the first few
samples of a sudden very loud onset, so the guarantee holds without audible distortion.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.audio.dsp import pyo

from studio.audio.levels import amp_to_db, db_to_amp
from studio.controls import LIMITER_CEILING_DB, SILENCE_DB, effective_volume_db

# Threshold a little below the ceiling: pyo's Compress settles a fraction of a dB above it.
LIMITER_THRESHOLD_DB = LIMITER_CEILING_DB - 1.0
LIMITER_RATIO = 100.0
LIMITER_ATTACK_S = 0.0001
LIMITER_RELEASE_S = 0.1
LIMITER_LOOKAHEAD_MS = 1.0  # the limiter sees peaks coming by delaying the sound this much (kept short: pads must feel instant)
VOLUME_RAMP_S = 0.05  # volume changes glide, so a fader never clicks or jumps
METER_RELEASE_S = 0.3  # peak meter falls back this slowly, like a hardware PPM
# Added to what the limiter and the meters listen to (never to the sound): their level
# followers decay towards it in silence instead of into denormal numbers, which cost the CPU
# several times more (the bus took 80 µs a block after 10 s of silence, against 12 µs).
DETECTOR_FLOOR = 1e-15


def latency_samples(sample_rate: int) -> int:
    """How late the master bus output is against its input (the limiter's look-ahead)."""
    return round(LIMITER_LOOKAHEAD_MS / 1000.0 * sample_rate)


@dataclass
class MasterBus:
    """Handles to the pieces of the master bus that the engine reads or changes."""

    limited: pyo.PyoObject  # after the limiter, before the listening volume (for recording and export)
    output: pyo.PyoObject  # what goes to the speakers or headphones
    _volume: pyo.SigTo
    _meter_in: pyo.PyoObject
    _meter_limited: pyo.PyoObject
    _meter_out: pyo.PyoObject
    _keep: list  # pyo objects that must stay referenced while the graph plays

    def set_volume(self, volume_db: float, headphone_cap_db: float, muted: bool) -> None:
        gain_db = effective_volume_db(volume_db, headphone_cap_db)
        self._volume.value = 0.0 if muted else db_to_amp(gain_db)

    def meter_db(self) -> tuple[float, float]:
        left, right = self._meter_out.get(all=True)
        return amp_to_db(left), amp_to_db(right)

    def limiter_reduction_db(self) -> float:
        before = max(self._meter_in.get(all=True))
        after = max(self._meter_limited.get(all=True))
        if before <= 0.0:
            return 0.0
        return max(0.0, amp_to_db(before) - amp_to_db(after)) if after > 0 else 0.0


def _peak_follower(signal: pyo.PyoObject, keep: list) -> pyo.PyoObject:
    rectified = pyo.Abs(signal) + DETECTOR_FLOOR
    follower = pyo.Follower2(rectified, risetime=0.001, falltime=METER_RELEASE_S)
    # pyo frees an object's DSP when its Python object goes, even mid-graph: keep them all.
    keep.extend([rectified, follower])
    return follower


def build_master_bus(
    sources: list[pyo.PyoObject],
    volume_db: float = SILENCE_DB,
    headphone_cap_db: float = 0.0,
    muted: bool = False,
) -> MasterBus:
    """Sum stereo sources and make them safe to listen to. Works under any pyo server mode."""
    if sources:
        summed = pyo.Mix(sources, voices=2)
    else:
        summed = pyo.Sig([0.0, 0.0])
    # The limiter computes its gain from the sum (plus the detector floor) and that gain is
    # applied to the sum delayed by the look-ahead: what Compress does inside, with the floor
    # kept out of the sound, so silence stays exactly 0.
    detector = summed + DETECTOR_FLOOR
    gain = pyo.Compress(
        detector,
        thresh=LIMITER_THRESHOLD_DB,
        ratio=LIMITER_RATIO,
        risetime=LIMITER_ATTACK_S,
        falltime=LIMITER_RELEASE_S,
        lookahead=LIMITER_LOOKAHEAD_MS,
        knee=0,
        outputAmp=True,
    )
    sample_rate = summed.getSamplingRate()
    delayed = pyo.SDelay(summed, delay=(latency_samples(sample_rate) + 0.5) / sample_rate,
                         maxdelay=0.01)  # + half a sample: pyo truncates to whole samples
    limiter = delayed * gain
    ceiling = db_to_amp(LIMITER_CEILING_DB)
    limited = pyo.Clip(limiter, min=-ceiling, max=ceiling)
    start_gain = 0.0 if muted else db_to_amp(effective_volume_db(volume_db, headphone_cap_db))
    volume = pyo.SigTo(start_gain, time=VOLUME_RAMP_S, init=start_gain)
    output = pyo.Mix(limited, voices=2, mul=volume)
    keep: list = [summed, detector, gain, delayed, limiter]
    return MasterBus(
        limited=limited,
        output=output,
        _volume=volume,
        _meter_in=_peak_follower(summed, keep),
        _meter_limited=_peak_follower(limited, keep),
        _meter_out=_peak_follower(output, keep),
        _keep=keep,
    )
