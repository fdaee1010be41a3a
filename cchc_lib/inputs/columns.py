"""Whole-column primitives: text normalisation, value mapping and date parsing.

Every input (dossier exports, the procedure catalogue, the plan's files) goes through these,
so a cell is understood the same way wherever it comes from. They work on a whole column at
once (Arrow compute kernels, or one call per distinct value), never a Python call per cell:
a province's export of a million rows holds a few dozen distinct procedure names, statuses
or channels, and dates are parsed by format over the whole column.

Dates (docs/data.md, "Dates"): day first, always: ``dd/mm/yyyy``, ``dd/mm/yyyy HH:MM``,
``dd/mm/yyyy HH:MM:SS``, ISO ``yyyy-mm-dd`` with an optional time (space or ``T``), one-digit
day, month or hour too (``1/3/2023 8:05``), and Excel's serial day numbers (``44986``, the days
since 30/12/1899, between :data:`SERIAL_FIRST` and :data:`SERIAL_LAST`). Anything else, or a
day that does not exist (``31/02/2023``), is left unparsed for the checks to name.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

DATETIME_DTYPE = "datetime64[us]"
# Excel serials accepted as dates: 1954-10-03 … 2119-01-08 (other numbers are not dates)
SERIAL_FIRST, SERIAL_LAST = 20_000, 80_000
_EXCEL_EPOCH = np.datetime64("1899-12-30", "us")

# (strict pattern, strptime format, where the day's two digits are): the fast path; a cell
# matching none of them (one-digit parts, say) is parsed by Python's strptime, once per
# distinct value
_FAST_DATE_FORMATS: tuple[tuple[str, str, int], ...] = (
    (r"^\d{2}/\d{2}/\d{4}$", "%d/%m/%Y", 0),
    (r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$", "%d/%m/%Y %H:%M", 0),
    (r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}$", "%d/%m/%Y %H:%M:%S", 0),
    (r"^\d{4}-\d{2}-\d{2}$", "%Y-%m-%d", 8),
    (r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$", "%Y-%m-%d %H:%M", 8),
    (r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", "%Y-%m-%d %H:%M:%S", 8),
    (r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$", "%Y-%m-%dT%H:%M", 8),
    (r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$", "%Y-%m-%dT%H:%M:%S", 8),
)
_SLOW_DATE_FORMATS = tuple(fmt for _, fmt, _ in _FAST_DATE_FORMATS)


def pa_text(values: pd.Series) -> pa.Array:
    """A text column as one Arrow string array (nulls where empty)."""
    array = pa.array(values.astype("str").array if not isinstance(values.dtype, pd.StringDtype) else values.array)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array if array.type in (pa.string(), pa.large_string()) else array.cast(pa.string())


def as_text(values: pd.Series) -> pd.Series:
    """Cells as text (``str`` dtype), missing values kept missing.

    >>> as_text(pd.Series(["a", None, 3], dtype=object)).tolist()
    ['a', nan, '3']
    """
    if isinstance(values.dtype, pd.StringDtype):
        return values
    return values.astype("str")


def map_distinct(values: pd.Series, function: Callable[[object], object], dtype: object = object) -> pd.Series:
    """``function`` applied once per distinct value of the column (missing cells stay missing),
    the results spread back over the column by their codes.

    >>> map_distinct(pd.Series(["a", "b", "a", None]), str.upper).tolist()
    ['A', 'B', 'A', None]
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = [function(u) for u in uniques]
    if dtype is object:
        return pd.Series(np.array([*mapped, None], dtype=object)[codes], index=values.index, dtype=object)
    return pd.Series(pd.array(mapped, dtype=dtype).take(codes, allow_fill=True), index=values.index)


def normalize_text(values: pd.Series) -> pd.Series:
    """Text cells in Unicode NFC without surrounding white space; empty cells missing.

    >>> normalize_text(pd.Series(["  Hô\u0323 tịch ", "", None, "x"], dtype=object)).tolist()
    ['Hộ tịch', nan, nan, 'x']
    """
    text = as_text(values)
    array = pa_text(text)
    if pc.all(pc.string_is_ascii(array)).as_py() not in (True, None):
        # NFC once per distinct value: a column holds few of them, except codes (ASCII)
        encoded = array.dictionary_encode()
        dictionary = pc.utf8_normalize(encoded.dictionary, "NFC")
        array = pc.take(dictionary, encoded.indices)
    array = pc.utf8_trim_whitespace(array)
    array = pc.if_else(pc.equal(array, ""), pa.scalar(None, array.type), array)
    return pd.Series(pd.array(array, dtype="str"), index=values.index, copy=False)


def fold_key(values: pd.Series) -> pd.Series:
    """Text as compared: NFC, lower case, runs of white space folded, no space around ``/``
    (the whole-column form of :func:`cchc_lib.inputs.schema.normalize_header`).

    >>> fold_key(pd.Series(["  Hộ  TỊCH ", "Đơn vị/ cá nhân", None])).tolist()
    ['hộ tịch', 'đơn vị/cá nhân', nan]
    """
    from .schema import normalize_header

    return map_distinct(values, normalize_header, dtype="str")


def _tidy(text: object) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).split())


def one_spelling(values: pd.Series, preferred: Mapping[str, str] | None = None) -> pd.Series:
    """Names written several ways (``Hộ tịch``, ``HỘ TỊCH``, ``Hộ  tịch ``) under one spelling
    per :func:`fold_key`: the ``preferred`` one for the key (the catalogue's), else the
    spelling the column uses most (the first seen on a tie), its spaces folded. Missing cells
    stay missing; the work is done once per distinct value.

    >>> one_spelling(pd.Series(["hộ tịch", "Hộ tịch", "HỘ TỊCH", "Hộ  tịch ", "Hộ tịch", None])).tolist()
    ['Hộ tịch', 'Hộ tịch', 'Hộ tịch', 'Hộ tịch', 'Hộ tịch', nan]
    >>> one_spelling(pd.Series(["chứng thực"]), {"chứng thực": "Chứng thực"}).tolist()
    ['Chứng thực']
    """
    from .schema import normalize_header

    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if not len(uniques):
        return pd.Series(pd.array([pd.NA] * len(values), dtype="str"), index=values.index)
    spellings = [_tidy(u) for u in uniques]
    keys = [normalize_header(s) for s in spellings]
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    # the spelling used most per key (first seen on a tie: factorize keeps the order of appearance)
    table = pd.DataFrame({"key": keys, "spelling": spellings, "count": counts})
    table = table.groupby(["key", "spelling"], sort=False, as_index=False)["count"].sum()
    best = table.sort_values("count", ascending=False, kind="stable").drop_duplicates("key")
    chosen = dict(zip(best["key"], best["spelling"], strict=False))
    chosen.update({k: v for k, v in (preferred or {}).items() if k in chosen})
    result = [chosen[k] for k in keys]
    return pd.Series(pd.array(result, dtype="str").take(codes, allow_fill=True), index=values.index)


def map_values(keys: pd.Series, table: Mapping[str, object], dtype: object = object) -> pd.Series:
    """``table[key]`` for each cell (missing where the key is not in the table), looked up
    once per distinct key.

    >>> map_values(pd.Series(["a", "b", None, "a"]), {"a": 1}).tolist()
    [1, None, None, 1]
    """
    return map_distinct(keys, lambda k: table.get(k), dtype)


def _parse_fast(text: pa.Array) -> pa.Array:
    """Timestamps of the cells in one of the strict forms (null elsewhere)."""
    result = pa.nulls(len(text), pa.timestamp("us"))
    lengths = pc.utf8_length(text)
    present = set(pc.unique(lengths).to_pylist())
    for pattern, fmt, day_at in _FAST_DATE_FORMATS:
        width = len(dt.datetime(2000, 1, 1).strftime(fmt))
        if width not in present:
            continue
        candidates = pc.if_else(pc.and_kleene(pc.is_null(result), pc.equal(lengths, width)), text, None)
        matches = pc.fill_null(pc.match_substring_regex(candidates, pattern), False)
        if not pc.any(matches).as_py():
            continue
        candidates = pc.if_else(matches, text, None)
        parsed = pc.strptime(candidates, format=fmt, unit="us", error_is_null=True)
        # strptime rolls 31/02 over into March and 14:59:60 into 15:00: keep only what exists as written
        exists = _same(candidates, day_at, pc.day(parsed))
        for start, part in ((11, pc.hour), (14, pc.minute), (17, pc.second)):
            if width > start:
                exists = pc.and_kleene(exists, _same(candidates, start, part(parsed)))
        result = pc.if_else(pc.fill_null(exists, False), parsed, result)
    return result


def _same(text: pa.Array, start: int, parsed: pa.Array) -> pa.Array:
    """Whether the two digits of ``text`` at ``start`` are the parsed value."""
    written = pc.cast(pc.utf8_slice_codeunits(text, start, start + 2), pa.int64())
    return pc.equal(pc.cast(parsed, pa.int64()), written)


def _parse_slow(text: str) -> dt.datetime | None:
    for fmt in _SLOW_DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A date column parsed: (timestamps, ``datetime64[us]``, NaT where empty or not a date;
    a boolean mask of the cells that hold something that is not a date).

    A column already typed as dates (a workbook's date cells) stays as it is.

    >>> days, bad = parse_dates(pd.Series(["07/03/2023 15:30", "2023-03-06", "31/02/2023", None, "1/3/2023"]))
    >>> [str(d) for d in days]
    ['2023-03-07 15:30:00', '2023-03-06 00:00:00', 'NaT', 'NaT', '2023-03-01 00:00:00']
    >>> bad.tolist()
    [False, False, True, False, False]
    """
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        days = values.astype(DATETIME_DTYPE)
        return days, pd.Series(False, index=values.index)
    typed = pd.Series(pd.NaT, index=values.index, dtype=DATETIME_DTYPE)
    # dates are ASCII: trimming is all the normalising they need
    array = pa_text(values)
    array = pc.utf8_trim_whitespace(array)
    array = pc.if_else(pc.equal(array, ""), pa.scalar(None, array.type), array)
    text = pd.Series(pd.array(array, dtype="str"), index=values.index, copy=False)
    fast = pd.Series(_parse_fast(array).to_numpy(zero_copy_only=False), index=values.index).astype(DATETIME_DTYPE)
    typed = typed.fillna(fast)
    rest = text.notna() & typed.isna()
    if rest.any():
        plain = text.where(rest).str.fullmatch(r"\d+(\.\d+)?").fillna(False).astype(bool)
        numbers = pd.to_numeric(text.where(rest & plain), errors="coerce")
        serial = rest & numbers.between(SERIAL_FIRST, SERIAL_LAST)
        if serial.any():
            offsets = (numbers.where(serial).to_numpy() * 86_400_000_000).round()
            stamps = _EXCEL_EPOCH + pd.to_timedelta(offsets, unit="us").to_numpy()
            typed = typed.where(~serial, pd.Series(stamps, index=values.index))
        rest = rest & typed.isna()
        slow = pd.to_datetime(map_distinct(text.where(rest), _parse_slow), errors="coerce")
        typed = typed.fillna(slow.astype(DATETIME_DTYPE))
    unparsed = text.notna() & typed.isna()
    return typed, unparsed
