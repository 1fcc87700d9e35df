#!/usr/bin/env python3
"""Blind test set for claimed licence and registration numbers (issue 19).

Written independently of the extractor and of the project's other generators,
to be used once as a held-out measurement. Everything is invented: working
names (first names only), businesses, phone numbers, licence numbers,
registration numbers, KvK/BTW/IBAN numbers, addresses.

Writes tests/data/claimed_numbers_blind.jsonl, one JSON object a line:

    {"id", "class", "text", "licence_numbers", "registration_numbers",
     "registration_names", "negative"}

Numbers are normalised: upper case, ASCII letters and digits only.
`registration_names` maps a registration number that stands next to a woman's
name in an agency/club roster to that name; it is {} otherwise.

Python 3.11, standard library only, deterministic from random.Random(4242).
Run from the crate root:  python3 tools/make_claimed_numbers_blind.py
"""

import json
import os
import random
import re
import sys
from collections import Counter

# `--seed N` draws a fresh sample into claimed_numbers_blind_<N>.jsonl: the first seed
# (4242) was measured once and then used in development; seed 4343 was kept apart.
SEED = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 4242
R = random.Random(SEED)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data",
                   "claimed_numbers_blind.jsonl" if SEED == 4242
                   else f"claimed_numbers_blind_{SEED}.jsonl")


def norm(s):
    return "".join(c for c in s.upper() if c.isascii() and c.isalnum())


# Every invented identifier goes through here, so no two coincide after
# normalisation (a noise number can never equal a labelled one by accident).
USED = set()


def unique(make):
    for _ in range(1000):
        s = make()
        n = norm(s)
        if n not in USED:
            USED.add(n)
            return s
    raise RuntimeError("could not make a unique identifier")


def digits(n, lead_nonzero=False):
    s = "".join(R.choice("0123456789") for _ in range(n))
    if lead_nonzero and s[0] == "0":
        s = R.choice("123456789") + s[1:]
    return s


def pick(seq):
    return R.choice(seq)


# --------------------------------------------------------------------------
# vocabulary

NAMES = [
    "Lisa", "Mia", "Yasmin", "Jade", "Sophie", "Naomi", "Bella", "Chanel", "Roxy", "Kim",
    "Anouk", "Luna", "Nikki", "Angel", "Candy", "Destiny", "Esmee", "Femke", "Gina", "Ivy",
    "Jasmijn", "Kiki", "Lola", "Milou", "Nina", "Noor", "Olivia", "Paris", "Romy", "Sara",
    "Tess", "Vera", "Zoë", "Amber", "Bianca", "Cleo", "Daisy", "Elena", "Fleur", "Giselle",
    "Hanna", "Isabel", "Jolie", "Katja", "Lana", "Maya", "Natasha", "Océane", "Priya", "Rosa",
    "Sasha", "Tamara", "Ursula", "Valentina", "Wendy", "Xenia", "Yara", "Zara", "Ilse", "Carmen",
    "Dunya", "Leyla", "Mona", "Nadia", "Lieke", "Britt", "Demi", "Eva", "Ruby", "Scarlett",
]

CITIES_NL = ["Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven", "Groningen",
             "Tilburg", "Almere", "Breda", "Nijmegen", "Arnhem", "Haarlem", "Enschede",
             "Zwolle", "Leeuwarden", "Maastricht", "Alkmaar", "Apeldoorn", "Heerlen", "Venlo",
             "Den Bosch", "Zaandam", "Deventer", "Leiden"]
CITIES_BE = ["Antwerpen", "Gent", "Brussel", "Oostende", "Brugge", "Hasselt", "Luik", "Mechelen"]
CITY3 = {"Amsterdam": "AMS", "Rotterdam": "RTM", "Den Haag": "DHG", "Utrecht": "UTR",
         "Eindhoven": "EHV", "Groningen": "GRN", "Tilburg": "TLB", "Breda": "BRD",
         "Nijmegen": "NMG", "Arnhem": "ARN", "Haarlem": "HLM", "Zwolle": "ZWL",
         "Antwerpen": "ANT", "Gent": "GNT", "Brussel": "BXL", "Oostende": "OST"}

STREETS = ["Oudezijds Achterburgwal", "Geldersekade", "Singel", "Schiedamseweg", "Doubletstraat",
           "Hallenweg", "Zandpad", "Achter Clarenburg", "Spoorstraat", "Industrieweg",
           "Havenstraat", "Kerkstraat", "Stationsweg", "Molenweg", "Schipperskwartier",
           "Verversrui", "Nieuwe Binnenweg", "Poortstraat", "Marktstraat", "Dorpsstraat"]

BUSINESS = ["Club Velvet", "Privéhuis De Roos", "Escort Amour", "Villa Bonheur", "Club Mirage",
            "Privé Tulip", "Elite Escorts", "Massagesalon Lotus", "Club Paradijs", "Privéhuis Sunset",
            "Red Velvet Escort", "Club Casablanca", "Massage Oasis", "Escortservice Diamond",
            "Huize Bella", "Club 69", "Privé Blue Moon", "VIP Dames Service", "Studio Kiss",
            "Escortbureau Charme", "Massagepraktijk Zen", "Club Eden", "Privéhuis Mariposa",
            "Angels Escort", "Villa Rosé", "Salon Orchidee"]

EMOJI = ["💋", "🔥", "❤️", "✨", "🌹", "💎", "😘", "🥂", "👠", "💕", "⭐", "🍒", "😍", "🌸"]
DAYS_NL = ["Maandag", "Dinsdag", "Woensdag", "Donderdag", "Vrijdag", "Zaterdag", "Zondag"]
DAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december"]


# --------------------------------------------------------------------------
# numbers that count

def licence_number(city=None):
    y = R.randint(2015, 2026)
    yy = y % 100
    n = R.randint(1, 9999)
    if city not in CITY3:
        city = pick(list(CITY3))
    forms = [
        lambda: f"{y}-{pick(['ESC', 'SB', 'PRV', 'CLB', 'MAS', 'EXP'])}-{n % 1000:03d}",
        lambda: f"{yy:02d}/{n:04d}",
        lambda: f"V{y}/{n:04d}",
        lambda: f"{pick(['ESC', 'SB', 'EXPL', 'VERG'])}-{y}-{n:04d}",
        lambda: f"APV-{y}-{n:04d}",
        lambda: f"SB/{y}/{n % 1000:03d}",
        lambda: f"EXPL.{y}.{n % 1000:03d}",
        lambda: f"{CITY3[city]}-SB-{n:04d}",
        lambda: f"Z-{yy:02d}-{digits(6)}",
        lambda: f"{y}/{n:05d}",
        lambda: f"VG{y}{n:04d}",
        lambda: f"{n:04d}/{y}",
        lambda: f"{CITY3[city]}/UV/{y}/{n % 1000:03d}",
        lambda: f"SEKS-{yy:02d}-{n:03d}",
        lambda: f"{pick(['esc', 'sb', 'v'])}-{y}-{n:04d}",  # written lower case
        lambda: f"{digits(2, True)}.{digits(4)}.{pick(['SB', 'ESC', 'PH'])}",
    ]
    return unique(lambda: pick(forms)())


def registration_number():
    y = R.randint(2024, 2027)
    forms = [
        lambda: digits(9, True),
        lambda: f"NL-{digits(8)}",
        lambda: f"NL{digits(8)}",
        lambda: f"R-{y}-{digits(4)}",
        lambda: f"RSW-{digits(6)}",
        lambda: f"SW{y}{digits(6)}",
        lambda: f"WRS-{digits(4)}-{digits(4)}",
        lambda: f"NLR{digits(7)}",
        lambda: f"REG/{y}/{digits(6)}",
        lambda: f"nl-{digits(8)}",
        lambda: f"{digits(3, True)}-{digits(3)}-{digits(3)}",
        lambda: f"RS{digits(2)}.{digits(5)}",
    ]
    return unique(lambda: pick(forms)())


# --------------------------------------------------------------------------
# noise: things that are not claimed numbers

def mobile_digits():
    return unique(lambda: "6" + digits(8, True))


def phone():
    d = mobile_digits()  # 9 digits starting with 6
    f = R.randint(0, 9)
    if f == 0:
        return f"0{d[0]}-{d[1:]}"
    if f == 1:
        return f"0{d[0]} {d[1:5]} {d[5:]}"
    if f == 2:
        return f"0{d[0]} {d[1:3]} {d[3:5]} {d[5:7]} {d[7:]}"
    if f == 3:
        return f"+31 {d[0]} {d[1:]}"
    if f == 4:
        return f"+31(0){d[0]}-{d[1:5]} {d[5:]}"
    if f == 5:
        return f"0031{d}"
    if f == 6:
        return f"0{d}"
    if f == 7:
        b = unique(lambda: "4" + pick(["6", "7", "8", "9"]) + digits(7))
        return f"+32 {b[:3]} {b[3:5]} {b[5:7]} {b[7:]}"
    if f == 8:
        b = unique(lambda: "4" + pick(["6", "7", "8", "9"]) + digits(7))
        return f"0{b[:3]}/{b[3:5]}.{b[5:7]}.{b[7:]}"
    return f"+316{d[1:]}"


def landline():
    return unique(lambda: pick(["020", "010", "070", "030", "040", "050"]) + "-" + digits(7, True))


def kvk():
    return unique(lambda: digits(8, True))


def btw():
    return unique(lambda: f"NL{digits(9)}B{digits(2)}")


def iban():
    bank = pick(["ABNA", "INGB", "RABO", "SNSB", "TRIO", "BUNQ", "KNAB"])
    s = unique(lambda: f"NL{digits(2)}{bank}{digits(10)}")
    if R.random() < 0.5:
        return " ".join(s[i:i + 4] for i in range(0, len(s), 4))
    return s


def kbo():
    return unique(lambda: f"0{digits(3)}.{digits(3)}.{digits(3)}")


def rsin():
    return unique(lambda: digits(9, True))


def postcode():
    return f"{R.randint(1011, 9999)} {pick('ABCEGHJKLMNPRTVWXZ')}{pick('ABCEGHJKLMNPRTVWXZ')}"


def date():
    d, m, y = R.randint(1, 28), R.randint(1, 12), R.randint(2019, 2027)
    return pick([f"{d:02d}-{m:02d}-{y}", f"{d}/{m}/{y}", f"{d} {MONTHS[m - 1]} {y}",
                 f"{y}-{m:02d}-{d:02d}", f"{d:02d}.{m:02d}.{y}"])


def times():
    a, b = R.randint(9, 22), R.randint(0, 6)
    return pick([f"{a}:00 - 0{b}:00", f"{a}.00 tot {b:02d}.00 uur", f"van {a}u tot {b}u",
                 f"{a}:00-{b:02d}:00", "24/7"])


def price():
    p = pick([80, 100, 120, 150, 175, 180, 200, 250, 300, 350, 400, 450, 500])
    return pick([f"€{p}", f"€ {p},-", f"{p} euro", f"EUR {p}", f"{p}€"])


def address(city):
    pc = f"{R.randint(1000, 9999)}" if city in CITIES_BE else postcode()
    return f"{pick(STREETS)} {R.randint(1, 240)}, {pc} {city}"


def ad_id():
    return unique(lambda: digits(R.randint(6, 8), True))


def noise_line(city):
    kind = R.randint(0, 17)
    if kind == 0:
        return f"KvK {kvk()}"
    if kind == 1:
        return f"BTW-nr: {btw()}"
    if kind == 2:
        return f"Advertentienummer: {ad_id()}"
    if kind == 3:
        return f"Profiel-ID #{ad_id()}"
    if kind == 4:
        return f"Adres: {address(city)}"
    if kind == 5:
        return f"Prijzen: 30 min {price()} | 1 uur {price()}"
    if kind == 6:
        return f"Open: {times()}"
    if kind == 7:
        return f"Geplaatst op {date()}"
    if kind == 8:
        return f"Leeftijd: {R.randint(21, 45)} | lengte 1.{R.randint(55, 82)} m | {R.randint(48, 80)} kg"
    if kind == 9:
        return f"Bel of app: {phone()}"
    if kind == 10:
        return f"Klantnummer {ad_id()}"
    if kind == 11:
        return f"Ad ID: {ad_id()} – views: {R.randint(100, 9999)}"
    if kind == 12:
        return f"Postcode {R.randint(1000, 9999) if city in CITIES_BE else postcode()}"
    if kind == 13:
        return f"Kamer van Koophandel: {kvk()}"
    if kind == 14:
        return f"Tel. {landline()}"
    if kind == 15:
        return f"Laatst online: {date()} {R.randint(10, 23)}:{R.randint(0, 59):02d}"
    if kind == 16:
        return f"{R.randint(18, 35)}+ jaar | cupmaat {R.randint(70, 90)}{pick('ABCDE')}"
    return f"Ordernr. {ad_id()}"


def intro(city, kind):
    e = pick(EMOJI)
    if kind == "escort":
        return pick([
            f"{e} Nieuw in {city}! Discrete escort, ook hotel- en thuisbezoek {e}",
            f"ESCORT {city.upper()} – 24/7 beschikbaar, ook voor diner-dates",
            f"{e}{e} Sexy escort dame komt naar je toe in regio {city}",
            f"Exclusive escort service {city} — incall & outcall {e}",
            f"Lieve spontane escort voor heerlijke uurtjes in {city} en omgeving",
        ])
    if kind == "club":
        return pick([
            f"{e} Gezellige club in {city}, elke dag nieuwe dames!",
            f"Privéhuis in het centrum van {city} – ruime kamers, jacuzzi {e}",
            f"CLUB – BAR – KAMERS | {city} | gratis parkeren",
            f"Welkom in ons sfeervolle privéhuis in {city} {e}",
        ])
    if kind == "massage":
        return pick([
            f"{e} Ontspannende body-to-body massage in {city}",
            f"Erotische massage & tantra in {city}, ook 's avonds {e}",
            f"Heerlijke ontspanningsmassage met happy end – {city}",
        ])
    if kind == "agency":
        return pick([
            f"{e} Escortbureau {city} – onze dames komen naar jou toe {e}",
            f"Escortbureau met de mooiste dames van {city} en omgeving",
            f"{e} Agency {city}: hotel, thuis en zakelijk, 7 dagen per week",
            f"Wie werkt er vandaag? Bekijk ons rooster {e}",
        ])
    return pick([
        f"Hoi lieverd {pick(EMOJI)} ik ontvang thuis in {city}, privé en discreet",
        f"Ik ben net nieuw in {city} en zin in een spannende afspraak {e}",
        f"Mooie latina thuisontvangst {city} {e}",
        f"Private lady in {city}, only by appointment",
    ])


def solo_hello(name, city):
    return pick([
        f"Hoi, ik ben {name} {pick(EMOJI)}",
        f"Mijn naam is {name}, {R.randint(21, 39)} jaar.",
        f"Hi! {name} hier, nieuw in {city}.",
        f"Liefs, {name} {pick(EMOJI)}",
    ])


def assemble(lines):
    style = R.randint(0, 9)
    if style <= 4:
        return "\n".join(lines)
    if style == 5:
        return "\n\n".join(lines)
    if style == 6:
        return " ".join(lines)
    if style == 7:
        return "<br>".join(lines)
    if style == 8:
        return "<p>" + "</p>\n<p>".join(lines) + "</p>"
    return "\n".join(f"{pick(['•', '-', '✔️', '▪', '*'])} {l}" for l in lines)


def shuffle_middle(lines):
    head, rest = lines[0], lines[1:]
    R.shuffle(rest)
    return [head] + rest


# --------------------------------------------------------------------------
# label phrasings

LIC_LABELS = ["Vergunningnummer:", "Vergunningnummer", "Vergunningsnummer:", "Vergunning nr.",
              "Vergunning nr:", "Verg.nr.", "Verg. nr:", "verg.nr", "VERGUNNINGNUMMER:",
              "Exploitatievergunning", "Exploitatievergunning nr.", "Gem. vergunning",
              "gem. vergunning", "Gemeentelijke vergunning:", "Vergunning seksbedrijf:",
              "Escortvergunning", "Vergunning escortbedrijf nr.", "Licentienummer |",
              "Licentienummer:", "Licentie nr.", "Licence no.", "Licence number:", "License #",
              "License No:", "Permit no.", "Vergunning:", "Uitbatingsvergunning nr.",
              "APV-vergunning", "Vergunning (gemeente {city}):", "Vergunning gemeente {city} nr.",
              "vergunningnr", "Vergunning nummer", "Exploitatievergunning seksbedrijf nr:"]

REG_LABELS = ["Registratienummer:", "Registratienummer", "Registratienr.", "Registratie-nr:",
              "Reg.nr.", "reg.nr", "Reg. nr:", "REG.NR.", "Reg nr", "Registratie:",
              "Registratienummer sekswerker:", "Landelijk registratienummer:",
              "Wrs-registratie:", "Registratie Wrs nr.", "Registration no.",
              "Registration number:", "Reg. no.", "Reg#", "Mijn registratienummer is",
              "Registratienummer (Wrs)", "Registratie sekswerker nr.", "registratienummer:"]


def lic_phrase(num, city):
    if R.random() < 0.18:
        return pick([
            f"Vergunning: ja (nr. {num})",
            f"Vergunning ✅ nr. {num}",
            f"Wij hebben een vergunning van de gemeente {city} (nummer {num})",
            f"<b>Vergunning:</b> {num}",
            f"Vergunningnummer:\n{num}",
            f"Werkt met vergunning, nr {num}",
            f"Licensed by the municipality of {city}, licence {num}",
        ])
    lab = pick(LIC_LABELS).replace("{city}", city)
    sep = "" if lab.endswith("#") else " "
    return f"{lab}{sep}{num}"


def reg_phrase(num):
    if R.random() < 0.15:
        return pick([
            f"Geregistreerd ✅ (reg.nr. {num})",
            f"<i>Registratienummer:</i> {num}",
            f"Registratienummer:\n{num}",
            f"Ik werk geregistreerd, nummer {num}",
            f"Registered sex worker – reg. no. {num}",
        ])
    lab = pick(REG_LABELS)
    sep = "" if lab.endswith("#") else " "
    return f"{lab}{sep}{num}"


def trailer(city):
    k = R.randint(0, 17)
    if k == 0:
        return f", bel {phone()}"
    if k == 1:
        return f" en tel {phone()}"
    if k == 2:
        return f" of app {phone()}"
    if k == 3:
        return f" - whatsapp {phone()}"
    if k == 4:
        return f" (geldig t/m {date()})"
    if k == 5:
        return f" d.d. {date()}"
    if k == 6:
        return f", verleend op {date()}"
    if k == 7:
        return f" / KvK {kvk()}"
    if k == 8:
        return f" · KvK-nr {kvk()} · BTW {btw()}"
    if k == 9:
        return f" gemeente {city}"
    if k == 10:
        return f" {pick(['📞', '📱', '☎️'])} {phone()}"
    if k == 11:
        return f" ✅ discreet & veilig"
    if k == 12:
        return f"; open {times()}"
    if k == 13:
        return f" vanaf {price()}"
    if k == 14:
        return f", tel: {phone()}"
    if k == 15:
        return f" en KvK-registratienummer {kvk()}"
    if k == 16:
        return f" {city}"
    return pick([" en ik ben te bereiken via WhatsApp", " of bel voor een afspraak",
                 " – bel gerust!", " en dat is gecontroleerd", " sinds 2021"])


# --------------------------------------------------------------------------
# records

RECORDS = []


def add(cls, text, lic=(), reg=(), names=None):
    lic_norm, reg_norm = [], []
    for w in lic:
        n = norm(w)
        if n not in lic_norm:
            lic_norm.append(n)
    for w in reg:
        n = norm(w)
        if n not in reg_norm:
            reg_norm.append(n)
    RECORDS.append({
        "id": f"b{len(RECORDS) + 1:04d}",
        "class": cls,
        "text": text,
        "licence_numbers": lic_norm,
        "registration_numbers": reg_norm,
        "registration_names": {norm(k): v for k, v in (names or {}).items()},
        "negative": not lic_norm and not reg_norm,
        "_written": list(lic) + list(reg),
        "_names": dict(names or {}),
    })


def kind_city():
    kind = pick(["escort", "club", "massage", "solo", "solo"])
    city = pick(CITIES_NL) if R.random() < 0.8 else pick(CITIES_BE)
    return kind, city


def gen_licence_plain():
    kind, city = kind_city()
    num = licence_number(city)
    lines = [intro(city, kind), lic_phrase(num, city)]
    for _ in range(R.randint(1, 4)):
        lines.append(noise_line(city))
    if kind == "solo":
        lines.insert(1, solo_hello(pick(NAMES), city))
    add("licence_plain", assemble(shuffle_middle(lines)), lic=[num])


def gen_licence_trailing():
    kind, city = kind_city()
    num = licence_number(city)
    lines = [intro(city, kind), lic_phrase(num, city) + trailer(city)]
    for _ in range(R.randint(0, 3)):
        lines.append(noise_line(city))
    add("licence_trailing", assemble(shuffle_middle(lines)), lic=[num])


def gen_registration_plain():
    city = pick(CITIES_NL)
    kind = pick(["solo", "solo", "escort", "massage"])
    num = registration_number()
    name = pick(NAMES)
    lines = [intro(city, kind), solo_hello(name, city),
             pick(["Veilig, hygiënisch en discreet.", "Geen haast, alles met respect.",
                   "Alleen op afspraak.", "Ik spreek NL / EN / ES."]),
             reg_phrase(num)]
    for _ in range(R.randint(1, 3)):
        lines.append(noise_line(city))
    add("registration_plain", assemble(shuffle_middle(lines)), reg=[num])


def gen_registration_trailing():
    city = pick(CITIES_NL)
    kind = pick(["solo", "solo", "escort", "massage"])
    num = registration_number()
    name = pick(NAMES)
    lines = [intro(city, kind), solo_hello(name, city), reg_phrase(num) + trailer(city)]
    for _ in range(R.randint(0, 3)):
        lines.append(noise_line(city))
    add("registration_trailing", assemble(shuffle_middle(lines)), reg=[num])


def gen_licence_and_registration():
    city = pick(CITIES_NL)
    kind = pick(["solo", "escort", "massage", "club"])
    lic, reg = licence_number(city), registration_number()
    name = pick(NAMES)
    f = R.randint(0, 4)
    if f == 0:
        block = [lic_phrase(lic, city) + (trailer(city) if R.random() < 0.5 else ""),
                 reg_phrase(reg) + (trailer(city) if R.random() < 0.5 else "")]
    elif f == 1:
        block = [f"{pick(['Verg.nr.', 'Vergunning', 'Vergunningnummer'])} {lic} | "
                 f"{pick(['Reg.nr.', 'Registratienummer', 'reg.nr'])} {reg} | {pick(['tel', 'bel', 'app'])} {phone()}"]
    elif f == 2:
        block = [f"Vergunning {lic} en registratienummer {reg}" + trailer(city)]
    elif f == 3:
        block = ["<table>",
                 f"<tr><td>Vergunningnummer</td><td>{lic}</td></tr>",
                 f"<tr><td>Registratienummer</td><td>{reg}</td></tr>",
                 f"<tr><td>KvK</td><td>{kvk()}</td></tr>",
                 f"<tr><td>Telefoon</td><td>{phone()}</td></tr>",
                 "</table>"]
        block = ["\n".join(block)]
    else:
        block = [f"Licence no. {lic}, registration no. {reg}, call {phone()}"]
    lines = [intro(city, kind), solo_hello(name, city)] + block
    for _ in range(R.randint(0, 3)):
        lines.append(noise_line(city))
    add("licence_and_registration", assemble(shuffle_middle(lines)), lic=[lic], reg=[reg])


def roster(n):
    names = R.sample(NAMES, n)
    return [(nm, registration_number()) for nm in names]


def entry(nm, num):
    f = R.randint(0, 12)
    return [
        lambda: f"{nm} (reg.nr. {num})",
        lambda: f"{nm} - reg.nr {num}",
        lambda: f"{nm}: reg.nr {num}",
        lambda: f"{nm} (registratienr. {num})",
        lambda: f"{nm} – registratienummer {num}",
        lambda: f"{nm} ➜ reg# {num}",
        lambda: f"{nm} (registration no. {num})",
        lambda: f"{nm} ({R.randint(20, 38)}) reg.nr. {num}",
        lambda: f"{nm}, {R.randint(20, 38)} jr, reg. nr: {num}",
        lambda: f"{nm} [Reg.nr {num}]",
        lambda: f"{nm} | reg {num}",
        lambda: f"{nm} (Reg: {num})",
        lambda: f"{nm} {pick(EMOJI)} reg.nr. {num}",
    ][f]()


def agency_extras(city, lines):
    if R.random() < 0.55:
        lic = licence_number(city)
        lines.append(lic_phrase(lic, city) + (trailer(city) if R.random() < 0.4 else ""))
        return [lic]
    return []


def gen_agency_inline():
    city = pick(CITIES_NL)
    ros = roster(R.randint(2, 6))
    f = R.randint(0, 4)
    if f == 0:
        body = ", ".join(entry(n, r) for n, r in ros)
        body = pick(["Vandaag werken: ", "Nu aanwezig: ", "Onze dames: ", "Today available: ", ""]) + body
    elif f == 1:
        body = pick(["Vandaag werken: ", "Beschikbaar: "]) + " | ".join(
            f"{n} {pick(['-', ':', '–'])} reg.nr {r}" for n, r in ros)
    elif f == 2:
        body = "Registratienummers:\n" + "\n".join(f"{n}: {r}" for n, r in ros)
    elif f == 3:
        body = pick(["Dames vanavond", "Wie is er vandaag"]) + ":\n" + "\n".join(
            f"{pick(['•', '-', '💋', '▸'])} {entry(n, r)}" for n, r in ros)
    else:
        body = " / ".join(f"{r} ({n})" for n, r in ros)
        body = "Reg.nrs: " + body
    lines = [intro(city, pick(["agency", "club"])), body]
    lic = agency_extras(city, lines)
    for _ in range(R.randint(1, 3)):
        lines.append(noise_line(city))
    lines.append(f"Reserveren: {phone()}")
    text = "\n".join(shuffle_middle(lines)) if R.random() < 0.7 else " ".join(shuffle_middle(lines))
    add("agency_roster_inline", text, lic=lic, reg=[r for _, r in ros], names=dict((r, n) for n, r in ros))


def gen_agency_week():
    city = pick(CITIES_NL)
    ros = roster(R.randint(3, 7))
    en = R.random() < 0.2
    days = DAYS_EN if en else DAYS_NL
    used = set()
    out = ["Weekrooster" if not en else "This week", ""]
    for d in sorted(R.sample(range(7), R.randint(3, 7))):
        todays = R.sample(ros, R.randint(1, min(3, len(ros))))
        used.update(todays)
        joiner = pick([", ", " & ", " + ", " · "])
        out.append(f"{pick(['', '📅 ', '🗓 '])}{days[d]}: " + joiner.join(entry(n, r) for n, r in todays))
    missing = [x for x in ros if x not in used]
    if missing:
        out.append(("Op afroep: " if not en else "On request: ") + ", ".join(entry(n, r) for n, r in missing))
    lines = [intro(city, "agency"), "\n".join(out)]
    lic = agency_extras(city, lines)
    for _ in range(R.randint(1, 3)):
        lines.append(noise_line(city))
    lines.append(f"Bel {phone()} (ook WhatsApp)")
    add("agency_roster_week", "\n".join(shuffle_middle(lines)), lic=lic,
        reg=[r for _, r in ros], names=dict((r, n) for n, r in ros))


def gen_agency_table():
    city = pick(CITIES_NL)
    ros = roster(R.randint(2, 6))
    f = R.randint(0, 2)
    rows = []
    if f == 0:
        rows.append("<tr><th>Naam</th><th>Leeftijd</th><th>Registratienummer</th></tr>")
        for n, r in ros:
            rows.append(f"<tr><td>{n}</td><td>{R.randint(20, 38)}</td><td>{r}</td></tr>")
    elif f == 1:
        rows.append("<tr><th>Dame</th><th>Reg.nr.</th><th>Dagen</th></tr>")
        for n, r in ros:
            ds = ", ".join(d[:2].lower() for d in R.sample(DAYS_NL, R.randint(1, 4)))
            rows.append(f"<tr><td>{n}</td><td>{r}</td><td>{ds}</td></tr>")
    else:
        rows.append("<tr><th>Day</th><th>Lady</th><th>Registration no.</th></tr>")
        for i, (n, r) in enumerate(ros):
            rows.append(f"<tr><td>{DAYS_EN[i % 7]}</td><td>{n}</td><td>{r}</td></tr>")
    table = "<table>\n" + "\n".join(rows) + "\n</table>"
    lines = [intro(city, pick(["agency", "club"])), table]
    lic = agency_extras(city, lines)
    for _ in range(R.randint(1, 3)):
        lines.append(noise_line(city))
    lines.append(f"<p>Contact: {phone()}</p>")
    add("agency_roster_table", "\n".join(shuffle_middle(lines)), lic=lic,
        reg=[r for _, r in ros], names=dict((r, n) for n, r in ros))


def gen_agency_unnamed():
    city = pick(CITIES_NL)
    regs = [registration_number() for _ in range(R.randint(2, 5))]
    f = R.randint(0, 2)
    if f == 0:
        body = "Registratienummers van onze dames: " + ", ".join(regs)
    elif f == 1:
        body = "Alle dames zijn geregistreerd. Reg.nrs.: " + " / ".join(regs)
    else:
        body = "Registratienummers:\n" + "\n".join(f"- {r}" for r in regs)
    lines = [intro(city, pick(["agency", "club"])), body]
    lic = agency_extras(city, lines)
    for _ in range(R.randint(1, 3)):
        lines.append(noise_line(city))
    add("agency_numbers_unnamed", "\n".join(shuffle_middle(lines)), lic=lic, reg=regs)


def gen_neg_business_ids():
    kind, city = kind_city()
    be = city in CITIES_BE
    pool = [
        lambda: f"KvK-registratienummer {kvk()}",
        lambda: f"KvK-registratienummer: {kvk()}",
        lambda: f"Registratienummer KvK: {kvk()}",
        lambda: f"Ingeschreven bij de KvK onder registratienummer {kvk()}",
        lambda: f"KvK-nummer {kvk()}",
        lambda: f"KvK nr. {kvk()}",
        lambda: f"Registratie Kamer van Koophandel {kvk()}",
        lambda: f"Handelsregister: {kvk()}",
        lambda: f"BTW-nummer {btw()}",
        lambda: f"BTW-id: {btw()}",
        lambda: f"VAT no. {btw()}",
        lambda: f"IBAN {iban()}",
        lambda: f"Betalen kan via {iban()} t.n.v. {pick(BUSINESS)}",
        lambda: f"RSIN {rsin()}",
        lambda: f"Ondernemingsnummer {kbo()}",
        lambda: f"KBO-nr. {kbo()} – BTW BE{norm(kbo())}",
        lambda: f"AGB-code {digits(8)}",
        lambda: f"Lid NGS, lidnummer {digits(5, True)}",
        lambda: f"Advertentie-registratienummer: {ad_id()}",
        lambda: f"Klantregistratienr. {ad_id()}",
        lambda: f"Registratienummer advertentie {ad_id()}",
        lambda: f"Registratie KvK {kvk()}, bel {phone()}",
        lambda: f"Company reg. no. (KvK) {kvk()}",
    ]
    if be:
        pool += [lambda: f"Ondernemingsnr. {kbo()}", lambda: f"BTW BE {kbo()}"]
    lines = [intro(city, kind)]
    for f in R.sample(pool, R.randint(1, 3)):
        lines.append(f())
    for _ in range(R.randint(1, 3)):
        lines.append(noise_line(city))
    if kind == "solo":
        lines.insert(1, solo_hello(pick(NAMES), city))
    add("neg_business_ids", assemble(shuffle_middle(lines)))


def gen_neg_label_no_number():
    kind, city = kind_city()
    pool = [
        lambda: "Vergunning aangevraagd",
        lambda: f"Vergunning: in aanvraag bij gemeente {city}",
        lambda: "Registratie niet verplicht",
        lambda: "registratienummer: volgt",
        lambda: "Reg.nr.: n.v.t.",
        lambda: "Vergunning: ja",
        lambda: "Vergunninghouder – nummer op aanvraag",
        lambda: f"Vergunningvrij thuiswerk (gemeente {city})",
        lambda: f"Vergunning verleend op {date()}",
        lambda: f"Vergunning geldig t/m {date()}",
        lambda: f"Registratienummer? Bel {phone()}",
        lambda: "Vergunningnummer: zie onze website",
        lambda: "Licence: pending",
        lambda: "Registration: not required",
        lambda: f"Vergunning gemeente {city}",
        lambda: "Registratie: ✔️",
        lambda: "Verg.nr.: -",
        lambda: "Reg.nr. XXXXXX (op verzoek)",
        lambda: f"Vergunning {pick(['✅', 'ok', 'aanwezig', 'in orde'])}, bel {phone()}",
        lambda: f"Registratienummer en vergunning op te vragen via {phone()}",
        lambda: f"Reg.nr: bel {phone()}",
        lambda: f"Vergunningnummer: tel {phone()}",
        lambda: "Wij werken met vergunning en alle dames zijn geregistreerd.",
        lambda: "Geregistreerd bij de gemeente, nummer wordt nog toegekend",
        lambda: f"Vergunning sinds {R.randint(2010, 2024)}",
        lambda: f"Vergunning {city} {date()}",
        lambda: "Vergunning: nee (thuiswerker, niet vergunningplichtig)",
        lambda: f"Registratie: {date()}",
        lambda: f"Registered since {date()}",
        lambda: "License number: on request",
        lambda: f"Licentienummer | {city}",
    ]
    lines = [intro(city, kind)]
    for f in R.sample(pool, R.randint(1, 3)):
        lines.append(f())
    for _ in range(R.randint(1, 3)):
        lines.append(noise_line(city))
    if kind == "solo":
        lines.insert(1, solo_hello(pick(NAMES), city))
    add("neg_label_no_number", assemble(shuffle_middle(lines)))


def gen_neg_numbers_noise():
    kind, city = kind_city()
    lines = [intro(city, kind)]
    if R.random() < 0.4:
        names = R.sample(NAMES, R.randint(2, 5))
        lines.append(pick(["Vandaag aanwezig: ", "Nieuwe dames deze week: ", "Tonight: "]) +
                     ", ".join(f"{n} ({R.randint(20, 38)})" for n in names))
    for _ in range(R.randint(3, 7)):
        lines.append(noise_line(city))
    lines.append(pick([f"Bel nu {phone()}", f"WhatsApp: {phone()}", f"📞 {phone()} / {phone()}"]))
    add("neg_numbers_noise", assemble(shuffle_middle(lines)))


PLAN = [
    (gen_licence_plain, 60),
    (gen_licence_trailing, 80),
    (gen_registration_plain, 50),
    (gen_registration_trailing, 70),
    (gen_licence_and_registration, 40),
    (gen_agency_inline, 60),
    (gen_agency_week, 40),
    (gen_agency_table, 30),
    (gen_agency_unnamed, 20),
    (gen_neg_business_ids, 70),
    (gen_neg_label_no_number, 50),
    (gen_neg_numbers_noise, 40),
]


def check(recs):
    ids = [r["id"] for r in recs]
    assert len(ids) == len(set(ids)), "ids not unique"
    for r in recs:
        t = r["text"]
        for w in r["_written"]:
            assert w in t, (r["id"], w)
        for n in r["licence_numbers"] + r["registration_numbers"]:
            assert re.fullmatch(r"[A-Z0-9]+", n), (r["id"], n)
            assert re.search(r"\d", n), (r["id"], n)
        assert not set(r["licence_numbers"]) & set(r["registration_numbers"]), r["id"]
        for w, name in r["_names"].items():
            assert name in t, (r["id"], name)
            assert norm(w) in r["registration_numbers"], (r["id"], w)
            assert r["registration_names"][norm(w)] == name
        assert r["negative"] == (not r["licence_numbers"] and not r["registration_numbers"])
        if r["class"].startswith("neg_"):
            assert r["negative"], r["id"]
        else:
            assert not r["negative"], r["id"]
        if r["class"].startswith("agency_roster"):
            assert r["registration_names"] and set(r["registration_names"]) == set(r["registration_numbers"])
        else:
            assert r["registration_names"] == {}, r["id"]
        # names in a roster are unique within the ad
        assert len(set(r["registration_names"].values())) == len(r["registration_names"]), r["id"]


def main():
    for gen, n in PLAN:
        for _ in range(n):
            gen()
    # interleave classes so that order says nothing about the class
    R.shuffle(RECORDS)
    for i, r in enumerate(RECORDS):
        r["id"] = f"b{i + 1:04d}"
    check(RECORDS)
    with open(OUT, "w", encoding="utf-8", newline="\n") as fh:
        for r in RECORDS:
            out = {k: r[k] for k in ("id", "class", "text", "licence_numbers",
                                     "registration_numbers", "registration_names", "negative")}
            fh.write(json.dumps(out, ensure_ascii=False) + "\n")
    counts = Counter(r["class"] for r in RECORDS)
    for cls in sorted(counts):
        print(f"{cls:28s} {counts[cls]}")
    print(f"{'total':28s} {len(RECORDS)}")
    print(f"licence numbers: {sum(len(r['licence_numbers']) for r in RECORDS)}, "
          f"registration numbers: {sum(len(r['registration_numbers']) for r in RECORDS)}, "
          f"named: {sum(len(r['registration_names']) for r in RECORDS)}, "
          f"negatives: {sum(r['negative'] for r in RECORDS)}", file=sys.stderr)


if __name__ == "__main__":
    main()
