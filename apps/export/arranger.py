"""The arranger: the song's lanes as rows, a header on the left of each (name, Mute, volume and
pan) and a bar grid on the right (bar numbers on top) with the clips as coloured blocks.

One finger does everything. A tap on a clip selects it (a tap on the empty grid lets it go); a
clip dragged left or right follows the finger in whole bars and is dropped on the bar where the
finger lifts. A drag on the empty grid or on the bar numbers scrolls the song (sideways and, with
many lanes, up and down); a tap on a bar number chooses where Listen starts (a blue line marks
it). While the song plays, a white line (the playhead) moves across the bars and the grid
follows it. The corner above the lane headers holds the Listen control (listen_bar.py). The
arranger shows what it is given (show, show_playhead) and says what a finger did through
events; the screen decides. Looks: arranger.kv.
"""

from __future__ import annotations

import os

from kivy.core.text import Label as CoreLabel
from kivy.graphics import Canvas, Color, Line, Rectangle, Triangle
from kivy.lang import Builder
from kivy.metrics import dp, sp
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.stencilview import StencilView
from kivy.uix.widget import Widget

from apps import theme
from apps.export.listen_bar import ListenControl  # noqa: F401  (kv class: the corner)

BAR_DP = 56  # the width of a bar: a one-bar clip is still a finger's target
RULER_DP = 56  # the bar numbers: a finger taps one to choose where Listen starts
LANE_DP = 108
HEADER_DP = 412
CLIP_MARGIN_DP = 6  # above and below a clip inside its lane
DRAG_START_DP = 10  # a finger that moves less than this taps
SPARE_BARS = 8  # room after the song's end to drag clips into
PLAYHEAD_LEAD_BARS = 1  # when the playhead leaves the grid, the grid scrolls to show it this far in
KIND_COLOURS = {"pattern": "#C2410C", "take": "#BE185D", "audio": "#6D28D9"}  # the Beats, Mic and Decks tiles


class LaneHeader(BoxLayout):
    lane_index = NumericProperty(0)
    name = StringProperty("")
    kind = StringProperty("beat")
    mute = BooleanProperty(False)
    volume_text = StringProperty("0 dB")
    pan_text = StringProperty("Centre")
    stripe = ColorProperty(theme.rgba(KIND_COLOURS["pattern"]))

    __events__ = ("on_lane",)

    def on_lane(self, verb: str, value: int):
        """verb: "mute" (value 0), "volume" or "pan" (value -1 or 1)."""


class ClipBlock(ButtonBehavior, Widget):
    """A clip on the grid. It follows a dragging finger in whole bars (shift_bars)."""

    lane_index = NumericProperty(0)
    clip_index = NumericProperty(0)
    start_bar = NumericProperty(0)
    bars = NumericProperty(1)
    text = StringProperty("")
    fill = ColorProperty(theme.RAISED)
    selected = BooleanProperty(False)
    dragging = BooleanProperty(False)
    shift_bars = NumericProperty(0)

    __events__ = ("on_tap", "on_drop")

    def __init__(self, **kwargs):
        self._landed_x = 0.0
        super().__init__(**kwargs)

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos):
            return False
        touch.grab(self)
        self._landed_x = touch.x
        self.state, self.dragging, self.shift_bars = "down", False, 0
        return True

    def on_touch_move(self, touch):
        if touch.grab_current is not self:
            return False
        offset = touch.x - self._landed_x
        if not self.dragging and abs(offset) < dp(DRAG_START_DP):
            return True
        self.dragging = True
        self.shift_bars = max(-int(self.start_bar), int(round(offset / dp(BAR_DP))))
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is not self:
            return False
        touch.ungrab(self)
        self.state = "normal"
        if self.dragging:
            self.dragging = False
            if self.shift_bars:
                self.dispatch("on_drop", int(self.start_bar + self.shift_bars))
            self.shift_bars = 0
        else:
            self.dispatch("on_tap")
        return True

    def on_tap(self):
        """A tap (no drag): select this clip, or let it go when it is selected."""

    def on_drop(self, start_bar: int):
        """Dragged to start on start_bar."""


class HeaderColumn(StencilView):
    """The lane headers, moving up and down with the grid; only touches inside it reach them."""

    def on_touch_down(self, touch):
        return self.collide_point(*touch.pos) and super().on_touch_down(touch)


class LaneGrid(StencilView):
    """The bar grid and the clips; a drag on an empty place scrolls it."""

    scroll_x = NumericProperty(0.0)  # pixels the grid is scrolled to the left
    scroll_y = NumericProperty(0.0)  # pixels the lanes are scrolled up (0: the first lane at the top)
    bar_count = NumericProperty(SPARE_BARS)  # bars drawn (the song's and some spare)
    lane_count = NumericProperty(0)
    playhead_bar = NumericProperty(-1.0)  # where the song playing is, in bars from its start; -1: not playing
    start_bar = NumericProperty(0)  # where Listen starts (marked when not the first bar)

    __events__ = ("on_empty_tap", "on_ruler_tap")

    def __init__(self, **kwargs):
        self._numbers: dict[int, object] = {}  # bar number -> its texture
        self._panning = None  # (touch x, touch y, scroll_x, scroll_y, moved) where a scroll started
        # Drawn inside the stencil's own instructions (never clear canvas.before or after: they hold them).
        self._lanes_drawing, self._ruler_drawing, self._playhead_drawing = Canvas(), Canvas(), Canvas()
        super().__init__(**kwargs)
        self.canvas.before.add(self._lanes_drawing)
        self.canvas.after.insert(0, self._ruler_drawing)
        self.canvas.after.insert(1, self._playhead_drawing)  # over the clips and the bar numbers
        for name in ("pos", "size", "scroll_x", "scroll_y", "bar_count", "lane_count"):
            self.fbind(name, self.redraw)
        for name in ("pos", "size", "scroll_x", "scroll_y", "playhead_bar", "start_bar"):
            self.fbind(name, self.draw_playhead)

    @property
    def lanes_top(self) -> float:
        return self.top - dp(RULER_DP)

    def bar_x(self, bar: float) -> float:
        return self.x + bar * dp(BAR_DP) - self.scroll_x

    def lane_y(self, lane_index: int) -> float:
        """The bottom of a lane."""
        return self.lanes_top - (lane_index + 1) * dp(LANE_DP) + self.scroll_y

    def max_scroll(self) -> tuple[float, float]:
        width = self.bar_count * dp(BAR_DP) - self.width
        height = self.lane_count * dp(LANE_DP) - (self.height - dp(RULER_DP))
        return max(0.0, width), max(0.0, height)

    def scroll_to(self, scroll_x: float, scroll_y: float) -> None:
        most_x, most_y = self.max_scroll()
        self.scroll_x, self.scroll_y = max(0.0, min(most_x, scroll_x)), max(0.0, min(most_y, scroll_y))

    # ---- touches ---------------------------------------------------------------------------------
    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos):
            return False
        if touch.y < self.lanes_top and super().on_touch_down(touch):
            return True  # a clip took it
        touch.grab(self)
        self._panning = (touch.x, touch.y, self.scroll_x, self.scroll_y, False)
        return True

    def on_touch_move(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_move(touch)
        x, y, scroll_x, scroll_y, moved = self._panning
        moved = moved or abs(touch.x - x) + abs(touch.y - y) >= dp(DRAG_START_DP)
        self._panning = (x, y, scroll_x, scroll_y, moved)
        if moved:
            self.scroll_to(scroll_x - (touch.x - x), scroll_y + (touch.y - y))
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is not self:
            return super().on_touch_up(touch)
        touch.ungrab(self)
        x, y, _, _, moved = self._panning
        self._panning = None
        if not moved and y >= self.lanes_top:
            self.dispatch("on_ruler_tap", self.bar_at(x))
        elif not moved:
            self.dispatch("on_empty_tap")
        return True

    def bar_at(self, x: float) -> int:
        """The bar (from 0) under window x."""
        return max(0, int((x - self.x + self.scroll_x) // dp(BAR_DP)))

    @property
    def panning(self) -> bool:
        return self._panning is not None

    def on_empty_tap(self):
        """A tap on the grid where there is no clip."""

    def on_ruler_tap(self, bar: int):
        """A tap on a bar number (bar from 0)."""

    # ---- drawing ---------------------------------------------------------------------------------
    def _number(self, bar: int):
        if bar not in self._numbers:
            label = CoreLabel(text=str(bar), font_size=sp(theme.SMALL_SP), bold=True)
            label.refresh()
            self._numbers[bar] = label.texture
        return self._numbers[bar]

    def redraw(self, *_):
        bar_px, lanes_top = dp(BAR_DP), self.lanes_top
        first = max(0, int(self.scroll_x // bar_px))
        last = int((self.scroll_x + self.width) // bar_px) + 1  # the grid fills the width, past the song's end
        lanes_drawing, ruler_drawing = self._lanes_drawing, self._ruler_drawing
        lanes_drawing.clear()
        ruler_drawing.clear()
        with lanes_drawing:
            Color(*theme.BACKGROUND)
            Rectangle(pos=self.pos, size=self.size)
            for lane in range(int(self.lane_count)):
                bottom = self.lane_y(lane)
                if bottom > lanes_top or bottom + dp(LANE_DP) < self.y:
                    continue
                Color(*(theme.SURFACE if lane % 2 == 0 else theme.rgba("#161B23")))
                Rectangle(pos=(self.x, bottom), size=(self.width, dp(LANE_DP)))
            for bar in range(first, last + 1 if self.lane_count else 0):  # an empty song: its words, no lines
                x = self.bar_x(bar)
                Color(*(theme.OUTLINE if bar % 4 == 0 else theme.rgba(theme.OUTLINE_HEX, 0.45)))
                Line(points=[x, self.y, x, lanes_top], width=dp(1.2) if bar % 4 == 0 else dp(1))
        with ruler_drawing:  # the bar numbers stay on top while the lanes scroll under them
            Color(*theme.RAISED)
            Rectangle(pos=(self.x, lanes_top), size=(self.width, dp(RULER_DP)))
            for bar in range(first, last):
                texture = self._number(bar + 1)
                Color(*(theme.TEXT if bar % 4 == 0 else theme.MUTED_TEXT))
                Rectangle(texture=texture, size=texture.size,
                          pos=(self.bar_x(bar) + dp(8), lanes_top + (dp(RULER_DP) - texture.height) / 2))
                Color(*theme.OUTLINE)
                Line(points=[self.bar_x(bar), lanes_top, self.bar_x(bar), self.top], width=dp(1))

    def draw_playhead(self, *_):
        """The playhead (white) while the song plays; otherwise where Listen starts (blue), when
        that is not the first bar. A line down the lanes and a flag on the bar numbers."""
        drawing = self._playhead_drawing
        drawing.clear()
        playing = self.playhead_bar >= 0
        bar = self.playhead_bar if playing else self.start_bar
        if not playing and bar <= 0:
            return
        x = self.bar_x(bar)
        if not self.x - dp(12) <= x <= self.right + dp(12):
            return
        lanes_top, flag = self.lanes_top, dp(12)
        with drawing:
            Color(*(theme.WHITE if playing else theme.PRIMARY))
            Line(points=[x, self.y, x, lanes_top], width=dp(1.5))
            Triangle(points=[x - flag, lanes_top + flag * 1.4, x + flag, lanes_top + flag * 1.4, x, lanes_top])


class Arranger(BoxLayout):
    empty_text = StringProperty("Your song is empty. Add a beat pattern, a vocal take or an audio clip to start it.")
    empty = BooleanProperty(True)

    __events__ = ("on_select", "on_move", "on_lane", "on_start_bar")

    def __init__(self, **kwargs):
        self.headers: list[LaneHeader] = []
        self.blocks: list[ClipBlock] = []
        self._shown_lanes: list = []
        super().__init__(**kwargs)

    def on_kv_post(self, base_widget):
        grid = self.ids.grid
        for name in ("pos", "size", "scroll_x", "scroll_y"):
            grid.fbind(name, self._place)
        self.ids.headers.fbind("pos", self._place)
        self.ids.headers.fbind("size", self._place)
        grid.bind(on_empty_tap=lambda *_: self.dispatch("on_select", -1, -1),
                  on_ruler_tap=lambda _grid, bar: self.dispatch("on_start_bar", bar))

    def show(self, lanes, selected: tuple[int, int] | None, song_bars: int) -> None:
        """lanes: LaneViews (apps.export.export_session); selected: (lane, clip) or None."""
        grid = self.ids.grid
        if lanes != self._shown_lanes:
            self._shown_lanes = list(lanes)
            self._rebuild(lanes)
        for block in self.blocks:
            block.selected = selected == (block.lane_index, block.clip_index)
        self.empty = not lanes
        grid.lane_count = len(lanes)
        grid.bar_count = song_bars + SPARE_BARS
        grid.scroll_to(grid.scroll_x, grid.scroll_y)
        self._place()

    def show_start_bar(self, bar: int) -> None:
        """Mark where Listen starts (bar from 0)."""
        self.ids.grid.start_bar = bar

    def show_playhead(self, bar: float | None) -> None:
        """The playhead at bar (from 0, a fraction between bars), or none. The grid follows it
        when it leaves what is shown, unless a finger is scrolling it."""
        grid = self.ids.grid
        if bar is None:
            grid.playhead_bar = -1.0
            return
        grid.playhead_bar = bar
        x = grid.bar_x(bar)
        if not grid.panning and not grid.x <= x <= grid.right - dp(BAR_DP) / 2:
            grid.scroll_to((bar - PLAYHEAD_LEAD_BARS) * dp(BAR_DP), grid.scroll_y)

    def block_for(self, lane_index: int, clip_index: int) -> ClipBlock:
        return next(block for block in self.blocks if (block.lane_index, block.clip_index) == (lane_index, clip_index))

    def _rebuild(self, lanes) -> None:
        header_box, grid = self.ids.headers, self.ids.grid
        for header in self.headers:
            header_box.remove_widget(header)
        for block in self.blocks:
            grid.remove_widget(block)
        self.headers, self.blocks = [], []
        for lane_index, lane in enumerate(lanes):
            kind = lane.clips[0].kind if lane.clips else {"beat": "pattern", "vocal": "take"}.get(lane.kind, "audio")
            header = LaneHeader(lane_index=lane_index, name=lane.name, kind=lane.kind, mute=lane.mute,
                                volume_text=lane.volume_text, pan_text=lane.pan_text,
                                stripe=theme.rgba(KIND_COLOURS[kind]))
            header.bind(on_lane=lambda h, verb, value: self.dispatch("on_lane", int(h.lane_index), verb, value))
            header_box.add_widget(header)
            self.headers.append(header)
            for clip in lane.clips:
                words = f"{clip.bars} bar" + ("" if clip.bars == 1 else "s")
                name = f"Pattern {clip.name}" if clip.kind == "pattern" else clip.name
                colour = theme.rgba(KIND_COLOURS[clip.kind])
                if lane.mute or clip.missing:
                    colour = theme.darker(colour, 0.45)
                block = ClipBlock(lane_index=lane_index, clip_index=clip.clip_index, start_bar=clip.start_bar,
                                  bars=clip.bars, fill=colour,
                                  text=f"[b]{_escape(name)}[/b]  {'Missing' if clip.missing else words}")
                block.bind(on_tap=self._tapped, on_drop=self._dropped, shift_bars=self._place)
                grid.add_widget(block)
                self.blocks.append(block)

    def _tapped(self, block) -> None:
        if block.selected:
            self.dispatch("on_select", -1, -1)
        else:
            self.dispatch("on_select", int(block.lane_index), int(block.clip_index))

    def _dropped(self, block, start_bar: int) -> None:
        self.dispatch("on_move", int(block.lane_index), int(block.clip_index), start_bar)

    def _place(self, *_):
        grid, header_box = self.ids.grid, self.ids.headers
        for header in self.headers:
            header.size = (header_box.width, dp(LANE_DP) - dp(4))
            header.pos = (header_box.x, grid.lane_y(int(header.lane_index)) + dp(2))
        margin = dp(CLIP_MARGIN_DP)
        for block in self.blocks:
            block.pos = (grid.bar_x(block.start_bar + block.shift_bars) + dp(1),
                         grid.lane_y(int(block.lane_index)) + margin)
            block.size = (block.bars * dp(BAR_DP) - dp(2), dp(LANE_DP) - 2 * margin)

    def on_select(self, lane_index: int, clip_index: int):
        """A clip was tapped (-1, -1: the empty grid, or the selected clip again)."""

    def on_move(self, lane_index: int, clip_index: int, start_bar: int):
        """A clip was dragged to start on another bar."""

    def on_lane(self, lane_index: int, verb: str, value: int):
        """A lane header's button: "mute", "volume" (-1 or 1) or "pan" (-1 or 1)."""

    def on_start_bar(self, bar: int):
        """A bar number was tapped: Listen starts there (bar from 0)."""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")


Builder.load_file(os.path.join(os.path.dirname(__file__), "arranger.kv"))
