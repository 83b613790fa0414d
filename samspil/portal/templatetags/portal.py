"""Template tags of the citizen's portal."""

from django import template
from django.utils.translation import gettext_lazy

from samspil.core.chrome import object_url

register = template.Library()

# The tabs of one pathway, in order: the URL name, the label, and whether the tab is current only on its own page
# (the overview, whose address is the start of every other tab's) or on every page under it too.
PATHWAY_TABS = (
    ("portal:pathway", gettext_lazy("Overview"), True),
    ("portal:plan", gettext_lazy("The plan"), False),
    ("portal:assessment", gettext_lazy("Assessment"), False),
    ("portal:consent", gettext_lazy("Consent"), False),
    ("portal:insight", gettext_lazy("Insight"), False),
    ("portal:documents", gettext_lazy("Documents"), False),
    ("portal:messages", gettext_lazy("Messages"), False),
)


@register.simple_tag(takes_context=True)
def pathway_tabs(context, pathway) -> list[tuple[str, str, str, bool]]:
    """The tabs of `pathway` for the page at the request's path: (URL name, address, label, current), each address
    written into its pattern reversed once per process (`core.chrome.object_url`)."""
    request = context.get("request")
    path = request.path if request is not None else ""
    tabs = []
    for url_name, label, exact in PATHWAY_TABS:
        url = object_url(url_name, pathway.public_id)
        tabs.append((url_name, url, label, path == url if exact else url in path))
    return tabs
