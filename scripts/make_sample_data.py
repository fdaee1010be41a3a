"""Regenerate the shipped sample dossiers of Hoằng Giang commune (seeded, reproducible).

    python scripts/make_sample_data.py            # writes data/hoang-giang/dossiers.csv

The rows are invented: realistic fields, procedures, channels and timings of a rural
commune, with no personal data.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

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


def add_workdays(day: dt.date, n: int) -> dt.date:
    """``day`` moved forward ``n`` weekdays (the generator ignores public holidays)."""
    while n > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def generate(n: int, seed: int, first: dt.date, last: dt.date, as_of: dt.date) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = [d.date() for d in pd.bdate_range(first, last)]
    names = list(FIELDS)
    shares = np.array([FIELDS[f][0] for f in names])
    rows = []
    for received_day in sorted(rng.choice(days, size=n)):
        field = names[rng.choice(len(names), p=shares / shares.sum())]
        procedure, legal = FIELDS[field][1][rng.integers(len(FIELDS[field][1]))]
        received = dt.datetime.combine(received_day, dt.time(7, 30)) + dt.timedelta(minutes=int(rng.integers(0, 570)))
        due_day = add_workdays(received_day, legal + (1 if legal == 0 and received.hour >= 15 else 0))
        channel = rng.choice(["online", "direct", "postal"], p=[0.38, 0.60, 0.02])
        outcome = rng.choice(["resolved", "withdrawn", "returned", "refused"], p=[0.955, 0.02, 0.015, 0.01])
        lateness = rng.random()
        if outcome == "refused":
            resolved_day = received_day
        elif outcome in ("withdrawn", "returned"):
            resolved_day = add_workdays(received_day, int(rng.integers(0, max(legal, 1) + 1)))
        elif lateness < 0.025:
            resolved_day = add_workdays(due_day, int(rng.integers(1, 6)))
        elif legal == 0 or lateness < 0.45:
            resolved_day = due_day
        else:
            resolved_day = add_workdays(received_day, int(rng.integers(0, legal)))
        finished = resolved_day <= as_of
        late = outcome == "resolved" and resolved_day > due_day
        satisfaction = ""
        if finished and outcome == "resolved" and rng.random() < 0.7:
            satisfaction = rng.choice(["satisfied", "neutral", "dissatisfied"], p=[0.93, 0.05, 0.02])
        apology = ""
        if (late or (not finished and due_day < as_of)) and rng.random() < 0.8:
            apology = (due_day - dt.timedelta(days=1)).strftime("%d/%m/%Y")
        rows.append({
            "dossier_id": f"H56.27.12-{received_day:%y%m%d}-{len(rows) + 1:04d}",
            "procedure": procedure,
            "field": field,
            "received_at": received.strftime("%d/%m/%Y %H:%M"),
            "due_at": due_day.strftime("%d/%m/%Y"),
            "resolved_at": resolved_day.strftime("%d/%m/%Y") if finished else "",
            "outcome": outcome if finished else "",
            "channel": channel,
            "online_level": rng.choice(["full", "partial"], p=[0.4, 0.6]) if channel == "online" else "",
            "e_result": ("true" if rng.random() < 0.8 else "false") if finished and outcome == "resolved" else "",
            "satisfaction": satisfaction,
            "apology_at": apology,
        })
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=600)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "hoang-giang" / "dossiers.csv")
    args = parser.parse_args()
    frame = generate(args.rows, args.seed, dt.date(2022, 12, 1), dt.date(2024, 1, 12), as_of=dt.date(2024, 1, 15))
    frame.to_csv(args.out, index=False, encoding="utf-8")
    print(f"{args.out}: {len(frame)} dossiers")


if __name__ == "__main__":
    main()
