"""Helpers for the touch tests: a fake engine client, taps and drags, and PNG checks."""

from __future__ import annotations

import copy
import os
import struct
import zlib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from studio.controls import check_action, default_values
from studio.decks.deck_status import DeckStatus
from studio.engine.client import ActionRefused
from studio.engine.messages import EngineEvent, EngineState
from studio.settings import AudioSettings

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"  # git-ignored: screenshots to look at
NO_DISPLAY_REASON = "needs a display: run under Xvfb, e.g. xvfb-run -a -s '-screen 0 2048x1536x24' pytest tests/apps"
needs_display = pytest.mark.skipif(not os.environ.get("DISPLAY"), reason=NO_DISPLAY_REASON)


def skip_module_without_display() -> None:
    """Call before importing kivy: without a display, Kivy cannot open its window."""
    if not os.environ.get("DISPLAY"):
        pytest.skip(NO_DISPLAY_REASON, allow_module_level=True)


class FakeEngineClient:
    """The EngineClient API without an engine: records what the UI asked for."""

    def __init__(self, settings: AudioSettings | None = None, state: EngineState | None = None):
        self.settings = settings or AudioSettings(backend="none")
        self.state = state or EngineState(backend="none", device_ok=False,
                                          device_message="Sound is off (silent mode chosen)",
                                          sample_rate=48000, buffer_size=256, bpm=90.0, xruns=0)
        self.actions = []
        self.events: list[EngineEvent] = []
        self.settings_changes: list[AudioSettings] = []
        self.beats = []  # every beat the UI asked the engine to play (copies), oldest first
        self.takes_recorded_over: list = []  # RecordOver (punch-in) requests
        self.takes_played: list = []  # (path, skip_frames, backing) per play_take, None per stop_take
        self._values = default_values()
        self._guards = []
        self.take_owners = []  # every set_take_owner, oldest first
        self.ejected = []  # every eject_track's deck, oldest first
        # The decks: what the Decks screen asked for.
        self.state.decks = (DeckStatus(), DeckStatus())
        self.prepared: list[float] = []
        self.loads: list = []  # LoadTrack messages
        self.grids: list[tuple[int, float, float]] = []
        self.hot_cues_set: list[tuple[int, int, float | None]] = []
        self.hot_cues_noted: list[tuple[int, int, float | None]] = []

    def start(self):
        pass

    def stop(self, timeout_s: float = 3.0):
        pass

    def act(self, group, control, value):
        action = check_action(group, control, value)
        for guard in self._guards:
            refusal = guard(action)
            if refusal:
                raise ActionRefused(refusal)
        self._values[(group, control)] = action.value
        self.actions.append(action)
        return action

    def value(self, group, control):
        return self._values[(group, control)]

    def add_guard(self, guard):
        self._guards.append(guard)

    def set_take_owner(self, participant_id):
        self.take_owners.append(participant_id)

    def eject_track(self, deck):
        self.ejected.append(deck)
        self.set_deck(deck, loaded=False, title="", source_path="")

    def set_beat(self, beat):
        self.beats.append(copy.deepcopy(beat))

    def play_take(self, path, skip_frames, backing="none", keep_s=None, fades_s=(0.0, 0.0)):
        self.takes_played.append((str(path), skip_frames, backing))
        self.state.take_playing = str(path)

    def prepare_decks(self, capacity_s):
        self.prepared.append(capacity_s)

    def load_track(self, load):
        self.loads.append(load)

    def set_beat_grid(self, deck, bpm, first_beat_s):
        self.grids.append((deck, bpm, first_beat_s))

    def set_hot_cue(self, deck, index, position_s):
        self.hot_cues_set.append((deck, index, position_s))

    def note_hot_cue(self, deck, index, position_s):
        self.hot_cues_noted.append((deck, index, position_s))

    def set_deck(self, deck: int, **fields) -> DeckStatus:
        """Change what the engine says of a deck (fields of DeckStatus)."""
        decks = list(self.state.decks)
        decks[deck - 1] = replace(decks[deck - 1], **fields)
        self.state.decks = tuple(decks)
        return decks[deck - 1]

    def record_over(self, path, skip_frames, backing, keep_s=None, fades_s=(0.0, 0.0)):
        action = check_action("mic", "recording", 1.0)  # a punch-in records a voice: the guards are asked
        for guard in self._guards:
            refusal = guard(action)
            if refusal:
                raise ActionRefused(refusal)
        self.takes_recorded_over.append((str(path), skip_frames, backing, keep_s))

    def stop_take(self):
        self.takes_played.append(None)
        self.state.take_playing = ""

    def drain_events(self):
        events, self.events = self.events, []
        return events

    def change_settings(self, settings):
        self.settings = settings
        self.settings_changes.append(settings)

    def sent(self, group, control):
        """Every value the UI sent to one control, oldest first."""
        return [a.value for a in self.actions if (a.group, a.control) == (group, control)]


def png_facts(path) -> tuple[int, int, int]:
    """(width, height, distinct byte values in the pixels) of a PNG written by export_to_png."""
    pixels = png_pixels(path)
    return pixels.shape[1], pixels.shape[0], len(np.unique(pixels))


def png_pixels(path) -> np.ndarray:
    """A PNG written by Kivy's export_to_png as (rows, columns, 4) uint8, top row first. Only
    what that writer makes: 8-bit RGBA, no interlacing, no row filters."""
    data = Path(path).read_bytes()
    width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", data[16:29])
    assert (depth, colour_type, interlace) == (8, 6, 0), "not an 8-bit RGBA PNG as export_to_png writes"
    compressed, offset = b"", 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if kind == b"IDAT":
            compressed += data[offset + 8:offset + 8 + length]
        offset += 12 + length
    rows = np.frombuffer(zlib.decompress(compressed), dtype=np.uint8).reshape(height, 1 + width * 4)
    assert not rows[:, 0].any(), "a PNG with row filters: read it with an image library"
    return rows[:, 1:].reshape(height, width, 4)


def check_screenshot(path: Path, expected_size: tuple[int, int]) -> None:
    """The PNG is the expected size and not nearly blank."""
    width, height, distinct_values = png_facts(path)
    assert (width, height) == expected_size
    assert distinct_values > 64, "the screenshot is nearly blank"


def screenshot_in_its_own_process(draw_script: str, name: str, size: str, density: str, tmp_path: Path,
                                  timeout_s: float = 120) -> Path:
    """Draw a screenshot at a tablet size in a fresh Python process (Kivy's density is fixed when
    it starts): draw_script gets the PNG's path and the size ("2048x1536") as its arguments, with
    data and settings folders of its own. Returns test-artifacts/<name>-<size>.png."""
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=str(REPO), KIVY_METRICS_DENSITY=density,
               WARD_STUDIO_DATA_DIR=str(tmp_path / "data"), WARD_STUDIO_CONFIG_DIR=str(tmp_path / "config"))
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}-{size}.png"
    path.unlink(missing_ok=True)
    result = subprocess.run([sys.executable, "-c", draw_script, str(path), size],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout_s)
    assert result.returncode == 0, result.stderr[-2000:]
    return path
