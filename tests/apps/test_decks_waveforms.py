"""The Decks screen's waveforms as they are drawn: while the decks play a frame only moves
textures (nothing painted, no instruction added, no panel drawn again), and in screenshots at
both tablet sizes the waveform beside the playhead is the track's at the play position, the beat
lines are where the beat grid says and the overview's line is at its share of the track."""

import json
from pathlib import Path

import numpy as np
import pytest

from tests.apps.apps_test_support import screenshot_in_its_own_process, skip_module_without_display

skip_module_without_display()

from apps.decks.deck_look import (  # noqa: E402
    BAND_COLOURS, BAR_LINE_COLOUR, BEAT_LINE_COLOUR, DECK_ACCENTS, WAVEFORM_BACKGROUND,
)
from apps.decks.waveform_pictures import HEIGHT_USED, SILENCE_HEIGHT, beat_times_s  # noqa: E402
from tests.apps.apps_test_support import png_pixels  # noqa: E402
from tests.apps.test_decks_support import DecksTouchCase, FakeDecksClient, wavy_peaks  # noqa: E402

pytestmark = pytest.mark.ui

SIZES = {"1280x800": "1", "2048x1536": "2"}  # the density each is drawn at
# Deck 1 stops half way between two beats (so no beat line is beside the playhead); deck 2 near
# its start (the waveform starts in the middle of the view).
DECK_TRACKS = {1: dict(title="Night Shift", duration_s=90.0, bpm=120.0, first_beat_s=0.0, position_s=10.25, seed=1,
                       hot_cues_s=(12.0,) + (None,) * 7),
               2: dict(title="Tea Trolley", duration_s=72.4, bpm=110.0, first_beat_s=0.1, position_s=0.8, seed=3)}


def count_instructions(canvas) -> int:
    """Every instruction in a canvas, its before and after, and the groups in them."""
    groups = [canvas] + [getattr(canvas, name) for name in ("before", "after") if getattr(canvas, f"has_{name}")]
    count = 0
    while groups:
        group = groups.pop()
        for child in group.children:
            count += 1
            if hasattr(child, "children"):
                groups.append(child)
    return count


class WaveformFramesTest(DecksTouchCase):
    def test_playing_moves_the_waveforms_without_painting_adding_or_redrawing_the_panels(self):
        self.open_decks()
        self.put_track(1, position_s=10.9, playing=True, meter_db=-9.0)  # the times shown change in a moment
        self.put_track(2, "Tea Trolley", position_s=20.0, playing=True, meter_db=-12.0)
        self.advance_frames(3)
        waveforms = [self.deck(deck).ids[name] for deck in (1, 2) for name in ("detail", "overview")]
        snapshots = [self.ids[name] for name in ("bar_snapshot", "deck1_snapshot", "mixer_snapshot",
                                                   "deck2_snapshot")]

        def counts():
            return ([widget.tiles_painted if hasattr(widget, "tiles_painted") else widget.pictures_painted
                     for widget in waveforms],
                    [count_instructions(widget.canvas) for widget in waveforms],
                    [snapshot.redraws for snapshot in snapshots])

        before, time_shown = counts(), self.deck(1).played_text
        detail = self.deck(1).ids.detail
        start_x = detail.screen_x_of(0.0)
        for step in range(1, 6):  # the engine says where the decks are, and their levels change
            self.client.set_deck(1, position_s=10.9 + 0.1 * step, meter_db=-9.0 - step)
            self.client.set_deck(2, position_s=20.0 + 0.1 * step, meter_db=-12.0 + step)
            self.poll()
            self.wait_for(lambda: detail.screen_x_of(0.0) < start_x - 3 * step, timeout_s=3,
                          what="the waveform to move on by three more pixels")
        self.wait_for(lambda: self.deck(1).played_text != time_shown, timeout_s=3, what="the time shown to change")
        self.assertLess(detail.screen_x_of(0.0), start_x - 15)
        self.assertEqual(counts(), before)
        self.assertLess(self.ids.mixer.ids.meter1.level_db, -9.0)  # the meters and times changed, drawn live

    def test_a_change_of_grid_or_marks_paints_the_waveforms_again_and_a_lit_button_shows(self):
        self.open_decks()
        self.put_track(1, position_s=10.0)
        detail, overview, snapshot = self.deck(1).ids.detail, self.deck(1).ids.overview, self.ids.deck1_snapshot
        tiles, pictures, redraws = detail.tiles_painted, overview.pictures_painted, snapshot.redraws
        mixer_redraws = self.ids.mixer_snapshot.redraws
        self.client.set_deck(1, bpm=240.0, track_bpm=240.0)  # x2
        self.poll()
        self.assertGreater(detail.tiles_painted, tiles)
        self.assertEqual(overview.pictures_painted, pictures)  # the overview shows no beats
        self.client.set_deck(1, loop_s=(10.0, 11.0))
        self.poll()
        self.assertGreater(overview.pictures_painted, pictures)
        self.tap(self.deck(1).ids.sync_button)
        self.client.set_deck(1, synced=True)
        self.poll()
        self.assertGreater(snapshot.redraws, redraws)  # the panel is drawn again: Sync lights up in it
        self.assertEqual(self.ids.mixer_snapshot.redraws, mixer_redraws)  # the others are not
        self.assertEqual(self.deck(1).ids.sync_button.fill, self.deck(1).ids.sync_button.lit_fill)
        pixels = png_pixels(self.save_screenshot("decks-sync-lit-1280x800"))
        button = self.deck(1).ids.sync_button
        x, y = button.to_window(button.x + 14, button.center_y)
        fill = tuple(round(channel * 255) for channel in button.lit_fill[:3])
        self.assertEqual(tuple(pixels[self.Window.height - 1 - int(y), int(x), :3]), fill)


# ---- screenshots at both tablet sizes ----------------------------------------------------------------
class WaveformStage(DecksTouchCase):
    """Not a test: the touch case's set-up, used by draw_waveforms in a process of its own."""

    def runTest(self):
        pass


def draw_waveforms(path: str, size: str) -> None:
    """Run in a process of its own (the density is set before Kivy starts): both decks stopped
    at DECK_TRACKS' places, saved as a PNG, and where things are drawn as JSON beside it."""
    from kivy.metrics import dp

    case = WaveformStage()
    case.setUp()
    case.Window.size = tuple(int(side) for side in size.split("x"))
    case.advance_frames(2)
    case.open_decks(FakeDecksClient())
    for deck, track in DECK_TRACKS.items():
        case.put_track(deck, **track)
    case.advance_frames(5)
    case.root.export_to_png(path)
    facts = {"window_height": case.Window.height, "dp": dp(1), "decks": {}}
    for deck in DECK_TRACKS:
        ids = case.deck(deck).ids
        detail, overview = ids.detail, ids.overview
        facts["decks"][deck] = {
            "detail": [*detail.to_window(*detail.pos), *detail.size],
            "pixels_per_s": detail.pixels_per_s, "origin_x": detail.screen_x_of(0.0),
            "overview": [*overview.to_window(*overview.pos), *overview.size]}
    Path(path).with_suffix(".json").write_text(json.dumps(facts))


DRAW_SCRIPT = """
import os, sys, tempfile
os.environ.update(KIVY_NO_ARGS="1", KIVY_NO_CONSOLELOG="1", KIVY_NO_FILELOG="1",
                  KIVY_HOME=tempfile.mkdtemp(prefix="kivy-home-"))
from tests.apps.test_decks_waveforms import draw_waveforms
draw_waveforms(sys.argv[1], sys.argv[2])
"""


@pytest.fixture(scope="module", params=list(SIZES))
def screenshot(request, tmp_path_factory):
    """(pixels top row first, what draw_waveforms said) at one tablet size."""
    size = request.param
    path = screenshot_in_its_own_process(DRAW_SCRIPT, "decks-waveforms", size, SIZES[size],
                                         tmp_path_factory.mktemp(size), timeout_s=120)
    return png_pixels(path)[:, :, :3].astype(int), json.loads(path.with_suffix(".json").read_text())


def rgb(colour) -> np.ndarray:
    return np.rint(np.asarray(colour[:3]) * 255).astype(int)


def over(colour, under) -> np.ndarray:
    return np.rint(np.asarray(colour[:3]) * 255 * colour[3] + rgb(under) * (1 - colour[3])).astype(int)


def column_of(pixels, facts, x: int, bottom: float, height: int) -> np.ndarray:
    """Window column x from window row bottom up, height rows (bottom first)."""
    top_row = facts["window_height"] - 1
    return np.array([pixels[top_row - (int(bottom) + row), x] for row in range(height)])


@pytest.mark.parametrize("deck", [1, 2])
def test_the_waveform_beside_the_playhead_is_the_tracks_at_the_play_position(screenshot, deck):
    pixels, facts = screenshot
    track, drawn = DECK_TRACKS[deck], facts["decks"][str(deck)]
    x, y, width, height = drawn["detail"]
    pixels_per_s, origin_x = drawn["pixels_per_s"], drawn["origin_x"]
    playhead_x = x + width / 2
    assert abs(origin_x + track["position_s"] * pixels_per_s - playhead_x) <= 0.5  # the play position is under it
    peaks = wavy_peaks(int(track["duration_s"] * 100), track["seed"])  # what the analysis gave: 100 columns a second
    heights = np.maximum(peaks / 255.0, SILENCE_HEIGHT)
    rows = round(height)
    from_middle = np.abs(np.arange(rows) + 0.5 - rows / 2)
    scale_px = rows / 2 * HEIGHT_USED
    first = int(np.ceil(playhead_x + 1.5 * facts["dp"]))  # just right of the playhead (3 dp wide)
    for column in range(first, first + 4):
        seconds = (column + 0.5 - origin_x) / pixels_per_s
        band_heights = [np.interp(seconds * 100 - 0.5, np.arange(len(peaks)), heights[:, band]) * scale_px
                        for band in range(3)]
        expected = np.tile(rgb(WAVEFORM_BACKGROUND), (rows, 1))
        for band, colour in enumerate(BAND_COLOURS):  # drawn bass first, treble last
            expected[from_middle <= band_heights[band]] = rgb(colour)
        shown = column_of(pixels, facts, column, y, rows)
        wrong_rows = int((np.abs(shown - expected).max(axis=1) > 2).sum())
        assert wrong_rows <= 4, f"column {column} ({seconds:.3f} s): {wrong_rows} rows are not the track's"


@pytest.mark.parametrize("deck", [1, 2])
def test_beat_lines_are_where_the_beat_grid_says(screenshot, deck):
    pixels, facts = screenshot
    track, drawn = DECK_TRACKS[deck], facts["decks"][str(deck)]
    x, y, width, height = drawn["detail"]
    pixels_per_s, origin_x, dp = drawn["pixels_per_s"], drawn["origin_x"], facts["dp"]
    # A row above the loudest peak (the bands' tops) and below the top of the beat lines.
    row_y = y + height / 2 + 0.95 * height / 2 * HEIGHT_USED
    row = facts["window_height"] - 1 - int(row_y)
    marks_x = [x + width / 2] + [origin_x + cue * pixels_per_s for cue in track.get("hot_cues_s", ()) if cue]
    times, bar_starts = beat_times_s(track["bpm"], track["first_beat_s"], track["duration_s"])
    background = rgb(WAVEFORM_BACKGROUND)
    checked = 0
    for time_s, bar_start in zip(times, bar_starts):
        beat_x = origin_x + time_s * pixels_per_s
        line_px = (2 if bar_start else 1) * dp
        if not x + 4 * dp < beat_x < x + width - 4 * dp or min(abs(beat_x - mark) for mark in marks_x) < 6 * dp:
            continue  # out of view, or beside the playhead or a hot cue
        covered = [column for column in range(int(beat_x - line_px) - 1, int(beat_x + line_px) + 2)
                   if beat_x - line_px / 2 <= column + 0.5 < beat_x + line_px / 2]
        colour = over(BAR_LINE_COLOUR if bar_start else BEAT_LINE_COLOUR, WAVEFORM_BACKGROUND)
        for column in covered:
            assert np.abs(pixels[row, column] - colour).max() <= 2, f"no beat line at {time_s:.3f} s (x {column})"
        for column in (covered[0] - 2, covered[-1] + 2):
            assert np.abs(pixels[row, column] - background).max() <= 2, f"the line at {time_s:.3f} s is too wide"
        checked += 1
    assert checked >= 7  # deck 1 shows 8 s (16 beats), deck 2 the first 4.8 s of its track


@pytest.mark.parametrize("deck", [1, 2])
def test_the_overview_line_is_at_the_tracks_share_and_what_played_is_dimmed(screenshot, deck):
    pixels, facts = screenshot
    track, drawn = DECK_TRACKS[deck], facts["decks"][str(deck)]
    x, y, width, height = drawn["overview"]
    line_x = x + width * track["position_s"] / track["duration_s"]
    row = facts["window_height"] - 1 - int(y + height * 0.1)  # low down, below the bands' middle
    assert np.abs(pixels[row, int(line_x)] - rgb(DECK_ACCENTS[deck])).max() <= 2
    played, to_play = pixels[row, int(x) + 1:int(line_x - 3 * facts["dp"])], pixels[row, int(line_x) + 8:int(x + width)]
    if len(played) >= 10:
        assert played.mean() < to_play.mean() * 0.75
