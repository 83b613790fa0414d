from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from samspil.access import policy
from samspil.api.serializers import PathwaySerializer
from samspil.pathways import selectors
from samspil.pathways.views import PathwayScope


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
def not_found(request):
    """Unknown API paths answer in JSON like every other API error."""
    raise NotFound


@extend_schema(exclude=True)
class ApiRootView(APIView):
    def get(self, request):
        return Response(
            {"pathways": reverse("api:pathways", request=request), "schema": reverse("api:schema", request=request)}
        )


class MyPathwaysApiView(generics.GenericAPIView):
    """The pathways the user coordinates or is on the team of (scoped, logged), newest first."""

    serializer_class = PathwaySerializer

    @extend_schema(responses=PathwaySerializer(many=True))
    def get(self, request):
        page = selectors.pathway_list_mine(
            actor=request.user,
            status=request.query_params.get("status", ""),
            cursor=request.query_params.get("cursor", ""),
        )
        next_url = None
        if page.next_cursor:
            next_url = request.build_absolute_uri(f"{request.path}?cursor={page.next_cursor}")
        return Response({"next": next_url, "results": self.get_serializer(page.rows, many=True).data})


class PathwayApiView(PathwayScope, generics.GenericAPIView):
    """One pathway: scoped and logged by the same code as the pages (`pathways.views.PathwayScope`)."""

    serializer_class = PathwaySerializer
    permission_action = policy.VIEW
    access_shown = "api.pathway"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication and permission: anonymous gets a JSON 403
        self.check_scope_attributes()
        self.resolve_pathway(request, kwargs["pathway_id"])

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        self.log_read(response)
        return response

    def get(self, request, pathway_id):
        return Response(self.get_serializer(self.pathway).data)
