"""The portal side of the `world` fixture. Uploads go to each test's own MEDIA_ROOT (the root conftest's
`_test_settings`), never under var/."""

from dataclasses import dataclass

import pytest


@dataclass
class Portal:
    """The citizen of `world.pathway` with a portal account and the write right, and people around them."""

    citizen: object
    account: object
    stranger: object  # another citizen of the municipality with a portal account and no right on the pathway
    stranger_account: object


@pytest.fixture
def portal(world) -> Portal:
    from tests import factories as f

    world.citizen.email = "borger@example.org"
    world.citizen.save()
    world.coordinator.email = "koordinator@example-kommune.dk"
    world.coordinator.save()
    f.grant_portal(world.pathway, world.citizen, "write", by=world.coordinator)
    stranger = f.CitizenFactory(municipality=world.municipality, born=f.years_ago(40), email="fremmed@example.org")
    return Portal(
        citizen=world.citizen,
        account=f.portal_account(world.citizen),
        stranger=stranger,
        stranger_account=f.portal_account(stranger),
    )
