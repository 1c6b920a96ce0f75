"""The mentor's PIN and the keys it guards, in vault.json beside the records (the keys themselves never are).

    check_pin(pin)                       PinError unless 4 to 8 digits
    create_vault(folder, pin, scrypt_n=SCRYPT_N, clock=time.time) -> Keys
    Vault(folder, clock=time.time)
        unlock(pin) -> Keys              WrongPin (and after WAIT_AFTER_TRIES wrong tries, a wait), PinWait
        seconds_to_wait() -> float       0 when a PIN may be tried now
        begin_change(old_pin, new_pin) -> Keys     the keys for the new PIN (a new database key)
        settle_change(keys)              the PIN just used is the one that stays

Two random keys, one for the database and one for sealed files, are sealed (AES-256-GCM) with a
key derived from the PIN by scrypt; vault.json holds the scrypt salt and cost and that sealed
blob, whose tag is the check that a PIN is right. Changing the PIN gives the database a new key
(PRAGMA rekey, done by the records) and seals the same files key again, so audio is not
re-encrypted.

A PIN change survives a crash at any step: begin_change writes the new PIN's keys as a pending
"change" (with the other database key sealed under each PIN), the records are re-keyed, then
settle_change makes the new PIN the only one. If the app stops in between, whichever PIN is typed
next opens the records (Keys.other_database_key is the key they may still have) and stays the PIN.

A wrong try is counted (and saved) before the PIN is checked, so stopping the app in the middle
of a check does not give free tries. After WAIT_AFTER_TRIES wrong tries in a row each further
wrong try means a wait: FIRST_WAIT_S, doubling each time, at most LONGEST_WAIT_S.
"""

from __future__ import annotations

import base64
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from studio.atomic_file import write_atomically

VAULT_NAME = "vault.json"
FORMAT_NAME = "ward-studio-vault"
FORMAT_VERSION = 1
SCRYPT_N = 2**16  # 64 MiB and about 0.2 s on a desktop; 0.5 to 1 s on a tablet
SCRYPT_R = 8
SCRYPT_P = 1
MIN_SCRYPT_N, MAX_SCRYPT_N = 2**4, 2**20
KEY_BYTES = 32
WAIT_AFTER_TRIES = 5
FIRST_WAIT_S = 30.0
LONGEST_WAIT_S = 15 * 60.0
_KEYS_AAD = b"ward-studio vault keys"
_OTHER_AAD = b"ward-studio vault other database key"


class PinError(Exception):
    """A PIN that cannot be used now, in words for the mentor; wait_s > 0 when they must wait."""

    def __init__(self, message: str, wait_s: float = 0.0):
        super().__init__(message)
        self.wait_s = wait_s


class WrongPin(PinError):
    pass


class PinWait(PinError):
    pass


class VaultError(Exception):
    """vault.json is missing or damaged: the records cannot be opened without it."""


@dataclass(frozen=True)
class Keys:
    database_key: bytes  # the key the records have (or will have) for the PIN that was typed
    files_key: bytes
    other_database_key: bytes | None = None  # during an unfinished PIN change: the records may still have this
    pin_is_new: bool = False  # the PIN typed is the new PIN of an unfinished change

    @property
    def change_pending(self) -> bool:
        return self.other_database_key is not None


def check_pin(pin: str) -> str:
    if not isinstance(pin, str) or not pin.isascii() or not pin.isdigit() or not 4 <= len(pin) <= 8:
        raise PinError("A PIN is 4 to 8 digits, numbers only.")
    return pin


def wait_words(wait_s: float) -> str:
    """30 -> "30 seconds", 61 -> "2 minutes": rounded up, so the wait is never longer than said."""
    seconds = max(1, int(-(-wait_s // 1)))
    if seconds < 90:
        return "1 second" if seconds == 1 else f"{seconds} seconds"
    return f"{-(-seconds // 60)} minutes"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def _pin_key(pin: str, kdf: dict) -> bytes:
    n = kdf["n"]
    if not (isinstance(n, int) and MIN_SCRYPT_N <= n <= MAX_SCRYPT_N and n & (n - 1) == 0):
        raise ValueError("the scrypt cost is out of range")
    return Scrypt(salt=_unb64(kdf["salt"]), length=KEY_BYTES, n=n, r=kdf["r"], p=kdf["p"]).derive(pin.encode())


def _new_kdf(scrypt_n: int) -> dict:
    return {"name": "scrypt", "n": scrypt_n, "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(os.urandom(16))}


def _seal(pin_key: bytes, data: dict, aad: bytes) -> str:
    nonce = os.urandom(12)
    return _b64(nonce + AESGCM(pin_key).encrypt(nonce, json.dumps(data).encode(), aad))


def _unseal(pin_key: bytes, sealed: str, aad: bytes) -> dict | None:
    blob = _unb64(sealed)
    try:
        return json.loads(AESGCM(pin_key).decrypt(blob[:12], blob[12:], aad))
    except InvalidTag:
        return None


def _sealed_keys(pin_key: bytes, database_key: bytes, files_key: bytes) -> str:
    return _seal(pin_key, {"database": database_key.hex(), "files": files_key.hex()}, _KEYS_AAD)


def create_vault(folder: str | os.PathLike, pin: str, scrypt_n: int = SCRYPT_N,
                 clock: Callable[[], float] = time.time) -> Keys:
    check_pin(pin)
    vault = Vault(folder, clock)
    if vault.path.exists():
        raise VaultError(f"There are Sessions records in {vault.path.parent} already; open them with the PIN.")
    kdf = _new_kdf(scrypt_n)
    keys = Keys(os.urandom(KEY_BYTES), os.urandom(KEY_BYTES))
    vault._data = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "kdf": kdf,
                   "keys": _sealed_keys(_pin_key(pin, kdf), keys.database_key, keys.files_key),
                   "failed_tries": 0, "wait_until_s": 0.0, "change": None}
    vault._save()
    return keys


class Vault:
    def __init__(self, folder: str | os.PathLike, clock: Callable[[], float] = time.time):
        self.path = Path(folder) / VAULT_NAME
        self.clock = clock
        self._data: dict = {}

    def load(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise VaultError(f"The PIN file of Sessions ({VAULT_NAME}) is missing from {self.path.parent}, so the "
                             "records cannot be opened. Restore a backup to get them back.") from None
        except (OSError, ValueError) as error:
            raise VaultError(f"The PIN file of Sessions ({self.path}) is damaged ({error}), so the records cannot "
                             "be opened. Restore a backup to get them back.") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT_NAME or "keys" not in data:
            raise VaultError(f"The PIN file of Sessions ({self.path}) is not one this app made, so the records "
                             "cannot be opened. Restore a backup to get them back.")
        self._data = data
        return data

    def _save(self) -> None:
        write_atomically(self.path, json.dumps(self._data, indent=2) + "\n")

    def seconds_to_wait(self) -> float:
        data = self.load()
        wait_s = float(data.get("wait_until_s", 0.0)) - self.clock()
        if wait_s > LONGEST_WAIT_S:  # the tablet's clock went back: never wait longer than the longest wait
            data["wait_until_s"] = self.clock() + LONGEST_WAIT_S
            self._save()
            return LONGEST_WAIT_S
        return max(0.0, wait_s)

    def unlock(self, pin: str) -> Keys:
        check_pin(pin)
        wait_s = self.seconds_to_wait()
        if wait_s > 0:
            raise PinWait(f"Too many wrong PINs. Wait {wait_words(wait_s)} before trying again.", wait_s)
        data = self._data
        tries = int(data.get("failed_tries", 0)) + 1
        data["failed_tries"] = tries
        next_wait_s = 0.0
        if tries >= WAIT_AFTER_TRIES:
            next_wait_s = min(LONGEST_WAIT_S, FIRST_WAIT_S * 2 ** (tries - WAIT_AFTER_TRIES))
        data["wait_until_s"] = self.clock() + next_wait_s
        self._save()  # counted before checking: see the module's notes
        keys = self._open_keys(pin)
        if keys is None:
            if next_wait_s:
                raise WrongPin(f"That PIN is not right. Wait {wait_words(next_wait_s)} before trying again.",
                               next_wait_s)
            left = WAIT_AFTER_TRIES - tries
            more = "1 more try" if left == 1 else f"{left} more tries"
            raise WrongPin(f"That PIN is not right. {more} before the tablet asks you to wait.")
        data["failed_tries"], data["wait_until_s"] = 0, 0.0
        self._save()
        return keys

    def _open_keys(self, pin: str) -> Keys | None:
        data, change = self._data, self._data.get("change")
        try:
            current_key = _pin_key(pin, data["kdf"])
            opened = _unseal(current_key, data["keys"], _KEYS_AAD)
            if opened is not None:
                other = None
                if change:
                    other_data = _unseal(current_key, change["other_under_current"], _OTHER_AAD)
                    other = bytes.fromhex(other_data["database"]) if other_data else None
                return Keys(bytes.fromhex(opened["database"]), bytes.fromhex(opened["files"]), other)
            if change:
                new_key = _pin_key(pin, change["kdf"])
                opened = _unseal(new_key, change["keys"], _KEYS_AAD)
                other_data = _unseal(new_key, change["other_under_new"], _OTHER_AAD)
                if opened is not None and other_data is not None:
                    return Keys(bytes.fromhex(opened["database"]), bytes.fromhex(opened["files"]),
                                bytes.fromhex(other_data["database"]), pin_is_new=True)
        except (KeyError, TypeError, ValueError) as error:
            raise VaultError(f"The PIN file of Sessions ({self.path}) is damaged ({error}), so the records cannot "
                             "be opened. Restore a backup to get them back.") from None
        return None

    def begin_change(self, old_pin: str, new_pin: str) -> Keys:
        """Checks old_pin (as unlock does, counting a wrong try) and saves the new PIN's keys as pending."""
        check_pin(new_pin)
        keys = self.unlock(old_pin)
        if keys.change_pending:
            raise PinError("A PIN change is still being finished. Close Sessions, open it again, and try again.")
        data = self._data
        new_kdf = _new_kdf(data["kdf"]["n"])
        old_pin_key, new_pin_key = _pin_key(old_pin, data["kdf"]), _pin_key(new_pin, new_kdf)
        new_database_key = os.urandom(KEY_BYTES)
        data["change"] = {
            "kdf": new_kdf,
            "keys": _sealed_keys(new_pin_key, new_database_key, keys.files_key),
            "other_under_new": _seal(new_pin_key, {"database": keys.database_key.hex()}, _OTHER_AAD),
            "other_under_current": _seal(old_pin_key, {"database": new_database_key.hex()}, _OTHER_AAD),
        }
        self._save()
        return Keys(new_database_key, keys.files_key, keys.database_key, pin_is_new=True)

    def settle_change(self, keys: Keys) -> None:
        """Once the records have keys.database_key: the PIN that gave those keys becomes the only PIN."""
        data = self.load()
        change = data.get("change")
        if not change:
            return
        if keys.pin_is_new:
            data["kdf"], data["keys"] = change["kdf"], change["keys"]
        data["change"] = None
        self._save()
