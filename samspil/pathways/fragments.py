"""Rendered parts of a pathway's pages, kept in the cache and keyed by what they show.

A part is kept under its name, the pathway, the pathway's `content_generation`, what the viewer's rights change in
it (the caller's `variant`), the language, the day and the version of the code that renders it. The database moves
the generation on in the writer's own transaction whenever anything of the pathway changes (every change-log row
and every business event written for it: `audit.signals.pathway_changed`), so a part kept under a generation shows
that generation or a later one, never an earlier: the reader reads the pathway (and its generation) before the
rows it renders. A new deploy renders afresh (`code_version`). Nothing is kept that a transaction which changed the
pathway has rendered before committing (it may still roll back).

What the key does not name: names kept outside the pathway (a department renamed, a staff user or citizen whose
name changes). A part is kept `settings.FRAGMENT_CACHE_SECONDS` at most (README: limits); 0 keeps nothing.

The CSRF token of the part's forms differs per session: the part is rendered with a stand-in that no saved text can
contain (forms refuse the null character), put in its place on every use.
"""

import hashlib
import pathlib
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.cache import cache as default_cache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString

from samspil.audit.signals import changed_in_transaction
from samspil.core.csrf import request_token
from samspil.core.form_cache import stand_in

_CODE_SUFFIXES = (".py", ".html", ".mo")


@cache
def code_version() -> str:
    """A digest of the code and templates that render the pages (read once per process): parts rendered by another
    version of the code are never shown."""
    root = pathlib.Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(digest_size=12)
    for path in sorted(root.rglob("*")):
        if path.suffix in _CODE_SUFFIXES and "tests" not in path.parts and path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _key(name: str, pathway, variant: tuple) -> str:
    parts = (
        name,
        str(pathway.public_id),  # not the id: a database made again under the same name numbers from 1 again
        pathway.content_generation,
        variant,
        translation.get_language(),
        timezone.localdate().isoformat(),
        code_version(),
    )
    return "fragment:" + hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


@dataclass
class Part:
    html: SafeString
    remembered: object  # what `remember` took from the context the part was rendered with (None without)


CSRF_STAND_IN = stand_in("csrf")


def pathway_part(
    request,
    *,
    pathway,
    name: str,
    variant: tuple,
    template_name: str,
    context,
    remember=None,
    per_view: dict | None = None,
) -> Part:
    """The part `template_name` renders with `context()` (called only when the part is not kept) for this viewer of
    `pathway`. `variant` names everything of the viewer the part shows differently (the rights it asks); the caller
    must name all of it. `remember(context)` takes what the response needs besides the HTML (the citizens it names,
    for the access log), kept with it. `per_view` names context values that differ per view (the viewer's own
    unread messages): the template gets a stand-in for each, and each view puts in what `per_view[name]()` renders.
    The part's CSRF tokens are the request's own."""
    seconds = settings.FRAGMENT_CACHE_SECONDS
    key = _key(name, pathway, variant) if seconds else None
    kept = default_cache.get(key) if key else None
    if kept is None:
        rendered = context()
        stand_ins = {"csrf_token": CSRF_STAND_IN, **{value: stand_in(value) for value in per_view or {}}}
        html = render_to_string(template_name, {**rendered, **stand_ins}, request)
        kept = (html, remember(rendered) if remember else None)
        if key and not changed_in_transaction(pathway.pk):
            default_cache.set(key, kept, seconds)
    html, remembered = kept
    if CSRF_STAND_IN in html:
        html = html.replace(CSRF_STAND_IN, request_token(request))
    for value, render in (per_view or {}).items():
        html = html.replace(stand_in(value), render())
    return Part(SafeString(html), remembered)
