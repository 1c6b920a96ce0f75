"""The app's own preferences file (the headphone volume cap)."""

import pytest

from apps.preferences import Preferences, load_preferences, save_preferences


def test_missing_file_gives_the_default_cap(tmp_path):
    assert load_preferences(tmp_path / "preferences.json") == (Preferences(headphone_cap_db=-6.0), "")


def test_saved_cap_comes_back(tmp_path):
    path = tmp_path / "preferences.json"
    save_preferences(Preferences(headphone_cap_db=-14.0), path)
    assert load_preferences(path) == (Preferences(headphone_cap_db=-14.0), "")
    assert not path.with_suffix(".json.tmp").exists()


def test_broken_file_gives_defaults_and_says_why(tmp_path):
    path = tmp_path / "preferences.json"
    path.write_text("{not json", encoding="utf-8")
    preferences, problem = load_preferences(path)
    assert preferences == Preferences()
    assert problem.startswith("The app's preferences file could not be used")


def test_cap_out_of_range_is_refused_with_the_range(tmp_path):
    with pytest.raises(ValueError, match=r"master/headphone_cap_db must be in range -30\.\.0 dB"):
        save_preferences(Preferences(headphone_cap_db=6.0), tmp_path / "preferences.json")
    path = tmp_path / "preferences.json"
    path.write_text('{"headphone_cap_db": -90}', encoding="utf-8")
    assert load_preferences(path)[0] == Preferences()
