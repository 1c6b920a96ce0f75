"""Real small and read-only disks for tests of full and unwritable folders (tmpfs mounts, where
the system allows them; the test is skipped with the reason where it does not)."""

from __future__ import annotations

import contextlib
import os
import subprocess
from pathlib import Path

import pytest


def mount_tmpfs(options: str, mount_point: Path) -> str:
    """Mount a tmpfs; "" when it worked, else why not (containers often may not mount)."""
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount_point)],
                              capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    return "" if done.returncode == 0 else (done.stderr.strip() or f"mount exited with {done.returncode}")


@contextlib.contextmanager
def small_disk_at(mount_point: Path, size: str, otherwise: str):
    """A real disk of `size` ("32k", "2m") at mount_point, unmounted afterwards; `otherwise` says
    in the skip message how a full disk is still tested where mounting is not allowed."""
    mount_point.mkdir()
    why_not = mount_tmpfs(f"size={size}", mount_point)
    if why_not:
        pytest.skip(f"cannot mount a small tmpfs disk here ({why_not}); {otherwise}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


@contextlib.contextmanager
def read_only_folder_at(folder: Path):
    """A folder this process really cannot write in: chmod when not root, else a read-only mount."""
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)
        return
    why_not = mount_tmpfs("ro,size=64k", folder)
    if why_not:
        pytest.skip(f"running as root (which ignores folder permissions) and cannot mount a read-only disk "
                    f"here ({why_not})")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)
