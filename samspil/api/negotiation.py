"""The API speaks JSON, whatever the client asks for.

Only `JSONRenderer` is configured (`REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"]`): DRF's browsable HTML API is
not offered. It rendered a page for a browser (`Accept: text/html`) or `?format=api` by introspecting each view
(filter forms from `get_queryset()`, which the selector-based views do not have) and answered 500. Refusing such a
request with 406 would be correct but unhelpful, so a request for a type or format no renderer of the view
offers gets the view's first renderer, i.e. JSON. Views with several renderers of their own (the OpenAPI schema:
YAML or JSON) still negotiate as usual.
"""

from django.http import Http404
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation


class FirstRendererWhenNoneMatches(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except (NotAcceptable, Http404):  # Http404: an unknown ?format=
            return renderers[0], renderers[0].media_type
