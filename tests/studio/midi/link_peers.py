"""Two Link peers in one process, for test_link_sync: run only inside a private network namespace
(``python -m tests.studio.midi.link_peers SCENARIO``), never on a real network. Prints what it
measured as one line of JSON; the test asserts on it, so a failure shows the numbers."""

from __future__ import annotations

import json
import os
import sys
import threading
import time

from studio.midi.link_sync import LinkSync

QUANTUM_BEATS = 4.0
SAMPLE_RATE = 48000


def wait_for(condition, timeout_s: float = 10.0) -> float | None:
    """Seconds until condition() held, polling; None if it never did."""
    start = time.monotonic()
    while time.monotonic() - start < timeout_s:
        if condition():
            return time.monotonic() - start
        time.sleep(0.01)
    return None


class Peer:
    def __init__(self, bpm: float = 120.0):
        self.heard: list[tuple[float, float]] = []  # (monotonic seconds, bpm) per on_tempo call
        self.link = LinkSync(bpm, self.on_tempo, QUANTUM_BEATS)

    def on_tempo(self, bpm: float) -> None:
        self.heard.append((time.monotonic(), bpm))

    def heard_bpm(self, bpm: float) -> bool:
        return any(abs(heard - bpm) <= 0.01 for _, heard in self.heard)


def threads() -> dict:
    """Python's threads by name, and how many threads the process has (Link's own included)."""
    return {"python": sorted(t.name for t in threading.enumerate()),
            "native": len(os.listdir("/proc/self/task"))}


def phase_gaps_ms(a: LinkSync, b: LinkSync) -> list[float]:
    """How far apart the two peers' phases are, in ms, read back to back (a, b, a: b against the
    mean of the two a's, so the time between reads cancels)."""
    gaps = []
    for _ in range(21):
        a1, b1, a2 = a.beat_phase(), b.beat_phase(), a.beat_phase()
        if a2 < a1:  # the bar wrapped between the reads
            continue
        gap_beats = (b1 - (a1 + a2) / 2 + QUANTUM_BEATS / 2) % QUANTUM_BEATS - QUANTUM_BEATS / 2
        gaps.append(abs(gap_beats) * 60_000 / a.tempo())
        time.sleep(0.005)
    return gaps


def two_peers() -> dict:
    before = threads()
    a, b = Peer(), Peer()
    result: dict = {"threads_before": before}
    a.link.enable(True)
    b.link.enable(True)
    result["peers_s"] = wait_for(lambda: a.link.peers == 1 and b.link.peers == 1)
    result["peers"] = [a.link.peers, b.link.peers]

    a.link.set_tempo(133.0)
    result["a_to_b_s"] = wait_for(lambda: b.heard_bpm(133.0), 5)
    b.link.set_tempo(97.0)
    result["b_to_a_s"] = wait_for(lambda: a.heard_bpm(97.0), 5)
    wait_for(lambda: False, 0.3)  # time for any echo to arrive
    result["a_heard"], result["b_heard"] = [bpm for _, bpm in a.heard], [bpm for _, bpm in b.heard]

    result["phase_gaps_ms"] = phase_gaps_ms(a.link, b.link)
    bar_frames = round(QUANTUM_BEATS * 60 / a.link.tempo() * SAMPLE_RATE)
    frame_gaps = []
    for _ in range(5):
        fa, fb = a.link.frames_to_next_bar(SAMPLE_RATE), b.link.frames_to_next_bar(SAMPLE_RATE)
        frame_gaps.append(min((fa - fb) % bar_frames, (fb - fa) % bar_frames))
    result["frames_to_next_bar_gaps"] = frame_gaps

    for session_bpm, folded_bpm in ((240.0, 120.0), (50.0, 100.0)):
        a.link.set_tempo(session_bpm)
        wait_for(lambda: b.heard_bpm(folded_bpm), 5)
        result[f"b_heard_for_{session_bpm:g}"] = b.heard[-1][1]
        result[f"b_tempo_for_{session_bpm:g}"] = b.link.tempo()

    # A peer dragging its tempo: 40 changes in 0.8 s reach B as at most ~10 calls a second.
    first, a_first, start = len(b.heard), len(a.heard), time.monotonic()
    for step in range(40):
        a.link.set_tempo(100.0 + step * 0.5)
        time.sleep(0.02)
    wait_for(lambda: b.heard_bpm(119.5), 5)
    result["drag_s"] = time.monotonic() - start
    dragged = b.heard[first:]
    result["a_heard_while_dragging"] = [bpm for _, bpm in a.heard[a_first:]]  # its own echoes
    result["drag_calls"] = len(dragged)
    result["drag_last_bpm"] = dragged[-1][1] if dragged else None
    result["drag_gaps_s"] = [t2 - t1 for (t1, _), (t2, _) in zip(dragged, dragged[1:])]

    b.link.enable(False)  # leaving: A sees nobody, and B no longer follows A's tempo
    result["leave_s"] = wait_for(lambda: a.link.peers == 0)
    result["link_threads_after_leaving"] = [t.name for t in threading.enumerate()].count("link")  # A's only
    first = len(b.heard)
    a.link.set_tempo(150.0)
    wait_for(lambda: len(b.heard) > first, 1.0)
    result["b_heard_after_leaving"] = [bpm for _, bpm in b.heard[first:]]
    result["b_tempo_after_leaving"] = b.link.tempo()
    b.link.enable(True)
    result["rejoin_s"] = wait_for(lambda: a.link.peers == 1 and b.link.peers == 1)

    a.link.close()
    b.link.close()
    b.link.close()  # a second close does nothing
    # A joined thread can stay listed in /proc for a few ms while the kernel finishes its exit.
    wait_for(lambda: threads() == before, 2.0)
    result["threads_after"] = threads()
    return result


def off_by_default() -> dict:
    a, b = Peer(), Peer()  # b is never enabled until the end
    result: dict = {"b_enabled": b.link.enabled}
    a.link.enable(True)
    result["seen_s"] = wait_for(lambda: a.link.peers > 0, 2.0)
    b.link.set_tempo(150.0)
    wait_for(lambda: len(a.heard) > 0, 1.0)
    result["a_heard"], result["a_tempo"] = [bpm for _, bpm in a.heard], a.link.tempo()
    a.link.set_tempo(140.0)
    wait_for(lambda: len(b.heard) > 0, 1.0)
    result["b_heard"], result["b_tempo"] = [bpm for _, bpm in b.heard], b.link.tempo()
    b.link.enable(True)  # and now they do meet: the namespace's network works
    result["peers_once_enabled_s"] = wait_for(lambda: a.link.peers == 1 and b.link.peers == 1)
    a.link.close()
    b.link.close()
    return result


if __name__ == "__main__":
    print(json.dumps({"two_peers": two_peers, "off_by_default": off_by_default}[sys.argv[1]]()))
