"""The app's web server: Voila, closed to strangers.

``python -m foederis_widgets._server NOTEBOOK [voila options]`` is what ``foederis app``
runs. It is Voila with three things added, all in Jupyter Server's own terms:

- **a token**: read from the environment variable :data:`TOKEN_ENV` (never from the
  command line, which other local users can read with ``ps``) and set as Voila's
  ``token`` (Jupyter Server's ``IdentityProvider.token``). A request with neither the
  token (``?token=...``) nor the login cookie that a first request with the token sets
  answers **403** (:class:`TokenOnlyIdentityProvider`; plain Jupyter would redirect to a
  login form instead). An empty token (``foederis app --no-token``) turns it off.
- **a Host and Origin allow-list**: every handler, static files included, answers 403 to
  a request whose ``Host`` is not ``127.0.0.1`` or ``localhost`` (any port), or whose
  ``Origin``, when sent, is not ``http://127.0.0.1`` or ``http://localhost`` (any port).
  That closes DNS rebinding: a foreign page whose name was re-pointed at 127.0.0.1 still
  sends its own name as Host. Jupyter Server's own check (``allow_remote_access=False``,
  ``local_hostnames=["localhost"]``, which Voila turns off) is switched back on as well.
- **a readiness path**, :data:`READY_PATH`, answering 200 ``ok`` (no kernel started, no
  file looked up): what ``foederis app`` polls while the server starts.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any
from urllib.parse import urlsplit

__all__ = ["TOKEN_ENV", "READY_PATH", "LOCAL_HOSTS", "refusal", "main"]

#: The environment variable that carries the token from ``foederis app`` to the server.
TOKEN_ENV = "FOEDERIS_APP_TOKEN"
#: The path ``foederis app`` polls until the server answers (200, body ``ok``).
READY_PATH = "/foederis/ready"
#: The only host names a request may address (with any port).
LOCAL_HOSTS = ("127.0.0.1", "localhost")

_HOST = re.compile(r"^(?P<name>[^:]+)(?::\d{1,5})?$")


def _local(host: str) -> bool:
    m = _HOST.match(host.strip().lower())
    return bool(m) and m.group("name") in LOCAL_HOSTS


def refusal(host: str | None, origin: str | None) -> str:
    """Why a request with these ``Host`` and ``Origin`` headers is refused ('' if it is not).

    >>> refusal("127.0.0.1:8866", None), refusal("localhost:8866", "http://localhost:8866")
    ('', '')
    >>> refusal("evil.example:8866", None)
    "Host 'evil.example:8866' is not local: open the app at http://127.0.0.1:PORT/"
    >>> refusal("127.0.0.1:8866", "http://evil.example")
    "Origin 'http://evil.example' is not local: the app answers only its own pages"
    """
    if not host or not _local(host):
        return f"Host {host!r} is not local: open the app at http://127.0.0.1:PORT/"
    if origin is not None:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "ws") or not _local(parts.netloc):
            return f"Origin {origin!r} is not local: the app answers only its own pages"
    return ""


def _local_only(cls: type) -> type:
    """``cls`` with a ``prepare`` that answers 403 to a foreign Host or Origin first."""
    from tornado import web

    class LocalOnly(cls):  # type: ignore[misc, valid-type]
        def prepare(self) -> Any:
            why = refusal(self.request.headers.get("Host"), self.request.headers.get("Origin"))
            if why:
                raise web.HTTPError(403, why, reason=f"Forbidden: {why}")
            return super().prepare()

    LocalOnly.__name__ = LocalOnly.__qualname__ = f"LocalOnly{cls.__name__}"
    return LocalOnly


def _classes() -> tuple[type, type, type]:
    """The server's classes (built here: tornado, jupyter_server and voila load only in the
    server's process)."""
    from jupyter_server.auth.identity import PasswordIdentityProvider
    from tornado import web
    from voila.app import Voila

    class TokenOnlyIdentityProvider(PasswordIdentityProvider):
        """Jupyter Server's token check, with 403 (not a login form) without the token."""

        async def get_user(self, handler: Any) -> Any:
            user = await self._get_user(handler)
            if user is None and self.token:
                # as Jupyter Server does before its own 403 (the error page reads them)
                handler.current_user = handler._jupyter_current_user = None
                why = ("this foederis app needs its token: open the address that "
                       "`foederis app` printed (it ends in ?token=...)")
                raise web.HTTPError(403, why, reason=f"Forbidden: {why}")
            return user

    class ReadyHandler(web.RequestHandler):
        def get(self) -> None:
            self.set_header("Cache-Control", "no-store")
            self.finish("ok")

    class AppServer(Voila):
        """Voila with the token, the Host/Origin allow-list and the readiness path."""

        def init_settings(self) -> dict:
            settings = super().init_settings()
            settings.update(allow_remote_access=False, local_hostnames=["localhost"])
            return settings

        def init_handlers(self) -> list:
            # first: Voila's last handler takes every path
            handlers = [(READY_PATH, ReadyHandler)] + list(super().init_handlers())
            return [(h[0], _local_only(h[1]), *h[2:]) for h in handlers]

    return AppServer, TokenOnlyIdentityProvider, ReadyHandler


def main(argv: list[str] | None = None) -> None:
    """Run the server (the token comes from :data:`TOKEN_ENV`, which is then dropped from
    the environment, so the kernels the server starts do not inherit it)."""
    AppServer, identity, _ = _classes()
    token = os.environ.pop(TOKEN_ENV, "")
    app = AppServer.instance()
    app.identity_provider_class = identity
    app.initialize(sys.argv[1:] if argv is None else argv)
    app.token = token
    app.start()


if __name__ == "__main__":
    main()
