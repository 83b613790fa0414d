"""The REST API of where the citizen stands: `GET /api/v1/forloeb/<id>/borgerstatus/` lists a pathway's status
entries (newest first), `POST` records one. Scoped and logged by the pages' own code (`PathwayScope`): reading needs
VIEW, recording CONTRIBUTE; validation is the service's (Danish messages per field, 422, nothing saved)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from samspil.access import policy
from samspil.meetings.models import Meeting
from samspil.pathways.selectors import subject_citizens
from samspil.pathways.views import PathwayScope
from samspil.results import services
from samspil.results.choices import (
    Benefit,
    EducationEmployment,
    Housing,
    Placement,
    PlacementKind,
    StatusOccasion,
    SubstanceUse,
)
from samspil.results.models import StatusEntry


def _choice(choices, *, required=False):
    return serializers.ChoiceField(
        choices=choices.choices,
        required=required,
        allow_blank=not required,
        default="" if not required else serializers.empty,
        error_messages={"invalid_choice": _("“{input}” is not one of the options.")},
    )


class StatusEntrySerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    citizen = serializers.UUIDField(
        source="citizen.public_id",
        required=False,
        help_text="The citizen (a family member on a family pathway); default: the pathway's citizen.",
    )
    citizen_name = serializers.CharField(source="citizen.full_name", read_only=True)
    recorded_on = serializers.DateField(
        required=False,
        error_messages={"invalid": _("Write the date as YYYY-MM-DD.")},
        help_text="Default: today.",
    )
    occasion = _choice(StatusOccasion, required=True)
    meeting = serializers.UUIDField(source="meeting.public_id", required=False, allow_null=True, default=None)
    education_employment = _choice(EducationEmployment, required=True)
    benefit = _choice(Benefit)
    placement = _choice(Placement)
    placement_kind = _choice(PlacementKind)
    placement_note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    housing = _choice(Housing)
    substance_use = _choice(SubstanceUse)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    recorded_by = serializers.CharField(source="recorded_by.get_full_name", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)

    def __init__(self, *args, pathway=None, **kwargs):
        self.pathway = pathway
        super().__init__(*args, **kwargs)

    def validate(self, attrs):
        pathway = self.pathway
        citizen_id = attrs.get("citizen", {}).get("public_id")
        subjects = {str(c.public_id): c for c in subject_citizens(pathway)}
        if citizen_id is None:
            if not pathway.citizen_id:
                raise serializers.ValidationError({"citizen": _("Choose the family member.")})
            attrs["citizen"] = pathway.citizen
        else:
            citizen = subjects.get(str(citizen_id))
            if citizen is None:
                raise serializers.ValidationError({"citizen": _("Choose a citizen the pathway is about.")})
            attrs["citizen"] = citizen
        meeting_id = (attrs.get("meeting") or {}).get("public_id")
        attrs["meeting"] = None
        if meeting_id is not None:
            meeting = Meeting.objects.filter(pathway=pathway, public_id=meeting_id).first()
            if meeting is None:
                raise serializers.ValidationError({"meeting": _("The meeting is not one of this pathway's meetings.")})
            attrs["meeting"] = meeting
        return attrs


class StatusEntriesApiView(PathwayScope, generics.GenericAPIView):
    """A pathway's status entries (where each citizen stood, dated); POST records a new one."""

    serializer_class = StatusEntrySerializer
    access_shown = "api.status"

    @property
    def permission_action(self):
        return policy.CONTRIBUTE if self.request.method == "POST" else policy.VIEW

    def get_serializer(self, *args, **kwargs):
        return super().get_serializer(*args, pathway=getattr(self, "pathway", None), **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication and permission: anonymous gets a JSON 403
        self.check_scope_attributes()
        self.resolve_pathway(request, kwargs["pathway_id"])

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if hasattr(self, "pathway"):
            self.log_read(response)
        return response

    @extend_schema(responses=StatusEntrySerializer(many=True))
    def get(self, request, pathway_id):
        entries = (
            StatusEntry.objects.filter(pathway=self.pathway)
            .select_related("citizen", "meeting", "recorded_by")
            .order_by("-recorded_on", "-id")
        )
        return Response({"results": self.get_serializer(entries, many=True).data})

    @extend_schema(request=StatusEntrySerializer, responses={201: StatusEntrySerializer})
    def post(self, request, pathway_id):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            return self._invalid(serializer.errors)
        data = dict(serializer.validated_data)
        try:
            entry = services.status_entry_record(actor=request.user, pathway=self.pathway, **data)
        except DjangoValidationError as error:
            fields = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
            return self._invalid(fields)
        return Response(self.get_serializer(entry).data, status=status.HTTP_201_CREATED)

    def _invalid(self, fields) -> Response:
        """422 with the API's error body and the Danish messages per field; nothing was saved."""
        return Response(
            {"error": {"code": "invalid", "message": str(_("Invalid input.")), "fields": fields}},
            status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
