"""Street addresses (ADDRESS): US/UK, German, French, Spanish and Polish forms, with what follows them.

A street is recognised by its shape, not by a gazetteer:
- US/UK: a house number, one to four capitalised words, a street suffix from USPS Publication 28 and
  the Royal Mail's common thoroughfare words ("7631 Johnson Village", "10 Downing Street", "5 Elm Rd.").
- German: a compound ending in -straße/-str./-weg/-platz/-allee/-gasse/-ring/-damm... and a house number
  ("Müllerstraße 5", "Am Hang 3" is not caught).
- French / Spanish / Polish: a number and a thoroughfare word ("5 rue des Lilas", "Calle Mayor 12",
  "ul. Długa 7").
The span then runs on over what belongs to the address when it follows directly: "Apt 4B"/"Suite 690"/"Flat 7",
", City", a US state and ZIP ("NY 10001"), a UK postcode, or a five-digit postcode and city ("80331 München").
A city named alone ("I live in Warszawa") is not personal data and is left alone.
"""
from __future__ import annotations

import re

from voc.redact.contextual import UK_POSTCODE
from voc.redact.spans import Span

_SUFFIXES = (
    "Street|St|Avenue|Ave|Av|Road|Rd|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Place|Pl|Way|Terrace|Ter|Close|Crescent|"
    "Cres|Square|Sq|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Trail|Trl|Row|Walk|Gardens|Gdns|Hill|Hills|Mews|Grove|Park|"
    "Alley|Aly|Annex|Arcade|Bay|Bend|Bluff|Bluffs|Bottom|Branch|Bridge|Brook|Brooks|Burg|Burgs|Bypass|Camp|Canyon|Cape|"
    "Causeway|Center|Centre|Centers|Cliff|Cliffs|Club|Common|Commons|Corner|Corners|Course|Courts|Cove|Coves|Creek|"
    "Crest|Crossing|Crossroad|Curve|Dale|Dam|Divide|Drives|Estate|Estates|Expressway|Expy|Extension|Falls|Ferry|Field|"
    "Fields|Flat|Flats|Ford|Fords|Forest|Forge|Forges|Fork|Forks|Fort|Freeway|Fwy|Garden|Gateway|Glen|Glens|Green|"
    "Greens|Harbor|Harbors|Haven|Heights|Hts|Hollow|Inlet|Island|Islands|Isle|Junction|Junctions|Key|Keys|Knoll|Knolls|"
    "Lake|Lakes|Landing|Light|Lights|Loaf|Lock|Locks|Lodge|Loop|Mall|Manor|Manors|Meadow|Meadows|Mill|Mills|Mission|"
    "Motorway|Mount|Mountain|Mountains|Neck|Orchard|Oval|Overpass|Parks|Parkways|Pass|Passage|Path|Pike|Pine|Pines|"
    "Plain|Plains|Plaza|Point|Points|Port|Ports|Prairie|Radial|Ramp|Ranch|Rapid|Rapids|Rest|Ridge|Ridges|River|Roads|"
    "Route|Rte|Shoal|Shoals|Shore|Shores|Skyway|Spring|Springs|Spur|Spurs|Squares|Station|Stravenue|Stream|Streets|"
    "Summit|Throughway|Trace|Track|Trafficway|Tunnel|Turnpike|Underpass|Union|Unions|Valley|Valleys|Via|Viaduct|View|"
    "Views|Village|Villages|Ville|Vista|Walks|Wall|Ways|Well|Wells|Wharf|Yard|Yards|Quay|Rise|Approach|Broadway|Drove|"
    r"End|Gate|Parade|Promenade|Wynd|Run|Runs|Heath|Common|Fold|Green|Chase|Rd\.|St\.|Ave\.")
_CAP = r"(?:[A-Z][\w'’.-]*|(?:of|the|de|la|le)\b)"
_US_UK_STREET = (rf"\d{{1,5}}[A-Za-z]?,?\s{{1,3}}(?:{_CAP}\s{{1,3}}){{1,3}}(?:[NSEW]\.?\s{{1,3}})?"
                 rf"(?:{_SUFFIXES})\b\.?(?:\s{{1,3}}(?:[NSEW]{{1,2}})\b)?")
_DE_STREET = (r"(?-i:[A-ZÄÖÜ][\wäöüß.-]*[ \t]{1,3})?(?-i:[A-ZÄÖÜ])[\wäöüß-]*"
              r"(?:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|ufer|"
              r"chaussee|steig|pfad|markt|hof|berg|graben|kamp|stieg|wall|tor)\s{1,3}\d{1,4}(?:\s?[a-z](?!\w))?(?:\s{0,3}-\s{0,3}\d{1,4})?")
_FR_STREET = (r"\d{1,4}(?:\s?(?:bis|ter))?,?\s{1,3}(?:rue|avenue|av\.|boulevard|bd|place|chemin|allée|impasse|quai|route|cours|"
              r"square|passage|voie|rond-point)\s{1,3}(?:(?:de|du|des|la|le|l'|d'|de\s{1,3}la)\s{0,3})?[\w'’-]+(?:\s{1,3}[A-Z][\w'’-]+){0,3}")
_ES_PL_STREET = (r"(?:calle|c/|avenida|avda\.|plaza|paseo|camino|carrer|ul\.|ulica|al\.|aleja|plac|os\.|osiedle)\s{1,3}"
                 r"(?:(?:de|del|la|los|las)\s{1,3})*[\w'’-]+(?:\s{1,3}[A-ZĄĆĘŁŃÓŚŹŻ][\w'’-]+){0,3},?\s{1,3}\d{1,4}[A-Za-z]?")
_STREET = re.compile(rf"(?<![\w'’])(?:{_US_UK_STREET}|{_DE_STREET}|{_FR_STREET}|{_ES_PL_STREET})", re.I)
_STREET_CASED = re.compile(rf"(?<![\w])(?:{_US_UK_STREET})")

_UNIT = re.compile(r"^,?\s{1,3}(?:apt\.?|apartment|suite|ste\.?|unit|flat|floor|fl\.?|#)\s{0,3}[\w-]{1,6}", re.I)
_US_STATES = ("AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|"
              "OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|PR|AA|AE|AP|AS|GU|MP|VI|FM|MH|PW")
_CITY = r"[A-ZÀ-ÖØ-Þ][\w'’.-]*(?:[ -](?:[A-ZÀ-ÖØ-Þ][\w'’.-]*|sur|en|am|an|der|de|le|la))*"
_TAIL = re.compile(
    # ', City, ST 12345' / ' City SW1A 1AA'
    rf"^(?:,?\s{{1,3}}{_CITY})?(?:,\s{{0,3}}|\s{{1,3}})(?:(?:{_US_STATES})\s{{1,3}}\d{{5}}(?:-\d{{4}})?|{UK_POSTCODE})(?![\w])"
    # ', 80331 München' / ', 00-950 Warszawa'
    rf"|^,?\s{{1,3}}(?:[A-Z]{{1,2}}-)?\d{{2}}-?\d{{3}}\s{{1,3}}{_CITY}"
    # ', Springfield' at a sentence end
    rf"|^,\s{{1,3}}{_CITY}(?=\s{{0,3}}(?:[.;!?\n]|$))")


_DIGIT = re.compile(r"\d")


def find_addresses(text: str) -> list[Span]:
    out: list[Span] = []
    if _DIGIT.search(text) is None:
        return out       # every street form holds a house number
    for regex in (_STREET,):
        for m in regex.finditer(text):
            start, end = m.start(), m.end()
            if "    " in m.group():
                continue        # runs over a blanked entity: not one address
            # US/UK forms need the capitalised words of a written address; re.I above was for the other forms
            if text[start].isdigit() and _STREET_CASED.match(text, start) is None and not _is_fr_es(m.group()):
                continue
            u = _UNIT.match(text[end:end + 20])
            if u:
                end += u.end()
            t = _TAIL.match(text[end:end + 80])
            if t and "    " not in t.group():
                end += t.end()
            while end > start and text[end - 1] in ".,":
                end -= 1
            out.append(Span(start, end, "ADDRESS"))
    return out


def _is_fr_es(s: str) -> bool:
    return bool(re.search(r"\b(?:rue|avenue|av\.|boulevard|bd|place|chemin|allée|impasse|quai|route|cours|square|passage|voie)\b",
                          s, re.I))
