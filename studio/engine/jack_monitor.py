"""Watching a JACK server: dropouts (xruns), DSP load, and whether the server went away.

pyo does not report xruns, so the engine opens a second, empty JACK client that only
listens for the server's notifications. Its callbacks run on JACK's notification thread
and only bump counters; nothing here touches the audio path.
"""

from __future__ import annotations

import contextlib
import os
import threading

from studio.audio.backends import quiet_native_stderr


from studio.engine.jack_latency import port_latency_frames  # noqa: E402


class JackMonitor:
    def __init__(self, client_name: str = "ward-studio-monitor"):
        os.environ.setdefault("JACK_NO_START_SERVER", "1")
        import jack

        self._lock = threading.Lock()
        self._xruns = 0
        self._server_gone = threading.Event()
        self.shutdown_reason = ""
        with quiet_native_stderr():
            self._client = jack.Client(client_name, no_start_server=True)
        self._client.set_xrun_callback(self._on_xrun)
        self._client.set_shutdown_callback(self._on_shutdown)
        self._client.activate()

    def _on_xrun(self, delayed_usecs: float) -> None:
        with self._lock:
            self._xruns += 1

    def _on_shutdown(self, status, reason: str) -> None:
        self.shutdown_reason = reason
        self._server_gone.set()

    @property
    def xruns(self) -> int:
        with self._lock:
            return self._xruns

    @property
    def server_gone(self) -> bool:
        return self._server_gone.is_set()

    def cpu_percent(self) -> float:
        if self.server_gone:
            return 0.0
        return float(self._client.cpu_load())

    def client_names(self) -> set[str]:
        """Names of the JACK clients that own ports right now."""
        return {port.name.split(":", 1)[0] for port in self._client.get_ports()}

    def port_latency_frames(self, port_name: str, capture: bool) -> int:
        """JACK's latency for a port: capture (from the physical input) or playback (to the output)."""
        return port_latency_frames(self._client, port_name, capture)

    def microphones(self) -> list[str]:
        """The sound card's inputs (physical capture ports), in order: system:capture_1 ..."""
        return [port.name for port in self._client.get_ports(is_audio=True, is_output=True, is_physical=True)]

    def connected_to(self, port_name: str) -> list[str]:
        try:
            return [port.name for port in self._client.get_all_connections(port_name)]
        except Exception:  # jack.JackError: no such port
            return []

    def plug_in(self, source: str, destination: str) -> None:
        """Connect only source to destination (what was connected before is let go)."""
        for old in self.connected_to(destination):
            if old != source:
                self._client.disconnect(old, destination)
        if source not in self.connected_to(destination):
            self._client.connect(source, destination)

    def close(self) -> None:
        if not self.server_gone:
            with contextlib.suppress(Exception):
                self._client.deactivate()
                self._client.close()


def free_client_name(monitor: JackMonitor, wanted: str) -> str:
    """``wanted`` if no JACK client has it yet, else ``wanted-2``, ``wanted-3``..."""
    taken = monitor.client_names()
    if wanted not in taken:
        return wanted
    number = 2
    while f"{wanted}-{number}" in taken:
        number += 1
    return f"{wanted}-{number}"
