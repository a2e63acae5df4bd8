"""Build the labelled PII benchmark: support-style messages with character spans per entity.

    pip install 'faker==40.54.0'        # only needed to regenerate the committed file
    .venv/bin/python benchmarks/make_pii_benchmark.py [--n 640] [--seed 12] [--out benchmarks/data/pii_benchmark.jsonl]

Each line of the output is one message:

    {"id": "m0007", "split": "dev" | "test", "format": "chat" | "email" | "call" | "ticket",
     "lang": "en" | "de" | "fr" | "es" | "pl", "text": "...",
     "spans": [{"start": 10, "end": 22, "label": "PERSON", "text": "maria garcia"}, ...],
     "keep":  [{"start": 40, "end": 49, "label": "PRODUCT", "text": "Apple Pay"}, ...]}

``spans`` are the personal data a redactor must remove (labels: PERSON, EMAIL, PHONE, CARD, IBAN, CVV,
NATIONAL_ID, DOB, ADDRESS, POSTCODE, IP, USERNAME, PASSPORT, LICENCE); ``keep`` are strings that must
survive (brands and products, the company's own name "Northwind", city names alone, order numbers,
amounts, invoice ids, SKUs, tracking numbers, conversation ids, ordinary dates, words like "Adresse" or
"Baker" used as a word). Values come from Faker in nine locales (Latin, Cyrillic, Chinese and Devanagari
names; UK, US, German and French addresses) and from the hand-written lists below; the templates are
written to hold the hard cases of issue 12 (lower-case names, sign-offs, obfuscated e-mails, "0044 ..."
and spelled-out phones, ...). Every other message is "dev" (for tuning), the rest "test" (held out).
"""
from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path
from typing import Callable

from faker import Faker

ROOT = Path(__file__).resolve().parents[1]
COMPANY = "Northwind"

LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "pl_PL", "ru_RU", "zh_CN", "hi_IN"]
LATIN = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "pl_PL"]
EXTRA_NAMES = ["ahmed al-farsi", "priya natarajan", "fatima el-amin", "oluwaseun adeyemi", "nguyen van an",
               "siobhan o'connor", "jean-luc picard", "mohammed al-rashid", "aisha khan", "raj patel",
               "kwame mensah", "yuki tanaka", "chloé dubois", "björn andersson", "zoë van der berg"]
DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


class Gen:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.f = {loc: Faker(loc) for loc in LOCALES}
        for i, f in enumerate(self.f.values()):
            f.seed_instance(seed + i)

    def fk(self, locales: list[str] | None = None) -> Faker:
        return self.f[self.r.choice(locales or LATIN)]

    # ---- personal data --------------------------------------------------------------------
    def full_name(self) -> str:
        roll = self.r.random()
        if roll < 0.2:
            return self.fk(["ru_RU", "zh_CN", "hi_IN"]).name()
        if roll < 0.3:
            return self.r.choice(EXTRA_NAMES).title()
        f = self.fk()
        return f"{f.first_name()} {f.last_name()}"

    def first_name(self) -> str:
        roll = self.r.random()
        if roll < 0.15:
            return self.fk(["ru_RU", "zh_CN", "hi_IN"]).first_name()
        if roll < 0.25:
            return self.r.choice(EXTRA_NAMES).split()[0].title()
        return self.fk().first_name()

    def lower_name(self) -> str:
        if self.r.random() < 0.5:
            return self.r.choice(EXTRA_NAMES)
        f = self.fk(["en_US", "en_GB", "es_ES", "fr_FR"])
        return f"{f.first_name()} {f.last_name()}".lower()

    def email(self) -> str:
        f = self.fk()
        return self.r.choice([f.email(), f.free_email(), f.company_email()])

    def obfuscated_email(self) -> str:
        f = self.fk(["en_US", "en_GB"])
        user = f"{f.first_name()}.{f.last_name()}".lower()
        dom = self.r.choice(["gmail", "yahoo", "outlook", "hotmail", "proton"])
        tld = self.r.choice(["com", "co.uk", "de", "fr"])
        form = self.r.randrange(5)
        if form == 0:
            return f"{user.replace('.', ' dot ')} at {dom} dot {tld.replace('.', ' dot ')}"
        if form == 1:
            return f"{user}[at]{dom}.{tld}"
        if form == 2:
            return f"{user} (at) {dom} (dot) {tld}"
        if form == 3:
            return f"{user} [at] {dom} [dot] {tld}"
        return f"{user}(at){dom}.{tld}"

    def phone(self) -> str:
        r = self.r
        d = lambda n: "".join(str(r.randrange(10)) for _ in range(n))  # noqa: E731
        area = r.choice(["415", "212", "646", "312", "617", "503"])
        forms = [
            f"({area}) 555-{d(4)}", f"{area}-555-{d(4)}", f"+1 {area} 555 {d(4)}", f"{area}.555.{d(4)}",
            f"0044 20 7946 {d(4)}", f"+44 20 7946 {d(4)}", f"07700 900{d(3)}", f"+44 7700 900{d(3)}",
            f"020 7946 {d(4)}", f"+49 30 {d(8)}", f"030 {d(7)}", f"0049 89 {d(7)}", f"+33 6 {d(2)} {d(2)} {d(2)} {d(2)}",
            f"06 {d(2)} {d(2)} {d(2)} {d(2)}", f"0033 1 {d(2)} {d(2)} {d(2)} {d(2)}", f"+48 {d(3)} {d(3)} {d(3)}",
        ]
        return r.choice(forms)

    def spelled_phone(self) -> str:
        digits = "07700900" + "".join(str(self.r.randrange(10)) for _ in range(3)) if self.r.random() < 0.5 \
            else "415555" + "".join(str(self.r.randrange(10)) for _ in range(4))
        words = []
        for ch in digits:
            w = DIGIT_WORDS[int(ch)]
            if ch == "0" and self.r.random() < 0.5:
                w = "oh"
            words.append(w)
        sep = self.r.choice([" ", " ", "-", ", "])
        return sep.join(words)

    def card(self) -> str:
        num = self.fk(["en_US"]).credit_card_number(card_type=self.r.choice(["visa16", "mastercard", "amex", "discover"]))
        if len(num) == 16 and self.r.random() < 0.6:
            sep = self.r.choice([" ", "-"])
            num = sep.join(num[i:i + 4] for i in range(0, 16, 4))
        return num

    def iban(self) -> str:
        iban = self.fk(["de_DE", "fr_FR", "en_GB", "es_ES", "pl_PL"]).iban()
        if self.r.random() < 0.5:
            iban = " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
        return iban

    def cvv(self) -> str:
        return "".join(str(self.r.randrange(10)) for _ in range(self.r.choice([3, 3, 4])))

    def ssn(self) -> str:
        r = self.r
        if r.random() < 0.3:    # UK National Insurance number
            letters = "ABCEGHJKLMNPRSTWXYZ"
            nino = (f"{r.choice(letters)}{r.choice(letters)} "
                    f"{r.randrange(10, 99)} {r.randrange(10, 99)} {r.randrange(10, 99)} {r.choice('ABCD')}")
            return nino if r.random() < 0.5 else nino.replace(" ", "")
        ssn = self.f["en_US"].ssn()
        return ssn if r.random() < 0.7 else ssn.replace("-", " ")

    def dob(self, lang: str = "en") -> str:
        d = self.f["en_US"].date_of_birth(minimum_age=18, maximum_age=90)
        if lang == "de":
            return d.strftime("%d.%m.%Y")
        if lang == "fr":
            return d.strftime("%d/%m/%Y")
        return self.r.choice([d.strftime("%m/%d/%Y"), d.strftime("%Y-%m-%d"), f"{d.day} {d.strftime('%B %Y')}",
                              f"{d.strftime('%B')} {d.day}, {d.year}", d.strftime("%d/%m/%Y")])

    def address(self, country: str | None = None) -> str:
        country = country or self.r.choice(["US", "UK", "DE", "FR"])
        r = self.r
        if country == "US":
            f = self.f["en_US"]
            return f"{r.randrange(1, 9999)} {f.street_name()}, {f.city()}, {f.state_abbr()} {f.zipcode()}"
        if country == "UK":
            f = self.f["en_GB"]
            return f"{r.randrange(1, 250)} {f.street_name()}, {f.city()} {f.postcode()}"
        if country == "DE":
            f = self.f["de_DE"]
            return f"{f.street_name()} {r.randrange(1, 180)}, {f.postcode()} {f.city()}"
        f = self.f["fr_FR"]
        return (f"{r.randrange(1, 120)} {r.choice(['rue', 'Rue', 'avenue', 'boulevard'])} {f.last_name()}, "
                f"{f.postcode()} {f.city()}")

    def street(self, country: str) -> str:
        r = self.r
        if country == "DE":
            return f"{self.f['de_DE'].street_name()} {r.randrange(1, 180)}"
        if country == "FR":
            return f"{r.randrange(1, 120)} rue {self.f['fr_FR'].last_name()}"
        return f"{r.randrange(1, 999)} {self.f['en_US' if country == 'US' else 'en_GB'].street_name()}"

    def postcode(self) -> str:
        return self.r.choice([self.f["en_GB"].postcode(), self.f["en_US"].zipcode(), self.f["de_DE"].postcode(),
                              self.f["fr_FR"].postcode()])

    def ip(self) -> str:
        f = self.f["en_US"]
        return self.r.choice([f.ipv4_public(), f.ipv4_private(), f.ipv4_public(), f.ipv6()])

    def username(self) -> str:
        f = self.fk()
        u = f.user_name()
        return self.r.choice([u, u + str(self.r.randrange(10, 99)), f"{f.first_name().lower()}_{f.last_name().lower()[:4]}"])

    def passport(self) -> str:
        r = self.r
        return r.choice([
            "".join(str(r.randrange(10)) for _ in range(9)),                                  # US / UK
            "C" + "".join(r.choice("0123456789CFGHJKLMNPRTVWXYZ") for _ in range(8)),       # DE
            # FR
            f"{r.randrange(10, 99)}{r.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{r.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}"
            f"{r.randrange(10000, 99999)}",
        ])

    def licence(self) -> str:
        r = self.r
        sur = re.sub(r"[^A-Z]", "", self.f["en_GB"].last_name().upper())[:5].ljust(5, "9")
        uk = (f"{sur}{r.randrange(0, 9)}{r.randrange(10, 99)}{r.randrange(10, 99)}{r.randrange(1, 9)}"
              f"{r.choice('ABCDEFGHJKLMNPRSTW')}{r.choice('ABCDEFGHJKLMNPRSTW')}{r.randrange(1, 9)}"
              f"{r.choice('ABCDEFGHJKLMNPRSTW')}{r.choice('ABCDEFGHJKLMNPRSTW')}")
        return r.choice([uk, f"{r.choice('ABDFGKMS')}{r.randrange(1000000, 9999999)}",
                         f"B{r.randrange(100, 999)}{r.choice('ABCDEFGHJK')}{r.choice('ABCDEFGHJK')}{r.choice('ABCDEFGHJK')}"
                         f"{r.randrange(10, 99)}{r.choice('ABCDEFGHJK')}{r.randrange(10, 99)}"])

    # ---- strings that must survive ---------------------------------------------------------
    def order_no(self) -> str:
        r = self.r
        return r.choice([f"#{r.randrange(100000, 9999999)}", f"A{r.randrange(10000000, 99999999)}",
                         f"{r.randrange(100, 999)}-{r.randrange(1000000, 9999999)}-{r.randrange(1000000, 9999999)}",
                         f"NW-{r.randrange(100000, 999999)}", f"{r.randrange(1000000000, 9999999999)}"])

    def amount(self) -> str:
        r = self.r
        v = r.randrange(100, 250000) / 100
        return r.choice([f"${v:,.2f}", f"£{v:,.2f}", f"{v:.2f} EUR", f"€{v:,.2f}".replace(",", " "),
                         f"{v:.2f}".replace(".", ",") + " €", f"USD {v:,.2f}"])

    def invoice(self) -> str:
        r = self.r
        return r.choice([f"INV-{r.randrange(2019, 2026)}-{r.randrange(1, 99999):05d}", f"RE{r.randrange(1000000, 9999999)}",
                         f"F{r.randrange(2019, 2026)}/{r.randrange(1, 9999):04d}"])

    def sku(self) -> str:
        r = self.r
        return r.choice([f"SKU-{r.randrange(10000, 99999)}-{r.choice(['BLK', 'WHT', 'RED', 'L', 'XL'])}",
                         f"{r.randrange(4000000000000, 4999999999999)}", f"NW{r.randrange(100, 999)}-{r.randrange(10, 99)}"])

    def tracking(self) -> str:
        r = self.r
        ups = "1Z" + "".join(r.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(16))
        usps = "9400 " + " ".join("".join(str(r.randrange(10)) for _ in range(4)) for _ in range(4)) + f" {r.randrange(10, 99)}"
        dhl = "".join(str(r.randrange(10)) for _ in range(10))
        royal = f"{r.choice(['AB', 'RR', 'JD'])}{r.randrange(100000000, 999999999)}GB"
        return r.choice([ups, usps, dhl, royal])

    def conversation_id(self) -> str:
        return str(self.r.randrange(100000000000000, 999999999999999))

    def plain_date(self) -> str:
        d = self.f["en_US"].date_between(start_date="-2y", end_date="today")
        return self.r.choice([d.strftime("%m/%d/%Y"), d.strftime("%Y-%m-%d"), f"{d.strftime('%B')} {d.day}",
                              d.strftime("%d.%m.%Y")])


# (slot name) -> (label, kind) where kind "pii" must be removed and "keep" must survive
SLOTS: dict[str, tuple[str, str, Callable[[Gen, str], str]]] = {
    "NAME": ("PERSON", "pii", lambda g, lang: g.full_name()),
    "FIRST": ("PERSON", "pii", lambda g, lang: g.first_name()),
    "LNAME": ("PERSON", "pii", lambda g, lang: g.lower_name()),
    "LFIRST": ("PERSON", "pii", lambda g, lang: g.lower_name().split()[0]),
    "LAST": ("PERSON", "pii", lambda g, lang: g.fk().last_name()),
    "EMAIL": ("EMAIL", "pii", lambda g, lang: g.email()),
    "OBEMAIL": ("EMAIL", "pii", lambda g, lang: g.obfuscated_email()),
    "PHONE": ("PHONE", "pii", lambda g, lang: g.phone()),
    "SPHONE": ("PHONE", "pii", lambda g, lang: g.spelled_phone()),
    "CARD": ("CARD", "pii", lambda g, lang: g.card()),
    "IBAN": ("IBAN", "pii", lambda g, lang: g.iban()),
    "CVV": ("CVV", "pii", lambda g, lang: g.cvv()),
    "SSN": ("NATIONAL_ID", "pii", lambda g, lang: g.ssn()),
    "DOB": ("DOB", "pii", lambda g, lang: g.dob(lang)),
    "ADDR": ("ADDRESS", "pii", lambda g, lang: g.address({"de": "DE", "fr": "FR"}.get(lang))),
    "ADDR_US": ("ADDRESS", "pii", lambda g, lang: g.address("US")),
    "ADDR_UK": ("ADDRESS", "pii", lambda g, lang: g.address("UK")),
    "STREET_DE": ("ADDRESS", "pii", lambda g, lang: g.street("DE")),
    "STREET_FR": ("ADDRESS", "pii", lambda g, lang: g.street("FR")),
    "STREET_US": ("ADDRESS", "pii", lambda g, lang: g.street("US")),
    "POSTCODE": ("POSTCODE", "pii", lambda g, lang: g.postcode()),
    "IP": ("IP", "pii", lambda g, lang: g.ip()),
    "USER": ("USERNAME", "pii", lambda g, lang: g.username()),
    "PASSPORT": ("PASSPORT", "pii", lambda g, lang: g.passport()),
    "LICENCE": ("LICENCE", "pii", lambda g, lang: g.licence()),
    # must survive
    "ORDER": ("ORDER_ID", "keep", lambda g, lang: g.order_no()),
    "AMOUNT": ("AMOUNT", "keep", lambda g, lang: g.amount()),
    "INVOICE": ("INVOICE_ID", "keep", lambda g, lang: g.invoice()),
    "SKU": ("SKU", "keep", lambda g, lang: g.sku()),
    "TRACK": ("TRACKING", "keep", lambda g, lang: g.tracking()),
    "CONVID": ("CONVERSATION_ID", "keep", lambda g, lang: g.conversation_id()),
    "DATE": ("DATE", "keep", lambda g, lang: g.plain_date()),
    "PRODUCT": ("PRODUCT", "keep", lambda g, lang: g.r.choice([
        "Apple Pay", "Google Pixel", "Google Pixel 8", "Dr. Bronner's", "iPhone 15 Pro", "Samsung Galaxy S23", "PayPal",
        "Klarna", "Amazon Prime", "Air Jordan 1", "Kindle Paperwhite", "Apple Watch", "Google Pay", "Dyson V15",
        "Nintendo Switch", "Visa", "Mastercard", "Ray-Ban", "Tesla Model 3", "Ben & Jerry's"])),
    "COMPANY": ("COMPANY", "keep", lambda g, lang: COMPANY),
    "CITY": ("CITY", "keep", lambda g, lang: g.r.choice(["Warszawa", "München", "Paris", "London", "Berlin", "Madrid",
                                                       "Kraków", "Lyon", "Manchester", "Chicago"])),
    "WORD": ("WORD", "keep", lambda g, lang: g.r.choice(["Baker", "Adresse", "Sterling", "Hope", "Grant", "Will", "Bill",
                                                       "Summer", "Victoria", "Mark"])),
}

# Templates per format and language. {SLOT} is replaced by a generated value; literal text around it is
# what support messages look like. Several hold only negatives, so over-redaction shows.
TEMPLATES: list[tuple[str, str, str]] = [
    # ---- chat, English -----------------------------------------------------------------------
    ("chat", "en", "hi this is {LNAME}, my order {ORDER} never arrived"),
    ("chat", "en", "hey it's {LNAME} again, still waiting on the refund of {AMOUNT}"),
    ("chat", "en", "my name is {LNAME} and my email is {EMAIL}"),
    ("chat", "en", "you can email me at {OBEMAIL} if the chat drops"),
    ("chat", "en", "pls send the label to {OBEMAIL}, thanks"),
    ("chat", "en", "my number is {SPHONE}"),
    ("chat", "en", "call me back on {PHONE} please, I paid with {PRODUCT}"),
    ("chat", "en", "Customer: I can't log in, my username is {USER}\nAgent: Thanks! Which device?\nCustomer: {PRODUCT}"),
    ("chat", "en", "the card ending wrong, full number {CARD} exp 09/27 cvv {CVV}"),
    ("chat", "en", "I bought the {PRODUCT} on {DATE}, order {ORDER}, and it arrived broken"),
    ("chat", "en", "thanks for contacting {COMPANY}! how can I help?"),
    ("chat", "en", "thanks, {LFIRST}"),
    ("chat", "en", "ok thanks {LFIRST}!"),
    ("chat", "en", "Hi {FIRST}, your tracking number is {TRACK}."),
    ("chat", "en", "{COMPANY} support here. Your conversation id is {CONVID}, quote it if you write again."),
    ("chat", "en", "Is this {FIRST}? We spoke yesterday about invoice {INVOICE}."),
    ("chat", "en", "I'm {FIRST} from {COMPANY} billing, how can I help?"),
    ("chat", "en", "my ip is {IP} and the site still blocks me"),
    ("chat", "en", "I use {PRODUCT} soap from {PRODUCT} and the {SKU} bottle leaked"),
    ("chat", "en", "ssn {SSN}, date of birth {DOB}"),
    ("chat", "en", "For verification: DOB {DOB}, postcode {POSTCODE}"),
    ("chat", "en", "I moved, new address is {ADDR_US}"),
    ("chat", "en", "ship it to {ADDR_UK} please"),
    ("chat", "en", "my zip code is {POSTCODE} and the total was {AMOUNT}"),
    ("chat", "en", "I work as a {WORD} so I can only call after 6"),
    ("chat", "en", "{FIRST} here, ordered from {CITY}, order {ORDER}"),
    ("chat", "en", "hi, this is {NAME}, I need to change my delivery address"),
    ("chat", "en", "login {USER} is locked after I changed my password"),
    ("chat", "en", "@{USER} your order {ORDER} ships tomorrow"),
    # ---- email, English ----------------------------------------------------------------------
    ("email", "en", "Subject: Refund for order {ORDER}\n\nHello,\n\nI was charged {AMOUNT} twice for invoice {INVOICE}. "
                    "Please refund to my account {IBAN}.\n\nKind regards,\n{NAME}"),
    ("email", "en", "Dear {COMPANY} team,\n\nmy passport number is {PASSPORT} "
                    "and the booking still shows the old one.\n\nBest,\n{FIRST}"),
    ("email", "en", "Hello,\nplease update my driving licence number to {LICENCE} on file.\nThanks,\n{LNAME}"),
    ("email", "en", "From: {EMAIL}\nSubject: Broken {PRODUCT}\n\nThe {PRODUCT} I ordered ({SKU}) stopped charging. "
                    "Tracking said delivered on {DATE}.\n\nCheers,\n{FIRST} {LAST}"),
    ("email", "en", "Hi there,\n\nplease call me on {PHONE} or email {OBEMAIL}. I'm at {ADDR_UK} most days.\n\nRegards\n{NAME}"),
    ("email", "en", "Hello {COMPANY},\n\nI live in {CITY} and the courier could "
                    "not find {STREET_US}. Ref {TRACK}.\n\nthanks\n{LFIRST}"),
    ("email", "en", "To whom it may concern,\nMy social security number {SSN} was printed on the letter you sent to {ADDR_US}. "
                    "This is unacceptable.\n{NAME}"),
    ("email", "en", "Good morning,\nthe payment of {AMOUNT} from card {CARD} (CVC {CVV}) failed.\n"
                    "Best regards,\n{NAME}\n{PHONE}"),
    ("email", "en", "Hi,\nI am writing on behalf of my mother, {NAME}, born {DOB}. Her account email is {EMAIL}.\nThank you"),
    # ---- call transcripts, English -----------------------------------------------------------
    ("call", "en", "Agent: Thank you for calling {COMPANY}, you're speaking with {FIRST}.\nCaller: hi, yeah, it's {LNAME} here"),
    ("call", "en", "Agent: Can I have your full name please?\nCaller: {LNAME}\nAgent: And your date of birth?\nCaller: {DOB}"),
    ("call", "en", "Caller: my phone number is {SPHONE}\nAgent: Thank you."),
    ("call", "en", "Agent: what's the best number to reach you?\nCaller: it's {PHONE}"),
    ("call", "en", "Caller: the long number on the card is {CARD}\nAgent: and the three digits on the back?\nCaller: {CVV}"),
    ("call", "en", "Agent: Could you confirm the first line of your address?\nCaller: {STREET_US}, postcode {POSTCODE}"),
    ("call", "en", "Caller: I'm calling about order {ORDER}, I paid {AMOUNT} with {PRODUCT}"),
    ("call", "en", "Agent: is that {FIRST} spelled the usual way?\nCaller: yes, and my surname is {LAST}"),
    ("call", "en", "Caller: my email is {OBEMAIL}\nAgent: great, I've sent the reset link"),
    ("call", "en", "Agent: Okay Mr. {LAST}, I see the {PRODUCT} order from {DATE}."),
    ("call", "en", "Caller: my national insurance number is {SSN}\nAgent: thanks"),
    # ---- tickets, English ----------------------------------------------------------------------
    ("ticket", "en", "Customer {NAME} ({EMAIL}) reports login failures from IP {IP}."),
    ("ticket", "en", "Escalated: customer quoted card {CARD} in chat; conversation {CONVID}."),
    ("ticket", "en", "Requester: {NAME}\nPhone: {PHONE}\nIssue: {PRODUCT} not charging, SKU {SKU}"),
    ("ticket", "en", "User {USER} cannot reset password. Account email {EMAIL}."),
    ("ticket", "en", "KYC check failed: passport {PASSPORT}, DOB {DOB}, licence {LICENCE}."),
    ("ticket", "en", "Refund {AMOUNT} for invoice {INVOICE}, order {ORDER}, tracking {TRACK}."),
    ("ticket", "en", "Address change to {ADDR} requested by {NAME}."),
    ("ticket", "en", "Duplicate of conversation {CONVID}; {COMPANY} {PRODUCT} promo code issue."),
    ("ticket", "en", "Bank details updated: IBAN {IBAN} (customer {NAME})."),
    ("ticket", "en", "Fraud flag: logins from {IP} and {IP} within a minute for user {USER}."),
    ("chat", "en", "I renewed my passport, the new number is {PASSPORT}, valid until {DATE}"),
    ("email", "en", "Hi,\nfor the car hire I need to give my driver's license "
                    "number: {LICENCE}. My SSN is {SSN} if needed.\nthanks"),
    ("call", "en", "Agent: and the passport number?\nCaller: {PASSPORT}\nAgent: and your IP when it failed was {IP}"),
    ("ticket", "en", "The {WORD} team at {COMPANY} confirmed the order {ORDER} shipped from {CITY}."),
    # ---- German ---------------------------------------------------------------------------------
    ("email", "de", "Hallo,\n\nmeine neue Adresse ist {ADDR}. Bitte die Bestellung "
                    "{ORDER} dorthin schicken.\n\nMit freundlichen Grüßen\n{NAME}"),
    ("chat", "de", "ich heiße {LNAME} und meine Telefonnummer ist {PHONE}"),
    ("chat", "de", "Die {WORD} hat sich geändert, ich wohne jetzt in der {STREET_DE}."),
    ("email", "de", "Guten Tag,\nmein Geburtsdatum ist der {DOB}, meine IBAN {IBAN}.\nViele Grüße\n{FIRST}"),
    ("ticket", "de", "Kunde {NAME}, E-Mail {EMAIL}, Rechnung {INVOICE} über {AMOUNT}."),
    ("chat", "de", "Mein Name ist {NAME}, ich habe mit {PRODUCT} bezahlt."),
    ("call", "de", "Agent: Wie ist Ihre Postleitzahl?\nKunde: {POSTCODE} in {CITY}"),
    # ---- French ---------------------------------------------------------------------------------
    ("email", "fr", "Bonjour,\n\nje m'appelle {NAME}, j'habite au {ADDR}. Ma "
                    "commande {ORDER} n'est jamais arrivée.\n\nCordialement,\n{NAME}"),
    ("chat", "fr", "mon numéro est le {PHONE} et mon e-mail {OBEMAIL}"),
    ("ticket", "fr", "Client {NAME}, né le {DOB}, facture {INVOICE}."),
    ("chat", "fr", "je suis à {CITY}, pouvez-vous livrer au {STREET_FR} ?"),
    # ---- Spanish / Polish -----------------------------------------------------------------------
    ("chat", "es", "hola, me llamo {LNAME} y mi correo es {EMAIL}"),
    ("email", "es", "Hola,\nmi número de teléfono es {PHONE}.\nSaludos,\n{NAME}"),
    ("chat", "pl", "dzień dobry, nazywam się {NAME}, mieszkam w {CITY}, zamówienie {ORDER}"),
    ("ticket", "pl", "Klient {NAME}, tel. {PHONE}, IBAN {IBAN}"),
]


def render(g: Gen, fmt: str, lang: str, template: str) -> tuple[str, list[dict], list[dict]]:
    text, spans, keep = "", [], []
    pos = 0
    for m in re.finditer(r"\{([A-Z_]+)\}", template):
        text += template[pos:m.start()]
        label, kind, make = SLOTS[m.group(1)]
        value = make(g, lang)
        start = len(text)
        text += value
        (spans if kind == "pii" else keep).append({"start": start, "end": len(text), "label": label, "text": value})
        pos = m.end()
    text += template[pos:]
    return text, spans, keep


def build(n: int, seed: int) -> list[dict]:
    g = Gen(seed)
    out = []
    for i in range(n):
        fmt, lang, tpl = TEMPLATES[i % len(TEMPLATES)] if i < len(TEMPLATES) else g.r.choice(TEMPLATES)
        text, spans, keep = render(g, fmt, lang, tpl)
        out.append({"id": f"m{i:04d}", "split": "dev" if i % 2 == 0 else "test", "format": fmt, "lang": lang,
                    "text": text, "spans": spans, "keep": keep})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=800)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "data" / "pii_benchmark.jsonl")
    args = ap.parse_args()
    rows = build(args.n, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    counts: dict[str, int] = {}
    for row in rows:
        for s in row["spans"] + row["keep"]:
            counts[s["label"]] = counts.get(s["label"], 0) + 1
    print(f"{len(rows)} messages -> {args.out}")
    print(json.dumps(dict(sorted(counts.items())), indent=None))


if __name__ == "__main__":
    main()
