from rest_framework import serializers

from samspil.pathways.models import Pathway


class PathwaySerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    programme = serializers.CharField(source="programme.name", read_only=True)
    subject = serializers.CharField(source="subject_name", read_only=True)
    coordinator = serializers.CharField(source="coordinator.get_full_name", read_only=True)
    department = serializers.CharField(source="lead_department.name", read_only=True)

    class Meta:
        model = Pathway
        fields = ["id", "programme", "subject", "status", "coordinator", "department", "opened_on", "closed_on"]
        read_only_fields = fields
