"""Songs exported for a participant: files the Export app wrote outside the store (a Music folder,
a USB stick), for a show or to share. Sessions remembers them, so that withdrawing consent deletes
them too, and the audit log says what was exported.

    remember(connection, participant_id, paths, at_s)       inside a transaction
    delete_for(records, participant_id) -> Cleanup         the files still as they were exported

A file is deleted only while it is the very file that was exported (same size, same modification
time): one changed or replaced since is someone's new work, so it is left and named instead. One
no longer there (moved, a stick taken away) is named too, since it may still exist elsewhere.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Cleanup:
    deleted: list[Path] = field(default_factory=list)
    left: list[str] = field(default_factory=list)  # plain sentences, a file each


def remember(connection, participant_id: int, paths, at_s: float) -> None:
    for path in paths:
        path = Path(path).resolve()
        stat = path.stat()
        connection.execute("INSERT INTO exported_files (participant_id, path, size_bytes, modified_ns, at_s) "
                           "VALUES (?, ?, ?, ?, ?)", (participant_id, str(path), stat.st_size, stat.st_mtime_ns, at_s))


def delete_for(records, participant_id: int) -> tuple[Cleanup, list[int]]:
    """Delete their exported files that are as they were; returns what came of it and the rows
    done with (all of them: a file left is named once, then forgotten)."""
    cleanup, rows = Cleanup(), []
    for row in records.rows("SELECT * FROM exported_files WHERE participant_id = ?", (participant_id,)):
        path = Path(row["path"])
        rows.append(row["id"])
        try:
            stat = path.stat()
        except OSError:
            cleanup.left.append(f"{path.name} is no longer in {path.parent} (moved, or on a drive taken away), "
                                "so it could not be deleted. Delete any copy by hand.")
            continue
        if (stat.st_size, stat.st_mtime_ns) != (row["size_bytes"], row["modified_ns"]):
            cleanup.left.append(f"{path} has changed since it was exported, so it was left. Delete it by hand "
                                "if it is still theirs.")
            continue
        try:
            os.unlink(path)
        except OSError as error:
            cleanup.left.append(f"{path} could not be deleted ({error.strerror or error}). Delete it by hand.")
            continue
        cleanup.deleted.append(path)
    return cleanup, rows
