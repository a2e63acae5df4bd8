from __future__ import annotations

from datetime import datetime, timezone

import pytest

from voc.ingest.common import channel_of, clean_email
from voc.ingest.html_text import html_to_text
from voc.ingest.readers.email_eml import strip_quoted
from voc.ingest.roles import assign_roles, guess_agent, role_of
from voc.ingest.timestamps import parse_clock, parse_timestamp

UTC = timezone.utc


@pytest.mark.parametrize("value,expected", [
    ("2026-01-05T10:00:00Z", datetime(2026, 1, 5, 10, tzinfo=UTC)),
    ("2026-01-05T12:00:00+02:00", datetime(2026, 1, 5, 10, tzinfo=UTC)),
    ("2026-01-05 10:00", datetime(2026, 1, 5, 10, tzinfo=UTC)),
    ("2026-01-05 10:00 UTC", datetime(2026, 1, 5, 10, tzinfo=UTC)),
    ("01/05/2026 10:00", datetime(2026, 1, 5, 10, tzinfo=UTC)),
    (1767607200, datetime(2026, 1, 5, 10, tzinfo=UTC)),
    (1767607200000, datetime(2026, 1, 5, 10, tzinfo=UTC)),
    ("1767607200", datetime(2026, 1, 5, 10, tzinfo=UTC)),
    ("Mon, 05 Jan 2026 11:00:00 +0100", datetime(2026, 1, 5, 10, tzinfo=UTC)),
    ("", None), (None, None),
])
def test_parse_timestamp(value, expected):
    assert parse_timestamp(value) == expected


def test_parse_timestamp_rejects_garbage():
    for bad in ("not a date", "2026-13-45", True, float("nan")):
        with pytest.raises(ValueError):
            parse_timestamp(bad)


def test_parse_clock():
    assert parse_clock("01:02:03.5") == 3723.5 and parse_clock("00:00:05,120") == 5.12 and parse_clock("2:05") == 125


def test_html_to_text():
    html = "<div><p>Hi&nbsp;there,</p><p>my <b>order</b> &amp; <a href='x'>invoice</a></p><script>x=1</script>a < b</div>"
    assert html_to_text(html) == "Hi there,\nmy order & invoice\na < b"
    assert html_to_text("plain text") == "plain text" and html_to_text(None) == ""


def test_roles():
    assert role_of("Agent Dana") == "agent" and role_of("[Customer]") == "customer" and role_of("bot") == "bot"
    assert role_of("Maria") is None
    assert guess_agent([("A", "Hello?"), ("B", "Thank you for calling Acme, how can I help?")]) == "B"
    assert guess_agent([("A", "hi"), ("B", "hello")]) == "A"  # no phrase: the first speaker answers
    assert assign_roles([("Agent", "hi"), ("Maria", "hello"), ("Tom", "me too")],
                        __import__("voc.config").config.IngestConfig()) == \
        {"Agent": "agent", "Maria": "customer", "Tom": "customer"}


def test_channels_and_emails():
    assert channel_of("native_messaging") == "chat" and channel_of("voice") == "call" and channel_of(3) == "call"
    assert channel_of("Web form") == "ticket" and channel_of(None) == "ticket" and channel_of("Email") == "email"
    assert clean_email("Maria <Maria.G@Example.COM>") == "maria.g@example.com" and clean_email("Maria") is None


def test_strip_quoted():
    body = ("Still no refund.\n\nRegards,\nAna\n-- \nAna Silva\n+1 415\n\n"
            "On Mon, Jan 5, 2026 at 10:00 AM Support <s@x.com> wrote:\n> We are on it\n")
    assert strip_quoted(body) == "Still no refund.\n\nRegards,\nAna"
    outlook = "Please cancel.\n\n-----Original Message-----\nFrom: Support\nSent: Monday\nhello"
    assert strip_quoted(outlook) == "Please cancel."
