"""The DJ's headphones: the cued decks (or a blend with the master), kept as safe as the master.

    cue (decks with their headphones button on) --+-- blend (headphones_mix) -> limiter, volume, cap
    master (after its limiter) ---------------------+

With split cue, for a tablet with one headphone socket, the main output carries the master in
the left ear and the headphone cue in the right, each summed to mono. A sound card with four
outputs gets the cue on outputs 3 and 4 instead.
"""

from __future__ import annotations

from studio.audio.dsp import pyo

from studio.audio.master_bus import MasterBus, build_master_bus

SPLIT_GLIDE_S = 0.01


class Headphones:
    def __init__(self, cue: pyo.PyoObject, master: MasterBus, values: dict):
        self._mix = pyo.SigTo(values[("mixer", "headphones_mix")], time=0.02, init=values[("mixer", "headphones_mix")])
        self._blend = pyo.Interp(cue, master.limited, interp=self._mix)
        self.bus = build_master_bus([self._blend])
        split = float(values[("mixer", "split_cue")])
        self._split = pyo.SigTo(split, time=SPLIT_GLIDE_S, init=split)
        self._master_mono = pyo.Mix(master.output, voices=1, mul=0.5)
        self._cue_mono = pyo.Mix(self.bus.output, voices=1, mul=0.5)
        self._split_pair = pyo.Mix([self._master_mono, self._cue_mono], voices=2)
        self.output = pyo.Interp(master.output, self._split_pair, interp=self._split)
        self.apply(values)

    def apply(self, values: dict) -> None:
        self._mix.value = values[("mixer", "headphones_mix")]
        self._split.value = float(values[("mixer", "split_cue")])
        self.bus.set_volume(values[("mixer", "headphones_db")], values[("master", "headphone_cap_db")],
                            bool(values[("master", "mute")]))

    def out(self, channels: int) -> None:
        """Start sending: the main output (master, or master and cue split), and the cue on
        outputs 3-4 when the device has them."""
        self.output.out()
        if channels >= 4:
            self.bus.output.out(2)
