"""Every URL is either scoped by `PathwayMixin` or listed here as public or self-scoped, with the reason.

A new URL that is neither fails this test: scope it with PathwayMixin (and add it to the permission
matrix), or add it below and say why it needs no pathway scope.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from samspil.access import policy
from samspil.pathways.views import PathwayMixin

PUBLIC_OR_SELF_SCOPED = {
    "home": "redirects to My pathways; shows nothing",
    "healthz": "liveness for load balancers; database status only",
    "accounts:login": "the log-in page",
    "accounts:logout": "ends the user's own session (POST only)",
    "set_language": "Django's language switch; stores a preference in the session",
    "pathways:mine": "lists only pathways the user coordinates or is on the team of (selector pathway_list_mine)",
    "pathways:worklist": "only pathways the user coordinates (Pathway.visible_to MANAGE in pathways.worklist)",
    "pathways:break_glass": "the way in from outside the scope: case roles of the same municipality only; the "
    "reason is required, logged and shown to the coordinator",
    "citizens:search": "intake search for case roles (CaseWorkMixin); every result is access-logged",
    "citizens:create": "intake registration for case roles (CaseWorkMixin)",
    "citizens:open_pathway": "intake for case roles (CaseWorkMixin); the citizen is loaded through the INTAKE "
    "scope and logged",
    "organisations:leadership": "aggregate numbers for leader roles; no names or case content",
    **{
        f"segmentation:{name}": "segmentation roles only (SegmentationMixin, policy.can_segment; others 404); "
        "imported data read through the segmentation scope, persons shown are access-logged"
        for name in (
            "overview",
            "upload",
            "import",
            "import_progress",
            "import_bad_rows",
            "candidates",
            "rule",
            "candidate",
            "classify",
            "open_pathway",
        )
    },
    "economy:overview": "cost figures for controllers (all) and aggregate roles (their departments); 404 otherwise",
    "economy:department": "cost figures of one department: controllers, or aggregate roles of that department",
    "economy:exemptions": "counts of exemption uses for controllers and aggregate roles; no names",
    "economy:operating_costs": "programme operating costs (no citizen data): controllers, aggregate roles",
    "economy:services": "the service catalogue: prices, no personal data; staff of the municipality",
    "economy:service_create": "catalogue entry: controllers only (policy.can_see_costs)",
    "economy:service_update": "catalogue entry of the own municipality: controllers only",
    "api:root": "links only",
    "api:schema": "the OpenAPI description; no data",
    "api:pathways": "only pathways the user coordinates or is on the team of (selector pathway_list_mine)",
    "api:pathway": "scoped through selectors.pathway_get (VIEW) and in the permission matrix",
    "api:not_found": "answers every unknown API path with a JSON 404; shows nothing",
}
# Whole namespaces outside the rule, with the reason.
EXCLUDED_NAMESPACES = {
    "admin": "Django's admin: superusers only, and it registers configuration models only, no citizen data",
}


def walk(patterns, namespace=""):
    """Yield (full name, pattern) for every URL pattern below `patterns`."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            if inner in EXCLUDED_NAMESPACES:
                continue
            full = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from walk(pattern.url_patterns, full)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, pattern


def all_patterns():
    return list(walk(get_resolver().url_patterns))


def test_the_walk_finds_the_urls_we_know():
    names = {name for name, _ in all_patterns()}
    assert {"pathways:overview", "citizens:search", "healthz", "api:pathway"} <= names
    assert not any(name and name.startswith("admin:") for name in names)


@pytest.mark.parametrize(("name", "pattern"), all_patterns(), ids=lambda value: str(value))
def test_every_url_is_scoped_or_listed(name, pattern):
    assert name, f"the URL {pattern.pattern} has no name; name it so it can be listed or tested"
    view_class = getattr(pattern.callback, "view_class", None)
    if view_class is not None and issubclass(view_class, PathwayMixin):
        assert view_class.permission_action in policy.ACTIONS, (
            f"{view_class.__name__} ({name}) must set permission_action to one of {policy.ACTIONS}"
        )
        assert name not in PUBLIC_OR_SELF_SCOPED, f"{name} is scoped by PathwayMixin; remove it from the list"
        return
    assert name in PUBLIC_OR_SELF_SCOPED, (
        f"{name} ({pattern.pattern}) is neither a PathwayMixin view nor listed in PUBLIC_OR_SELF_SCOPED with a reason"
    )


def test_the_list_has_no_stale_entries():
    names = {name for name, _ in all_patterns()}
    stale = set(PUBLIC_OR_SELF_SCOPED) - names
    assert not stale, f"remove from PUBLIC_OR_SELF_SCOPED (no such URL any more): {sorted(stale)}"


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
