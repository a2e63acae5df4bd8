"""Journey-model traits in the CDP: segment_id and propensity_<outcome> from `voc journeys`' journey_traits."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds

from tests.enrich.test_enrich import RUN1, RUN2, RUN3, make_rows, write_out
from voc import datasets
from voc.config import EnrichConfig
from voc.enrich import enrich


def traits(cdp: Path) -> pd.DataFrame:
    table = ds.dataset(cdp / "customer_traits", format="parquet", partitioning="hive").to_table()
    return table.to_pandas().set_index("customer_id")


def write_journey_traits(out: Path, propensity: dict[str, float | None]) -> None:
    rows = []
    for cu in range(6):
        rows.append({"journey_id": f"U{cu}", "customer_id": f"U{cu}", "end": pd.Timestamp("2024-04-01", tz="UTC"),
                     "segment_id": cu % 2, "anomaly_score": 0.5, "propensity_churn": propensity.get(f"U{cu}")})
    # an older journey of U0 in another segment: the latest journey wins
    rows.append({"journey_id": "U0-old", "customer_id": "U0", "end": pd.Timestamp("2024-01-01", tz="UTC"), "segment_id": 5,
                 "anomaly_score": 0.1, "propensity_churn": 0.99})
    datasets.write_table(pd.DataFrame(rows), datasets.table_path(out, "journey_traits", "parquet"), dataset="journey_traits")


def test_segment_and_propensity_reach_the_customer_traits_and_update_alone(tmp_path):
    out = write_out(tmp_path / "out", make_rows())
    write_journey_traits(out, {"U1": 0.25, "U2": 0.7})
    cdp = tmp_path / "cdp"
    r1 = enrich(out, cdp, EnrichConfig(), now=RUN1)
    t = traits(cdp)
    assert r1.written and {"segment_id", "propensity_churn"} <= set(t.columns)
    assert t.loc["U0", "segment_id"] == 0 and pd.isna(t.loc["U0", "propensity_churn"])     # latest journey, not open
    assert t.loc["U1", "propensity_churn"] == 0.25 and t.loc["U3", "segment_id"] == 1
    # the same input again: nothing is written
    r2 = enrich(out, cdp, EnrichConfig(), now=RUN2)
    assert not r2.written
    # a new score for one customer, no contact changed: only that customer's trait row changes
    write_journey_traits(out, {"U1": 0.25, "U2": 0.9})
    r3 = enrich(out, cdp, EnrichConfig(), now=RUN3)
    t3 = traits(cdp)
    assert r3.written and r3.contacts_new == 0 and r3.contacts_changed == 0 and r3.traits_changed == 1
    assert t3.loc["U2", "propensity_churn"] == 0.9
    assert (t3["updated_at"] == t3.loc["U2", "updated_at"]).sum() == 1
