"""Keeps the studio's working files (Mic's takes and words for the next take, Beats' current beat,
Export's songs) those of whoever's turn it is.

The studio root asks due() on every poll; it is True only when Sessions (its store) or whose work
the studio makes (the working participant) changed since the last follow(), or when a take was
just saved for someone else. follow() then files everyone else's takes away, sealed in Sessions,
brings the working participant's back (studio.sessions.take_filing), and hands the current beat,
the songs and the words over (studio.sessions.work_folders). With Sessions locked nobody is working, so
every participant's work is sealed; the same when the app closes (follow with nobody working).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from studio.export.song_store import SongStore
from studio.sessions.take_filing import Filing, bring_back, file_away
from studio.sessions.work_folders import (Handover, WorkFolder, beats_work, folder_owner, hand_over, songs_work,
                                          words_work)


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
    kind: str  # "take", "beat" or "song"
    name: str
    created_at_s: float


def _seconds(iso_text: str) -> float:
    try:
        return datetime.fromisoformat(iso_text).timestamp()
    except (TypeError, ValueError):
        return 0.0


class WorkAtRest:
    def __init__(self):
        self._followed: tuple[int, int | None] | None = None  # (the store's id, the working participant)
        self._stale = False

    @property
    def beats(self) -> WorkFolder:
        return beats_work()

    @property
    def songs(self) -> WorkFolder:
        return songs_work()

    @property
    def words(self) -> WorkFolder:
        return words_work()

    def take_saved_for_someone_else(self) -> None:
        """A take was saved for a participant whose turn it no longer is: due() says so."""
        self._stale = True

    def due(self, store, working: int | None) -> bool:
        """store: the open SessionStore (any mode), or None before Sessions is open (nothing is due)."""
        if store is None:
            self._followed = None
            return False
        return self._stale or (id(store), working) != self._followed

    def songs_change_hands(self, working: int | None) -> bool:
        """follow() would put the songs in Export away (the screen lets go of its song first)."""
        return folder_owner(self.songs) != working

    def follow(self, store, working: int | None, takes) -> Moves:
        """takes: the studio's TakeStore. Save what Beats, Export and Mic's words have pending before."""
        self._followed, self._stale = (id(store), working), False
        moves = Moves(takes_away=file_away(takes, store, keep=working))
        if working is not None:
            moves.takes_back = bring_back(takes, store, working)
        moves.beat = hand_over(store, working, self.beats)
        moves.songs = hand_over(store, working, self.songs)
        moves.words = hand_over(store, working, self.words)
        return moves

    def work_in_studio(self, participant_id: int, takes) -> list[StudioWork]:
        """Their takes in Mic (not the trash), their beat and their songs, while they are in the
        studio's folders; takes: the studio's TakeStore."""
        work = [StudioWork(info.take_id, "take", info.name, _seconds(info.created))
                for info in takes.list() if info.participant_id == participant_id]
        beats, songs = self.beats, self.songs
        if folder_owner(beats) == participant_id:
            work += [StudioWork(path.name, "beat", "Beat in progress", path.stat().st_mtime)
                     for path in beats.files() if not path.name.endswith(".bak")]
        if folder_owner(songs) == participant_id:
            work += [StudioWork(song.song_id, "song", song.title, _seconds(song.created))
                     for song in SongStore(songs.folder).list()]
        words = self.words
        if folder_owner(words) == participant_id:
            work += [StudioWork(path.name, "cache", words.item_name, path.stat().st_mtime)
                     for path in words.files() if path.stat().st_size > 0]
        return work
