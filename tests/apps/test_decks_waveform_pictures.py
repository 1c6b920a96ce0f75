"""The Decks waveforms' pictures, painted with numpy before they become textures (no display
needed): a shape covers the pixels whose middles it covers, bands are as tall as their peaks,
beats, the loop, the cue and the hot cues are where the track says, and tiles join seamlessly."""

import numpy as np
import pytest

from apps import theme
from apps.decks.deck_look import (
    BAND_COLOURS, BAR_LINE_COLOUR, BEAT_LINE_COLOUR, HOT_CUE_COLOURS, LOOP_COLOUR, LOOP_EDGE, WAVEFORM_BACKGROUND,
)
from apps.decks.waveform_pictures import DetailPicture, OverviewPicture, beat_times_s, pooled_peaks
from apps.decks.waveform_pixels import blank, paint_columns, paint_flag, paint_rectangle

BLACK, WHITE = (0.0, 0.0, 0.0, 1.0), (1.0, 1.0, 1.0, 1.0)


def rgb(colour) -> tuple[int, ...]:
    return tuple(round(channel * 255) for channel in colour[:3])


def over(colour, under) -> tuple[int, ...]:
    """colour (translucent) blended over an opaque colour, as the GPU does."""
    alpha = colour[3]
    return tuple(round(top * 255 * alpha + bottom * (1 - alpha)) for top, bottom in zip(colour[:3], rgb(under)))


def columns_of(picture, row: int, colour) -> list[int]:
    """The columns of a row in colour (a Kivy colour, or 0..255 red, green and blue)."""
    pixel = colour if len(colour) == 3 else rgb(colour)
    return [int(c) for c in np.flatnonzero((picture[row, :, :3] == pixel).all(axis=1))]


def detail(**changes) -> DetailPicture:
    values = dict(peaks=None, columns_per_s=100.0, duration_s=10.0, bpm=0.0, first_beat_s=0.0, hot_cues_s=(),
                  loop_s=None, cue_s=-100.0, pixels_per_s=100.0, height_px=100, dp_px=1.0)
    return DetailPicture(**{**values, **changes})


def test_a_shape_covers_the_pixels_whose_middles_it_covers_and_a_translucent_one_is_blended():
    picture = blank(10, 4, BLACK)
    paint_columns(picture, [2.4, 6.6], 1.0, 0, 4, WHITE)  # a 1-pixel line covers exactly one column
    assert columns_of(picture, 0, WHITE) == [2, 7]
    assert picture[:, :, 3].min() == 255  # opaque throughout
    paint_rectangle(picture, 0, 2, 1, 3, (1.0, 1.0, 1.0, 0.5))
    assert tuple(picture[1, 0, :3]) == (128, 128, 128) and tuple(picture[0, 0, :3]) == (0, 0, 0)


def test_a_flag_is_widest_at_its_base_and_points_the_way_it_is_told():
    up, down = blank(20, 20, BLACK), blank(20, 20, BLACK)
    paint_flag(up, 10.0, 0.0, 6.0, 12.0, WHITE)  # from the bottom edge, pointing up
    paint_flag(down, 10.0, 20.0, 6.0, -12.0, WHITE)  # from the top edge, pointing down
    widths = [len(columns_of(up, row, WHITE)) for row in range(20)]
    assert widths[0] == 12 and widths == sorted(widths, reverse=True) and widths[12:] == [0] * 8
    assert [len(columns_of(down, 19 - row, WHITE)) for row in range(20)] == widths
    assert columns_of(up, 0, WHITE) == list(range(4, 16))  # centred on x = 10


def test_each_band_is_as_tall_as_its_peak_about_the_middle_line_the_loudest_on_top():
    peaks = np.tile(np.array([[255, 128, 64]], dtype=np.uint8), (1000, 1))
    picture = detail(peaks=peaks).tile(0, 200)
    column = picture[:, 100, :3]
    counts = {name: int((column == rgb(colour)).all(axis=1).sum()) for name, colour in zip("lmh", BAND_COLOURS)}
    # 100 rows: the loudest peak reaches 45 rows either side of the middle, so the bands reach
    # 45, 22.6 and 11.3 rows (the rows whose middles they cover: 90, 46 and 22); the treble is
    # drawn over the middle band, which is drawn over the bass.
    assert counts == {"h": 22, "m": 46 - 22, "l": 90 - 46}
    assert (column[:5] == rgb(WAVEFORM_BACKGROUND)).all() and (column[95:] == rgb(WAVEFORM_BACKGROUND)).all()


def test_silence_still_shows_as_a_thin_line_and_nothing_shows_past_the_end():
    picture = detail(peaks=np.zeros((1000, 3), dtype=np.uint8), height_px=212).tile(900, 200)  # ends at pixel 1000
    assert [row for row in range(212) if tuple(picture[row, 50, :3]) == rgb(BAND_COLOURS[2])] == [105, 106]
    assert (picture[:, 150, :3] == rgb(WAVEFORM_BACKGROUND)).all()


def test_beats_are_lines_where_the_grid_says_brighter_and_wider_on_a_bars_first_beat():
    picture = detail(bpm=120.0, first_beat_s=0.5).tile(0, 600)  # 100 pixels a second
    row = 50
    beat, bar = over(BEAT_LINE_COLOUR, WAVEFORM_BACKGROUND), over(BAR_LINE_COLOUR, WAVEFORM_BACKGROUND)
    assert columns_of(picture, row, bar) == [49, 50, 249, 250, 449, 450]  # a bar every 2 s from 0.5 s, 2 pixels wide
    # 1 pixel wide, centred on the beat: [x - 0.5, x + 0.5) holds the middle of pixel x - 1 only
    assert columns_of(picture, row, beat) == [99, 149, 199, 299, 349, 399, 499, 549, 599]
    assert columns_of(picture, 2, beat) == []  # the lines stop where the loudest peak would
    wider = detail(bpm=120.0, first_beat_s=0.5, dp_px=2.0).tile(0, 600)  # at density 2: twice as wide
    assert columns_of(wider, row, bar)[:4] == [48, 49, 50, 51] and columns_of(wider, row, beat)[:3] == [0, 99, 100]


def test_the_loop_the_cue_and_the_hot_cues_are_marked_edge_to_edge():
    picture = detail(loop_s=(1.0, 2.0), cue_s=4.0, hot_cues_s=(None, 3.0)).tile(0, 600)
    for row in (0, 50, 99):
        assert columns_of(picture, row, over(LOOP_COLOUR, WAVEFORM_BACKGROUND)) == list(range(101, 199))
        assert columns_of(picture, row, LOOP_EDGE) == [99, 100, 199, 200]
    assert columns_of(picture, 50, HOT_CUE_COLOURS[1]) == [299, 300]  # hot cue 2 in its own colour
    assert len(columns_of(picture, 99, HOT_CUE_COLOURS[1])) > 10  # its flag hangs from the top edge
    assert columns_of(picture, 0, theme.WHITE) == list(range(393, 407))  # the cue's flag stands on the bottom


def test_tiles_side_by_side_are_the_whole_track_in_one_piece():
    rng = np.random.default_rng(4)
    peaks = rng.integers(0, 256, size=(1000, 3), dtype=np.uint8)
    picture = detail(peaks=peaks, bpm=97.0, first_beat_s=0.3, loop_s=(2.0, 2.6), cue_s=0.0, hot_cues_s=(5.0,),
                     pixels_per_s=59.25)
    np.testing.assert_array_equal(np.hstack([picture.tile(-100, 250), picture.tile(150, 350)]),
                                  picture.tile(-100, 600))


def test_the_overview_marks_the_loop_and_hot_cues_at_their_share_of_the_track():
    picture = OverviewPicture(peaks=None, duration_s=100.0, hot_cues_s=(25.0,), loop_s=(50.0, 60.0), width_px=200,
                              height_px=40, dp_px=1.0).paint()
    for row in (0, 39):
        assert columns_of(picture, row, HOT_CUE_COLOURS[0]) == [49, 50]
        assert columns_of(picture, row, over(LOOP_COLOUR, WAVEFORM_BACKGROUND)) == list(range(100, 120))


def test_peaks_are_pooled_to_about_one_column_a_pixel():
    peaks = np.array([[1, 2, 3], [5, 0, 0], [2, 9, 1], [0, 0, 7], [4, 4, 4]], dtype=np.uint8)
    pooled, factor = pooled_peaks(peaks, 2.4)
    assert factor == 2
    np.testing.assert_array_equal(pooled, [[5, 2, 3], [2, 9, 7], [4, 4, 4]])
    assert pooled_peaks(peaks, 0.7)[1] == 1


def test_beats_and_bar_starts_cover_the_track_from_before_the_first_downbeat():
    times, bar_starts = beat_times_s(120.0, 1.25, 4.0)
    np.testing.assert_allclose(times, [0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3.25, 3.75])
    assert list(bar_starts) == [False, False, True, False, False, False, True, False]
    assert len(beat_times_s(0.0, 0.0, 10.0)[0]) == 0


@pytest.mark.parametrize("columns_per_s, pixels_per_s", [(100.0, 59.25), (100.0, 20.0)])
def test_a_long_track_is_painted_in_tiles_fast_enough_for_a_frame(columns_per_s, pixels_per_s):
    import time

    peaks = np.random.default_rng(2).integers(0, 256, size=(90000, 3), dtype=np.uint8)  # 15 minutes
    picture = detail(peaks=peaks, columns_per_s=columns_per_s, duration_s=900.0, bpm=128.0, pixels_per_s=pixels_per_s,
                     height_px=430, loop_s=(100.0, 102.0), hot_cues_s=(101.0,) * 8)
    started = time.perf_counter()
    picture.tile(20000, 2048)
    assert time.perf_counter() - started < 0.25  # a tile is painted when it first shows, within a frame or two
