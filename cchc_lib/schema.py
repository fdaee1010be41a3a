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
REQUIRED_COLUMNS: tuple[str, ...] = (DOSSIER_ID, RECEIVED_AT)
DATE_COLUMNS: tuple[str, ...] = (RECEIVED_AT, DUE_AT, RESOLVED_AT, APOLOGY_AT)

# Where each row came from, kept beside the canonical columns for error messages.
SOURCE_FILE = "source_file"
SOURCE_ROW = "source_row"

# Outcome vocabulary.
RESOLVED = "resolved"
WITHDRAWN = "withdrawn"
RETURNED = "returned"
REFUSED = "refused"

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


def normalize_header(text: str) -> str:
    """Header text in NFC, lower case, with runs of white space folded.

    >>> normalize_header("  Mã  hồ sơ ")
    'mã hồ sơ'
    """
    return " ".join(unicodedata.normalize("NFC", str(text)).lower().split())


def canonical_column(header: str) -> str | None:
    """The canonical column an export header names, or None for a column the analysis ignores.

    >>> canonical_column("Ngày tiếp nhận"), canonical_column("received_at"), canonical_column("Chủ hồ sơ")
    ('received_at', 'received_at', None)
    """
    key = normalize_header(header)
    if key in DOSSIER_COLUMNS:
        return key
    return HEADER_ALIASES.get(key)
