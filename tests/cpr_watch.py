"""The session-wide watch that no CPR number made by the factories reaches a URL or a log line.

Pure Python on purpose: the root conftest imports it before Django is set up.
"""

import re
from dataclasses import dataclass, field

# Every place where ten digits start, optionally with a dash or space after the sixth (overlapping matches).
_CANDIDATE = re.compile(r"(?=(\d{6})[-\s]?(\d{4}))")

# Every CPR number (ten digits) the test factories generated in this session.
GENERATED: set[str] = set()


@dataclass
class Seen:
    test: str
    text: str
    kind: str  # "url" or "log"


@dataclass
class Watch:
    urls: list[Seen] = field(default_factory=list)
    log_lines: list[Seen] = field(default_factory=list)
    current_test: str = "(outside a test)"
    # Set while a test marked `sends_cpr_in_query_string` runs: it puts a CPR number in a URL on purpose.
    url_exempt: bool = False

    def record_url(self, text: str) -> None:
        if not self.url_exempt:
            self.urls.append(Seen(self.current_test, text, "url"))

    def record_log(self, text: str) -> None:
        self.log_lines.append(Seen(self.current_test, text, "log"))


WATCH = Watch()


def register(digits: str) -> str:
    GENERATED.add(digits)
    return digits


def forms_of(digits: str) -> tuple[str, str, str]:
    """The ways a CPR number is written: DDMMYYSSSS, DDMMYY-SSSS and DDMMYY SSSS."""
    return digits, f"{digits[:6]}-{digits[6:]}", f"{digits[:6]} {digits[6:]}"


def find_leaks(cprs: set[str], seen: list[Seen]) -> list[tuple[Seen, str]]:
    """Each captured line that contains one of `cprs`, in either form, with the number found."""
    leaks = []
    for item in seen:
        found = {first + last for first, last in _CANDIDATE.findall(item.text)} & cprs
        leaks.extend((item, digits) for digits in sorted(found))
    return leaks


def masked(text: str, digits: str) -> str:
    for form in forms_of(digits):
        text = text.replace(form, f"{digits[:6]}-XXXX")
    return text
