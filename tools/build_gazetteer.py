#!/usr/bin/env python3
"""Build webwacht's gazetteer (municipalities and places on 2025 boundaries).

Reads the two raw public files in DATA_DIR (default ../shared/data, relative to the
crate root): gemeenten.csv (CBS code, name, safety region; early 2022) and
woonplaatsen.csv (place, woonplaats code, postcode range, municipality name,
province; about 2020). Cleans them, applies the municipal mergers of 2021-2023 and
writes gazetteer/municipalities.csv (code,name) and gazetteer/places.csv
(name,municipality_code), UTF-8, sorted.

Usage: python3 tools/build_gazetteer.py [DATA_DIR]

Python 3.11, standard library only. Exits non-zero with a message when a place's
municipality cannot be resolved or the result is not the 342 municipalities of 2025.
"""

from __future__ import annotations

import csv
import itertools
import re
import sys
import unicodedata
from pathlib import Path

EXPECTED_MUNICIPALITIES = 342

# New municipalities created 2021-2023 (code, CBS name).
NEW_MUNICIPALITIES = {
    "GM1979": "Eemsdelta",
    "GM1980": "Dijk en Waard",
    "GM1982": "Land van Cuijk",
    "GM1991": "Maashorst",
    "GM1992": "Voorne aan Zee",
}

# Municipality dissolved 2021-2023 (name as the raw files write it) -> the 2025 code
# that took it over whole.
MERGED_INTO = {
    # 2021
    "Appingedam": "GM1979",
    "Delfzijl": "GM1979",
    "Loppersum": "GM1979",
    # 2022
    "Heerhugowaard": "GM1980",
    "Langedijk": "GM1980",
    "Boxmeer": "GM1982",
    "Cuijk": "GM1982",
    "Grave": "GM1982",
    "Mill en Sint Hubert": "GM1982",
    "Sint Anthonis": "GM1982",
    "Landerd": "GM1991",
    "Uden": "GM1991",
    "Beemster": "GM0439",  # Purmerend
    "Weesp": "GM0363",  # Amsterdam
    # 2023
    "Brielle": "GM1992",
    "Hellevoetsluis": "GM1992",
    "Westvoorne": "GM1992",
}

# Haaren (dissolved 1 January 2021) was split by village; each village and its
# hamlets share one postcode area, so the postcode decides:
# 5076 Haaren -> Oisterwijk, 5268 Helvoirt -> Vught, 5074 Biezenmortel -> Tilburg,
# 5296 Esch -> Boxtel.
HAAREN_BY_POSTCODE = {
    "5076": "GM0824",
    "5268": "GM0865",
    "5074": "GM0855",
    "5296": "GM0757",
}

# Municipality names in woonplaatsen.csv that differ from gemeenten.csv.
# Names shared by two provinces are told apart by the province column.
RAW_MUNICIPALITY_ALIASES = {
    ("Den Haag", None): "'s-Gravenhage",
    ("s-Hertogenbosch", None): "'s-Hertogenbosch",
    ("Beek", "Limburg"): "Beek (L.)",
    ("Bergen", "Limburg"): "Bergen (L.)",
    ("Bergen", "Noord-Holland"): "Bergen (NH.)",
    ("Hengelo", "Overijssel"): "Hengelo (O.)",
    ("Laren", "Noord-Holland"): "Laren (NH.)",
    ("Middelburg", "Zeeland"): "Middelburg (Z.)",
    ("Rijswijk", "Zuid-Holland"): "Rijswijk (ZH.)",
    ("Stein", "Limburg"): "Stein (L.)",
}

# Extra place rows: colloquial names the raw list lacks.
EXTRA_PLACES = [
    ("Den Haag", "GM0518"),
]

ARTICLES = {"het", "de", "den", "t", "'t", "'s", "s"}
SUFFIX_RE = re.compile(r"^(.*\S)\s*\(([^()]*)\)$")


def fail(message: str) -> None:
    print(f"build_gazetteer: error: {message}", file=sys.stderr)
    sys.exit(1)


def restore_apostrophe(name: str) -> str:
    """`s-Gravenhage` / `s Gravenmoer` / `t Harde` lost their apostrophe."""
    if re.match(r"^[st][ -]", name):
        return "'" + name
    return name


def display_municipality(cbs_name: str, ambiguous_bases: set[str]) -> str:
    """CBS name -> display name: `Bergen (NH.)` -> `Bergen (NH)` (the base is shared),
    `Hengelo (O.)` -> `Hengelo`, `Utrecht (gemeente)` -> `Utrecht`."""
    name = restore_apostrophe(cbs_name.strip())
    m = SUFFIX_RE.match(name)
    if not m:
        return name
    base, suffix = m.group(1).strip(), m.group(2).strip().rstrip(".").strip()
    if base in ambiguous_bases and suffix.lower() != "gemeente":
        return f"{base} ({suffix})"
    return base


def expand_parentheses(part: str) -> list[str]:
    """Expand optional parts: `(De) Dingen` -> De Dingen, Dingen; `Braambos(ch)` ->
    Braambosch, Braambos; a trailing gloss `Nieuwerkerke (Schutje)` is dropped."""
    # A gloss at the end after a space is not part of the name.
    m = re.match(r"^(.*\S)\s+\([^()]*\)$", part)
    if m and not part.startswith("("):
        part = m.group(1)
    pieces = re.split(r"(\([^()]*\))", part)
    options: list[list[str]] = []
    for piece in pieces:
        if piece.startswith("(") and piece.endswith(")"):
            inner = piece[1:-1].strip()
            if not inner:
                options.append([""])
            elif inner == "-":
                options.append(["-"])
            else:
                options.append([inner, ""])
        else:
            options.append([piece])
    out = []
    for combo in itertools.product(*options):
        name = " ".join("".join(combo).split())
        name = name.replace("( ", "(").strip(" -")
        if name:
            out.append(name)
    return out


def clean_place(raw: str) -> list[str]:
    """One raw place cell -> the clean names it stands for (possibly several)."""
    text = raw.replace("(?)", " ").replace("?", " ")
    names: list[str] = []
    for part in re.split(r"\s+/\s+|\s+of\s+", text):
        # A slash without spaces marks a spelling variant of one word: keep the first.
        part = " ".join(re.sub(r"(\S+)/\S+", r"\1", part).split())
        if not part:
            continue
        for name in expand_parentheses(part):
            name = restore_apostrophe(name)
            if name.lower() in ARTICLES or "(" in name or ")" in name:
                continue
            if not re.search(r"[A-Za-zÀ-ÿ]{2}", name):
                continue
            names.append(name)
    return names


def postcode_span(cell: str) -> int:
    m = re.match(r"^\s*(\d{4})\s*[–-]\s*(\d{4})\s*$", cell)
    if not m:
        return 1
    return int(m.group(2)) - int(m.group(1)) + 1


def sort_key(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]", "", folded.lower())


def load_municipalities(path: Path) -> dict[str, str]:
    """code -> CBS name, with the dissolved municipalities removed and the new ones
    added, so the result is the 2025 set."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    by_code: dict[str, str] = {}
    for row in rows:
        code, name = row["gemeentecode"].strip(), row["gemeentenaam"].strip()
        if not re.fullmatch(r"GM\d{4}", code):
            fail(f"{path}: bad municipality code {code!r}")
        if name in MERGED_INTO or name == "Haaren":
            continue
        by_code[code] = name
    for code, name in NEW_MUNICIPALITIES.items():
        by_code.setdefault(code, name)
    for target in set(MERGED_INTO.values()) | set(HAAREN_BY_POSTCODE.values()):
        if target not in by_code:
            fail(f"merger target {target} is not a municipality")
    if len(by_code) != EXPECTED_MUNICIPALITIES:
        fail(f"{len(by_code)} municipalities after mergers, expected {EXPECTED_MUNICIPALITIES}")
    return by_code


def main() -> None:
    data_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
    out_dir = Path(__file__).resolve().parent.parent / "gazetteer"
    municipalities = load_municipalities(data_dir / "gemeenten.csv")
    code_by_cbs_name = {name: code for code, name in municipalities.items()}

    bases: dict[str, int] = {}
    for name in municipalities.values():
        m = SUFFIX_RE.match(name)
        base = m.group(1).strip() if m else name
        bases[base] = bases.get(base, 0) + 1
    ambiguous = {b for b, n in bases.items() if n > 1}
    display = {code: display_municipality(n, ambiguous) for code, n in municipalities.items()}

    # (name, code) -> preference tuple; lower sorts first.
    best: dict[tuple[str, str], tuple[int, int]] = {}
    raw_rows = 0
    path = data_dir / "woonplaatsen.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        for line_no, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) < 5:
                fail(f"{path}:{line_no}: expected 5 columns, got {len(row)}")
            raw_rows += 1
            place, wp_code, postcodes, muni, province = (c.strip() for c in row[:5])
            if muni == "Haaren":
                code = HAAREN_BY_POSTCODE.get(postcodes[:4])
            elif muni in MERGED_INTO:
                code = MERGED_INTO[muni]
            else:
                cbs = RAW_MUNICIPALITY_ALIASES.get((muni, province)) or RAW_MUNICIPALITY_ALIASES.get(
                    (muni, None), muni
                )
                code = code_by_cbs_name.get(cbs)
            if code is None:
                fail(f"{path}:{line_no}: cannot resolve municipality {muni!r} ({province}) of {place!r}")
            names = clean_place(place)
            if not names:
                fail(f"{path}:{line_no}: no usable name in {place!r}")
            # Official woonplaatsen (with a code) first, then larger postcode ranges.
            pref = (0 if wp_code else 1, -postcode_span(postcodes))
            for name in names:
                key = (name, code)
                if key not in best or pref < best[key]:
                    best[key] = pref
    for name, code in EXTRA_PLACES:
        best.setdefault((name, code), (0, 0))

    places = sorted(best.items(), key=lambda kv: (sort_key(kv[0][0]), kv[1], kv[0][1], kv[0][0]))

    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "municipalities.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name"])
        for code in sorted(display):
            w.writerow([code, display[code]])
    with (out_dir / "places.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["name", "municipality_code"])
        for (name, code), _ in places:
            w.writerow([name, code])

    print(f"raw place rows read:   {raw_rows}")
    print(f"municipalities (2025): {len(display)}")
    print(f"places written:        {len(places)}")
    print(f"distinct place names:  {len({sort_key(n) for (n, _), _ in places})}")


if __name__ == "__main__":
    main()
