"""What the portal's pages need from the database: the page services interface.

The pages never touch SQL or the event store's files: they call a :class:`PortalBackend`,
which the database layer (:mod:`tradepivot.db`) implements over its services (accounts,
tokens, meeting requests, the outbox) and its event store. Keeping the interface here, in
the page layer's own words, lets the routes be read (and their authorisation tested)
without the database, and keeps every use of it in one adapter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from tradepivot.events.store import EventStore

__all__ = ["Account", "PortalBackend"]


@dataclass(frozen=True)
class Account:
    """A person who signs in with a password: an organiser (or an administrator)."""

    id: int
    email: str
    name: str = ""


class PortalBackend(Protocol):
    """The database as the portal's pages use it."""

    @property
    def store(self) -> EventStore:
        """The events (registrations, published versions, drafts, scores)."""
        ...

    def grant_event(self, user_id: int, event_id: str) -> None:
        """Make the account an organiser of ``event_id`` (it created the event)."""
        ...

    def authenticate(self, email: str, password: str) -> Account | None:
        """The organiser account when the password is right (argon2), else None."""
        ...

    def account(self, user_id: int) -> Account | None:
        """The account of a signed-in session (None: deleted since)."""
        ...

    def organised_events(self, user_id: int) -> list[str]:
        """Ids of the events the account organises, sorted."""
        ...

    def organises(self, user_id: int, event_id: str) -> bool:
        """Whether the account may run ``event_id``."""
        ...
