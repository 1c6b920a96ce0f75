import pytest

from tests.jack.jack_server import JackServer, jackd_available


@pytest.fixture
def jack_server():
    if not jackd_available():
        pytest.skip("jackd is not installed (make test installs jackd2)")
    server = JackServer().start()
    yield server
    server.stop()
    server.restore_environment()
