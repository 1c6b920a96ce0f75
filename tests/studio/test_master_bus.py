"""The master bus keeps every output safe: rendered in pyo manual mode, checked on the samples."""

import numpy as np
from studio.audio.dsp import pyo
import pytest

from studio.audio.levels import db_to_amp
from studio.audio.master_bus import build_master_bus
from studio.audio.render import render_manual
from studio.controls import LIMITER_CEILING_DB
from tests.studio.signals import harmonic_distortion_db, peak_dbfs, rms_dbfs

SR = 48000
CEILING = db_to_amp(LIMITER_CEILING_DB)


def render_bus(make_source, duration_s=1.0, between_blocks=None, **bus_options):
    """Render make_source() through a master bus; returns (samples, bus)."""
    holder = {}

    def build(server):
        source = make_source()
        bus = build_master_bus([source], **bus_options)
        holder.update(source=source, bus=bus)
        return bus.output

    def step(block):
        if between_blocks is not None:
            between_blocks(block, holder["bus"])

    samples = render_manual(build, duration_s, SR, between_blocks=step)
    return samples, holder["bus"]


def sine(freq_hz, gain_db):
    return lambda: pyo.Sine(freq=freq_hz, mul=db_to_amp(gain_db)).mix(2)


@pytest.mark.parametrize("freq_hz", [50, 1000, 8000])
def test_limiter_holds_minus_1_dbfs_on_a_plus_12_db_sine(freq_hz):
    samples, _ = render_bus(sine(freq_hz, 12.0), volume_db=0.0, headphone_cap_db=0.0)
    assert peak_dbfs(samples) <= LIMITER_CEILING_DB + 1e-4


def test_limiter_holds_on_loud_noise_and_a_sudden_onset():
    gate = {}

    def noise():
        gate["level"] = pyo.Sig(0.0)
        return pyo.Noise(mul=gate["level"]).mix(2)

    def burst_after_a_third_of_a_second(block, bus):
        if block == (SR // 3) // 256:
            gate["level"].value = 4.0  # white noise peaking around +12 dBFS, from silence

    samples, _ = render_bus(noise, between_blocks=burst_after_a_third_of_a_second, volume_db=0.0, headphone_cap_db=0.0)
    assert peak_dbfs(samples[:, SR // 2:]) > -6  # the burst did come through
    assert peak_dbfs(samples) <= LIMITER_CEILING_DB + 1e-4


def test_the_limiter_turns_down_cleanly_instead_of_clipping():
    samples, bus = render_bus(sine(1000, 12.0), volume_db=0.0, headphone_cap_db=0.0)
    steady = samples[0, SR // 2:]
    # A clipped +12 dB sine would carry strong odd harmonics (about -10 dB); a limiter leaves a sine.
    assert harmonic_distortion_db(steady, 1000, SR) < -50
    assert -3.5 < peak_dbfs(steady) <= LIMITER_CEILING_DB + 1e-4
    assert bus.limiter_reduction_db() > 10


def test_quiet_material_passes_unchanged():
    samples, bus = render_bus(sine(440, -12.0), volume_db=0.0, headphone_cap_db=0.0)
    steady = samples[0, SR // 2:]
    assert rms_dbfs(steady) == pytest.approx(-12.0 - 3.01, abs=0.05)  # a sine's RMS is 3 dB below its peak
    assert bus.limiter_reduction_db() < 0.1


def test_meter_reads_the_output_peak():
    _, bus = render_bus(sine(440, -6.0), volume_db=0.0, headphone_cap_db=0.0)
    left_db, right_db = bus.meter_db()
    assert left_db == pytest.approx(-6.0, abs=0.5)
    assert right_db == pytest.approx(-6.0, abs=0.5)


def test_volume_cap_holds_even_when_volume_is_set_to_full():
    samples, _ = render_bus(sine(1000, 12.0), volume_db=0.0, headphone_cap_db=-10.0)
    assert peak_dbfs(samples) <= LIMITER_CEILING_DB - 10.0 + 1e-3


def test_volume_below_the_cap_is_applied_as_set():
    samples, _ = render_bus(sine(440, -12.0), volume_db=-20.0, headphone_cap_db=-6.0)
    assert peak_dbfs(samples[:, SR // 2:]) == pytest.approx(-32.0, abs=0.1)


def test_volume_changes_glide_without_a_jump():
    def turn_up_at_half_a_second(block, bus):
        if block == (SR // 2) // 256:
            bus.set_volume(0.0, 0.0, muted=False)

    samples, _ = render_bus(
        sine(100, -6.0), between_blocks=turn_up_at_half_a_second, volume_db=-40.0, headphone_cap_db=0.0
    )
    # peak level in 5 ms windows: the rise from -46 to -6 dBFS must take tens of ms, not one block
    windows = samples[0, : SR // 5 * 5].reshape(-1, SR // 200)
    levels_db = 20 * np.log10(np.abs(windows).max(axis=1) + 1e-12)
    rising = np.flatnonzero((levels_db > -40) & (levels_db < -10))
    assert rising.size >= 4, "volume jumped instead of gliding"
    assert peak_dbfs(samples[:, int(0.7 * SR):]) == pytest.approx(-6.0, abs=0.2)


def test_mute_silences_the_output():
    def mute_at_start(block, bus):
        if block == 0:
            bus.set_volume(0.0, 0.0, muted=True)

    samples, _ = render_bus(sine(440, -6.0), between_blocks=mute_at_start, volume_db=0.0, headphone_cap_db=0.0)
    assert peak_dbfs(samples[:, SR // 10:]) < -100


def test_a_bus_with_no_sources_is_silent():
    holder = {}

    def build(server):
        holder["bus"] = build_master_bus([], volume_db=0.0, headphone_cap_db=0.0)
        return holder["bus"].output

    assert np.max(np.abs(render_manual(build, 0.1))) == 0.0


def test_silence_stays_exactly_silent_and_the_followers_never_go_denormal():
    """A level follower decaying into denormal floats costs the CPU many times more; the
    limiter and meters listen to the sound plus a tiny floor, which never reaches the output."""
    holder = {}

    def build(server):
        fade = pyo.Linseg([(0.0, 1.0), (0.5, 1.0), (0.501, 0.0)]).play()
        source = pyo.Sine(440, mul=[fade, fade])
        holder["bus"] = build_master_bus([source], volume_db=0.0, headphone_cap_db=0.0)
        holder["keep"] = (fade, source)
        return holder["bus"].output

    audio = render_manual(build, 20.0, 48000, 256)
    assert np.abs(audio[:, 48000:]).max() == 0.0
    bus = holder["bus"]
    for follower in (bus._meter_in, bus._meter_limited, bus._meter_out):
        assert min(follower.get(all=True)) > 1e-30  # a normal float: float32's smallest is 1.2e-38
    assert bus.meter_db()[0] <= -60  # and it reads as silence
