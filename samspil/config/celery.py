"""Celery application. Without a broker configured, tasks run eagerly in the calling process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspil.config.settings")

app = Celery("samspil")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
