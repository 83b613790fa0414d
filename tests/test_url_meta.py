"""How every URL is scoped, checked against its line in the permission matrix.

The lines are in `tests/test_permission_matrix.py`: a `PathwayUrl` for a page about one pathway (with the action it
needs), a `Page` for every other URL (who may use it, and why), or a namespace in `EXCLUDED_NAMESPACES` with the
reason. That file's meta-tests fail for a URL without a line; these check that the line tells the truth about the
view: a `PathwayMixin` view is declared as a `PathwayUrl` with the view's own `permission_action`, and a `Page` is
not a pathway view.
"""

import pytest

from samspil.access import policy
from samspil.pathways.views import PathwayMixin
from tests import permission_world as pw
from tests.test_permission_matrix import EXCLUDED_NAMESPACES, PAGES, PATHWAY_URLS

STRENGTH = {policy.VIEW: 1, policy.CONTRIBUTE: 2, policy.MANAGE: 3}


def all_urls():
    return pw.walk_urls(EXCLUDED_NAMESPACES)


def is_pathway_view(url) -> bool:
    return url.view_class is not None and issubclass(url.view_class, PathwayMixin)


def test_the_walk_finds_the_urls_we_know():
    names = {url.name for url in all_urls()}
    assert {"pathways:overview", "citizens:search", "healthz", "api:pathway", "economy:overview"} <= names
    assert not any(name and name.startswith("admin:") for name in names)
    everything = {url.name for url in pw.walk_urls()}
    assert "admin:index" in everything  # the exclusion is what keeps the admin out, not the walk


@pytest.mark.parametrize("url", [u for u in all_urls() if is_pathway_view(u)], ids=lambda u: u.name)
def test_a_pathway_view_is_declared_with_its_own_action(url):
    action = url.view_class.permission_action
    assert action in policy.ACTIONS, f"{url.view_class.__name__} ({url.name}) must set permission_action"
    lines = [d for d in PATHWAY_URLS if d.name == url.name]
    assert lines, f"{url.name} is scoped by PathwayMixin: declare it as a PathwayUrl, not as a Page"
    plain = [d for d in lines if not d.query]
    assert [d.action for d in plain] == [action], (
        f"{url.name}: the matrix says {[d.action for d in plain]}, the view's permission_action is {action!r}"
    )
    for variant in lines:  # a query string may ask for more (the case-file PDF), never for less
        assert STRENGTH[variant.action] >= STRENGTH[action], f"{url.name}?{variant.query} needs less than the view"


def test_a_pathway_url_is_a_pathway_view():
    walked = {url.name: url for url in all_urls()}
    wrong = [
        d.name
        for d in PATHWAY_URLS
        if d.name in walked and not is_pathway_view(walked[d.name]) and not d.api  # the API resolves via pathway_get
    ]
    assert not wrong, f"declared as pathway URLs but not PathwayMixin views: {wrong}"


def test_every_page_says_why_it_needs_no_pathway_scope():
    walked = {url.name: url for url in all_urls()}
    scoped = [page.name for page in PAGES if page.name in walked and is_pathway_view(walked[page.name])]
    assert not scoped, f"PathwayMixin views declared as Page (move them to PATHWAY_URLS): {scoped}"
    assert all(len(page.why) >= 10 for page in PAGES), "every Page needs a reason"
    assert all(len(reason) >= 10 for reason in EXCLUDED_NAMESPACES.values())


def test_pathway_mixin_refuses_a_view_without_permission_action(rf, db):
    from django.views import View

    from tests import factories as f

    class Careless(PathwayMixin, View):
        def get(self, request, pathway_id):
            raise AssertionError("must not be reached")

    request = rf.get("/x/")
    request.user = f.StaffUserFactory()
    with pytest.raises(ValueError, match="permission_action"):
        Careless.as_view()(request, pathway_id="00000000-0000-0000-0000-000000000000")
