"""Canonical dossier columns, their vocabularies and the export headers that name them.

Every module and notebook uses these constants rather than string literals.
"""

from __future__ import annotations

import unicodedata

# Canonical dossier columns (domain.md, "Dossiers").
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
)
REQUIRED_COLUMNS: tuple[str, ...] = (DOSSIER_ID, RECEIVED_AT, CHANNEL)
DATE_COLUMNS: tuple[str, ...] = (RECEIVED_AT, DUE_AT, RESOLVED_AT, APOLOGY_AT)

# The procedure catalogue (procedures.csv): each procedure's field and legal processing time.
LEGAL_DAYS = "legal_days"  # working days; 0 = same day ("trong ngày")
CATALOGUE_COLUMNS: tuple[str, ...] = (PROCEDURE, FIELD, LEGAL_DAYS)
SAME_DAY_WORDS = ("trong ngày", "trong ngày làm việc", "0")

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
}
VOCABULARIES: dict[str, tuple[str, ...]] = {
    column: tuple(dict.fromkeys(aliases.values())) for column, aliases in VALUE_ALIASES.items()
}

# Export headers (Vietnamese) that name a canonical column, compared after normalize_header.
HEADER_ALIASES: dict[str, str] = {
    "mã hồ sơ": DOSSIER_ID,
    "tên thủ tục": PROCEDURE,
    "lĩnh vực": FIELD,
    "ngày tiếp nhận": RECEIVED_AT,
    "ngày hẹn trả": DUE_AT,
    "ngày có kết quả": RESOLVED_AT,
    "ngày trả kết quả": RESOLVED_AT,
    "kết quả xử lý": OUTCOME,
    "hình thức nộp": CHANNEL,
    "mức độ dvc": ONLINE_LEVEL,
    "kết quả điện tử": E_RESULT,
    "mức độ hài lòng": SATISFACTION,
    "ngày xin lỗi": APOLOGY_AT,
}
CATALOGUE_HEADER_ALIASES: dict[str, str] = {
    "tên thủ tục": PROCEDURE,
    "tên thủ tục hành chính": PROCEDURE,
    "lĩnh vực": FIELD,
    "thời hạn giải quyết": LEGAL_DAYS,
    "thời gian giải quyết": LEGAL_DAYS,
}


def normalize_header(text: str) -> str:
    """Header text in NFC, lower case, with runs of white space folded.

    >>> normalize_header("  Mã  hồ sơ ")
    'mã hồ sơ'
    """
    return " ".join(unicodedata.normalize("NFC", str(text)).lower().split())


def canonical_value(column: str, text: str) -> str:
    """The canonical spelling of a cell of a vocabulary column; unknown text is returned as is.

    >>> canonical_value("channel", "Bưu chính  công ích"), canonical_value("e_result", "Có"), canonical_value("outcome", "??")
    ('postal', 'true', '??')
    """
    return VALUE_ALIASES[column].get(normalize_header(text), text)


def canonical_column(header: str) -> str | None:
    """The canonical column an export header names, or None for a column the analysis ignores.

    >>> canonical_column("Ngày tiếp nhận"), canonical_column("received_at"), canonical_column("Chủ hồ sơ")
    ('received_at', 'received_at', None)
    """
    key = normalize_header(header)
    if key in DOSSIER_COLUMNS:
        return key
    return HEADER_ALIASES.get(key)
