"""A stand-in for the app, for the kill -9 test: saves records and sealed files in a loop until killed.

    python -m tests.studio.sessions.save_until_killed FOLDER RUN

The store in FOLDER must exist (PIN and scrypt cost from conftest). Prints "ready" once open, then
one line per save, after it returned (so after its commit, or after the file was closed and
renamed into place): "participant <id>", "session <id>", "item <id>". stdout is a file, written
a line at a time, so the last line before a kill is something that was saved.
Every item's bytes follow from its name ("<n>-<size>", see expected_bytes), so the test can check
them exactly; takes written as they are sung are named "live-<n>-<size>".
"""

from __future__ import annotations

import random
import sys
from dataclasses import replace

from studio.sessions.store import SessionStore
from tests.studio.sessions.conftest import PIN


def expected_bytes(name: str) -> bytes:
    number, size = name.removeprefix("live-").split("-")
    return random.Random(int(number)).randbytes(int(size))


def main() -> None:
    folder, run = sys.argv[1], int(sys.argv[2])
    store = SessionStore.open(folder, PIN)
    person = store.add_participant(f"Run {run}")
    store.record_consent(person.id, {"record", "keep"}, "Run")
    print("ready")
    chooser = random.Random(run)
    for step in range(10**9):
        number, size = run * 1_000_000 + step, chooser.choice([10, 5000, 70_000, 200_000])
        what = chooser.random()
        if what < 0.2:
            print(f"participant {store.add_participant(f'Run {run} step {step}').id}")
        elif what < 0.4:
            session = store.start_session(person.id)
            session = store.note_use(session.id, "mic", f"Take {step}")
            session = store.save_session(replace(session, mood_before=3, mood_after=4, notes="x" * size // 100))
            print(f"session {session.id}")
        elif what < 0.8:
            print(f"item {store.save(person.id, 'take', expected_bytes(f'{number}-{size}'), f'{number}-{size}').id}")
        else:
            name = f"live-{number}-{size}"
            item, writer = store.start_take(person.id, name)
            data = expected_bytes(name)
            for start in range(0, size, 20_000):
                writer.write(data[start:start + 20_000])
                writer.flush()
            writer.close()
            print(f"item {item.id}")


if __name__ == "__main__":
    sys.stdout = open(sys.stdout.fileno(), "w", buffering=1, closefd=False)  # a line reaches the file at once
    main()
