"""Decoding tracks for the decks: every format to raw float32 stereo at the engine's rate, and one
plain sentence for every file that cannot be a track."""

import os
import subprocess

import numpy as np
import pytest
import soundfile

from studio.decks import track_decode
from studio.decks.track_decode import MAX_DECK_SECONDS, decode_track, probe_track
from studio.decks.track_errors import TrackError
from tests.studio.decks.track_audio import dominant_frequency_hz, stereo, tone, write_track


def read_raw(path) -> np.ndarray:
    return np.fromfile(path, dtype="<f4").reshape(-1, 2)


@pytest.mark.parametrize("suffix", [".wav", ".flac", ".ogg", ".mp3", ".m4a", ".opus"])
def test_each_format_decodes_to_stereo_float32_at_the_asked_rate(tmp_path, suffix):
    left, right = tone(440.0, 3.0, 44100), tone(660.0, 3.0, 44100)
    source = write_track(tmp_path / f"song{suffix}", np.stack([left, right], axis=1), 44100)
    decoded = decode_track(source, tmp_path / "out.f32", 48000)
    samples = read_raw(decoded.path)
    assert decoded.sample_rate == 48000 and decoded.frames == len(samples)
    assert decoded.frames / 48000 == pytest.approx(3.0, abs=0.08)  # lossy codecs pad a little
    assert decoded.info.duration_s == pytest.approx(decoded.frames / 48000)
    middle = samples[24000:120000]
    assert dominant_frequency_hz(middle[:, 0], 48000) == pytest.approx(440.0, abs=2.0)
    assert dominant_frequency_hz(middle[:, 1], 48000) == pytest.approx(660.0, abs=2.0)
    assert np.sqrt(np.mean(middle**2)) == pytest.approx(0.5 / np.sqrt(2), rel=0.05)


def test_mono_plays_on_both_sides_at_full_level(tmp_path):
    source = write_track(tmp_path / "mono.wav", tone(300.0, 2.0, 44100, peak=0.5), 44100)
    samples = read_raw(decode_track(source, tmp_path / "out.f32", 44100).path)
    assert np.array_equal(samples[:, 0], samples[:, 1])
    assert np.max(np.abs(samples)) == pytest.approx(0.5, abs=0.002)  # ffmpeg's own upmix would lose 3 dB


def test_surround_is_mixed_down_to_two_channels(tmp_path):
    six = np.zeros((44100 * 2, 6), np.float32)
    six[:, 0] = tone(300.0, 2.0, 44100)  # front left only
    source = tmp_path / "surround.wav"
    soundfile.write(source, six, 44100)
    samples = read_raw(decode_track(source, tmp_path / "out.f32", 44100).path)
    assert samples.shape[1] == 2
    left, right = np.sqrt(np.mean(samples**2, axis=0))
    assert left > 0.1 and right < 0.01 * left


def test_title_and_artist_come_from_the_tags_else_the_file_name(tmp_path):
    tagged = write_track(tmp_path / "a.mp3", stereo(tone(440.0, 2.0)), tags={"title": "Höher", "artist": "Me & You"})
    info = probe_track(tagged)
    assert (info.title, info.artist, info.truncated) == ("Höher", "Me & You", False)
    assert info.duration_s == pytest.approx(2.0, abs=0.1)
    plain = write_track(tmp_path / "night shift.flac", stereo(tone(440.0, 2.0)))
    assert (probe_track(plain).title, probe_track(plain).artist) == ("night shift", "")


@pytest.mark.parametrize("name", ["my song (live) ünïcødé.mp3", "-starts with a dash.wav", "a: colon.flac",
                                  "'quotes' & $dollar.ogg"])
def test_odd_file_names_work(tmp_path, name):
    source = write_track(tmp_path / name, stereo(tone(440.0, 1.5)))
    decoded = decode_track(source, tmp_path / "decoded" / "x.f32", 44100)
    assert decoded.frames == pytest.approx(1.5 * 44100, abs=0.08 * 44100)
    assert decoded.info.title == name.rsplit(".", 1)[0]


def test_a_track_longer_than_a_deck_holds_loads_its_first_15_minutes_and_says_so(tmp_path):
    # Two hours of a quiet 8 kHz tone, decoded at 8 kHz so the test stays small (58 MB in, 58 MB out).
    source = tmp_path / "two hours.wav"
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000",
                    "-t", "7200", "-c:a", "pcm_u8", str(source)], check=True, timeout=120)
    decoded = decode_track(source, tmp_path / "out.f32", 8000)
    assert decoded.frames == MAX_DECK_SECONDS * 8000
    assert decoded.info.truncated and decoded.info.duration_s == pytest.approx(7200.0, abs=1.0)
    assert decoded.info.notice == (
        "Only the first 15 minutes of \u201ctwo hours.wav\u201d are loaded (it is 120 minutes long).")
    assert not probe_track(write_track(tmp_path / "short.wav", stereo(tone(440.0, 2.0)))).notice


@pytest.mark.parametrize("name,make,message", [
    ("x.wav", lambda p: p.write_bytes(b""), "\u201cx.wav\u201d is empty (no sound in it)."),
    ("song.mp3", lambda p: p.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >>\nendobj\n" * 50),
     "\u201csong.mp3\u201d is not an audio file we can read."),
    ("lyrics.wav", lambda p: p.write_text("these are my lyrics, not a song\n" * 20),
     "\u201clyrics.wav\u201d is not an audio file we can read."),
    ("noise.flac", lambda p: p.write_bytes(np.random.default_rng(3).bytes(40000)),
     "\u201cnoise.flac\u201d is not an audio file we can read."),
    ("blip.wav", lambda p: soundfile.write(p, tone(440.0, 0.4), 44100),
     "\u201cblip.wav\u201d is too short for a deck (less than a second of sound)."),
])
def test_a_file_that_cannot_be_a_track_is_one_plain_sentence(tmp_path, name, make, message):
    make(tmp_path / name)
    with pytest.raises(TrackError) as error:
        decode_track(tmp_path / name, tmp_path / "out.f32", 44100)
    assert str(error.value) == message
    assert os.listdir(tmp_path) == [name]  # nothing half-written left behind


def test_missing_files_folders_and_unreadable_files_say_so(tmp_path):
    with pytest.raises(TrackError, match="^\u201cgone.mp3\u201d could not be found.$"):
        probe_track(tmp_path / "gone.mp3")
    (tmp_path / "Music").mkdir()
    with pytest.raises(TrackError, match="^\u201cMusic\u201d is a folder, not a track.$"):
        decode_track(tmp_path / "Music", tmp_path / "out.f32", 44100)
    locked = write_track(tmp_path / "locked.wav", stereo(tone(440.0, 2.0)))
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as root: a file without permissions can still be read")
        with pytest.raises(TrackError, match="the studio is not allowed to read it"):
            probe_track(locked)
    finally:
        locked.chmod(0o644)


def test_a_file_cut_short_or_damaged_loads_what_can_be_read(tmp_path):
    whole = write_track(tmp_path / "whole.mp3", stereo(tone(440.0, 20.0)))
    data = whole.read_bytes()
    cut = tmp_path / "cut.mp3"
    cut.write_bytes(data[: len(data) // 2])
    decoded = decode_track(cut, tmp_path / "cut.f32", 44100)
    assert decoded.info.duration_s == pytest.approx(10.0, abs=1.0)  # what is there, not what the header says
    damaged = bytearray(data)
    damaged[len(data) // 3: len(data) // 3 + 20000] = np.random.default_rng(1).bytes(20000)
    (tmp_path / "damaged.mp3").write_bytes(bytes(damaged))
    assert decode_track(tmp_path / "damaged.mp3", tmp_path / "damaged.f32", 44100).info.duration_s > 15.0
    wav = write_track(tmp_path / "whole.wav", stereo(tone(440.0, 10.0)))
    (tmp_path / "cut.wav").write_bytes(wav.read_bytes()[: 44 + 4 * 44100 * 4])  # header says 10 s, 4 s are there
    assert decode_track(tmp_path / "cut.wav", tmp_path / "cut-wav.f32", 44100).frames == pytest.approx(4 * 44100, abs=2)


def test_a_decode_stopped_half_way_leaves_no_file(tmp_path):
    source = write_track(tmp_path / "long.flac", stereo(tone(440.0, 60.0)))
    seen = []

    def stop(fraction):
        seen.append(fraction)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        decode_track(source, tmp_path / "out.f32", 44100, progress=stop)
    assert seen and 0.0 <= seen[0] <= 1.0
    assert sorted(os.listdir(tmp_path)) == ["long.flac"]


def test_without_ffmpeg_the_sentence_says_what_is_missing(tmp_path, monkeypatch):
    source = write_track(tmp_path / "a.wav", stereo(tone(440.0, 2.0)))
    monkeypatch.setattr(track_decode.shutil, "which", lambda name: None)
    with pytest.raises(TrackError) as error:
        decode_track(source, tmp_path / "out.f32", 44100)
    assert str(error.value) == "\u201ca.wav\u201d cannot be loaded: the studio needs ffprobe, which is not installed."
