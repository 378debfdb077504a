"""Caching the expensive parts of busy pages, keyed on what they show.

A view builds a `CachedPage`: the organization paths the page is about, the objects it has
already read (their field values join the key), and a function that builds the rest of the
context. The template marks the parts to cache with `{% cached_part "name" %}` (library
`pagecache`). On a hit the builder never runs, so none of its queries do.

The key holds the part's name, the full address (page, filters), the language, the htmx
headers, the user and their scope (grants), the objects' field values and the versions of
the organizations (`tongket.audit.versions.key_for`: every audited change at or under a
path, or at one of its ancestors, gives a new key). An entry is never invalidated by hand:
a change makes a new key, and old entries age out. The versions are read before the part's
data, so a part rendered while a change committed is stored under the versions before it
(which only requests that began before the commit still read) and is not lost work. CSRF
tokens are stored as a placeholder and filled in per request.

A page may ignore the topics of changes it never shows (`ignored`, e.g. `SEASON_WORK`: the
decisions and self-assessments of the season), so that their changes leave its key alone; and
it may show figures that changes it ignores do move without being keyed on them:
`{% live_figure key %}` (library `pagecache`) stores a placeholder in the part, and `live`
(the view's function from the placeholders' keys to their values, read from the maintained
tallies) fills them in on every request, hit or miss.

`TONGKET_PAGE_CACHE = False` turns it off (each part then renders as if it missed).
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import Context
from django.template.base import NodeList
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from tongket.accounts.scope import scope_for
from tongket.audit import versions

ALIAS = "pages"
# Seconds an entry lives. Entries are never stale; this bounds the memory held by entries whose
# keys a change has left behind (each change leaves the parts of its pages' old keys).
TIMEOUT = 15 * 60
HEADER = "X-Tongket-Cache"
# Stands for the request's CSRF token inside a stored part.
CSRF_PLACEHOLDER = "tongket-csrf-placeholder-5c0d2f"
# Stands for a live figure inside a stored part (`{% live_figure %}`): its key between brackets.
LIVE_PLACEHOLDER = "tongket-live-5c0d2f[{}]"
_LIVE = re.compile(r"tongket-live-5c0d2f\[([^\]<>\"']*)\]")
# The work of an evaluation season, recorded at each subject's organization: decisions,
# assessments and proposals, facts, self-assessments (topics, `versions.topic_of`). No
# organization page, member list, organization list or list of cycles shows any of it.
SEASON_WORK = (
    "evaluation.decision",
    "evaluation.assessment",
    "evaluation.facts",
    "selfassessment",
)
# Everything of the evaluation apps: cycles and their calendars, decisions, assessments, facts,
# quotas, self-assessments. No organization page, member list or organization list shows any
# of it.
EVALUATION_WORK = ("evaluation", "selfassessment")
# Party members' own changes, for pages that read their member figures live from the tally.
MEMBER_WORK = ("member", "party_role", "post")
Live = Callable[[list[str]], Mapping[str, str]]


def enabled() -> bool:
    return bool(getattr(settings, "TONGKET_PAGE_CACHE", True))


def identity(obj: Model | None) -> tuple[Any, ...]:
    """Every concrete field value of an object read before the versions were: a change to it
    between that read and the versions' read then still makes a new key."""
    if obj is None:
        return ()
    return tuple(field.value_from_object(obj) for field in obj._meta.concrete_fields)


class CachedPage:
    """One request's cached parts: built by the view, used by `{% cached_part %}`."""

    def __init__(
        self,
        request: HttpRequest,
        *,
        paths: Iterable[str],
        build: Callable[[], dict[str, Any]],
        objects: Sequence[Model | None] = (),
        ignored: Iterable[str] = (),
        live: Live | None = None,
    ) -> None:
        self.request = request
        self.paths = tuple(sorted(set(paths)))
        self.ignored = tuple(ignored)
        self.live = live
        self.build = build
        self.objects = objects
        self.outcomes: list[str] = []
        self._data: dict[str, Any] | None = None
        self._versions: str | None = None
        self._base: str | None = None

    def data(self) -> dict[str, Any]:
        if self._data is None:
            self._data = self.build()
        return self._data

    def render(
        self, template_name: str, context: dict[str, Any], status: int | None = None
    ) -> HttpResponse:
        """Render the page; its cached parts come from the cache or from `build`."""
        response = render(
            self.request, template_name, context | {"page_cache": self}, status=status
        )
        response[HEADER] = ",".join(self.outcomes) or "none"
        return response

    def _key(self, name: str) -> str:
        if self._versions is None:
            self._versions = versions.key_for(self.paths, self.ignored)
        if self._base is None:
            request = self.request
            user = request.user
            parts = [
                request.get_full_path(),
                get_language() or "",
                request.headers.get("HX-Request", ""),
                request.headers.get("HX-Target", ""),
                str(user.pk),
                repr(scope_for(user)),
                repr([identity(obj) for obj in self.objects]),
            ]
            self._base = "\x1f".join(parts)
        digest = hashlib.sha256(f"{self._base}\x1f{self._versions}".encode()).hexdigest()
        return f"page:{name}:{digest}"

    def render_part(self, name: str, nodelist: NodeList, context: Context) -> SafeString:
        if not enabled():
            self.outcomes.append("off")
            with context.push(**self.data()):
                return mark_safe(self._fill(str(nodelist.render(context))))  # noqa: S308 - rendered by the template engine
        token = str(context.get("csrf_token", ""))
        key = self._key(name)
        store = caches[ALIAS]
        stored: bytes | None = store.get(key)
        html = None if stored is None else zlib.decompress(stored).decode()
        if html is None:
            with context.push(**self.data(), csrf_token=CSRF_PLACEHOLDER):
                html = str(nodelist.render(context))
            # Stored under the versions read before the data: a change that committed in
            # between shows in the part or not, and either way only readers that read the old
            # versions (before its commit) can be served it.
            # Compressed: HTML shrinks 5–10 times, so the same memory holds that many more parts.
            store.set(key, zlib.compress(html.encode(), 1), _timeout())
            self.outcomes.append("miss")
        else:
            self.outcomes.append("hit")
        html = self._fill(html.replace(CSRF_PLACEHOLDER, token))
        return mark_safe(html)  # noqa: S308 - rendered by the template engine

    def _fill(self, html: str) -> str:
        """The part with its live figures filled in: one call of `live` for all of them."""
        keys = sorted(set(_LIVE.findall(html)))
        if not keys:
            return html
        if self.live is None:
            raise RuntimeError("A page with live figures needs its `live` function.")
        values = self.live(keys)
        return _LIVE.sub(lambda found: str(values.get(found.group(1), "—")), html)


def _timeout() -> int:
    return int(getattr(settings, "TONGKET_PAGE_CACHE_SECONDS", TIMEOUT))


def scope_paths(request: HttpRequest) -> list[str]:
    """The paths a page listing everything the user may see depends on: the whole database
    for a superuser, else the user's subtrees and their own organization."""
    scope = scope_for(request.user)
    if scope.is_superuser:
        return [versions.GLOBAL]
    paths = list(scope.read_paths)
    if scope.own_org_path:
        paths.append(scope.own_org_path)
    return paths
