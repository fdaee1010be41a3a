"""The Jinja environments of every template (``templates/``): one factory, and the filters every
template may use, registered once.

Filters: ``n`` (12.345; an em dash for a missing figure), ``nn`` (a count as offices write it:
02, 05, 12), ``pct`` (97,1%), ``d`` (14/06/2023), ``pts`` (15,52), ``dec`` (2,3; ``dec(1, 0)``
drops a ",0"), ``lower_first``, ``capitalize_first``, ``clip`` (a text cut to the environment's
limit) and ``unbroken`` (a document's numbers and dates kept on one line). Globals: ``signs``
(">=" → "≥"), ``verdicts`` (True → "Đạt"), and the words of a figure the data cannot tell:
``MISSING`` ("—"), ``UNKNOWN`` ("không rõ"), ``UNJUDGED`` (a target not judged). An environment
that renders a template someone else may have written (the sentences, a Word template) is sandboxed.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from ..base import vi
from ..base.paths import TEMPLATES_DIR

TEXT_LIMIT = 300  # characters of one text of the data shown in a report or the document (the JSON keeps it whole)
DOCUMENT_TEXT_LIMIT = 5000  # characters of one paragraph of the document (the office's own are long)
# a document's number ("19/BC-UBND", "Kế hoạch số 16/KH-UBND") or a date: never split across lines
# a document number, its number part left blank to be filled (".../QĐ-UBND") too, and a date
UNBROKEN = re.compile(r"(?:\d+|\.\.\.|…)/[0-9A-ZĐ]+(?:[-/][0-9A-ZĐ]+)*|\d{1,2}/\d{1,2}/\d{4}")


def unbroken(text: object) -> Markup:
    """``text`` (cut to :data:`DOCUMENT_TEXT_LIMIT` characters) escaped, its document numbers and
    dates each kept on one line.

    >>> str(unbroken("Báo cáo số 19/BC-UBND ngày 13/06/2023 <b>"))
    'Báo cáo số <span class="cchc-nobr">19/BC-UBND</span> ngày <span class="cchc-nobr">13/06/2023</span> &lt;b&gt;'
    >>> str(unbroken("Quyết định số .../QĐ-UBND"))
    'Quyết định số <span class="cchc-nobr">.../QĐ-UBND</span>'
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
GLOBALS = {"signs": vi.COMPARISON_SIGNS, "verdicts": vi.VERDICTS, "MISSING": vi.MISSING, "UNKNOWN": vi.UNKNOWN,
           "UNJUDGED": vi.UNJUDGED}


def clip(value: object, limit: int = TEXT_LIMIT, words: bool = False) -> object:
    """A text longer than ``limit`` characters cut to ``limit`` (its last one an ellipsis; between
    two words when ``words``); markup made by the templates themselves and other values as they are.

    >>> clip("Đăng ký khai sinh" * 100, 20), clip("xin lỗi người dân", 12, words=True)
    ('Đăng ký khai sinhĐă…', 'xin lỗi…')
    >>> clip("ngắn"), clip(3), clip(None)
    ('ngắn', 3, None)
    """
    return vi.clip_text(value, limit, words)


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
        env.filters["clip"] = lambda value, limit=clip_limit: clip(value, limit)
    env.globals.update(GLOBALS)
    return env
