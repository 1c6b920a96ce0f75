"""Offline and manual rendering hear the same graph: export sounds like the live app."""

import numpy as np

from studio.audio.master_bus import build_master_bus
from studio.audio.render import read_wav, render_manual, render_offline
from studio.audio.transport import build_transport


def metronome_through_master(server):
    transport = build_transport(server, bpm=150, click_enabled=True, click_level_db=0.0)
    bus = build_master_bus([transport.output], volume_db=0.0, headphone_cap_db=0.0)
    transport.play()
    metronome_through_master.keep = (transport, bus)
    return bus.limited


def test_offline_render_matches_manual_render(tmp_path):
    manual = render_manual(metronome_through_master, 3.0)
    offline = read_wav(render_offline(metronome_through_master, 3.0, tmp_path / "offline.wav"))
    # offline rounds its length up to whole audio blocks
    assert 0 <= offline.shape[1] - manual.shape[1] <= 256
    offline = offline[:, : manual.shape[1]]
    assert np.max(np.abs(manual)) > 0.1
    # the same samples, up to float32 rounding in the file writer (about -120 dBFS)
    np.testing.assert_allclose(offline, manual, rtol=0, atol=1e-6)
