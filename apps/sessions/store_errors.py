"""The store's errors: each one's str() is a plain message for whoever holds the tablet."""

from studio.sessions.access import AccessDenied
from studio.sessions.backup import BackupError, StorageFolderRefused
from studio.sessions.consent import ConsentNeeded
from studio.sessions.records import RecordsError
from studio.sessions.sealed_files import SealedFileError
from studio.sessions.vault import PinError, VaultError

STORE_ERRORS = (PinError, VaultError, RecordsError, AccessDenied, ConsentNeeded, SealedFileError,
                StorageFolderRefused, BackupError, ValueError, OSError)
