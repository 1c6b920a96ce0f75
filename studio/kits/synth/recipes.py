"""The shipped kits: which voices, tuned how, how loud, with which GM note, pan and choke group.

Levels are set as each sound's peak (peak_dbfs) so the kit is balanced as it comes and leaves
headroom for several pads at once; every pad's gain_db starts at 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from studio.kits.synth import drums, hand_percussion as hands, metals
from studio.kits.gm_notes import family
from studio.kits.synth.dsp import lowpass, room, saturate

HATS = 1  # the choke group of a kit's hi-hats: closed and pedal cut the open hat off
TRIANGLES = 2


@dataclass(frozen=True)
class SoundRecipe:
    file: str
    name: str
    gm_note: int
    make: Callable[[int], np.ndarray]  # seed -> raw samples
    peak_dbfs: float
    max_duration_s: float = 1.0
    choke_group: int = 0
    pan: float = 0.0
    fade_ms: float = 30.0
    gain_db: float = 0.0


@dataclass(frozen=True)
class KitRecipe:
    name: str
    description: str
    sounds: tuple[SoundRecipe, ...]
    # The kit's character, applied to every sound before levelling (e.g. boom-bap's dusty warmth).
    character: Callable[[np.ndarray, SoundRecipe, int], np.ndarray] = lambda samples, sound, seed: samples


def _dusty(samples: np.ndarray, sound: SoundRecipe, seed: int) -> np.ndarray:
    """Boom-bap's sampled-from-a-record feel: rounded highs and a little tape-like saturation on the
    drums (not on hats and shakers, where it would only add grit below them)."""
    drive = 1.4 if family(sound.gm_note) in ("kick", "snare", "clap", "tom") else 0.0
    return lowpass(saturate(samples, drive), 9500, order=1)


def _in_a_room(mix: float, size_s: float = 0.35) -> Callable[[np.ndarray, SoundRecipe, int], np.ndarray]:
    return lambda samples, sound, seed: room(samples, size_s, mix, seed + 7)


def _roomy(make: Callable[[int], np.ndarray], mix: float, size_s: float = 0.4) -> Callable[[int], np.ndarray]:
    return lambda seed: room(make(seed), size_s, mix, seed + 11)


S = SoundRecipe
BOOM_BAP = KitRecipe("boom-bap", "Dusty, warm hip-hop drums: a round kick and a fat snare with some room.", (
    S("kick.wav", "Kick", 36,
      lambda s: drums.kick(s, 55, 150, 0.04, 0.45, knock=0.45, click=0.5, click_hz=2500, drive=2.0), -1.5, 0.7),
    S("kick-soft.wav", "Soft Kick", 35, lambda s: drums.kick(s, 50, 115, 0.05, 0.55, knock=0.3, click=0.25, drive=1.4),
      -2.5, 0.8),
    S("snare.wav", "Snare", 38, _roomy(lambda s: drums.snare(s, 180, 0.18, 0.3, 1000, 7000, 0.7, 0.3, 1.6), 0.25),
      -2.0, 0.7),
    S("snare-rimshot.wav", "Rimshot Snare", 40,
      _roomy(lambda s: drums.snare(s, 230, 0.14, 0.22, 1800, 10000, 0.6, 0.6, 1.8), 0.2), -2.5, 0.6),
    S("clap.wav", "Clap", 39, _roomy(lambda s: drums.clap(s, 4, 10, 1100, 0.28), 0.25), -3.0, 0.7),
    S("side-stick.wav", "Side Stick", 37, lambda s: drums.side_stick(s), -4.0, 0.3),
    S("hat-closed.wav", "Closed Hat", 42, lambda s: metals.hat(s, 0.13, 1.0, 6000, 0.4, duration_s=0.3),
      -6.5, 0.3, HATS, 0.15, 20),
    S("hat-pedal.wav", "Pedal Hat", 44, lambda s: metals.hat(s, 0.08, 1.0, 5000, 0.3, attack_ms=2, duration_s=0.2),
      -9.0, 0.2, HATS, 0.15, 15),
    S("hat-open.wav", "Open Hat", 46, lambda s: metals.hat(s, 0.6, 1.0, 6000, 0.4, duration_s=0.8),
      -8.0, 0.8, HATS, 0.15, 120),
    S("ride.wav", "Ride", 51, lambda s: metals.ride(s, 1.5), -10.0, 1.3, pan=-0.2, fade_ms=250),
    S("shaker.wav", "Shaker", 70, lambda s: hands.shaker(s, 0.1), -9.0, 0.25, pan=0.3),
    S("tambourine.wav", "Tambourine", 54, lambda s: metals.tambourine(s, 0.3), -9.0, 0.45, pan=-0.3),
), character=_dusty)

TRAP = KitRecipe("trap", "Trap and drill: a long tuned 808, a tight kick, crisp snare and clap, fast hats.", (
    S("808.wav", "808", 35, lambda s: drums.bass_808(s, 49.0, 2.6, 3.2), -1.5, 2.0, fade_ms=250),
    S("kick.wav", "Kick", 36,
      lambda s: drums.kick(s, 58, 230, 0.022, 0.32, knock=0.45, click=0.7, click_hz=4000, drive=3.0), -1.5, 0.5),
    S("snare.wav", "Snare", 38, lambda s: drums.snare(s, 205, 0.12, 0.22, 1800, 11000, 0.9, 0.5, 2.0), -2.5, 0.45),
    S("clap.wav", "Clap", 39, lambda s: drums.clap(s, 4, 8, 1400, 0.22), -3.0, 0.5),
    S("snap.wav", "Snap", 40, lambda s: drums.snap(s, 2300), -4.0, 0.25),
    S("rim.wav", "Rim", 37, lambda s: drums.rim_click(s), -5.0, 0.15),
    S("hat-closed.wav", "Closed Hat", 42, lambda s: metals.hat(s, 0.09, 1.2, 7500, 0.6, duration_s=0.2),
      -7.0, 0.2, HATS, 0.2, 15),
    S("hat-tick.wav", "Hat Tick", 44, lambda s: metals.hat(s, 0.05, 1.3, 8000, 0.6, duration_s=0.12),
      -10.0, 0.12, HATS, 0.2, 10),
    S("hat-open.wav", "Open Hat", 46, lambda s: metals.hat(s, 0.45, 1.2, 7500, 0.6, duration_s=0.7),
      -8.5, 0.7, HATS, 0.2, 100),
    S("crash.wav", "Crash", 49, lambda s: metals.crash(s, 1.6), -10.0, 1.5, pan=-0.2, fade_ms=300),
    S("tom-808.wav", "808 Tom", 45, lambda s: drums.tom(s, 100, 0.4, bend=1.6, stick=0.2), -3.0, 0.6),
    S("cowbell.wav", "Cowbell", 56, lambda s: metals.cowbell(s), -7.0, 0.5, pan=0.2),
))

HOUSE = KitRecipe("house", "House and electronic: a four-on-the-floor kick, claps and drum-machine toms.", (
    S("kick.wav", "Kick", 36,
      lambda s: drums.kick(s, 50, 260, 0.018, 0.5, knock=0.35, click=0.7, click_hz=5000, drive=2.4), -1.5, 0.6),
    S("clap.wav", "Clap", 39, _roomy(lambda s: drums.clap(s, 3, 11, 1250, 0.35), 0.2), -3.0, 0.8),
    S("snare.wav", "Snare", 38, lambda s: drums.snare(s, 220, 0.1, 0.22, 2000, 12000, 1.0, 0.4, 1.4), -3.0, 0.5),
    S("rim.wav", "Rim", 37, lambda s: drums.rim_click(s + 1), -5.0, 0.15),
    S("hat-closed.wav", "Closed Hat", 42, lambda s: metals.hat(s, 0.12, 1.0, 7000, 0.3, duration_s=0.3),
      -6.5, 0.3, HATS, 0.15, 20),
    S("hat-open.wav", "Open Hat", 46, lambda s: metals.hat(s, 0.5, 1.0, 7000, 0.3, duration_s=0.8),
      -7.5, 0.8, HATS, 0.15, 120),
    S("ride.wav", "Ride", 51, lambda s: metals.ride(s, 1.3), -11.0, 1.2, pan=-0.2, fade_ms=250),
    S("crash.wav", "Crash", 49, lambda s: metals.crash(s, 1.5, tune=1.1), -10.0, 1.5, pan=0.2, fade_ms=300),
    S("tom-low.wav", "Low Tom", 45, lambda s: drums.tom(s, 90, 0.45, bend=1.5, stick=0.25), -3.0, 0.7, pan=-0.2),
    S("tom-mid.wav", "Mid Tom", 47, lambda s: drums.tom(s, 130, 0.4, bend=1.5, stick=0.25), -3.5, 0.6),
    S("tom-high.wav", "High Tom", 50, lambda s: drums.tom(s, 180, 0.35, bend=1.5, stick=0.25), -4.0, 0.5, pan=0.2),
    S("shaker.wav", "Shaker", 70, lambda s: hands.shaker(s, 0.09, 5000), -9.0, 0.25, pan=0.3),
    S("cowbell.wav", "Cowbell", 56, lambda s: metals.cowbell(s, tune=1.05, decay_s=0.35), -8.0, 0.45, pan=-0.3),
))

ACOUSTIC = KitRecipe("acoustic", "A drum kit in a small room: kick, snares, three toms, hats and cymbals.", (
    S("kick.wav", "Kick", 36, _roomy(lambda s: drums.kick(s, 58, 95, 0.02, 0.32, knock=0.5, click=0.8, click_hz=3000,
                                                             drive=1.3), 0.08), -1.5, 0.7),
    S("snare.wav", "Snare", 38, _roomy(lambda s: drums.snare(s, 195, 0.2, 0.32, 900, 8000, 0.85, 0.35, 1.3), 0.3),
      -2.0, 0.8),
    S("snare-rimshot.wav", "Rimshot Snare", 40,
      _roomy(lambda s: drums.snare(s, 210, 0.18, 0.28, 1500, 10000, 0.7, 0.8, 1.5), 0.3), -2.0, 0.8),
    S("side-stick.wav", "Side Stick", 37, _roomy(lambda s: drums.side_stick(s), 0.25), -4.0, 0.5),
    S("tom-floor.wav", "Floor Tom", 41, _roomy(lambda s: drums.tom(s, 82, 0.7, bend=1.12, stick=0.35), 0.15),
      -3.0, 1.0, pan=0.25),
    S("tom-low.wav", "Low Tom", 45, _roomy(lambda s: drums.tom(s, 110, 0.6, bend=1.12, stick=0.35), 0.15), -3.0, 0.9),
    S("tom-high.wav", "High Tom", 48, _roomy(lambda s: drums.tom(s, 150, 0.5, bend=1.12, stick=0.35), 0.15),
      -3.5, 0.8, pan=-0.2),
    S("hat-closed.wav", "Closed Hat", 42, _roomy(lambda s: metals.hat(s, 0.15, 1.45, 5500, 0.3, duration_s=0.3), 0.15),
      -6.5, 0.4, HATS, -0.3, 20),
    S("hat-pedal.wav", "Pedal Hat", 44,
      _roomy(lambda s: metals.hat(s, 0.09, 1.45, 4500, 0.25, attack_ms=3, duration_s=0.25), 0.15),
      -9.0, 0.35, HATS, -0.3, 20),
    S("hat-open.wav", "Open Hat", 46, _roomy(lambda s: metals.hat(s, 0.7, 1.45, 5500, 0.3, duration_s=1.0), 0.12),
      -8.0, 1.0, HATS, -0.3, 150),
    S("crash.wav", "Crash", 49, lambda s: metals.crash(s, 1.8, tune=0.9), -9.0, 1.5, pan=-0.35, fade_ms=300),
    S("ride.wav", "Ride", 51, lambda s: metals.ride(s, 1.8), -10.0, 1.4, pan=0.35, fade_ms=300),
    S("ride-bell.wav", "Ride Bell", 53, lambda s: metals.ride_bell(s, 1.5), -11.0, 1.4, pan=0.35, fade_ms=300),
))

PERCUSSION = KitRecipe("percussion", "Hand percussion: bongos, congas, timbale, bells, shakers and wood.", (
    S("bongo-high.wav", "High Bongo", 60, lambda s: hands.hand_drum(s, 480, 0.16, slap=0.35, bend=1.05),
      -4.0, 0.4, pan=-0.3),
    S("bongo-low.wav", "Low Bongo", 61, lambda s: hands.hand_drum(s, 360, 0.22, slap=0.3, bend=1.05),
      -4.0, 0.45, pan=-0.15),
    S("conga-mute.wav", "Mute Conga", 62, lambda s: hands.hand_drum(s, 330, 0.06, slap=0.8), -4.0, 0.25, pan=0.15),
    S("conga-open.wav", "Open Conga", 63, lambda s: hands.hand_drum(s, 330, 0.4, slap=0.3), -3.0, 0.6, pan=0.15),
    S("conga-low.wav", "Low Conga", 64, lambda s: hands.hand_drum(s, 235, 0.5, slap=0.3), -3.0, 0.7, pan=0.3),
    S("timbale.wav", "Timbale", 65, lambda s: hands.timbale(s, 420), -5.0, 0.7, pan=-0.2),
    S("cowbell.wav", "Cowbell", 56, lambda s: metals.cowbell(s, tune=0.95, decay_s=0.3), -7.0, 0.4),
    S("tambourine.wav", "Tambourine", 54, lambda s: metals.tambourine(s, 0.3), -8.0, 0.45, pan=0.25),
    S("agogo-high.wav", "High Agogo", 67, lambda s: metals.agogo(s, 920), -7.0, 0.6, pan=0.3),
    S("agogo-low.wav", "Low Agogo", 68, lambda s: metals.agogo(s, 690), -7.0, 0.6, pan=0.3),
    S("shaker.wav", "Shaker", 70, lambda s: hands.shaker(s, 0.12), -10.0, 0.3, pan=-0.25),
    S("claves.wav", "Claves", 75, lambda s: hands.claves(s), -7.0, 0.2, pan=-0.2),
    S("wood-block.wav", "Wood Block", 76, lambda s: hands.wood_block(s), -6.0, 0.2, pan=0.2),
    S("triangle.wav", "Triangle", 81, lambda s: metals.triangle(s, 1.8), -12.0, 1.4, TRIANGLES, 0.35, 300),
    S("triangle-mute.wav", "Mute Triangle", 80, lambda s: metals.triangle(s, 0.12, duration_s=0.3),
      -12.0, 0.3, TRIANGLES, 0.35, 20),
), character=_in_a_room(0.12, 0.3))


SHIPPED_KIT_RECIPES = (BOOM_BAP, TRAP, HOUSE, ACOUSTIC, PERCUSSION)
