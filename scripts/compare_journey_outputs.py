"""Compare the tables of two `voc journeys` output folders (e.g. main and a branch on the same log and
contacts): every Parquet table present in both, row for row, and the report's shown figures.

    python scripts/compare_journey_outputs.py OUT_A OUT_B

Prints one line per table: identical, identical once sorted (row order differs), or where it differs.
Exit status 1 when a table differs (row order aside)."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd


def compare(a: Path, b: Path) -> bool:
    same = True
    names = sorted({p.stem for p in a.glob("*.parquet")} | {p.stem for p in b.glob("*.parquet")})
    for name in names:
        pa_, pb_ = a / f"{name}.parquet", b / f"{name}.parquet"
        if not (pa_.exists() and pb_.exists()):
            print(f"{name:22s} only in {'A' if pa_.exists() else 'B'}")
            same = False
            continue
        x, y = pd.read_parquet(pa_), pd.read_parquet(pb_)
        if list(x.columns) != list(y.columns) or len(x) != len(y):
            print(f"{name:22s} DIFFERENT shape/columns: {x.shape} {list(x.columns)} vs {y.shape} {list(y.columns)}")
            same = False
            continue
        try:
            pd.testing.assert_frame_equal(x, y)
            print(f"{name:22s} identical ({len(x):,} rows)")
            continue
        except AssertionError:
            pass
        key = [c for c in x.columns if x[c].map(lambda v: isinstance(v, (str, int, float, bool)) or v is None).all()]
        xs = x.sort_values(key, kind="stable").reset_index(drop=True)
        ys = y.sort_values(key, kind="stable").reset_index(drop=True)
        try:
            pd.testing.assert_frame_equal(xs, ys)
            print(f"{name:22s} identical once sorted ({len(x):,} rows; row order differs)")
        except AssertionError as e:
            print(f"{name:22s} DIFFERENT: {str(e).splitlines()[0:3]}")
            same = False
    return same


if __name__ == "__main__":
    sys.exit(0 if compare(Path(sys.argv[1]), Path(sys.argv[2])) else 1)
