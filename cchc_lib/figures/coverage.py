"""What a dossier export without a column cannot tell (docs/figures.md, "What an
export without a column cannot tell").

A figure needs certain columns beyond the dossier's code and receipt date (:data:`KPI_NEEDS`,
:data:`COUNT_NEEDS`): without the resolution date and the outcome (or status), nothing is known
of which dossiers were finished, so neither Biểu II.06a's counts of resolved and pending
dossiers, nor the late list, nor any rate over them; without an apology column, no share of late
dossiers apologised for. Where an export that has dossiers of the period's window lacks such a
column, the figure is null (its keys kept), the summary says which columns are missing
(``data_quality.missing_columns``) and a notice per column names it and what the report cannot
show. The due date is not among them: a missing one is computed from the procedure catalogue,
and a dossier without either is an error of the checks.
"""

from __future__ import annotations

import pandas as pd

from ..inputs import schema as S

# whether and when a dossier was finished: the checks refuse a resolution date without an outcome
# and an outcome without a date, so an export gives both or none
FINISHING: tuple[str, ...] = (S.RESOLVED_AT, S.OUTCOME)
# the columns whose lack leaves a figure unknown, in the order the notices name them (the optional
# payment column feeds only the service index's online payment, whose note already says so)
TOLD_BY: tuple[str, ...] = (S.RESOLVED_AT, S.OUTCOME, S.CHANNEL, S.ONLINE_LEVEL, S.E_RESULT, S.SATISFACTION,
                            S.APOLOGY_AT)

# count of Biểu II.06a -> the columns it needs ((4) and (5) are null already where a channel is unknown)
COUNT_NEEDS: dict[str, tuple[str, ...]] = {
    "received_total": FINISHING, "received_online": (S.CHANNEL,), "received_direct_postal": (S.CHANNEL,),
    "carried_over": FINISHING, "resolved_total": FINISHING, "resolved_early": FINISHING,
    "resolved_on_time": FINISHING, "resolved_late": FINISHING, "pending_total": FINISHING,
    "pending_in_term": FINISHING, "pending_overdue": FINISHING,
}
COUNTS_NEED: tuple[str, ...] = (*FINISHING, S.CHANNEL)  # the columns of any count of Biểu II.06a
KPI_NEEDS: dict[str, tuple[str, ...]] = {
    "on_time_rate": FINISHING,
    "online_rate": (S.CHANNEL,),
    "full_online_rate": (S.CHANNEL, S.ONLINE_LEVEL),
    "e_result_rate": (*FINISHING, S.E_RESULT),
    "satisfaction_rate": (*FINISHING, S.SATISFACTION),
    "apology_coverage": (*FINISHING, S.APOLOGY_AT),
    "progress_766": FINISHING,
}
# measure of the service index -> the columns it needs
MEASURE_NEEDS: dict[str, tuple[str, ...]] = {**KPI_NEEDS, "early_share": FINISHING}

# what the data does not carry, in the words of the document (which names no file or column)
DATA_VI: dict[str, str] = {
    S.RESOLVED_AT: "ngày trả kết quả",
    S.OUTCOME: "kết quả xử lý",
    S.CHANNEL: "hình thức nộp hồ sơ",
    S.ONLINE_LEVEL: "mức độ dịch vụ công trực tuyến",
    S.E_RESULT: "kết quả giải quyết điện tử",
    S.SATISFACTION: "đánh giá mức độ hài lòng",
    S.APOLOGY_AT: "ngày gửi thư xin lỗi",
}
# what each missing column leaves without figures: (Vietnamese, English), for the notices
LEFT_OUT: dict[str, tuple[str, str]] = {
    S.RESOLVED_AT: ("số hồ sơ từ kỳ trước chuyển sang, đã giải quyết, đang giải quyết, quá hạn, danh sách hồ sơ "
                    "trễ hạn, thời gian giải quyết và các tỷ lệ tính trên hồ sơ đã giải quyết",
                    "the dossiers carried over, resolved, pending and overdue, the late list, the processing "
                    "time and every rate over resolved dossiers"),
    S.OUTCOME: ("số hồ sơ từ kỳ trước chuyển sang, đã giải quyết, đang giải quyết, quá hạn, danh sách hồ sơ trễ hạn, "
                "thời gian giải quyết và các tỷ lệ tính trên hồ sơ đã giải quyết; hồ sơ từ chối tiếp nhận không "
                "phân biệt được nên được tính vào số hồ sơ tiếp nhận",
                "the dossiers carried over, resolved, pending and overdue, the late list, the processing time "
                "and every rate over resolved dossiers; refused dossiers cannot be told apart and are counted "
                "as received"),
    S.CHANNEL: ("số hồ sơ trực tuyến, trực tiếp và các tỷ lệ hồ sơ trực tuyến",
                "the online and direct counts and the online rates"),
    S.ONLINE_LEVEL: ("tỷ lệ hồ sơ trực tuyến toàn trình", "the full-online rate"),
    S.E_RESULT: ("tỷ lệ hồ sơ có kết quả điện tử", "the electronic-result rate"),
    S.SATISFACTION: ("tỷ lệ hài lòng", "the satisfaction rate"),
    S.APOLOGY_AT: ("tỷ lệ hồ sơ trễ hạn có thư xin lỗi và việc xin lỗi của từng hồ sơ trễ hạn",
                   "the apology coverage and each late dossier's apology"),
}
UNKNOWN_PART = {"value": None, "numerator": None, "denominator": None}


def missing_here(data: object, classified: pd.DataFrame) -> dict[str, list[str]]:
    """The columns of :data:`TOLD_BY` that an export with dossiers in ``classified`` (the window's)
    does not give, each with those exports (from ``data.lacking``, the checked dossiers' column ->
    exports without it; none when ``data`` has no such record)."""
    lacking = getattr(data, "lacking", None) or {}
    files = set(classified[S.SOURCE_FILE].astype(str).unique().tolist()) if len(classified) else set()
    found = {column: sorted(files.intersection(lacking.get(column, ()))) for column in TOLD_BY}
    return {column: names for column, names in found.items() if names}


def unknown(needs: tuple[str, ...], missing: dict | list | set) -> list[str]:
    """The columns of ``needs`` that are ``missing``, in the order of :data:`TOLD_BY`."""
    return [column for column in TOLD_BY if column in needs and column in missing]


def blank_kpis(kpis: dict[str, dict], missing: dict) -> dict[str, dict]:
    """The KPIs, each one whose columns are missing unknown (value, numerator and denominator null)."""
    return {key: dict(UNKNOWN_PART) if unknown(KPI_NEEDS.get(key, ()), missing) else part
            for key, part in kpis.items()}


def blank_counts(counts: dict[str, int | None], missing: dict) -> dict[str, int | None]:
    """The counts of Biểu II.06a, each one whose columns are missing null."""
    return {key: None if unknown(COUNT_NEEDS.get(key, ()), missing) else value for key, value in counts.items()}


def blank_lists(summary: dict, missing: dict) -> None:
    """The processing time, the late list and the backlog made unknown in ``summary`` where the
    resolution is missing; each late dossier's apology where the apology date is; the online
    dossiers per month where the channel is."""
    if unknown(FINISHING, missing):
        summary["processing_days"] = {"count": None, "mean": None, "p90": None}
        summary["late_dossiers"] = None
        summary["backlog_by_age"] = [{**band, "pending": None, "overdue": None} for band in summary["backlog_by_age"]]
    elif S.APOLOGY_AT in missing:
        summary["late_dossiers"] = [{**row, "apology": None} for row in summary["late_dossiers"]]
    if S.CHANNEL in missing:
        summary["dossiers"]["by_month"] = [{**month, "online": None} for month in summary["dossiers"]["by_month"]]


def explain_index(index: dict, missing: dict) -> dict:
    """The service index's notes of the indicators the missing columns leave out, saying so."""
    for group in index["groups"]:
        for item in group["indicators"]:
            lacking = unknown(MEASURE_NEEDS.get(item["measure"] or "", ()), missing)
            if lacking and not item["computable"]:
                item["note"] = f"Không tính được: dữ liệu hồ sơ không có thông tin {data_words(lacking)}"
    return index


def data_words(columns: list[str]) -> str:
    """The missing data named as the document names it: ``ngày trả kết quả và kết quả xử lý``.

    >>> data_words(["resolved_at", "outcome", "apology_at"])
    'ngày trả kết quả, kết quả xử lý và ngày gửi thư xin lỗi'
    """
    words = [DATA_VI[c] for c in columns]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " và " + words[-1]


def notices(missing: dict[str, list[str]]) -> list[dict]:
    """One notice per missing column: the exports, the column and what the report cannot show."""
    result = []
    for column, files in missing.items():
        vi, en = LEFT_OUT[column]
        result.append({"file": ", ".join(files), "row": None, "column": column, "value": "",
                       "problem_vi": f"Tệp dữ liệu không có cột {DATA_VI[column]} ({column}): báo cáo không có số "
                                     f"liệu về {vi}",
                       "problem_en": f"the export has no {column} column: the report shows no figure for {en}"})
    return result


def missing_columns(summary: dict) -> list[str]:
    """The columns a summary says are missing (an older summary, without the key, or a JSON of
    another shape: none)."""
    quality = summary.get("data_quality") if isinstance(summary, dict) else None
    found = quality.get("missing_columns") if isinstance(quality, dict) else None
    return [c for c in found if isinstance(c, str)] if isinstance(found, list) else []


def not_told(summary: dict, needs: tuple[str, ...]) -> str:
    """The data a figure of ``summary`` needing ``needs`` lacks, in words ("" when none)."""
    lacking = unknown(needs, missing_columns(summary))
    return data_words(lacking) if lacking else ""
