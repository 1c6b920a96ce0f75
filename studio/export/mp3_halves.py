"""A long MP3 encoded on two cores: each half by an encoder of its own, then joined into one file.

    halves = plan_halves(frames, sample_rate, kbps)     None when the song is too short to be worth it
    ...encode samples [0, halves.first_end) into one file (with its Info frame), and samples
       [halves.second_start, frames) into another (bare frames: -write_xing 0 -id3v2_version 0)...
    join_halves(first_bytes, second_bytes, halves) -> the whole file's bytes, or NoJoin

LAME (libmp3lame, through ffmpeg) encodes on one core, and its encode is most of an export's
time. An MP3 is a run of frames of 1152 samples each; the second encoder starts a little before
the middle (WARM_UP_FRAMES, and on LAME's padding cycle: padding_cycle_frames) so that its state
has settled by the frames that are used, and the first goes a little past it. The joined file takes the first encoder's frames up to a join frame
and the second's from there on, at a frame where they can meet:

- Bit reservoir: a frame's data may begin in the frame before it (main_data_begin bytes back).
  The second encoder's join frame borrows bytes of its own previous frame; those bytes are copied
  into the free end of the first encoder's previous frame, which must have room for them.
- Window shapes: the frames either side of the join must follow each other as the encoder would
  have them (long, start, short, stop): the frame before the join must have the same block types
  in both encodes.

Both halves encode the same samples around the join, so the decoder's overlap from one frame
into the next is the same up to the encoders' rounding: decoded, the join is as close to the mix
as any other frame (tested). Often the two encoders agree byte for byte by then, and the file is
the one a single encoder would have written. The Info frame (frames, bytes, seek table, encoder
delay and padding, CRCs; the LAME tag as ffmpeg writes it) is rewritten for the whole file, so
players seek in it and trim it to the exact length of the mix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

FRAME_SAMPLES = 1152  # MPEG-1 Layer III, which 32, 44.1 and 48 kHz are
MPEG1_SAMPLE_RATES = (32000, 44100, 48000)
WARM_UP_FRAMES = 40  # the second encoder's frames before the first that may be joined (about 1 s)
SEARCH_FRAMES = 32  # frames where a join is looked for
TAIL_FRAMES = 8  # the first encoder goes on past them: its last frames are shaped by its end
MIN_SECONDS = 20.0  # shorter songs are encoded whole: two encoders' start-up would cost more than they save
_BITRATES_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0)  # MPEG-1 Layer III; 15: bad
_RATES = {0: 44100, 1: 48000, 2: 32000}
_XING_BAGS = 400  # the seek table's sampling, as LAME and ffmpeg keep it


class NoJoin(Exception):
    """The two halves could not be joined (no frame near the middle where they can meet)."""


@dataclass(frozen=True)
class Halves:
    frames: int  # samples per channel in the song
    first_end: int  # the first encoder gets samples [0, first_end)
    second_start: int  # the second encoder gets samples [second_start, frames)
    join_from: int  # the first MP3 frame (0: the first after the Info frame) a join may be at
    join_to: int  # ...and the last

    @property
    def second_offset(self) -> int:
        """The second encoder's frame 0 is the whole file's frame second_offset."""
        return self.second_start // FRAME_SAMPLES


def plan_halves(frames: int, sample_rate: int, kbps: int = 320) -> Halves | None:
    """Where to cut a song of frames samples per channel, or None to encode it whole."""
    if sample_rate not in MPEG1_SAMPLE_RATES or frames < MIN_SECONDS * sample_rate:
        return None
    # The halves' work is even: the second's warm-up is paid for by the first's search and tail.
    middle = (frames // FRAME_SAMPLES + WARM_UP_FRAMES - SEARCH_FRAMES - TAIL_FRAMES) // 2
    cycle = padding_cycle_frames(sample_rate, kbps)
    second_offset = (middle - WARM_UP_FRAMES) // cycle * cycle
    join_to = middle + SEARCH_FRAMES - 1
    if second_offset < 1 or (join_to + 1 + TAIL_FRAMES) * FRAME_SAMPLES >= frames:  # too short to halve
        return None
    return Halves(frames=frames, first_end=min(frames, (join_to + 1 + TAIL_FRAMES) * FRAME_SAMPLES),
                  second_start=second_offset * FRAME_SAMPLES, join_from=middle, join_to=join_to)


def padding_cycle_frames(sample_rate: int, kbps: int) -> int:
    """Every how many frames LAME's padding bytes come round again. A frame is 144000 * kbps /
    sample_rate bytes; where that is not whole (44.1 kHz: 49 frames), LAME adds a byte to some
    frames, counting from the stream's first. The second half starts on a whole cycle, so its
    frames are as long as the whole file's would be there: otherwise its bit reservoir can stay
    a few bytes off the first half's for good, and no frame lets them meet."""
    remainder = 144_000 * kbps % sample_rate
    return sample_rate // math.gcd(remainder, sample_rate) if remainder else 1


def join_halves(first: bytes, second: bytes, halves: Halves) -> bytes:
    """The whole file: first's ID3 tag and Info frame, its frames up to the join, second's after.
    NoJoin when the halves do not fit together: the caller then encodes the song whole. Not seen
    in 48 songs tried (32, 44.1 and 48 kHz, mono and stereo, 192 and 320 kbps, from near silence
    to dense hits, and the demo tracks) since the second half starts on the padding cycle."""
    audio_start, first_frames = _frames(first)
    if not first_frames or not _is_info_frame(first, first_frames[0]):
        raise NoJoin("the first half has no Info frame")
    info, first_frames = first_frames[0], first_frames[1:]
    _, second_frames = _frames(second)
    offset = halves.second_offset
    for join in range(max(halves.join_from, offset + 1), halves.join_to + 1):
        if join >= len(first_frames) or join - offset >= len(second_frames):
            break
        before = _side_info(first, first_frames[join - 1])
        second_before = _side_info(second, second_frames[join - offset - 1])
        after = _side_info(second, second_frames[join - offset])
        # The second half's join frame borrows the last main_data_begin bytes before it (the end
        # of its frame before); they go where the first half's next frame began, at the end of
        # the first half's frame before the join, which must have that much room.
        borrowed, free = after.main_data_begin, before.free_bytes
        if before.block_types != second_before.block_types or borrowed > min(free, second_before.slot):
            continue
        head = bytearray(first[before.offset:before.offset + before.length])
        head[len(head) - free:] = bytes(free)  # the first half's next frame began here: unused now
        if borrowed:
            head[len(head) - borrowed:] = second[after.offset - borrowed:after.offset]
        body = b"".join((first[first_frames[0].offset:before.offset], head, second[after.offset:]))
        sizes = [frame.length for frame in first_frames[:join]] + [frame.length for frame in second_frames[join - offset:]]
        info_frame = _rewritten_info(first[info.offset:info.offset + info.length], info.side_info_end, sizes, body,
                                     halves.frames)
        return b"".join((first[:audio_start], info_frame, body))
    raise NoJoin(f"no frame from {halves.join_from} to {halves.join_to} where the halves meet")


@dataclass(frozen=True)
class _Frame:
    offset: int  # in the file's bytes
    length: int
    header: int

    @property
    def side_info_end(self) -> int:
        """Where the frame's main data slot begins, from the frame's start."""
        return 4 + (0 if (self.header >> 16) & 1 else 2) + (17 if (self.header >> 6) & 3 == 3 else 32)


@dataclass(frozen=True)
class _SideInfo:
    offset: int
    length: int
    slot: int  # the frame's bytes for main data, after its header and side information
    main_data_begin: int  # bytes of this frame's data in the frames before it
    data_bytes: int  # the frame's main data (scale factors and Huffman bits), rounded up to a byte
    block_types: tuple[int, ...]  # per granule and channel: 0 long, 1 start, 2 short, 3 stop

    @property
    def free_bytes(self) -> int:
        """Bytes at the end of the slot that this frame's data leaves free (where the next
        frame's data may begin). A frame's data starts main_data_begin bytes before its slot."""
        return self.slot - max(0, self.data_bytes - self.main_data_begin)


def _frames(data: bytes) -> tuple[int, list[_Frame]]:
    """(where the audio starts, after any ID3v2 tag; the frames from there to the end)."""
    position = 0
    if data[:3] == b"ID3" and len(data) >= 10:
        size = data[6:10]
        position = 10 + (size[0] << 21 | size[1] << 14 | size[2] << 7 | size[3]) + (10 if data[5] & 0x10 else 0)
    start, frames = position, []
    while position + 4 <= len(data):
        header = int.from_bytes(data[position:position + 4], "big")
        if header >> 21 != 0x7FF or (header >> 19) & 3 != 3 or (header >> 17) & 3 != 1:
            if data[position:position + 3] == b"TAG":  # an ID3v1 tag at the end
                break
            raise NoJoin(f"no MPEG-1 Layer III frame at byte {position}")
        kbps, rate = _BITRATES_KBPS[(header >> 12) & 15], _RATES.get((header >> 10) & 3)
        if not kbps or rate is None:
            raise NoJoin(f"a frame of free or unknown rate at byte {position}")
        length = 144_000 * kbps // rate + ((header >> 9) & 1)
        frames.append(_Frame(position, length, header))
        position += length
    return start, frames


def _side_info(data: bytes, frame: _Frame) -> _SideInfo:
    mono = (frame.header >> 6) & 3 == 3
    channels = 1 if mono else 2
    side_bytes = 17 if mono else 32
    start = frame.offset + frame.side_info_end - side_bytes
    reader = _BitReader(int.from_bytes(data[start:start + side_bytes], "big"), side_bytes * 8)
    main_data_begin = reader.take(9)
    reader.take(5 if mono else 3)  # private bits
    reader.take(4 * channels)  # scale factor sharing
    data_bits, block_types = 0, []
    for _granule in range(2):
        for _channel in range(channels):
            data_bits += reader.take(12)  # part2_3_length
            reader.take(9 + 8 + 4)  # big_values, global_gain, scalefac_compress
            if reader.take(1):  # window switching
                block_types.append(reader.take(2))
                reader.take(1 + 10 + 9)
            else:
                block_types.append(0)
                reader.take(15 + 7)
            reader.take(3)
    return _SideInfo(frame.offset, frame.length, frame.length - frame.side_info_end, main_data_begin,
                     (data_bits + 7) // 8, tuple(block_types))


class _BitReader:
    def __init__(self, bits: int, count: int):
        self.bits, self.left = bits, count

    def take(self, count: int) -> int:
        self.left -= count
        return (self.bits >> self.left) & ((1 << count) - 1)


def _is_info_frame(data: bytes, frame: _Frame) -> bool:
    at = frame.offset + frame.side_info_end  # where ffmpeg and LAME put the tag
    return data[at:at + 4] in (b"Info", b"Xing")


def _rewritten_info(info: bytes, xing: int, sizes: list[int], body: bytes, samples: int) -> bytes:
    """The Info frame (as ffmpeg's mp3 muxer lays it out; its tag at xing) for the joined file."""
    frame = bytearray(info)
    if int.from_bytes(frame[xing + 4:xing + 8], "big") & 7 != 7 or len(frame) < xing + 156:
        raise NoJoin("the Info frame is not laid out as expected")
    total = len(info) + len(body)
    frame[xing + 8:xing + 12] = len(sizes).to_bytes(4, "big")
    frame[xing + 12:xing + 16] = total.to_bytes(4, "big")
    frame[xing + 16:xing + 116] = _seek_table(len(info), sizes)
    delay = int.from_bytes(frame[xing + 141:xing + 144], "big") >> 12
    padding = len(sizes) * FRAME_SAMPLES - delay - samples  # trimmed by players: the file is as long as the mix
    if not 0 <= padding < 1 << 12:
        raise NoJoin(f"padding of {padding} samples does not fit the LAME tag")
    frame[xing + 141:xing + 144] = (delay << 12 | padding).to_bytes(3, "big")
    frame[xing + 148:xing + 152] = total.to_bytes(4, "big")  # music length, with the Info frame
    frame[xing + 152:xing + 154] = crc16(body).to_bytes(2, "big")
    # The tag's own checksum covers the frame up to it: 190 bytes in stereo (as ffmpeg writes it),
    # 175 in mono (ffmpeg takes 190 there too, its own field among them, and readers disagree).
    frame[xing + 154:xing + 156] = crc16(bytes(frame[:xing + 154])).to_bytes(2, "big")
    return bytes(frame)


def _seek_table(info_bytes: int, sizes: list[int]) -> bytes:
    """The Xing seek table: byte positions (in 256ths of the file) of each hundredth of its
    frames, sampled as LAME and ffmpeg do (a table of bags that halves as it fills)."""
    bags, want, seen, position, size = [0] * _XING_BAGS, 1, 0, 0, info_bytes
    for length in sizes:
        seen += 1
        size += length
        if seen == want:
            bags[position] = size
            position += 1
            if position == _XING_BAGS:
                bags[:_XING_BAGS // 2] = bags[1::2]
                want *= 2
                position = _XING_BAGS // 2
            seen = 0
    table = [0] + [min(256 * bags[i * position // 100] // size, 255) for i in range(1, 100)]
    return bytes(table)


# CRC-16/ARC (polynomial 0x8005, reflected, starting at 0): the LAME tag's checksums.
def _crc_tables() -> tuple[np.ndarray, np.ndarray]:
    """(a byte's table; a 16-bit word's table: the state after its two bytes, from state ^ word)."""
    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        table = np.where(table & 1, (table >> 1) ^ 0xA001, table >> 1)
    words = np.arange(1 << 16, dtype=np.uint32)
    for _ in range(2):
        words = (words >> 8) ^ table[words & 0xFF]
    return table.astype(np.uint16), words.astype(np.uint16)


_CRC_TABLE, _CRC_WORD_TABLE = _crc_tables()
_CRC_LANES = 4096


def crc16(data: bytes) -> int:
    """CRC-16/ARC of data. Computed on many stretches at once with numpy, two bytes a step,
    then the stretches' checksums are combined: a CRC is linear, so the checksum of a stretch
    followed by n bytes is the stretch's carried over n zero bytes, added (xor) to the n bytes'
    own. 7 MB takes about 20 ms (a byte at a time in Python: seconds)."""
    values = np.frombuffer(data, np.uint8)
    words = len(values) // (2 * _CRC_LANES)  # per stretch
    crc = 0
    if words:
        rows = values[:words * 2 * _CRC_LANES].reshape(_CRC_LANES, 2 * words).view("<u2").T.copy()
        state = np.zeros(_CRC_LANES, np.uint16)
        for row in rows:  # the next word of every stretch
            state = _CRC_WORD_TABLE[state ^ row]
        # Pairs of neighbouring stretches are combined, then pairs of pairs...
        carry, width = _zero_bytes_map(2 * words), _CRC_LANES
        while width > 1:
            state = _apply_map(carry, state[0::2]) ^ state[1::2]
            carry, width = _apply_map(carry, carry), width // 2
        crc = int(state[0])
    for byte in values[words * 2 * _CRC_LANES:].tolist():
        crc = (crc >> 8) ^ int(_CRC_TABLE[(crc ^ byte) & 0xFF])
    return crc


def _zero_bytes_map(count: int) -> np.ndarray:
    """Where each of the 16 bits of a CRC goes over count zero bytes (a linear map: its 16
    images), by squaring the map of one zero byte."""
    images = (1 << np.arange(16)).astype(np.uint16)
    one_byte = (images >> 8) ^ _CRC_TABLE[images & 0xFF]
    while count:
        if count & 1:
            images = _apply_map(one_byte, images)
        one_byte, count = _apply_map(one_byte, one_byte), count >> 1
    return images


def _apply_map(images: np.ndarray, values: np.ndarray) -> np.ndarray:
    out = np.zeros(values.shape, np.uint16)
    for bit in range(16):
        out ^= np.where((values >> bit) & 1, images[bit], 0).astype(np.uint16)
    return out
