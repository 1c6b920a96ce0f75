"""The metronome clicks on exact samples, computed inside the audio graph."""

import numpy as np
import pytest

from studio.audio.render import render_manual
from studio.audio.transport import ACCENT_FREQ_HZ, CLICK_FREQ_HZ, build_transport
from tests.studio.signals import onsets

SR = 48000
BLOCK = 256
HEARD_AFTER = 1 + BLOCK  # a click at clock time t is heard from ceil(t * SR) + 1 + one block
FIRST_BEAT_EARLY = 1  # ...except the first beat of a play: pyo's Metro fires it on its very first sample


def render_clicks(bpm, duration_s, between_blocks=None, buffer_size=256):
    holder = {}

    def build(server):
        transport = build_transport(server, bpm, click_enabled=True, click_level_db=0.0)
        transport.play()
        holder["transport"] = transport
        return transport.output

    def step(block):
        holder["transport"].tick()  # as the engine does a few times a second
        if between_blocks is not None:
            between_blocks(block, holder["transport"])

    return render_manual(build, duration_s, SR, buffer_size, between_blocks=step)[0], holder["transport"]


@pytest.mark.parametrize("bpm", [60, 90, 120, 173])
def test_clicks_land_on_the_beat_to_the_sample(bpm):
    samples, transport = render_clicks(bpm, 4.0)
    found = onsets(samples, threshold=1e-4)
    period = SR * 60.0 / bpm
    # Each click fires on the first sample at or after its exact beat time; its sine starts at
    # phase zero, so the first sample that can be heard is the next one.
    expected = np.ceil(np.arange(len(found)) * period - 1e-6) + HEARD_AFTER
    expected[0] -= FIRST_BEAT_EARLY
    assert len(found) == int(np.ceil((4.0 * SR - HEARD_AFTER) / period))
    np.testing.assert_array_equal(found, expected)
    processed_s = (np.ceil(4.0 * SR / 256) + 1) * 256 / SR  # render_manual runs one block more
    assert transport.beat_number() == int(np.ceil(processed_s / (60.0 / bpm)))


def test_the_first_beat_of_each_bar_is_accented_with_a_higher_click():
    samples, _ = render_clicks(120, 4.0)
    found = onsets(samples, threshold=1e-4)
    assert len(found) == 8
    # the accent is layered on the normal click, so look for energy in its band
    for index, start in enumerate(found):
        spectrum = np.abs(np.fft.rfft(samples[start:start + 1440] * np.hanning(1440)))
        bin_hz = SR / 1440
        accent_band = spectrum[int(ACCENT_FREQ_HZ / bin_hz)]
        plain_band = spectrum[int(CLICK_FREQ_HZ / bin_hz)]
        assert (accent_band > 0.5 * plain_band) == (index % 4 == 0), f"beat {index + 1}"


def expected_onsets(change_block, old_bpm, new_bpm, duration_s):
    """Where clicks belong when the tempo changes at the start of change_block, keeping phase."""
    change_s = change_block * 256 / SR
    old_period, new_period = 60.0 / old_bpm, 60.0 / new_bpm
    beats_s = list(np.arange(0, change_s, old_period))
    remaining = (beats_s[-1] + old_period - change_s) / old_period  # of the beat in progress
    next_s = change_s + remaining * new_period
    while next_s < duration_s:
        beats_s.append(next_s)
        next_s += new_period
    heard = np.ceil(np.array(beats_s) * SR - 1e-6).astype(int) + HEARD_AFTER
    heard[np.array(beats_s) == 0] -= FIRST_BEAT_EARLY
    return heard[heard < duration_s * SR]


# (Block 250 at 90 BPM would change the tempo exactly on a beat, a tie that rounding decides
# either way; 251 is a block into that beat.)
@pytest.mark.parametrize("old_bpm, new_bpm, change_block", [(120, 60, 46), (60, 120, 94), (90, 173, 251)])
def test_a_tempo_change_keeps_the_beat_phase(old_bpm, new_bpm, change_block):
    def change_tempo(block, transport):
        if block == change_block:
            transport.set_bpm(new_bpm)

    samples, _ = render_clicks(old_bpm, 3.0, between_blocks=change_tempo)
    found = onsets(samples, threshold=1e-4, min_gap=100)
    np.testing.assert_array_equal(found, expected_onsets(change_block, old_bpm, new_bpm, 3.0))


def test_many_quick_tempo_changes_never_double_a_click():
    def tap_tempo(block, transport):
        if 20 <= block < 400 and block % 7 == 0:
            transport.set_bpm(60 + (block * 13) % 140)

    samples, _ = render_clicks(90, 4.0, between_blocks=tap_tempo)
    gaps_s = np.diff(onsets(samples, threshold=1e-4, min_gap=100)) / SR
    assert gaps_s.min() > 60.0 / 200 * 0.5, "two clicks came closer than any tempo allows"


def test_play_after_stop_starts_a_fresh_bar_at_once():
    def stop_then_play(block, transport):
        if block == 100:
            transport.stop()
        if block == 150:
            transport.play()

    samples, _ = render_clicks(120, 2.0, between_blocks=stop_then_play)
    found = onsets(samples, threshold=1e-4)
    started = np.array([0, 24000, 150 * 256, 150 * 256 + 24000, 150 * 256 + 48000])
    first_of_a_play = np.array([1, 0, 1, 0, 0])
    np.testing.assert_array_equal(found, started + HEARD_AFTER - FIRST_BEAT_EARLY * first_of_a_play)


def test_stop_silences_the_click():
    def stop_at_half_a_second(block, transport):
        if block == (SR // 2) // 256:
            transport.stop()

    samples, transport = render_clicks(120, 2.0, between_blocks=stop_at_half_a_second)
    assert len(onsets(samples, threshold=1e-4)) == 1
    assert not transport.playing
