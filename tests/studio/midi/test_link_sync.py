"""Ableton Link tempo sharing. Two real Link peers meet only inside a private network namespace
(``unshare --net``, loopback only), in a child process running link_peers.py, so the tests never
talk to a real network. Tests in this process never enable a real Link."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import types
from functools import cache
from pathlib import Path

import pytest

from studio.midi.link_sync import LinkSync, LinkUnavailable, fold_bpm

REPO = Path(__file__).resolve().parents[3]
# Bring up loopback, the only interface a new namespace has. Multicast on lo and its route make
# peers meet at once; without them they still meet, a little later, so failures there are ignored.
NAMESPACE_SETUP = ('ip link set lo up || exit 1; '
                   '{ ip link set lo multicast on; ip route add 224.0.0.0/4 dev lo; } 2>/dev/null; exec "$@"')


@cache
def namespace_problem() -> str | None:
    if os.geteuid() != 0:
        return "making a private network namespace (unshare --net) needs root"
    for tool, package in (("unshare", "util-linux"), ("ip", "iproute2")):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (Debian package {package})"
    made = subprocess.run(["unshare", "--net", "sh", "-c", NAMESPACE_SETUP, "sh", "true"],
                          capture_output=True, text=True, timeout=30)
    if made.returncode != 0:
        return f"could not make a private network namespace: {made.stderr.strip()}"
    return None


def run_in_private_network(scenario: str) -> dict:
    if problem := namespace_problem():
        pytest.skip(problem)
    ran = subprocess.run(["unshare", "--net", "sh", "-c", NAMESPACE_SETUP, "sh",
                          sys.executable, "-m", "tests.studio.midi.link_peers", scenario],
                         cwd=REPO, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    return json.loads(ran.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def two_peers() -> dict:
    return run_in_private_network("two_peers")


def test_two_peers_find_each_other(two_peers):
    assert two_peers["peers"] == [1, 1]
    assert two_peers["peers_s"] is not None


def test_a_tempo_set_on_one_peer_reaches_the_other_and_is_not_echoed(two_peers):
    assert two_peers["a_to_b_s"] is not None and two_peers["b_to_a_s"] is not None
    assert two_peers["b_heard"] == [pytest.approx(133.0, abs=0.01)]  # nothing more: no echo of 97
    assert two_peers["a_heard"] == [pytest.approx(97.0, abs=0.01)]  # nor of A's own 133


def test_a_peer_tempo_outside_the_transport_range_is_folded_into_it(two_peers):
    assert two_peers["b_heard_for_240"] == two_peers["b_tempo_for_240"] == pytest.approx(120.0, abs=0.01)
    assert two_peers["b_heard_for_50"] == two_peers["b_tempo_for_50"] == pytest.approx(100.0, abs=0.01)


def test_a_dragged_tempo_arrives_at_most_about_ten_times_a_second_and_ends_where_it_stopped(two_peers):
    assert two_peers["drag_last_bpm"] == pytest.approx(119.5, abs=0.01)
    assert 1 <= two_peers["drag_calls"] <= two_peers["drag_s"] * 10 + 2  # from 40 changes in 0.8 s or more
    assert min(two_peers["drag_gaps_s"], default=1.0) >= 0.09
    assert two_peers["a_heard_while_dragging"] == []  # the dragging peer hears none of its own changes


def test_two_peers_agree_on_the_phase(two_peers):
    assert len(two_peers["phase_gaps_ms"]) >= 10
    assert statistics.median(two_peers["phase_gaps_ms"]) < 2.0
    assert statistics.median(two_peers["frames_to_next_bar_gaps"]) <= 96  # 2 ms at 48 kHz


def test_a_peer_that_left_no_longer_follows_and_can_join_again(two_peers):
    assert two_peers["leave_s"] is not None
    assert two_peers["link_threads_after_leaving"] == 1  # disabled, B keeps no thread
    assert two_peers["b_heard_after_leaving"] == []
    assert two_peers["b_tempo_after_leaving"] == pytest.approx(119.5, abs=0.01)
    assert two_peers["rejoin_s"] is not None  # and can join again


def test_close_leaves_no_thread_behind(two_peers):
    assert two_peers["threads_after"] == two_peers["threads_before"]  # Python's and Link's own


def test_link_is_off_by_default():
    off = run_in_private_network("off_by_default")
    assert off["b_enabled"] is False
    assert off["seen_s"] is None  # A, enabled, never sees B
    assert off["a_heard"] == [] and off["a_tempo"] == 120.0  # B's 150 did not reach A
    assert off["b_heard"] == [] and off["b_tempo"] == 150.0  # nor A's 140 B
    assert off["peers_once_enabled_s"] is not None  # the network was there all along


def test_a_new_link_sync_is_off_and_starts_no_thread():
    before = threading.enumerate()
    link = LinkSync(90.0, lambda bpm: None)
    assert (link.enabled, link.peers, link.tempo(), link.beat_phase()) == (False, 0, 90.0, 0.0)
    assert link.frames_to_next_bar(48000) == 0
    link.set_tempo(100.0)
    assert link.tempo() == 100.0
    link.close()
    link.close()
    assert set(threading.enumerate()) <= set(before)


@pytest.mark.parametrize("bpm, folded_bpm", [(240, 120), (50, 100), (60, 60), (200, 200), (400, 200),
                                             (20, 80), (999, 124.875)])
def test_fold_bpm(bpm, folded_bpm):
    assert fold_bpm(bpm) == folded_bpm


def test_out_of_range_values_are_refused_with_the_range():
    with pytest.raises(ValueError, match=r"bpm must be in range 20\.\.999, got 0"):
        LinkSync(0, lambda bpm: None)
    with pytest.raises(ValueError, match=r"quantum_beats must be in range 1\.\.64, got 0"):
        LinkSync(120, lambda bpm: None, quantum_beats=0)
    with pytest.raises(ValueError, match=r"bpm must be in range 20\.\.999, got 1000"):
        LinkSync(120, lambda bpm: None).set_tempo(1000)


def test_link_unavailable_when_aalink_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "aalink", None)  # makes `import aalink` fail
    link = LinkSync(120, lambda bpm: None)
    with pytest.raises(LinkUnavailable, match=r"^Tempo sharing with other apps \(Link\) is not available on "
                                              r"this tablet: the aalink package is missing"):
        link.enable(True)
    assert not link.enabled


def test_link_unavailable_when_link_cannot_start(monkeypatch):
    def cannot_start(bpm):
        raise OSError("no network interface")

    monkeypatch.setitem(sys.modules, "aalink", types.SimpleNamespace(Link=cannot_start))
    before = threading.enumerate()
    link = LinkSync(120, lambda bpm: None)
    with pytest.raises(LinkUnavailable, match=r"^Tempo sharing with other apps \(Link\) is not available on "
                                              r"this tablet: Link could not start \(no network interface\)"):
        link.enable(True)
    assert set(threading.enumerate()) <= set(before)  # the Link thread that failed is gone
    assert not link.enabled
    link.close()
