"""Rendering a beat to a WAV file offline, through the same graphs the live app plays.

    sequencer -> master bus (safety limiter) -> file

Faster than real time; what is rendered is what the pads and sequencer play live.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path


import soundfile

from studio.audio.master_bus import build_master_bus, latency_samples
from studio.audio.servers import make_server
from studio.beats.model import STEPS_PER_BEAT, Beat
from studio.beats.schedule import song_duration_s, song_steps
from studio.beats.sequencer_graph import Sequencer
from studio.beats.pad_sounds import pad_sounds_of
from studio.kits.kit import Kit
from studio.kits.library import load_kit

STEPS_PER_BAR = 4 * STEPS_PER_BEAT
TAIL_S = 1.0  # let the last hits ring out
MAX_RENDER_S = 30 * 60


@dataclass(frozen=True)
class RenderedBeat:
    path: Path
    duration_s: float
    bars: float


def song_bars(beat: Beat) -> float:
    return len(song_steps(beat)) / STEPS_PER_BAR


def render_beat(
    beat: Beat,
    out_path: Path,
    bars: float | None = None,
    kit: Kit | None = None,
    sample_rate: int = 48000,
) -> RenderedBeat:
    """Render ``bars`` bars (default: the song once) plus a short tail, as 24-bit WAV.

    Raises KitError if the beat's kit cannot be loaded, ValueError for a bad length, OSError
    if the file cannot be written. A failed render never leaves a half-written file.
    """
    kit = kit or load_kit(beat.kit, sample_rate)
    bars = song_bars(beat) if bars is None else bars
    if not 0 < bars:
        raise ValueError(f"bars must be more than 0, got {bars:g}")
    repeats = bars / song_bars(beat)
    music_s = float(song_duration_s(beat)) * repeats
    duration_s = music_s + TAIL_S
    if duration_s > MAX_RENDER_S:
        raise ValueError(f"a render can be at most {MAX_RENDER_S // 60} minutes long, this one would be "
                         f"{duration_s / 60:.0f}")
    out_path = Path(out_path)
    raw = out_path.with_name(out_path.stem + ".rendering.wav")  # pyo picks the format by extension
    partial = out_path.with_name(out_path.name + ".partial")
    delay = latency_samples(sample_rate)
    server = make_server("offline", sample_rate, 256, 2)
    try:
        server.recordOptions(dur=duration_s + delay / sample_rate, filename=str(raw), fileformat=0, sampletype=3)
        sounds = pad_sounds_of(kit)
        sequencer = Sequencer(server, sounds.samples, beat, sounds.choke_groups, sounds.midi_notes)
        # Stop triggering new steps where the music ends; the tail only lets hits ring out.
        stop_after_steps = math.ceil(len(song_steps(beat)) * repeats)
        sequencer.limit_steps(stop_after_steps)
        bus = build_master_bus([sequencer.output])
        bus.limited.out()
        sequencer.play()
        server.start()  # offline: returns once the whole file is rendered
    finally:
        server.shutdown()
    if not raw.exists():
        raise OSError(f"the render could not be written to {out_path.parent}")
    try:
        # Line the file up with the music: drop the limiter's look-ahead from the start.
        audio, _ = soundfile.read(raw, dtype="float32", always_2d=True)
        frames = round(duration_s * sample_rate)
        soundfile.write(partial, audio[delay:delay + frames], sample_rate, subtype="PCM_24", format="WAV")
        partial.replace(out_path)
    finally:
        raw.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
    return RenderedBeat(out_path, duration_s, bars)

