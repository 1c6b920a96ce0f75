"""Trim and fades are kept with a take's details and checked, and old details without them open."""

import json

import numpy as np
import pytest

from studio.mic.take_writer import TakeWriter
from studio.mic.takes import TakeStore


def two_second_take(store):
    info, path = store.new_take(48000, 1)
    writer = TakeWriter(path, 48000).start()
    writer.write(np.zeros(96000, dtype=np.float32))
    return store.finish(info, writer.stop())


def test_a_trim_is_kept_and_says_what_is_heard(tmp_path):
    store = TakeStore(tmp_path)
    take = two_second_take(store)
    trimmed = store.set_trim(take.take_id, 0.5, 1.5, fade_in_s=0.1, fade_out_s=0.2)
    assert store.list()[0] == trimmed
    assert trimmed.kept_span_s() == (0.5, 1.5)
    assert store.set_trim(take.take_id, 0.25, 0).kept_span_s() == (0.25, 2.0)  # 0: keep the whole end


@pytest.mark.parametrize("args, message", [
    ((1.5, 0.5), r"the trim end \(0.50 s\) must come after its start \(1.50 s\)"),
    ((0.0, 3.0), "trim end must be in range 0..2"),
    ((0.0, 1.0, 0.8, 0.5), "fade out must be in range 0..0.2"),
])
def test_a_bad_trim_is_named(tmp_path, args, message):
    store = TakeStore(tmp_path)
    take = two_second_take(store)
    with pytest.raises(ValueError, match=message):
        store.set_trim(take.take_id, *args)


def test_details_written_before_trims_existed_still_open(tmp_path):
    store = TakeStore(tmp_path)
    take = two_second_take(store)
    details = next(tmp_path.glob("*.json"))
    data = json.loads(details.read_text())
    for name in ("trim_start_s", "trim_end_s", "fade_in_s", "fade_out_s"):
        del data[name]
    details.write_text(json.dumps(data))
    assert store.list()[0].kept_span_s() == (0.0, take.length_s)
