"""Every change to a beat, each one undoable: the one edit API for touch, MIDI and tests.

Each edit checks its arguments (ValueError naming the allowed range, nothing changed), then
replaces one part of the beat (a row, a pattern, a pad, the tempo, ...) with a changed copy and
records (part, before, after) in a bounded history. Undo and redo put a copy of before or after
back. An edit that changes nothing is not recorded and not reported.

After every edit, undo and redo, on_change(beat, what) is called; what names the part that
changed, in the file's spelling: "bpm", "swing", "chain", "title", "kit", "pads[3]",
"patterns.A" or "patterns.A.rows[3]".
"""

from __future__ import annotations

import copy
from collections import deque
from dataclasses import dataclass, replace
from typing import Any, Callable, Hashable, Iterable

from studio.beats.beat_file import (
    check_beat, check_chain, check_flag, check_keys_field, check_number, check_pad_setting, check_pattern_name,
    check_step_count, check_text, check_whole_number,
)
from studio.beats.model import MAX_BPM, MAX_SWING, MIN_BPM, MIN_SWING, PAD_COUNT, TICKS_PER_STEP, Beat, Pattern, Row

HISTORY_LIMIT = 500
TAP_RESET_S = 2.0  # a longer gap between taps starts a new count
TAP_BOUNCE_S = 0.1  # taps closer than this are one finger landing twice, not two taps
TAPS_AVERAGED = 8  # tempo = average interval over at most this many recent taps

PartPath = tuple[Hashable, ...]  # where a part lives in the beat: ("patterns", "A", "rows", 3)


@dataclass
class _Edit:
    path: PartPath
    before: Any
    after: Any
    merge_key: Hashable = None  # consecutive edits with the same key become one undo step


class BeatEditor:
    def __init__(self, beat: Beat, on_change: Callable[[Beat, str], None] | None = None,
                 history_limit: int = HISTORY_LIMIT):
        self.beat = check_beat(beat)
        self.on_change = on_change
        self._undo: deque[_Edit] = deque(maxlen=history_limit)
        self._redo: list[_Edit] = []
        self._tap_times_s: list[float] = []
        self._tap_run = 0  # which run of taps is going on: a run is one undo step

    # ---- steps and rows ------------------------------------------------------------------------

    def toggle_step(self, pattern: str, pad: int, step: int, velocity: float = 1.0) -> float:
        """A hit (at velocity) where there was none, or silence where there was one.

        Returns the step's new velocity."""
        velocity = check_number("velocity", velocity, 0, 1)
        if velocity == 0:
            raise ValueError("velocity of a new hit must be above 0 and at most 1, got 0")
        row = self._row(pattern, pad)
        self._check_step(pattern, step)
        new_velocity = 0.0 if row.velocities[step] > 0 else velocity
        self.set_velocity(pattern, pad, step, new_velocity)
        return new_velocity

    def set_velocity(self, pattern: str, pad: int, step: int, velocity: float) -> None:
        """0 removes the hit; up to 1 is full strength."""
        row = self._row(pattern, pad)
        self._check_step(pattern, step)
        velocities = list(row.velocities)
        velocities[step] = check_number("velocity", velocity, 0, 1)
        self._change(("patterns", pattern, "rows", pad), replace(row, velocities=velocities))

    def clear_step(self, pattern: str, pad: int, step: int) -> None:
        """Remove every hit in a step: the one on it and any recorded between it and the next."""
        row = self._row(pattern, pad)
        self._check_step(pattern, step)
        velocities = list(row.velocities)
        velocities[step] = 0.0
        first = step * TICKS_PER_STEP
        off_grid = {tick: v for tick, v in row.off_grid.items() if not first < tick < first + TICKS_PER_STEP}
        self._change(("patterns", pattern, "rows", pad), replace(row, velocities=velocities, off_grid=off_grid))

    def record_hits(self, pattern: str, hits: Iterable[tuple[int, int, float]], take: Hashable = None) -> None:
        """Add recorded hits, each (pad, tick in the pattern, velocity), replacing a hit on the same
        tick. Hits on a step's first tick go on the step; others between steps (Row.off_grid).
        All the calls with the same take (while nothing else is edited) are one undo step."""
        old = self._pattern(pattern)
        rows = {}
        last_tick = old.step_count * TICKS_PER_STEP - 1
        for pad, tick, velocity in hits:
            row = rows.get(pad) or copy.deepcopy(self._row(pattern, pad))
            tick = check_whole_number("tick", tick, 0, last_tick)
            velocity = check_number("velocity", velocity, 0, 1)
            if velocity == 0:
                raise ValueError("velocity of a recorded hit must be above 0 and at most 1, got 0")
            step, into_step = divmod(tick, TICKS_PER_STEP)
            if into_step == 0:
                row.velocities[step] = velocity
            else:
                row.off_grid[tick] = velocity
                row.off_grid = dict(sorted(row.off_grid.items()))
            rows[pad] = row
        if rows:
            new_rows = [rows.get(row.pad, row) for row in old.rows]
            self._change(("patterns", pattern), replace(old, rows=new_rows),
                         merge_key=None if take is None else ("record", take))

    def set_row_length(self, pattern: str, pad: int, length: int) -> None:
        """The row loops after length steps (fewer than the pattern's steps makes a polymeter)."""
        row = self._row(pattern, pad)
        length = check_whole_number("row length", length, 1, self._pattern(pattern).step_count)
        self._change(("patterns", pattern, "rows", pad), replace(row, length=length))

    def set_mute(self, pattern: str, pad: int, muted: bool) -> None:
        row = self._row(pattern, pad)
        self._change(("patterns", pattern, "rows", pad), replace(row, mute=check_flag("mute", muted)))

    def set_solo(self, pattern: str, pad: int, soloed: bool) -> None:
        row = self._row(pattern, pad)
        self._change(("patterns", pattern, "rows", pad), replace(row, solo=check_flag("solo", soloed)))

    # ---- patterns and the song -----------------------------------------------------------------

    def set_step_count(self, pattern: str, step_count: int) -> None:
        """16 or 32 steps. Growing 16 -> 32 repeats the first 16 steps, so the beat sounds as before
        (as GarageBand does); rows that ran the whole pattern run the whole new length.
        Shrinking keeps the first steps and shortens longer rows; undo brings the rest back."""
        old = self._pattern(pattern)
        step_count = check_step_count("step count", step_count)
        rows = []
        old_ticks = old.step_count * TICKS_PER_STEP
        for row in old.rows:
            if step_count > old.step_count:
                velocities = (row.velocities * 2)[:step_count]
                length = step_count if row.length == old.step_count else row.length
                off_grid = {**row.off_grid, **{tick + old_ticks: v for tick, v in row.off_grid.items()}}
            else:
                velocities, length = row.velocities[:step_count], min(row.length, step_count)
                off_grid = {tick: v for tick, v in row.off_grid.items() if tick < step_count * TICKS_PER_STEP}
            rows.append(Row(row.pad, velocities, length, row.mute, row.solo, off_grid))
        self._change(("patterns", pattern), Pattern(pattern, step_count, rows))

    def clear_pattern(self, pattern: str) -> None:
        """Remove every hit; step count, row lengths, mute and solo stay."""
        old = self._pattern(pattern)
        rows = [replace(row, velocities=[0.0] * old.step_count, off_grid={}) for row in old.rows]
        self._change(("patterns", pattern), Pattern(pattern, old.step_count, rows))

    def copy_pattern(self, source: str, destination: str) -> None:
        """destination becomes a copy of source (steps, lengths, mute and solo)."""
        copied = copy.deepcopy(self._pattern(source))
        check_pattern_name("destination pattern", destination)
        self._change(("patterns", destination), replace(copied, name=destination))

    def set_chain(self, names: Iterable[str]) -> None:
        """The song: patterns played in this order, for example ["A", "A", "B", "A"] (or "AABA")."""
        names = list(names) if isinstance(names, (list, tuple, str)) else names
        self._change(("chain",), check_chain("chain", names))

    # ---- the whole beat ------------------------------------------------------------------------

    def set_bpm(self, bpm: float) -> float:
        """Set the tempo, rounded to 0.1 BPM; returns the tempo set."""
        bpm = round(check_number("bpm", bpm, MIN_BPM, MAX_BPM), 1)
        self._change(("bpm",), bpm)
        return bpm

    def tap_tempo(self, time_s: float) -> float | None:
        """One tap (time_s from any steady clock, e.g. time.monotonic()); returns the tempo set, or
        None while there is only one tap. The tempo is the average interval of the recent taps; a
        gap over 2 s starts again. A tempo out of 60..200 is halved (tapped on eighths) or doubled
        (tapped on half notes) until it fits, so 240 taps/min sets 120 and 40 sets 80.
        All taps of one run are one undo step."""
        time_s = check_number("tap time_s", time_s, float("-inf"), float("inf"))
        taps = self._tap_times_s
        if taps and time_s - taps[-1] < TAP_BOUNCE_S and time_s >= taps[-1]:
            return None
        if not taps or not 0 <= time_s - taps[-1] <= TAP_RESET_S:
            taps.clear()
            self._tap_run += 1
        taps.append(time_s)
        del taps[:-TAPS_AVERAGED]
        if len(taps) < 2:
            return None
        bpm = 60.0 * (len(taps) - 1) / (taps[-1] - taps[0])
        # Compared after rounding: taps 0.3 s apart give 200.00000000000014, which is 200.
        while round(bpm, 1) > MAX_BPM:
            bpm /= 2
        while round(bpm, 1) < MIN_BPM:
            bpm *= 2
        bpm = round(bpm, 1)
        self._change(("bpm",), bpm, merge_key=("tap", self._tap_run))
        return bpm

    def set_swing(self, swing: float) -> None:
        """0.5 plays straight; up to 0.75 pushes every second sixteenth late (see model.py)."""
        self._change(("swing",), check_number("swing", swing, MIN_SWING, MAX_SWING))

    def set_pad(self, pad: int, **settings: float) -> None:
        """Change one pad's sound, e.g. set_pad(3, volume_db=-6.0, pan=0.5)."""
        pad = check_whole_number("pad", pad, 0, PAD_COUNT - 1)
        checked = {key: check_pad_setting(f"pads[{pad}]", key, value) for key, value in settings.items()}
        self._change(("pads", pad), replace(self.beat.pads[pad], **checked))

    def set_keys(self, **settings) -> None:
        """Change the note pads' key, scale, sound or octave, e.g. set_keys(root=2, scale="blues")."""
        checked = {key: check_keys_field("keys", key, value) for key, value in settings.items()}
        self._change(("keys",), replace(self.beat.keys, **checked))

    def set_title(self, title: str) -> None:
        self._change(("title",), check_text("title", title))

    def set_kit(self, kit: str) -> None:
        self._change(("kit",), check_text("kit", kit))

    # ---- undo and redo -------------------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo(self) -> bool:
        """Take back the last edit; False when there is nothing to undo."""
        if not self._undo:
            return False
        edit = self._undo.pop()
        self._redo.append(edit)
        self._tap_times_s.clear()
        self._put(edit.path, edit.before)
        return True

    def redo(self) -> bool:
        """Make again the last edit undone; False when there is nothing to redo."""
        if not self._redo:
            return False
        edit = self._redo.pop()
        self._undo.append(edit)
        self._put(edit.path, edit.after)
        return True

    # ---- inside --------------------------------------------------------------------------------

    def _pattern(self, name: str) -> Pattern:
        return self.beat.patterns[check_pattern_name("pattern", name)]

    def _row(self, pattern: str, pad: int) -> Row:
        return self._pattern(pattern).rows[check_whole_number("pad", pad, 0, PAD_COUNT - 1)]

    def _check_step(self, pattern: str, step: int) -> None:
        check_whole_number("step", step, 0, self._pattern(pattern).step_count - 1)

    def _change(self, path: PartPath, new_value: Any, merge_key: Hashable = None) -> None:
        old_value = _get(self.beat, path)
        if new_value == old_value:
            return
        last = self._undo[-1] if self._undo else None
        if merge_key is not None and last and last.merge_key == merge_key and last.path == path and not self._redo:
            last.after = copy.deepcopy(new_value)
            if last.after == last.before:  # tapped back to where it was: nothing left to undo
                self._undo.pop()
        else:
            # Copies, so that history never shares a list with the live beat (or with callers).
            self._undo.append(_Edit(path, copy.deepcopy(old_value), copy.deepcopy(new_value), merge_key))
        self._redo.clear()
        self._put(path, new_value)

    def _put(self, path: PartPath, value: Any) -> None:
        parent, key = _get(self.beat, path[:-1]), path[-1]
        value = copy.deepcopy(value)
        if isinstance(parent, (dict, list)):
            parent[key] = value
        else:
            setattr(parent, key, value)
        if self.on_change:
            self.on_change(self.beat, _path_name(path))


def _get(beat: Beat, path: PartPath) -> Any:
    part: Any = beat
    for key in path:
        part = part[key] if isinstance(part, (dict, list)) else getattr(part, key)
    return part


def _path_name(path: PartPath) -> str:
    """("patterns", "A", "rows", 3) -> "patterns.A.rows[3]", as field names read in messages."""
    name = ""
    for key in path:
        name += f"[{key}]" if isinstance(key, int) else (f".{key}" if name else key)
    return name
