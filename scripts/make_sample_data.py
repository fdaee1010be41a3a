"""Regenerate the shipped sample of Hoằng Giang commune (seeded, reproducible).

    .venv/bin/python scripts/make_sample_data.py

Writes, from one seeded draw of invented dossiers (no personal data):
- data/hoang-giang/dossiers.csv        canonical columns and values
- data/hoang-giang/procedures.csv      the procedure catalogue (field, legal time)
- data/hoang-giang-xlsx/dossiers.xlsx  the same dossiers as a one-stop system's export:
                                       Vietnamese headers and values, Excel dates, an STT column
- data/hoang-giang-xlsx/procedures.csv and unit.yaml, copies
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from cchc_lib.base.workdays import add_working_days, due_date, is_working_day, next_working_day

ROOT = Path(__file__).resolve().parent.parent
# field -> (share of dossiers, [(procedure, legal time in working days; 0 = same day)])
FIELDS: dict[str, tuple[float, list[tuple[str, int]]]] = {
    "Chứng thực": (0.44, [("Chứng thực bản sao từ bản chính", 0), ("Chứng thực chữ ký", 0),
                          ("Chứng thực hợp đồng, giao dịch", 2)]),
    "Hộ tịch": (0.30, [("Đăng ký khai sinh", 0), ("Đăng ký kết hôn", 0), ("Đăng ký khai tử", 0),
                       ("Cấp bản sao trích lục hộ tịch", 0), ("Xác nhận tình trạng hôn nhân", 3)]),
    "Bảo trợ xã hội": (0.07, [("Trợ cấp xã hội hằng tháng", 7), ("Hỗ trợ chi phí mai táng", 3)]),
    "Lao động - thương binh xã hội": (0.04, [("Xác nhận hộ nghèo, hộ cận nghèo", 5)]),
    "Đất đai": (0.05, [("Hòa giải tranh chấp đất đai", 30), ("Xác nhận nguồn gốc đất", 10)]),
    "Người có công": (0.03, [("Trợ cấp mai táng người có công", 5)]),
    "Văn hóa": (0.03, [("Công nhận gia đình văn hóa", 5)]),
    "Thi đua - khen thưởng": (0.02, [("Khen thưởng theo công trạng", 20)]),
    "Nông nghiệp": (0.02, [("Hỗ trợ khôi phục sản xuất sau thiên tai", 10)]),
}
VI_HEADERS = {
    "dossier_id": "Mã hồ sơ", "procedure": "Tên thủ tục", "field": "Lĩnh vực", "received_at": "Ngày tiếp nhận",
    "due_at": "Ngày hẹn trả", "resolved_at": "Ngày có kết quả", "outcome": "Kết quả xử lý",
    "channel": "Hình thức nộp", "online_level": "Mức độ DVC", "e_result": "Kết quả điện tử",
    "satisfaction": "Mức độ hài lòng", "apology_at": "Ngày xin lỗi",
}
VI_VALUES = {
    "outcome": {"resolved": "Đã giải quyết", "withdrawn": "Rút hồ sơ", "returned": "Trả lại",
                "refused": "Từ chối tiếp nhận"},
    "channel": {"online": "Trực tuyến", "direct": "Trực tiếp", "postal": "Bưu chính công ích"},
    "online_level": {"full": "Toàn trình", "partial": "Một phần"},
    "e_result": {"true": "Có", "false": "Không"},
    "satisfaction": {"satisfied": "Hài lòng", "neutral": "Bình thường", "dissatisfied": "Không hài lòng"},
}


def generate(n: int, seed: int, first: dt.date, last: dt.date, as_of: dt.date) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = [d.date() for d in pd.date_range(first, last)]
    working = [d for d in days if is_working_day(d)]
    names = list(FIELDS)
    shares = np.array([FIELDS[f][0] for f in names])
    drawn = []
    for _ in range(n):
        channel = str(rng.choice(["online", "direct", "postal"], p=[0.42, 0.56, 0.02]))
        # online dossiers arrive any day; the desk and the post only on working days
        pool = days if channel == "online" else working
        day = pool[rng.integers(len(pool))]
        minutes = int(rng.integers(0, 24 * 60)) if channel == "online" else int(rng.integers(7 * 60 + 30, 17 * 60))
        drawn.append((dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes), channel))
    rows = []
    for received, channel in sorted(drawn):
        field = names[rng.choice(len(names), p=shares / shares.sum())]
        procedure, legal = FIELDS[field][1][rng.integers(len(FIELDS[field][1]))]
        due = due_date(received, legal)
        start = next_working_day(received.date())
        outcome = str(rng.choice(["resolved", "withdrawn", "returned", "refused"], p=[0.958, 0.02, 0.012, 0.01]))
        draw = rng.random()
        if outcome == "refused":
            resolved = received.date()
        elif outcome in ("withdrawn", "returned"):
            resolved = add_working_days(start, int(rng.integers(0, max(legal, 1) + 1)))
        elif draw < 0.03:
            resolved = add_working_days(due, int(rng.integers(1, 8)))
        elif legal == 0 or draw < 0.5:
            resolved = due
        else:
            resolved = add_working_days(start, int(rng.integers(0, legal)))
        resolved = max(resolved, received.date())
        finished = resolved <= as_of
        late = resolved > due and outcome == "resolved"
        satisfaction = ""
        if finished and outcome == "resolved" and rng.random() < 0.65:
            satisfaction = str(rng.choice(["satisfied", "neutral", "dissatisfied"], p=[0.94, 0.045, 0.015]))
        apology = ""
        if (late or (not finished and due < as_of)) and rng.random() < 0.8:
            apology = add_working_days(due, 0) - dt.timedelta(days=1)
            apology = max(apology, received.date()).strftime("%d/%m/%Y")
        rows.append({
            "dossier_id": f"H56.27.12-{received:%y%m%d}-{len(rows) + 1:04d}",
            "procedure": procedure,
            "field": field,
            "received_at": received.strftime("%d/%m/%Y %H:%M"),
            # a few exports leave the appointment date empty: the catalogue gives it back
            "due_at": "" if rng.random() < 0.03 else due.strftime("%d/%m/%Y"),
            "resolved_at": resolved.strftime("%d/%m/%Y") if finished else "",
            "outcome": outcome if finished else "",
            "channel": channel,
            "online_level": str(rng.choice(["full", "partial"], p=[0.45, 0.55])) if channel == "online" else "",
            "e_result": ("true" if rng.random() < 0.85 else "false") if finished and outcome == "resolved" else "",
            "satisfaction": satisfaction,
            "apology_at": apology,
        })
    return pd.DataFrame(rows)


def catalogue() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"procedure": p, "field": f, "legal_days": "trong ngày" if days == 0 else str(days)}
            for f, (_, procedures) in FIELDS.items()
            for p, days in procedures
        ]
    )


def to_export(frame: pd.DataFrame) -> pd.DataFrame:
    """The dossiers as a one-stop system exports them: Vietnamese headers and values, Excel dates."""
    export = frame.copy()
    for column, mapping in VI_VALUES.items():
        export[column] = export[column].map(lambda v, m=mapping: m.get(v, v))
    for column, fmt in (("received_at", "%d/%m/%Y %H:%M"), ("due_at", "%d/%m/%Y"), ("resolved_at", "%d/%m/%Y"),
                        ("apology_at", "%d/%m/%Y")):
        export[column] = pd.to_datetime(export[column].replace("", None), format=fmt)
    export = export.rename(columns=VI_HEADERS)
    export.insert(0, "STT", range(1, len(export) + 1))
    return export


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2600)
    parser.add_argument("--seed", type=int, default=2023)
    args = parser.parse_args()
    csv_dir, xlsx_dir = ROOT / "data" / "hoang-giang", ROOT / "data" / "hoang-giang-xlsx"
    frame = generate(args.rows, args.seed, dt.date(2022, 12, 1), dt.date(2024, 1, 12), as_of=dt.date(2024, 1, 15))
    frame.to_csv(csv_dir / "dossiers.csv", index=False, encoding="utf-8")
    catalogue().to_csv(csv_dir / "procedures.csv", index=False, encoding="utf-8-sig")
    xlsx_dir.mkdir(exist_ok=True)
    to_export(frame).to_excel(xlsx_dir / "dossiers.xlsx", index=False, sheet_name="Danh sách hồ sơ")
    for name in ("procedures.csv", "unit.yaml"):
        shutil.copyfile(csv_dir / name, xlsx_dir / name)
    print(f"{len(frame)} dossiers: {csv_dir / 'dossiers.csv'}, {xlsx_dir / 'dossiers.xlsx'}")


if __name__ == "__main__":
    main()
