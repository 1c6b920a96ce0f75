#!/usr/bin/env python3
# Ward Studio: a touch music studio for tablets. GPL-3.0-or-later.
"""Start Ward Studio: `python main.py --help` lists the options.

The top level of this file stays light on purpose. The audio engine runs in a process started
with multiprocessing's `spawn` method, which re-imports this file in the child as __mp_main__;
everything heavy (kivy, the apps) is imported inside main(), which only the parent runs.
The engine is started before Kivy opens its window.
"""

import os
import sys


def _configure_kivy(options) -> None:
    """Everything Kivy reads once, before its window exists."""
    os.environ["KIVY_NO_ARGS"] = "1"  # our options are not Kivy's
    from kivy.config import Config

    width, height = options.window_size
    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "fullscreen", "auto" if options.fullscreen else "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")  # no red dots on right-click
    Config.set("kivy", "exit_on_escape", "0")  # a stray key press must not end a session
    from kivy.logger import LOG_LEVELS, Logger

    Logger.setLevel(LOG_LEVELS["warning"])  # keep the console for what matters


def main(argv=None) -> int:
    from apps.options import parse_options
    from apps.preferences import load_preferences
    from studio.controls import CONTROLS
    from studio.engine.client import EngineClient
    from studio.midi.controller_client import ControllerClient
    from studio.settings import load_settings

    options = parse_options(sys.argv[1:] if argv is None else argv)
    for warning in options.warnings:
        print(warning, file=sys.stderr, flush=True)

    saved_settings, settings_problem = load_settings()
    preferences, preferences_problem = load_preferences()
    settings = options.audio_settings(saved_settings)

    client = EngineClient(settings)
    # Set before start so the engine's very first block already respects the mentor's cap.
    cap_db = preferences.headphone_cap_db
    client.act("master", "headphone_cap_db", cap_db)
    client.act("master", "volume_db", min(CONTROLS[("master", "volume_db")].default, cap_db))
    client.start()
    # MIDI controllers, MIDI clock and Link in a process of their own (see studio.midi), started
    # once the launcher shows (WardStudioApp): its start-up would slow the first frame.
    controllers = ControllerClient(client)
    controllers.set_sync(preferences.midi_clock_out, preferences.midi_clock_in, preferences.link)
    try:
        _configure_kivy(options)
        from apps.app import WardStudioApp

        app = WardStudioApp(
            client=client,
            settings=settings,
            preferences=preferences,
            first_screen=options.first_screen,
            screenshot_path=options.screenshot_path,
            notes=[note for note in (settings_problem, preferences_problem) if note],
            controllers=controllers,
        )
        app.run()
        return app.exit_code
    finally:
        controllers.stop()
        client.stop()


if __name__ == "__main__":
    sys.exit(main())
