"""The Jinja environments of every template (``templates/``): one factory, and the filters every
template may use, registered once.

Filters: ``n`` (12.345; an em dash for a missing figure), ``nn`` (a count as offices write it:
02, 05, 12), ``pct`` (97,1%), ``d`` (14/06/2023), ``pts`` (15,52), ``dec`` (2,3; ``dec(1, 0)``
drops a ",0"), ``lower_first``, ``capitalize_first``, ``clip`` (a text cut to the environment's
limit) and ``unbroken`` (a document's numbers and dates kept on one line). Globals: ``signs``
(">=" → "≥") and ``verdicts`` (True → "Đạt"). An environment that renders a template someone
else may have written (the sentences, a Word template) is sandboxed.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from ..base import vi
from ..base.paths import TEMPLATES_DIR

DOCUMENT_TEXT_LIMIT = 5000  # characters of one paragraph of the document (the office's own are long)
# a document's number ("19/BC-UBND", "Kế hoạch số 16/KH-UBND") or a date: never split across lines
UNBROKEN = re.compile(r"\d+/[0-9A-ZĐ]+(?:[-/][0-9A-ZĐ]+)*|\d{1,2}/\d{1,2}/\d{4}")


def unbroken(text: object) -> Markup:
    """``text`` (cut to :data:`DOCUMENT_TEXT_LIMIT` characters) escaped, its document numbers and
    dates each kept on one line.

    >>> str(unbroken("Báo cáo số 19/BC-UBND ngày 13/06/2023 <b>"))
    'Báo cáo số <span class="cchc-nobr">19/BC-UBND</span> ngày <span class="cchc-nobr">13/06/2023</span> &lt;b&gt;'
    """
    escaped = str(escape(vi.clip_text(str(text), DOCUMENT_TEXT_LIMIT)))
    return Markup(UNBROKEN.sub(lambda m: f'<span class="cchc-nobr">{m.group(0)}</span>', escaped))


def capitalize_first(text: str) -> str:
    """``text`` with its first letter in capitals.

    >>> capitalize_first("trong quý III")
    'Trong quý III'
    """
    return text[:1].upper() + text[1:]


FILTERS = {"n": vi.number, "nn": vi.count, "pct": vi.percent, "d": vi.date, "pts": vi.points, "dec": vi.decimal,
           "lower_first": vi.lower_first, "capitalize_first": capitalize_first, "unbroken": unbroken}
GLOBALS = {"signs": vi.COMPARISON_SIGNS, "verdicts": vi.VERDICTS}


def environment(folder: Path | None = TEMPLATES_DIR, *, clip_limit: int | None = None, sandboxed: bool = False,
                **options: object) -> jinja2.Environment:
    """An environment of the templates under ``folder`` (None: templates given as text), with
    :data:`FILTERS` and :data:`GLOBALS`; ``clip_limit``: the default length of the ``clip``
    filter; ``sandboxed``: a :class:`~jinja2.sandbox.SandboxedEnvironment`. ``options`` go to
    the environment as they are (``autoescape``, ``undefined``, ``finalize``, …)."""
    kind = SandboxedEnvironment if sandboxed else jinja2.Environment
    env = kind(loader=jinja2.FileSystemLoader(folder) if folder is not None else None, **options)
    env.filters.update(FILTERS)
    if clip_limit is not None:
        env.filters["clip"] = lambda value, limit=clip_limit: vi.clip_text(value, limit)
    env.globals.update(GLOBALS)
    return env
