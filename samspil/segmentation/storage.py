"""Where uploaded consumption files wait for their import: a private directory, never reachable by a URL.

The files hold CPR numbers. They live in `SAMSPIL_SEGMENTATION_UPLOAD_ROOT` (default: MEDIA_ROOT/segmentation),
readable by the application's own user only (files 0o600, directories 0o700), and are deleted when their
import ends (or by the sweeper, `services.consumption_import_sweep`). Put the directory outside anything
a web server serves when MEDIA_ROOT is served.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage

FILE_MODE = 0o600
DIRECTORY_MODE = 0o700


class PrivateUploadStorage(FileSystemStorage):
    def url(self, name):
        raise ValueError("Uploaded consumption files are never served.")

    def _save(self, name, content):
        os.makedirs(self.location, mode=DIRECTORY_MODE, exist_ok=True)
        os.chmod(self.location, DIRECTORY_MODE)
        return super()._save(name, content)


def upload_root() -> str:
    return str(
        getattr(settings, "SAMSPIL_SEGMENTATION_UPLOAD_ROOT", None) or os.path.join(settings.MEDIA_ROOT, "segmentation")
    )


def upload_storage() -> PrivateUploadStorage:
    """Built per call, so a changed setting (tests) is seen."""
    return PrivateUploadStorage(
        location=upload_root(), file_permissions_mode=FILE_MODE, directory_permissions_mode=DIRECTORY_MODE
    )
