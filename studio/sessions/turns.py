"""A change of turn: everyone else's work filed away sealed in Sessions, the working participant's
brought back to the studio's folders.

    change_turn(store, working, takes) -> Moves        takes (take_filing), then the current beat,
                                                        the songs and the words (work_folders)
    work_in_studio(participant_id, takes) -> [StudioWork]   what of theirs is in the studio now

The studio's root calls these through apps/work_at_rest.py, which decides when a turn changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from studio.export.song_store import SongStore
from studio.sessions.take_filing import Filing, bring_back, file_away
from studio.sessions.work_folders import Handover, beats_work, folder_owner, hand_over, songs_work, words_work


@dataclass
class Moves:
    takes_away: Filing = field(default_factory=Filing)
    takes_back: Filing = field(default_factory=Filing)
    beat: Handover = field(default_factory=Handover)
    songs: Handover = field(default_factory=Handover)
    words: Handover = field(default_factory=Handover)

    @property
    def problems(self) -> list[str]:
        return (self.takes_away.problems + self.takes_back.problems + self.beat.problems + self.songs.problems +
                self.words.problems)


@dataclass(frozen=True)
class StudioWork:
    """A piece of a participant's work that is in the studio as plain files now (their turn), in
    the shape Sessions lists its items in."""

    id: str
    kind: str  # "take", "beat", "song" or "cache" (the words for the next take)
    name: str
    created_at_s: float


def change_turn(store, working: int | None, takes) -> Moves:
    """takes: the studio's TakeStore. What Beats, Export and Mic have pending must be saved before."""
    moves = Moves(takes_away=file_away(takes, store, keep=working))
    if working is not None:
        moves.takes_back = bring_back(takes, store, working)
    moves.beat = hand_over(store, working, beats_work())
    moves.songs = hand_over(store, working, songs_work())
    moves.words = hand_over(store, working, words_work())
    return moves


def work_in_studio(participant_id: int, takes) -> list[StudioWork]:
    """Their takes in Mic (not the trash), their beat, their songs and their words, while they are
    in the studio's folders."""
    work = [StudioWork(info.take_id, "take", info.name, _seconds(info.created))
            for info in takes.list() if info.participant_id == participant_id]
    beats, songs, words = beats_work(), songs_work(), words_work()
    if folder_owner(beats) == participant_id:
        work += [StudioWork(path.name, "beat", beats.item_name, path.stat().st_mtime)
                 for path in beats.files() if not path.name.endswith(".bak")]
    if folder_owner(songs) == participant_id:
        work += [StudioWork(song.song_id, "song", song.title, _seconds(song.created))
                 for song in SongStore(songs.folder).list()]
    if folder_owner(words) == participant_id:
        work += [StudioWork(path.name, "cache", words.item_name, path.stat().st_mtime)
                 for path in words.files() if path.stat().st_size > 0]
    return work


def _seconds(iso_text: str) -> float:
    try:
        return datetime.fromisoformat(iso_text).timestamp()
    except (TypeError, ValueError):
        return 0.0
