"""A CPR number never appears in a URL, a log line or the change log.

The session-wide part lives in the root conftest: every requested URL and every log line of the whole run is
kept, and at the end of the session the run fails if any contains a CPR number the factories made. The tests
here prove that watch works, and check the change log and the log redaction directly.
"""

import json
import logging
import re
import uuid

import pytest
from django.urls import reverse

from samspil.audit.models import AccessLogEntry, AuditEvent, ChangeLogEntry
from samspil.citizens import cpr, services
from samspil.core.logging import RedactCprFilter
from tests import cpr_watch
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_watch_finds_both_written_forms_and_ignores_the_masked_one():
    digits = "2304851234"  # a literal: not registered with the watch
    seen = [
        cpr_watch.Seen("t", f"/x/?q={digits}", "url"),
        cpr_watch.Seen("t", "typed 230485-1234", "log"),
        cpr_watch.Seen("t", "shown as 230485-••••", "log"),
        cpr_watch.Seen("t", "nothing here", "log"),
        cpr_watch.Seen("t", "or 230485 1234", "log"),
    ]
    leaks = cpr_watch.find_leaks({digits}, seen)
    assert [item.text for item, _ in leaks] == [f"/x/?q={digits}", "typed 230485-1234", "or 230485 1234"]
    assert cpr_watch.masked("typed 230485-1234", digits) == "typed 230485-XXXX"


def test_the_watch_sees_requests_and_log_lines(client):
    marker = uuid.uuid4().hex
    logging.getLogger("samspil.test").warning("watch marker %s", marker)
    client.get("/healthz", {"probe": marker})
    assert any(marker in item.text for item in cpr_watch.WATCH.log_lines)
    assert any(item.text == f"/healthz?probe={marker}" for item in cpr_watch.WATCH.urls)


def test_the_watch_sees_log_records_before_the_redaction_filter_rewrites_them():
    digits = "1503661234"  # a literal: not registered, so it does not fail the session
    logging.getLogger("samspil.test").warning("raw %s", digits)
    assert cpr_watch.WATCH.log_lines[-1].text.endswith(f"raw {digits}")


def test_every_factory_cpr_number_is_registered(world):
    digits = cpr.decrypt(world.citizen.cpr_encrypted)
    assert digits in cpr_watch.GENERATED


def test_change_log_never_holds_the_cpr_number(world, request_id):
    digits = f.random_cpr()
    with request_id(world.coordinator, "register"):
        citizen = services.citizen_create(
            actor=world.coordinator, first_name="Karen", last_name="Blixen", cpr_number=cpr.formatted(digits)
        )
    citizen.phone = "12345678"
    citizen.save()
    citizen.set_cpr(f.random_cpr())  # a corrected number is logged as changed, but not in clear
    citizen.save()
    rows = ChangeLogEntry.objects.filter(object_id=citizen.pk, content_type__model="citizen")
    assert rows.count() == 3
    corrected = rows.get(action="update", after__phone="12345678", before__phone="12345678")
    assert "cpr_index" in corrected.changed_fields
    text = json.dumps([[row.before, row.after, row.object_repr] for row in rows], ensure_ascii=False)
    for written in cpr_watch.forms_of(digits):
        assert written not in text
    assert citizen.cpr_encrypted not in text and citizen.cpr_index not in text


def test_audit_events_and_access_log_never_hold_the_cpr_number(client, world):
    client.force_login(world.coordinator)
    client.post(reverse("pathways:cpr_reveal", args=[world.pathway.public_id, world.citizen.public_id]))
    client.post(reverse("citizens:search"), {"query": world.citizen.reveal_cpr()})
    digits = cpr.decrypt(world.citizen.cpr_encrypted)
    text = json.dumps(
        [
            list(AuditEvent.objects.values_list("data", flat=True)),
            list(AccessLogEntry.objects.values_list("shown", "purpose", "request_id")),
        ]
    )
    assert AccessLogEntry.objects.filter(shown__in=["citizen.cpr", "citizen.search"]).count() == 2
    assert not any(written in text for written in cpr_watch.forms_of(digits))


def test_failed_search_by_cpr_logs_nothing_with_the_number(client, world, caplog):
    digits = f.random_cpr()  # nobody has it
    client.force_login(world.outsider)
    with caplog.at_level(logging.DEBUG, logger="samspil"):
        response = client.post(reverse("citizens:search"), {"query": cpr.formatted(digits)})
    assert response.status_code == 200
    assert not any(written in caplog.text for written in cpr_watch.forms_of(digits))


def test_log_filter_redacts_a_cpr_number_whatever_logged_it():
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "looked up %s for %s", ("1203771234", "Ib"), None)
    assert RedactCprFilter().filter(record) is True
    assert record.getMessage() == "looked up 120377-**** for Ib"


def test_configured_console_handler_redacts():
    from django.conf import settings

    assert "redact_cpr" in settings.LOGGING["handlers"]["console"]["filters"]
    assert any(
        isinstance(flt, RedactCprFilter) for handler in logging.getLogger().handlers for flt in handler.filters
    ), "the root logger's console handler does not redact CPR numbers"


def test_the_search_form_posts_so_the_browser_never_puts_the_number_in_the_url(client, world):
    client.force_login(world.outsider)
    content = client.get(reverse("citizens:search")).content.decode()
    form = re.search(r"<form[^>]*action=\"/borgere/soeg/\"[^>]*>", content)
    assert form and 'method="post"' in form.group(0)
