"""Hydrogen drum kits: a folder with drumkit.xml, and the same packed as an .h2drumkit archive."""

import io
import tarfile
from pathlib import Path

import numpy as np
import pytest

from studio.kits import KitError, load_kit
from tests.studio.kits.make_audio import decaying_sine, write_sound
from tests.studio.signals import dominant_frequency_hz

# Hydrogen 0.9.7+ layout: namespaced, layers inside <instrumentComponent>, pan as pan_L/pan_R.
DRUMKIT_XML = """<?xml version="1.0" encoding="UTF-8"?>
<drumkit_info xmlns="http://www.hydrogen-music.org/drumkit">
 <name>Test Kit</name>
 <author>Ward Studio tests</author>
 <instrumentList>
  <instrument>
   <id>0</id><name>Kick</name><volume>0.5</volume><pan_L>1</pan_L><pan_R>1</pan_R><gain>1</gain>
   <muteGroup>-1</muteGroup><midiOutNote>36</midiOutNote>
   <instrumentComponent><component_id>0</component_id><gain>1</gain>
    <layer><filename>kick-soft.wav</filename><min>0</min><max>0.5</max><gain>1</gain><pitch>0</pitch></layer>
    <layer><filename>kick-hard.flac</filename><min>0.5</min><max>1</max><gain>1</gain><pitch>0</pitch></layer>
   </instrumentComponent>
  </instrument>
  <instrument>
   <id>1</id><name>Hat Closed</name><volume>1</volume><pan_L>1</pan_L><pan_R>0.5</pan_R><gain>1</gain>
   <muteGroup>-1</muteGroup><midiOutNote>37</midiOutNote>
   <instrumentComponent><component_id>0</component_id><gain>1</gain>
    <layer><filename>samples/hat-closed.wav</filename><min>0</min><max>1</max><gain>1</gain></layer>
   </instrumentComponent>
  </instrument>
  <instrument>
   <id>2</id><name>Hat Open</name><volume>1</volume><pan_L>1</pan_L><pan_R>0.5</pan_R><gain>1</gain>
   <muteGroup>-1</muteGroup><midiOutNote>38</midiOutNote>
   <instrumentComponent><component_id>0</component_id><gain>1</gain>
    <layer><filename>samples/hat-open.ogg</filename><min>0</min><max>1</max><gain>1</gain></layer>
   </instrumentComponent>
  </instrument>
 </instrumentList>
</drumkit_info>
"""


def make_hydrogen_folder(folder: Path, xml: str = DRUMKIT_XML) -> Path:
    (folder / "samples").mkdir(parents=True)
    write_sound(folder / "kick-soft.wav", decaying_sine(50.0))
    write_sound(folder / "kick-hard.flac", decaying_sine(70.0, sample_rate=44100), 44100)
    write_sound(folder / "samples" / "hat-closed.wav", decaying_sine(8000.0, 0.1))
    write_sound(folder / "samples" / "hat-open.ogg", decaying_sine(7000.0, 0.6))
    (folder / "drumkit.xml").write_text(xml)
    return folder


def pack(folder: Path, archive: Path, extra: dict[str, bytes] | None = None) -> Path:
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname=folder.name)
        for name, data in (extra or {}).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return archive


def check_test_kit(kit):
    assert kit.name == "Test Kit"
    assert kit.warnings == []
    kick, closed, opened = kit.sounds
    assert [sound.name for sound in kit.sounds] == ["Kick", "Hat Closed", "Hat Open"]
    # Notes 36, 37, 38 are Hydrogen's defaults and the names disagree, so the names decide.
    assert [sound.gm_note for sound in kit.sounds] == [36, 42, 46]
    assert kick.gain_db == pytest.approx(-6.02, abs=0.01) and kick.pan == 0.0
    assert dominant_frequency_hz(kick.samples, 48000) == pytest.approx(70.0, abs=3.0)  # the firm-hit layer
    assert closed.pan == pytest.approx(-0.5) and opened.pan == pytest.approx(-0.5)
    assert closed.choke_group == opened.choke_group == 1 and kick.choke_group == 0


def test_a_hydrogen_folder_loads_names_volume_pan_and_the_firm_hit_layer(tmp_path):
    folder = make_hydrogen_folder(tmp_path / "TestKit")
    kit = load_kit(folder)
    check_test_kit(kit)
    assert kit.sounds[0].path == folder / "kick-hard.flac"
    assert load_kit(folder / "drumkit.xml").name == "Test Kit"


def test_an_h2drumkit_archive_loads_the_same(tmp_path):
    archive = pack(make_hydrogen_folder(tmp_path / "TestKit"), tmp_path / "TestKit.h2drumkit")
    kit = load_kit(archive)
    check_test_kit(kit)
    assert kit.source == archive
    assert kit.sounds[1].path == archive / "TestKit/samples/hat-closed.wav"


def test_newer_and_older_layouts_and_gm_midi_notes(tmp_path):
    xml = """<drumkit_info><name>Old</name><instrumentList>
      <instrument><name>Boom</name><pan>0.25</pan><muteGroup>2</muteGroup><midiOutNote>35</midiOutNote>
        <layer><filename>kick-soft.wav</filename><gain>0.5</gain></layer></instrument>
      <instrument><name>Tick</name><midiOutNote>42</midiOutNote><filename>samples/hat-closed.wav</filename></instrument>
    </instrumentList></drumkit_info>"""
    kit = load_kit(make_hydrogen_folder(tmp_path / "Old", xml))
    boom, tick = kit.sounds
    assert (boom.gm_note, tick.gm_note) == (35, 42)  # not Hydrogen's defaults: the kit's own notes are kept
    assert (boom.pan, boom.choke_group) == (0.25, 3)
    assert boom.gain_db == pytest.approx(-6.02, abs=0.01)


def test_a_missing_or_outside_layer_skips_that_instrument_only(tmp_path):
    xml = DRUMKIT_XML.replace("samples/hat-open.ogg", "../../secret.wav").replace(
        "samples/hat-closed.wav", "samples/not-there.wav")
    folder = make_hydrogen_folder(tmp_path / "Holes", xml)
    (tmp_path / "secret.wav").write_bytes((folder / "kick-soft.wav").read_bytes())
    kit = load_kit(folder)
    assert [sound.name for sound in kit.sounds] == ["Kick"]
    assert kit.warnings == [
        'The sound file for "Hat Closed" is missing from the kit. It was left out of the kit.',
        '"../../secret.wav" is outside the kit\'s folder, so it was not used. It was left out of the kit.',
    ]


def test_an_archive_never_writes_outside_its_temporary_folder(tmp_path):
    xml = DRUMKIT_XML.replace("samples/hat-open.ogg", "../../evil.wav")
    folder = make_hydrogen_folder(tmp_path / "src" / "Evil", xml)
    sound = (folder / "kick-soft.wav").read_bytes()
    archive = pack(folder, tmp_path / "Evil.h2drumkit", {"../../evil.wav": sound, "/tmp/evil-abs.wav": sound})
    work = tmp_path / "work"
    work.mkdir()
    kit = load_kit(archive)
    assert [sound.name for sound in kit.sounds] == ["Kick", "Hat Closed"]
    assert kit.warnings == [
        '"../../evil.wav" is outside the kit\'s folder, so it was not used. It was left out of the kit.'
    ]
    assert not (tmp_path / "evil.wav").exists() and not Path("/tmp/evil-abs.wav").exists()


def test_a_broken_drumkit_xml_says_where(tmp_path):
    folder = make_hydrogen_folder(tmp_path / "Broken", DRUMKIT_XML.replace("</name>", "", 1))
    with pytest.raises(KitError) as error:
        load_kit(folder)
    assert str(error.value).startswith(
        'The Hydrogen kit "Broken" could not be read: its drumkit.xml is damaged (line ')


def test_an_xml_that_is_not_a_drum_kit(tmp_path):
    folder = make_hydrogen_folder(tmp_path / "Song", "<song><name>x</name></song>")
    with pytest.raises(KitError) as error:
        load_kit(folder)
    assert str(error.value) == 'The Hydrogen kit "Song" could not be read: its drumkit.xml is not a Hydrogen drum kit.'


def test_xml_entity_tricks_are_refused(tmp_path):
    bomb = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><drumkit_info><name>&a;</name></drumkit_info>'
    folder = make_hydrogen_folder(tmp_path / "Bomb", bomb)
    with pytest.raises(KitError) as error:
        load_kit(folder)
    assert str(error.value) == (
        'The Hydrogen kit "Bomb" could not be read: '
        'its drumkit.xml holds XML entities, which are not allowed in a kit.'
    )


def test_an_archive_that_is_not_an_archive(tmp_path):
    archive = tmp_path / "junk.h2drumkit"
    archive.write_bytes(b"this is not a tar file at all" * 40)
    with pytest.raises(KitError) as error:
        load_kit(archive)
    assert str(error.value) == (
        '"junk.h2drumkit" could not be opened: it is not a Hydrogen drum kit archive, or it is damaged.')


def test_a_cut_off_archive_is_damaged(tmp_path):
    archive = pack(make_hydrogen_folder(tmp_path / "TestKit"), tmp_path / "whole.h2drumkit")
    cut = tmp_path / "cut.h2drumkit"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(KitError) as error:
        load_kit(cut)
    assert str(error.value) == (
        '"cut.h2drumkit" could not be opened: it is not a Hydrogen drum kit archive, or it is damaged.'
    )


def test_an_archive_without_drumkit_xml(tmp_path):
    folder = tmp_path / "NoXml"
    folder.mkdir()
    write_sound(folder / "kick.wav", decaying_sine(60.0))
    archive = pack(folder, tmp_path / "NoXml.h2drumkit")
    with pytest.raises(KitError) as error:
        load_kit(archive)
    assert str(error.value) == '"NoXml.h2drumkit" is not a Hydrogen drum kit: it has no drumkit.xml inside.'


def test_an_archive_whose_sounds_are_all_bad(tmp_path):
    folder = make_hydrogen_folder(tmp_path / "Quiet")
    for path in [folder / "kick-hard.flac", folder / "samples/hat-closed.wav", folder / "samples/hat-open.ogg"]:
        write_sound(path, np.zeros(480, np.float32))
    with pytest.raises(KitError) as error:
        load_kit(pack(folder, tmp_path / "Quiet.h2drumkit"))
    assert str(error.value) == (
        'None of the sounds in "Quiet.h2drumkit" could be used. The first problem: "kick-hard.flac" is silent.')
