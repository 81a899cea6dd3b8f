"""Notification channels from the org file: Apprise URLs, ``${NAME}`` expansion, secrets hidden.

Nothing here imports Apprise: ``org show`` masks channels with :func:`mask_url`,
and only ``icrm notify`` hands the expanded URLs to Apprise.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from icrm_cli.errors import InvalidValueError

_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Schemes whose host is a server address, not a token: the host may be shown.
_ADDRESS_SCHEMES = frozenset({"mailto", "mailtos", "json", "jsons", "xml", "xmls", "form", "forms"})


class ChannelError(InvalidValueError):
    """A channel that cannot be used (an unset variable, a URL Apprise does not know)."""


def mask_url(url: str) -> str:
    """The URL with every possible secret replaced by ``***``.

    ``mailtos://bot:pw@smtp.example.com?from=x`` -> ``mailtos://bot:***@smtp.example.com/***``;
    ``wecombot://KEY`` -> ``wecombot://***`` (the token is the host).
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "***"
    if scheme.lower() not in _ADDRESS_SCHEMES:
        return f"{scheme}://***"
    cut = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    netloc, tail = rest[:cut], rest[cut:]
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user, has_password, _ = userinfo.partition(":")
        netloc = f"{user}:***@{host}" if has_password else f"{user}@{host}"
    return f"{scheme}://{netloc}" + ("/***" if tail.strip("/") else "")


def expand(url: str, environ: Mapping[str, str] | None = None) -> str:
    """``${NAME}`` replaced by the environment variable; an unset one is an error naming it."""
    env = os.environ if environ is None else environ

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in env:
            raise ChannelError(f"environment variable {name} is not set")
        return env[name]

    return _VARIABLE.sub(value, url)


@dataclass(frozen=True)
class Channel:
    """One place a recipient's notices go: a URL as written in the org file.

    ``address`` is set for the org-wide mail channel (``notify: {email: URL}``): the
    person's email is added to the URL as its ``to``.
    """

    template: str
    address: str | None = None

    @property
    def fingerprint(self) -> str:
        """A stable id for the notice records; the URL itself (it may hold a secret) is not stored."""
        raw = f"{self.template}\n{self.address or ''}".encode()
        return hashlib.sha256(raw).hexdigest()[:20]

    @property
    def masked(self) -> str:
        shown = mask_url(self.template)
        return f"{shown} to {self.address}" if self.address else shown

    def url(self, environ: Mapping[str, str] | None = None) -> str:
        """The URL to hand to Apprise (variables expanded, the recipient's address added)."""
        url = expand(self.template, environ)
        if self.address:
            url += ("&" if "?" in url else "?") + "to=" + quote(self.address, safe="@")
        return url


@dataclass(frozen=True)
class ChannelBook:
    """Every channel of the org file: people's, departments' and the org-wide mail URL."""

    email: str | None
    people: dict[str, list[str]]
    departments: dict[str, list[str]]

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> ChannelBook:
        stored = settings.get("notify") or {}
        return cls(
            email=stored.get("email"),
            people={k: list(v) for k, v in (stored.get("people") or {}).items()},
            departments={k: list(v) for k, v in (stored.get("departments") or {}).items()},
        )

    def for_person(self, person: str, email: str | None) -> list[Channel]:
        found = [Channel(url) for url in self.people.get(person, [])]
        if self.email and email:
            found.append(Channel(self.email, address=email))
        return found

    def for_department(self, code: str) -> list[Channel]:
        return [Channel(url) for url in self.departments.get(code, [])]


def masked_list(urls: list[str] | None) -> list[str]:
    """Channels for display (``org show``): every secret hidden."""
    return [mask_url(url) for url in urls or []]
