import pytest

from samspil.organisations.choices import DepartmentKind
from samspil.segmentation.tests.factories import controller
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    boss = controller()
    municipality = boss.municipality
    jobcentre = f.DepartmentFactory(municipality=municipality, kind=DepartmentKind.JOB_CENTRE)
    return {
        "boss": boss,
        "caseworker": f.make_staff(jobcentre),
        "programme": f.ProgrammeFactory(
            municipality=municipality, coordinator_department_kind=DepartmentKind.JOB_CENTRE
        ),
        "citizen": f.CitizenFactory(municipality=municipality),
        "jobcentre": jobcentre,
    }


def test_two_first_saves_of_the_rule_at_once_give_a_conflict(setting, monkeypatch):
    from samspil.core.exceptions import ConflictError
    from samspil.segmentation import services
    from samspil.segmentation.models import CandidateRule

    arguments = {
        "actor": setting["boss"],
        "min_departments": 3,
        "top_percent": None,
        "min_total_dkk": None,
        "combination": "any",
        "expected_version": 0,
    }
    services.candidate_rule_update(**arguments)
    # The other save committed after this one looked for the rule (and both passed validation).
    monkeypatch.setattr(services, "_rule_for_update", lambda municipality_id: None)
    monkeypatch.setattr(CandidateRule, "validate_constraints", lambda self, exclude=None: None)
    with pytest.raises(ConflictError):
        services.candidate_rule_update(**arguments)
    assert CandidateRule.objects.get(municipality=setting["boss"].municipality).version == 1
