"""The site layout's chrome: the head's style sheets and scripts, the header (the user area, the main menu in the
desktop bar and in the mobile drawer) and the footer (the language form) of every page that extends base.html.

Its HTML depends only on what `viewer_state` reads: who is logged in (their name, municipality and kind of account),
the main menu's items (which the user's rights, open tasks and the page's section decide: `menu_items`) and the
language. So it is rendered once per state and kept in the process (`form_cache.CHROME`; the footer once per
language); what differs on every page, the CSRF token and the page's path, is written in with stand-ins and put in
place on every request.
A page without a request (the 500 page) is rendered whole, without a token.
"""

import threading
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import setting_changed
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from samspil.core.csrf import request_token
from samspil.core.form_cache import CHROME, stand_in

CSRF_STAND_IN = stand_in("csrf")
PATH_STAND_IN = stand_in("path")
PARTS = {"head": "includes/head.html", "header": "includes/header.html", "footer": "includes/footer.html"}

LABELS = {
    "tasks": _("My tasks"),
    "mine": _("My pathways"),
    "worklist": _("Worklist"),
    "search": _("Find citizen"),
    "leadership": _("Management overview"),
    "programmes": _("Programmes"),
    "coreteams": _("Core teams"),
    "results": _("Results"),
    "economy": _("Economy"),
    "segmentation": _("Target groups"),
    "outreach": _("Drop-in centres"),
    "admin": _("Configuration"),
    "portal": _("My pathways"),
    "partner": _("Pathways I am invited to"),
    "drop_in": _("Conversations at the drop-in centre"),
}
URL_NAMES = {
    "tasks": "pathways:tasks",
    "mine": "pathways:mine",
    "worklist": "pathways:worklist",
    "search": "citizens:search",
    "leadership": "organisations:leadership",
    "programmes": "implementation:list",
    "coreteams": "coreteams:list",
    "results": "programme_results:overview",
    "economy": "economy:overview",
    "segmentation": "segmentation:overview",
    "outreach": "outreach:home",
    "admin": "admin:index",
    "portal": "portal:home",
    "partner": "partners:home",
    "drop_in": "outreach_partner:home",
}


@dataclass(frozen=True)
class MenuItem:
    key: str
    url: str
    current: bool  # the page is in the item's section: marked in the menu
    exact: bool  # the page is the item's own page: aria-current
    badge: int = 0  # open tasks, shown beside "My tasks"

    @property
    def label(self) -> str:
        return str(LABELS[self.key])


_urls: dict = {}
_urls_lock = threading.Lock()


def _url(key: str) -> str:
    """The item's address: the menu's addresses are reversed once per script prefix (and again after a setting
    changes, e.g. the URL configuration in a test)."""
    prefix = get_script_prefix()
    urls = _urls.get(prefix)
    if urls is None:
        urls = {name: reverse(url_name) for name, url_name in URL_NAMES.items()}
        with _urls_lock:
            _urls[prefix] = urls
    return urls[key]


_ID_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


def object_url(url_name: str, public_id) -> str:
    """The address of `url_name` (a page of one object, its public id the only argument) for `public_id`: the
    pattern is reversed once per script prefix, like the menu's, and the id written into it (the portal's tabs)."""
    prefix = get_script_prefix()
    key = (prefix, url_name)
    pattern = _urls.get(key)
    if pattern is None:
        pattern = reverse(url_name, args=[_ID_PLACEHOLDER])
        with _urls_lock:
            _urls[key] = pattern
    return pattern.replace(_ID_PLACEHOLDER, str(uuid.UUID(str(public_id))))  # a malformed id fails here


def _forget_urls(**kwargs) -> None:
    with _urls_lock:
        _urls.clear()


setting_changed.connect(_forget_urls)


def menu_items(path: str, user, nav) -> tuple[MenuItem, ...]:
    """The main menu for `user` on the page at `path`: a citizen's, a partner's or the staff menu by the user's rights
    (`nav`, from the `samspil` context processor). An item is current on its own page and, for a section, on every
    page under it."""
    from samspil.outreach.access import partner_centre

    items = []

    def add(key, *, section: bool = False, current=None, badge: int = 0):
        url = _url(key)
        exact = path == url
        if current is None:
            current = path.startswith(url) if section else exact
        items.append(MenuItem(key, url, bool(current), exact, badge))

    if getattr(user, "is_citizen_account", False):
        add("portal")
    elif getattr(user, "is_partner_account", False):
        add("partner")
        if partner_centre(user):
            add("drop_in", section=True)
    if nav["staff"]:
        add("tasks", badge=nav["tasks"].get("total") or 0)
    if nav["case_work"]:
        add("mine")
        add("worklist")
        add("search")
    results_page = "/resultater" in path
    if nav["aggregates"]:
        add("leadership")
        add("programmes", current=path.startswith(_url("programmes")) and not results_page)
    if nav["aggregates"] or nav["case_work"]:
        add("coreteams", section=True)
        add("results", current=path.startswith(_url("programmes")) and results_page)
    if nav["costs"]:
        add("economy", section=True)
    if nav["segmentation"]:
        add("segmentation", section=True)
    if nav["staff"]:
        add("outreach", section=True)
    if getattr(user, "is_staff", False):
        items.append(MenuItem("admin", _url("admin"), current=False, exact=False))
    return tuple(items)


@dataclass(frozen=True)
class ViewerState:
    """Everything the chrome shows of the viewer and the page: the key its HTML is kept under."""

    authenticated: bool = False
    citizen: bool = False
    name: str = ""
    municipality: str = ""
    menu: tuple = ()
    demo_mode: bool = False


def viewer_state(context) -> ViewerState:
    user = context.get("user")
    if not getattr(user, "is_authenticated", False):
        return ViewerState(demo_mode=settings.DEMO_MODE)
    request = context.get("request")
    return ViewerState(
        authenticated=True,
        citizen=user.is_citizen_account,
        name=user.get_full_name() or user.username,
        municipality=str(user.municipality) if user.municipality_id else "",
        # A context without the `samspil` context processor (a template rendered with a user but no request): no menu.
        menu=menu_items(request.path if request is not None else "", user, nav) if (nav := context.get("nav")) else (),
        demo_mode=settings.DEMO_MODE,
    )


def _render(part: str, state: ViewerState, *, csrf_token: str, path: str) -> str:
    menu = ""
    if part == "header" and state.authenticated:
        menu = render_to_string("includes/mainmenu.html", {"menu": state.menu})
    return render_to_string(
        PARTS[part],
        {
            "viewer": state,
            "main_menu": mark_safe(menu),  # our own template's rendering
            "csrf_token": csrf_token,
            "path": path,
        },
    )


def chrome(context, part: str) -> str:
    """The head's style sheets and scripts, the header or the footer (`part`) of the page being rendered in
    `context`."""
    # The head and the footer show nothing of the viewer (the footer the demo mode): one rendering per language.
    state = viewer_state(context) if part == "header" else ViewerState(demo_mode=settings.DEMO_MODE)
    request = context.get("request")
    if request is None:
        return mark_safe(_render(part, state, csrf_token=context.get("csrf_token", ""), path=""))
    # The request's one token (the context's `csrf_token` is the same, `core.context_processors.samspil`).
    token = request_token(request)
    html = _kept(part, state).replace(CSRF_STAND_IN, token).replace(PATH_STAND_IN, escape(request.path))
    # Safe: our own rendering; the path is escaped, the token is [A-Za-z0-9].
    return mark_safe(html)


def _kept(part: str, state: ViewerState) -> str:
    return CHROME.rendered(
        ("chrome", part, state, get_script_prefix()),
        lambda: _render(part, state, csrf_token=CSRF_STAND_IN, path=PATH_STAND_IN),
    )
