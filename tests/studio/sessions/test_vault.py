"""The PIN: 4 to 8 digits, wrong tries counted across restarts, a growing wait, and keys never stored."""

import json
import time

import pytest

from studio.sessions import vault as vault_module
from studio.sessions.vault import (
    FIRST_WAIT_S, LONGEST_WAIT_S, SCRYPT_N, VAULT_NAME, PinError, PinWait, Vault, VaultError, WrongPin, check_pin,
    create_vault, wait_words,
)
from tests.studio.sessions.conftest import PIN, TEST_SCRYPT_N, FakeClock


@pytest.fixture
def made(tmp_path, clock):
    keys = create_vault(tmp_path, PIN, scrypt_n=TEST_SCRYPT_N, clock=clock)
    return keys, Vault(tmp_path, clock)


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "", " 1234", "１２３４", 1234])
def test_a_pin_is_4_to_8_digits(pin):
    with pytest.raises(PinError, match=r"^A PIN is 4 to 8 digits, numbers only\.$"):
        check_pin(pin)


def test_the_right_pin_gives_the_keys_and_they_are_not_in_the_file(made, tmp_path):
    keys, vault = made
    assert vault.unlock(PIN) == keys
    text = (tmp_path / VAULT_NAME).read_text()
    for key in (keys.database_key, keys.files_key):
        assert key.hex() not in text and key not in (tmp_path / VAULT_NAME).read_bytes()
    data = json.loads(text)
    assert data["kdf"]["name"] == "scrypt" and data["kdf"]["n"] == TEST_SCRYPT_N
    assert PIN not in text


def test_the_wait_grows_after_five_wrong_tries_and_says_how_long(made, clock):
    _, vault = made
    said = []
    for _ in range(4):
        with pytest.raises(WrongPin) as caught:
            vault.unlock("0000")
        said.append(str(caught.value))
        assert caught.value.wait_s == 0
    assert said == ["That PIN is not right. 4 more tries before the tablet asks you to wait.",
                    "That PIN is not right. 3 more tries before the tablet asks you to wait.",
                    "That PIN is not right. 2 more tries before the tablet asks you to wait.",
                    "That PIN is not right. 1 more try before the tablet asks you to wait."]
    with pytest.raises(WrongPin, match=r"^That PIN is not right\. Wait 30 seconds before trying again\.$"):
        vault.unlock("0000")
    clock.advance(12)
    with pytest.raises(PinWait, match=r"^Too many wrong PINs\. Wait 18 seconds before trying again\.$"):
        vault.unlock(PIN)  # even the right PIN waits
    clock.advance(18)
    with pytest.raises(WrongPin, match=r"Wait 60 seconds before"):
        vault.unlock("0000")
    clock.advance(60)
    with pytest.raises(WrongPin, match=r"Wait 2 minutes before"):
        vault.unlock("0000")
    clock.advance(120)
    vault.unlock(PIN)  # the right PIN after the wait: the count starts again
    for _ in range(4):
        with pytest.raises(WrongPin, match="more tr"):
            vault.unlock("0000")


def test_the_wait_is_never_longer_than_the_longest(made, clock):
    _, vault = made
    waits = []
    for _ in range(15):
        with pytest.raises(WrongPin) as caught:
            vault.unlock("0000")
        waits.append(caught.value.wait_s)
        clock.advance(caught.value.wait_s)
    assert waits[4:9] == [FIRST_WAIT_S, 2 * FIRST_WAIT_S, 4 * FIRST_WAIT_S, 8 * FIRST_WAIT_S, 16 * FIRST_WAIT_S]
    assert max(waits) == LONGEST_WAIT_S == waits[-1]


def test_wrong_tries_are_remembered_after_a_restart(made, tmp_path, clock):
    _, vault = made
    for _ in range(5):
        with pytest.raises(WrongPin):
            vault.unlock("0000")
    with pytest.raises(PinWait):
        Vault(tmp_path, clock).unlock(PIN)  # a new app, the same wait


def test_a_try_is_counted_before_the_pin_is_checked(made, tmp_path, monkeypatch):
    _, vault = made

    def killed(*args):
        raise KeyboardInterrupt  # the app stopped while the PIN was being checked

    monkeypatch.setattr(vault_module, "_pin_key", killed)
    with pytest.raises(KeyboardInterrupt):
        vault.unlock("0000")
    assert json.loads((tmp_path / VAULT_NAME).read_text())["failed_tries"] == 1


def test_a_clock_put_back_does_not_make_the_wait_endless(made, clock):
    _, vault = made
    for _ in range(5):
        with pytest.raises(WrongPin):
            vault.unlock("0000")
    clock.advance(-365 * 24 * 3600)
    assert vault.seconds_to_wait() == LONGEST_WAIT_S
    clock.advance(LONGEST_WAIT_S)
    assert vault.seconds_to_wait() == 0


@pytest.mark.parametrize("seconds, words", [(0.2, "1 second"), (30, "30 seconds"), (88.5, "89 seconds"),
                                            (90, "2 minutes"), (900, "15 minutes")])
def test_waits_are_said_in_plain_words(seconds, words):
    assert wait_words(seconds) == words


def test_a_missing_or_damaged_vault_is_said(tmp_path, clock):
    with pytest.raises(VaultError, match=r"^The PIN file of Sessions \(vault\.json\) is missing from .* Restore a "
                                         r"backup to get them back\.$"):
        Vault(tmp_path, clock).unlock(PIN)
    (tmp_path / VAULT_NAME).write_text("{not json")
    with pytest.raises(VaultError, match=r"is damaged .*cannot be opened"):
        Vault(tmp_path, clock).unlock(PIN)


def test_a_pin_change_keeps_the_files_key_and_gives_a_new_database_key(made, clock, tmp_path):
    keys, vault = made
    new = vault.begin_change(PIN, "97531")
    assert new.files_key == keys.files_key and new.database_key != keys.database_key
    vault.settle_change(new)
    with pytest.raises(WrongPin):
        Vault(tmp_path, clock).unlock(PIN)
    assert Vault(tmp_path, clock).unlock("97531") == new.__class__(new.database_key, new.files_key)


@pytest.mark.parametrize("typed, keeps", [(PIN, "old"), ("97531", "new")])
def test_after_an_unfinished_pin_change_either_pin_opens_and_stays(made, clock, tmp_path, typed, keeps):
    keys, vault = made
    new = vault.begin_change(PIN, "97531")  # and the app stopped here
    opened = Vault(tmp_path, clock).unlock(typed)
    assert opened.change_pending and opened.files_key == keys.files_key
    assert {opened.database_key, opened.other_database_key} == {keys.database_key, new.database_key}
    assert opened.database_key == (keys.database_key if keeps == "old" else new.database_key)
    Vault(tmp_path, clock).settle_change(opened)
    other = "97531" if typed == PIN else PIN
    with pytest.raises(WrongPin):
        Vault(tmp_path, clock).unlock(other)
    assert not Vault(tmp_path, clock).unlock(typed).change_pending


def test_a_real_unlock_takes_a_noticeable_moment(tmp_path):
    create_vault(tmp_path, PIN, scrypt_n=SCRYPT_N, clock=FakeClock())
    started_s = time.perf_counter()
    Vault(tmp_path, FakeClock()).unlock(PIN)
    took_s = time.perf_counter() - started_s
    assert 0.05 < took_s < 3.0, f"scrypt at n={SCRYPT_N} took {took_s:.2f} s"
