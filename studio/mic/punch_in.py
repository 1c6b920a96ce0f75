"""Punch-in: part of a take sung again, joined into it.

A punch-in records a whole new take while the earlier one plays as its run-up (see
studio.engine.messages.RecordOver). Both line up with the song (their align_frames), so the
part between from_s and to_s (seconds of the song) is taken from the new take and put into a
copy of the earlier one, with short crossfades so the joins do not click. Nothing is
overwritten: the joined take is a take of its own, and both takes it came from stay.
"""

from __future__ import annotations

import numpy as np
import soundfile

from studio.mic.take_writer import TakeWriter
from studio.mic.takes import MAX_NAME_CHARACTERS, TakeInfo, TakeStore

CROSSFADE_S = 0.01


def punched_in(original: np.ndarray, original_align: int, new: np.ndarray, new_align: int,
               from_s: float, to_s: float, sample_rate: int) -> np.ndarray:
    """The original (mono float frames, lined up with the song by original_align) with the song's
    from_s..to_s taken from new (lined up by new_align), in the original's own timeline."""
    if not 0 <= from_s < to_s:
        raise ValueError(f"a punch-in must end after it starts, got {from_s:g} s to {to_s:g} s")
    start, end = original_align + round(from_s * sample_rate), original_align + round(to_s * sample_rate)
    joined = np.zeros(max(len(original), end), dtype=np.float32)
    joined[:len(original)] = original
    shift = new_align - original_align  # the new take's frame for each of the original's
    part = np.zeros(end - start, dtype=np.float32)
    source = new[max(0, start + shift):max(0, end + shift)]
    part[max(0, -(start + shift)):][:len(source)] = source[:len(part)]
    fade = min(round(CROSSFADE_S * sample_rate), (end - start) // 2)
    weight = np.ones(end - start, dtype=np.float32)
    if fade:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        weight[:fade], weight[-fade:] = ramp, ramp[::-1]
    joined[start:end] = joined[start:end] * (1.0 - weight) + part * weight
    return joined


def save_punched_in(store: TakeStore, original: TakeInfo, new: TakeInfo, from_s: float, to_s: float) -> TakeInfo:
    """Join the two takes (see punched_in) and keep the result as a new take, named after the original."""
    before, _ = soundfile.read(store.wav_path(original.take_id), dtype="float32")
    after, _ = soundfile.read(store.wav_path(new.take_id), dtype="float32")
    joined = punched_in(before, original.align_frames, after, new.align_frames, from_s, to_s, original.sample_rate)
    info, path = store.new_take(original.sample_rate, 1, name=f"{original.name} (punched in)"[:MAX_NAME_CHARACTERS],
                                backing=original.backing, bpm=original.bpm, align_frames=original.align_frames,
                                lyrics=original.lyrics, participant_id=original.participant_id)
    writer = TakeWriter(path, original.sample_rate).start()
    writer.write(joined)
    return store.finish(info, writer.stop())
