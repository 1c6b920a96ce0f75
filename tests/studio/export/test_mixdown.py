"""The mixdown: every clip where it was placed, to the sample, through the live drum machine."""

import numpy as np
import pytest

from studio.beats.pad_voice import PLAYBACK_OFFSET_SAMPLES
from studio.beats.schedule import step_sample
from studio.export.errors import ExportCancelled, ExportError
from studio.export.mixdown import ADD_CHUNK_FRAMES, _add_lane_audio, bar_start_sample, mixdown, pan_gains
from studio.export.song import Clip, Lane, Song
from studio.mic.takes import TakeStore
from tests.studio.export.export_fixtures import BPM, SR, make_beat, make_kit, make_sound_file, make_take, small_song
from tests.studio.signals import onsets


def beat_song(tmp_path, clips, **song_options) -> Song:
    return Song("s", "Beat only", bpm=BPM, beat=make_beat(make_kit(tmp_path / "kit")),
                lanes=[Lane("Beat", "beat", clips)], **song_options)


def first_sound(audio: np.ndarray, threshold: float = 1e-6) -> int:
    return int(np.flatnonzero(np.max(np.abs(audio), axis=1) > threshold)[0])


def test_a_pattern_clip_at_bar_2_puts_its_first_hit_on_the_predicted_sample(tmp_path):
    mixed = mixdown(beat_song(tmp_path, [Clip("pattern", "A", 2, 1)]), SR)
    predicted = step_sample(2 * 16, BPM, 0.5, SR) + PLAYBACK_OFFSET_SAMPLES  # bar 2 = the song's 33rd step
    assert predicted == 2 * 2 * SR + 1  # 2 s a bar at 120 bpm
    assert first_sound(mixed.mix) == predicted
    # Every kick of the bar (steps 0, 4, 8, 12; the hats between ring into the kicks' tails) on its
    # sample, as the sequencer lays them out (found as its own tests find them: over -60 dBFS).
    kicks = onsets(mixed.stems[0][1][:, 0], threshold=1e-3, min_gap=2000)
    np.testing.assert_array_equal(kicks, [step_sample(32 + step, BPM, 0.5, SR) + 1 for step in (0, 4, 8, 12)])
    assert mixed.music_frames == bar_start_sample(BPM, 3, SR) and len(mixed.mix) >= mixed.music_frames


def test_a_pattern_repeats_to_fill_its_bars_and_stops_after_them(tmp_path):
    mixed = mixdown(beat_song(tmp_path, [Clip("pattern", "A", 0, 3)]), SR)
    kicks = onsets(mixed.mix[:, 0], threshold=1e-3, min_gap=2000)
    np.testing.assert_array_equal(kicks, [step_sample(step, BPM, 0.5, SR) + 1 for step in range(0, 48, 4)])
    # After the last bar only the ring-out of the last hits, cut where it falls silent.
    assert mixed.music_frames == 6 * SR and len(mixed.mix) - mixed.music_frames < 0.5 * SR


def test_a_take_lands_on_the_bar_its_clip_is_placed_on(tmp_path):
    takes = TakeStore()
    exact = make_take(takes, seconds=1.0, rate=SR, align_frames=960)
    resampled = make_take(takes, seconds=1.0)  # 44.1 kHz
    song = beat_song(tmp_path, [Clip("pattern", "A", 1, 1)])
    song.lanes += [Lane("Take 1", "vocal", [Clip("take", exact, 1)]),
                   Lane("Take 2", "vocal", [Clip("take", resampled, 1)])]
    stems = dict(mixdown(song, SR, takes=takes).stems)
    beat_start = first_sound(stems["Beat"])
    assert beat_start == bar_start_sample(BPM, 1, SR) + PLAYBACK_OFFSET_SAMPLES
    assert first_sound(stems["Take 1"]) == beat_start  # the frame align_frames on the beat's first hit
    assert abs(first_sound(stems["Take 2"], threshold=0.1) - beat_start) <= 1  # through soxr, to within a sample


def test_a_takes_trim_and_fades_are_heard_as_in_the_mic_app(tmp_path):
    takes = TakeStore()
    take_id = make_take(takes, seconds=2.0, rate=SR, align_frames=0)
    takes.set_trim(take_id, 0.5, 1.5, fade_in_s=0.1, fade_out_s=0.2)
    song = Song("s", "Take", bpm=BPM, lanes=[Lane("Vocals", "vocal", [Clip("take", take_id, 0)])])
    level = np.max(np.abs(mixdown(song, SR, takes=takes).mix[:, 0]).reshape(-1, SR // 100), axis=1)  # per 10 ms
    assert np.all(level[:50] == 0) and np.all(level[151:] == 0)  # (one sample late, as the pads)
    assert level[51] < 0.1 and level[70] > 0.49 and level[146] < 0.15


def test_volume_pan_and_mute(tmp_path):
    sound = make_sound_file(tmp_path / "chord.wav")
    lanes = [Lane("Loud", "audio", [Clip("audio", str(sound), 0)], volume_db=0.0, pan=0.0),
             Lane("Soft right", "audio", [Clip("audio", str(sound), 0)], volume_db=-6.0, pan=0.5),
             Lane("Muted", "audio", [Clip("audio", str(sound), 0)], mute=True)]
    mixed = mixdown(Song("s", "Pan", bpm=BPM, lanes=lanes), SR)
    assert [name for name, _ in mixed.stems] == ["Loud", "Soft right"]
    loud, soft = (stem[SR // 2:SR] for _, stem in mixed.stems)
    left, right = pan_gains(0.5)
    assert pan_gains(0.0) == pytest.approx((1.0, 1.0)) and left ** 2 + right ** 2 == pytest.approx(2.0)
    gain = 10 ** (-6 / 20)
    np.testing.assert_allclose(soft[:, 0], loud[:, 0] * left * gain, atol=1e-6)
    np.testing.assert_allclose(soft[:, 1], loud[:, 1] * right * gain, atol=1e-6)
    np.testing.assert_allclose(mixed.mix, mixed.stems[0][1] + mixed.stems[1][1], atol=1e-6)


@pytest.mark.parametrize("channels", [1, 2])
def test_a_lane_is_added_at_its_volume_and_pan_across_pieces(channels):
    # Longer than two of the adder's pieces, placed past the mix's start, and cut at its end.
    rng = np.random.default_rng(3)
    audio = rng.uniform(-1, 1, (2 * ADD_CHUNK_FRAMES + 123, channels)).astype(np.float32)
    before = rng.uniform(-1, 1, (2 * ADD_CHUNK_FRAMES + 1000, 2)).astype(np.float32)
    mix = before.copy()
    _add_lane_audio(mix, audio, 1000 - 7, Lane("L", "audio", [], volume_db=-4.5, pan=-0.3))
    left, right = pan_gains(-0.3)
    stereo = np.repeat(audio, 2, axis=1) if channels == 1 else audio
    expected = before.copy()
    expected[993:] += (stereo[:len(mix) - 993] * np.array([left, right]) * 10 ** (-4.5 / 20)).astype(np.float32)
    np.testing.assert_allclose(mix, expected, rtol=0, atol=1e-6)
    assert np.array_equal(mix[:993], before[:993])


def test_a_patterns_repeats_are_added_as_its_whole_audio_would_be():
    from studio.export.pattern_render import RepeatedAudio

    rng = np.random.default_rng(4)
    first, period, rest = (rng.uniform(-1, 1, (frames, 2)).astype(np.float32) for frames in (100, 70, 90))
    repeated = RepeatedAudio(first, period, 5, rest)
    assert len(repeated) == 540 and repeated.shape == (540, 2)
    lane = Lane("Beat", "beat", [], volume_db=-2.0, pan=0.4)
    for start, length in [(0, 540), (13, 600), (30, 400)]:  # placed later; cut by the song's end
        by_parts, whole = np.zeros((length, 2), np.float32), np.zeros((length, 2), np.float32)
        _add_lane_audio(by_parts, repeated, start, lane)
        _add_lane_audio(whole, repeated.whole(), start, lane)
        np.testing.assert_array_equal(by_parts, whole)
    np.testing.assert_array_equal(repeated.whole()[170:240], repeated.period)


def test_stems_add_up_to_the_mix_with_the_songs_fades(tmp_path):
    song = small_song(tmp_path)
    song.fade_in_s, song.fade_out_s = 1.0, 2.0
    mixed = mixdown(song, SR)
    assert [name for name, _ in mixed.stems] == ["Beat", "Vocals", "Chords"]
    np.testing.assert_allclose(sum(stem for _, stem in mixed.stems), mixed.mix, atol=1e-6)
    assert len(mixed.mix) == mixed.music_frames == 6 * SR  # a fade out ends the song on its last bar
    assert np.max(np.abs(mixed.mix[:10])) < 1e-6 and np.max(np.abs(mixed.mix[-100:])) < 1e-3
    assert np.max(np.abs(mixed.mix[SR // 10:SR // 5])) < 0.2 * np.max(np.abs(mixed.mix[SR:2 * SR]))


def test_without_stems_only_the_mix_is_kept(tmp_path):
    song = small_song(tmp_path)
    mixed, alone = mixdown(song, SR), mixdown(song, SR, stems=False)
    assert alone.stems == []
    np.testing.assert_allclose(alone.mix, mixed.mix, atol=1e-6)


def test_a_missing_take_is_named(tmp_path):
    takes = TakeStore()
    take_id = make_take(takes)
    takes.rename(take_id, "Verse one")
    song = Song("s", "Missing", bpm=BPM, lanes=[Lane("Vocals", "vocal", [Clip("take", take_id, 3)])])
    takes.delete(take_id)
    with pytest.raises(ExportError) as caught:
        mixdown(song, SR)
    assert str(caught.value) == ("The take \u201cVerse one\u201d on the lane \u201cVocals\u201d at bar 4 was deleted: "
                                 "bring it back from the trash in the Mic app, or take it off the song.")
    takes.empty_trash()
    with pytest.raises(ExportError, match="The take take-0001 on the lane \u201cVocals\u201d at bar 4 is missing: "
                                          "its sound file is no longer there"):
        mixdown(song, SR)


def test_a_missing_sound_file_and_a_song_without_a_beat_are_named(tmp_path):
    song = Song("s", "Missing", bpm=BPM, lanes=[Lane("Mix 1", "audio", [Clip("audio", str(tmp_path / "gone.wav"), 0)])])
    with pytest.raises(ExportError, match="The sound file on the lane \u201cMix 1\u201d at bar 1 cannot be used: "
                                          "\u201cgone.wav\u201d could not be found."):
        mixdown(song, SR)
    song = Song("s", "No beat", bpm=BPM, lanes=[Lane("Beat", "beat", [Clip("pattern", "A", 0)])])
    with pytest.raises(ExportError, match="The pattern A on the lane \u201cBeat\u201d at bar 1 has no beat to play"):
        mixdown(song, SR)
    with pytest.raises(ExportError, match="The song is empty"):
        mixdown(Song("s", "Empty", lanes=[Lane("Beat", "beat")]), SR)


def test_a_sound_file_that_fails_while_it_is_decoded_beside_the_beat_is_named(tmp_path, monkeypatch):
    from studio.export import mixdown as mixdown_module

    def broken(path, sample_rate):
        raise ExportError(f"{path.name} could not be read: it is damaged.")

    monkeypatch.setattr(mixdown_module, "sound_file_audio", broken)
    with pytest.raises(ExportError, match="chord.wav could not be read: it is damaged."):  # small_song's track
        mixdown(small_song(tmp_path), SR)


def test_a_song_with_every_lane_muted_is_silence_with_a_note(tmp_path):
    song = small_song(tmp_path)
    for lane in song.lanes:
        lane.mute = True
    mixed = mixdown(song, SR)
    assert not np.any(mixed.mix) and len(mixed.mix) == 6 * SR
    assert mixed.notes == ["The song is silent: every lane is muted or has no sound in it."]


def test_progress_rises_to_the_end_and_cancel_stops_it(tmp_path):
    song = small_song(tmp_path)
    reports = []
    mixdown(song, SR, progress=lambda fraction, words: reports.append((fraction, words)))
    fractions = [fraction for fraction, _ in reports]
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0) and len(reports) > 10
    assert {words for _, words in reports} == {"Mixing \u201cBeat\u201d", "Mixing \u201cVocals\u201d",
                                               "Mixing \u201cChords\u201d"}
    with pytest.raises(ExportCancelled):
        mixdown(song, SR, progress=lambda fraction, words: reports.append(fraction), cancel=lambda: len(reports) > 40)
    assert len(reports) == 41  # stopped at the first check after the cancel: within a chunk


def test_a_muted_lane_running_on_adds_no_silence_at_the_end(tmp_path):
    song = beat_song(tmp_path, [Clip("pattern", "A", 0, 1)])
    song.lanes.append(Lane("Muted beat", "beat", [Clip("pattern", "A", 0, 4)], mute=True))
    assert mixdown(song, SR).music_frames == bar_start_sample(BPM, 1, SR)


def test_without_stems_the_mix_is_the_same_however_the_decoding_and_the_beat_meet(tmp_path, monkeypatch):
    import threading
    import time

    from studio.export import mixdown as mixdown_module

    song = small_song(tmp_path)
    first = mixdown(song, SR, stems=False).mix
    decode = mixdown_module._file_audio

    def slow_sound_file(source, sample_rate):  # the sound file comes after the beat is in the mix
        if not isinstance(source, tuple):
            time.sleep(0.5)
        return decode(source, sample_rate)

    monkeypatch.setattr(mixdown_module, "_file_audio", slow_sound_file)
    np.testing.assert_array_equal(mixdown(song, SR, stems=False).mix, first)
    # A cancel while the beat renders, the files decoded and waiting to go in after it: it stops,
    # and waits on nothing.
    def cancelled_render(*args):
        time.sleep(0.3)  # the files are decoded meanwhile
        raise ExportCancelled()

    monkeypatch.setattr(mixdown_module, "_file_audio", decode)
    monkeypatch.setattr(mixdown_module, "_pattern_audio", cancelled_render)
    finished = []
    worker = threading.Thread(target=lambda: finished.append(pytest.raises(ExportCancelled, mixdown, song, SR,
                                                                           stems=False)), daemon=True)
    worker.start()
    worker.join(10.0)
    assert finished, "the mixdown did not end after a cancel"
