"""The demo tracks and the tempo test set: what ships is what `python -m studio.decks.demo_synth`
makes, and each stated tempo and first downbeat is where the audio itself puts the beat."""

import json

import numpy as np
import pytest
import soundfile
from scipy import fft, signal

from studio.decks.demo_synth import (
    SHIPPED_TRACKS, SHIPPED_TRACKS_DIR, TRACK_SAMPLE_RATE, TRACKS_JSON, render_track, track_entry,
)
from studio.decks.demo_synth.notation import drum_hits, pattern_steps
from studio.decks.demo_synth.render import Grid
from studio.decks.demo_synth.tempo_set import (
    LATE_DRUMS_S, TempoCase, make_click_case, make_tempo_case, make_tempo_set,
)
from tests.studio.signals import peak_dbfs

VORBIS_BLOCK_FRAMES = 2048  # the longest Vorbis block: how far a decoded length may be off
RERENDERED_TRACK = "tea-trolley.ogg"  # the quickest to render; the others are checked by their files
TEMPO_SET_SECONDS = 20.0  # shorter than the benchmark's 30 s, to keep the tests quick
KICK_BAND_HZ = 300.0
FLUX_FFT, FLUX_HOP = 512, 128


def _decoded(file: str) -> np.ndarray:
    samples, rate = soundfile.read(str(SHIPPED_TRACKS_DIR / file), dtype="float32", always_2d=True)
    assert rate == TRACK_SAMPLE_RATE
    return samples


def _low_band_energy(samples: np.ndarray, sample_rate: int, cutoff_hz: float) -> np.ndarray:
    """Energy below cutoff_hz, zero-phase filtered (no delay), averaged over 1 ms."""
    mono = samples.mean(axis=1) if samples.ndim == 2 else samples
    low = signal.sosfiltfilt(signal.butter(4, cutoff_hz, fs=sample_rate, output="sos"), mono)
    window = max(1, int(0.001 * sample_rate))
    return np.convolve(low**2, np.ones(window) / window, mode="same")


def _onset_near(energy: np.ndarray, frame: int, sample_rate: int) -> int:
    """Where the energy within 30 ms of `frame` first climbs 30 % of the way from its low before
    `frame` to its peak after: the start of the hit there. Fails if nothing hits there (no rise)."""
    reach = int(0.03 * sample_rate)
    start = max(0, frame - reach)
    before = energy[start:frame] if frame > start else np.zeros(1)
    peak = energy[frame:frame + reach].max()
    assert peak > 4 * before.mean(), f"no hit at {frame / sample_rate:.3f} s"
    floor = before.min()
    return start + int(np.argmax(energy[start:frame + reach] >= floor + 0.3 * (peak - floor)))


# ---- the shipped tracks ---------------------------------------------------------------------------

def test_tracks_json_lists_every_shipped_file_as_the_code_describes_it():
    listing = json.loads((SHIPPED_TRACKS_DIR / TRACKS_JSON).read_text(encoding="utf-8"))
    assert listing == [track_entry(track) for track in SHIPPED_TRACKS]
    assert sorted(path.name for path in SHIPPED_TRACKS_DIR.glob("*.ogg")) == sorted(e["file"] for e in listing)
    assert 5 <= len(listing) <= 6
    assert len({entry["style"] for entry in listing}) == len(listing)
    assert any(entry["bpm"] != int(entry["bpm"]) for entry in listing)  # a tempo that is not a whole number
    for entry in listing:
        assert entry["artist"] == "Ward Studio" and "CC0-1.0" in entry["licence"]
        assert 60.0 <= entry["duration_s"] <= 90.0
        assert entry["key"].split()[1] in ("major", "minor")


@pytest.mark.parametrize("track", SHIPPED_TRACKS, ids=lambda track: track.file)
def test_each_file_has_its_listed_length_tags_and_size(track):
    path = SHIPPED_TRACKS_DIR / track.file
    with soundfile.SoundFile(str(path)) as ogg:
        assert (ogg.format, ogg.subtype, ogg.samplerate, ogg.channels) == ("OGG", "VORBIS", TRACK_SAMPLE_RATE, 2)
        assert abs(ogg.frames - track.piece.frames(TRACK_SAMPLE_RATE)) <= VORBIS_BLOCK_FRAMES
        assert (ogg.title, ogg.artist, ogg.genre) == (track.title, "Ward Studio", track.style)
        assert f"bpm={track.piece.bpm:g};" in ogg.comment
    assert path.stat().st_size < 1.5e6


def test_the_tracks_take_under_8_mb():
    assert sum((SHIPPED_TRACKS_DIR / track.file).stat().st_size for track in SHIPPED_TRACKS) < 8e6


def test_a_fresh_render_matches_the_shipped_file():
    track = next(track for track in SHIPPED_TRACKS if track.file == RERENDERED_TRACK)
    fresh = render_track(track).samples
    shipped = _decoded(track.file)
    assert abs(len(fresh) - len(shipped)) <= VORBIS_BLOCK_FRAMES
    frames = min(len(fresh), len(shipped))
    # Vorbis is lossy, so not the same samples: the same music, to within its coding noise.
    correlation = np.corrcoef(fresh[:frames].ravel(), shipped[:frames].ravel())[0, 1]
    assert correlation > 0.98
    assert peak_dbfs(fresh) <= -1.0


@pytest.mark.parametrize("track", SHIPPED_TRACKS, ids=lambda track: track.file)
def test_no_sample_passes_minus_1_dbfs_after_decoding(track):
    assert peak_dbfs(_decoded(track.file)) <= -1.0


@pytest.mark.parametrize("track", SHIPPED_TRACKS, ids=lambda track: track.file)
def test_the_intro_kicks_land_on_the_listed_beats(track):
    entry = next(e for e in json.loads((SHIPPED_TRACKS_DIR / TRACKS_JSON).read_text()) if e["file"] == track.file)
    intro = entry["sections"][0]
    assert intro["name"] == "intro" and intro["start_s"] == entry["first_downbeat_s"]
    samples = _decoded(track.file)
    # The kick's body is below 300 Hz. (Below 150 Hz would do for a kick that starts low, but the
    # house and trap kicks start at 230-260 Hz and fall: their energy below 150 Hz comes ~15 ms late.)
    energy = _low_band_energy(samples, TRACK_SAMPLE_RATE, KICK_BAND_HZ)
    beat_s = 60.0 / entry["bpm"]
    for bar in range(intro["bars"]):  # every intro bar starts with a kick
        downbeat_s = entry["first_downbeat_s"] + bar * 4 * beat_s
        onset = _onset_near(energy, round(downbeat_s * TRACK_SAMPLE_RATE), TRACK_SAMPLE_RATE)
        assert abs(onset / TRACK_SAMPLE_RATE - downbeat_s) <= 0.005, f"bar {bar + 1}"
    # And every kick of the intro, the swung ones too, is where the recipe's grid puts it.
    intro_end = round((entry["first_downbeat_s"] + intro["bars"] * 4 * beat_s) * TRACK_SAMPLE_RATE)
    kicks = _intro_kick_frames(track, intro_end)
    assert kicks, "the intro has kicks"
    for frame in kicks:
        onset = _onset_near(energy, frame, TRACK_SAMPLE_RATE)
        assert abs(onset - frame) <= 0.005 * TRACK_SAMPLE_RATE


def _intro_kick_frames(track, before_frame: int) -> list[int]:
    """Where the recipe puts the intro's kicks (its last bar may be a fill), worked out with no audio."""
    piece, intro = track.piece, track.piece.sections[0]
    grid = piece.grid(TRACK_SAMPLE_RATE)
    frames = []
    for bar in range(intro.bars):
        groove = "fill" if intro.fill and bar == intro.bars - 1 else intro.groove
        pattern = piece.style.grooves[groove].get(piece.style.kick, "")
        loop_bar = bar % max(1, pattern_steps(pattern) // grid.steps_per_bar)
        for hit in drum_hits(pattern):
            if loop_bar * grid.steps_per_bar <= hit.step < (loop_bar + 1) * grid.steps_per_bar:
                step = bar * grid.steps_per_bar + hit.step - loop_bar * grid.steps_per_bar
                frames.append(grid.frame_at(step))
    return sorted(frame for frame in frames if frame < before_frame)


# ---- the grid -------------------------------------------------------------------------------------

def test_a_step_lands_on_the_sample_the_tempo_gives():
    grid = Grid(123.5, 0.37, 44100)
    for step in (0, 1, 7, 64, 1001):
        assert grid.frame_at(step) == round(0.37 * 44100 + step * 60 / 123.5 * 44100 / 4)


def test_swing_moves_only_the_off_beat_sixteenths():
    straight, swung = Grid(90.0, 0.0, 44100), Grid(90.0, 0.0, 44100, swing=0.66)
    step_frames = 60 / 90 * 44100 / 4
    for step in range(0, 32, 2):
        assert swung.frame_at(step) == straight.frame_at(step)
        assert swung.frame_at(step + 1) == round((step + 1 + 0.32) * step_frames)


def test_a_grid_refuses_what_it_cannot_play():
    with pytest.raises(ValueError, match="swing must be in range 0.5..0.75"):
        Grid(90.0, 0.0, 44100, swing=0.9)
    with pytest.raises(ValueError, match="bpm must be in range 30..300"):
        Grid(0.0, 0.0, 44100)


# ---- the tempo test set ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tempo_set() -> list[TempoCase]:
    return make_tempo_set(sample_rate=22050, seconds=TEMPO_SET_SECONDS)


def test_the_set_spans_tempos_styles_and_downbeats(tempo_set):
    assert 36 <= len(tempo_set) <= 44
    assert len({case.name for case in tempo_set}) == len(tempo_set)
    tempos = [case.bpm for case in tempo_set]
    assert min(tempos) <= 72 and max(tempos) >= 175
    assert sum(70 <= bpm < 100 for bpm in tempos) >= 10 and sum(bpm >= 160 for bpm in tempos) >= 5
    assert sum(bpm != int(bpm) for bpm in tempos) >= 3
    assert len({case.style for case in tempo_set}) >= 8
    assert {"trap", "drum & bass", "boom-bap", "house", "dembow", "shuffle", "sparse piano"} <= {
        case.style for case in tempo_set}
    assert sum(case.first_downbeat_s > 0.3 for case in tempo_set) >= 5
    assert sum(case.name.startswith("late-drums") for case in tempo_set) >= 2


def test_every_case_is_the_asked_length_and_format(tempo_set):
    for case in tempo_set:
        assert case.sample_rate == 22050
        assert case.samples.shape == (round(TEMPO_SET_SECONDS * 22050), 2) and case.samples.dtype == np.float32
        assert np.all(np.isfinite(case.samples))
        assert -30.0 < peak_dbfs(case.samples) <= -1.0, case.name


def test_each_declared_downbeat_is_a_hit(tempo_set):
    for case in tempo_set:
        rate, mono = case.sample_rate, np.abs(case.samples).mean(axis=1) ** 2
        at = round(case.first_downbeat_s * rate)
        after = mono[at: at + int(0.04 * rate)].mean()
        before = mono[max(0, at - int(0.04 * rate)): max(0, at - int(0.004 * rate))]
        assert after > 1e-5, case.name
        if before.size:
            assert after > 2.0 * before.mean(), case.name


def _spectral_flux(mono: np.ndarray) -> np.ndarray:
    """How much the spectrum grows from one frame to the next (frame i centred on i * FLUX_HOP +
    FLUX_FFT / 2)."""
    frames = 1 + (len(mono) - FLUX_FFT) // FLUX_HOP
    starts = FLUX_HOP * np.arange(frames)[:, None]
    windows = mono[np.arange(FLUX_FFT)[None, :] + starts] * np.hanning(FLUX_FFT).astype(np.float32)
    level = np.log1p(100 * np.abs(fft.rfft(windows, axis=1)))
    return np.maximum(np.diff(level, axis=0, prepend=level[:1]), 0.0).sum(axis=1)


def test_the_beats_fall_where_the_declared_tempo_puts_them(tempo_set):
    """Onsets summed on the declared beats outweigh those an eighth of a beat later, all through the
    piece: the tempo does not drift from the audio's, and the beats are in phase with it."""
    for case in tempo_set:
        rate = case.sample_rate
        flux = _spectral_flux(case.samples.mean(axis=1))
        beat_frames = np.arange(case.first_downbeat_s, TEMPO_SET_SECONDS - 1.0, 60.0 / case.bpm) * rate
        if case.name.startswith("late-drums"):
            beat_frames = beat_frames[beat_frames >= LATE_DRUMS_S * rate]

        def strength(frames):
            centres = np.round((frames - FLUX_FFT // 2) / FLUX_HOP).astype(int)
            return sum(flux[max(0, c - 1): c + 2].max() for c in centres if c >= 0)

        on_beats, just_after = strength(beat_frames), strength(beat_frames + 60.0 / case.bpm / 8 * rate)
        assert on_beats > 2.5 * just_after, case.name


def test_the_late_drum_cases_have_no_drums_for_8_seconds(tempo_set):
    for case in (c for c in tempo_set if c.name.startswith("late-drums")):
        rate = case.sample_rate
        highs = signal.sosfilt(signal.butter(4, 6000, "highpass", fs=rate, output="sos"), case.samples.mean(axis=1))
        kick_band = _low_band_energy(case.samples, rate, 90.0)
        early, late = slice(0, int(LATE_DRUMS_S * rate)), slice(int((LATE_DRUMS_S + 1) * rate), None)
        assert np.mean(highs[early] ** 2) < 0.01 * np.mean(highs[late] ** 2), case.name  # no hats: 20 dB down
        assert kick_band[early].max() < 0.1 * kick_band[late].max(), case.name  # no kicks


def test_the_set_is_the_same_every_time(tempo_set):
    for name in ("dembow-95", "boom-bap-swing-92"):
        again = make_tempo_case(name, sample_rate=22050, seconds=TEMPO_SET_SECONDS)
        in_set = next(case for case in tempo_set if case.name == name)
        assert np.array_equal(again.samples, in_set.samples)
        assert (again.bpm, again.first_downbeat_s) == (in_set.bpm, in_set.first_downbeat_s)


def test_a_case_asks_for_enough_seconds_and_a_known_name():
    with pytest.raises(ValueError, match="seconds must be at least 16"):
        make_tempo_set(seconds=5.0)
    with pytest.raises(ValueError, match="there is no tempo case 'polka-200'"):
        make_tempo_case("polka-200")


def test_the_click_case_clicks_on_every_beat_loudest_on_the_downbeat():
    case = make_click_case(120.0, seconds=4.0, sample_rate=22050)
    assert (case.name, case.style, case.bpm, case.first_downbeat_s) == ("click-120", "click", 120.0, 0.0)
    assert case.samples.shape == (4 * 22050, 2) and case.samples.dtype == np.float32
    peaks = [float(np.abs(case.samples[round(beat * 0.5 * 22050):][:200]).max()) for beat in range(8)]
    assert all(peak > 0.1 for peak in peaks)
    assert peaks[0] > 1.5 * peaks[1] and peaks[4] > 1.5 * peaks[5]
    between = case.samples[round(0.25 * 22050): round(0.45 * 22050)]
    assert np.abs(between).max() < 1e-3  # silence between the clicks
    with pytest.raises(ValueError, match="bpm must be in range 30..300"):
        make_click_case(0.0)
