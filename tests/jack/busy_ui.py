"""A busy app: pure Python work in a thread of this process, as a busy UI would do."""

import threading
from contextlib import contextmanager


@contextmanager
def busy_ui():
    """Keep this process busy with pure Python work until the block ends."""
    stop = threading.Event()

    def work():
        while not stop.is_set():
            sum(i * i for i in range(20000))

    thread = threading.Thread(target=work, name="busy-ui", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
