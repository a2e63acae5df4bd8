"""Speaker labels and author types -> the canonical roles (customer, agent, bot, system).

Built-in labels cover what help desks and transcription tools write; ``ingest.speaker_roles``
in the config adds or overrides labels (case-insensitive), e.g. ``{Rep: agent, Caller: customer}``.
"""
from __future__ import annotations

import re

from voc.config import IngestConfig
from voc.schema import ROLES

BUILTIN_ROLES: dict[str, str] = {
    **dict.fromkeys(["customer", "client", "caller", "user", "lead", "contact", "requester", "visitor",
                     "end-user", "end user", "enduser", "member", "guest", "buyer", "shopper", "patient", "cust"], "customer"),
    **dict.fromkeys(["agent", "rep", "representative", "advisor", "adviser", "support", "operator", "admin",
                     "teammate", "staff", "associate", "specialist", "csr", "support agent", "customer service",
                     "service agent", "helpdesk", "help desk", "consultant", "tech", "technician"], "agent"),
    **dict.fromkeys(["bot", "assistant", "virtual agent", "virtual assistant", "chatbot", "ivr", "operator bot",
                     "fin", "automation", "ai agent"], "bot"),
    **dict.fromkeys(["system", "action", "note", "internal note", "event", "workflow", "trigger"], "system"),
}

_SPACE = re.compile(r"\s+")


def _key(label: str) -> str:
    return _SPACE.sub(" ", str(label).strip().lower().strip("[]()<>:-_ ").replace("_", " "))


def role_of(label: str | None, config: IngestConfig | None = None) -> str | None:
    """The role of a speaker label, or None when the label is not a known role or mapped name.

    Config mappings win; then the built-in labels; then labels that *start* with a role word
    ('Agent Sam', 'Customer (Maria)')."""
    if label is None:
        return None
    key = _key(label)
    if not key:
        return None
    if config is not None:
        for name, role in config.speaker_roles.items():
            if _key(name) == key and role in ROLES:
                return role
    if key in BUILTIN_ROLES:
        return BUILTIN_ROLES[key]
    first = re.split(r"[\s(\-]+", key, maxsplit=1)[0]
    if first in BUILTIN_ROLES and first not in {"user", "contact", "member", "guest", "support", "tech", "note", "event"}:
        return BUILTIN_ROLES[first]
    return None


# Phrases a company-side speaker uses at the start of a call or chat.
AGENT_PHRASES = re.compile(
    r"thank(s| you) for (calling|contacting|reaching out|holding|your patience)|how (can|may) i (help|assist)"
    r"|you('ve| have) reached|this is \w+ (from|with|at)|my name is \w+ (from|with|at|and)|speaking[,.!]"
    r"|calling from|welcome to|customer (service|support|care)|for security|verify your|"
    r"is there anything else|have a (great|good|nice) (day|evening|one)",
    re.IGNORECASE,
)


def guess_agent(turns: list[tuple[str, str]]) -> str | None:
    """Pick which raw speaker label is the agent from (label, text) turns in order.

    Heuristic (documented in docs/input-formats.md): score each speaker by how many of their turns use
    company-side phrases (greeting on behalf of the company, offering help, verifying identity,
    closing formula); the best-scoring speaker is the agent. Ties and no phrase at all fall back
    to the first speaker, as the company side answers an inbound call first."""
    if not turns:
        return None
    scores: dict[str, float] = {}
    order: list[str] = []
    for i, (label, text) in enumerate(turns):
        if label not in scores:
            scores[label] = 0.0
            order.append(label)
        hits = len(AGENT_PHRASES.findall(text or ""))
        # early turns weigh more: the greeting decides most calls
        scores[label] += hits * (2.0 if i < 4 else 1.0)
    best = max(order, key=lambda s: (scores[s], -order.index(s)))
    return best if scores[best] > 0 else order[0]


def assign_roles(turns: list[tuple[str, str]], config: IngestConfig) -> dict[str, str]:
    """Role per raw speaker label: config/built-in labels first; unknown labels by the heuristic.

    With one known agent (or customer) the other unknown speakers take the opposite role; with no
    known label the agent is guessed with ``guess_agent`` and every other speaker is a customer."""
    labels = list(dict.fromkeys(label for label, _ in turns))
    roles: dict[str, str] = {}
    for label in labels:
        r = role_of(label, config)
        if r:
            roles[label] = r
    unknown = [lab for lab in labels if lab not in roles]
    if not unknown:
        return roles
    known = set(roles.values())
    if "agent" in known and "customer" not in known:
        roles.update(dict.fromkeys(unknown, "customer"))
    elif "customer" in known and "agent" not in known:
        roles.update(dict.fromkeys(unknown, "agent"))
    elif "agent" in known and "customer" in known:
        roles.update(dict.fromkeys(unknown, "customer"))  # third parties speak for the customer side
    else:
        agent = guess_agent([(lab, txt) for lab, txt in turns if lab in unknown])
        for lab in unknown:
            roles[lab] = "agent" if lab == agent else "customer"
    return roles
