import pytest


@pytest.fixture
def controller(world):
    """A controller in the job centre: sees the costs of the whole municipality, on no team."""
    from samspil.organisations.choices import StaffRole
    from tests import factories as f

    return f.make_staff(world.jobs, StaffRole.CONTROLLER)


@pytest.fixture
def team(world):
    """The world with the job centre covered by consent, so the jobworker works in the pathway (CONTRIBUTE)."""
    from tests import factories as f

    f.ConsentFactory(pathway=world.pathway, departments=[world.jobs])
    return world
