"""The machine a run was measured on, for the top of BENCHMARKS.md."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _first_line(path: str, prefix: str) -> str:
    try:
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip() if ":" in line else line.split("=", 1)[1]
    except OSError:
        pass
    return "unknown"


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def _command_output(*command: str) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=10, cwd=REPO)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (result.stdout or result.stderr).strip()


def _commit() -> str:
    commit = _command_output("git", "rev-parse", "--short", "HEAD") or "unknown"
    if _command_output("git", "status", "--porcelain", "--untracked-files=no"):
        commit += " with uncommitted changes"
    return commit


def machine_facts() -> list[tuple[str, str]]:
    ram_kb = _first_line("/proc/meminfo", "MemTotal")
    ram = f"{int(ram_kb.split()[0]) / 1024 / 1024:.1f} GB" if ram_kb != "unknown" else ram_kb
    os_name = _first_line("/etc/os-release", "PRETTY_NAME").strip().strip('"')
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    jackd = _command_output("jackd", "--version").splitlines()
    with open("/proc/loadavg", encoding="ascii") as loadavg:
        load = " ".join(loadavg.read().split()[:3])
    return [
        ("Date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("CPU", _first_line("/proc/cpuinfo", "model name")),
        ("Cores", f"{os.cpu_count()} ({usable} usable by this run; shared with other work)"),
        ("RAM", ram),
        ("OS", f"{os_name}, Linux {platform.release()}"),
        ("Python", platform.python_version()),
        ("pyo / Kivy / JACK-Client", f"{_version('pyo')} / {_version('kivy')} / {_version('JACK-Client')}"),
        ("JACK server", jackd[0] if jackd else "jackd not found"),
        ("Load average at start (1, 5, 15 min)", load),
        ("Commit", _commit()),
    ]
