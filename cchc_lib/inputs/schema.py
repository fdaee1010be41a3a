"""Canonical dossier columns, their vocabularies and the export headers that name them.

Every module and notebook uses these constants rather than string literals.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

# Canonical dossier columns (docs/data.md, "Dossier exports").
DOSSIER_ID = "dossier_id"
PROCEDURE = "procedure"
FIELD = "field"
RECEIVED_AT = "received_at"
DUE_AT = "due_at"
RESOLVED_AT = "resolved_at"
OUTCOME = "outcome"
CHANNEL = "channel"
ONLINE_LEVEL = "online_level"
E_RESULT = "e_result"
SATISFACTION = "satisfaction"
APOLOGY_AT = "apology_at"
PAYMENT = "payment"  # optional: how the fee was paid (QĐ 766/QĐ-TTg, online payment)

# the dossier KPIs: the rates a period's summary gives (cchc_lib.figures.dossiers.compute_kpis) and a
# plan's target may name; the first five are the main ones every report and index shows
KPI_KEYS: tuple[str, ...] = ("on_time_rate", "online_rate", "full_online_rate", "e_result_rate", "satisfaction_rate",
                             "apology_coverage", "progress_766")
MAIN_KPIS: tuple[str, ...] = KPI_KEYS[:5]

DOSSIER_COLUMNS: tuple[str, ...] = (
    DOSSIER_ID,
    PROCEDURE,
    FIELD,
    RECEIVED_AT,
    DUE_AT,
    RESOLVED_AT,
    OUTCOME,
    CHANNEL,
    ONLINE_LEVEL,
    E_RESULT,
    SATISFACTION,
    APOLOGY_AT,
    PAYMENT,
)
REQUIRED_COLUMNS: tuple[str, ...] = (DOSSIER_ID, RECEIVED_AT)
# Columns an export may lack: the report still runs, says what was missing, and fills what it
# can (the field from the procedure catalogue; an unknown channel is shown as "không rõ").
EXPECTED_COLUMNS: tuple[str, ...] = (PROCEDURE, FIELD, DUE_AT, RESOLVED_AT, OUTCOME, CHANNEL)
DATE_COLUMNS: tuple[str, ...] = (RECEIVED_AT, DUE_AT, RESOLVED_AT, APOLOGY_AT)

# The procedure catalogue (procedures.csv): each procedure's field and legal processing time.
LEGAL_DAYS = "legal_days"  # working days; 0 = same day ("trong ngày")
CATALOGUE_COLUMNS: tuple[str, ...] = (PROCEDURE, FIELD, LEGAL_DAYS)
SAME_DAY_WORDS = ("trong ngày", "trong ngày làm việc", "0")
# The longest legal time accepted (docs/data.md, "The procedure catalogue"): the longest procedures of
# the one-stop desks (land, construction) take a few dozen working days; more is a typing slip.
MAX_LEGAL_DAYS = 90

# The window of dates that can be right (docs/checks.md, "Checks"): no one-stop system kept dossiers
# before 2000; a dossier is not received, resolved or apologised for after the day the report
# is made; a due date lies at most DUE_AHEAD_DAYS after it.
EARLIEST_DATE = dt.date(2000, 1, 1)
DUE_AHEAD_DAYS = 2 * 366
NOT_AFTER_TODAY: tuple[str, ...] = (RECEIVED_AT, RESOLVED_AT, APOLOGY_AT)


def report_day() -> dt.date:
    """The day the report is made (today): no dossier date or plan update may lie after it."""
    return dt.date.today()


def latest_date(column: str, today: dt.date | None = None) -> dt.date:
    """The latest day a dossier date column may hold: today, or for ``due_at`` today +
    :data:`DUE_AHEAD_DAYS`."""
    today = today or report_day()
    return today if column in NOT_AFTER_TODAY else today + dt.timedelta(days=DUE_AHEAD_DAYS)

# Derived dossier columns.
DUE_COMPUTED = "due_computed"  # True where due_at came from the catalogue, not the export

# Where each row came from, kept beside the canonical columns for error messages.
SOURCE_FILE = "source_file"
SOURCE_ROW = "source_row"

# Outcome vocabulary.
RESOLVED = "resolved"
WITHDRAWN = "withdrawn"
RETURNED = "returned"
REFUSED = "refused"
FINISHED_OUTCOMES = (RESOLVED, WITHDRAWN, RETURNED)  # a finished dossier has one of these and a date
# Channel vocabulary.
ONLINE = "online"
DIRECT = "direct"
POSTAL = "postal"
# Online service level and satisfaction.
FULL = "full"
PARTIAL = "partial"
SATISFIED = "satisfied"
NEUTRAL = "neutral"
DISSATISFIED = "dissatisfied"
# Payment of the dossier's fee: online, at the desk or otherwise (direct), no fee to pay (none).
NO_FEE = "none"

# Accepted spellings of each value (compared after normalize_header: NFC, lower case, spaces folded).
VALUE_ALIASES: dict[str, dict[str, str]] = {
    OUTCOME: {
        "đã giải quyết": RESOLVED, RESOLVED: RESOLVED,
        "rút hồ sơ": WITHDRAWN, WITHDRAWN: WITHDRAWN,
        "trả lại": RETURNED, "trả lại hồ sơ": RETURNED, RETURNED: RETURNED,
        "từ chối tiếp nhận": REFUSED, REFUSED: REFUSED,
    },
    CHANNEL: {
        "trực tuyến": ONLINE, ONLINE: ONLINE,
        "trực tiếp": DIRECT, DIRECT: DIRECT,
        "bưu chính công ích": POSTAL, "bưu chính": POSTAL, "dịch vụ bưu chính công ích": POSTAL, POSTAL: POSTAL,
        "qua bưu chính công ích": POSTAL, "qua dịch vụ bưu chính công ích": POSTAL, "nộp trực tuyến": ONLINE,
        "nộp trực tiếp": DIRECT, "trực tiếp tại bộ phận một cửa": DIRECT,
    },
    ONLINE_LEVEL: {
        "toàn trình": FULL, "dvc toàn trình": FULL, "mức độ 4": FULL, "mức 4": FULL, FULL: FULL,
        "một phần": PARTIAL, "dvc một phần": PARTIAL, "mức độ 3": PARTIAL, "mức 3": PARTIAL, PARTIAL: PARTIAL,
    },
    E_RESULT: {
        "có": "true", "true": "true", "yes": "true", "1": "true", "x": "true",
        "không": "false", "false": "false", "no": "false", "0": "false",
    },
    SATISFACTION: {
        "hài lòng": SATISFIED, "rất hài lòng": SATISFIED, SATISFIED: SATISFIED,
        "bình thường": NEUTRAL, NEUTRAL: NEUTRAL,
        "không hài lòng": DISSATISFIED, DISSATISFIED: DISSATISFIED,
    },
    PAYMENT: {
        "trực tuyến": ONLINE, "thanh toán trực tuyến": ONLINE, "qua mạng": ONLINE, "có": ONLINE, ONLINE: ONLINE,
        "true": ONLINE, "yes": ONLINE, "1": ONLINE, "x": ONLINE,
        "tiền mặt": DIRECT, "trực tiếp": DIRECT, "thanh toán trực tiếp": DIRECT, "tại bộ phận một cửa": DIRECT,
        "không": DIRECT, "false": DIRECT, "no": DIRECT, "0": DIRECT, DIRECT: DIRECT,
        "không thu phí": NO_FEE, "miễn phí": NO_FEE, "không có phí": NO_FEE, "không phải nộp phí": NO_FEE,
        NO_FEE: NO_FEE,
    },
}
VOCABULARIES: dict[str, tuple[str, ...]] = {
    column: tuple(dict.fromkeys(aliases.values())) for column, aliases in VALUE_ALIASES.items()
}

# Source columns that are not canonical columns but carry one: a status (Trạng thái) gives the
# outcome; a true/false "Trực tuyến" column gives the channel.
STATUS = "status"
ONLINE_FLAG = "online_flag"

# Export headers (compared after normalize_header) naming a column, in order of preference: when
# an export has several (e.g. "Ngày nhận" and "Ngày nộp hồ sơ"), the first listed is read.
HEADER_ALIASES: dict[str, str] = {
    "mã hồ sơ": DOSSIER_ID,
    "số hồ sơ": DOSSIER_ID,
    "mã hồ sơ/số hồ sơ": DOSSIER_ID,
    "tên thủ tục": PROCEDURE,
    "tên thủ tục hành chính": PROCEDURE,
    "thủ tục hành chính": PROCEDURE,
    "lĩnh vực": FIELD,
    "ngày tiếp nhận": RECEIVED_AT,
    "ngày nhận": RECEIVED_AT,
    "ngày nhận hồ sơ": RECEIVED_AT,
    "ngày nộp hồ sơ": RECEIVED_AT,
    "ngày nộp": RECEIVED_AT,
    "ngày hẹn trả": DUE_AT,
    "ngày hẹn trả kết quả": DUE_AT,
    "ngày có kết quả": RESOLVED_AT,
    "ngày kết thúc xử lý": RESOLVED_AT,
    "ngày hoàn thành": RESOLVED_AT,
    "ngày trả kết quả": RESOLVED_AT,
    "ngày trả": RESOLVED_AT,
    "kết quả xử lý": OUTCOME,
    "kết quả giải quyết": OUTCOME,
    "trạng thái": STATUS,
    "trạng thái hồ sơ": STATUS,
    "hình thức nộp": CHANNEL,
    "kênh thực hiện": CHANNEL,
    "kênh tiếp nhận": CHANNEL,
    "trực tuyến": ONLINE_FLAG,
    "mức độ dvc": ONLINE_LEVEL,
    "mức độ": ONLINE_LEVEL,
    "kết quả điện tử": E_RESULT,
    "mức độ hài lòng": SATISFACTION,
    "ngày xin lỗi": APOLOGY_AT,
    "thanh toán trực tuyến": PAYMENT,
    "hình thức thanh toán": PAYMENT,
    "phương thức thanh toán": PAYMENT,
    "thanh toán": PAYMENT,
}
# Headers of the one-stop systems that the analysis does not need.
IGNORED_HEADERS: frozenset[str] = frozenset({
    "stt", "tt", "đơn vị tiếp nhận", "cơ quan thụ lý", "đơn vị/cá nhân giải quyết", "cán bộ tiếp nhận",
    "cán bộ xử lý", "ghi chú", "số ngày", "phí, lệ phí", "lệ phí",
})
# Headers of columns that hold a citizen's personal data: recognised so as never to read them.
PERSONAL_HEADERS: frozenset[str] = frozenset({
    "chủ hồ sơ", "người nộp", "người nộp hồ sơ", "tên người nộp", "họ và tên", "họ tên", "tên tổ chức, cá nhân",
    "tổ chức, cá nhân", "người đứng tên", "địa chỉ", "địa chỉ thường trú", "số điện thoại", "điện thoại",
    "thư điện tử", "email", "e-mail", "số cmnd", "số cccd", "số cmnd/cccd", "số giấy tờ tùy thân", "căn cước",
    "nội dung hồ sơ", "trích yếu",
})
# Words that mark a header as personal data wherever they stand in it ("Số CCCD/CMND", "Họ tên
# chủ hồ sơ", "Điện thoại liên hệ"): a header spelled in a way not listed above is still never read.
PERSONAL_WORDS: tuple[str, ...] = (
    "chủ hồ sơ", "người nộp", "người đứng tên", "họ tên", "họ và tên", "địa chỉ", "điện thoại", "thư điện tử",
    "email", "e-mail", "cmnd", "cccd", "căn cước", "chứng minh nhân dân", "hộ chiếu", "giấy tờ tùy thân",
    "số định danh", "ngày sinh", "nội dung hồ sơ", "trích yếu",
)


def is_personal_header(key: str) -> bool:
    """Whether a normalised header names a column of personal data.

    >>> [is_personal_header(h) for h in ("số cccd/cmnd", "họ tên chủ hồ sơ", "điện thoại liên hệ", "mã hồ sơ",
    ...                                  "ngày nộp hồ sơ", "hình thức nộp")]
    [True, True, True, False, False, False]
    """
    return key in PERSONAL_HEADERS or any(word in key for word in PERSONAL_WORDS)


# Status vocabularies of the one-stop systems (Thanh Hóa's and OpenCPS's), to an outcome;
# IN_PROCESS: received, not finished; NOT_RECEIVED: registered online, never taken in (left out).
IN_PROCESS = "in_process"
NOT_RECEIVED = "not_received"
STATUS_VALUES: dict[str, str] = {
    "mới đăng ký": NOT_RECEIVED,
    "được tiếp nhận": IN_PROCESS, "đang xử lý": IN_PROCESS, "yêu cầu bổ sung giấy tờ": IN_PROCESS,
    "yêu cầu thực hiện nghĩa vụ tài chính": IN_PROCESS, "dừng xử lý": IN_PROCESS, "chờ xử lý": IN_PROCESS,
    "chờ bổ sung": IN_PROCESS, "chờ thanh toán": IN_PROCESS, "đang giải quyết": IN_PROCESS,
    "không được tiếp nhận": REFUSED, "từ chối xử lý": REFUSED, "từ chối tiếp nhận": REFUSED,
    "công dân yêu cầu rút hồ sơ": WITHDRAWN, "xin rút": WITHDRAWN, "rút hồ sơ": WITHDRAWN,
    "đã xử lý xong": RESOLVED, "đã trả kết quả": RESOLVED, "đã giải quyết": RESOLVED, "hoàn thành": RESOLVED,
    "trả lại": RETURNED, "trả lại hồ sơ": RETURNED,
}
ONLINE_FLAG_VALUES: dict[str, str] = {
    "true": ONLINE, "1": ONLINE, "có": ONLINE, "x": ONLINE, "yes": ONLINE,
    "false": DIRECT, "0": DIRECT, "không": DIRECT, "no": DIRECT,
}
CATALOGUE_HEADER_ALIASES: dict[str, str] = {
    "tên thủ tục": PROCEDURE,
    "tên thủ tục hành chính": PROCEDURE,
    "lĩnh vực": FIELD,
    "thời hạn giải quyết": LEGAL_DAYS,
    "thời gian giải quyết": LEGAL_DAYS,
}


@lru_cache(maxsize=8192)
def normalize_header(text: str) -> str:
    """Header text in NFC, lower case, with runs of white space folded.

    >>> normalize_header("  Mã  hồ sơ "), normalize_header("Đơn vị/ cá nhân giải quyết")
    ('mã hồ sơ', 'đơn vị/cá nhân giải quyết')
    """
    folded = " ".join(unicodedata.normalize("NFC", str(text)).lower().split())
    return re.sub(r"\s*/\s*", "/", folded)


def canonical_column(header: str) -> str | None:
    """The column an export header names (a canonical column, ``status`` or ``online_flag``),
    or None for a column the analysis does not read.

    >>> canonical_column("Ngày tiếp nhận"), canonical_column("received_at"), canonical_column("Chủ hồ sơ")
    ('received_at', 'received_at', None)
    """
    key = normalize_header(header)
    if key in DOSSIER_COLUMNS or key in (STATUS, ONLINE_FLAG):
        return key
    return HEADER_ALIASES.get(key)
