"""The main menu is rendered once per page and shown twice: in the desktop bar and in the mobile drawer."""

import re

import pytest
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
    assert [t.name for t in response.templates].count("includes/mainmenu.html") == 1


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
