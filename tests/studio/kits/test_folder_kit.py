"""Any folder of one-shots is a kit; one bad sound is skipped with a warning, the rest load."""

import json

import numpy as np
import pytest

from studio.kits import KitError, load_kit
from tests.studio.kits.make_audio import decaying_sine, write_sound


@pytest.fixture
def mixed_folder(tmp_path):
    folder = tmp_path / "My Kit"
    folder.mkdir()
    write_sound(folder / "01_Kick.wav", decaying_sine(60.0), 48000)
    write_sound(folder / "02_Snare.flac", decaying_sine(200.0, sample_rate=44100), 44100)
    write_sound(folder / "03 HiHat Closed.ogg", decaying_sine(7000.0, 0.1), 48000)
    write_sound(folder / "04 HiHat Open.mp3", decaying_sine(6000.0, 0.5, 44100), 44100)
    (folder / "notes.txt").write_text("not a sound")
    (folder / "._01_Kick.wav").write_bytes(b"\0\5\26\7")  # a macOS resource fork from a USB stick
    return folder


def test_a_folder_of_wav_flac_ogg_and_mp3_loads_in_file_order_with_gm_notes(mixed_folder):
    kit = load_kit(mixed_folder)
    assert kit.name == "My Kit"
    assert kit.warnings == []
    assert [sound.name for sound in kit.sounds] == ["Kick", "Snare", "HiHat Closed", "HiHat Open"]
    assert [sound.gm_note for sound in kit.sounds] == [36, 38, 42, 46]
    assert [sound.choke_group for sound in kit.sounds] == [0, 0, 1, 1]  # the hats choke each other
    assert all(sound.sample_rate == 48000 and sound.samples.dtype == np.float32 for sound in kit.sounds)
    assert kit.sound_for_note(38).path == mixed_folder / "02_Snare.flac"


def test_one_bad_sound_is_skipped_with_a_warning_and_the_rest_load(mixed_folder):
    write_sound(mixed_folder / "05 Clap.wav", np.zeros(4800, np.float32))
    (mixed_folder / "06 Rim.wav").write_bytes(b"RIFF....WAVEjunk")
    kit = load_kit(mixed_folder)
    assert len(kit.sounds) == 4
    assert kit.warnings == [
        '"05 Clap.wav" is silent. It was left out of the kit.',
        '"06 Rim.wav" could not be read: it is not a sound file this studio can open. It was left out of the kit.',
    ]


def test_a_folder_with_no_audio_says_what_a_kit_is(tmp_path):
    folder = tmp_path / "Empty"
    folder.mkdir()
    (folder / "readme.txt").write_text("hello")
    with pytest.raises(KitError) as error:
        load_kit(folder)
    assert str(error.value) == 'There are no sounds in "Empty": a kit is a folder of WAV, FLAC, OGG or MP3 files.'


def test_a_folder_where_no_sound_can_be_used_says_why(tmp_path):
    folder = tmp_path / "Broken"
    folder.mkdir()
    write_sound(folder / "a.wav", np.zeros(100, np.float32))
    (folder / "b.wav").write_text("nope")
    with pytest.raises(KitError) as error:
        load_kit(folder)
    assert str(error.value) == 'None of the sounds in "Broken" could be used. The first problem: "a.wav" is silent.'


def test_more_than_16_sounds_keeps_the_first_16(tmp_path):
    folder = tmp_path / "Big"
    folder.mkdir()
    for index in range(18):
        write_sound(folder / f"perc {index + 1}.wav", decaying_sine(300.0 + 20 * index, 0.1))
    kit = load_kit(folder)
    assert [sound.name for sound in kit.sounds][-2:] == ["perc 15", "perc 16"]  # "2" before "10"
    assert kit.warnings == [
        "Only the first 16 sounds were loaded, one per pad; left out: perc 17.wav, perc 18.wav."
    ]
    assert len({sound.gm_note for sound in kit.sounds}) == 16


def test_a_kit_json_sets_names_notes_gain_pan_and_choke(tmp_path):
    folder = tmp_path / "described"
    folder.mkdir()
    write_sound(folder / "a.wav", decaying_sine(80.0))
    write_sound(folder / "b.wav", decaying_sine(8000.0, 0.1))
    (folder / "kit.json").write_text(json.dumps({"name": "Described", "sounds": [
        {"file": "a.wav", "name": "Boom", "gm_note": 35, "gain_db": -3.5, "pan": -0.25},
        {"file": "b.wav", "name": "Tss", "choke_group": 4, "gain_db": 99, "pan": "left"},
        {"file": "../outside.wav", "name": "Sneaky"},
    ]}))
    kit = load_kit(folder)
    assert kit.name == "Described"
    boom, tss = kit.sounds
    assert (boom.name, boom.gm_note, boom.gain_db, boom.pan, boom.choke_group) == ("Boom", 35, -3.5, -0.25, 0)
    assert (tss.gain_db, tss.pan, tss.choke_group) == (6.0, 0.0, 4)  # out of range: clamped; nonsense: default
    assert kit.warnings == [
        '"../outside.wav" is outside the kit\'s folder, so it was not used. It was left out of the kit.'
    ]


def test_a_damaged_kit_json_is_named(tmp_path):
    folder = tmp_path / "damaged"
    folder.mkdir()
    (folder / "kit.json").write_text('{"name": "x", "sounds": [')
    with pytest.raises(KitError) as error:
        load_kit(folder)
    assert str(error.value) == 'The kit "damaged" could not be read: its kit.json is damaged.'


def test_a_path_that_is_not_a_kit(tmp_path):
    with pytest.raises(KitError) as error:
        load_kit(tmp_path / "nowhere")
    assert str(error.value).startswith(f'There is no kit at "{tmp_path / "nowhere"}". The kits that come with')
    text_file = tmp_path / "song.txt"
    text_file.write_text("la la")
    with pytest.raises(KitError) as error:
        load_kit(text_file)
    assert str(error.value) == '"song.txt" is not a kit: choose a folder of sounds or a Hydrogen kit (.h2drumkit).'
