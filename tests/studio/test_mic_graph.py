"""The microphone's graph in pyo manual mode: capture hands out exactly what came in, the
meter sees the level and clipping, monitoring is heard only when on, effects change it."""

import numpy as np
from studio.audio.dsp import pyo
import pytest

from studio.audio.render import render_manual
from studio.mic.capture import MicCapture
from studio.mic.mic_graph import MicChannel

SR = 48000
BLOCK = 256


def ramp_source(seconds: float):
    """A signal whose every sample can be told apart: a slow ramp with a fine saw on top."""
    n = np.arange(int(seconds * SR))
    values = ((n % 4801) / 4801.0 * 0.5 + (n // 4801) * 1e-3).astype(np.float32)
    table = pyo.DataTable(size=len(values), init=values.tolist())
    return table, values


def test_capture_hands_out_every_sample_once_in_order_across_the_ring():
    got, holder = [], {}

    def build(server):
        table, values = ramp_source(3.0)
        holder["values"] = values
        reader = pyo.TableRead(table, freq=table.getRate()).play()
        holder["capture"] = MicCapture(reader, server, ring_s=0.5)  # goes round six times
        holder["keep"] = (table, reader)
        return pyo.Sig([0, 0])

    def read(block):
        if block % 20 == 0:  # about ten times a second
            got.append(holder["capture"].new_frames())

    render_manual(build, 2.9, SR, BLOCK, between_blocks=read)
    frames = np.concatenate(got)
    assert len(frames) > 2 * SR
    start = int(np.flatnonzero(np.isclose(holder["values"], frames[0]))[0])  # the first read starts the count
    np.testing.assert_array_equal(frames, holder["values"][start:start + len(frames)])
    assert holder["capture"].lost_frames == 0


def test_a_reader_that_falls_a_whole_ring_behind_counts_what_was_lost():
    holder = {}

    def build(server):
        holder["capture"] = MicCapture(pyo.Sine(440), server, ring_s=0.1)
        return pyo.Sig([0, 0])

    def read(block):
        if block in (1, 100):
            holder["capture"].new_frames()

    render_manual(build, 1.0, SR, BLOCK, between_blocks=read)
    assert holder["capture"].lost_frames > 0.3 * SR


def render_mic(seconds, source_amp=0.25, gain_db=0.0, setup=None):
    holder = {}

    def build(server):
        sine = pyo.Sine(440, mul=source_amp)
        mic = MicChannel(server, source=sine, gain_db=gain_db)
        if setup:
            setup(mic)
        holder.update(mic=mic, sine=sine)
        return mic.output

    return render_manual(build, seconds, SR, BLOCK), holder["mic"]


def test_the_meter_reads_the_level_after_the_gain():
    _, mic = render_mic(0.5, source_amp=0.25, gain_db=6.0)
    assert mic.level_db() == pytest.approx(20 * np.log10(0.5), abs=0.3)
    assert not mic.too_loud()


def test_a_clipping_input_shows_too_loud():
    _, mic = render_mic(0.5, source_amp=0.8, gain_db=6.0)  # 1.6 at the peaks
    assert mic.too_loud()


def test_monitoring_is_silent_until_switched_on_then_heard_in_both_ears():
    audio, _ = render_mic(0.3)
    assert np.abs(audio).max() == 0.0
    audio, _ = render_mic(0.3, setup=lambda mic: mic.set_monitor(True, 0.0))
    assert np.abs(audio[:, SR // 10:]).max() == pytest.approx(0.25, rel=0.02)
    np.testing.assert_array_equal(audio[0], audio[1])


@pytest.mark.parametrize("effect", ["radio", "echo", "reverb"])
def test_each_effect_changes_what_the_singer_hears(effect):
    dry, _ = render_mic(1.0, setup=lambda mic: mic.set_monitor(True, 0.0))
    wet, _ = render_mic(1.0, setup=lambda mic: (mic.set_monitor(True, 0.0), mic.set_effect(effect, True)))
    assert np.abs(wet[0] - dry[0]).max() > 0.02


def test_the_gate_silences_a_quiet_hiss_and_lets_a_voice_through():
    quiet, _ = render_mic(1.0, source_amp=0.001, setup=lambda mic: (mic.set_monitor(True, 0.0),
                                                                      mic.set_effect("gate", True)))
    assert np.abs(quiet[0, SR // 2:]).max() < 1e-4
    loud, _ = render_mic(1.0, source_amp=0.3, setup=lambda mic: (mic.set_monitor(True, 0.0),
                                                                   mic.set_effect("gate", True)))
    assert np.abs(loud[0, SR // 2:]).max() > 0.25


def test_an_unknown_effect_is_named():
    with pytest.raises(ValueError, match="effect must be one of gate, tune, radio, echo, reverb"):
        render_mic(0.01, setup=lambda mic: mic.set_effect("autotune", True))


def test_tune_pulls_a_flat_note_towards_the_key():
    """A sung A a third of a semitone flat (432 Hz) in A minor pentatonic comes out closer to 440."""
    def measure(tune_on):
        holder = {}

        def build(server):
            voice = pyo.Sine(432.0, mul=0.3)
            mic = MicChannel(server, source=voice)
            mic.set_key(9, (0, 3, 5, 7, 10))
            mic.set_monitor(True, 0.0)
            mic.set_effect("tune", tune_on)
            holder.update(mic=mic, voice=voice)
            return mic.output

        audio = render_manual(build, 1.5, SR, BLOCK)
        part = audio[0, SR:SR + 16384] * np.hanning(16384)
        spectrum = np.abs(np.fft.rfft(part, 8 * 16384))
        return np.argmax(spectrum) * SR / (8 * 16384)

    plain, tuned = measure(False), measure(True)
    assert plain == pytest.approx(432, abs=1)
    cents = 1200 * np.log2(tuned / 440.0)
    assert -20 < cents < 0  # 70 % of the way from -31 cents: about -9
