"""Writing a file so that a reader never sees half of it, and an earlier copy is never lost.

Every file written outside a staging folder (an index page, a workbook or a Word file saved on
its own) goes through :func:`replacing`: it is written under a temporary name in the same
folder, then renamed over the target in one step; if anything fails, the temporary file is
removed and the target is as it was. Files written into a staging folder need none of this: the
folder is published whole.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """Within the block, a temporary path beside ``target`` to write to; when the block ends
    normally it replaces ``target`` (readable by all, as a published file is), otherwise it is
    removed and ``target`` is untouched.

    >>> import tempfile; folder = Path(tempfile.mkdtemp()); (folder / "a.txt").write_text("old")
    3
    >>> try:
    ...     with replacing(folder / "a.txt") as tmp:
    ...         _ = tmp.write_text("half"); raise RuntimeError("stopped")
    ... except RuntimeError:
    ...     pass
    >>> (folder / "a.txt").read_text(), sorted(p.name for p in folder.iterdir())
    ('old', ['a.txt'])
    >>> with replacing(folder / "a.txt") as tmp:
    ...     _ = tmp.write_text("new")
    >>> (folder / "a.txt").read_text(), oct((folder / "a.txt").stat().st_mode & 0o777)
    ('new', '0o644')
    """
    target = Path(target)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a report is readable like any other file
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(target: Path, text: str) -> None:
    """``text`` written to ``target`` in UTF-8 through :func:`replacing`."""
    with replacing(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
