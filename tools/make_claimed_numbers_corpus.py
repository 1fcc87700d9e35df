#!/usr/bin/env python3
"""Write a labelled corpus for claimed licence and registration numbers (issue 19).

This generator was written independently of webwacht's extractor (src/extract/) and of
tools/make_extraction_corpus.py: neither was read. It is a second, separate set of
patterns for the same task: find the licence (vergunning) numbers and registration
numbers (registratienummers) that an ad *claims*, and nothing else.

Output (from the crate root, Python 3.11, standard library only, deterministic):

    python3 tools/make_claimed_numbers_corpus.py

    tests/data/claimed_numbers_dev.jsonl      random.Random(1919)
    tests/data/claimed_numbers_heldout.jsonl  random.Random(7171)

Everything is synthetic: names, businesses, phone numbers (06-2…, 06-5…, 010-4…,
020-5…), licence, registration, KvK and BTW numbers are invented.

Each line:
    {"id": "d0001", "class": "...", "text": "...",
     "licence_numbers": ["ESC20242142"], "registration_numbers": ["R20263653"],
     "registration_names": {"R20263653": "Lisa"}, "negative": false}

Numbers are normalised: upper case, ASCII letters and digits only.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter
from pathlib import Path
from random import Random

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "tests" / "data"
GAZ = ROOT / "gazetteer"

SETS = [
    ("claimed_numbers_dev.jsonl", 1919, "d"),
    ("claimed_numbers_heldout.jsonl", 7171, "h"),
]

# Ads per class and set (1,200 in all). Negatives: the four neg_* classes (320).
QUOTAS = {
    # 1. licence number + label, then on the same line: a phone
    "lic_then_phone": 100,
    # 2. licence number then a date / a KvK or BTW number / words / a place
    "lic_then_date": 70,
    "lic_then_kvk_btw": 60,
    "lic_then_words": 70,
    "lic_then_place": 50,
    # 3. registration number + label, then a phone / a date / a KvK number / words
    "reg_then_phone": 80,
    "reg_then_date": 40,
    "reg_then_kvk_btw": 45,
    "reg_then_words": 45,
    # 4. agency lists, every number labelled
    "agency_list_inline": 80,
    "agency_list_lines": 80,
    # 4b. agency lists under one header label, items "Name: number" (see README)
    "agency_list_header": 40,
    # 5. licence and registration in one ad
    "lic_and_reg": 65,
    # 7. positives that also carry a KvK or BTW number elsewhere
    "pos_with_kvk_btw": 55,
    # 6. hard negatives
    "neg_kvk_btw": 90,
    "neg_other_numbers": 70,
    "neg_label_no_number": 90,
    "neg_unlabelled_numbers": 70,
}
AGENCY_CLASSES = {"agency_list_inline", "agency_list_lines", "agency_list_header"}

NAMES = [
    "Lisa", "Mia", "Yasmin", "Jade", "Sophie", "Emma", "Naomi", "Bella", "Nina",
    "Chantal", "Kim", "Roxy", "Luna", "Eva", "Anouk", "Demi", "Sara", "Olivia",
    "Isabella", "Natasha", "Angel", "Candy", "Gabriela", "Valentina", "Anastasia",
    "Milena", "Aaliyah", "Esmee", "Fleur", "Lotte", "Jasmijn", "Tamara", "Daisy",
    "Kira", "Amber", "Vivian", "Bianca", "Carmen", "Lola", "Nikki", "Tiffany", "Layla",
    "Selena", "Zoë", "Chloé", "Monique", "Ilona", "Kiki", "Jessy", "Sabrina", "Vanessa",
    "Maya", "Nadia", "Ruby", "Stella", "Iris", "Noor", "Femke", "Britt", "Romy",
]
AGENCY_WORDS = [
    "Velvet", "Satijn", "Fluweel", "Orchidee", "Mirage", "Lumière", "Noctis", "Sirene",
    "Amberlicht", "Rode Roos", "Zijde", "Maanlicht", "Parelmoer", "Kersenbloesem",
    "Nachtvlinder", "Goudvink", "Saffier", "Vlinderhuis",
]
AGENCY_TYPES = ["Escort", "Escortservice", "Privéhuis", "Club", "Studio", "Salon",
                "Escortbureau", "Relaxhuis"]
NATIONALITIES = ["Pools", "Roemeens", "Braziliaans", "Nederlands", "Spaans", "Hongaars",
                 "Colombiaans", "Oekraïens", "Bulgaars", "Dominicaans", "Tsjechisch"]
EMOJI = ["💋", "✨", "🌹", "🔥", "💕", "😘", "🌸", "❤️", "⭐"]
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december"]


def load_places() -> list[str]:
    with open(GAZ / "municipalities.csv", encoding="utf-8") as f:
        names = [row["name"] for row in csv.DictReader(f)]
    # Plain names only (no "Bergen (NH)").
    return sorted(n for n in names if re.fullmatch(r"[A-Za-zÀ-ÿ' .-]+", n))


PLACES = load_places()
BIG_PLACES = [p for p in ["Amsterdam", "Rotterdam", "Den Haag", "'s-Gravenhage",
                          "Utrecht", "Eindhoven", "Groningen", "Tilburg", "Almere",
                          "Breda", "Nijmegen", "Arnhem", "Haarlem", "Zwolle",
                          "Leiden", "Maastricht", "Enschede", "Apeldoorn"]
              if p in PLACES] or PLACES[:10]


def normalise(s: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", s.upper())


def digits(rng: Random, n: int, first_nonzero: bool = False) -> str:
    s = "".join(rng.choice("0123456789") for _ in range(n))
    if first_nonzero:
        s = rng.choice("123456789") + s[1:]
    return s


def vary_case(rng: Random, s: str) -> str:
    r = rng.random()
    if r < 0.13:
        return s.lower()
    if r < 0.19:
        return s.upper()
    return s


# ---------------------------------------------------------------------------
# Number formats


def licence_number(rng: Random, spaced: bool = False) -> str:
    y = rng.randint(2016, 2026)
    p = rng.choice(["ESC", "EXP", "APV", "SBV", "SB", "PV", "VG", "RTD", "AMS", "UTR",
                    "DH", "EHV", "GRO", "ESC", "EXP"])
    if spaced:
        return rng.choice([f"{p} {y} {rng.randint(1, 99)}",
                           f"{p} {y} {digits(rng, 3)}",
                           f"{p} {y}-{digits(rng, 3)}"])
    f = rng.randrange(11)
    if f == 0:
        s = f"{p}-{y}-{digits(rng, 4)}"
    elif f == 1:
        s = f"V{y}/{digits(rng, 4)}"
    elif f == 2:
        s = f"{y}/{digits(rng, 4)}"
    elif f == 3:
        s = f"{p}{y}{digits(rng, 4)}"
    elif f == 4:
        s = f"{p}.{y}.{digits(rng, 3)}"
    elif f == 5:
        s = f"Z/{y % 100:02d}/{digits(rng, 6, True)}"
    elif f == 6:
        s = f"{y}-{digits(rng, 4)}-{p}"
    elif f == 7:
        s = f"{p}-{digits(rng, 5, True)}"
    elif f == 8:
        s = f"APV-{y}-{digits(rng, 4)}"
    elif f == 9:
        s = f"{y}-{digits(rng, 4)}"
    else:
        s = f"{p}/{y}/{digits(rng, 3)}"
    if rng.random() < 0.07:
        s = s.lower()
    return s


def registration_number(rng: Random, fmt: int | None = None) -> str:
    y = rng.randint(2025, 2027)
    f = rng.randrange(10) if fmt is None else fmt
    if f == 0:
        return f"R-{y}-{digits(rng, 4)}"
    if f == 1:
        return f"R{y}{digits(rng, 4)}"
    if f == 2:
        return digits(rng, rng.randint(6, 10), True)
    if f == 3:
        return f"NL-0{digits(rng, 7)}"
    if f == 4:
        return f"NL{digits(rng, 8, True)}"
    if f == 5:
        return f"{y}-{digits(rng, 5)}"
    if f == 6:
        return f"REG/{y}/{digits(rng, 5)}"
    if f == 7:
        return f"RS.{y}.{digits(rng, 4)}"
    if f == 8:
        return f"SW-{digits(rng, 6, True)}"
    # dotted digit groups: 123.456.789
    return f"{digits(rng, 3, True)}.{digits(rng, 3)}.{digits(rng, 3)}"


def a_date(rng: Random) -> str:
    y = rng.randint(2019, 2028)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28)
    f = rng.randrange(6)
    if f == 0:
        return f"{d:02d}-{m:02d}-{y}"
    if f == 1:
        return f"{d:02d}.{m:02d}.{y}"
    if f == 2:
        return f"{y}-{m:02d}-{d:02d}"
    if f == 3:
        return f"{d} {MONTHS[m - 1]} {y}"
    if f == 4:
        return f"{d:02d}/{m:02d}/{y}"
    return f"{d}-{m}-{y}"


# ---------------------------------------------------------------------------
# One ad


class Ad:
    def __init__(self, rng: Random, cls: str, html: bool):
        self.rng = rng
        self.cls = cls
        self.html = html
        self.blocks: list = []          # str, or ("list", [items])
        self.lic: list[str] = []        # written forms
        self.reg: list[str] = []
        self.names: dict[str, str] = {}  # written reg form -> name
        self.phone_digits: list[str] = []
        self.kvk: list[str] = []
        self.name = rng.choice(NAMES)
        self.place = rng.choice(BIG_PLACES if rng.random() < 0.6 else PLACES)
        self.agency = self.agency_name()
        self.age = rng.randint(19, 45)

    # -- invented contact data ------------------------------------------------
    def agency_name(self) -> str:
        r = self.rng
        w, t = r.choice(AGENCY_WORDS), r.choice(AGENCY_TYPES)
        return f"{t} {w}" if r.random() < 0.6 else f"{w} {t}"

    def mobile(self) -> str:
        r = self.rng
        d = r.choice("25") + digits(r, 7)
        self.phone_digits.append("06" + d)
        f = r.randrange(8)
        if f == 0:
            return f"06-{d}"
        if f == 1:
            return f"06 {d[:4]} {d[4:]}"
        if f == 2:
            return f"06 {d[:2]} {d[2:4]} {d[4:6]} {d[6:]}"
        if f == 3:
            return f"06{d}"
        if f == 4:
            return f"+31 6 {d[:4]} {d[4:]}"
        if f == 5:
            return f"+316{d}"
        if f == 6:
            return f"06-{d[:4]} {d[4:]}"
        return f"06 - {d}"

    def fixed(self) -> str:
        r = self.rng
        area, first = r.choice([("10", "4"), ("20", "5")])
        d = first + digits(r, 6)
        self.phone_digits.append("0" + area + d)
        f = r.randrange(4)
        if f == 0:
            return f"0{area}-{d}"
        if f == 1:
            return f"0{area} {d[:3]} {d[3:]}"
        if f == 2:
            return f"(0{area}) {d}"
        return f"+31 {area} {d[:3]} {d[3:]}"

    def phone(self) -> str:
        return self.fixed() if self.rng.random() < 0.15 else self.mobile()

    def kvk_number(self) -> str:
        k = digits(self.rng, 8, True)
        self.kvk.append(k)
        return k

    def btw_number(self) -> str:
        return f"NL{digits(self.rng, 9, True)}B{digits(self.rng, 2)}"

    def email(self) -> str:
        return self.rng.choice(["info@example.com", "afspraak@example.nl",
                                "contact@example.org", "boekingen@example.com"])

    # -- helpers --------------------------------------------------------------
    def wrap_num(self, num: str, kind: str) -> str:
        if not self.html or self.rng.random() < 0.6:
            return num
        cls = "licence" if kind == "lic" else self.rng.choice(["registratie", "reg-nr"])
        return self.rng.choice([f'<span class="{cls}">{num}</span>',
                                f"<strong>{num}</strong>", f"<b>{num}</b>"])

    def emoji(self, p: float = 0.25) -> str:
        return self.rng.choice(EMOJI) + " " if self.rng.random() < p else ""


# ---------------------------------------------------------------------------
# Labels and the text that follows a number

LIC_LABELS = [
    "Vergunningnummer", "Vergunningnummer:", "Vergunning nr.", "Vergunning nr:",
    "vergunning nr.", "Verg.nr.", "Verg. nr.", "verg.nr", "vergunningsnummer",
    "Vergunningsnummer:", "Exploitatievergunning", "Exploitatievergunning:",
    "Exploitatievergunning nr.", "Vergunning gemeente {place}:", "Vergunning:",
    "vergunning", "Licentie:", "licentie", "Licentienummer", "Vergunning #",
    "Seksbedrijfvergunning", "vergunningnr.", "Vergunning nummer", "Vergunning no.",
]
LIC_LABELS_EN = ["Licence no.", "License no.", "Licence number:", "Permit",
                 "Permit no.", "License:"]

REG_LABELS = [
    "Registratienummer", "Registratienummer:", "registratienummer", "Registratienr.",
    "Registratie nr", "Registratie nr.", "Registratie-nummer:", "reg.nr.", "reg.nr",
    "Reg.nr.:", "Reg. nr.", "reg nr:", "Reg.nr", "Registratienummer sekswerker:",
    "Mijn registratienummer is", "Landelijk registratienummer:", "registratienr",
]
REG_LABELS_EN = ["Registration number:", "Registration no.", "Reg. no."]

PHONE_TAILS = [
    ", bel {p}", " en tel {p}", " | WhatsApp {p}", " – bel of app {p}", " - bel/app {p}",
    ", tel: {p}", " tel. {p}", " · {p}", " 📞 {p}", " of bel {p}", " / app {p}",
    ", sms {p}", ", whatsapp: {p}", " (bel {p})", " bel {p}", ". Tel {p}", ", info: {p}",
    " en app {p}", "; telefoon {p}", " — bel {p}", ", bel of app {p}", " tel {p}",
    " | Tel: {p}", " ☎️ {p}", ", afspraak via {p}",
]
PHONE_TAILS_EN = [", call {p}", " call or text {p}", " | WhatsApp {p}", ", phone {p}",
                  " – call me on {p}"]
DATE_TAILS = [
    " geldig tot {d}", ", geldig tot {d}", ", afgegeven {d}", " afgegeven op {d}",
    " (sinds {d})", " sinds {d}", " d.d. {d}", ", verleend {d}", " t/m {d}",
    " - geldig t/m {d}", " van {d}", " (geldig tot {d})", ", verloopt {d}",
    " | geldig tot: {d}", ", ingangsdatum {d}",
]
DATE_TAILS_EN = [" valid until {d}", ", issued {d}", " (since {d})"]
REG_DATE_TAILS = [
    " geldig tot {d}", ", geregistreerd op {d}", " (sinds {d})", " sinds {d}",
    " d.d. {d}", " t/m {d}", ", geldig t/m {d}", " van {d}", " | afgegeven {d}",
]
KVK_TAILS = [
    ", KvK {k}", " | KvK-nr. {k}", " KvK: {k}", " (KvK {k})", " en KvK-nummer {k}",
    ", KvK-registratienummer {k}", " / kvk {k}", " KvK nr {k}", " - KvK {k}",
    ", ingeschreven KvK {k}", " · KvK {k}", " KvK {k}",
]
BTW_TAILS = [", BTW {b}", " | btw-nummer {b}", " (BTW-nr. {b})", ", BTW-registratienummer {b}"]
WORD_TAILS = [
    " en ik ontvang je graag", ", bel gerust", " bel of app", " tel/app", " app mij",
    " whatsapp only", " sms eerst aub", " info via de site", " mail voor een afspraak",
    " info en prijzen op aanvraag", " of vraag ernaar", " en alles is netjes geregeld",
    " – Bel!", " Tel.", " App?", " of mail {e}", " sms/app", " en ook escort",
    " of kom langs", " info: {e}", " mail {e}", " en discreet", " bel voor info",
    " app of sms", " of whatsapp", " en gratis parkeren", " tel. of app",
]
WORD_TAILS_EN = [" call or text", " and discreet", " info by mail", " whatsapp only"]
PLACE_TAILS = [
    " gemeente {pl}", " ({pl})", " te {pl}", " {pl}", ", {pl}", " – gemeente {pl}",
    " (gem. {pl})", " in {pl}", ", afgegeven door gemeente {pl}", " van de gemeente {pl}",
]


def sep_for(rng: Random, label: str) -> str:
    if label.endswith(":"):
        return rng.choice([" ", " ", " ", ""])
    if label.endswith((".", "#")):
        return rng.choice([" ", " ", " ", ""])
    if label.endswith(" is"):
        return " "
    return rng.choice([" ", " ", ": ", " : ", ": "])


def tail(ad: Ad, kind: str, en: bool, reg: bool = False) -> str:
    r = ad.rng
    if kind == "none":
        return r.choice(["", "", ".", "!", " ✅", ""])
    if kind == "phone":
        return r.choice(PHONE_TAILS_EN if en and r.random() < 0.7 else PHONE_TAILS).format(
            p=ad.phone())
    more = ""
    if r.random() < 0.3:
        more = r.choice(PHONE_TAILS).format(p=ad.phone())
    if kind == "date":
        pool = REG_DATE_TAILS if reg else (DATE_TAILS_EN if en and r.random() < 0.7
                                            else DATE_TAILS)
        return r.choice(pool).format(d=a_date(r)) + more
    if kind == "kvk_btw":
        if r.random() < 0.75:
            t = r.choice(KVK_TAILS).format(k=ad.kvk_number())
        else:
            t = r.choice(BTW_TAILS).format(b=ad.btw_number())
        return t + more
    if kind == "words":
        t = r.choice(WORD_TAILS_EN if en and r.random() < 0.6 else WORD_TAILS)
        if r.random() < 0.25:
            m = re.search(r"[a-z]", t)
            if m:
                t = t[:m.start()] + t[m.start()].upper() + t[m.start() + 1:]
        elif r.random() < 0.05:
            t = t.upper()
        t = t.format(e=ad.email(), E=ad.email())
        if more:
            more = r.choice([" {p}", ": {p}", " – {p}", ", {p}"]).format(p=ad.phone())
        elif r.random() < 0.2:
            more = r.choice([":", "!", "."])  # the phone, if any, is on another line
        return t + more
    if kind == "place":
        return r.choice(PLACE_TAILS).format(pl=ad.place) + more
    raise ValueError(kind)


def lic_claim(ad: Ad, kind: str, prefix_pool: list[str] | None = None) -> str:
    """One line with a labelled licence number followed by a `kind` tail."""
    r = ad.rng
    en = r.random() < 0.12
    # Parenthesised form, the only place where a number with inner spaces is used:
    # "(vergunning RTD 2020 37) tel: 010-…"
    if kind in ("phone", "none", "words") and r.random() < 0.12:
        num = licence_number(r, spaced=r.random() < 0.6)
        ad.lic.append(num)
        label = vary_case(r, r.choice(["vergunning", "Vergunning", "verg.nr.",
                                       "Vergunning nr.", "vergunningnummer", "Verg. nr."]))
        head = r.choice(["", ad.agency + " ", "Privé ontvangst ", "Legaal en veilig "])
        return f"{head}({label} {ad.wrap_num(num, 'lic')})" + tail(ad, kind, False).replace(
            ", ", " ", 1)
    label = r.choice(LIC_LABELS_EN if en else LIC_LABELS).format(place=ad.place)
    label = vary_case(r, label)
    pre = r.choice(prefix_pool or [
        "", "", "", "✅ ", "Wij werken met ", "Ik werk legaal. ", "Legaal: ",
        f"{ad.agency}, ", f"{ad.agency} – ", "Gemeentelijke ", "📋 ", "Uiteraard met ",
    ])
    if pre in ("Wij werken met ", "Uiteraard met ", "Gemeentelijke "):
        if label.lower().startswith(("vergunning ", "vergunning:", "vergunning #",
                                     "exploitatievergunning", "licentie",
                                     "seksbedrijfvergunning")) and not label.isupper():
            label = label[0].lower() + label[1:]
        else:
            pre = ""
    num = licence_number(r)
    ad.lic.append(num)
    core = label + sep_for(r, label) + ad.wrap_num(num, "lic")
    if ad.html and r.random() < 0.15 and "<" not in core:
        core = f'<span class="licence">{core}</span>'
    t = tail(ad, kind, en)
    if ad.html and kind == "phone" and r.random() < 0.1:
        # The phone moves to the next visual line.
        t = "<br>" + t.lstrip(" ,;.|·–—-")
    return pre + core + t


def reg_claim(ad: Ad, kind: str, fmt: int | None = None) -> str:
    r = ad.rng
    en = r.random() < 0.1
    label = vary_case(r, r.choice(REG_LABELS_EN if en else REG_LABELS))
    num = registration_number(r, fmt)
    while normalise(num) in ad.kvk:
        num = registration_number(r, fmt)
    ad.reg.append(num)
    core = label + sep_for(r, label) + ad.wrap_num(num, "reg")
    pre = r.choice(["", "", "", f"{ad.name} – ", "Ik ben geregistreerd, ", "✅ ",
                    "Ik werk legaal, ", "Legaal: ", f"{ad.emoji(1.0)}", "Uiteraard geregistreerd. "])
    if pre in ("Ik ben geregistreerd, ", "Ik werk legaal, ") and label[0].isupper() \
            and not label.isupper():
        core = core[0].lower() + core[1:]
    return pre + core + tail(ad, kind, en, reg=True)


# ---------------------------------------------------------------------------
# Agency lists


def pick_women(ad: Ad, n: int) -> list[str]:
    return ad.rng.sample(NAMES, n)


def agency_numbers(ad: Ad, n: int) -> list[str]:
    r = ad.rng
    fmt = r.randrange(10) if r.random() < 0.8 else None
    out: list[str] = []
    while len(out) < n:
        num = registration_number(r, fmt)
        if normalise(num) not in {normalise(x) for x in out} | set(ad.kvk):
            out.append(num)
    return out


INLINE_ITEMS = [
    "{n} (reg.nr. {r})", "{n} (reg.nr {r})", "{n} - reg.nr {r}", "{n}: reg.nr {r}",
    "{n}: reg.nr. {r}", "{n} ({a}) reg.nr. {r}", "{n}, registratienummer {r}",
    "{n} [reg. nr. {r}]", "{n} – Reg.nr.: {r}", "{n} (registratienummer: {r})",
    "{n} reg.nr.{r}", "{n} (Reg.nr: {r})", "{n} (registratienr. {r})",
]
LINE_ITEMS = [
    "• {n} – registratienummer {r}", "{n}: reg.nr. {r}", "{n} ({a}) reg.nr {r}",
    "- {n}, {nat}, {a} jaar – Reg.nr.: {r}", "{n} | reg. nr. {r} | {days}",
    "Naam: {n} | Reg.nr.: {r}", "💋 {n} – reg.nr {r} – {days}",
    "{n} — Registratienr. {r}, {days}", "{n} (reg.nr. {r})", "* {n} reg.nr: {r}",
    "{n} ({a}, {nat}) registratienummer: {r}", "{n} – reg.nr. {r} – app {p}",
]
DAYS = ["ma t/m wo", "vandaag tot 22:00", "do-za", "alleen weekend", "12:00-20:00",
        "di en do", "vanaf 14.00 uur", "hele week", "nachtdienst", "za/zo"]


def fill_item(ad: Ad, tpl: str, name: str, num: str) -> str:
    r = ad.rng
    return tpl.format(n=name, r=ad.wrap_num(num, "reg"), a=r.randint(19, 42),
                      nat=r.choice(NATIONALITIES), days=r.choice(DAYS),
                      p=ad.mobile() if "{p}" in tpl else "")


def agency_inline(ad: Ad, n: int) -> str:
    r = ad.rng
    women, nums = pick_women(ad, n), agency_numbers(ad, n)
    main = r.choice(INLINE_ITEMS)
    items = []
    for w, num in zip(women, nums):
        tpl = main if r.random() < 0.75 else r.choice(INLINE_ITEMS)
        items.append(fill_item(ad, tpl, w, num))
        ad.reg.append(num)
        ad.names[num] = w
    joiner = r.choice([", ", " | ", " · ", "; ", " / ", " - "])
    if len(items) > 1 and r.random() < 0.35:
        body = joiner.join(items[:-1]) + r.choice([" en ", ", en ", " & "]) + items[-1]
    else:
        body = joiner.join(items)
    if "&" in body and ad.html:
        body = body.replace(" & ", " en ")
    intro = r.choice(["Vandaag werken: ", "Vandaag aanwezig: ", "Onze dames: ",
                      "Nu beschikbaar: ", "Dit weekend: ", "", "Bij ons werken ",
                      "Vanavond: ", f"{ad.emoji(1.0)}Beschikbaar: ", "Ladies today: "])
    end = ""
    if r.random() < 0.35:
        end = r.choice([", bel {p}", " – bel of app {p}", ". Tel {p}", " | WhatsApp {p}",
                        " en bel {p}"]).format(p=ad.phone())
    elif r.random() < 0.3:
        end = r.choice([".", "!", " 💋", " en meer"])
    return intro + body + end


def agency_lines(ad: Ad, n: int) -> tuple[str, list[str]]:
    r = ad.rng
    women, nums = pick_women(ad, n), agency_numbers(ad, n)
    main = r.choice(LINE_ITEMS)
    items = []
    for w, num in zip(women, nums):
        tpl = main if r.random() < 0.7 else r.choice(LINE_ITEMS)
        items.append(fill_item(ad, tpl, w, num))
        ad.reg.append(num)
        ad.names[num] = w
    head = r.choice(["Vandaag aanwezig:", "Onze dames vandaag:", "Wie werkt er vandaag?",
                     "Rooster deze week:", "Beschikbaar:", "Onze ladies:",
                     f"Bij {ad.agency} werken:"])
    return head, items


def agency_header(ad: Ad, n: int) -> tuple[str, list[str], bool]:
    r = ad.rng
    women, nums = pick_women(ad, n), agency_numbers(ad, n)
    tpl = r.choice(["{n}: {r}", "{n} – {r}", "{n} {r}", "{n} ({r})", "{n} - {r}"])
    items = []
    for w, num in zip(women, nums):
        items.append(tpl.format(n=w, r=ad.wrap_num(num, "reg")))
        ad.reg.append(num)
        ad.names[num] = w
    head = r.choice(["Registratienummers van onze dames:", "Onze dames en hun registratienummer:",
                     "Reg.nrs. vandaag:", "Registratienummers:",
                     "Wie werkt er vandaag (met registratienummer):",
                     "Registratienummers per dame:", "reg.nrs:"])
    as_lines = r.random() < 0.6
    return head, items, as_lines


# ---------------------------------------------------------------------------
# Filler text (never a labelled licence or registration number)


def intro_line(ad: Ad) -> str:
    r = ad.rng
    n, a, pl = ad.name, ad.age, ad.place
    return ad.emoji() + r.choice([
        f"Hoi schat, ik ben {n}, {a} jaar, nieuw in {pl}.",
        f"{n} ({a}) – sensueel, lief en discreet.",
        f"Nieuw bij {ad.agency}: {n}!",
        "Heerlijke massage en meer in een schone, discrete studio.",
        f"Ik ontvang je graag in mijn privé-appartement in {pl}.",
        "Escort en privé ontvangst, ook hotelbezoek.",
        f"Hi, I'm {n}, {a}, new in town. English and Dutch spoken.",
        f"{n} is terug! Alleen deze week in {pl}.",
        f"Welkom bij {ad.agency} in {pl}.",
        f"Lieve {n}, {a} jaar, slank en sportief.",
        "Geen haast, alles in overleg.",
        f"Discreet adres in {pl}, gratis parkeren voor de deur.",
    ])


def price_line(ad: Ad) -> str:
    r = ad.rng
    return r.choice([
        f"30 min € {r.choice([70, 80, 90, 100])} | 1 uur € {r.choice([130, 150, 160, 180])}",
        f"Prijs: €{r.choice([120, 140, 150])} per uur, escort vanaf €{r.choice([200, 250])} (min. 2 uur)",
        f"Maten {r.choice(['75B', '80C', '85D', '90C'])}-{r.randint(58, 70)}-{r.randint(86, 98)}, lengte 1.{r.randint(55, 82)} m",
        f"Openingstijden: ma-vr {r.randint(9, 12)}:00 - 23:00, za {r.randint(11, 14)}:00 - 02:00",
        "Adres op aanvraag.",
        "Alleen afspraken 18+, graag verzorgd.",
        f"Afspraak minimaal {r.randint(1, 3)} uur van tevoren.",
        f"Laatst bijgewerkt: {a_date(r)}",
        f"Kamer {r.randint(1, 24)}, {r.randint(1, 3)}e verdieping.",
        f"Actie t/m {a_date(r)}: 1 uur €{r.choice([110, 120, 125])}",
        f"Leeftijd {ad.age}, {r.choice(NATIONALITIES)}, spreekt Engels en Duits.",
        "Betalen contant of met pin.",
        f"Bereikbaar van {r.randint(10, 14)}.00 tot {r.randint(20, 23)}.00 uur",
    ])


def contact_line(ad: Ad) -> str:
    r = ad.rng
    return r.choice([
        "Bel of app: {p}", "📱 {p}", "WhatsApp {p} (geen anonieme nummers)", "Tel. {p}",
        "Bel {p}", "Afspraak maken? {p}", "Contact: {p}", "☎️ {p} – ook sms",
        "Call / WhatsApp: {p}",
    ]).format(p=ad.phone())


# ---------------------------------------------------------------------------
# Negative trap lines


def kvk_btw_line(ad: Ad) -> str:
    r = ad.rng
    k = ad.kvk_number
    t = r.choice([
        "KvK-registratienummer {k}", "KvK-nummer {k}", "KvK: {k}", "KvK nr. {k}, bel {p}",
        "BTW-nummer {b}", "BTW-registratienummer: {b}", "btw-id {b}",
        "Ingeschreven bij de Kamer van Koophandel onder nummer {k}",
        "KvK registratie: {k}", "Registratie KvK {k}", "Handelsregister: {k}",
        "Vestigingsnummer {v}", "KvK {k} | BTW {b}", "kvk-registratienummer: {k}",
        "KVK-NUMMER {k}", "Kvk {k} - btw {b}", "Btw-registratienummer {b}, KvK {k}",
        "KvK-registratienummer: {k}, bel {p}", "Registratienummer KvK: {k}",
        "Inschrijving KvK {k}",
    ])
    return t.format(k=k() if "{k}" in t else "", b=ad.btw_number(), p=ad.phone()
                    if "{p}" in t else "", v="0000" + digits(r, 8, True))


def other_number_line(ad: Ad) -> str:
    r = ad.rng
    t = r.choice([
        "Klantnummer {n5}", "klantnummer: {n5}", "Advertentienummer {n6}",
        "Advertentie ID: {n5}", "advertentie-id #{n6}", "Ordernummer {y}-{n5}",
        "Order nr. {n7}", "Referentie: {n6}", "Profielnummer {n6}", "Ad ID {n7}",
        "Factuurnummer F{y}-{n4}", "Lidnummer {n5}",
        "Advertentie geplaatst op {d}, advertentienummer {n6}",
        "Klantregistratienummer {n5}", "Vermeld je klantnummer {n5} bij het bellen: {p}",
        "Advertentienr. {n6} – bel {p}", "Ref.nr. {n6}", "Profiel-ID: {n6}",
        "Bestelnummer {n7}", "Adv.nr. {n6}",
    ])
    return t.format(n4=digits(r, 4), n5=digits(r, 5, True), n6=digits(r, 6, True),
                    n7=digits(r, 7, True), y=r.randint(2022, 2026), d=a_date(r),
                    p=ad.phone() if "{p}" in t else "")


def label_no_number_line(ad: Ad) -> str:
    r = ad.rng
    t = r.choice([
        "Vergunning aangevraagd, bel {p}", "Vergunning: in aanvraag, bel {p}",
        "Vergunningvrij (thuiswerker), bel {p}", "Ik werk vergunningvrij.",
        "Registratie verplicht vanaf {y}, ik ben al aangemeld.",
        "Registratie via de gemeente {pl} loopt nog.", "Registratienummer: volgt, app {p}",
        "Registratienummer op aanvraag, bel {p}", "Vergunning gemeente {pl}, bel {p}",
        "Vergunning verleend op {d}", "Registratiedatum: {d}",
        "Met vergunning van de gemeente {pl} — {p}", "Vergunning: zie website",
        "Geen vergunning nodig (zelfstandig, thuiswerker).",
        "Registratie: aangevraagd op {d}", "Vergunningnummer wordt binnenkort toegevoegd.",
        "Licence pending, call {p}", "Vergunning: ja, bel {p}",
        "Vergunningnummer: {p}", "Registratienummer: bel {p}",
        "Registratie nr: nog niet ontvangen, tel {p}", "Vergunning in aanvraag sinds {d}",
        "Verg.nr. volgt – app {p}", "reg.nr. n.v.t.", "Vergunning gemeente {pl} aanwezig",
        "Registratieplicht vanaf 1 januari {y}, info via {p}",
    ])
    return t.format(p=ad.phone() if "{p}" in t else "", pl=ad.place, d=a_date(r),
                    y=r.randint(2025, 2027))


def unlabelled_line(ad: Ad) -> str:
    r = ad.rng
    t = r.choice([
        "Bel {p}, 24/7", "{p} of {p2}", "Nieuw nummer: {p}", "Alleen {d} en {d2} aanwezig.",
        "Postcode {pc} AB, huisnummer {h}", "2 uur €{pr} – 3 uur €{pr2}",
        "Sinds {d} in {pl}", "Tot en met {d}: {pr} euro per uur", "{p} ({pr} p/u)",
        "App naar {p} of bel {p2} (vaste lijn)", "Nummer {h}, bel aan bij {h2}",
        "Geopend {d} t/m {d2}, 11:00-23:00", "Afspraak: {p}, ref {pl}",
    ])
    return t.format(p=ad.phone(), p2=ad.fixed() if "vaste" in t else ad.phone(),
                    d=a_date(r), d2=a_date(r), pc=r.randint(1011, 9999), h=r.randint(1, 240),
                    h2=r.randint(1, 40), pr=r.choice([120, 140, 150, 160]),
                    pr2=r.choice([220, 250, 300]), pl=ad.place)


# ---------------------------------------------------------------------------
# Building an ad per class


def fillers(ad: Ad, lo: int = 1, hi: int = 3) -> list[str]:
    out = [intro_line(ad)]
    want = ad.rng.randint(lo, hi)
    while len(out) < want + 1:
        line = price_line(ad)
        if line[:12] not in {x[:12] for x in out}:
            out.append(line)
    return out


def place_claims(ad: Ad, claims: list) -> None:
    """Put filler, claims and an optional contact line together in ad.blocks."""
    r = ad.rng
    fill = fillers(ad)
    pos = r.choice(["end", "end", "middle", "start"])
    if pos == "start":
        blocks = claims + fill
    elif pos == "middle":
        blocks = fill[:1] + claims + fill[1:]
    else:
        blocks = fill + claims
    if r.random() < 0.4:
        blocks.append(contact_line(ad))
    if r.random() < 0.2 and ad.html:
        blocks.insert(0, ("title", f"{ad.name} – {ad.place}"))
    ad.blocks = blocks


def build(ad: Ad) -> None:
    r, c = ad.rng, ad.cls
    lic_kind = {"lic_then_phone": "phone", "lic_then_date": "date",
                "lic_then_kvk_btw": "kvk_btw", "lic_then_words": "words",
                "lic_then_place": "place"}
    reg_kind = {"reg_then_phone": "phone", "reg_then_date": "date",
                "reg_then_kvk_btw": "kvk_btw", "reg_then_words": "words"}
    if c in lic_kind:
        claims = [lic_claim(ad, lic_kind[c])]
        place_claims(ad, claims)
        if r.random() < 0.08:  # the same licence repeated in a footer
            ad.blocks.append(f"Vergunning: {ad.lic[0]}")
    elif c in reg_kind:
        place_claims(ad, [reg_claim(ad, reg_kind[c])])
    elif c == "agency_list_inline":
        line = agency_inline(ad, r.randint(2, 6))
        place_claims(ad, [line])
        ad.blocks.insert(0, f"{ad.emoji()}{ad.agency} – {r.choice(['escort', 'privéhuis', 'ontvangst en escort'])} in {ad.place}")
    elif c == "agency_list_lines":
        head, items = agency_lines(ad, r.randint(2, 6))
        place_claims(ad, [head, ("list", items)])
        ad.blocks.insert(0, f"{ad.agency}, {ad.place}")
    elif c == "agency_list_header":
        head, items, as_lines = agency_header(ad, r.randint(2, 6))
        if as_lines:
            claims = [head, ("list", items)]
        else:
            claims = [head + " " + r.choice([", ", " | ", " · "]).join(items)]
        place_claims(ad, claims)
        ad.blocks.insert(0, f"{ad.agency} ({ad.place})")
    elif c == "lic_and_reg":
        v = r.random()
        if v < 0.6:
            lic = lic_claim(ad, r.choice(["phone", "date", "place", "kvk_btw", "none", "none"]),
                            prefix_pool=[f"{ad.agency} – ", f"{ad.agency}, ", "",
                                         f"{ad.emoji(1.0)}{ad.agency} | "])
            n = r.randint(1, 4)
            if r.random() < 0.5:
                claims = [lic, agency_inline(ad, n)]
            else:
                head, items = agency_lines(ad, n)
                claims = [lic, head, ("list", items)]
        elif v < 0.8:
            ln = licence_number(r)
            rn = registration_number(r)
            ad.lic.append(ln)
            ad.reg.append(rn)
            lab_l = vary_case(r, r.choice(["Vergunning", "Vergunningnummer", "Verg.nr.",
                                           "Exploitatievergunning"]))
            lab_r = vary_case(r, r.choice(["registratienummer", "reg.nr.", "Registratienr.",
                                           "Registratienummer"]))
            j = r.choice([" en ", ", ", " | ", " / ", " – "])
            claims = [f"{lab_l} {ad.wrap_num(ln, 'lic')}{j}{lab_r} {ad.wrap_num(rn, 'reg')}"
                      + tail(ad, r.choice(["phone", "none", "words"]), False)]
        else:
            lic = lic_claim(ad, r.choice(["none", "place", "date"]),
                            prefix_pool=[f"Ik werk bij {ad.agency} ("])
            if lic.startswith(f"Ik werk bij {ad.agency} ("):
                lic += ")."
            claims = [lic, reg_claim(ad, r.choice(["phone", "none", "words"]))]
        place_claims(ad, claims)
    elif c == "pos_with_kvk_btw":
        v = r.random()
        if v < 0.4:
            claims = [lic_claim(ad, r.choice(["phone", "none", "date", "words"]))]
        elif v < 0.75:
            claims = [reg_claim(ad, r.choice(["phone", "none", "date", "words"]))]
        else:
            claims = [agency_inline(ad, r.randint(2, 4))]
        kl = kvk_btw_line(ad)
        if r.random() < 0.5:
            claims.append(kl)
        else:
            claims.insert(0, kl)
        place_claims(ad, claims)
        if r.random() < 0.4:
            ad.blocks.append(r.choice(["KvK {k} · BTW {b}", "KvK-registratienummer {k}",
                                       "Btw-nummer: {b}"]).format(
                k=ad.kvk_number(), b=ad.btw_number()))
    elif c == "neg_kvk_btw":
        place_claims(ad, [kvk_btw_line(ad) for _ in range(r.randint(1, 3))])
    elif c == "neg_other_numbers":
        traps = [other_number_line(ad) for _ in range(r.randint(1, 2))]
        if r.random() < 0.3:
            traps.append(kvk_btw_line(ad))
        place_claims(ad, traps)
    elif c == "neg_label_no_number":
        traps = [label_no_number_line(ad) for _ in range(r.randint(1, 2))]
        if r.random() < 0.25:
            traps.append(kvk_btw_line(ad))
        place_claims(ad, traps)
    elif c == "neg_unlabelled_numbers":
        place_claims(ad, [unlabelled_line(ad) for _ in range(r.randint(1, 3))])
    else:
        raise ValueError(c)


# ---------------------------------------------------------------------------
# Rendering


def render(ad: Ad) -> str:
    r = ad.rng
    if not ad.html:
        out = []
        one_par = r.random() < 0.2 and not any(isinstance(b, tuple) and b[0] == "list"
                                               for b in ad.blocks)
        for b in ad.blocks:
            if isinstance(b, tuple):
                kind, val = b
                out.append("\n".join(val) if kind == "list" else val)
            else:
                out.append(b)
        if one_par:
            return " ".join(x if re.search(r"[.!?:]$", x) else x + "." for x in out)
        return r.choice(["\n", "\n", "\n\n"]).join(out)
    br = r.choice(["<br>", "<br/>", "<br />"])
    style = r.randrange(3)
    parts = []
    para: list[str] = []

    def flush():
        if para:
            parts.append("<p>" + br.join(para) + "</p>")
            para.clear()

    for b in ad.blocks:
        if isinstance(b, tuple):
            kind, val = b
            if kind == "title":
                flush()
                parts.append(f"<h2>{val}</h2>")
            else:
                flush()
                if r.random() < 0.6:
                    parts.append("<ul>" + "".join(f"<li>{i}</li>" for i in val) + "</ul>")
                else:
                    parts.append("<p>" + br.join(val) + "</p>")
        elif style == 0:
            parts.append(f"<p>{b}</p>")
        else:
            para.append(b)
    flush()
    body = "".join(parts)
    return f'<div class="ad-text">{body}</div>' if style != 2 else body


# ---------------------------------------------------------------------------
# Checks and output

TAG_RE = re.compile(r"<(/?)([a-z0-9]+)[^>]*?(/?)>")


def tags_balanced(text: str) -> bool:
    stack = []
    for close, tag, selfclose in TAG_RE.findall(text):
        if tag == "br" or selfclose:
            continue
        if close:
            if not stack or stack.pop() != tag:
                return False
        else:
            stack.append(tag)
    return not stack


def make_record(rng: Random, ident: str, cls: str) -> dict:
    ad = Ad(rng, cls, html=rng.random() < 0.3)
    build(ad)
    text = render(ad)
    lic = list(dict.fromkeys(normalise(x) for x in ad.lic))
    reg = list(dict.fromkeys(normalise(x) for x in ad.reg))
    names = {normalise(k): v for k, v in ad.names.items()}
    rec = {"id": ident, "class": cls, "text": text, "licence_numbers": lic,
           "registration_numbers": reg, "registration_names": names,
           "negative": not lic and not reg}
    check(rec, ad)
    return rec


def check(rec: dict, ad: Ad) -> None:
    text, cls = rec["text"], rec["class"]
    for written in ad.lic + ad.reg:
        assert written in text, (rec["id"], written)
        assert written.isascii(), written
        n = normalise(written)
        assert re.fullmatch(r"[A-Z0-9]+", n) and re.search(r"\d", n), written
        assert n not in ad.phone_digits, (rec["id"], written)
    for n in rec["registration_numbers"] + rec["licence_numbers"]:
        assert n not in ad.kvk, (rec["id"], "KvK number labelled as a claim", n)
    for kind in (ad.lic, ad.reg):  # labels are in order of first appearance
        firsts = list(dict.fromkeys(kind))
        pos = [text.index(w) for w in firsts]
        assert pos == sorted(pos), rec["id"]
    assert not set(rec["licence_numbers"]) & set(rec["registration_numbers"]), rec["id"]
    for written, name in ad.names.items():
        assert name in text, (rec["id"], name)
        # The name stands before its number.
        i = text.index(written)
        assert name in text[max(0, i - 80):i], (rec["id"], name, written)
    assert set(rec["registration_names"]) <= set(rec["registration_numbers"])
    if cls in AGENCY_CLASSES:
        assert set(rec["registration_names"]) == set(rec["registration_numbers"])
        assert len(rec["registration_numbers"]) >= 2
    if cls not in AGENCY_CLASSES | {"lic_and_reg", "pos_with_kvk_btw"}:
        assert rec["registration_names"] == {}, rec["id"]
    if cls.startswith("neg_"):
        assert rec["negative"], rec["id"]
    else:
        assert not rec["negative"], rec["id"]
    if cls.startswith("lic_then"):
        assert rec["licence_numbers"] and not rec["registration_numbers"]
    if cls.startswith("reg_then"):
        assert rec["registration_numbers"] and not rec["licence_numbers"]
    if cls == "lic_and_reg":
        assert rec["licence_numbers"] and rec["registration_numbers"]
    if cls == "pos_with_kvk_btw":
        assert re.search(r"kvk|btw|koophandel|handelsregister|vestigingsnummer", text, re.I)
    if ad.html:
        assert tags_balanced(text), rec["id"]
        assert "&" not in text, rec["id"]
    else:
        assert "<" not in text, rec["id"]


def generate(seed: int, prefix: str) -> list[dict]:
    rng = Random(seed)
    classes = [c for c, n in QUOTAS.items() for _ in range(n)]
    rng.shuffle(classes)
    recs = [make_record(rng, f"{prefix}{i + 1:04d}", c) for i, c in enumerate(classes)]
    ids = [x["id"] for x in recs]
    assert len(ids) == len(set(ids))
    counts = Counter(x["class"] for x in recs)
    assert all(v >= 40 for v in counts.values()), counts
    assert sum(x["negative"] for x in recs) >= 250
    return recs


def main() -> int:
    for fname, seed, prefix in SETS:
        recs = generate(seed, prefix)
        path = OUT_DIR / fname
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            for rec in recs:
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        counts = Counter(x["class"] for x in recs)
        nlic = sum(len(x["licence_numbers"]) for x in recs)
        nreg = sum(len(x["registration_numbers"]) for x in recs)
        nneg = sum(x["negative"] for x in recs)
        nhtml = sum(x["text"].startswith("<") for x in recs)
        print(f"{path.relative_to(ROOT)}  seed {seed}: {len(recs)} ads, {nneg} negative, "
              f"{nhtml} HTML, {nlic} licence numbers, {nreg} registration numbers")
        for c in QUOTAS:
            print(f"  {c:24s} {counts[c]:4d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
