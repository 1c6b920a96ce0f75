"""A take as one file: its WAV and its details in a chunk of their own, and back, byte for byte."""

import io
import struct

import numpy as np
import pytest
import soundfile as sf

from studio.mic.take_bundle import DETAILS_CHUNK, bundle_chunks, unbundle
from studio.mic.wav_stream import WavFileError, WavStreamWriter

RATE = 8000
DETAILS = '{"name": "Sunrise \\u2600", "lyrics": "up and up\\nand on"}'


def recorded_wav(path, frames: int = 4001, channels: int = 1):
    samples = np.random.default_rng(3).uniform(-0.5, 0.5, (frames, channels)).astype(np.float32)
    with WavStreamWriter(path, RATE, channels=channels) as writer:
        writer.append(samples if channels > 1 else samples[:, 0])
    return path


@pytest.mark.parametrize("frames,channels", [(4001, 1), (4000, 2), (0, 1)])
def test_a_bundle_unbundles_to_the_same_wav_and_details(tmp_path, frames, channels):
    wav = recorded_wav(tmp_path / "take.wav", frames, channels)
    bundle = b"".join(bundle_chunks(wav, DETAILS))
    back = tmp_path / "back.wav"
    assert unbundle([bundle[:1000], bundle[1000:]], back) == DETAILS
    assert back.read_bytes() == wav.read_bytes()


def test_a_bundle_is_a_wav_any_player_opens(tmp_path):
    wav = recorded_wav(tmp_path / "take.wav")
    bundle = b"".join(bundle_chunks(wav, DETAILS))
    assert bundle[:4] == b"RIFF" and struct.unpack("<I", bundle[4:8])[0] == len(bundle) - 8
    assert DETAILS_CHUNK in bundle and DETAILS.encode() in bundle
    played, rate = sf.read(io.BytesIO(bundle), dtype="float32")
    original, _ = sf.read(wav, dtype="float32")
    assert rate == RATE
    np.testing.assert_array_equal(played, original)


def test_a_wav_still_being_written_is_not_bundled(tmp_path):
    path = tmp_path / "take.wav"
    writer = WavStreamWriter(path, RATE)
    writer.append(np.zeros(800, dtype=np.float32))
    writer.flush()
    writer.append(np.zeros(800, dtype=np.float32))  # sound on disk the header does not count yet
    try:
        with pytest.raises(WavFileError, match="may still be recording"):
            b"".join(bundle_chunks(path, DETAILS))
    finally:
        writer.close()


def test_a_plain_wav_is_not_a_bundle(tmp_path):
    wav = recorded_wav(tmp_path / "take.wav")
    with pytest.raises(WavFileError, match="no details"):
        unbundle([wav.read_bytes()], tmp_path / "back.wav")
