"""Encrypted at rest: after takes, beats, consents, session notes and the audit log were saved, no byte of the
storage folder (database, its WAL, sealed files, the PIN file) shows a WAV or SQLite header or a participant's
name or notes, with the store open and after it closed; nor does a backup."""

from dataclasses import replace

import pytest

from tests.studio.sessions.conftest import sine_wav

SECRETS = ("Maya Starlight", "Jay-Z-Ward", "W12-004", "Wrote a verse about her brother", "Threw the headphones")


def telltales():
    for secret in SECRETS:
        yield secret, secret.encode("utf-8")
        yield f"{secret} (UTF-16)", secret.encode("utf-16-le")
    yield "a RIFF header", b"RIFF"
    yield "a WAVE header", b"WAVE"
    yield "a SQLite header", b"SQLite format 3"


def shown_in(folder) -> list[str]:
    found = []
    files = [path for path in folder.rglob("*") if path.is_file()]
    assert files
    for path in files:
        raw = path.read_bytes()
        found += [f"{what} in {path.relative_to(folder)}" for what, telltale in telltales() if telltale in raw]
    return found


@pytest.fixture
def filled(store, folder, tmp_path):
    maya = store.add_participant("Maya Starlight", reference="W12-004", pronouns="she")
    jay = store.add_participant("Jay-Z-Ward")
    for person in (maya, jay):
        store.record_consent(person.id, {"record", "keep", "perform"}, person.pseudonym)
        for number in range(3):
            store.save(person.id, "take", sine_wav(1.0, 220 * (number + 1)), f"{person.pseudonym} take {number}")
        (tmp_path / "beat.wav").write_bytes(sine_wav(0.5))
        store.save_file(person.id, "beat", tmp_path / "beat.wav", f"{person.pseudonym}'s beat")
    item, writer = store.start_take(maya.id, "Maya Starlight live")
    writer.write(sine_wav(2.0))
    writer.flush()  # still being recorded
    session = store.start_session(maya.id)
    store.save_session(replace(store.note_use(session.id, "mic", "Maya Starlight take 0"), mood_before=2,
                               mood_after=4, notes="Wrote a verse about her brother",
                               incidents="Threw the headphones, calm after"))
    first = next(each for each in store.items(maya.id, "take") if each.name.endswith("take 0"))
    store.export_item(first.id, "performance", tmp_path / "show" / "song.wav")
    store.export_record_pdf(session.id, tmp_path / "show" / "record.pdf")
    yield store
    writer.close()


def test_nothing_readable_while_the_store_is_open(filled, folder):
    assert (folder / "sessions.db-wal").exists()  # the WAL is looked at too
    assert shown_in(folder) == []


def test_nothing_readable_after_it_closed(filled, folder):
    filled.close()
    assert shown_in(folder) == []


def test_nothing_readable_in_a_backup(filled, tmp_path):
    made = filled.backup_to(tmp_path / "stick")
    assert shown_in(made) == []


def test_the_check_itself_finds_what_is_in_clear(filled, folder, tmp_path):
    assert shown_in(tmp_path / "show")  # the export is plain, on purpose, outside the folder
    (folder / "media" / "stray.wav").write_bytes(sine_wav(0.1))
    assert "a RIFF header in media/stray.wav" in shown_in(folder)
