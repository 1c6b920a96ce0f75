"""The drum machine: hits on their exact sample, render time of a 3-minute beat, CPU with 16
voices sounding (MIDI-to-sound latency is bench/midi_latency.py). Runs pyo in this process (offline and manual servers).
"""

from __future__ import annotations

import math
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.common import Measured, Progress, Row, Unmeasurable, ratio
from bench.offline import seconds_to_render

SAMPLE_RATE_HZ = 48000
BUFFER_FRAMES = 256
BLOCK_MS = 1000.0 * BUFFER_FRAMES / SAMPLE_RATE_HZ
REPO = Path(__file__).resolve().parent.parent

# --- 7. onset error -----------------------------------------------------------------------
ONSET_TEMPOS = [(60.0, 0.5), (97.3, 0.62), (133.3, 0.55), (173.0, 0.75), (200.0, 0.66)]  # (BPM, swing)
ONSET_MUSIC_S = 30.0  # per tempo, rounded to whole bars
CLICK = np.exp(-np.arange(1500) / 100.0).astype(np.float32)  # full level on its first sample
CLICK_VELOCITIES = (1.0, 0.5, 0.75, 0.35)  # pad p plays step p at CLICK_VELOCITIES[p % 4]
ONSET_THRESHOLD = 1e-3  # as tests/studio/beats/
ONSET_QUIET_SAMPLES = 200


def click_beat(bpm: float, swing: float, kit: str):
    """One hit per step, pad p on step p: every pad plays, never two at once. On the first step
    of each pair, where the step is long enough, a hit between steps too, as live recording
    leaves them: half a step in (a 1/32) on steps 0, 4, 8, 12, a third in (a triplet) on 2, 6, 10, 14."""
    from studio.beats.model import TICKS_PER_STEP, Beat

    beat = Beat(title="bench clicks", kit=kit, bpm=bpm, swing=swing)
    for pad, row in enumerate(beat.patterns["A"].rows):
        row.velocities = [CLICK_VELOCITIES[pad % 4] if step == pad else 0.0 for step in range(row.length)]
        between = {0: TICKS_PER_STEP // 2, 2: TICKS_PER_STEP // 3}.get(pad % 4)
        if between:
            row.off_grid = {pad * TICKS_PER_STEP + between: CLICK_VELOCITIES[(pad + 1) % 4]}
    return beat


def onsets(audio: np.ndarray) -> np.ndarray:
    """Samples where the louder channel rises above ONSET_THRESHOLD after at least
    ONSET_QUIET_SAMPLES quiet samples (tests/studio/signals.onsets, vectorised)."""
    loud = np.flatnonzero(np.abs(audio).max(axis=0) > ONSET_THRESHOLD)
    return loud[np.concatenate(([True], np.diff(loud) > ONSET_QUIET_SAMPLES))] if loud.size else loud


@dataclass
class OnsetCheck:
    hits: int
    errors: np.ndarray  # found - expected, in samples, for each hit with an onset near it
    missing: int  # hits with no onset within half the shortest gap between hits
    extra: int  # onsets no hit accounts for

    @staticmethod
    def of(found: np.ndarray, expected: np.ndarray) -> "OnsetCheck":
        if found.size == 0:
            return OnsetCheck(expected.size, np.zeros(0, dtype=int), expected.size, 0)
        tolerance = int(np.diff(expected).min()) // 2 if expected.size > 1 else ONSET_QUIET_SAMPLES
        at = np.searchsorted(found, expected)
        before, after = found[np.clip(at - 1, 0, found.size - 1)], found[np.clip(at, 0, found.size - 1)]
        nearest = np.where(np.abs(before - expected) <= np.abs(after - expected), before, after)
        matched = np.abs(nearest - expected) <= tolerance
        return OnsetCheck(expected.size, (nearest - expected)[matched], int((~matched).sum()),
                          found.size - np.unique(nearest[matched]).size)

    @staticmethod
    def total(checks: list["OnsetCheck"]) -> "OnsetCheck":
        return OnsetCheck(sum(c.hits for c in checks), np.concatenate([c.errors for c in checks]),
                          sum(c.missing for c in checks), sum(c.extra for c in checks))

    def __str__(self) -> str:
        size = np.abs(self.errors)
        worst, mean = (int(size.max()), float(size.mean())) if size.size else (0, 0.0)
        return (f"{self.hits} hits: max |error| {worst} sample{'' if worst == 1 else 's'}, "
                f"mean {mean:.3f}; {self.missing} missing, {self.extra} extra")


def _live_graph_audio(beat, music_s: float) -> np.ndarray:
    """The Sequencer alone, rendered block by block as the live engine runs it."""
    from studio.audio.render import render_manual
    from studio.beats.sequencer_graph import Sequencer

    def build(server):
        build.sequencer = Sequencer(server, [CLICK] * 16, beat)
        build.sequencer.play()
        return build.sequencer.output

    try:
        return render_manual(build, music_s, SAMPLE_RATE_HZ, BUFFER_FRAMES)
    finally:
        build.sequencer = None


def _exported_audio(beat, bars: int, kit, path: Path) -> np.ndarray:
    import soundfile

    from studio.beats.render import render_beat

    render_beat(beat, path, bars=bars, kit=kit, sample_rate=SAMPLE_RATE_HZ)
    audio, _ = soundfile.read(path, dtype="float32", always_2d=True)
    path.unlink()
    return audio.T


def measure_onsets(progress: Progress) -> Measured:
    import soundfile

    from studio.beats.schedule import song_duration_s, song_hits
    from studio.beats.sequencer_graph import PLAYBACK_OFFSET_SAMPLES as OFFSET
    from studio.kits.library import load_kit

    checks = {"live": [], "export": [], "live, no offset": [], "export, no offset": []}
    per_tempo = []
    with tempfile.TemporaryDirectory(prefix="ward-bench-onsets-") as scratch:
        kit_folder = Path(scratch) / "click-kit"
        kit_folder.mkdir()
        for pad in range(16):
            soundfile.write(kit_folder / f"click-{pad + 1:02d}.wav", CLICK, SAMPLE_RATE_HZ, subtype="FLOAT")
        click_kit = load_kit(kit_folder, SAMPLE_RATE_HZ)
        for bpm, swing in ONSET_TEMPOS:
            beat = click_beat(bpm, swing, str(kit_folder))
            bars = max(1, round(ONSET_MUSIC_S * bpm / 240))  # the 16-step pattern is one bar
            music_s = float(song_duration_s(beat, repeats=bars))
            hits = np.array(sorted({hit.sample for hit in song_hits(beat, SAMPLE_RATE_HZ, repeats=bars)}))
            progress(f"onsets: {bpm:g} BPM, swing {swing:g}: {bars} bars ({music_s:.1f} s), {hits.size} hits")
            for render, found in (
                ("live", onsets(_live_graph_audio(beat, music_s))),
                ("export", onsets(_exported_audio(beat, bars, click_kit, Path(scratch) / "clicks.wav"))),
            ):
                checks[render].append(OnsetCheck.of(found, hits + OFFSET))
                checks[f"{render}, no offset"].append(OnsetCheck.of(found, hits))
            progress(f"onsets: live graph {checks['live'][-1]} | export {checks['export'][-1]}")
            per_tempo.append(f"{bpm:g} BPM / swing {swing:g}, {bars} bars ({music_s:.1f} s), "
                             f"{checks['live'][-1].hits} hits")
    rows = []
    for render, label in (
        ("live", f"the Sequencer alone, rendered block by block as the live engine runs it (render_manual, "
                 f"{BUFFER_FRAMES} frames)"),
        ("export", "the exported file (render_beat: sequencer, master bus with its look-ahead removed, 24-bit WAV)"),
    ):
        total = OnsetCheck.total(checks[render])
        rows.append(Row(
            f"onset error of every sequenced hit, {len(ONSET_TEMPOS)} tempos × about {ONSET_MUSIC_S:g} s, "
            f"against song_hits + PLAYBACK_OFFSET_SAMPLES: {label}",
            str(total),
            f"the same onsets against song_hits without the {OFFSET}-sample playback offset: "
            f"{OnsetCheck.total(checks[render + ', no offset'])} (the check sees a one-sample error)",
            f"{int((total.errors == 0).sum())} of {total.hits} hits exact (must be all)",
        ))
    return Measured(rows=rows, notes=[
        "Per tempo, for each of the two renders: " + "; ".join(per_tempo) + ".",
        f"Pad p plays step p of the bar (velocities {', '.join(f'{v:g}' for v in CLICK_VELOCITIES)} in turn), "
        f"so every step is one hit and every voice is checked; 8 of the pads also play a hit between steps "
        f"(half a step or a third of one in, as recording with 1/32 or triplets leaves them). The one-shot is a click at full level on "
        f"its first sample, decaying as exp(-n/100) over {CLICK.size} samples; the export loads it as a "
        "16-sound kit folder written for the run.",
        f"An onset is the first sample of the louder channel above {ONSET_THRESHOLD:g} after at least "
        f"{ONSET_QUIET_SAMPLES} quieter samples, as in tests/studio/beats/. Each hit is matched to the "
        "nearest onset within half the shortest gap between hits; a hit with none is missing.",
    ])


# --- 8. render time of a 3-minute beat ----------------------------------------------------
SONG_MUSIC_S = 180.0
SONG_BPM, SONG_SWING = 90.0, 0.58
SONG_RENDERS = 1  # of each, alternating (each is about 10 s)
SONG_CHAIN = ["A", "A", "A", "B"]
# Pad (boom-bap's 12 sounds in kit order) -> {step: velocity}, for pattern A; B is a fill.
GROOVE = {
    0: {0: 1.0, 7: 0.7, 10: 0.9}, 1: {14: 0.5},  # kick, soft kick
    2: {4: 1.0, 12: 1.0}, 3: {15: 0.4}, 4: {12: 0.6}, 5: {6: 0.5},  # snare, rimshot, clap, side stick
    6: {s: 0.8 if s % 2 == 0 else 0.5 for s in range(16) if s != 14},  # closed hat on the 16ths
    7: {2: 0.4, 10: 0.4}, 8: {14: 0.7},  # pedal hat; open hat, choked by the closed hat on 15
    9: {0: 0.5, 8: 0.5}, 10: {s: 0.3 for s in range(1, 16, 2)}, 11: {4: 0.4, 12: 0.4},  # ride, shaker, tambourine
}
FILL = {**GROOVE, 0: {0: 1.0, 3: 0.6, 10: 0.9}, 2: {4: 1.0, 12: 1.0, 13: 0.5, 14: 0.7, 15: 0.9},
        8: {6: 0.7}, 9: {s: 0.45 for s in range(0, 16, 2)}}


def boom_bap_song(with_hits: bool = True):
    from studio.beats.model import Beat

    beat = Beat(title="bench boom-bap", kit="boom-bap", bpm=SONG_BPM, swing=SONG_SWING, chain=list(SONG_CHAIN))
    for name, pads in (("A", GROOVE), ("B", FILL)) if with_hits else ():
        for pad, steps in pads.items():
            beat.patterns[name].rows[pad].velocities = [steps.get(step, 0.0) for step in range(16)]
    return beat


def _seconds_to_render_beat(beat, bars: float, path: Path, expect_sound: bool) -> float:
    """render_beat as `ward-studio render` runs it (loading the kit); the file is checked untimed."""
    import soundfile

    from studio.beats.render import render_beat
    from studio.controls import LIMITER_CEILING_DB

    started = time.perf_counter()
    rendered = render_beat(beat, path, bars=bars, sample_rate=SAMPLE_RATE_HZ)
    elapsed_s = time.perf_counter() - started
    if abs(soundfile.info(path).frames - rendered.duration_s * SAMPLE_RATE_HZ) > 1:
        raise RuntimeError(f"{path.name} is not {rendered.duration_s:g} s long")
    peak = float(np.abs(soundfile.read(path, dtype="float32")[0]).max())
    if (expect_sound and not 0.05 < peak <= 10 ** (LIMITER_CEILING_DB / 20) + 1e-4) or (not expect_sound and peak):
        raise RuntimeError(f"{path.name} peaks at {peak:.4f}: not the render expected")
    path.unlink()
    return elapsed_s


def measure_song_render(progress: Progress) -> Measured:
    from studio.beats.render import TAIL_S
    from studio.beats.schedule import song_hits, step_sample

    song, empty = boom_bap_song(), boom_bap_song(with_hits=False)
    bars = SONG_MUSIC_S * SONG_BPM / 240
    end = step_sample(round(bars * 16), SONG_BPM, SONG_SWING, SAMPLE_RATE_HZ)
    hit_count = sum(hit.sample < end for hit in song_hits(song, SAMPLE_RATE_HZ, math.ceil(bars / len(SONG_CHAIN))))
    beat_s, empty_s = [], []
    with tempfile.TemporaryDirectory(prefix="ward-bench-song-") as scratch:
        for run in range(SONG_RENDERS):
            beat_s.append(_seconds_to_render_beat(song, bars, Path(scratch) / "song.wav", True))
            empty_s.append(_seconds_to_render_beat(empty, bars, Path(scratch) / "empty.wav", False))
            progress(f"3-minute beat {run + 1}/{SONG_RENDERS}: beat {beat_s[-1]:.2f} s, empty beat {empty_s[-1]:.2f} s")
    beat_median, empty_median = statistics.median(beat_s), statistics.median(empty_s)
    return Measured(
        rows=[
            Row(f"render_beat of {SONG_MUSIC_S:g} s of music ({bars:g} bars of a boom-bap beat at {SONG_BPM:g} BPM, "
                f"swing {SONG_SWING:g}, 12 pads, patterns {''.join(SONG_CHAIN)}, {hit_count} hits) + {TAIL_S:g} s "
                f"tail to a 24-bit stereo WAV" + (f", median of {SONG_RENDERS}" if SONG_RENDERS > 1 else ""),
                f"{beat_median:.2f} s = {100 * beat_median / SONG_MUSIC_S:.1f} % of real time "
                f"({SONG_MUSIC_S / beat_median:.0f}x faster)",
                f"the same render of an empty beat (silence): {empty_median:.2f} s "
                f"({SONG_MUSIC_S / empty_median:.0f}x faster than real time)",
                ratio(beat_median, empty_median)),
        ],
        notes=[
            "Timed around studio.beats.render.render_beat as `ward-studio render` calls it: kit loading, server "
            "boot, render, the file rewritten as 24-bit without the limiter's look-ahead, shutdown.",
            "Each file is checked before it is deleted: its length, the beat heard and under the limiter's "
            "ceiling, the empty beat silent.",
        ] + ([
            "The silence is the slower render because pads never hit cost more than pads playing (section 9): "
            "the empty beat leaves all 16 pads unhit, the beat 4 (boom-bap has 12 sounds) and its choked hats "
            "until their next hit."] if empty_median > beat_median else []),
    )


# --- 9. CPU with 16 voices ----------------------------------------------------------------
VOICES_BPM = 200.0
VOICES_S = 60.0
VOICES_RENDERS = 3  # of each, alternating; the medians are compared


def long_one_shots(shortest_s: float) -> tuple[list[np.ndarray], list[str]]:
    """16 shipped one-shots of at least shortest_s, kit by kit in name order, and their kits."""
    from studio.kits.library import list_shipped_kits, load_kit

    found = [(sound.samples, name) for name in list_shipped_kits()
             for sound in load_kit(name, SAMPLE_RATE_HZ).sounds if sound.duration_s >= shortest_s][:16]
    if len(found) < 16:
        raise Unmeasurable(f"the shipped kits have only {len(found)} sounds of {shortest_s * 1000:.0f} ms or more")
    return [samples for samples, _ in found], [kit for _, kit in found]


def sequencer_through_master_bus(samples, beat, touch_every_pad: bool = False):
    """A graph builder for render_offline: the Sequencer playing ``beat`` into the master bus."""
    def build(server):
        from studio.audio.master_bus import build_master_bus
        from studio.beats.sequencer_graph import Sequencer

        sequencer = Sequencer(server, samples, beat)  # no kit choke groups: no voice is cut short
        build.keep = (sequencer, build_master_bus([sequencer.output]))
        sequencer.play()
        for pad in range(16) if touch_every_pad else ():
            sequencer.hit_pad(pad, 0.0)  # a silent hit on the first block: no pad is left unhit
        return build.keep[1].limited

    return build


def _cpu(render_s: float) -> str:
    share = render_s / VOICES_S
    return (f"{1000 * share:.1f} ms per s of audio, {100 * share:.2f} % of one core "
            f"({1000 * share * BLOCK_MS:.0f} µs per {BLOCK_MS:.2f} ms block)")


def measure_voices(progress: Progress) -> Measured:
    from studio.beats.model import Beat
    from studio.beats.schedule import step_time_s

    step_s = float(step_time_s(1, VOICES_BPM, 0.5))
    samples, kits = long_one_shots(step_s)
    full, empty = Beat(title="bench 16 voices", bpm=VOICES_BPM), Beat(title="bench idle", bpm=VOICES_BPM)
    for row in full.patterns["A"].rows:
        row.velocities = [1.0] * row.length
    builds = {"16 voices": sequencer_through_master_bus(samples, full),
              "empty beat": sequencer_through_master_bus(samples, empty),
              "empty beat, pads touched": sequencer_through_master_bus(samples, empty, touch_every_pad=True)}
    runs = {name: [] for name in builds}
    with tempfile.TemporaryDirectory(prefix="ward-bench-voices-") as scratch:
        for run in range(1, VOICES_RENDERS + 1):
            for name, build in builds.items():
                runs[name].append(seconds_to_render(build, VOICES_S, Path(scratch) / "voices.wav"))
            progress(f"16 voices {run}/{VOICES_RENDERS}: " + ", ".join(f"{n} {s[-1]:.2f} s" for n, s in runs.items()))
    full_s, idle_s, touched_s = (statistics.median(runs[name]) for name in builds)
    return Measured(
        rows=[
            Row(f"offline render of {VOICES_S:g} s: all 16 pads on every 16th note at {VOICES_BPM:g} BPM "
                f"(16 voices sounding all the time), Sequencer into the master bus, median of {VOICES_RENDERS}",
                f"{full_s:.2f} s: {_cpu(full_s)}",
                f"the same with an empty beat (sequencer playing, no hits): {idle_s:.2f} s: {_cpu(idle_s)}",
                ratio(full_s, idle_s)),
            Row("the empty beat again, after one silent touch on every pad (velocity 0, first block)",
                f"{touched_s:.2f} s: {_cpu(touched_s)}", f"the empty beat, pads never hit: {idle_s:.2f} s",
                ratio(touched_s, idle_s)),
            Row("cost of 16 sounding voices over the touched idle sequencer (difference of the medians)",
                _cpu(full_s - touched_s), f"real time: 1000 ms per s of audio ({BLOCK_MS:.2f} ms per block)",
                f"{(full_s - touched_s) / VOICES_S * 100:.2f} % of one core"),
        ],
        notes=[
            f"Each pad has its own shipped one-shot ({kits.count(kits[0])} from {kits[0]}, the rest from "
            f"{', '.join(sorted(set(kits) - {kits[0]}))}), each at least one step ({1000 * step_s:.0f} ms) long and "
            "retriggered every step, so all 16 voices play all the time; no choke groups, filters open.",
            f"% of one core is render time per second of audio: the share of each {BUFFER_FRAMES}-frame block "
            f"the audio thread would spend at {SAMPLE_RATE_HZ // 1000} kHz. Timed around render_offline (server "
            "boot, render, 32-bit float WAV write, shutdown), the same in every run; the master bus alone is section 5.",
        ] + ([  # true of this build; the second row tells when it is fixed
            "A pad never hit costs more than one playing: its choke fade (a pyo.Port in the pad voice, "
            "studio/beats/) starts at 1 while its latch (SampHold) starts at 0, so it decays "
            "into a denormal float (about 1.8e-43) and stays there, every sample. A hit on the pad ends it "
            "(second row); after a choke the fade decays the same way until the pad's next hit."]
            if touched_s < 0.8 * idle_s else []),
    )
