"""CDP enrichment: first run, idempotent re-run, incremental updates, crash safety, partitions, traits."""
from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pyarrow.dataset as ds
import pytest

from voc import datasets
from voc.config import EnrichConfig
from voc.enrich import enrich
from voc.enrich import store as cdp_store
from voc.errors import VocError
from voc.schema import contacts_frame

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)
RUN1 = datetime(2024, 6, 1, tzinfo=timezone.utc)
RUN2 = datetime(2024, 6, 2, tzinfo=timezone.utc)
RUN3 = datetime(2024, 6, 3, tzinfo=timezone.utc)


def make_rows(n_customers: int = 6, per_customer: int = 3) -> list[dict]:
    rows = []
    for cu in range(n_customers):
        for j in range(per_customer):
            k = cu * per_customer + j
            rows.append(dict(contact_id=f"C{k:03d}", channel=["chat", "email", "call"][j % 3], customer_id=f"U{cu}",
                             email=f"Person{cu}@Example.COM", phone="+1 (415) 555-01%02d" % cu,
                             created_at=T0 + timedelta(days=cu + 4 * j, hours=j), status="solved", subject="s",
                             n_messages=2, source_format="csv", source_file="t.csv", source_record=f"line {k + 2}",
                             intent=["billing", "delivery", "refund"][(cu + j) % 3], intent_confidence=0.9,
                             sentiment="negative" if j == 0 else "positive", sentiment_score=-0.5 + 0.4 * j,
                             topic_id=j % 2, topic_label=f"topic {j % 2}"))
    return rows


def write_out(out: Path, rows: list[dict], *, repeat: dict[str, bool] | None = None,
              friction: dict[str, float] | None = None, fmt: str = "parquet") -> Path:
    out.mkdir(parents=True, exist_ok=True)
    df = contacts_frame(rows)
    for col in ("intent", "sentiment", "topic_label"):
        df[col] = [r.get(col) for r in rows]
    for col in ("intent_confidence", "sentiment_score"):
        df[col] = [r.get(col) for r in rows]
    df["topic_id"] = pd.array([r.get("topic_id") for r in rows], dtype="Int32")
    datasets.write_table(df, datasets.table_path(out, "contacts", fmt), dataset="contacts")
    if repeat is not None:
        rc = pd.DataFrame({"contact_id": list(repeat), "customer_id": [None] * len(repeat), "is_repeat": list(repeat.values())})
        datasets.write_table(rc, datasets.table_path(out, "repeat_contacts", fmt), dataset="repeat_contacts")
    if friction is not None:   # contact -> friction score (0..100) of its journey (one journey per contact here)
        ids = [r["contact_id"] for r in rows]
        tl = pd.DataFrame({"journey_id": [f"j{c}" for c in ids], "contact_id": ids, "kind": "contact"})
        fr = pd.DataFrame({"journey_id": [f"j{c}" for c in friction], "kind": ["loop"] * len(friction),
                           "contact_id": list(friction), "severity": [0.5] * len(friction)})
        jn = pd.DataFrame({"journey_id": [f"j{c}" for c in ids], "friction_score": [float(friction.get(c, 0.0)) for c in ids]})
        for name, t in (("timeline", tl), ("friction", fr), ("journeys", jn)):
            datasets.write_table(t, datasets.table_path(out, name, fmt), dataset=name)
    return out


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def read(cdp: Path, name: str) -> pd.DataFrame:
    t = ds.dataset(cdp / name, format="parquet", partitioning=cdp_store.partitioning()).to_table()
    return t.to_pandas().sort_values(t.column_names[0]).reset_index(drop=True)


def read_jsonl_dir(cdp: Path, name: str) -> list[dict]:
    rows = []
    for p in sorted((cdp / "jsonl" / name).rglob("*.jsonl")):
        rows += [dict(json.loads(line), date=p.parent.name.split("=", 1)[1]) for line in p.read_text().splitlines() if line]
    return rows


@pytest.fixture
def first(tmp_path) -> tuple[Path, Path, list[dict]]:
    rows = make_rows()
    out = write_out(tmp_path / "out", rows, repeat={r["contact_id"]: r["contact_id"].endswith(("1", "4")) for r in rows},
                    friction={"C001": 70.0, "C002": 20.0})
    cdp = tmp_path / "cdp"
    res = enrich(out, cdp, EnrichConfig(), now=RUN1)
    assert res.written and res.version == 1
    return out, cdp, rows


def test_first_run_writes_every_contact_once_in_its_date_partition(first):
    out, cdp, rows = first
    c = read(cdp, "contacts")
    assert sorted(c["contact_id"]) == sorted(r["contact_id"] for r in rows)
    for _, r in c.iterrows():  # hive partition = UTC day of created_at
        assert r["date"] == r["created_at"].strftime("%Y-%m-%d")
    assert (c["updated_at"] == pd.Timestamp(RUN1)).all()
    assert c.set_index("contact_id").loc["C001", "friction_score"] == 70.0     # its journey's score, 0..100
    assert c.set_index("contact_id").loc["C005", "friction_score"] == 0.0      # its journey has no friction
    assert c.set_index("contact_id").loc["C001", "is_repeat"] == True          # noqa: E712
    assert {"email", "phone", "email_sha256"}.isdisjoint(c.columns)
    js = read_jsonl_dir(cdp, "contacts")
    assert sorted(r["contact_id"] for r in js) == sorted(c["contact_id"])
    assert all(r["date"] == r["created_at"][:10] for r in js)
    t = read(cdp, "customer_traits")
    assert sorted(t["customer_id"]) == [f"U{i}" for i in range(6)]
    m = json.loads((cdp / "manifest.json").read_text())
    assert m["tables"]["contacts"]["rows"] == len(rows) == sum(m["tables"]["contacts"]["partitions"].values())
    blob = b"".join(p.read_bytes() for p in cdp.rglob("*") if p.is_file())
    assert b"Example.COM" not in blob and b"example.com" not in blob and b"555-01" not in blob


def test_identical_rerun_changes_nothing(first):
    out, cdp, rows = first
    before = snapshot(cdp)
    res = enrich(out, cdp, EnrichConfig(), now=RUN2)
    assert not res.written
    assert (res.contacts_new, res.contacts_changed, res.contacts_unchanged) == (0, 0, len(rows))
    assert snapshot(cdp) == before


def test_changed_contact_updates_only_its_row_and_its_customers_traits(first, tmp_path):
    out, cdp, rows = first
    before_c, before_t = read(cdp, "contacts"), read(cdp, "customer_traits")
    old_files = snapshot(cdp)
    rows[5]["intent"] = "cancel"          # C005: the latest contact of customer U1, created T0 + 9 days
    write_out(out, rows)                  # contacts only: repeat/friction tables left as they were
    res = enrich(out, cdp, EnrichConfig(), now=RUN2)
    assert res.written and (res.contacts_new, res.contacts_changed) == (0, 1)
    assert res.contacts_unchanged == len(rows) - 1 and res.contacts_total == len(rows)
    c, t = read(cdp, "contacts"), read(cdp, "customer_traits")
    changed = c["updated_at"] != before_c["updated_at"]
    assert c.loc[changed, "contact_id"].tolist() == ["C005"]
    assert c.set_index("contact_id").loc["C005", "intent"] == "cancel"
    assert c.set_index("contact_id").loc["C005", "updated_at"] == pd.Timestamp(RUN2)
    t_changed = t.loc[t["updated_at"] != before_t["updated_at"], "customer_id"].tolist()
    assert t_changed == ["U1"]             # C005 is U1's latest contact -> last_intent changed
    assert t.set_index("customer_id").loc["U1", "last_intent"] == "cancel"
    assert res.partitions_written == ["2024-03-10"]
    new_files = snapshot(cdp)
    untouched = [k for k in old_files if k.startswith("contacts/") and "2024-03-10" not in k]
    assert untouched and all(new_files[k] == old_files[k] for k in untouched)
    delta = [json.loads(x) for x in (cdp / "changes" / "contacts.jsonl").read_text().splitlines()]
    assert [d["contact_id"] for d in delta] == ["C005"]


def test_new_contact_is_appended_and_traits_follow(first):
    out, cdp, rows = first
    before_t = read(cdp, "customer_traits").set_index("customer_id")
    rows.append(dict(rows[0], contact_id="C999", created_at=T0 + timedelta(days=40), intent="refund",
                     sentiment_score=0.9, sentiment="positive"))
    write_out(out, rows)
    res = enrich(out, cdp, EnrichConfig(), now=RUN2)
    assert (res.contacts_new, res.contacts_changed, res.contacts_total) == (1, 0, len(rows))
    c = read(cdp, "contacts")
    assert c["contact_id"].is_unique and len(c) == len(rows)
    t = read(cdp, "customer_traits").set_index("customer_id")
    assert t.loc["U0", "n_contacts"] == before_t.loc["U0", "n_contacts"] + 1
    assert t.loc["U0", "last_contact_at"] == pd.Timestamp(T0 + timedelta(days=40))
    assert t.loc["U0", "date"] == (T0 + timedelta(days=40)).strftime("%Y-%m-%d")   # traits moved partition
    assert res.traits_changed == 1
    assert (t.drop(index="U0")["updated_at"] == pd.Timestamp(RUN1)).all()


def test_crash_mid_write_leaves_previous_output_intact(first, monkeypatch):
    out, cdp, rows = first
    before = snapshot(cdp)
    rows[0]["intent"] = "cancel"
    rows.append(dict(rows[1], contact_id="C998"))
    write_out(out, rows)
    calls = {"n": 0}
    real = cdp_store.write_jsonl_frame

    def flaky(df, path):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        return real(df, path)

    monkeypatch.setattr(cdp_store, "write_jsonl_frame", flaky)
    with pytest.raises(VocError) as err:
        enrich(out, cdp, EnrichConfig(), now=RUN2)
    assert err.value.code == "E401" and "No space left" in str(err.value)
    assert snapshot(cdp) == before
    assert [p.name for p in cdp.parent.iterdir() if p.name.startswith(".cdp") and p.is_dir()] == []
    monkeypatch.setattr(cdp_store, "write_jsonl_frame", real)
    res = enrich(out, cdp, EnrichConfig(), now=RUN3)            # the next run does the work
    assert (res.contacts_new, res.contacts_changed) == (1, 1)


def test_interrupted_swap_is_completed_on_next_run(first):
    out, cdp, rows = first
    before = snapshot(cdp)
    os.replace(cdp, cdp.with_name(".cdp.old"))                   # crash between the two renames
    res = enrich(out, cdp, EnrichConfig(), now=RUN2)
    assert res.recovered and not res.written and snapshot(cdp) == before


def test_traits_follow_their_definitions(tmp_path):
    day = lambda d: T0 + timedelta(days=d)  # noqa: E731
    rows = [dict(contact_id="A", customer_id="U", created_at=day(0), intent="billing", sentiment_score=-0.5, topic_id=1,
                 topic_label="billing"),
            dict(contact_id="B", customer_id="U", created_at=day(10), intent="billing", sentiment_score=0.0, topic_id=1,
                 topic_label="billing"),
            dict(contact_id="C", customer_id="U", created_at=day(50), intent="unknown", sentiment_score=0.6, topic_id=2,
                 topic_label="delivery"),
            dict(contact_id="D", customer_id=None, created_at=day(3), intent="billing", sentiment_score=0.1, topic_id=-1,
                 topic_label="outliers")]
    out = write_out(tmp_path / "out", rows, repeat={"A": False, "B": True, "C": False})
    r30 = enrich(out, tmp_path / "c30", EnrichConfig(window_days=30), now=RUN1)
    t = read(tmp_path / "c30", "customer_traits").set_index("customer_id")
    assert list(t.index) == ["U"] and r30.contacts_total == 4          # D has no customer: a contact row, no traits
    u = t.loc["U"]
    assert u["n_contacts"] == 3 and u["contacts_30d"] == 1             # only C within 30 days of the last contact
    assert u["last_intent"] == "billing"                               # 'unknown' is not an intent
    assert u["repeat_contact_flag"] == False                           # noqa: E712  B (repeat) is outside the window
    assert pd.isna(u["sentiment_trend"])                               # one scored contact in the window
    assert u["top_topic"] == "billing" and pd.isna(u["friction_score"])
    enrich(out, tmp_path / "c45", EnrichConfig(window_days=45), now=RUN1)
    u = read(tmp_path / "c45", "customer_traits").set_index("customer_id").loc["U"]
    assert u["contacts_45d"] == 2 and u["repeat_contact_flag"] == True  # noqa: E712
    assert u["sentiment_trend"] == pytest.approx(0.6 - 0.0)


def test_hashed_identifiers_and_csv_input(tmp_path):
    rows = make_rows(2, 1)
    rows[0]["email"] = "  Alice@Example.com "
    out = write_out(tmp_path / "out", rows, fmt="csv")
    enrich(out, tmp_path / "cdp", EnrichConfig(identifiers="hash"), now=RUN1)
    c = read(tmp_path / "cdp", "contacts").set_index("contact_id")
    assert c.loc["C000", "email_sha256"] == hashlib.sha256(b"alice@example.com").hexdigest()
    assert c.loc["C000", "phone_sha256"] == hashlib.sha256(b"+14155550100").hexdigest()
    blob = b"".join(p.read_bytes() for p in (tmp_path / "cdp").rglob("*") if p.is_file())
    assert b"Alice@Example" not in blob and b"alice@example" not in blob
    # a settings change rewrites everything under the new settings, and stays consistent
    res = enrich(out, tmp_path / "cdp", EnrichConfig(identifiers="drop"), now=RUN2)
    assert res.written and res.contacts_changed == 2
    assert "email_sha256" not in read(tmp_path / "cdp", "contacts").columns


def test_refuses_foreign_folder_and_missing_contacts(tmp_path):
    out = write_out(tmp_path / "out", make_rows(1, 1))
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "precious.txt").write_text("keep me")
    with pytest.raises(VocError) as e:
        enrich(out, foreign, EnrichConfig(), now=RUN1)
    assert e.value.code == "E405" and (foreign / "precious.txt").read_text() == "keep me"
    (tmp_path / "empty_out").mkdir()
    with pytest.raises(VocError) as e:
        enrich(tmp_path / "empty_out", tmp_path / "cdp", EnrichConfig(), now=RUN1)
    assert e.value.code == "E404"


def test_missing_date_goes_to_hive_null_partition(tmp_path):
    rows = make_rows(1, 2)
    rows[1]["created_at"] = None
    out = write_out(tmp_path / "out", rows)
    enrich(out, tmp_path / "cdp", EnrichConfig(), now=RUN1)
    assert (tmp_path / "cdp" / "contacts" / f"date={cdp_store.NULL_PARTITION}").is_dir()
    c = read(tmp_path / "cdp", "contacts")
    assert len(c) == 2 and c["date"].isna().sum() == 1


def test_cli_enrich_json(first, tmp_path):
    from typer.testing import CliRunner

    from voc.cli import _wire, app

    _wire()
    out, cdp, rows = first
    r = CliRunner().invoke(app, ["enrich", str(out), "--cdp", str(cdp), "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["written"] is False and d["contacts_unchanged"] == len(rows)


# ---------------------------------------------------------------- tables a loader takes as they are (issue 10)

def replay_changelog(cdp: Path, name: str, key: str) -> pd.DataFrame:
    """What an append-only loader ends with: every version=N partition appended once, ops applied by key."""
    state: dict[str, dict] = {}
    parts = sorted((cdp / "changelog" / name).glob("version=*"), key=lambda d: int(d.name.split("=")[1]))
    for d in parts:
        for r in pd.read_parquet(d / "part-0.parquet").to_dict(orient="records"):
            if r["op"] == "delete":
                state.pop(r[key], None)
            else:
                state[r[key]] = r
    return pd.DataFrame(list(state.values()))


def test_append_only_loader_of_the_changelog_ends_with_the_snapshot(first):
    """Traits move between date= partitions as the last contact changes: appending partitions duplicated
    customers. The change log (op column, one version=N per run) replays to exactly the snapshot."""
    out, cdp, rows = first
    rows.append(dict(rows[0], contact_id="C999", created_at=T0 + timedelta(days=40), intent="refund"))
    rows[4]["customer_id"] = "U9"        # C004 moves from U1 to a new customer U9
    write_out(out, rows)
    enrich(out, cdp, EnrichConfig(), now=RUN2)
    snap_t, snap_c = read(cdp, "customer_traits"), read(cdp, "contacts")
    naive = pd.concat([pd.read_parquet(p) for p in (cdp / "customer_traits").rglob("*.parquet")])
    assert naive["customer_id"].is_unique          # the snapshot itself holds each customer once
    log_t = replay_changelog(cdp, "customer_traits", "customer_id")
    assert sorted(log_t["customer_id"]) == sorted(snap_t["customer_id"])
    merged = log_t.set_index("customer_id").loc[snap_t["customer_id"], "content_hash"].tolist()
    assert merged == snap_t["content_hash"].tolist()
    log_c = replay_changelog(cdp, "contacts", "contact_id")
    assert sorted(log_c["contact_id"]) == sorted(snap_c["contact_id"])
    v2 = pd.read_parquet(cdp / "changelog" / "customer_traits" / "version=2" / "part-0.parquet")
    ops = dict(zip(v2["customer_id"], v2["op"]))
    assert ops["U0"] == "update" and ops["U9"] == "insert"
    v1 = pd.read_parquet(cdp / "changelog" / "contacts" / "version=1" / "part-0.parquet")
    assert set(v1["op"]) == {"insert"} and len(v1) == 18
    m = json.loads((cdp / "manifest.json").read_text())
    assert m["changelog"]["customer_traits"]["versions"] == [1, 2]
    assert "never append" in m["tables"]["customer_traits"]["load"]


def test_delete_op_when_a_customer_is_left_without_contacts(tmp_path):
    rows = make_rows(2, 1)
    out = write_out(tmp_path / "out", rows)
    cdp = tmp_path / "cdp"
    enrich(out, cdp, EnrichConfig(), now=RUN1)
    rows[1]["customer_id"] = "U0"        # U1's only contact now belongs to U0: U1 has no traits any more
    write_out(out, rows)
    res = enrich(out, cdp, EnrichConfig(), now=RUN2)
    assert res.traits_removed == 1
    v2 = pd.read_parquet(cdp / "changelog" / "customer_traits" / "version=2" / "part-0.parquet")
    assert dict(zip(v2["customer_id"], v2["op"]))["U1"] == "delete"
    assert sorted(replay_changelog(cdp, "customer_traits", "customer_id")["customer_id"]) == ["U0"]


def test_manifest_declares_column_types_that_match_the_files(first):
    out, cdp, rows = first
    import pyarrow.parquet as pq

    m = json.loads((cdp / "manifest.json").read_text())
    for name in ("contacts", "customer_traits"):
        declared = {c["name"]: c["type"] for c in m["tables"][name]["schema"]}
        f = next((cdp / name).rglob("*.parquet"))
        actual = {fld.name: str(fld.type) for fld in pq.read_schema(f)}
        assert declared == actual, name
    assert {"name": "last_contact_at", "type": "timestamp[us, tz=UTC]", "nullable": True} \
        in m["tables"]["customer_traits"]["schema"]
    assert {c["name"] for c in m["changelog"]["contacts"]["schema"]} >= {"contact_id", "op"}


def test_hashed_identifiers_on_the_traits_table_too(tmp_path):
    rows = make_rows(2, 2)
    rows[1]["email"] = "Newer@Example.com"   # U0's latest contact (created later) has another address
    out = write_out(tmp_path / "out", rows)
    enrich(out, tmp_path / "cdp", EnrichConfig(identifiers="hash"), now=RUN1)
    t = read(tmp_path / "cdp", "customer_traits").set_index("customer_id")
    assert t.loc["U0", "email_sha256"] == hashlib.sha256(b"newer@example.com").hexdigest()
    assert t.loc["U1", "phone_sha256"] == hashlib.sha256(b"+14155550101").hexdigest()
    enrich(out, tmp_path / "plain", EnrichConfig(), now=RUN1)
    assert "email_sha256" not in read(tmp_path / "plain", "customer_traits").columns


def test_contacts_without_customer_get_a_stable_anonymous_id(tmp_path):
    rows = make_rows(1, 1) + [dict(contact_id=f"X{i}", customer_id=None, email="Anon@Example.com", phone=None,
                                   created_at=T0 + timedelta(days=i), intent="billing") for i in range(2)]
    out = write_out(tmp_path / "out", rows)
    enrich(out, tmp_path / "h1", EnrichConfig(identifiers="hash"), now=RUN1)
    enrich(out, tmp_path / "h2", EnrichConfig(identifiers="hash"), now=RUN2)
    c1 = read(tmp_path / "h1", "contacts").set_index("contact_id")
    c2 = read(tmp_path / "h2", "contacts").set_index("contact_id")
    assert pd.isna(c1.loc["C000", "anonymous_id"])                        # has a customer id
    assert c1.loc["X0", "anonymous_id"].startswith("anon-")
    assert c1.loc["X0", "anonymous_id"] == c1.loc["X1", "anonymous_id"]   # same (hashed) e-mail, same person
    assert c1["anonymous_id"].equals(c2["anonymous_id"])                  # stable across runs and stores
    enrich(out, tmp_path / "d", EnrichConfig(), now=RUN1)                  # identifiers dropped: nothing from the e-mail
    d = read(tmp_path / "d", "contacts").set_index("contact_id")
    assert d.loc["X0", "anonymous_id"] != d.loc["X1", "anonymous_id"]
    assert d.loc["X0", "anonymous_id"] == "anon-" + hashlib.blake2b(b"contact:X0", digest_size=12).hexdigest()


def test_identify_jsonl_has_one_call_per_changed_customer(first):
    out, cdp, rows = first
    enrich(out, cdp, EnrichConfig(identify=True), now=RUN2)         # settings change: everything, once
    calls = [json.loads(x) for x in (cdp / "changelog" / "identify" / "version=2" / "part-0.jsonl").read_text().splitlines()]
    assert sorted(c["userId"] for c in calls) == [f"U{i}" for i in range(6)]
    c0 = next(c for c in calls if c["userId"] == "U0")
    assert c0["type"] == "identify" and c0["traits"]["n_contacts"] == 3 and "last_intent" in c0["traits"]
    rows[5]["intent"] = "cancel"
    write_out(out, rows)
    enrich(out, cdp, EnrichConfig(identify=True), now=RUN3)
    calls3 = [json.loads(x) for x in (cdp / "changelog" / "identify" / "version=3" / "part-0.jsonl").read_text().splitlines()]
    assert [c["userId"] for c in calls3] == ["U1"] and calls3[0]["traits"]["last_intent"] == "cancel"
    assert (cdp / "changelog" / "identify" / "version=2" / "part-0.jsonl").exists()   # earlier versions kept


def test_second_enrich_gets_E407_naming_the_pid(first):
    from voc import locks

    out, cdp, rows = first
    with locks.exclusive(cdp.with_name(f".{cdp.name}.lock"), folder=cdp):
        with pytest.raises(VocError) as e:
            enrich(out, cdp, EnrichConfig(), now=RUN2)
    assert e.value.code == "E407" and str(os.getpid()) in str(e.value)


def test_temp_folders_of_a_killed_enrich_are_removed_by_the_next_run(first):
    out, cdp, rows = first
    left = cdp.with_name(".cdp.k1ll3d.tmp")
    (left / "contacts").mkdir(parents=True)
    (left / "contacts" / "part-0.parquet").write_bytes(b"x" * 1000)
    enrich(out, cdp, EnrichConfig(), now=RUN2)
    assert not left.exists()


def test_a_store_of_the_previous_format_is_rewritten_once(first):
    out, cdp, rows = first
    m = json.loads((cdp / "manifest.json").read_text())
    m["format"] = "voc-cdp/1"
    for t in m["tables"].values():
        t.pop("schema", None)
    m.pop("changelog", None)
    (cdp / "manifest.json").write_text(json.dumps(m))
    res = enrich(out, cdp, EnrichConfig(), now=RUN2)
    assert res.written and json.loads((cdp / "manifest.json").read_text())["format"] == "voc-cdp/2"
    assert read(cdp, "contacts")["contact_id"].is_unique and len(read(cdp, "contacts")) == len(rows)
    assert not enrich(out, cdp, EnrichConfig(), now=RUN3).written      # and then idempotent again
