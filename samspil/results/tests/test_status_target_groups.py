"""Target groups: seeded per programme (KL's citizen types 1–6 for the KL programme), set on the overview by the
coordinator (version-checked), only a group of the pathway's own programme."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from samspil.core.exceptions import ConflictError
from samspil.pathways import programmes as prog
from samspil.pathways.models import TargetGroup
from samspil.results import services
from samspil.segmentation.choices import CitizenType
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_every_new_municipality_gets_the_target_groups_once():
    municipality = f.MunicipalityFactory()
    programmes = {p.code: p for p in prog.programmes_seed(municipality=municipality)}
    kl = TargetGroup.objects.filter(programme=programmes[prog.KL_COHERENCE]).order_by("position")
    assert [g.code for g in kl] == [f"type-{t.value}" for t in CitizenType]
    for code in (prog.ROAD_TO_EDUCATION, prog.ONE_FAMILY, prog.CROSS_SECTOR, prog.DROP_IN):
        assert 2 <= TargetGroup.objects.filter(programme=programmes[code]).count() <= 4
    before = TargetGroup.objects.count()
    prog.programmes_seed(municipality=municipality)
    assert TargetGroup.objects.count() == before


def test_the_coordinator_sets_a_group_of_the_programme(world, client):
    mine = TargetGroup.objects.create(municipality=world.municipality, programme=world.programme, code="a", name="A")
    other_programme = f.ProgrammeFactory(municipality=world.municipality)
    foreign = TargetGroup.objects.create(municipality=world.municipality, programme=other_programme, code="b", name="B")
    with pytest.raises(ValidationError):
        services.pathway_target_group_set(
            actor=world.coordinator, pathway=world.pathway, target_group=foreign, expected_version=world.pathway.version
        )
    with pytest.raises(ConflictError):
        services.pathway_target_group_set(
            actor=world.coordinator,
            pathway=world.pathway,
            target_group=mine,
            expected_version=world.pathway.version - 1,
        )
    client.force_login(world.coordinator)
    url = reverse("results:target_group", args=[world.pathway.public_id])
    response = client.post(
        url, {"target_group-target_group": str(foreign.public_id), "target_group-version": world.pathway.version}
    )
    assert response.status_code == 422
    response = client.post(
        url, {"target_group-target_group": str(mine.public_id), "target_group-version": world.pathway.version}
    )
    assert response.status_code == 302
    world.pathway.refresh_from_db()
    assert world.pathway.target_group == mine
    client.force_login(world.colleague)  # the team reads, only the coordinator sets it
    assert client.post(url, {}).status_code == 403
