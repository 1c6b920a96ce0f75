"""The DJ decks: what two playing decks cost the audio thread (section 14), and whether loading a
5-minute track onto one deck while the other plays stops the sound (section 15).

CPU: the whole studio graph (studio.engine.studio_graph) on a manual pyo server, both decks
loaded with demo tracks, timed per block against the block's own duration (real time).
Loading: the engine on a real JACK server (dummy driver) playing deck 1, a 5-minute MP3 decoded
and analysed here (the app's side does that, in its own process) and then copied into deck 2
by the engine into shared memory, 4 s per chunk; xruns in that window against an empty JACK
client's before it.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

from bench.common import Measured, Progress, Row, Unmeasurable, ratio, vm_kb, wait_for
from bench.engine import BUFFER_FRAMES, ENGINE_START_TIMEOUT_S, SAMPLE_RATE_HZ, _engine_client, jack_server

CPU_BLOCKS = 2000
LOAD_WINDOW_S = 20.0
LONG_TRACK_S = 300.0
DEMO_TRACKS = Path(__file__).resolve().parent.parent / "samples" / "tracks"


def _decoded_demo(name: str, scratch: Path):
    from studio.decks.track_decode import decode_track

    return decode_track(DEMO_TRACKS / name, scratch / f"{name}.f32", SAMPLE_RATE_HZ)


def _block_us(server, blocks: int) -> float:
    started = time.perf_counter()
    for _ in range(blocks):
        server.process()
    return (time.perf_counter() - started) / blocks * 1e6


def measure_deck_cpu(progress: Progress) -> Measured:
    from studio.audio.servers import make_server
    from studio.controls import Action
    from studio.engine.messages import LoadTrack
    from studio.engine.studio_graph import StudioGraph

    block_us = BUFFER_FRAMES / SAMPLE_RATE_HZ * 1e6
    with tempfile.TemporaryDirectory(prefix="ward-bench-decks-") as scratch:
        tracks = [_decoded_demo("night-shift.ogg", Path(scratch)), _decoded_demo("tea-trolley.ogg", Path(scratch))]
        server = make_server("manual", SAMPLE_RATE_HZ, BUFFER_FRAMES)
        try:
            server.start()
            graph = StudioGraph(server)
            graph.out()
            graph.decks.prepare(120.0)
            for deck, track in enumerate(tracks, start=1):
                graph.decks.start_load(LoadTrack(deck, str(track.path), track.frames, SAMPLE_RATE_HZ, bpm=120.0))
            while graph.decks.loading:
                graph.decks.pump()
            figures = {}

            def timed(name: str) -> None:
                _block_us(server, 200)  # settle
                figures[name] = min(_block_us(server, CPU_BLOCKS) for _ in range(3))
                progress(f"deck cpu: {name}: {figures[name]:.0f} µs a block")

            for _ in range(4):
                graph.tick()  # idle decks go to sleep after a few ticks
            timed("idle")
            for deck in (1, 2):
                graph.apply(Action(f"deck{deck}", "key_lock", 0.0))
                graph.apply(Action(f"deck{deck}", "playing", 1.0))
            timed("straight")
            for deck in (1, 2):
                graph.apply(Action(f"deck{deck}", "key_lock", 1.0))
                graph.apply(Action(f"deck{deck}", "tempo", 0.5))  # +4 %: key lock's vocoder engaged
            timed("key lock")
            engaged = [status.key_lock_engaged for status in graph.decks.status()]
        finally:
            server.stop()
            server.shutdown()
    if not all(engaged):
        raise RuntimeError("key lock did not engage on both decks; the figure would be void")

    def share(us: float) -> str:
        return f"{us:.0f} µs a block: {100 * us / block_us:.1f} % of one core"

    return Measured(
        rows=[
            Row("the whole studio graph, both decks loaded and stopped (asleep)", share(figures["idle"]),
                f"real time: {block_us:.0f} µs per {BUFFER_FRAMES}-frame block", "-"),
            Row("both decks playing demo tracks at their own tempo, key lock off", share(figures["straight"]),
                f"both decks stopped: {figures['idle']:.0f} µs", ratio(figures["straight"], figures["idle"])),
            Row("both decks playing at +4 % with key lock on (phase vocoder engaged)", share(figures["key lock"]),
                f"both playing without key lock: {figures['straight']:.0f} µs",
                ratio(figures["key lock"], figures["straight"])),
        ],
        notes=[f"pyo manual server, {SAMPLE_RATE_HZ // 1000} kHz, {BUFFER_FRAMES}-frame blocks; best of 3 runs "
               f"of {CPU_BLOCKS} blocks. The graph holds everything the engine builds (beats, keys, mic, "
               "master bus, headphone bus, mix capture), so the rows are the engine's audio thread, not the decks alone.",
               "Demo tracks: Night Shift and Tea Trolley, decoded at 48 kHz with studio.decks.track_decode."],
    )


def _long_mp3(scratch: Path) -> Path:
    """A 5-minute MP3 of the demo tracks one after another (192 kbit/s)."""
    names = sorted(DEMO_TRACKS.glob("*.ogg"))
    listing = scratch / "list.txt"
    listing.write_text("".join(f"file '{path}'\n" for path in names * 2), encoding="utf-8")
    out = scratch / "five minutes.mp3"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing),
                    "-t", str(LONG_TRACK_S), "-c:a", "libmp3lame", "-b:a", "192k", str(out)], check=True, timeout=300)
    return out


def _shared_mb(pid: int) -> float:
    """How much of a process's memory is mapped from /dev/shm (the decks' tracks), from /proc."""
    total_kb, in_shm = 0, False
    with open(f"/proc/{pid}/smaps", encoding="ascii", errors="replace") as smaps:
        for line in smaps:
            if line[0] in "0123456789abcdef" and "-" in line.split()[0]:
                in_shm = "/dev/shm/ward-studio-" in line
            elif in_shm and line.startswith("Rss:"):
                total_kb += int(line.split()[1])
    return total_kb / 1024


def measure_loading(progress: Progress) -> Measured:
    from studio.decks.track_decode import MAX_DECK_SECONDS
    from studio.engine.jack_monitor import JackMonitor
    from studio.engine.messages import LoadTrack

    try:
        from studio.decks.track_cache import TrackCache
    except ImportError as error:
        raise Unmeasurable(f"the track cache is not there ({error})") from error
    with tempfile.TemporaryDirectory(prefix="ward-bench-loading-") as scratch_name:
        scratch = Path(scratch_name)
        mp3 = _long_mp3(scratch)
        cache = TrackCache(scratch / "cache")
        started = time.perf_counter()
        loaded = cache.load(mp3, SAMPLE_RATE_HZ)
        decode_analyse_s = time.perf_counter() - started
        progress(f"loading: decode and analysis of the 5-minute MP3 took {decode_analyse_s:.2f} s")
        demo = _decoded_demo("morning-round.ogg", scratch)
        with jack_server():
            empty_client = JackMonitor("ward-bench-empty-client")
            engine = None
            try:
                engine = _engine_client("jack")
                engine.start()
                wait_for(lambda: engine.state.backend == "jack", ENGINE_START_TIMEOUT_S, "the engine on JACK")
                engine.prepare_decks(MAX_DECK_SECONDS)
                idle_rss_mb = vm_kb(engine.state.engine_pid) / 1024
                engine.load_track(LoadTrack(1, str(demo.path), demo.frames, SAMPLE_RATE_HZ, title="demo"))
                wait_for(lambda: engine.state.decks and engine.state.decks[0].loaded, 30, "deck 1 loaded")
                engine.act("deck1", "playing", 1)
                time.sleep(1.0)
                empty_mark = empty_client.xruns
                time.sleep(LOAD_WINDOW_S)
                empty_xruns = empty_client.xruns - empty_mark
                engine_mark, empty_mark = engine.state.xruns, empty_client.xruns
                engine.drain_events()
                load_started = time.monotonic()
                engine.load_track(LoadTrack(2, str(loaded.audio_path), loaded.frames, SAMPLE_RATE_HZ,
                                            title="five minutes", bpm=loaded.analysis.bpm))
                wait_for(lambda: any(e.kind == "track_loaded" for e in engine.drain_events()), 60, "deck 2 loaded")
                copy_s = time.monotonic() - load_started
                time.sleep(max(0.0, LOAD_WINDOW_S - copy_s))
                loading_xruns = engine.state.xruns - engine_mark
                empty_during = empty_client.xruns - empty_mark
                playing = engine.state.decks[0].playing
                # Why it stopped, if it did: a restart (the engine's heartbeat missed), or the track's end.
                stopped_how = (f"engine restarts: {engine.restarts}, deck 1 at {engine.state.decks[0].position_s:.1f} s "
                               f"of {engine.state.decks[0].duration_s:.1f} s")
                rss_mb = vm_kb(engine.state.engine_pid) / 1024
                shm_mb = _shared_mb(engine.state.engine_pid)
            finally:
                if engine is not None:
                    engine.stop()
                empty_client.close()
    if not playing:
        raise RuntimeError(f"deck 1 stopped during the window ({stopped_how}); the count is void")
    return Measured(
        rows=[
            Row(f"decode and analyse a {LONG_TRACK_S / 60:g}-minute MP3 (the app's side, TrackCache.load)",
                f"{decode_analyse_s:.2f} s", f"the track's own length: {LONG_TRACK_S:g} s",
                f"{LONG_TRACK_S / decode_analyse_s:.0f}x faster than real time"),
            Row("the engine copies the decoded 5 minutes into deck 2 (LoadTrack to 'track_loaded')",
                f"{copy_s:.2f} s", "-", "-"),
            Row(f"xruns in {LOAD_WINDOW_S:g} s while deck 1 plays and deck 2 loads the 5-minute track",
                f"engine: {loading_xruns}", f"empty JACK client, {LOAD_WINDOW_S:g} s before: {empty_xruns} "
                f"(and {empty_during} during)", f"{loading_xruns - empty_xruns:+d}"),
            Row("engine memory (RSS) with an 80 s track on deck 1 and the 5-minute one on deck 2",
                f"{rss_mb:.0f} MB, of which {shm_mb:.0f} MB the decks' shared memory",
                f"the engine with no tracks: {idle_rss_mb:.0f} MB; the tracks' 64-bit samples: "
                f"{(demo.frames + loaded.frames) * 16 / 2**20:.0f} MB", f"+{rss_mb - idle_rss_mb:.0f} MB"),
        ],
        notes=["JACK dummy driver, 48 kHz, 256 frames; the engine process as the app starts it (EngineClient).",
               "The empty client counts the server's xruns with no work of its own; JACK reports every xrun "
               "to every client, so its count 'during' is the same window seen from outside the engine."],
    )
