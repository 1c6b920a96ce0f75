"""Shared set-up for the Sessions tests: a fake clock, a cheap PIN (scrypt at a low cost), real WAV bytes."""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile as sf

from studio.sessions.store import SessionStore

PIN = "2468"
TEST_SCRYPT_N = 2**10  # a real unlock costs 2**16: about 0.2 s here, more on a tablet


class FakeClock:
    """Seconds since 1970, moved on by hand; one instance serves as wall clock and idle clock."""

    def __init__(self, now_s: float = 1_780_000_000.0):  # a Monday afternoon in 2026
        self.now_s = now_s

    def __call__(self) -> float:
        return self.now_s

    def advance(self, seconds: float) -> None:
        self.now_s += seconds


def sine_wav(seconds: float = 0.5, frequency_hz: float = 440.0, sample_rate: int = 48000) -> bytes:
    frames = np.arange(int(seconds * sample_rate))
    samples = (0.5 * np.sin(2 * np.pi * frequency_hz * frames / sample_rate)).astype(np.float32)
    out = io.BytesIO()
    sf.write(out, samples, sample_rate, format="WAV", subtype="PCM_16")
    return out.getvalue()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "sessions"


@pytest.fixture
def store(folder, clock):
    made = SessionStore.create(folder, PIN, scrypt_n=TEST_SCRYPT_N, clock=clock, idle_clock=clock)
    yield made
    made.close()


@pytest.fixture
def maya(store):
    return store.add_participant("Maya", reference="W12-004", pronouns="she")


@pytest.fixture
def jay(store):
    return store.add_participant("Jay", pronouns="he")


@pytest.fixture
def people(store, maya, jay):
    """Maya's and Jay's ids, both having agreed to recording and keeping."""
    for person in (maya, jay):
        store.record_consent(person.id, {"record", "keep"}, person.pseudonym)
    return maya.id, jay.id
