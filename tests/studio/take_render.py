"""A take played on its own through the studio graph, rendered in pyo manual mode (master at 0 dB)."""

from __future__ import annotations

from studio.audio.render import render_manual
from studio.engine.studio_graph import StudioGraph

BLOCK = 256
LOAD_AT_BLOCK = 4  # the take player loads and starts between blocks 4 and 5


def play_take_alone(path, skip_frames: int, rate: int, seconds: float, keep_s=None, fades_s=(0.0, 0.0)):
    """(left, right, the player's duration_s): the take loaded with skip_frames counted at `rate`
    (the engine's), keep_s and fades_s, and started without a backing after LOAD_AT_BLOCK blocks."""
    holder = {}

    def build(server):
        graph = StudioGraph(server, values={("master", "volume_db"): 0.0, ("master", "headphone_cap_db"): 0.0})
        holder["graph"] = graph
        return graph.master.limited

    def between(block):
        if block == LOAD_AT_BLOCK:
            player = holder["graph"].take_player
            holder["duration_s"] = player.load(str(path), skip_frames, rate, keep_s=keep_s, fades_s=fades_s)
            player.start(with_backing=False)

    left, right = render_manual(build, seconds, rate, BLOCK, between_blocks=between)
    return left, right, holder["duration_s"]
