"""Rewriting checkpoint archives record by record, to build corrupt or hostile files."""

from __future__ import annotations

import zipfile
from pathlib import Path


def rezip(src: Path, dst: Path, replace: dict[str, bytes | None]) -> None:
    """Copy ``src`` to ``dst``, replacing records whose name ends with a key.

    A value of ``None`` drops the record.
    """
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            match = [k for k in replace if info.filename.endswith(k)]
            if not match:
                zout.writestr(info.filename, zin.read(info))
            elif replace[match[0]] is not None:
                zout.writestr(info.filename, replace[match[0]])
