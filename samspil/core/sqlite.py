"""The SQLite database files are readable by the app's own user only (0600).

SQLite creates the database file with the process umask (usually world-readable: 0644), and its `-wal`,
`-shm` and `-journal` files take the database file's mode. So the first connection of each process narrows the
mode of the file and of the companions that exist; companions made later inherit 0600. var/ itself is 0700
(settings).
"""

import os
import stat

from django.db.backends.signals import connection_created

_COMPANIONS = ("", "-wal", "-shm", "-journal")


def restrict_sqlite_files(sender, connection, **kwargs) -> None:
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return
    for suffix in _COMPANIONS:
        path = name + suffix
        try:
            if stat.S_IMODE(os.stat(path).st_mode) & 0o077:
                os.chmod(path, 0o600)
        except FileNotFoundError:
            continue
        except OSError:  # not ours to change: its owner decides
            continue


def connect() -> None:
    connection_created.connect(restrict_sqlite_files, dispatch_uid="samspil.core.sqlite.restrict_sqlite_files")
