"""The step sequencer, rendered in pyo manual mode: every hit on its exact sample."""

import numpy as np
import pytest

from studio.audio.render import render_manual
from studio.beats.model import TICKS_PER_STEP, Beat, PadSettings
from studio.beats.schedule import song_hits, step_sample, step_time_s, tick_time_s
from studio.beats.sequencer_graph import PLAYBACK_OFFSET_SAMPLES, Sequencer, unit_duration_s
from tests.studio.signals import onsets

SR = 48000
BLOCK = 256
# A test one-shot: full level on its first sample, gone within about 1000 samples.
BURST = np.exp(-np.arange(1500) / 100.0).astype(np.float32)


def beat_with(rows: dict, bpm=120.0, swing=0.5, **beat_options) -> Beat:
    """rows: pad -> list of 16 velocities for pattern A."""
    beat = Beat(bpm=bpm, swing=swing, **beat_options)
    for pad, velocities in rows.items():
        beat.patterns["A"].rows[pad].velocities = list(velocities)
    return beat


def render(beat, duration_s, samples=None, between_blocks=None):
    holder = {}

    def build(server):
        holder["sequencer"] = Sequencer(server, samples or [BURST] * 16, beat)
        holder["sequencer"].play()
        return holder["sequencer"].output

    def step(block):
        if between_blocks is not None:
            between_blocks(block, holder["sequencer"])

    return render_manual(build, duration_s, SR, BLOCK, between_blocks=step), holder["sequencer"]


def heard(sample: int) -> int:
    """Where a hit triggered on this sample is first heard."""
    return sample + PLAYBACK_OFFSET_SAMPLES


def expected_onsets(beat, frames):
    return sorted({heard(hit.sample) for hit in song_hits(beat, SR, repeats=64) if heard(hit.sample) < frames})


EVERY_THIRD = [1.0 if step % 3 == 0 else 0.0 for step in range(16)]


@pytest.mark.parametrize("bpm, swing", [(60, 0.5), (97.3, 0.62), (120, 0.5), (133.3, 0.55), (173, 0.75), (200, 0.66)])
def test_every_hit_lands_on_its_exact_sample(bpm, swing):
    beat = beat_with({0: EVERY_THIRD}, bpm=bpm, swing=swing)
    audio, _ = render(beat, 6.0)
    found = onsets(audio[0], threshold=1e-3, min_gap=200)
    np.testing.assert_array_equal(found, expected_onsets(beat, audio.shape[1]))


def test_velocity_sets_the_level_of_each_hit():
    beat = beat_with({0: [1.0, 0, 0, 0, 0.5, 0, 0, 0, 0.25, 0, 0, 0, 0.1, 0, 0, 0]})
    audio, _ = render(beat, 2.0)
    peaks = [np.abs(audio[0, start:start + 50]).max() for start in expected_onsets(beat, audio.shape[1])]
    centre_pan = np.sqrt(0.5)  # an equal-power pan in the middle
    np.testing.assert_allclose(peaks[:4], np.array([1.0, 0.5, 0.25, 0.1]) * centre_pan, rtol=0.02)


def test_rows_of_their_own_length_loop_on_their_own():
    beat = beat_with({0: [1.0] + [0.0] * 15})
    beat.patterns["A"].rows[0].length = 3  # a three-step loop inside a 16-step pattern
    audio, _ = render(beat, 3.0)
    found = onsets(audio[0], threshold=1e-3, min_gap=200)
    expected = [heard(step_sample(step, 120, 0.5, SR)) for step in (0, 3, 6, 9, 12, 15, 16, 19, 22)]
    np.testing.assert_array_equal(found[:9], expected)


def test_mute_and_solo():
    beat = beat_with({0: [1.0] + [0.0] * 15, 1: [0.0] * 8 + [1.0] + [0.0] * 7})
    beat.patterns["A"].rows[1].mute = True
    audio, _ = render(beat, 1.0)
    assert list(onsets(audio[0], 1e-3, 200)) == [heard(0)]
    beat.patterns["A"].rows[1].mute = False
    beat.patterns["A"].rows[1].solo = True
    audio, _ = render(beat, 1.5)
    assert list(onsets(audio[0], 1e-3, 200)) == [heard(step_sample(8, 120, 0.5, SR))]


def test_a_chain_of_patterns_plays_in_order_and_loops():
    beat = beat_with({0: [1.0] + [0.0] * 15})
    beat.patterns["B"].rows[0].velocities = [0.0] * 8 + [1.0] + [0.0] * 7
    beat.chain = ["A", "B", "B"]
    audio, _ = render(beat, 11.5)  # one pass is 3 bars of 2 s
    found = onsets(audio[0], 1e-3, 200)
    expected = [heard(step_sample(step, 120, 0.5, SR)) for step in (0, 24, 40, 48, 72, 88)]
    np.testing.assert_array_equal(found[:6], expected)


def test_a_tempo_change_applies_from_the_next_tick():
    beat = beat_with({0: [1.0] * 16}, bpm=100)
    faster = Beat(**{**beat.__dict__, "bpm": 150.0})
    change_block = 100  # 0.53 s in, during the fourth step
    audio, _ = render(beat, 3.0, between_blocks=lambda block, seq: block == change_block and seq.set_beat(faster))
    found = onsets(audio[0], 1e-3, 200)
    change_s = change_block * BLOCK / SR
    ticks_before = [tick for tick in range(16 * TICKS_PER_STEP) if float(tick_time_s(tick, 100, 0.5)) <= change_s]
    next_tick = ticks_before[-1] + 1
    next_tick_s = tick_time_s(next_tick, 100, 0.5)  # the tick under way ends at the old tempo
    tick_s = tick_time_s(1, 150, 0.5)
    step_ticks = [step * TICKS_PER_STEP for step in range(40)]
    times_s = [tick_time_s(tick, 100, 0.5) for tick in step_ticks if tick < next_tick]
    times_s += [next_tick_s + (tick - next_tick) * tick_s for tick in step_ticks if tick >= next_tick]
    expected = [heard(int(t * SR)) for t in times_s if heard(int(t * SR)) < audio.shape[1]]
    assert len(found) == len(expected)
    assert np.max(np.abs(found - np.array(expected))) <= 1  # the new units start mid-unit


def test_swing_changes_apply_from_the_next_pair_of_steps():
    beat = beat_with({0: [1.0] * 16}, bpm=120, swing=0.5)
    swung = Beat(**{**beat.__dict__, "swing": 0.75})
    audio, _ = render(beat, 2.0, between_blocks=lambda block, seq: block == 10 and seq.set_beat(swung))
    gaps = np.diff(onsets(audio[0], 1e-3, 200))
    step = SR * 60 / 120 / 4
    assert gaps[0] == gaps[1] == step  # the pair already under way stays straight
    assert set(gaps[2:10]) == {int(step * 1.5), int(step * 0.5)}  # then long-short, long-short


def test_an_edit_during_play_changes_the_next_steps():
    beat = beat_with({0: [1.0] + [0.0] * 15})
    edited = beat_with({0: [1.0] + [0.0] * 7 + [1.0] + [0.0] * 7})
    audio, _ = render(beat, 2.0, between_blocks=lambda block, seq: block == 20 and seq.set_beat(edited))
    assert list(onsets(audio[0], 1e-3, 200)) == [heard(0), heard(SR)]  # step 8 is 1 s in


def test_a_touch_plays_the_pad_on_the_next_block():
    beat = beat_with({})
    audio, _ = render(beat, 0.5, between_blocks=lambda block, seq: block == 7 and seq.hit_pad(5, 0.5))
    found = onsets(audio[0], 1e-3, 200)
    assert list(found) == [heard(7 * BLOCK)]
    assert np.abs(audio[0, heard(7 * BLOCK)]) == pytest.approx(0.5 * np.sqrt(0.5), rel=0.01)


def test_the_closed_hat_chokes_the_open_hat():
    ringing = np.sin(np.arange(SR) * 2 * np.pi * 3000 / SR).astype(np.float32) * 0.5  # a 1 s open hat
    samples = [BURST] * 16
    samples[3] = ringing
    beat = beat_with({3: [1.0] + [0.0] * 15, 2: [0.0] * 4 + [1.0] + [0.0] * 11})
    beat.pads[2] = PadSettings(choke_group=1)
    beat.pads[3] = PadSettings(choke_group=1)
    audio, _ = render(beat, 1.0, samples=samples)
    choke_at = step_sample(4, 120, 0.5, SR)
    after_fade = choke_at + 2 * BLOCK + int(0.01 * SR)
    open_hat_band = audio[0, after_fade:after_fade + 4800]
    spectrum = np.abs(np.fft.rfft(open_hat_band))
    assert spectrum[int(3000 * len(open_hat_band) / SR)] < 1e-3 * len(open_hat_band)
    # without the choke group the open hat rings on
    beat.pads[2] = PadSettings()
    audio, _ = render(beat, 1.0, samples=samples)
    assert np.abs(audio[0, after_fade:after_fade + 4800]).max() > 0.2


def test_pitch_pan_and_volume_shape_the_pad():
    tone = np.sin(np.arange(4800) * 2 * np.pi * 440 / SR).astype(np.float32)
    beat = beat_with({0: [1.0] + [0.0] * 15})
    beat.pads[0] = PadSettings(pitch_semitones=12.0, pan=-1.0, volume_db=-6.0)
    audio, _ = render(beat, 0.5, samples=[tone] * 16)
    left, right = audio
    assert np.abs(right).max() < 1e-6  # hard left
    sounding = np.flatnonzero(np.abs(left) > 1e-3)
    assert sounding[-1] == pytest.approx(2400, abs=20)  # an octave up plays twice as fast
    spectrum = np.abs(np.fft.rfft(left[:2400] * np.hanning(2400)))
    assert np.argmax(spectrum) * SR / 2400 == pytest.approx(880, abs=20)
    assert np.abs(left).max() == pytest.approx(10 ** (-6 / 20), rel=0.02)


def test_the_clock_unit_is_longer_than_a_sample_at_the_fastest_tempo():
    # The Seq clock counts at most one unit per sample.
    assert unit_duration_s(200) * SR > 1.0


def test_the_kits_choke_groups_apply_unless_the_beat_sets_its_own():
    ringing = np.sin(np.arange(SR) * 2 * np.pi * 3000 / SR).astype(np.float32) * 0.5
    samples = [BURST] * 16
    samples[3] = ringing
    beat = beat_with({3: [1.0] + [0.0] * 15, 2: [0.0] * 4 + [1.0] + [0.0] * 11})
    kit_chokes = [0, 0, 1, 1] + [0] * 12  # as a kit marks its closed and open hats
    holder = {}

    def build(server):
        holder["sequencer"] = Sequencer(server, samples, beat, kit_chokes)
        holder["sequencer"].play()
        return holder["sequencer"].output

    audio = render_manual(build, 1.0, SR, BLOCK)
    faded = step_sample(4, 120, 0.5, SR) + 2 * BLOCK + int(0.04 * SR)  # the 5 ms fade is long over
    assert np.abs(audio[0, faded:faded + 4800]).max() < 1e-3


def test_a_midi_note_plays_its_pad_with_its_velocity():
    notes = [36, 38, 42, 46] + list(range(60, 72))
    holder = {}

    def build(server):
        holder["server"] = server
        holder["sequencer"] = Sequencer(server, [BURST] * 16, Beat(), midi_notes=notes)
        return holder["sequencer"].output

    def send_note(block):
        if block == 10:
            holder["server"].addMidiEvent(0x99, 38, 64)  # note on, channel 10, snare, velocity 64
        if block == 11:
            holder["server"].addMidiEvent(0x89, 38, 0)

    audio = render_manual(build, 0.2, SR, BLOCK, between_blocks=send_note)
    found = onsets(audio[0], 1e-3, 200)
    assert len(found) == 1 and 10 * BLOCK <= found[0] <= 11 * BLOCK + PLAYBACK_OFFSET_SAMPLES
    assert np.abs(audio[0]).max() == pytest.approx(64 / 127 * np.sqrt(0.5), rel=0.02)


def click_onsets(audio):
    """Onsets of the metronome (a 1-1.5 kHz blip) in a render with no pad sounds."""
    return onsets(audio[0], 1e-3, 200)


def test_the_metronome_clicks_on_every_beat_with_the_pads():
    beat = beat_with({})
    holder = {}

    def build(server):
        holder["sequencer"] = Sequencer(server, [None] * 16, beat)
        holder["sequencer"].set_metronome(True)
        holder["sequencer"].play()
        return holder["sequencer"].output

    audio = render_manual(build, 2.0, SR, BLOCK)
    expected = [step_sample(step, 120, 0.5, SR) for step in range(0, 16, 4)]
    assert list(click_onsets(audio)) == [sample + 1 for sample in expected]  # the blip starts at 0


def test_a_count_in_clicks_one_bar_then_the_song_starts():
    beat = beat_with({0: [1.0] + [0.0] * 15}, bpm=120)
    samples = [np.full(200, 0.9, dtype=np.float32)] + [None] * 15  # a flat pad, unlike the click
    holder = {}

    def build(server):
        holder["sequencer"] = Sequencer(server, samples, beat)
        holder["sequencer"].play(count_in_steps=16)
        return holder["sequencer"].output

    def tick(block):
        holder["sequencer"].tick()

    audio = render_manual(build, 4.5, SR, BLOCK, between_blocks=tick)
    bar = SR * 2  # 4 beats at 120 BPM
    found = list(onsets(audio[0], 1e-3, 200))
    assert found[:4] == [1, SR // 2 + 1, SR + 1, 3 * SR // 2 + 1]  # the count-in's four clicks
    assert heard(bar) in found and heard(2 * bar) in found  # then the pad on each bar's first step
    assert np.abs(audio[0, heard(bar):heard(bar) + 100]).min() > 0.5  # and it is the pad, not a click


def test_touch_and_midi_hits_are_reported_with_their_song_position():
    holder = {}

    def build(server):
        holder["server"] = server
        holder["sequencer"] = Sequencer(server, [BURST] * 16, beat_with({}, bpm=120))
        holder["sequencer"].listen(True)
        holder["sequencer"].play()
        return holder["sequencer"].output

    reports = []

    def hit(block):
        sequencer = holder["sequencer"]
        if block == 50:  # 12800 samples: step 2 (12000) plus 800 of its 6000
            sequencer.hit_pad(4, 0.7)
        if block == 80:
            holder["server"].addMidiEvent(0x99, 38, 127)  # pad 2's note, at sample 20480
        reports.extend(sequencer.read_live_hits())

    render_manual(build, 0.5, SR, BLOCK, between_blocks=hit)
    assert [(r.pad, round(r.velocity, 2)) for r in reports] == [(4, 0.7), (1, 1.0)]
    assert reports[0].song_position == pytest.approx(2 + 800 / 6000, abs=1e-3)
    assert reports[1].song_position == pytest.approx(20480 / 6000, abs=1e-3)


def test_play_after_stop_starts_the_song_again_at_once():
    beat = beat_with({0: [1.0] * 16})

    def stop_then_play(block, sequencer):
        if block == 30:
            sequencer.stop()
        if block == 40:
            sequencer.play()

    audio, _ = render(beat, 0.5, between_blocks=stop_then_play)
    found = list(onsets(audio[0], 1e-3, 200))
    before = [heard(step_sample(step, 120, 0.5, SR)) for step in range(2)]  # 30 blocks = 7680 samples
    after = [heard(40 * BLOCK + step_sample(step, 120, 0.5, SR)) for step in range(3)]
    assert found == before + after


def test_pads_switched_off_for_a_render_change_nothing_that_plays():
    """Offline renders stop the pads that never play; the pads that do play sound exactly the same."""
    beat = beat_with({0: EVERY_THIRD, 1: [0.5 if step % 4 == 2 else 0.0 for step in range(16)]}, swing=0.6)

    def switch_off(block, sequencer):
        if block == 0:
            sequencer.switch_off_pads(list(range(2, 16)))

    whole, _ = render(beat, 2.0)
    with_pads_off, _ = render(beat, 2.0, between_blocks=switch_off)
    assert np.abs(whole).max() > 0.1
    np.testing.assert_array_equal(with_pads_off, whole)
