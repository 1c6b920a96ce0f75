"""Reading the studio's own JSON files (beats, songs): the checks every kind shares, each with a
reason in plain words, before the kind's own fields are read."""

from __future__ import annotations

import json


def damaged_message(what: str) -> str:
    """The message for a damaged file of this kind, with {} where the reason goes."""
    return f"This {what} file is damaged and cannot be opened ({{}})"


def read_versioned_json(raw: bytes, *, what: str, format_name: str, format_version: int, max_bytes: int,
                        error: type[Exception]) -> dict:
    """The file's data: a JSON object with "format" == format_name and a "version" this app can
    read. Raises `error` saying why not: empty, not one of ours (a sound, a picture...), cut short
    (a full disk, a copy that stopped), not JSON, or made by a newer app. `what`: "beat", "song"."""
    damaged = damaged_message(what)
    if not raw.strip():
        raise error(damaged.format("the file is empty"))
    if not raw.lstrip().startswith(b"{") or len(raw) > max_bytes:
        raise error(f"This file is not a Ward Studio {what}")
    try:
        text = raw.decode("utf-8")
        data = json.loads(text)
    except UnicodeDecodeError:
        raise error(damaged.format("it is not UTF-8 text")) from None
    except json.JSONDecodeError as decode_error:
        if not text.rstrip().endswith("}"):
            lines = len(text.rstrip().splitlines())
            raise error(damaged.format(f"it ends early, after line {lines}")) from None
        where = f"line {decode_error.lineno}, column {decode_error.colno}"
        raise error(damaged.format(f"it is not valid JSON at {where}")) from None
    if not isinstance(data, dict) or data.get("format") != format_name:
        raise error(f"This file is not a Ward Studio {what}")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise error(damaged.format(f"version must be a whole number from 1, got {version!r}"))
    if version > format_version:
        raise error(f"This {what} was made with a newer Ward Studio (version {version}); update the app to open it")
    return data
