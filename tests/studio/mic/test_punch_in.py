"""Punch-in: the song's from..to taken from the new take, in time, with crossfades at the joins."""

import numpy as np
import pytest

from studio.mic.punch_in import punched_in

SR = 1000  # small numbers: one frame a millisecond


def test_the_new_part_replaces_the_old_in_song_time_with_crossfades():
    original = np.full(5000, 1.0, dtype=np.float32)  # lined up: song time 0 is frame 1000
    new = np.full(6000, 2.0, dtype=np.float32)  # lined up: song time 0 is frame 1500
    joined = punched_in(original, 1000, new, 1500, 1.0, 2.0, SR)
    assert len(joined) == 5000
    assert np.all(joined[:2000] == 1.0) and np.all(joined[3000:] == 1.0)
    assert np.all(joined[2010:2990] == 2.0)
    assert 1.0 < joined[2005] < 2.0 and 1.0 < joined[2995] < 2.0  # 10 ms crossfades, no steps


def test_the_part_comes_from_the_new_take_at_the_same_song_time():
    original = np.zeros(4000, dtype=np.float32)
    new = np.arange(5000, dtype=np.float32)  # each frame says where it is
    joined = punched_in(original, 500, new, 800, 1.0, 2.0, SR)
    # song time 1.5 s: frame 2000 of the original, frame 2300 of the new take
    assert joined[2000] == 2300.0


def test_a_punch_past_the_end_makes_the_take_longer_and_a_backwards_one_is_refused():
    joined = punched_in(np.ones(1000, dtype=np.float32), 0, np.full(3000, 2.0, dtype=np.float32), 0, 0.5, 2.5, SR)
    assert len(joined) == 2500 and joined[2400] == 2.0
    with pytest.raises(ValueError, match="a punch-in must end after it starts, got 2 s to 1 s"):
        punched_in(np.ones(10), 0, np.ones(10), 0, 2.0, 1.0, SR)
