"""A stand-in for the app, run as a process of its own by the tests: starts the engine (silent),
records a take, prints the engine's pid once two seconds are in, then waits to be killed."""

import sys
import time

from studio.engine.client import EngineClient
from studio.settings import AudioSettings

if __name__ == "__main__":
    client = EngineClient(AudioSettings(backend="none"))
    client.start()
    deadline = time.monotonic() + 15
    while client.state.backend == "starting" and time.monotonic() < deadline:
        time.sleep(0.02)
    client.act("mic", "backing", 0)
    client.act("mic", "recording", 1)
    while client.state.take_seconds < 2.0 and time.monotonic() < deadline:
        time.sleep(0.02)
    print(client.state.engine_pid, client.state.take_seconds, flush=True)
    time.sleep(60)
    sys.exit(1)  # never reached: the test kills this process first
