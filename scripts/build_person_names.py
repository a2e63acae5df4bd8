"""Build voc/redact/data/person_names.json: the first-name and surname gazetteer of the lower-case name rule
(voc.redact.given_names). Run by hand when a source changes; voc itself only reads the JSON it writes.

    pip install names==0.3.0 wordfreq==3.1.1          # build-time only, not voc dependencies
    apt-get download wamerican-small wamerican       # SCOWL word lists (Debian), then dpkg-deb -x each into DIR
    python scripts/build_person_names.py --scowl-dir DIR/usr/share/dict

Sources (every list shipped is a subset of the census lists; nothing from SCOWL or wordfreq is shipped):
- Names: US Census 1990 frequently occurring first names (dist.male.first, dist.female.first; 5,163 distinct) and
  surnames (dist.all.last, 88,799), public domain, as shipped in the PyPI package ``names`` 0.3.0 (MIT code;
  its data files are public domain).
- Which names are also ordinary English words: SCOWL (Kevin Atkinson's Spell Checker Oriented Word Lists, as
  Debian's ``wamerican-small`` = size 35 and ``wamerican`` = size 50; free to use, copy, modify and distribute
  with its notice). A lower-case entry there is a common word; proper names are listed capitalised.
- Which names are also places: phonenumbers (Apache-2.0, a voc dependency) region names and geocoder data.
- How much a name is used as something else: ``wordfreq`` 3.1.1 English Zipf frequency (code Apache-2.0, data
  CC BY-SA 4.0) against the name's census share. Only a yes/no decision per census name is derived from it.

Classes written:
- ``first_names``: first names that are not common words; the rule takes one alone after a person context
  ("transfer to mike", "my wife jennifer") or before one ("steven said", "jason from billing").
- ``ambiguous_first_names``: first names that are also common words (will, mark, bill, grace, rose, may, june,
  august, chase, hope, frank, art, sue, pat, ray, dawn, amber, penny, sky, rich, ...), place and month names,
  and two-letter names; the rule takes them only before a surname ("mark garcia"), never alone.
- ``place_first_names``: the unambiguous first names that are also places (austin, dallas, charlotte, virginia,
  kenya); the rule takes them alone only after a word that says a person follows ("my son austin"), not after
  a preposition ("to austin", "from dallas").
- ``common_word_surnames``: the most frequent census surnames that are also words (smith, miller, baker), taken
  only after an unambiguous first name.
- ``surnames``: census surnames that are not common words and not mostly used as another word (places,
  demonyms, months, brands: 'american', 'london', 'toyota').
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "voc" / "redact" / "data" / "person_names.json"

MONTHS_DAYS = set("""january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday jan feb mar apr jun jul aug sep sept oct nov dec
mon tue tues wed thu thur thurs fri sat sun""".split())
# Names whose lower-case dictionary sense (SCOWL size 35) is rare in customer text, reviewed one by one:
# they stay unambiguous first names. maria (plural of mare), mike (microphone), carol (a song), peter (out),
# victor, martin (a bird), heather (a plant), harry (to harass), earl, sherry, hazel, derrick, warren, dean,
# glen, ken, lance, wade, matt (a finish), curt, eddy.
REVIEWED_NAMES = set("""maria mike carol peter victor martin heather harry earl sherry hazel derrick warren dean glen
ken lance wade matt curt eddy""".split())
# A name is 'mostly another word' when its English word frequency exceeds what its census share explains by
# this much (Zipf units, about 30x) over the median name: 'america', 'paris', 'september', 'ok', 'toyota'.
EXCESS = 1.5
SURNAME_MAX = 40_000      # the most frequent census surnames kept (84% of the 1990 population)
# Frequent surnames that are also words (smith, miller, baker, brown): kept apart, the rule takes them only after an
# unambiguous first name ("john smith"), and only those less frequent as words than this Zipf ('young', 'long' are not).
COMMON_SURNAME_TOP = 1000
# Place names among first names ('dallas', 'orlando', 'kenya', 'virginia'): countries (phonenumbers' English region
# names), US states, and US/Canadian cities with at least this many phone-number prefixes in phonenumbers' geocoder
# data (a proxy for the city's size: Dallas 178, Orlando 91, Austin 90, Olympia 33, Trenton 27).
CITY_PREFIXES = 25
US_STATES = set("""alabama alaska arizona arkansas california colorado connecticut delaware florida georgia hawaii idaho
illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan minnesota mississippi missouri
montana nebraska nevada ohio oklahoma oregon pennsylvania tennessee texas utah vermont virginia washington wisconsin
wyoming dakota carolina""".split())
COMMON_SURNAME_ZIPF = 5.0


def zipf_en(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def _census(path: Path) -> dict[str, float]:
    out: dict[str, float] = {}
    for line in path.read_text(encoding="ascii").splitlines():
        parts = line.split()
        if len(parts) == 4:
            out.setdefault(parts[0].lower(), float(parts[1]))
    return out


def _excess(shares: dict[str, float]) -> dict[str, float]:
    """Zipf frequency of each name minus the Zipf its census share predicts, less the median over names."""
    from wordfreq import zipf_frequency

    zipf = {n: zipf_frequency(n, "en") for n in shares}
    raw = {n: zipf[n] - math.log10(max(p, 0.0005) / 100 * 1e9) for n, p in shares.items()}
    mid = statistics.median(raw[n] for n in raw if zipf[n] > 0)     # over names wordfreq knows
    return {n: v - mid for n, v in raw.items()}


def places() -> set[str]:
    """Lower-case one-word place names: countries, US states, large US/Canadian cities (from phonenumbers' data)."""
    from collections import Counter

    from phonenumbers.geodata import GEOCODE_DATA
    from phonenumbers.geodata.locale import LOCALE_DATA

    def english(code: str) -> str:
        names = LOCALE_DATA[code]
        v = names.get("en") or names.get("aa") or ""
        while v.startswith("*"):
            v = names.get(v[1:], "")
        return v

    out = {english(c).lower() for c in LOCALE_DATA} | US_STATES
    cities = Counter(v["en"].split(",")[0].strip().lower() for k, v in GEOCODE_DATA.items() if k.startswith("1") and "en" in v)
    return out | {c for c, n in cities.items() if n >= CITY_PREFIXES}


def build(census_dir: Path, scowl_dir: Path) -> dict:
    small = set((scowl_dir / "american-english-small").read_text(encoding="utf-8").split())
    large = set((scowl_dir / "american-english").read_text(encoding="utf-8").split())
    first: dict[str, float] = {}
    for f in ("dist.male.first", "dist.female.first"):
        for n, p in _census(census_dir / f).items():
            first[n] = max(first.get(n, 0.0), p)
    first_excess = _excess(first)
    unamb, amb = [], []
    for n in sorted(first, key=lambda n: (-first[n], n)):
        word = n in small and n not in REVIEWED_NAMES
        other = first_excess[n] >= EXCESS or n in MONTHS_DAYS
        (amb if len(n) < 3 or word or other else unamb).append(n)
    last = _census(census_dir / "dist.all.last")
    last_excess = _excess(last)
    surnames = [n for n in list(last)[:SURNAME_MAX]
                if len(n) >= 3 and n.isalpha() and n not in large and last_excess[n] < EXCESS and n not in MONTHS_DAYS]
    common_word_surnames = [n for n in list(last)[:COMMON_SURNAME_TOP] if n in large and len(n) >= 3
                            and last_excess[n] < EXCESS and zipf_en(n) < COMMON_SURNAME_ZIPF and n not in MONTHS_DAYS]
    return {
        "about": ("First names and surnames for voc's lower-case person-name rule (voc/redact/given_names.py). "
                  "Built by scripts/build_person_names.py; see docs/privacy.md."),
        "source": ("US Census 1990 name lists (dist.male.first, dist.female.first, dist.all.last), public domain, "
                   "as shipped in the PyPI package 'names' 0.3.0 (MIT). Common-word classes decided with SCOWL word "
                   "lists (Debian wamerican-small/wamerican 2020.12.07, permissive licence) and wordfreq 3.1.1 "
                   "English frequencies (Apache-2.0 code, CC BY-SA 4.0 data); place names with phonenumbers' region names "
                   "and geocoder data (Apache-2.0). Only census names are listed here."),
        "licence": "Public domain (US Census Bureau data).",
        "first_names": unamb,
        "ambiguous_first_names": amb,
        "place_first_names": sorted(n for n in unamb if n in places()),
        "surnames": sorted(surnames),
        "common_word_surnames": sorted(common_word_surnames),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--census-dir", type=Path, default=None, help="Folder with dist.*.first/last (default: the 'names' package).")
    ap.add_argument("--scowl-dir", type=Path, default=Path("/usr/share/dict"),
                    help="Folder with american-english-small (SCOWL 35) and american-english (SCOWL 50).")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    census = args.census_dir
    if census is None:
        import names

        census = Path(names.__file__).parent
    data = build(census, args.scowl_dir)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=0, ensure_ascii=True) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(data['first_names'])} first names, {len(data['ambiguous_first_names'])} ambiguous, "
          f"{len(data['surnames'])} surnames")


if __name__ == "__main__":
    main()
