"""The main menu is rendered once per viewer state and shown twice: in the desktop bar and in the mobile drawer. The
layout's chrome (header and footer) is kept per viewer state (`core.chrome`), with the token and path of each page."""

import re

import pytest
from django.middleware.csrf import _unmask_cipher_token
from django.templatetags.static import static
from django.test import override_settings
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def menus(content: str) -> list[str]:
    return [menu.strip() for menu in re.findall(r"<ul class=\"mainmenu\">(.*?)</ul>\s*</nav>", content, flags=re.S)]


@pytest.mark.parametrize("who", ["coordinator", "citizen"])
def test_the_two_menus_are_one_rendering(client, world, who):
    if who == "coordinator":
        client.force_login(world.coordinator)
        url, item = reverse("pathways:mine"), 'aria-current="page"'
    else:
        client.force_login(f.portal_account(world.citizen))
        url, item = reverse("portal:home"), "/borger/"
    response = client.get(url)
    assert response.status_code == 200
    desktop, drawer = menus(response.content.decode())
    assert desktop == drawer and item in desktop
    assert [t.name for t in response.templates].count("includes/mainmenu.html") <= 1


def test_the_menu_does_not_change_the_pages_own_variables(rf, world):
    """The menu names its links with `{% url … as results_url %}` and the like: a page's own `results_url` (the
    programme page's link to its dashboard) must reach the page unchanged."""
    from django.template import engines

    request = rf.get(reverse("pathways:mine"))
    request.user = world.coordinator
    page = engines["django"].from_string(
        '{% extends "base.html" %}{% block content %}<p id="own">{{ results_url }}|{{ tasks_url }}</p>{% endblock %}'
    )
    content = page.render({"results_url": "/the-page-s-own/", "tasks_url": ""}, request=request)
    assert '<p id="own">/the-page-s-own/|</p>' in content
    assert reverse("programme_results:overview") in content  # the menu's own link is there all the same


def test_the_chrome_is_kept_per_viewer_with_each_page_s_token_and_path(client, world):
    from samspil.core import form_cache

    form_cache.clear()
    client.force_login(world.coordinator)
    overview = reverse("pathways:overview", args=[world.pathway.public_id])
    plan = reverse("plans:plan", args=[world.pathway.public_id])
    first = client.get(overview)
    assert [t.name for t in first.templates].count("includes/header.html") == 1
    assert [t.name for t in first.templates].count("includes/head.html") == 1
    again = client.get(plan)  # the same menu (no item is the page's): the same chrome
    templates = [t.name for t in again.templates]
    assert not {"includes/head.html", "includes/header.html", "includes/footer.html"} & set(templates)
    content = again.content.decode()
    assets = (
        "vendor/dkfds/css/dkfds.min.css",
        "samspil/samspil.css",
        "vendor/htmx/htmx.min.js",
        "vendor/dkfds/js/dkfds.min.js",
        "samspil/app.js",
    )
    for asset in assets:  # the kept head's links
        assert f'"{static(asset)}"' in content and f'"{static(asset)}"' in first.content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', content)
    assert len(tokens) >= 3 and all(re.fullmatch(r"[A-Za-z0-9]{64}", token) for token in tokens)
    secret = again.cookies["csrftoken"].value
    assert all(_unmask_cipher_token(token) == secret for token in tokens)  # the page's own token, in every form
    assert f'<input name="next" type="hidden" value="{plan}">' in content
    worklist = client.get(reverse("pathways:worklist"))  # another page of the menu: rendered for its marks
    assert [t.name for t in worklist.templates].count("includes/header.html") == 1
    desktop, drawer = menus(worklist.content.decode())
    assert desktop == drawer
    marked = r'class="mainmenu-item current active">\s*<a href="/forloeb/arbejdsliste/" class="nav-link" aria-current'
    assert re.search(marked, desktop)
    assert 'href="/forloeb/" class="nav-link"><span>' in desktop  # not the page shown: no mark
    assert "\x00" not in content and "{#" not in content and "{%" not in content


def test_the_chrome_names_the_viewer_and_escapes_the_path(client, world):
    world.coordinator.first_name, world.coordinator.last_name = "Åse <b>", "Ørn"
    world.coordinator.save()
    client.force_login(world.coordinator)
    content = client.get(reverse("pathways:mine") + "?x=1").content.decode()
    names = re.findall(r'<span class="username"><a href="[^"]+">([^<]*)<', content)
    assert names == ["Åse &lt;b&gt; Ørn"] * 2 and str(world.municipality) in content
    client.force_login(world.colleague)
    other = client.get(reverse("pathways:mine")).content.decode()
    names = re.findall(r'<span class="username"><a href="[^"]+">([^<]*)<', other)
    assert names == [world.colleague.get_full_name()] * 2


def test_a_page_without_a_request_renders_the_chrome_whole():
    from django.template.loader import render_to_string

    content = render_to_string("500.html", {})
    assert 'class="footer"' in content and "\x00" not in content and "mainmenu-item" not in content
    assert f'"{static("samspil/samspil.css")}"' in content  # the head's links too


def test_the_kept_head_follows_a_changed_setting(client, world):
    client.force_login(world.coordinator)
    client.get(reverse("pathways:mine"))
    with override_settings(STATIC_URL="/andre-filer/"):
        content = client.get(reverse("pathways:mine")).content.decode()
    assert 'href="/andre-filer/samspil/samspil.css' in content


NAV = {"staff": True, "case_work": True, "aggregates": True, "costs": True, "segmentation": True}


class _Staff:
    is_citizen_account = is_partner_account = False
    is_staff = True


@pytest.mark.parametrize(
    "path, current, exact",
    [
        ("/forloeb/", {"mine"}, {"mine"}),
        ("/forloeb/opgaver/", {"tasks"}, {"tasks"}),
        ("/forloeb/arbejdsliste/", {"worklist"}, {"worklist"}),
        ("/borgere/soeg/", {"search"}, {"search"}),
        ("/ledelse/", {"leadership"}, {"leadership"}),
        ("/programmer/", {"programmes"}, {"programmes"}),
        ("/programmer/abc/", {"programmes"}, set()),
        ("/programmer/resultater/", {"results"}, {"results"}),
        ("/programmer/abc/resultater/", {"results"}, set()),
        ("/kerneteamer/", {"coreteams"}, {"coreteams"}),
        ("/kerneteamer/abc/", {"coreteams"}, set()),
        ("/oekonomi/x/", {"economy"}, set()),
        ("/segmentering/", {"segmentation"}, {"segmentation"}),
        ("/vaeresteder/x/", {"outreach"}, set()),
        ("/forloeb/abc/", set(), set()),
        ("/admin/", set(), set()),
    ],
)
def test_the_menu_marks_the_page_s_section(path, current, exact):
    from samspil.core.chrome import menu_items

    items = menu_items(path, _Staff(), {**NAV, "tasks": {"total": 3}})
    assert [item.key for item in items] == [
        "tasks", "mine", "worklist", "search", "leadership", "programmes", "coreteams", "results", "economy",
        "segmentation", "outreach", "admin",
    ]  # fmt: skip
    assert {item.key for item in items if item.current} == current
    assert {item.key for item in items if item.exact} == exact
    assert next(item for item in items if item.key == "tasks").badge == 3


def test_the_menu_follows_the_rights():
    from samspil.core.chrome import menu_items

    class Caseworker(_Staff):
        is_staff = False

    nav = {**NAV, "aggregates": False, "costs": False, "segmentation": False, "tasks": {}}
    keys = [item.key for item in menu_items("/", Caseworker(), nav)]
    assert keys == ["tasks", "mine", "worklist", "search", "coreteams", "results", "outreach"]
