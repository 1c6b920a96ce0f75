"""Actions on named controls are checked, and say in plain words what is allowed."""

import pytest

from studio.controls import CONTROLS, check_action, default_values, effective_volume_db


def test_a_valid_action_comes_back_as_float():
    action = check_action("master", "volume_db", -6)
    assert action == ("master", "volume_db", -6.0)
    assert isinstance(action.value, float)


def test_out_of_range_says_the_range_and_unit():
    with pytest.raises(ValueError, match=r"master/volume_db must be in range -60\.\.0 dB, got 5"):
        check_action("master", "volume_db", 5)


def test_switches_take_only_on_or_off():
    assert check_action("transport", "playing", True).value == 1.0
    with pytest.raises(ValueError, match=r"transport/playing is a switch: use 0 \(off\) or 1 \(on\), got 0\.5"):
        check_action("transport", "playing", 0.5)


def test_unknown_control_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown control master/loudness; known controls: .*master/volume_db"):
        check_action("master", "loudness", 1)


@pytest.mark.parametrize("value", ["loud", None, float("nan")])
def test_a_value_that_is_not_a_number_is_refused(value):
    with pytest.raises(ValueError, match=r"transport/bpm needs a number"):
        check_action("transport", "bpm", value)


def test_every_default_is_inside_its_range():
    for key, value in default_values().items():
        spec = CONTROLS[key]
        assert spec.minimum <= value <= spec.maximum, spec.name


def test_the_headphone_cap_limits_the_volume():
    assert effective_volume_db(0.0, -6.0) == -6.0
    assert effective_volume_db(-20.0, -6.0) == -20.0
