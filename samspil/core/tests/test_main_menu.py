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
