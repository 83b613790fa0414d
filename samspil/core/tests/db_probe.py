"""A Samspil process for the database-outage tests: reads one request per line (JSON) on stdin, answers with
the status, time taken and headers on stdout. Run by `test_database_unavailable.py` with its own DATABASE_URL
(an unreachable port, a listener that never answers, a forwarder it switches on and off), so the whole stack —
session and user middleware included — meets the outage as a production process would, outside the test
database's transaction."""

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.config.settings")


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    # As in the test suite: the manifest storage would need `collectstatic`.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    # A worker that has served a page: the first request imports every view module and compiles templates,
    # which on a busy test machine costs seconds that have nothing to do with the database.
    Client(raise_request_exception=False).get("/konto/log-ind/")
    print(json.dumps({"ready": True}), flush=True)

    for line in sys.stdin:
        command = json.loads(line)
        client = Client(raise_request_exception=False, HTTP_ACCEPT=command.get("accept", "text/html"))
        if command.get("cookie"):
            client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
        started = time.monotonic()
        if command.get("method", "get") == "post":
            response = client.post(command["path"], command.get("data", {}))
        else:
            response = client.get(command["path"])
        answer = {
            "status": response.status_code,
            "seconds": time.monotonic() - started,
            "content_type": response.get("Content-Type", ""),
            "retry_after": response.get("Retry-After"),
            "body": response.content.decode(errors="replace")[:4000],
        }
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
