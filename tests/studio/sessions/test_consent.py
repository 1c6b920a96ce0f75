"""Consent: recorded before the first recording, kept with each take, checked before performing and sharing;
withdrawn, it takes everything of that participant with it, and nothing of anyone else's."""

import pytest

from studio.sessions import consent as consent_module
from studio.sessions.consent import ConsentNeeded
from studio.sessions.records import KINDS
from studio.sessions.store import SessionStore
from tests.studio.sessions.conftest import PIN, sine_wav

PERFORM = ("Maya has not agreed to her songs being played at a performance. Ask her, and record it in Sessions, "
           "before exporting for the show.")
SHARE = ("Maya has not agreed to her songs being shared outside the ward. Ask her, and record it in Sessions, "
         "before sharing.")


def media_files(folder):
    return sorted(path.name for path in (folder / "media").iterdir())


def test_no_take_is_recorded_before_consent(store, maya, folder):
    with pytest.raises(ConsentNeeded) as caught:
        store.save(maya.id, "take", sine_wav(0.1), "Take 1")
    assert str(caught.value) == ("Maya has not agreed to being recorded. Ask her, and record it in Sessions, "
                                 "before recording.")
    assert (caught.value.scope, caught.value.participant_id) == ("record", maya.id)
    with pytest.raises(ConsentNeeded):
        store.start_take(maya.id, "Take 1")
    assert store.items(maya.id) == [] and not (folder / "media").exists()


def test_the_consent_is_kept_with_each_take(store, maya):
    given = store.record_consent(maya.id, {"record", "keep"}, "Maya, with her key worker")
    take = store.save(maya.id, "take", sine_wav(0.1), "Take 1")
    assert take.consent_id == given.id
    assert store.consent(maya.id) == given
    assert (given.given_by, given.given_at_s, given.scopes) == ("Maya, with her key worker", store.clock(),
                                                               frozenset({"record", "keep"}))
    beat = store.save(maya.id, "beat", b"{}", "Night bus")  # a beat holds no one's voice
    assert beat.consent_id == given.id


def test_exports_for_a_show_or_for_sharing_need_their_own_consent(store, maya, tmp_path):
    store.record_consent(maya.id, {"record", "keep"}, "Maya")
    song = store.save(maya.id, "export", sine_wav(0.3), "My song")
    for purpose, message in (("performance", PERFORM), ("sharing", SHARE)):
        with pytest.raises(ConsentNeeded) as caught:
            store.export_item(song.id, purpose, tmp_path / f"{purpose}.wav")
        assert str(caught.value) == message
        assert not (tmp_path / f"{purpose}.wav").exists()
    refused = [entry for entry in store.audit_log() if entry.action == "denied"]
    assert len(refused) == 2 and "perform" in refused[1].detail
    store.record_consent(maya.id, {"record", "keep", "perform"}, "Maya")
    assert store.export_item(song.id, "performance", tmp_path / "show.wav").read_bytes() == sine_wav(0.3)
    with pytest.raises(ConsentNeeded, match="shared outside the ward"):
        store.export_item(song.id, "sharing", tmp_path / "share.wav")
    exported = [entry for entry in store.audit_log() if entry.action == "export"]
    assert [entry.item_id for entry in exported] == [song.id]


def test_the_message_uses_the_participants_pronouns(store):
    sam = store.add_participant("Sam")
    jo = store.add_participant("Jo", pronouns="he")
    with pytest.raises(ConsentNeeded, match=r"^Sam has not agreed to their songs being shared outside the ward\. "
                                            r"Ask them, and record it"):
        store.require_consent("share", sam.id)
    with pytest.raises(ConsentNeeded, match=r"^Jo has not agreed to his recordings being kept after the session\. "
                                            r"Ask him,"):
        store.require_consent("keep", jo.id)


def test_an_export_never_lands_in_the_encrypted_folder(store, maya, folder):
    store.record_consent(maya.id, {"record", "keep", "perform", "share"}, "Maya")
    song = store.save(maya.id, "export", sine_wav(0.1), "My song")
    with pytest.raises(ValueError, match="outside Sessions' own folder"):
        store.export_item(song.id, "sharing", folder / "media" / "song.wav")


def make_everything(store, person) -> list:
    made = [store.save(person.id, kind, sine_wav(0.2, 300 + 10 * number), f"{kind} {number}")
            for number, kind in enumerate(KINDS)]
    take, writer = store.start_take(person.id, "Take being sung")
    writer.write(sine_wav(1.0))
    writer.flush()  # still being recorded (one whole chunk on the disk): its recovery is this very file
    return made + [take]


def test_withdrawal_deletes_everything_of_theirs_and_nothing_of_anyone_elses(store, maya, jay, folder, tmp_path):
    for person in (maya, jay):
        store.record_consent(person.id, {"record", "keep", "perform", "share"}, person.pseudonym)
    mayas, jays = make_everything(store, maya), make_everything(store, jay)
    jays_files = sorted(item.path.split("/")[1] for item in jays)
    assert len(media_files(folder)) == 2 * (len(KINDS) + 1)
    deleted = store.withdraw_consent(maya.id, "Maya")
    assert sorted(item.id for item in deleted) == sorted(item.id for item in mayas)
    assert {item.kind for item in deleted} == set(KINDS)
    assert media_files(folder) == jays_files
    assert store.items(maya.id) == [] and sorted(item.id for item in store.items(jay.id)) == sorted(
        item.id for item in jays)
    for item in jays:
        assert store.open_item(item.id, salvage=True)
    assert store.consent(maya.id) is None and store.consent(jay.id) is not None
    with pytest.raises(ConsentNeeded):
        store.save(maya.id, "take", sine_wav(0.1), "Take 9")
    log = store.audit_log()
    assert [entry.action for entry in log if entry.participant_id == maya.id][: len(mayas) + 1] == [
        "delete"] * len(mayas) + ["withdraw"]
    assert all("consent was withdrawn" in entry.detail for entry in log if entry.action == "delete")


def test_a_withdrawal_the_app_stopped_in_is_finished_when_it_opens(store, maya, jay, folder, clock, monkeypatch):
    for person in (maya, jay):
        store.record_consent(person.id, {"record", "keep"}, person.pseudonym)
    mayas, jays = make_everything(store, maya), make_everything(store, jay)

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(consent_module, "delete_items", stopped)
    with pytest.raises(KeyboardInterrupt):
        store.withdraw_consent(maya.id, "Maya")
    monkeypatch.undo()
    store.close()
    reopened = SessionStore.open(folder, PIN, clock=clock, idle_clock=clock)
    try:
        assert reopened.notes == [f"A withdrawal of consent was finished: {len(mayas)} recording(s) deleted."]
        assert reopened.items(maya.id) == []
        assert media_files(folder) == sorted(item.path.split("/")[1] for item in jays)
    finally:
        reopened.close()


def test_consent_scopes_are_checked(store, maya):
    with pytest.raises(ValueError, match="consent can be for record, keep, perform, share; not dance"):
        store.record_consent(maya.id, {"record", "dance"}, "Maya")
    with pytest.raises(ValueError, match="who gave consent cannot be empty"):
        store.record_consent(maya.id, {"record"}, "  ")
