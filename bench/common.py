"""What every benchmark section shares: its result, waiting, and writing numbers plainly."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


class Unmeasurable(RuntimeError):
    """A section cannot run here; the message says why, in words for BENCHMARKS.md."""


@dataclass
class Row:
    what: str
    figure: str
    reference: str  # measured in the same run
    ratio: str


@dataclass
class Measured:
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


Progress = Callable[[str], None]


def wait_for(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.01)
    raise RuntimeError(f"timed out after {timeout_s:g} s waiting for {what}")


def spread_s(values: list[float]) -> str:
    """'2.41 s (min 2.30, max 2.60)'"""
    return f"{statistics.median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f})"


def ratio(figure: float, reference: float) -> str:
    if reference <= 0:
        return "n/a (reference is 0)"
    return f"{figure / reference:.2f}x"


def vm_kb(pid: int | str, field_name: str = "VmRSS") -> int:
    """A memory figure of a running process from /proc/PID/status, in kB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field_name} in /proc/{pid}/status")


class MachineLoad:
    """Share of all cores busy (every process, not only ours) between start() and percent()."""

    @staticmethod
    def _ticks() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as stat:
            values = [int(v) for v in stat.readline().split()[1:]]
        idle = values[3] + values[4]  # idle + iowait
        return sum(values) - idle, sum(values)

    def __init__(self):
        self._busy, self._total = self._ticks()

    def percent(self) -> float:
        busy, total = self._ticks()
        return 100.0 * (busy - self._busy) / max(1, total - self._total)
