"""The headline figures of a run: each defined once, here, with its one-sentence definition, what it
counts (numerator), what it is a share of (denominator) and its window.

Every place that shows one of these figures (report cards and footnotes, terminal summary,
``--json``, ``voc journeys`` summary, run.json) reads the value computed by voc.metrics.compute
from these definitions; docs/metrics.md explains them for readers."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str            # "count" | "share" (0..1, shown as %) | "score" (0..100)
    definition: str      # one sentence; {window} and {similarity} are filled from the run's config
    numerator: str
    denominator: str     # "" for counts
    needs: str           # what a run needs for the figure (shown when it is n/a)
    short: str = ""      # the denominator in a few words, for a card ("with a known customer")

    def render(self, params: dict[str, Any]) -> dict[str, str]:
        """definition / numerator / denominator with the run's parameters filled in."""
        fill = {k: (f"{v:g}" if isinstance(v, float) else str(v)) for k, v in params.items()}
        return {"definition": self.definition.format(**fill), "numerator": self.numerator.format(**fill),
                "denominator": self.denominator.format(**fill), "short": self.short.format(**fill)}


FRICTION_KINDS_TEXT = ("escalation, loop, error before contact, long wait, negative end or abandonment after contact")

METRICS: dict[str, Metric] = {m.key: m for m in (
    Metric("contacts", "Contacts", "count",
           "Support contacts (tickets, chats, calls, emails) read from the exports; unreadable records are in "
           "rejects.jsonl and not counted.",
           "contacts in the contacts table", "", "a contacts table (voc analyze)"),
    Metric("customers", "Customers", "count",
           "Distinct customers who contacted support, after identity resolution (customer id, identity map, email, "
           "phone); contacts linked to no customer are not counted.",
           "distinct customer ids over the contacts", "", "customer ids, emails or phones on the contacts"),
    Metric("repeat_contact_rate", "Repeat-contact rate", "share",
           "Share of contacts whose customer had already contacted support, on any channel, in the {window} days "
           "before.",
           "contacts with an earlier contact of the same customer in the {window} days before",
           "contacts linked to a customer, with a time", "customer ids (or emails/phones) and times on the contacts",
           "contacts with a known customer"),
    Metric("same_issue_repeat_rate", "Same-issue repeat rate", "share",
           "Share of contacts that come back, within {window} days, about the same issue as an earlier contact of "
           "the same customer (same intent, or customer text with embedding cosine of at least {similarity}).",
           "contacts repeating an earlier same-issue contact within {window} days",
           "contacts linked to a customer, with a time", "customer ids and times, and intents or embeddings",
           "contacts with a known customer"),
    Metric("first_contact_resolution", "First-contact resolution", "share",
           "Share of contacts that are not followed, within {window} days, by another contact of the same customer "
           "about the same issue.",
           "contacts with no same-issue contact of the customer in the {window} days after",
           "contacts linked to a customer whose {window}-day follow-up window ends before the data does",
           "customer ids and times, and intents or embeddings", "contacts with {window} days observed after"),
    Metric("negative_share", "Negative", "share",
           "Share of contacts whose customer-side sentiment is negative.",
           "contacts with negative customer sentiment", "contacts with a sentiment", "the sentiment step",
           "contacts with a sentiment"),
    Metric("friction_rate", "Friction rate", "share",
           "Share of contacts that have at least one friction instance (" + FRICTION_KINDS_TEXT + ") recorded "
           "against them.",
           "contacts with a friction instance", "contacts", "event logs (--events or voc journeys)", "contacts"),
    Metric("friction_score", "Friction score", "score",
           "Mean journey friction score on a 0-100 scale: per journey, a noisy-OR of each friction kind's weight "
           "times its worst severity (0: no friction; a contact, a customer and a journey share this scale).",
           "sum of the journeys' friction scores", "journeys", "event logs (--events or voc journeys)", "journeys"),
)}

KEYS = tuple(METRICS)


def params_of(journey_config: Any) -> dict[str, Any]:
    """The parameters the definitions mention, from a JourneyConfig (or a dict of its fields)."""
    get = (journey_config.get if isinstance(journey_config, dict) else lambda k, d=None: getattr(journey_config, k, d))
    return {"window": float(get("repeat_window_days", 7) or 7), "similarity": float(get("same_issue_similarity", 0.75) or 0.75)}
