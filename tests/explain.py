"""PostgreSQL's plan of a query, for the tests that assert how it is read (an index, not a scan and a sort)."""

import json

from django.db import connection


def plan_nodes(sql: str, params=None) -> list[dict]:
    """Every node of the plan of `sql` (`EXPLAIN (FORMAT JSON)`), InitPlans and SubPlans included. Without `params`
    the SQL is sent as it is (a captured query with its values written in may hold a literal %)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (document,) = cursor.fetchone()
    if isinstance(document, str):
        document = json.loads(document)
    nodes, todo = [], [document[0]["Plan"]]
    while todo:
        node = todo.pop()
        nodes.append(node)
        todo.extend(node.get("Plans", []))
    return nodes
