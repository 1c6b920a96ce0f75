"""The melodic pads, rendered in pyo manual mode: what a patient tapping them would hear."""

import time

import numpy as np
import pytest
from scipy import signal

from studio.audio.master_bus import build_master_bus
from studio.audio.render import read_wav, render_manual, render_offline
from studio.melody import melodic_graph
from studio.melody.instrument_synth import LENGTHS_S, PEAK_DBFS, SOUNDS, midi_to_hz, render_note
from studio.melody.melodic_graph import RELEASE_S, MelodicPads
from studio.melody.scales import DEFAULT_OCTAVES, OCTAVE_RANGES, SCALE_NAMES, SCALES, pad_notes
from tests.studio.signals import peak_dbfs

SR = 48000
BLOCK = 256
HIT_BLOCK = 4  # hits happen before this block, so they sound from its first sample
HIT_AT = HIT_BLOCK * BLOCK


def render(duration_s, events=None, **pads_options):
    """Render the pads' output. events: block -> function(pads), run before that block."""
    holder = {}

    def build(server):
        holder["pads"] = MelodicPads(server, **pads_options)
        return holder["pads"].output

    def between(block):
        if events and block in events:
            events[block](holder["pads"])

    audio = render_manual(build, duration_s, SR, BLOCK, between_blocks=between)
    return audio, holder["pads"]


def hit(pad, velocity=1.0):
    return lambda pads: pads.hit(pad, velocity)


def fundamental_hz(samples, sample_rate=SR):
    """The lowest strong partial (within 20 dB of the strongest), to a fraction of a cent:
    a zero-padded spectrum, refined by a parabola through the peak's log magnitudes."""
    size = 1 << int(np.ceil(np.log2(len(samples) * 8)))
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples)), size))
    spectrum[: int(20 * size / sample_rate)] = 0  # nothing below 20 Hz
    strong = spectrum > spectrum.max() / 10
    peaks = np.flatnonzero(strong[1:-1] & (spectrum[1:-1] >= spectrum[:-2]) & (spectrum[1:-1] >= spectrum[2:])) + 1
    k = peaks[0]
    a, b, c = np.log(spectrum[k - 1:k + 2])
    return (k + 0.5 * (a - c) / (a - 2 * b + c)) * sample_rate / size


def cents(measured_hz, expected_hz):
    return 1200 * np.log2(measured_hz / expected_hz)


def sounding(audio, start_s, length_s=0.6):
    start = HIT_AT + int(start_s * SR)
    return audio[0, start:start + int(length_s * SR)]


# ---- pitch ------------------------------------------------------------------------------------

@pytest.mark.parametrize("sound", SOUNDS)
@pytest.mark.parametrize("pad", [0, 6, 15])
def test_a_hit_sounds_at_its_notes_fundamental(sound, pad):
    low, high = OCTAVE_RANGES[sound]
    for octave in (low, high):
        audio, pads = render(1.0, {HIT_BLOCK: hit(pad)}, root=2, scale="minor", sound=sound, octave=octave)
        expected_hz = midi_to_hz(pads.notes[pad])
        assert abs(cents(fundamental_hz(sounding(audio, 0.1)), expected_hz)) < 3, (octave, expected_hz)


def test_every_pad_plays_a_note_of_the_key():
    """All 16 pads of E blues, one after another: each sounds a pitch of the E blues scale."""
    gap_blocks = 94  # about half a second apart, each let go before the next
    events = {HIT_BLOCK + pad * gap_blocks: hit(pad) for pad in range(16)}
    events.update({HIT_BLOCK + pad * gap_blocks + 80: (lambda pad: lambda pads: pads.release(pad))(pad)
                   for pad in range(16)})
    audio, pads = render(16 * gap_blocks * BLOCK / SR + 0.1, events, root=4, scale="blues", sound="keys")
    in_key = {(4 + step) % 12 for step in SCALES["blues"]}
    heard = []
    for pad in range(16):
        start = HIT_AT + pad * gap_blocks * BLOCK + int(0.05 * SR)
        measured_hz = fundamental_hz(audio[0, start:start + int(0.4 * SR)])
        heard.append(round(69 + 12 * np.log2(measured_hz / 440.0)))
    assert heard == pads.notes
    assert {note % 12 for note in heard} <= in_key


def test_changing_the_scale_changes_the_pitches_but_never_a_ringing_note():
    events = {
        HIT_BLOCK: hit(2),  # C major: E
        HIT_BLOCK + 20: lambda pads: pads.set_scale(0, "minor", 3),  # while the E rings
        HIT_BLOCK + 190: hit(2),  # C minor: D#
    }
    audio, pads = render(2.0, events, root=0, scale="major", sound="keys", octave=3)
    assert pads.notes == pad_notes(0, "minor", 3)
    ringing = audio[0, HIT_AT + 25 * BLOCK:HIT_AT + 185 * BLOCK]
    assert abs(cents(fundamental_hz(ringing), midi_to_hz(52))) < 3  # still the E3 it started as
    after = audio[0, HIT_AT + 195 * BLOCK:HIT_AT + 195 * BLOCK + int(0.5 * SR)]
    assert abs(cents(fundamental_hz(after), midi_to_hz(51))) < 3  # D#3


def test_a_new_octave_moves_every_pad_up_an_octave():
    events = {HIT_BLOCK: lambda pads: pads.set_scale(0, "major", 4), HIT_BLOCK + 1: hit(0)}
    audio, pads = render(1.0, events, root=0, scale="major", sound="keys", octave=3)
    assert pads.notes == [note + 12 for note in pad_notes(0, "major", 3)]
    start = HIT_AT + BLOCK + int(0.1 * SR)
    assert abs(cents(fundamental_hz(audio[0, start:start + int(0.5 * SR)]), midi_to_hz(60))) < 3  # C4


# ---- timing, release and re-hits -----------------------------------------------------------------

@pytest.mark.parametrize("sound", SOUNDS)
def test_a_hit_sounds_from_the_next_block_with_no_click(sound):
    audio, _ = render(0.5, {HIT_BLOCK: hit(5)}, sound=sound)
    assert np.all(audio[:, :HIT_AT] == 0)
    first = np.flatnonzero(audio[0])[0]
    assert HIT_AT <= first <= HIT_AT + 2
    # The note rises from silence over a few ms: its first samples are tiny.
    assert np.abs(audio[0, HIT_AT:HIT_AT + 10]).max() < 0.02
    assert np.array_equal(audio[0], audio[1])  # the same on both sides


@pytest.mark.parametrize("sound", SOUNDS)
def test_release_fades_the_note_to_silence_within_100_ms(sound):
    release_block = HIT_BLOCK + 40
    audio, _ = render(1.0, {HIT_BLOCK: hit(3), release_block: lambda pads: pads.release(3)}, sound=sound)
    released_at = release_block * BLOCK
    assert np.abs(audio[0, released_at - 500:released_at]).max() > 0.05  # it was sounding
    assert np.all(audio[:, released_at + int(0.1 * SR):] == 0)  # and is gone, to exactly 0
    fade = np.abs(audio[0, released_at:released_at + int(RELEASE_S * SR)])
    third = len(fade) // 3
    assert fade[:third].max() > fade[third:2 * third].max() > fade[2 * third:].max()  # a fade, not a cut


@pytest.mark.parametrize("sound", SOUNDS)
def test_a_ringing_pad_hit_again_starts_afresh_without_a_click(sound):
    rehit_block = HIT_BLOCK + 80  # 0.43 s into the note
    rehit_at = rehit_block * BLOCK
    alone, _ = render(2.5, {HIT_BLOCK: hit(4)}, sound=sound)
    audio, _ = render(2.5, {HIT_BLOCK: hit(4), rehit_block: hit(4)}, sound=sound)
    # After the old note's short fade, what sounds is the note from its start again.
    settled = int(0.01 * SR)
    length = int(LENGTHS_S[sound] * SR) - settled
    np.testing.assert_allclose(audio[0, rehit_at + settled:rehit_at + settled + length],
                               alone[0, HIT_AT + settled:HIT_AT + settled + length], atol=1e-6)
    # No click: the biggest step between two samples around the re-hit is no bigger than the
    # note's own biggest step.
    steps_around = np.abs(np.diff(audio[0, rehit_at - 200:rehit_at + settled]))
    own_steps = np.abs(np.diff(alone[0, HIT_AT:HIT_AT + int(0.5 * SR)]))
    assert steps_around.max() <= own_steps.max() * 1.05


# ---- level ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("sound", SOUNDS)
def test_one_note_is_played_as_made_at_its_velocity(sound):
    """One note at a time is untouched by the pads' pile-up limiter, and velocity scales it."""
    loud, pads = render(2.2, {HIT_BLOCK: hit(0, 1.0)}, sound=sound)
    soft, _ = render(2.2, {HIT_BLOCK: hit(0, 0.3)}, sound=sound)
    note = render_note(sound, pads.notes[0], SR)
    # pyo reads the table at a speed it rounds a little: the same samples within -80 dB.
    np.testing.assert_allclose(loud[0, HIT_AT:HIT_AT + len(note)], note, atol=1e-4)
    np.testing.assert_allclose(soft, loud * 0.3, atol=1e-6)
    assert peak_dbfs(loud) <= PEAK_DBFS + 1e-3


def test_volume_glides_to_its_new_level():
    change_block = HIT_BLOCK + 20
    steady, _ = render(1.0, {HIT_BLOCK: hit(7)}, sound="keys")
    audio, _ = render(1.0, {HIT_BLOCK: hit(7), change_block: lambda pads: pads.set_volume_db(-12.0)}, sound="keys")
    changed_at = change_block * BLOCK
    np.testing.assert_array_equal(audio[:, :changed_at], steady[:, :changed_at])
    later = slice(changed_at + int(0.1 * SR), changed_at + int(0.3 * SR))
    np.testing.assert_allclose(audio[0, later], steady[0, later] * 10 ** (-12 / 20), atol=1e-6)
    # A glide, not a jump: 10 ms after the change the level is still on its way down.
    soon = slice(changed_at + 400, changed_at + 520)
    ratio = np.abs(audio[0, soon]).max() / np.abs(steady[0, soon]).max()
    assert 10 ** (-12 / 20) + 0.05 < ratio < 0.97


def test_starting_volume():
    full, _ = render(0.4, {HIT_BLOCK: hit(0)}, sound="bass")
    quieter, _ = render(0.4, {HIT_BLOCK: hit(0)}, sound="bass", volume_db=-6.0)
    np.testing.assert_allclose(quieter, full * 10 ** (-6 / 20), atol=1e-6)


@pytest.mark.parametrize("sound", SOUNDS)
@pytest.mark.parametrize("scale", SCALE_NAMES)
def test_sixteen_pads_at_once_at_full_velocity_stay_below_0_dbfs(sound, scale):
    """Hit on the same sample, 16 notes would peak near +10 dBFS; the pads' own limiter keeps
    them below 0 dBFS. (After it, the master bus's safety limiter holds everything at -1 dBFS.)"""
    for octave in OCTAVE_RANGES[sound]:
        events = {HIT_BLOCK: lambda pads: [pads.hit(pad, 1.0) for pad in range(16)]}
        audio, _ = render(0.6, events, root=7, scale=scale, sound=sound, octave=octave)
        assert peak_dbfs(audio) < -0.5, (scale, octave)


def test_through_the_master_bus_a_pile_up_stays_at_the_limiter_ceiling():
    holder = {}

    def build(server):
        holder["pads"] = MelodicPads(server, root=0, scale="major", sound="keys", octave=4)
        holder["bus"] = build_master_bus([holder["pads"].output], volume_db=0.0)
        return holder["bus"].output

    def between(block):
        if block == HIT_BLOCK:
            for pad in range(16):
                holder["pads"].hit(pad, 1.0)

    audio = render_manual(build, 0.6, SR, BLOCK, between_blocks=between)
    assert peak_dbfs(audio) <= -1.0 + 1e-3


def test_an_export_renders_the_same_samples_as_manual_mode(tmp_path):
    def build(server):
        pads = MelodicPads(server, root=7, scale="blues", sound="bass")
        for pad in (0, 4, 9):
            pads.hit(pad, 0.8)  # before the first block: both modes play them from sample 0
        build.keep = pads
        return pads.output

    manual = render_manual(build, 1.0, SR, BLOCK)
    offline = read_wav(render_offline(build, 1.0, tmp_path / "keys.wav", SR, BLOCK))
    faded_in = int(0.01 * SR)  # an offline server fades its output in over its first 5 ms
    assert np.abs(manual).max() > 0.1
    # the same samples, up to float32 rounding in the file writer (about -120 dBFS)
    np.testing.assert_allclose(offline[:, faded_in:manual.shape[1]], manual[:, faded_in:], rtol=0, atol=1e-6)


# ---- changing key and sound ----------------------------------------------------------------------

def test_only_new_notes_are_made_when_the_key_changes(monkeypatch):
    made = []

    def counting_render(sound, note, sample_rate):
        made.append((sound, note))
        return render_note(sound, note, sample_rate)

    monkeypatch.setattr(melodic_graph, "render_note", counting_render)
    holder = {}

    def build(server):
        pads = holder["pads"] = MelodicPads(server, root=0, scale="major", sound="keys", octave=3)
        assert len(made) == 16
        made.clear()
        pads.set_scale(0, "minor", 3)  # E, A, B become D#, G#, A#: six notes over the pads' two octaves
        assert sorted(note for _, note in made) == [51, 56, 58, 63, 68, 70]
        made.clear()
        pads.set_scale(0, "minor", 3)
        pads.set_sound("keys")
        assert made == []
        pads.set_sound("bass")
        assert len(made) == 16 and {sound for sound, _ in made} == {"bass"}
        return pads.output

    render_manual(build, 0.01, SR, BLOCK)


def test_a_new_sound_keeps_the_key_and_moves_the_octave_into_its_range():
    events = {HIT_BLOCK: lambda pads: pads.set_sound("bass"), HIT_BLOCK + 1: hit(0)}
    audio, pads = render(1.0, events, root=9, scale="minor pentatonic", sound="keys", octave=4)
    assert (pads.sound, pads.root, pads.scale, pads.octave) == ("bass", 9, "minor pentatonic", 3)
    assert pads.notes == pad_notes(9, "minor pentatonic", 3)
    start = HIT_AT + BLOCK + int(0.1 * SR)
    assert abs(cents(fundamental_hz(audio[0, start:start + int(0.5 * SR)]), midi_to_hz(57))) < 3  # A3


def test_defaults():
    _, pads = render(0.01)
    assert (pads.root, pads.scale, pads.sound, pads.octave) == (0, "major", "keys", DEFAULT_OCTAVES["keys"])
    assert pads.notes == pad_notes(0, "major", DEFAULT_OCTAVES["keys"])


@pytest.mark.parametrize("call, message", [
    (lambda pads: pads.hit(16, 1.0), "a pad must be in range 0..15, got 16"),
    (lambda pads: pads.release(-1), "a pad must be in range 0..15, got -1"),
    (lambda pads: pads.hit(0, 1.5), "a pad's velocity must be in range 0..1, got 1.5"),
    (lambda pads: pads.set_sound("piano"), "unknown sound 'piano'; the sounds are: bass, keys"),
    (lambda pads: pads.set_scale(0, "lydian", 3), "unknown scale 'lydian'"),
])
def test_errors_say_what_is_allowed(call, message):
    errors = []

    def build(server):
        pads = MelodicPads(server)
        try:
            call(pads)
        except ValueError as error:
            errors.append(str(error))
        return pads.output

    render_manual(build, 0.01, SR, BLOCK)
    assert len(errors) == 1 and message in errors[0]


# ---- the notes themselves ----------------------------------------------------------------------

def all_notes(sound):
    low, high = OCTAVE_RANGES[sound]
    return range(pad_notes(0, "major", low)[0], max(pad_notes(11, "minor pentatonic", high)) + 1)


@pytest.mark.parametrize("sound", SOUNDS)
def test_every_note_starts_and_ends_on_exactly_0_and_peaks_at_most_at_minus_6_dbfs(sound):
    for note in all_notes(sound):
        samples = render_note(sound, note, SR)
        assert samples.dtype == np.float32 and samples.ndim == 1
        assert len(samples) == int(LENGTHS_S[sound] * SR)
        assert samples[0] == 0.0 and samples[-1] == 0.0
        # A ramp in, not a step: its first samples move no faster than the note itself does.
        steps = np.abs(np.diff(samples))
        assert abs(samples[1]) < 0.005 and steps[:50].max() <= steps.max()
        assert peak_dbfs(samples) <= PEAK_DBFS + 1e-4
        assert abs(float(np.mean(samples))) < 1e-3  # no DC


def weighted_level_db(samples):
    """A rough loudness: the first half second's RMS, low frequencies counted less."""
    high_passed = signal.sosfilt(signal.butter(2, 120.0, "highpass", fs=SR, output="sos"), samples[: SR // 2])
    return 20 * np.log10(np.sqrt(np.mean(high_passed**2)))


@pytest.mark.parametrize("sound", SOUNDS)
def test_notes_across_the_range_are_about_equally_loud(sound):
    levels = {note: weighted_level_db(render_note(sound, note, SR)) for note in all_notes(sound)}
    from_default = [level for note, level in levels.items() if note >= 12 * (DEFAULT_OCTAVES[sound] + 1)]
    assert max(from_default) - min(from_default) < 3.0  # from the default octave up
    assert max(levels.values()) - min(levels.values()) < 7.0  # the bass's lowest octave is quieter


def test_notes_are_remembered_and_cannot_be_changed():
    first = render_note("bass", 40, SR)
    assert render_note("bass", 40, SR) is first
    assert not first.flags.writeable  # handed out again and again: nobody may change it


def test_sixteen_new_notes_are_made_quickly():
    """A new key makes up to 16 notes at once; a sample rate no test uses makes them afresh."""
    for sound, rate in (("bass", 44101), ("keys", 44102)):
        started = time.perf_counter()
        for note in pad_notes(5, "major pentatonic", DEFAULT_OCTAVES[sound]):
            render_note(sound, note, rate)
        assert time.perf_counter() - started < 1.0  # about 0.06-0.08 s on a shared CI machine


@pytest.mark.parametrize("call, message", [
    (lambda: render_note("piano", 60, SR), "unknown sound 'piano'; the sounds are: bass, keys"),
    (lambda: render_note("keys", 128, SR), "a MIDI note must be a whole number in range 0..127, got 128"),
    (lambda: render_note("keys", 60, 1000), "the sample rate must be a whole number of Hz in range 8000..192000"),
])
def test_note_errors_say_what_is_allowed(call, message):
    with pytest.raises(ValueError) as error:
        call()
    assert message in str(error.value)
