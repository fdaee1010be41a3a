"""A reading of a data folder's files kept for the process while those files are unchanged, so that
the unit, the plan and the dossiers of a batch of periods are read and checked once.

A file is unchanged while its path, size and time of change are those it had when read (and, for a
folder, while no file is added or removed: the folder's own time of change). A file changed in the
last :data:`SETTLE_SECONDS` is read again each time: two writes within one tick of the file
system's clock leave the same time, and a reading is never kept on a time that cannot tell them apart.
"""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
SETTLE_SECONDS = 2.0
_KEPT: dict[tuple, tuple[tuple, object]] = {}


def file_signature(paths: Iterable[Path | None]) -> tuple:
    """The path, time of change (ns) and size of each of ``paths`` that is a file or a folder, in order;
    a path where nothing stands is left out."""
    found = []
    for path in paths:
        if path is None:
            continue
        try:
            stat = os.stat(path)
        except OSError:
            continue
        found.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(found)


def _settled(signature: tuple) -> bool:
    latest = max((mtime for _, mtime, _ in signature), default=0)
    return latest < (time.time() - SETTLE_SECONDS) * 1e9


def kept(key: tuple, paths: Callable[[], list[Path | None]], read: Callable[[], T]) -> T:
    """``read()``, or a copy of what it gave before for ``key`` while the files ``paths()`` lists are
    unchanged (each caller gets its own copy: a reading kept is never changed by one of them). An error
    of ``read`` is never kept: the files are read again and it is raised again."""
    signature = file_signature(paths())
    entry = _KEPT.get(key)
    if entry is not None and entry[0] == signature:
        return copy.deepcopy(entry[1])
    value = read()
    if _settled(signature) and signature == file_signature(paths()):
        _KEPT[key] = (signature, copy.deepcopy(value))
    return value
