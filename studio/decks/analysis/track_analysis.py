"""What the decks need to know about a track, from its samples: analyse_samples().

    onsets.py     mono at 22050 Hz, onset strength per band, band levels
    tempo.py      the tempo and a beat grid over the whole track (beat_grid.py)
    downbeat.py   which beat is bar 1
    key.py        the key (chroma and Krumhansl-Schmuckler profiles)
    loudness.py   integrated loudness (pyloudnorm), the gain to -14 LUFS, the peak
    waveform.py   three-band pictures to draw

Everything here is plain data that pickles small (it crosses from the loading process to the app)
and turns into JSON for the track cache.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

import numpy as np

from studio.audio.loudness import integrated_loudness_lufs
from studio.decks.analysis.downbeat import BEATS_PER_BAR, first_downbeat_s
from studio.decks.analysis.key import chroma_frames, estimate_key
from studio.decks.analysis.loudness import peak_db, suggested_gain_db
from studio.decks.analysis.onsets import ANALYSIS_RATE_HZ, onsets_of, resampled
from studio.decks.analysis.tempo import estimate_tempo, music_span_s
from studio.decks.analysis.waveform import DETAIL_COLUMNS_PER_S, OVERVIEW_COLUMNS, band_columns


@dataclass
class TrackAnalysis:
    bpm: float  # 0.0 when there is no clear beat
    bpm_confidence: float  # 0..1
    first_beat_s: float  # the first downbeat; the grid is first_beat_s + n * 60 / bpm
    beats_per_bar: int
    key: str  # "A minor", or "" when unclear
    key_confidence: float  # 0..1
    loudness_lufs: float  # integrated; -inf for silence
    gain_db: float  # the deck gain that brings the track to -14 LUFS, within -12..+12 dB
    peak_db: float  # -inf for silence
    duration_s: float

    @property
    def has_beat(self) -> bool:
        return self.bpm > 0

    def to_json(self) -> dict:
        """A dict for json.dumps: -inf (silence) becomes None, as JSON has no infinity."""
        return {name: (None if isinstance(value, float) and not math.isfinite(value) else value)
                for name, value in asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict) -> "TrackAnalysis":
        """Back from to_json(); raises ValueError (KeyError, TypeError too) when data is not one."""
        values = {}
        for field in fields(cls):
            value = data[field.name]
            if field.name in ("loudness_lufs", "peak_db") and value is None:
                value = -math.inf
            values[field.name] = {"int": int, "str": str}.get(field.type, float)(value)
        return cls(**values)


@dataclass
class Waveform:
    """For drawing: per column, the peak level of the low (< 250 Hz), mid and high (> 2.5 kHz) bands,
    0..255 (see waveform.py)."""
    overview: np.ndarray  # (OVERVIEW_COLUMNS, 3) uint8, the whole track
    detail: np.ndarray  # (columns, 3) uint8, detail_columns_per_s columns a second
    detail_columns_per_s: float


def analyse_samples(samples: np.ndarray, sample_rate: int) -> tuple[TrackAnalysis, Waveform]:
    """Analyse (frames, 2) float32 samples (a memory map is fine: it is read a piece at a time).

    Never raises for what the sound is: silence gives bpm 0, key "" and loudness -inf; music with no
    clear beat gives bpm 0.
    """
    samples = samples.reshape(len(samples), -1)
    duration_s = len(samples) / sample_rate
    mono = resampled(samples, sample_rate, ANALYSIS_RATE_HZ, mono=True)
    onsets = onsets_of(mono)
    tempo = estimate_tempo(onsets)
    chroma, chroma_rate_hz = chroma_frames(mono, ANALYSIS_RATE_HZ)
    key, key_confidence = estimate_key(chroma)
    bpm, first_beat = 0.0, 0.0
    if tempo.grid is not None:
        music_start_s, _ = music_span_s(tempo.novelty, onsets)
        bpm = float(tempo.grid.bpm)
        first_beat = float(first_downbeat_s(tempo.grid, onsets, chroma, chroma_rate_hz, music_start_s, duration_s))
    loudness = integrated_loudness_lufs(samples, sample_rate)  # at the track's own rate: the treble counts
    analysis = TrackAnalysis(
        bpm=bpm, bpm_confidence=round(float(tempo.confidence), 3), first_beat_s=first_beat,
        beats_per_bar=BEATS_PER_BAR, key=key, key_confidence=round(float(key_confidence), 3),
        loudness_lufs=loudness, gain_db=suggested_gain_db(loudness), peak_db=peak_db(samples),
        duration_s=duration_s,
    )
    waveform = Waveform(
        overview=band_columns(onsets.band_level, onsets.frame_rate_hz, OVERVIEW_COLUMNS, duration_s),
        detail=band_columns(onsets.band_level, onsets.frame_rate_hz,
                            max(1, round(duration_s * DETAIL_COLUMNS_PER_S)), duration_s),
        detail_columns_per_s=float(DETAIL_COLUMNS_PER_S),
    )
    return analysis, waveform
