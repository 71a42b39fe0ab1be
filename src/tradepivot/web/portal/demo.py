"""``tradepivot serve --demo``: the portal with the example event loaded, ready to try.

A fresh SQLite database in a temporary folder (nothing of the user's is touched), the
example forum (``examples/india-russia-forum``) imported into it, and an organiser account
with a random password, printed once. Sign-in links for participants go to the outbox; in
the demo a watcher prints each new one on the console (there is no mail server).
"""

from __future__ import annotations

import secrets
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tradepivot.config import Settings
from tradepivot.errors import InputError

__all__ = ["DEMO_EVENT", "Demo", "example_folder", "prepare_demo", "watch_outbox"]

DEMO_EVENT = "india-russia-forum"
ORGANISER = "organiser@demo.example"


@dataclass(frozen=True)
class Demo:
    """The demo's settings (its own database) and the organiser's login."""

    settings: Settings
    email: str
    password: str
    event_id: str
    participants: int


def example_folder(start: Path | None = None) -> Path:
    """``examples/india-russia-forum``: the working directory's, else the one installed with the
    package (``tradepivot/examples``, see pyproject's force-include) or this checkout's."""
    here = Path(__file__).resolve()
    for base in (start or Path.cwd(), *here.parents):
        candidate = base / "examples" / DEMO_EVENT
        if (candidate / "event.yaml").is_file():
            return candidate
    raise InputError(
        f"The example event examples/{DEMO_EVENT} was not found.",
        hint="Reinstall tradepivot (the example ships in the package) or run from a checkout.",
    )


def prepare_demo(settings: Settings, folder: Path | None = None) -> Demo:
    """A temporary database holding the example event, and an organiser of it."""
    from tradepivot.services.portal import accounts
    from tradepivot.services.portal.database import open_database
    from tradepivot.services.portal.events import import_event

    source = folder or example_folder()
    root = Path(tempfile.mkdtemp(prefix="tradepivot-demo-"))
    demo_settings = settings.model_copy(
        update={"database_url": f"sqlite:///{root / 'portal.sqlite3'}"}
    )
    engine = open_database(demo_settings, upgrade_schema=True)
    try:
        moved = import_event(demo_settings, source, event_id=DEMO_EVENT)
        password = secrets.token_urlsafe(12)
        account = accounts.add_organiser(engine, ORGANISER, password, name="Demo organiser")
        accounts.grant_event(engine, account.id, DEMO_EVENT)
    finally:
        engine.dispose()
    return Demo(demo_settings, ORGANISER, password, DEMO_EVENT, moved.participants)


def watch_outbox(
    settings: Settings, echo: Callable[..., Any], *, every: float = 2.0
) -> threading.Thread:
    """Print each new message of the outbox (sign-in links) on the console, as a mail server
    would deliver it: the demo's stand-in for e-mail."""
    from tradepivot.services.portal.database import open_database
    from tradepivot.services.portal.outbox import outbox

    def run() -> None:
        engine = open_database(settings)
        seen: set[int] = set()
        while True:
            try:
                for mail in outbox(engine):
                    if mail.id not in seen:
                        seen.add(mail.id)
                        echo(f"[outbox] to {mail.recipient}: {mail.subject}\n{mail.body_text}\n")
            except Exception:  # the demo's console helper never stops the server
                pass
            time.sleep(every)

    thread = threading.Thread(target=run, name="demo-outbox", daemon=True)
    thread.start()
    return thread
