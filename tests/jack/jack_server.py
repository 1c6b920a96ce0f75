"""A real JACK server with the dummy driver (no sound card), for tests and benchmarks."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid


class JackServer:
    """``jackd -d dummy`` under a unique name; JACK_DEFAULT_SERVER points this process and its
    children (the engine process among them) at it.

    jackd runs with realtime scheduling, as on a studio tablet (it falls back to normal
    scheduling where that is not allowed). Without it, any busy process on these two-core
    machines delays the audio threads and both the engine and an empty client see many
    more xruns, which hides what the engine itself does."""

    def __init__(self, sample_rate: int = 48000, buffer_size: int = 256, name: str | None = None):
        self.sample_rate = sample_rate
        self.buffer_size = buffer_size
        self.name = name or f"ward-test-{uuid.uuid4().hex[:8]}"
        self._process: subprocess.Popen | None = None
        self._previous_default = os.environ.get("JACK_DEFAULT_SERVER")

    def start(self, timeout_s: float = 10.0) -> "JackServer":
        os.environ["JACK_DEFAULT_SERVER"] = self.name
        os.environ["JACK_NO_START_SERVER"] = "1"
        command = [
            "jackd", "-n", self.name,
            "-d", "dummy", "-r", str(self.sample_rate), "-p", str(self.buffer_size),
        ]
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"jackd exited at start with code {self._process.returncode}")
            if self.ports():
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("jackd did not come up in time")

    def ports(self, connections: bool = False) -> str:
        args = ["jack_lsp"] + (["-c"] if connections else [])
        result = subprocess.run(args, capture_output=True, text=True, env={**os.environ}, timeout=10)
        return result.stdout if result.returncode == 0 else ""

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def restore_environment(self) -> None:
        if self._previous_default is None:
            os.environ.pop("JACK_DEFAULT_SERVER", None)
        else:
            os.environ["JACK_DEFAULT_SERVER"] = self._previous_default


def jackd_available() -> bool:
    return shutil.which("jackd") is not None and shutil.which("jack_lsp") is not None
