"""Backups to a folder (a memory stick, the ward's own drive) and restoring one; folders that a cloud
service copies to the internet are refused.

    check_storage_folder(path)             StorageFolderRefused, with the reason, for a cloud-synced folder
    make_backup(records, keys, storage_folder, target_parent, at_s) -> Path   the new backup's folder
    restore_backup(backup_folder, storage_folder, pin, clock) -> Path         the storage folder, restored
    finish_interrupted_restore(storage_folder) -> str      "" or what was put back

A backup is a folder ward-studio-backup-<date>: sessions.db made with SQLite's backup API (never a
copy of the live file, which may be mid-write), still encrypted with the same key; vault.json, so
the PIN of the day of the backup opens it; the sealed files as they are; and manifest.json with
each file's size and SHA-256, written last. It is built as .<name>.partial and renamed when whole.

Restoring copies the backup beside the storage folder (.<name>.restoring), checks every file
against the manifest, opens it with the PIN and runs PRAGMA integrity_check. Only then is the
current storage folder renamed aside (.<name>.before-restore), the copy renamed into its place,
and the old one deleted. If the app stops in between, finish_interrupted_restore puts the old one
back, so there is always a whole store.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Callable

import sqlcipher3

from studio.atomic_file import fsync_folder, write_atomically
from studio.sessions.catalogue import MEDIA_FOLDER
from studio.sessions.records import DATABASE_NAME, Records, RecordsError, is_disk_full
from studio.sessions.vault import VAULT_NAME, Keys, Vault

MANIFEST_NAME = "manifest.json"
FORMAT_NAME = "ward-studio-backup"
FORMAT_VERSION = 1
BACKUP_PREFIX = "ward-studio-backup-"
# Folder names (compared without case) that cloud services keep in step with the internet. Long
# names count anywhere in a folder's name ("OneDrive - NHS Trust"); short ones only on their own
# or followed by a space, dash or bracket ("Box", "MEGA", "Box Sync").
CLOUD_NAMES_ANYWHERE = {
    "dropbox": "Dropbox", "onedrive": "OneDrive", "google drive": "Google Drive", "googledrive": "Google Drive",
    "icloud": "iCloud", "mobile documents": "iCloud", "nextcloud": "Nextcloud", "owncloud": "ownCloud",
    "pcloud": "pCloud", "megasync": "MEGA", "cloudstorage": "a cloud storage service", "synologydrive": "Synology Drive",
    "seafile": "Seafile", "tresorit": "Tresorit",
}
CLOUD_NAMES_ALONE = {"mega": "MEGA", "box": "Box", "box sync": "Box", "my drive": "Google Drive"}
# Files a sync client leaves in the top folder it keeps in step.
CLOUD_MARKERS = {".dropbox": "Dropbox", ".dropbox.cache": "Dropbox", ".nextcloudsync.log": "Nextcloud",
                 ".owncloudsync.log": "ownCloud", ".sync_journal.db": "Nextcloud or ownCloud",
                 ".megaignore": "MEGA", ".debris": "MEGA"}


class StorageFolderRefused(Exception):
    pass


class BackupError(Exception):
    pass


def cloud_service_of(path: str | os.PathLike) -> tuple[str, str] | None:
    """(service, the folder that gave it away), or None."""
    path = Path(path).expanduser().resolve()
    for folder in [path, *path.parents]:
        name = folder.name.lower()
        for key, service in CLOUD_NAMES_ANYWHERE.items():
            if key in name:
                return service, str(folder)
        for key, service in CLOUD_NAMES_ALONE.items():
            if name == key or name.startswith((f"{key} ", f"{key}-", f"{key}(", f"{key}_")):
                return service, str(folder)
        for marker, service in CLOUD_MARKERS.items():
            if (folder / marker).exists():
                return service, str(folder)
    return None


def check_storage_folder(path: str | os.PathLike, purpose: str = "Sessions' recordings") -> Path:
    found = cloud_service_of(path)
    if found:
        service, folder = found
        raise StorageFolderRefused(
            f"{path} cannot be used for {purpose}: it is inside {folder}, which {service} copies to the internet. "
            "Participants' recordings must stay on the tablet or on the ward's own drive. Choose another folder.")
    return Path(path)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _copy_durably(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    with open(target, "rb+") as file:
        os.fsync(file.fileno())


def make_backup(records: Records, keys: Keys, storage_folder: Path, target_parent: str | os.PathLike,
                at_s: float) -> Path:
    target_parent = check_storage_folder(target_parent, "a backup")
    stamp = time.strftime("%Y-%m-%d-%H%M%S", time.localtime(at_s))
    final = Path(target_parent) / f"{BACKUP_PREFIX}{stamp}"
    partial = final.with_name(f".{final.name}.partial")
    if final.exists():
        raise BackupError(f"There is a backup called {final.name} in {target_parent} already. Try again in a second.")
    try:
        shutil.rmtree(partial, ignore_errors=True)
        (partial / MEDIA_FOLDER).mkdir(parents=True)
        records.backup_into(partial / DATABASE_NAME, keys.database_key)
        _copy_durably(storage_folder / VAULT_NAME, partial / VAULT_NAME)
        for (relative,) in records.rows("SELECT path FROM items ORDER BY id"):
            if (storage_folder / relative).is_file():
                _copy_durably(storage_folder / relative, partial / relative)
        files = {str(path.relative_to(partial).as_posix()): {"bytes": path.stat().st_size, "sha256": _sha256(path)}
                 for path in sorted(partial.rglob("*")) if path.is_file()}
        manifest = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "made_at_s": at_s, "files": files}
        write_atomically(partial / MANIFEST_NAME, json.dumps(manifest, indent=2) + "\n")
        fsync_folder(partial / MEDIA_FOLDER)
        fsync_folder(partial)
        os.rename(partial, final)
        fsync_folder(final.parent)
    except Exception as error:
        shutil.rmtree(partial, ignore_errors=True)
        if isinstance(error, (OSError, sqlcipher3.Error)):
            raise BackupError(_failed_message(error, "The backup was not made", target_parent)) from error
        raise
    return final


def _failed_message(error: BaseException, outcome: str, folder: Path) -> str:
    if is_disk_full(error):
        return f"{outcome}: the disk of {folder} is full. Nothing on the tablet was changed."
    why = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return f"{outcome}: {folder} could not be written to ({why}). Nothing on the tablet was changed."


def _check_against_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
        files = manifest["files"]
        if manifest.get("format") != FORMAT_NAME or not isinstance(files, dict):
            raise ValueError("not a Ward Studio backup")
    except (OSError, ValueError, KeyError, TypeError):
        raise BackupError(f"{folder} is not a whole Ward Studio backup (its list of files is missing or damaged). "
                          "Nothing was changed.") from None
    for relative, expected in files.items():
        path = folder / relative
        if ".." in Path(relative).parts or not path.is_file() or path.stat().st_size != expected["bytes"] \
                or _sha256(path) != expected["sha256"]:
            raise BackupError(f"This backup is incomplete or damaged ({relative} is missing or changed). "
                              "Nothing was changed.")
    return files


def _aside(storage_folder: Path) -> Path:
    return storage_folder.with_name(f".{storage_folder.name}.before-restore")


def _staging(storage_folder: Path) -> Path:
    return storage_folder.with_name(f".{storage_folder.name}.restoring")


def restore_backup(backup_folder: str | os.PathLike, storage_folder: str | os.PathLike, pin: str,
                   clock: Callable[[], float] = time.time) -> Path:
    """Raises BackupError, PinError or VaultError (nothing changed) unless the restore is complete."""
    backup_folder, storage_folder = Path(backup_folder), Path(storage_folder)
    check_storage_folder(storage_folder)
    files = _check_against_manifest(backup_folder)
    staging = _staging(storage_folder)
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for relative in [*files, MANIFEST_NAME]:
            _copy_durably(backup_folder / relative, staging / relative)
        _check_against_manifest(staging)
        (staging / MANIFEST_NAME).unlink()
        keys = Vault(staging, clock).unlock(pin)
        records = Records.open(staging, keys.database_key, other_key=keys.other_database_key)
        try:
            found = records.integrity_check()
        finally:
            records.close()
        if found != "ok":
            raise BackupError(f"The records in this backup are damaged ({found}). Nothing was changed.")
        fsync_folder(staging)
    except RecordsError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise BackupError(f"The records in this backup cannot be opened ({error}). Nothing was changed.") from None
    except (OSError, sqlcipher3.Error) as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise BackupError(_failed_message(error, "The backup was not restored", staging.parent)) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    aside = _aside(storage_folder)
    shutil.rmtree(aside, ignore_errors=True)
    if storage_folder.exists():
        os.rename(storage_folder, aside)
    os.rename(staging, storage_folder)
    fsync_folder(storage_folder.parent)
    shutil.rmtree(aside, ignore_errors=True)
    return storage_folder


def finish_interrupted_restore(storage_folder: str | os.PathLike) -> str:
    storage_folder = Path(storage_folder)
    aside, staging = _aside(storage_folder), _staging(storage_folder)
    said = ""
    if aside.exists() and not storage_folder.exists():
        os.rename(aside, storage_folder)
        said = "A restore from a backup did not finish when the app stopped, so the records from before it were kept."
    elif aside.exists():
        shutil.rmtree(aside, ignore_errors=True)  # the restore had finished: this is the old store
    if staging.exists():
        shutil.rmtree(staging, ignore_errors=True)
    return said

