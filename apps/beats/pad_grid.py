"""The 4 x 4 drum pads: each in its sound's colour with its name; a touch plays it at once.

A pad plays on touch-down (waiting for the finger to lift would make it late), louder the
higher up the pad it is touched; when the finger lifts (or slides off) it is let go, which
ends a note repeat. The selected pad wears a white ring. Pads flash when the
sequencer plays them. Looks: beat_grids.kv.
"""

from __future__ import annotations

from kivy.animation import Animation
from kivy.core.text import Label as CoreLabel
from kivy.graphics.texture import Texture
from kivy.metrics import dp, sp
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.gridlayout import GridLayout
from kivy.uix.widget import Widget

from apps import theme
from apps.beats.kit_info import PadLook
from studio.beats.model import PAD_COUNT

FLASH_S = 0.3
FOOT_ALPHA = 0.24  # how dark the very bottom of a pad is drawn (it plays softest)

_foot_texture = None


def foot_texture() -> Texture:
    """A vertical ramp from dark (bottom) to clear (middle), drawn over the lower half of a pad."""
    global _foot_texture
    if _foot_texture is None:
        height = 64
        alphas = bytes(round(255 * FOOT_ALPHA * (1 - row / (height - 1)) ** 1.5) for row in range(height))
        _foot_texture = Texture.create(size=(1, height), colorfmt="rgba")
        _foot_texture.blit_buffer(b"".join(bytes((0, 0, 0, a)) for a in alphas), colorfmt="rgba", bufferfmt="ubyte")
    return _foot_texture


def fits(word: str, font_sp: float, width: float) -> bool:
    label = CoreLabel(text=word, font_size=sp(font_sp), bold=True)
    label.refresh()
    return label.texture.size[0] <= width


def fit_name(name: str, width: float) -> tuple[str, float]:
    """The pad name as shown, and its size in sp: large when its longest word fits the pad,
    else the smallest size allowed for text a patient must read (theme.SMALL_SP), with a word
    still too long broken by a hyphen rather than anywhere."""
    words = name.split()
    if all(fits(word, theme.LABEL_SP, width) for word in words):
        return name, theme.LABEL_SP
    shown = []
    for word in words:
        while len(word) > 3 and not fits(word, theme.SMALL_SP, width):
            cut = len(word) - 1
            while cut > 2 and not fits(word[:cut] + "-", theme.SMALL_SP, width):
                cut -= 1
            shown.append(word[:cut] + "-")
            word = word[cut:]
        shown.append(word)
    return " ".join(shown).replace("- ", "-\n"), theme.SMALL_SP


class PadButton(ButtonBehavior, Widget):
    pad = NumericProperty(0)  # 0..15
    sound_name = StringProperty("")  # "" when the kit has no sound for this pad
    fill = ColorProperty(theme.OUTLINE)
    selected = BooleanProperty(False)
    flash = NumericProperty(0.0)  # 1 when hit, fading to 0
    badge = StringProperty("")  # "Muted", "Solo" or ""
    graded = BooleanProperty(True)  # shade the bottom: a hint that higher up is louder
    foot = ObjectProperty(None)
    name_sp = NumericProperty(theme.LABEL_SP)
    shown_name = StringProperty("No sound")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.foot = foot_texture()
        self.fbind("sound_name", self._fit_name)
        self.fbind("width", self._fit_name)

    def _fit_name(self, *_):
        if self.width > dp(20):
            self.shown_name, self.name_sp = fit_name(self.sound_name or "No sound", self.width - dp(12))

    __events__ = ("on_hit", "on_let_go")

    def on_state(self, _button, state):
        if state == "normal":
            self.dispatch("on_let_go")

    def on_let_go(self):
        """The finger lifted."""

    def on_press(self):
        touch = self.last_touch
        fraction_up = (touch.y - self.y) / self.height if touch is not None and self.height else 1.0
        self.dispatch("on_hit", fraction_up)

    def on_hit(self, fraction_up: float):
        """The pad was touched this far up (0 bottom .. 1 top)."""

    def show_flash(self) -> None:
        Animation.cancel_all(self, "flash")
        self.flash = 1.0
        Animation(flash=0.0, duration=FLASH_S, t="out_quad").start(self)


class PadGrid(GridLayout):
    """Pad 1 at the top left, in reading order."""

    __events__ = ("on_pad_hit", "on_pad_let_go")

    def __init__(self, **kwargs):
        kwargs.setdefault("cols", 4)
        super().__init__(**kwargs)
        self.pads: list[PadButton] = []
        for pad in range(PAD_COUNT):
            button = PadButton(pad=pad)
            button.bind(on_hit=lambda button, fraction_up: self.dispatch("on_pad_hit", button.pad, fraction_up),
                        on_let_go=lambda button: self.dispatch("on_pad_let_go", button.pad))
            self.pads.append(button)
            self.add_widget(button)

    def show_kit(self, looks: tuple[PadLook, ...]) -> None:
        for button, look in zip(self.pads, looks):
            button.sound_name = look.name
            button.fill = theme.rgba(look.colour_hex)

    def show_selected(self, pad: int) -> None:
        for button in self.pads:
            button.selected = button.pad == pad

    def show_badges(self, rows) -> None:
        for button, row in zip(self.pads, rows):
            button.badge = "Muted" if row.mute else ("Solo" if row.solo else "")

    def show_graded(self, graded: bool) -> None:
        for button in self.pads:
            button.graded = graded

    def flash(self, pads) -> None:
        for pad in pads:
            self.pads[pad].show_flash()

    def on_pad_hit(self, pad: int, fraction_up: float):
        """A pad was touched."""

    def on_pad_let_go(self, pad: int):
        """A finger left a pad."""
