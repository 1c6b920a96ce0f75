"""The MIDI controllers part of the mentor settings: the devices plugged in, the profile each
plays as, MIDI learn (touch a control on screen, then move a knob or hit a pad), the learned
controls with Remove, and tempo sync (MIDI clock out and in, Link).

The root sets `controllers` (a studio.midi.controller_client.ControllerClient, or None when the
controllers are not running) and hands over each controller event with take_event; the screen
calls refresh() each time it shows the engine's state. Rows are rebuilt only when the devices,
their profiles or their learned controls change. Sync choices act at once (they are not part of
Apply): the panel calls controllers.set_sync and says on_sync so the root can save them.
Looks: controllers_panel.kv.
"""

from __future__ import annotations

import os

from kivy.lang import Builder
from kivy.properties import ColorProperty, ObjectProperty, OptionProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from apps.mic import mic_widgets  # noqa: F401  (MicSwitch, the studio's switch, for the kv rules)
from apps import theme
from apps.settings.controller_widgets import DeviceRow, LearnList, describe_link_peers
from studio.midi.learnable import label_for
from studio.midi.profiles import PROFILES

NOT_RUNNING = "MIDI controllers are not running. Touch works as usual."
NO_DEVICES = "No MIDI controller is plugged in. Plug one in and it shows here."
NO_CLOCK_IN = ""  # the "Follow the tempo of" choice meaning none
PAGES = ("main", "choose", "waiting", "profile")


def _signature(devices) -> tuple:
    """What the device rows show: a new one means rebuilding them."""
    return tuple((device.name, device.profile, tuple(tuple(sorted(binding.items())) for binding in device.learned))
                 for device in devices)


class ControllersPanel(BoxLayout):
    controllers = ObjectProperty(None, allownone=True)
    message = StringProperty(NOT_RUNNING)  # the controllers' own status line
    note = StringProperty("")  # what just happened: a control learned...
    note_colour = ColorProperty(theme.GOOD)
    # the devices and sync / the learn list / waiting for a knob / a device's profiles
    page = OptionProperty("main", options=PAGES)
    profile_question = StringProperty("")
    waiting_text = StringProperty("")
    link_text = StringProperty("")
    tempo_text = StringProperty("")

    __events__ = ("on_sync",)

    def __init__(self, **kwargs):
        self._signature = None
        self._device_names: tuple[str, ...] = ()
        self._learning: tuple[str, str] | None = None  # what the panel asked to learn
        self._learning_seen = False  # the controllers have said they are learning it
        self._profile_device = ""  # the device whose profile is being chosen
        self._showing_sync = False
        self._clock_in = NO_CLOCK_IN  # the device followed, plugged in or not
        self.device_rows: list[DeviceRow] = []
        self.learn_list: LearnList | None = None  # built the first time it opens
        super().__init__(**kwargs)

    def on_kv_post(self, base_widget):
        ids = self.ids
        # The pages leave the widget tree when not shown (nothing hidden can be touched): hold them here.
        self._pages = {name: ids[f"{name}_page"].__self__ for name in PAGES}
        for name, page in self._pages.items():
            if name != self.page:
                page.parent.remove_widget(page)
        ids.clock_out_switch.bind(on_switch=lambda *_: self._sync_changed())
        ids.link_switch.bind(on_switch=lambda *_: self._sync_changed())
        ids.follow_choice.bind(selected=lambda *_: self._sync_changed())
        ids.profile_choice.choices = list(PROFILES.items())
        ids.profile_choice.bind(selected=lambda _choice, profile: self._profile_chosen(profile))
        self._show_follow_choices()
        self.show(None)

    # --- what the screen and the root call -----------------------------------------------
    def on_controllers(self, _panel, controllers) -> None:
        sync = getattr(controllers, "sync", None)
        if sync is not None:
            self.show_sync(*sync)
        self.refresh()

    def refresh(self) -> None:
        """Show the controllers' latest status (called with each look at the engine's state)."""
        self.show(self.controllers.status if self.controllers is not None else None)

    def show(self, status) -> None:
        """Show a ControllerStatus (None: the controllers are not running). Cheap when nothing changed."""
        if status is None:
            self.message, devices, learning, bpm, peers = NOT_RUNNING, [], None, None, None
        else:
            self.message = status.message
            devices, learning, bpm, peers = status.devices, status.learning, status.clock_in_bpm, status.link_peers
        # "Plug one in" helps only when the controllers are listening for one.
        self.ids.no_devices.text = NO_DEVICES if status is not None and status.available and not devices else ""
        signature = _signature(devices)
        if signature != self._signature:
            self._signature = signature
            self._build_rows(devices)
        names = tuple(device.name for device in devices)
        if names != self._device_names:
            self._device_names = names
            self._show_follow_choices()
        self.link_text = describe_link_peers(peers) if self.ids.link_switch.active else ""
        self.tempo_text = self._describe_tempo(bpm)
        if self.page == "profile" and self._profile_device not in names:
            self.show_page("main")  # the device was unplugged
        if self.page == "waiting":
            if learning is not None and learning == self._learning:
                self._learning_seen = True
            elif learning is None and self._learning_seen:
                self._stop_waiting()  # learned (its event says what) or given up by the controllers

    def take_event(self, event) -> None:
        """A ControllerEvent the root drained: a learned control ends the wait and is said here."""
        if event.kind == "learned":
            self.note, self.note_colour = event.message, theme.GOOD
            if self.page == "waiting":
                self._stop_waiting()
        elif event.kind == "problem" and self.page == "waiting":
            self.note, self.note_colour = event.message, theme.WARN

    def show_sync(self, clock_out: bool, clock_in: str, link: bool) -> None:
        """Show the saved sync choices (says nothing through on_sync)."""
        self._showing_sync = True
        try:
            ids = self.ids
            ids.clock_out_switch.active = bool(clock_out)
            ids.link_switch.active = bool(link)
            self._clock_in = clock_in or NO_CLOCK_IN
            self._show_follow_choices()
        finally:
            self._showing_sync = False
        if not link:
            self.link_text = ""

    def chosen_sync(self) -> tuple[bool, str, bool]:
        ids = self.ids
        return (ids.clock_out_switch.active, ids.follow_choice.selected or NO_CLOCK_IN, ids.link_switch.active)

    # --- MIDI learn ----------------------------------------------------------------------
    def open_learn_list(self) -> None:
        if self.learn_list is None:
            self.learn_list = LearnList()
            self.learn_list.bind(on_choose=lambda _list, group, control: self.learn(group, control))
            self.ids.learn_list_holder.add_widget(self.learn_list)
        self.ids.learn_scroll.scroll_y = 1
        self.note = ""
        self.show_page("choose")

    def learn(self, group: str, control: str) -> None:
        """Wait for the next knob moved or pad hit to drive this control."""
        self._learning, self._learning_seen = (group, control), False
        self.waiting_text = f"Move a knob or hit a pad on your controller for {label_for(group, control)}"
        self.note = ""
        if self.controllers is not None:
            self.controllers.learn(group, control)
        self.show_page("waiting")

    def cancel_learning(self) -> None:
        """Cancel on the waiting page or the learn list (and when the mentor leaves the settings)."""
        if self.page == "waiting" and self.controllers is not None:
            self.controllers.cancel_learn()
        self._learning, self._learning_seen = None, False
        self.show_page("main")

    def _stop_waiting(self) -> None:
        self._learning, self._learning_seen = None, False
        self.show_page("main")

    def show_page(self, name: str) -> None:
        holder = self.ids.page_holder
        for page_name, page in self._pages.items():
            if page_name != name and page.parent is not None:
                holder.remove_widget(page)
        if self._pages[name].parent is None:
            holder.add_widget(self._pages[name])
        self.page = name

    # --- devices ---------------------------------------------------------------------------
    def _build_rows(self, devices) -> None:
        holder = self.ids.device_list
        holder.clear_widgets()
        self.device_rows = []
        for device in devices:
            row = DeviceRow(device=device.name, profile=device.profile, learned=list(device.learned))
            row.bind(on_change_profile=lambda row: self.open_profile_choice(row.device),
                     on_forget=lambda row, binding: self._forget(row.device, binding))
            self.device_rows.append(row)
            holder.add_widget(row)

    def row_for(self, device: str) -> DeviceRow:
        for row in self.device_rows:
            if row.device == device:
                return row
        raise ValueError(f"no row for {device!r}; rows are {[row.device for row in self.device_rows]}")

    def open_profile_choice(self, device: str) -> None:
        """Offer the built-in profiles for a device, the one it plays as chosen."""
        self._profile_device = ""  # (showing the profile in use is not a choice)
        self.ids.profile_choice.selected = self.row_for(device).profile
        self._profile_device = device
        self.profile_question = f"How should {device} play?"
        self.show_page("profile")

    def _profile_chosen(self, profile: str | None) -> None:
        device, self._profile_device = self._profile_device, ""
        if not device or profile is None or self.page != "profile":
            return
        self.show_page("main")
        try:
            row = self.row_for(device)
        except ValueError:
            return  # unplugged meanwhile
        if profile != row.profile:
            row.profile = profile  # shown at once; the next status agrees
            if self.controllers is not None:
                self.controllers.set_profile(device, profile)

    def _forget(self, device: str, binding: dict) -> None:
        if self.controllers is not None:
            self.controllers.forget(device, binding)

    # --- sync --------------------------------------------------------------------------------
    def _show_follow_choices(self) -> None:
        choices = [(NO_CLOCK_IN, "The studio itself")]
        choices += [(name, name) for name in self._device_names]
        if self._clock_in and self._clock_in not in self._device_names:
            choices.append((self._clock_in, f"{self._clock_in} (not plugged in)"))
        showing, self._showing_sync = self._showing_sync, True
        try:
            follow = self.ids.follow_choice
            if follow.choices != choices:
                follow.choices = choices
            follow.selected = self._clock_in
        finally:
            self._showing_sync = showing

    def _sync_changed(self) -> None:
        if self._showing_sync:
            return
        clock_out, clock_in, link = self.chosen_sync()
        if clock_in != self._clock_in:
            self._clock_in = clock_in
            self._show_follow_choices()  # a device no longer plugged in leaves the choices
        if self.controllers is not None:
            self.controllers.set_sync(clock_out, clock_in, link)
        if not link or self.controllers is None:
            self.link_text = ""
        self.dispatch("on_sync", clock_out, clock_in, link)

    def _describe_tempo(self, bpm: float | None) -> str:
        if not self._clock_in:
            return ""
        if bpm is None:
            return f"Waiting for the clock of {self._clock_in}. The studio keeps its own tempo until then."
        return f"Following {bpm:.1f} BPM from {self._clock_in}."

    def on_sync(self, clock_out: bool, clock_in: str, link: bool):
        """A sync choice was changed by a finger (already sent to the controllers): save it."""


Builder.load_file(os.path.join(os.path.dirname(__file__), "controllers_panel.kv"))
