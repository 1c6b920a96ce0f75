"""Drum kits: the sounds on the 16 pads.

A kit is a list of one-shot sounds, each with a name, a General MIDI drum note, gain, pan and choke
group. Kits come from the shipped folders in samples/kits (made by ``python -m studio.kits.synth``),
any folder of WAV/FLAC/OGG/MP3 one-shots, or a Hydrogen drum kit (drumkit.xml or .h2drumkit).

    from studio.kits import load_kit
    kit = load_kit("boom-bap")            # a shipped kit by name, or a path
    kit.sound_for_note(36).samples        # float32 numpy, at 48 kHz
"""

from studio.kits.errors import KitError
from studio.kits.kit import Kit, KitSound
from studio.kits.library import list_shipped_kits, load_kit

__all__ = ["Kit", "KitError", "KitSound", "list_shipped_kits", "load_kit"]
