"""How ``ward-studio kit show`` prints a kit: its name, then one line per sound."""

from __future__ import annotations

from studio.kits.kit import Kit, KitSound


def pan_text(pan: float) -> str:
    if abs(pan) < 0.005:
        return "centre"
    return f"{abs(pan) * 100:.0f}% {'left' if pan < 0 else 'right'}"


def sound_line(sound: KitSound, name_width: int) -> str:
    """e.g. 'Closed Hat   note 42 Closed Hi-Hat    0.11 s  mono    +0.0 dB  15% right  choke 1  hat-closed.wav'"""
    channels = "mono" if sound.channel_count == 1 else "stereo"
    choke = f"choke {sound.choke_group}" if sound.choke_group else "no choke"
    return (
        f"{sound.name:<{name_width}}  note {sound.gm_note:>3} {sound.gm_name:<18}  {sound.duration_s:5.2f} s  "
        f"{channels:<6}  {sound.gain_db:+5.1f} dB  {pan_text(sound.pan):<10}  {choke:<8}  {sound.path.name}"
    )


def kit_lines(kit: Kit) -> list[str]:
    name_width = max(len(sound.name) for sound in kit.sounds)
    return [kit.name, *(sound_line(sound, name_width) for sound in kit.sounds)]
