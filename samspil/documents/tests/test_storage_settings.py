"""Where the files go: local disk by default, S3-compatible object storage with SAMSPIL_FILE_STORAGE=s3.

The settings are loaded in a fresh interpreter with the environment under test, as a server would start.
"""

import json
import os
import subprocess
import sys

from django.conf import settings

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
storage = storages["default"]
print(json.dumps({
    "backend": settings.STORAGES["default"]["BACKEND"],
    "class": type(storage).__module__ + "." + type(storage).__name__,
    "bucket": getattr(storage, "bucket_name", None),
    "endpoint": getattr(storage, "endpoint_url", None),
    "region": getattr(storage, "region_name", None),
    "location": getattr(storage, "location", None),
    "overwrite": getattr(storage, "file_overwrite", None),
    "max_bytes": settings.SAMSPIL_DOCUMENT_MAX_BYTES,
}))
"""


def load(**env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SAMSPIL_S3_", "SAMSPIL_FILE_STORAGE", "SAMSPIL_DOCUMENT_", "AWS_"))
    }
    environment.update({"DJANGO_SETTINGS_MODULE": "samspil.config.settings", "DJANGO_DEBUG": "0", **env})
    return subprocess.run(  # noqa: S603 (our own fixed probe, with the interpreter running the tests)
        [sys.executable, "-c", PROBE], env=environment, cwd=settings.BASE_DIR, capture_output=True, text=True
    )


def test_by_default_files_are_on_local_disk_and_the_limit_is_20_mb():
    result = load()
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    assert probe["class"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert probe["max_bytes"] == 20 * 1024 * 1024


def test_s3_compatible_storage_is_configured_from_the_environment():
    result = load(
        SAMSPIL_FILE_STORAGE="s3",
        SAMSPIL_S3_BUCKET="samspil-dokumenter",
        SAMSPIL_S3_ENDPOINT_URL="https://minio.example-kommune.dk",
        SAMSPIL_S3_REGION="eu-north-1",
        SAMSPIL_S3_ACCESS_KEY_ID="test-only-key",
        SAMSPIL_S3_SECRET_ACCESS_KEY="test-only-secret",
        SAMSPIL_S3_PREFIX="samspil",
        SAMSPIL_DOCUMENT_MAX_BYTES="5242880",
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    assert probe["backend"] == "storages.backends.s3.S3Storage"
    assert probe["class"] == "storages.backends.s3.S3Storage"
    assert (probe["bucket"], probe["endpoint"], probe["region"], probe["location"]) == (
        "samspil-dokumenter",
        "https://minio.example-kommune.dk",
        "eu-north-1",
        "samspil",
    )
    assert probe["overwrite"] is False
    assert probe["max_bytes"] == 5 * 1024 * 1024


def test_s3_without_a_bucket_or_an_unknown_storage_refuses_to_start():
    missing = load(SAMSPIL_FILE_STORAGE="s3")
    assert missing.returncode != 0 and "SAMSPIL_S3_BUCKET" in missing.stderr
    unknown = load(SAMSPIL_FILE_STORAGE="ftp")
    assert unknown.returncode != 0 and "SAMSPIL_FILE_STORAGE must be local or s3" in unknown.stderr
