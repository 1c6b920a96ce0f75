"""Quantise: a live hit's song position rounded to the chosen grid."""

import pytest

from studio.beats.model import TICKS_PER_STEP
from studio.beats.quantise import QUANTISE_GRIDS, quantised_tick

T = TICKS_PER_STEP
SONG = 16 * T


@pytest.mark.parametrize("grid, position, tick", [
    ("1/16", 3.4, 3 * T),
    ("1/16", 3.6, 4 * T),
    ("1/8", 2.9, 2 * T),
    ("1/8", 3.1, 4 * T),
    ("1/32", 3.3, 3 * T + T // 2),
    ("1/8 triplets", 1.2, 32),  # a beat in three: 0, 32, 64 ticks
    ("1/16 triplets", 0.7, 16),
    ("Off", 5.51, round(5.51 * T)),
])
def test_a_hit_goes_to_the_nearest_line_of_the_grid(grid, position, tick):
    assert quantised_tick(position, grid, SONG) == tick


def test_a_hit_just_before_the_loop_comes_round_goes_on_the_first_step():
    assert quantised_tick(15.8, "1/16", SONG) == 0


def test_a_hit_just_before_the_count_in_ends_goes_on_the_first_step_and_earlier_ones_are_dropped():
    assert quantised_tick(-0.3, "1/16", SONG) == 0
    assert quantised_tick(-2.0, "1/16", SONG) is None


def test_every_grid_divides_a_bar():
    assert all((16 * T) % spacing == 0 for spacing in QUANTISE_GRIDS.values())


def test_an_unknown_grid_is_named():
    with pytest.raises(ValueError, match="quantise must be one of Off, 1/8, 1/16, 1/32, 1/8 triplets, 1/16 triplets"):
        quantised_tick(1.0, "1/64", SONG)
