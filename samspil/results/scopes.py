"""The scopes of this app's models for staff (see samspil/access/policy.py): a status entry is visible exactly when its
pathway is. Figures across pathways (the documentation model, dashboards) are read for `policy.AGGREGATE` by the
selectors of `results.documentation`, never row by row."""

from samspil.access import policy
from samspil.access.scopes import pathway_child_scope
from samspil.results.models import StatusEntry

policy.register(StatusEntry)(pathway_child_scope)
