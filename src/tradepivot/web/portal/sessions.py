"""Portal sessions: a signed cookie that holds who is signed in, and the key that signs it.

The session is a small JSON object in a cookie signed with itsdangerous (HMAC-SHA1 over the
payload and a timestamp; the Pallets library Flask and Starlette use). It is not encrypted:
it holds ids and the CSRF token, never a secret of its own. The cookie is ``HttpOnly``,
``SameSite=Lax``, ``Path=/`` and ``Secure`` whenever the request came over HTTPS (behind a
proxy, uvicorn's ``--proxy-headers`` sets the scheme), so the same server works on plain
``http://127.0.0.1`` for a demo and stays safe behind TLS. Starlette's own
``SessionMiddleware`` fixes ``Secure`` once for the process; this one decides per request.

The signing key comes from the environment (``TRADEPIVOT_SESSION_KEY``) or, on a first run,
is generated (32 random bytes) and kept in ``session.key`` under the user data directory,
readable by its owner alone: never in the repository, the same across restarts and workers.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import itsdangerous
import platformdirs

from tradepivot.errors import InputError

__all__ = [
    "COOKIE",
    "KEY_ENV",
    "MAX_AGE",
    "SessionCookies",
    "default_key_file",
    "load_session_key",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COOKIE = "tradepivot_session"
KEY_ENV = "TRADEPIVOT_SESSION_KEY"
#: A session lasts a week from its last change (a participant's phone stays signed in
#: through a forum; an organiser signs out on a shared computer).
MAX_AGE = 7 * 86400
MIN_KEY_BYTES = 16


def default_key_file() -> Path:
    """Where the generated session key is kept: ``session.key`` in the user data directory."""
    return Path(platformdirs.user_data_dir("tradepivot")) / "session.key"


def load_session_key(key_file: Path | None = None) -> bytes:
    """The session signing key: ``TRADEPIVOT_SESSION_KEY``, else the key kept in
    ``key_file`` (default :func:`default_key_file`), generated there on the first run."""
    from_env = os.environ.get(KEY_ENV, "")
    if from_env:
        if len(from_env.encode()) < MIN_KEY_BYTES:
            raise InputError(
                f"{KEY_ENV} is too short ({len(from_env)} characters) to sign sessions.",
                hint='Use at least 32 random characters: python -c "import secrets; '
                'print(secrets.token_urlsafe(32))"',
            )
        return from_env.encode()
    path = key_file or default_key_file()
    try:
        if path.exists():
            key = path.read_bytes().strip()
            if len(key) >= MIN_KEY_BYTES:
                return key
            raise InputError(
                f"The session key in {path} is too short ({len(key)} bytes).",
                hint=f"Delete {path} to have a new one generated (everyone signs in again).",
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(32).encode()
        # O_EXCL: two workers starting at once keep one key (the loser reads the winner's).
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return load_session_key(path)
        with os.fdopen(fd, "wb") as out:
            out.write(key + b"\n")
        return key
    except OSError as exc:
        raise InputError(
            f"Cannot read or create the session key file {path}: {exc.strerror}.",
            hint=f"Set {KEY_ENV} to a long random string, or make {path.parent} writable.",
        ) from exc


class SessionCookies:
    """ASGI middleware: ``request.session`` from a signed cookie, written back when changed."""

    def __init__(
        self,
        app: ASGIApp,
        key: bytes | Callable[[], bytes],
        *,
        cookie: str = COOKIE,
        max_age: int = MAX_AGE,
    ) -> None:
        self.app = app
        self._key = key
        self._signer: itsdangerous.TimestampSigner | None = None
        self.cookie = cookie
        self.max_age = max_age

    @property
    def signer(self) -> itsdangerous.TimestampSigner:
        """Signs with the key, read (or generated) on the first request that needs it."""
        if self._signer is None:
            key = self._key() if callable(self._key) else self._key
            self._signer = itsdangerous.TimestampSigner(key, salt="tradepivot.portal.session")
        return self._signer

    def _read(self, scope: Scope) -> tuple[dict[str, Any], bool]:
        for name, value in scope.get("headers", []):
            if name != b"cookie":
                continue
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed Cookie header: no session, not an error
                continue
            morsel = jar.get(self.cookie)
            if morsel is None:
                continue
            try:
                raw = self.signer.unsign(morsel.value.encode(), max_age=self.max_age)
                data = json.loads(base64.urlsafe_b64decode(raw))
            except (itsdangerous.BadData, ValueError):
                return {}, True  # tampered or expired: start afresh, clear the cookie
            return (data if isinstance(data, dict) else {}), True
        return {}, False

    def _header(self, scope: Scope, data: dict[str, Any]) -> bytes:
        attributes = "; Path=/; HttpOnly; SameSite=Lax"
        if scope.get("scheme") == "https":
            attributes += "; Secure"
        if not data:
            return f"{self.cookie}=; Max-Age=0{attributes}".encode()
        payload = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode())
        value = self.signer.sign(payload).decode()
        return f"{self.cookie}={value}; Max-Age={self.max_age}{attributes}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        data, had_cookie = self._read(scope)
        scope["session"] = data
        before = json.dumps(data, sort_keys=True)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                now = scope["session"]
                if json.dumps(now, sort_keys=True) != before and (now or had_cookie):
                    headers = list(message.get("headers", []))
                    headers.append((b"set-cookie", self._header(scope, now)))
                    message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_cookie)
