"""The portal's e-mails: subject and text of each kind, in the recipient's language.

Kinds: ``sign_in`` (a personal link), ``request_received``, ``request_accepted``,
``request_declined``, ``schedule_published``, ``meeting_changed``, ``meeting_cancelled``
(the last two carry the calendar update). Texts go through the shared catalogs
(:mod:`tradepivot.i18n`), so they read in English, Russian or Hindi.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tradepivot.i18n import translator

__all__ = ["Text", "compose", "mail_language"]


@dataclass(frozen=True)
class Text:
    """A message's subject and plain-text body."""

    subject: str
    body: str


def mail_language(languages: Sequence[str]) -> str:
    """The participant's first listed language the messages speak (en, ru, hi), as agendas
    choose theirs; English when none."""
    return next((code for code in languages if code in ("en", "ru", "hi")), "en")


def compose(kind: str, language: str = "en", **values: str) -> Text:
    """The message ``kind`` in ``language`` filled with ``values`` (``event``, ``link``,
    ``other``, ``message``, ``version``, ``slot`` as the kind needs)."""
    t = translator(language if language in ("en", "ru", "hi") else "en")
    event = values.get("event", "")
    if kind == "sign_in":
        return Text(
            t.gettext("Your sign-in link for %(event)s", event=event),
            t.gettext(
                "Open this link to sign in to %(event)s (it works once and expires in 24 "
                "hours):\n\n%(link)s\n\nIf you did not ask for it, ignore this message.",
                event=event,
                link=values.get("link", ""),
            ),
        )
    if kind == "request_received":
        return Text(
            t.gettext(
                "%(other)s asks to meet you at %(event)s",
                other=values.get("other", ""),
                event=event,
            ),
            t.gettext(
                "%(other)s would like to meet you at %(event)s.\n\n%(message)s\n\n"
                "Accept or decline it in the portal.",
                other=values.get("other", ""),
                event=event,
                message=values.get("message", ""),
            ),
        )
    if kind == "request_accepted":
        return Text(
            t.gettext("%(other)s accepted your meeting request", other=values.get("other", "")),
            t.gettext(
                "%(other)s accepted your request to meet at %(event)s.",
                other=values.get("other", ""),
                event=event,
            ),
        )
    if kind == "request_declined":
        return Text(
            t.gettext("%(other)s declined your meeting request", other=values.get("other", "")),
            t.gettext(
                "%(other)s declined your request to meet at %(event)s.",
                other=values.get("other", ""),
                event=event,
            ),
        )
    if kind == "schedule_published":
        return Text(
            t.gettext("Your agenda for %(event)s", event=event),
            t.gettext(
                "The schedule of %(event)s is published (version %(version)s). Your meetings "
                "are in the attached calendar file and in the portal.",
                event=event,
                version=values.get("version", ""),
            ),
        )
    if kind == "meeting_changed":
        return Text(
            t.gettext("A meeting at %(event)s has changed", event=event),
            t.gettext(
                "Your meeting with %(other)s at %(event)s has changed: %(slot)s. The attached "
                "calendar file updates it.",
                other=values.get("other", ""),
                event=event,
                slot=values.get("slot", ""),
            ),
        )
    if kind == "meeting_cancelled":
        return Text(
            t.gettext("A meeting at %(event)s is cancelled", event=event),
            t.gettext(
                "Your meeting with %(other)s at %(event)s is cancelled. The attached calendar "
                "file removes it.",
                other=values.get("other", ""),
                event=event,
            ),
        )
    raise ValueError(f"unknown message kind {kind!r}")
