"""Hydrogen drum kits: a folder with drumkit.xml and its samples, or the same packed as .h2drumkit
(a tar archive, usually gzipped, holding "KitName/drumkit.xml" and the samples).

Each instrument becomes one sound: its name, volume and gain (as gain_db), pan, mute group (as
choke group) and one layer: the one a firm hit (velocity 0.8, Hydrogen's default) plays.
Archives are read member by member; only the chosen layers are written, under names of our own,
into a temporary folder, so no path inside an archive can reach outside it.
"""

from __future__ import annotations

import math
import posixpath
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree

from studio.kits.audio_files import AUDIO_SUFFIXES, MAX_FILE_BYTES, read_one_shot
from studio.kits.errors import KitError
from studio.kits.gm_notes import assign_gm_notes, guess_gm_notes
from studio.kits.hydrogen_archive import escapes_archive, extract_members, scan_archive
from studio.kits.kit import (
    ENGINE_SAMPLE_RATE, MAX_KIT_SOUNDS, Kit, KitSound, clamp_gain_db, clamp_pan, hi_hat_choke_groups,
)

DRUMKIT_XML = "drumkit.xml"
MAX_XML_BYTES = 5 * 1024 * 1024
FIRM_HIT_VELOCITY = 0.8


@dataclass
class HydrogenInstrument:
    name: str
    gain_db: float
    pan: float
    mute_group: int  # -1 = none
    midi_out_note: int | None
    layers: list[tuple[str, float]] = field(default_factory=list)  # (file, linear gain), best for a pad first

    @property
    def layer_files(self) -> list[str]:
        return [filename for filename, _ in self.layers]


def is_hydrogen_folder(folder: Path) -> bool:
    return (Path(folder) / DRUMKIT_XML).is_file()


def load_hydrogen_folder(folder: Path, sample_rate: int = ENGINE_SAMPLE_RATE) -> Kit:
    folder = Path(folder)
    xml_path = folder / DRUMKIT_XML
    if xml_path.stat().st_size > MAX_XML_BYTES:
        raise KitError(f'The Hydrogen kit "{folder.name}" could not be read: its drumkit.xml is far too big.')
    kit_name, instruments = parse_drumkit_xml(xml_path.read_bytes(), folder.name)

    def layer_path(filename: str) -> Path | None:
        path = folder / filename
        if folder.resolve() not in path.resolve().parents:
            raise KitError(f'"{filename}" is outside the kit\'s folder, so it was not used.')
        return path if path.is_file() else None

    return _build_kit(kit_name, instruments, layer_path, folder, sample_rate, lambda filename: folder / filename)


def load_h2drumkit(archive: Path, sample_rate: int = ENGINE_SAMPLE_RATE) -> Kit:
    archive = Path(archive)
    shown = f'"{archive.name}"'
    member_sizes, xml_member, xml_bytes = scan_archive(archive, shown, DRUMKIT_XML, MAX_XML_BYTES)
    if xml_member is None:
        raise KitError(f"{shown} is not a Hydrogen drum kit: it has no drumkit.xml inside.")
    kit_dir = posixpath.dirname(xml_member)
    kit_name, instruments = parse_drumkit_xml(xml_bytes, archive.stem)
    wanted: dict[str, str] = {}  # member name -> file name in the temporary folder
    for instrument in instruments[:MAX_KIT_SOUNDS]:
        for filename in instrument.layer_files:
            member = _member_name(kit_dir, filename)
            if member in member_sizes and member_sizes[member] <= MAX_FILE_BYTES:
                suffix = Path(member).suffix.lower()
                wanted.setdefault(member, f"{len(wanted):03d}{suffix if suffix in AUDIO_SUFFIXES else '.bin'}")
                break
    with tempfile.TemporaryDirectory(prefix="ward-studio-kit-") as temp_dir:
        targets = {member: Path(temp_dir) / name for member, name in wanted.items()}
        extract_members(archive, shown, targets, MAX_FILE_BYTES)

        def layer_path(filename: str) -> Path | None:
            member = _member_name(kit_dir, filename)
            if member is None:
                raise KitError(f'"{filename}" is outside the kit\'s folder, so it was not used.')
            if member_sizes.get(member, 0) > MAX_FILE_BYTES:
                raise KitError(f'"{filename}" is too big for a drum pad (more than {MAX_FILE_BYTES / 1e6:.0f} MB).')
            path = Path(temp_dir) / wanted.get(member, "missing")
            return path if path.is_file() else None

        return _build_kit(
            kit_name, instruments, layer_path, archive, sample_rate,
            lambda filename: archive / (_member_name(kit_dir, filename) or filename),
        )


def parse_drumkit_xml(xml_bytes: bytes, shown_kit: str) -> tuple[str, list[HydrogenInstrument]]:
    broken = f'The Hydrogen kit "{shown_kit}" could not be read: its drumkit.xml'
    try:
        root = defusedxml.ElementTree.fromstring(xml_bytes)
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        raise KitError(f"{broken} is damaged (line {line}, column {column}).") from None
    except defusedxml.DefusedXmlException:
        raise KitError(f"{broken} holds XML entities, which are not allowed in a kit.") from None
    for element in root.iter():  # Hydrogen 0.9.7 onwards puts everything in its namespace
        element.tag = element.tag.rsplit("}", 1)[-1]
    if root.tag != "drumkit_info":
        raise KitError(f"{broken} is not a Hydrogen drum kit.")
    instruments = [_parse_instrument(element, index) for index, element in enumerate(root.iter("instrument"))]
    instruments = [instrument for instrument in instruments if instrument.layer_files]
    if not instruments:
        raise KitError(f"{broken} lists no instruments with sounds.")
    return (_text(root, "name") or shown_kit), instruments


def _parse_instrument(element: Element, index: int) -> HydrogenInstrument:
    linear_gain = _number(element, "volume", 1.0) * _number(element, "gain", 1.0)
    if element.find("pan") is not None:  # Hydrogen 1.1 and later: one pan, -1..1
        pan = _number(element, "pan", 0.0)
    else:  # older: a gain per side, 0..1; the louder side is full and the other says how far off centre
        left, right = _number(element, "pan_L", 1.0), _number(element, "pan_R", 1.0)
        pan = 0.0 if left == right else (1 - left / right if right > left else right / left - 1)
    # Layers live in <instrumentComponent> (0.9.7+), directly in <instrument> (0.9.4+), or as one
    # <filename> (older still). Sorted: the layers a firm hit plays first, then the rest in order.
    choices: list[tuple[int, int, str, float]] = []
    components = element.findall("instrumentComponent") or [element]
    for component in components:
        component_gain = _number(component, "gain", 1.0) if component is not element else 1.0
        for layer in component.findall("layer"):
            filename = _text(layer, "filename")
            if filename:
                fits = _number(layer, "min", 0.0) <= FIRM_HIT_VELOCITY <= _number(layer, "max", 1.0)
                gain = component_gain * _number(layer, "gain", 1.0)
                choices.append((0 if fits else 1, len(choices), filename.replace("\\", "/"), gain))
    if not choices and _text(element, "filename"):
        choices.append((0, 0, _text(element, "filename").replace("\\", "/"), 1.0))
    midi_note = _number(element, "midiOutNote", -1.0)
    return HydrogenInstrument(
        name=_text(element, "name") or f"Instrument {index + 1}",
        gain_db=_db(linear_gain),
        pan=clamp_pan(pan),
        mute_group=int(_number(element, "muteGroup", -1.0)),
        midi_out_note=int(midi_note) if 0 <= midi_note <= 127 else None,
        layers=[(filename, gain) for _, _, filename, gain in sorted(choices)],
    )


def _build_kit(kit_name, instruments, layer_path, source: Path, sample_rate: int, shown_path) -> Kit:
    warnings: list[str] = []
    if len(instruments) > MAX_KIT_SOUNDS:
        left_out = ", ".join(instrument.name for instrument in instruments[MAX_KIT_SOUNDS:])
        warnings.append(f"Only the first {MAX_KIT_SOUNDS} sounds were loaded, one per pad; left out: {left_out}.")
        instruments = instruments[:MAX_KIT_SOUNDS]
    loaded = []
    problems = []
    for instrument in instruments:
        try:
            filename, path = _first_layer_found(instrument, layer_path)
            samples = read_one_shot(path, sample_rate, shown_name=filename)
            layer_gain = dict(instrument.layers)[filename]
            loaded.append((instrument, filename, samples, clamp_gain_db(instrument.gain_db + _db(layer_gain))))
        except KitError as error:
            problems.append(str(error))
            warnings.append(f"{error} It was left out of the kit.")
    if not loaded:
        raise KitError(f'None of the sounds in "{source.name}" could be used. The first problem: {problems[0]}')
    played = [instrument for instrument, *_ in loaded]
    notes = assign_gm_notes(
        [instrument.name for instrument in played],
        [instrument.midi_out_note for instrument in played] if _trust_midi_notes(played) else None,
    )
    chokes = hi_hat_choke_groups(notes, [max(0, instrument.mute_group + 1) for instrument in played])
    sounds = [
        KitSound(instrument.name, shown_path(filename), samples, sample_rate, note, gain_db, instrument.pan, choke)
        for (instrument, filename, samples, gain_db), note, choke in zip(loaded, notes, chokes)
    ]
    return Kit(kit_name, sounds, source, warnings)


def _first_layer_found(instrument: HydrogenInstrument, layer_path) -> tuple[str, Path]:
    first_problem = None
    for filename in instrument.layer_files:
        try:
            path = layer_path(filename)
        except KitError as problem:
            first_problem = first_problem or problem
            continue
        if path is not None:
            return filename, path
    raise first_problem or KitError(f'The sound file for "{instrument.name}" is missing from the kit.')


def _trust_midi_notes(instruments: list[HydrogenInstrument]) -> bool:
    """Hydrogen gives new instruments the notes 36, 37, 38... in order: such notes are only used when
    the names agree with them often enough to show the kit was laid out for General MIDI."""
    notes = [instrument.midi_out_note for instrument in instruments]
    if None in notes or len(set(notes)) != len(notes):
        return False
    if notes != list(range(36, 36 + len(notes))):
        return True
    agreeing = sum(1 for instrument, note in zip(instruments, notes) if note in guess_gm_notes(instrument.name))
    return agreeing * 2 >= len(notes)


def _member_name(kit_dir: str, filename: str) -> str | None:
    """The archive member a layer's file name points at; None when it would be outside the kit."""
    member = posixpath.normpath(posixpath.join(kit_dir, filename))
    outside = escapes_archive(filename) or (kit_dir and not member.startswith(kit_dir + "/"))
    return None if outside or escapes_archive(member) else member


def _db(linear_gain: float) -> float:
    return clamp_gain_db(20 * math.log10(linear_gain) if linear_gain > 0 else -math.inf)


def _text(element: Element | None, tag: str) -> str:
    found = element.find(tag) if element is not None else None
    return (found.text or "").strip() if found is not None else ""


def _number(element: Element | None, tag: str, default: float) -> float:
    try:
        value = float(_text(element, tag))
    except ValueError:
        return default
    return value if math.isfinite(value) else default
