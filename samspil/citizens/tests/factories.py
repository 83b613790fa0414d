"""Test data of the family's household, for the permission matrix (`tests/permission_world.py`)."""

from samspil.citizens.models import HouseholdMember


def permission_world_family(pathway) -> dict:
    """The URL targets of a family pathway's household pages: a current member whose membership can be ended (the
    first adult). Nothing is added, so the family's citizens stay those of `make_family`."""
    member = (
        HouseholdMember.objects.current()
        .filter(household_id=pathway.household_id, role="adult")
        .order_by("member_from", "id")
        .first()
    )
    return {("family", "household_member_id"): member.public_id}
