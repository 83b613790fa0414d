"""The questionnaires of a measurement round: their items, in the order asked, and their scales.

WHO-5 (measure 1) is the WHO-5 Well-Being Index in its official Danish wording (Psykiatrisk Center Nordsjælland,
WHO Collaborating Centre in Mental Health): five statements about the last two weeks, each answered 0–5; the raw
score (0–25) times 4 is the score 0–100 (`figures.who5_score`). The staff questionnaires (measures 4 and 6) and
the leader group's assessment (measures 8–9) are answered on a 1–5 agreement scale. The Danish texts are the
catalogue's translations of these English msgids; WHO-5's are the official ones.
"""

from django.utils.translation import gettext_lazy as _

# WHO-5: "In the last two weeks …" and the five statements.
WHO5_INTRO = _("In the last two weeks …")
WHO5_ITEMS = (
    _("… I have felt cheerful and in good spirits"),
    _("… I have felt calm and relaxed"),
    _("… I have felt active and vigorous"),
    _("… I woke up feeling fresh and rested"),
    _("… my daily life has been filled with things that interest me"),
)
WHO5_SCALE = (
    (5, _("All of the time")),
    (4, _("Most of the time")),
    (3, _("More than half of the time")),
    (2, _("Less than half of the time")),
    (1, _("Some of the time")),
    (0, _("At no time")),
)
WHO5_MIN, WHO5_MAX = 0, 5

AGREEMENT_SCALE = (
    (5, _("Agree completely")),
    (4, _("Agree")),
    (3, _("Neither agree nor disagree")),
    (2, _("Disagree")),
    (1, _("Disagree completely")),
)
AGREEMENT_MIN, AGREEMENT_MAX = 1, 5

# Measure 4: a team member's assessment of the quality of one pathway.
PATHWAY_QUALITY_ITEMS = (
    _("The citizen has one shared plan that everyone on the team works from."),
    _("The team knows each other's efforts in this pathway."),
    _("The citizen takes part in the decisions about their pathway."),
    _("The pathway makes a positive difference for the citizen."),
)

# Measure 6: a staff member's assessment of the degree of coordination in their work.
COORDINATION_ITEMS = (
    _("I know who coordinates the pathways of the citizens I work with."),
    _("Information about a citizen is shared across departments in time."),
    _("Decisions about a citizen are made together across departments."),
    _("The efforts of the departments are coordinated rather than parallel."),
    _("I can reach the right colleague in another department when a citizen needs it."),
)

# Measures 8 and 9: the leader group's assessment.
STEERING_QUESTION = _("Steering across departments and areas: to what degree is the municipality steered as one?")
BUDGETS_QUESTION = _("Budgets and spending: are they optimised together across departments and areas?")
LEADER_SCALE = (
    (5, _("To a very high degree")),
    (4, _("To a high degree")),
    (3, _("To some degree")),
    (2, _("To a low degree")),
    (1, _("Not at all")),
)
