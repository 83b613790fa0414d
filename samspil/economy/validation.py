"""Checks shared by the economy's forms and services, so a form and a direct service call refuse the same input.

- Dates: not before 1 January 2000 and not more than ten years ahead, so that no cost is computed over centuries
  because of a typing error.
- Paragraphs of a free-municipality exemption: a strict format (`§ 12`, `§ 12, stk. 3`, `§ 31 b`,
  `§ 31 b, stk. 2, nr. 1`) or a chapter of the law, as the free-municipality application's list of law parts
  writes them (seed 001, Bilag 1: `LAB kap. 9`, `kap. 12a`, *Lov om aktiv socialpolitik kapitel 6a*), normalised
  to one spelling (`§ 31 b, stk. 2`; `kap. 6a` for `kap. 6a`, `kap 6 a`, `Kapitel 6a`), because the exemption
  report groups on it and must never show free text (a name or a CPR number typed into the field).
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST_DATE = datetime.date(2000, 1, 1)
YEARS_AHEAD = 10

_PARAGRAPH = re.compile(
    r"§\s*(?P<number>\d{1,4})(?:\s*(?P<letter>[a-zæøå]))?"
    r"(?:\s*,?\s*stk\.\s*(?P<stk>\d{1,3}))?"
    r"(?:\s*,?\s*nr\.\s*(?P<nr>\d{1,3}))?",
    re.IGNORECASE,
)
_CHAPTER = re.compile(r"kap(?:itel|\.)?\s*(?P<number>\d{1,3})(?:\s*(?P<letter>[a-zæøå]))?", re.IGNORECASE)


def latest_date(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def check_date(value: datetime.date | None) -> None:
    """Raise ValidationError for a date before 1 January 2000 or more than ten years ahead (None passes)."""
    if value is None:
        return
    if value < EARLIEST_DATE:
        raise ValidationError(_("The date cannot be before 01.01.2000."))
    if value > latest_date():
        raise ValidationError(_("The date cannot be more than ten years ahead."))


def normalised_paragraph(text: str) -> str | None:
    """The paragraph in one spelling (`§ 31 b, stk. 2`) or the chapter (`kap. 6a`), or None when it is neither."""
    text = (text or "").strip()
    chapter = _CHAPTER.fullmatch(text)
    if chapter is not None:
        return f"kap. {int(chapter['number'])}{(chapter['letter'] or '').lower()}"
    match = _PARAGRAPH.fullmatch(text)
    if match is None:
        return None
    result = f"§ {int(match['number'])}"
    if match["letter"]:
        result += f" {match['letter'].lower()}"
    if match["stk"]:
        result += f", stk. {int(match['stk'])}"
    if match["nr"]:
        result += f", nr. {int(match['nr'])}"
    return result


def check_paragraph(text: str) -> str:
    """The normalised paragraph or chapter, or ValidationError naming both formats."""
    paragraph = normalised_paragraph(text)
    if paragraph is None:
        raise ValidationError(
            _(
                "Write the paragraph as § 12, § 12, stk. 3 or § 31 b, or the chapter as kap. 9 or kap. 6a "
                "(the law is chosen in its own field)."
            )
        )
    return paragraph
