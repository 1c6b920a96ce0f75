#!/usr/bin/env python3
"""The reference for start-up: a bare Kivy app with one Label, configured the way main.py
configures Kivy, printing a ready line on its first frame flip as Ward Studio does.

    python bench/bare_kivy_app.py 1280x800
"""

import os
import sys

READY_LINE = "Bare Kivy ready"


def main() -> None:
    width, height = (sys.argv[1] if len(sys.argv) > 1 else "1280x800").split("x")
    os.environ["KIVY_NO_ARGS"] = "1"
    from kivy.config import Config

    Config.set("graphics", "width", width)
    Config.set("graphics", "height", height)
    Config.set("graphics", "fullscreen", "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    Config.set("kivy", "exit_on_escape", "0")
    from kivy.logger import LOG_LEVELS, Logger

    Logger.setLevel(LOG_LEVELS["warning"])
    from kivy.app import App
    from kivy.core.window import Window
    from kivy.uix.label import Label

    class BareApp(App):
        def build(self):
            return Label(text="Bare Kivy", font_size="40sp")

        def on_start(self):
            Window.bind(on_flip=self._on_first_flip)

        def _on_first_flip(self, *_):
            Window.unbind(on_flip=self._on_first_flip)
            print(READY_LINE, flush=True)

    BareApp().run()


if __name__ == "__main__":
    main()
