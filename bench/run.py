#!/usr/bin/env python3
"""Ward Studio's benchmarks. `make bench` runs them all and writes BENCHMARKS.md:

    xvfb-run -a -s "-screen 0 2048x1536x24" .venv/bin/python bench/run.py

One section only, printed instead of written (add --output FILE to write it):

    .venv/bin/python bench/run.py --only render

A section that cannot run says why in the file; the others still run. The exit code is 0
unless nothing at all could be measured. Every child process (jackd, engines, apps) is
ended before this returns, on error too.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Run as a script, Python puts bench/ first on the path: reach its modules as bench.* instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]
sys.path.insert(0, str(REPO))
os.environ.setdefault("PYO_GUI_WX", "0")
os.environ.setdefault("JACK_NO_START_SERVER", "1")

from bench.common import Measured, Unmeasurable  # noqa: E402

XVFB = 'xvfb-run -a -s "-screen 0 2048x1536x24"'
PYTHON = ".venv/bin/python"


@dataclass
class Section:
    key: str
    title: str
    measure: str  # "module:function" in bench/, imported when the section runs
    needs_display: bool = False

    @property
    def command(self) -> str:
        prefix = f"{XVFB} " if self.needs_display else ""
        return f"{prefix}{PYTHON} bench/run.py --only {self.key}"


SECTIONS = [
    Section("startup", "1. Start-up to an interactive launcher", "startup:measure_startup", needs_display=True),
    Section("dropouts", "2. Engine dropouts on JACK", "engine:measure_dropouts"),
    Section("restart", "3. Engine restart after kill -9", "engine:measure_restarts"),
    Section("render", "4. Offline render speed", "offline:measure_export"),
    Section("master_bus", "5. Master bus cost", "offline:measure_master_bus"),
    Section("memory", "6. Engine memory", "engine:measure_memory"),
    Section("beat_onsets", "7. Onset error of sequenced hits", "beats:measure_onsets"),
    Section("beat_render", "8. Render time of a 3-minute beat", "beats:measure_song_render"),
    Section("beat_voices", "9. CPU with 16 voices playing", "beats:measure_voices"),
    Section("midi_latency", "10. MIDI-to-sound latency", "midi_latency:measure_midi_latency"),
    Section("take_recovery", "11. Recovering a 10-minute take after a crash", "mic_recovery:measure_take_recovery"),
    Section("mic_live", "12. Microphone on JACK: monitoring latency and takes under load", "mic_live:measure_mic"),
    Section("track_analysis", "13. Track analysis: BPM against librosa, and a 5-minute MP3 from file to deck",
            "track_analysis:measure_track_analysis"),
    Section("deck_cpu", "14. CPU with both decks playing", "decks:measure_deck_cpu"),
    Section("deck_loading", "15. Loading a 5-minute MP3 onto a deck while the other plays", "decks:measure_loading"),
    Section("deck_fps", "16. Decks waveforms: frame rate with both decks playing", "decks_fps:measure_waveform_fps",
            needs_display=True),
    Section("export", "17. Exporting a 3-minute song to MP3", "export_speed:measure_export"),
    Section("midi_flood", "18. MIDI controllers: a flood of MIDI, and clock out's timing", "midi_flood:measure_midi_flood"),
    Section("turn_change", "19. Sessions: a participant's takes filed away and brought back at a change of turn",
            "turn_change:measure_turn_change"),
]

_started_at = time.monotonic()


def progress(message: str) -> None:
    print(f"[bench {time.monotonic() - _started_at:6.1f} s] {message}", flush=True)


def run_section(section: Section) -> tuple[Measured | None, str]:
    """(result, "") or (None, why it was not measured)."""
    import importlib

    module_name, function_name = section.measure.split(":")
    progress(f"--- {section.title}")
    section_started = time.monotonic()
    try:
        measure = getattr(importlib.import_module(f"bench.{module_name}"), function_name)
        result = measure(progress)
    except Unmeasurable as reason:
        progress(f"not measured: {reason}")
        return None, str(reason)
    except Exception as error:  # a broken section must not cost the others their figures
        traceback.print_exc()
        progress(f"not measured: {type(error).__name__}: {error}")
        return None, f"{type(error).__name__}: {error}"
    finally:
        _end_leftover_children()
    progress(f"{section.title} took {time.monotonic() - section_started:.0f} s")
    return result, ""


def _end_leftover_children() -> None:
    """Engines are stopped by the sections; this is the safety net if one was not."""
    for child in multiprocessing.active_children():
        child.kill()
        child.join(2.0)


# --- BENCHMARKS.md ------------------------------------------------------------------------
def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def section_markdown(section: Section, result: Measured | None, why_not: str) -> list[str]:
    lines = [f"## {section.title}", "", f"Command: `{section.command}`", ""]
    if result is None:
        return lines + [f"Not measured: {why_not}", ""]
    lines += ["| what | figure | reference (same run) | ratio |", "|---|---|---|---|"]
    lines += [f"| {_cell(r.what)} | {_cell(r.figure)} | {_cell(r.reference)} | {_cell(r.ratio)} |"
              for r in result.rows]
    lines.append("")
    lines += [f"- {note}" for note in result.notes]
    return lines + ([""] if result.notes else [])


def document(machine: list[tuple[str, str]], outcomes, total_s: float) -> str:
    lines = [
        "# Ward Studio benchmarks",
        "",
        f"Regenerate with `make bench` (runs `{XVFB} {PYTHON} bench/run.py` and rewrites "
        "this file). Each figure stands next to a reference "
        "measured in the same run on the same machine: the machines are shared and their timers "
        "noisy, so only the ratios travel.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
    ]
    lines += [f"| {_cell(name)} | {_cell(value)} |" for name, value in machine]
    lines.append(f"| Whole run | {total_s:.0f} s |")
    lines.append("")
    for section, (result, why_not) in outcomes:
        lines += section_markdown(section, result, why_not)
    return "\n".join(lines).rstrip() + "\n"


def _on_sigterm(*_) -> None:
    progress("stopped by SIGTERM: ending every child process")
    sys.exit(143)


def _parse(argv):
    parser = argparse.ArgumentParser(prog="bench/run.py", description="Ward Studio's benchmarks.")
    parser.add_argument("--only", metavar="SECTION", action="append",
                        choices=[s.key for s in SECTIONS],
                        help="run only this section (repeatable); prints instead of writing BENCHMARKS.md")
    parser.add_argument("--output", metavar="FILE", help="where to write the Markdown "
                        "(default: BENCHMARKS.md for a full run, stdout with --only)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    options = _parse(sys.argv[1:] if argv is None else argv)
    # SIGTERM ends the run through the finally blocks, so no child process is left behind.
    signal.signal(signal.SIGTERM, _on_sigterm)
    from bench.machine import machine_facts

    machine = machine_facts()
    for name, value in machine:
        progress(f"{name}: {value}")
    chosen = [s for s in SECTIONS if not options.only or s.key in options.only]
    outcomes = []
    try:
        for section in chosen:
            outcomes.append((section, run_section(section)))
    finally:
        _end_leftover_children()
    text = document(machine, outcomes, time.monotonic() - _started_at)
    output = options.output or (None if options.only else str(REPO / "BENCHMARKS.md"))
    if output:
        Path(output).write_text(text, encoding="utf-8")
        progress(f"wrote {output}")
    else:
        print(text)
    measured = sum(1 for _, (result, _) in outcomes if result is not None)
    progress(f"done: {measured} of {len(outcomes)} sections measured")
    return 0 if measured else 1


if __name__ == "__main__":
    sys.exit(main())
