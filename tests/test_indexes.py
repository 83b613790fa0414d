"""Foreign keys of the write path that lead a composite index have no single-column index of their own: every saved
agreement writes a row into each of these tables and into every index of them (plans/0006, audit/0008)."""

import pytest
from django.db import connection

# (table, column): a foreign key whose look-ups and checks a composite index leading with it serves.
SERVED_BY_A_COMPOSITE = [
    ("plans_agreement", "goal_id"),
    ("plans_agreement", "pathway_id"),
    ("plans_agreement", "owner_id"),
    ("plans_planrevision", "pathway_id"),
    ("audit_auditevent", "pathway_id"),
    ("audit_changelogentry", "pathway_id"),
    ("audit_changelogentry", "content_type_id"),
]


def _indexes(table: str) -> list[list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return [list(info["columns"]) for info in constraints.values() if info["index"] and not info["primary_key"]]


@pytest.mark.django_db
@pytest.mark.parametrize(("table", "column"), SERVED_BY_A_COMPOSITE)
def test_a_foreign_key_led_by_a_composite_index_has_no_index_of_its_own(table, column):
    indexes = _indexes(table)
    assert [column] not in indexes
    assert any(len(columns) > 1 and columns[0] == column for columns in indexes), indexes


@pytest.mark.django_db
def test_a_foreign_key_without_such_an_index_keeps_its_own():
    # The check above can fail: the agreement's family member leads no composite index and keeps its own.
    assert ["owner_member_id"] in _indexes("plans_agreement")
