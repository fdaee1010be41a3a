"""Every file read on behalf of a data folder is a regular file inside that folder.

``unit.yaml``, the dossier exports, the procedure catalogue, the plan's and the scoring's files,
the office's texts (``narrative/<PERIOD>.md``) and a ``report_template:`` are read only when the
path, its links followed, ends at a regular file inside the data folder, itself resolved (docs/data.md,
"The data folder"). A link whose target stays in the folder is read as its target; a link leading
out of the folder, a named pipe, a device, a socket or a folder under a file's name is refused,
naming the file as written in the folder and why, so that no text from elsewhere on the machine
reaches a report and no read blocks on a pipe.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from ..base.problems import ProblemError, problem, problem_table

_KINDS = (
    (stat.S_ISDIR, "một thư mục", "a folder"),
    (stat.S_ISFIFO, "một đường ống (FIFO)", "a named pipe (FIFO)"),
    (stat.S_ISCHR, "một thiết bị", "a device"),
    (stat.S_ISBLK, "một thiết bị", "a device"),
    (stat.S_ISSOCK, "một socket", "a socket"),
)


def present(path: Path) -> bool:
    """Whether anything stands at ``path``: a file, a folder, a pipe, or a link, even one to nothing
    (each is then read or refused, never passed over as if absent)."""
    return os.path.lexists(path)


def label(data_dir: Path, path: Path) -> str:
    """``path`` as the user names it: relative to the data folder, before any link is followed."""
    try:
        return Path(path).relative_to(data_dir).as_posix()
    except ValueError:
        return os.path.relpath(path, data_dir).replace(os.sep, "/")


def _through_link(data_dir: Path, path: Path) -> bool:
    """Whether a link stands at ``path`` or at one of its folders below ``data_dir``."""
    here = Path(path)
    while here != data_dir and here != here.parent:
        if here.is_symlink():
            return True
        here = here.parent
    return False


MISSING = ("không có tệp này trong thư mục dữ liệu", "no such file in the data folder")
OUTSIDE = ("nằm ngoài thư mục dữ liệu", "lies outside the data folder")
_LINK_OUT = ("là liên kết dẫn ra ngoài thư mục dữ liệu: hãy đặt chính tệp đó vào thư mục",
             "a link leading out of the data folder: put the file itself in the folder")


def refusal(data_dir: Path, path: Path) -> tuple[str, str] | None:
    """Why ``path`` may not be read for ``data_dir`` (Vietnamese, English; :data:`MISSING` when
    nothing is there), or None when it is a regular file inside the data folder, links followed."""
    data_dir, path = Path(data_dir), Path(path)
    folder = data_dir.resolve()
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        if not path.resolve().is_relative_to(folder):
            return _LINK_OUT if _through_link(data_dir, path) else OUTSIDE
        if path.is_symlink():
            return ("là liên kết tới tệp không tồn tại", "a link to a file that does not exist")
        return MISSING
    except RuntimeError:  # a loop of links (Python 3.11; later versions raise OSError ELOOP)
        return ("là vòng liên kết trỏ vào nhau", "a loop of links, not a file")
    except OSError as exc:  # a loop of links, a folder that cannot be entered
        if exc.errno == errno.ELOOP:
            return ("là vòng liên kết trỏ vào nhau", "a loop of links, not a file")
        return ("không đọc được", f"cannot be read ({exc.strerror or type(exc).__name__})")
    if not real.is_relative_to(folder):
        return _LINK_OUT if _through_link(data_dir, path) else OUTSIDE
    mode = real.stat().st_mode
    for test, vi, en in _KINDS:
        if test(mode):
            return (f"là {vi}, không phải một tệp", f"{en}, not a file")
    return None


def data_file(data_dir: Path, path: Path) -> Path:
    """``path``, checked to be a regular file inside ``data_dir`` (:func:`refusal`); else
    :class:`ProblemError` naming the file as written in the folder and why."""
    why = refusal(data_dir, path)
    if why is not None:
        name = label(Path(data_dir), Path(path))
        raise ProblemError(problem_table([_problem(name, why)]), name, headline=f"{name}: {why[1]}")
    return Path(path)


def _problem(name: str, why: tuple[str, str]) -> dict:
    return problem(name, None, "", "", f"Tệp {name} {why[0]}", why[1])


def confinement_problems(data_dir: Path, paths: Iterable[Path | None]) -> list[dict]:
    """A problem (an error naming the file) for each of ``paths`` present (:func:`present`) that
    may not be read; files that are not there are for their readers to miss."""
    found = []
    for path in paths:
        if path is None or not present(path):
            continue
        why = refusal(data_dir, path)
        if why is not None:
            found.append(_problem(label(Path(data_dir), Path(path)), why))
    return found
