"""Per-contact flags behind the repeat figures: is_repeat, same_issue, resolved_first_contact.

With journey tables (``voc journeys`` / ``--events``) they are the repeat_contacts table. Without
them they are computed from the contacts alone with the very same definitions and SQL
(voc/journey/sql/repeat_*.sql): identity resolution on the contacts' own customer ids, emails and
phones (plus journey.identity_map), the same window and same-issue rule, the end of the data being
the last contact. So a run without event logs states the same repeat rate and FCR as one with them,
except for the customers that only the event logs can link."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import pandas as pd

from voc.config import JourneyConfig
from voc.datasets import to_bool

FLAG_COLUMNS = ["contact_id", "customer_id", "channel", "intent", "is_repeat", "same_issue", "resolved_first_contact"]
SOURCE_JOURNEYS = "journeys"
SOURCE_CONTACTS = "contacts"


def _text(s: pd.Series) -> pd.Series:
    return s.astype("object").where(s.notna(), None).map(lambda v: None if v is None else str(v))


def from_repeat_table(rc: pd.DataFrame, contacts: Optional[pd.DataFrame]) -> pd.DataFrame:
    """The journey step's repeat_contacts as flags (channel/intent filled from the contacts when absent)."""
    df = pd.DataFrame({"contact_id": _text(rc["contact_id"])})
    lookup = None
    if contacts is not None and "contact_id" in contacts.columns:
        lookup = contacts.assign(contact_id=_text(contacts["contact_id"])).drop_duplicates("contact_id").set_index("contact_id")
    for col in ("customer_id", "channel", "intent"):
        if col in rc.columns:
            df[col] = _text(rc[col])
        elif lookup is not None and col in lookup.columns:
            df[col] = df["contact_id"].map(_text(lookup[col]))
        else:
            df[col] = None
    for col in ("is_repeat", "same_issue", "resolved_first_contact"):
        df[col] = to_bool(rc[col]) if col in rc.columns else pd.Series([pd.NA] * len(rc), dtype="boolean")
    return df.reset_index(drop=True)


def from_contacts(contacts: pd.DataFrame, config: JourneyConfig,
                  embeddings: Optional[pd.DataFrame] = None) -> Optional[pd.DataFrame]:
    """The same flags computed from the contacts alone (None without contact times)."""
    if contacts is None or not len(contacts) or "created_at" not in contacts.columns:
        return None
    from voc.journey.timeline import parse_times

    created = parse_times(contacts["created_at"])
    if created.notna().sum() == 0:
        return None
    from voc.journey import sqlrun
    from voc.journey.identity import read_identity_map, resolve
    from voc.journey.repeat import compute_repeats
    from voc.journey.timeline import contacts_table

    c = contacts.reset_index(drop=True).copy()
    c["created_at"] = created.reset_index(drop=True)
    imap = None
    if config.identity_map and Path(config.identity_map).exists():
        imap = read_identity_map(config.identity_map)
    ident = resolve(c, config, imap)
    con = sqlrun.connect()
    try:
        ct = contacts_table(c, ident.identity)
        con.register("ct", ct)
        data_end_s = con.sql("SELECT MAX(ts_s) FROM ct").fetchall()[0][0] or 0.0
        rc, _ = compute_repeats(con, config, embeddings, data_end_s=float(data_end_s))
    finally:
        con.close()
    return from_repeat_table(rc, c)


def contact_flags(contacts: Optional[pd.DataFrame], repeat_contacts: Optional[pd.DataFrame], config: JourneyConfig,
                  embeddings: Optional[pd.DataFrame] = None) -> tuple[Optional[pd.DataFrame], str]:
    """(flags per contact, source): 'journeys' from repeat_contacts, 'contacts' computed from the
    contacts alone, '' when neither is possible."""
    if (repeat_contacts is not None and len(repeat_contacts) and "is_repeat" in repeat_contacts.columns
            and "contact_id" in repeat_contacts.columns):
        return from_repeat_table(repeat_contacts, contacts), SOURCE_JOURNEYS
    flags = from_contacts(contacts, config, embeddings) if contacts is not None else None
    if flags is None or flags["customer_id"].notna().sum() == 0:
        return None, ""
    return flags, SOURCE_CONTACTS


def contact_friction_scores(timeline: Optional[pd.DataFrame], friction: Optional[pd.DataFrame],
                            journeys: Optional[pd.DataFrame]) -> Optional[pd.Series]:
    """Friction score (0..100) of each contact: the score of the journey that holds it (contact_id -> score).
    None without a journeys table carrying friction_score."""
    if journeys is None or not {"journey_id", "friction_score"} <= set(journeys.columns):
        return None
    score = pd.to_numeric(journeys["friction_score"], errors="coerce").astype("float64")
    by_journey = pd.Series(score.to_numpy(), index=_text(journeys["journey_id"]).to_numpy())
    by_journey = by_journey[~by_journey.index.duplicated()]
    parts = []
    for t in (timeline, friction):
        if t is not None and {"journey_id", "contact_id"} <= set(t.columns):
            sub = t[t["contact_id"].notna()]
            parts.append(pd.DataFrame({"contact_id": _text(sub["contact_id"]), "journey_id": _text(sub["journey_id"])}))
    if not parts:
        return pd.Series(dtype="float64")
    link = pd.concat(parts, ignore_index=True).drop_duplicates("contact_id")
    out = link["journey_id"].map(by_journey).astype("float64")
    out.index = link["contact_id"].to_numpy()
    return out
