//! The gazetteer tables: the embedded municipalities, places, aliases and text stoplist, and the parser for an official CBS export.
//!
//! The embedded tables live in `gazetteer/` (see its README): `municipalities.csv` and
//! `places.csv` on the municipal boundaries of [`EMBEDDED_VINTAGE`], built by
//! `tools/build_gazetteer.py`; `aliases.csv` (colloquial names, big-city districts,
//! neighbouring foreign cities) and `text_stoplist.txt` (place names that are also common
//! words). [`parse_cbs_csv`] reads a "Woonplaatsen in Nederland" export from CBS StatLine
//! (or a simpler CSV with the same content) for `webwacht places import FILE`.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

/// The municipal boundaries the embedded tables describe.
pub const EMBEDDED_VINTAGE: &str = "2025-01-01";

const MUNICIPALITIES_CSV: &str = include_str!("../../gazetteer/municipalities.csv");
const PLACES_CSV: &str = include_str!("../../gazetteer/places.csv");
const ALIASES_CSV: &str = include_str!("../../gazetteer/aliases.csv");
const TEXT_STOPLIST: &str = include_str!("../../gazetteer/text_stoplist.txt");

/// A municipality: CBS code (`GM0599`) and display name (`Rotterdam`, `Bergen (NH)`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Municipality {
    pub code: String,
    pub name: String,
}

/// A place (woonplaats, village or hamlet) and the code of its municipality.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PlaceRow {
    pub name: String,
    pub municipality_code: String,
}

/// An extra name: a colloquial name or district (`Den Bosch`, `Hoogvliet`) with the
/// display name it stands for, or a foreign city (`municipality_code` is `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alias {
    pub alias: String,
    pub name: String,
    pub municipality_code: Option<String>,
}

/// Place names that are also common words, from `gazetteer/text_stoplist.txt`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextStoplist {
    /// Matched in free text only right after a place word (`in Best`).
    pub needs_context: Vec<String>,
    /// Never a place on its own (provinces, regions, compass words).
    pub never: Vec<String>,
}

/// Why a CBS export could not be read. Every variant names the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GazetteerError {
    #[error("{file}:1: geen kolom voor {} in de kopregel (gezocht: {wanted})", dutch(.column))]
    MissingColumn {
        file: String,
        column: &'static str,
        wanted: &'static str,
    },
    #[error("{file}:{line}: ongeldige gemeentecode {value:?} (verwacht GM gevolgd door hoogstens 4 cijfers, of alleen de cijfers)")]
    BadMunicipalityCode {
        file: String,
        line: u64,
        value: String,
    },
    #[error("{file}:{line}: lege naam voor {}", dutch(.field))]
    EmptyName {
        file: String,
        line: u64,
        field: &'static str,
    },
    #[error("{file}: bevat geen rijen")]
    NoRows { file: String },
    #[error("{file}:{line}: onleesbare CSV: {message}")]
    Csv {
        file: String,
        line: u64,
        message: String,
    },
}

/// Dutch names of the columns and fields the errors mention.
fn dutch(what: &str) -> &str {
    match what {
        "place" => "woonplaats",
        "municipality" => "gemeente",
        "municipality code" => "gemeentecode",
        "municipality name" => "gemeentenaam",
        other => other,
    }
}

/// The embedded municipalities (sorted by code) and places (in file order: for a name
/// shared by several municipalities the likeliest comes first).
pub fn embedded() -> (Vec<Municipality>, Vec<PlaceRow>) {
    (
        read_embedded(MUNICIPALITIES_CSV, "municipalities.csv"),
        read_embedded(PLACES_CSV, "places.csv"),
    )
}

fn read_embedded<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Vec<T> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .unwrap_or_else(|e| panic!("embedded gazetteer/{what} is malformed: {e}"))
}

/// The embedded aliases (`gazetteer/aliases.csv`), in file order.
pub fn aliases() -> Vec<Alias> {
    #[derive(Deserialize)]
    struct Row {
        alias: String,
        name: String,
        municipality_code: String,
    }
    read_embedded::<Row>(ALIASES_CSV, "aliases.csv")
        .into_iter()
        .map(|r| Alias {
            alias: r.alias,
            name: r.name,
            municipality_code: Some(r.municipality_code).filter(|c| !c.is_empty()),
        })
        .collect()
}

/// The embedded text stoplist (`gazetteer/text_stoplist.txt`).
pub fn text_stoplist() -> TextStoplist {
    let mut list = TextStoplist::default();
    for line in TEXT_STOPLIST.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.strip_prefix('!') {
            Some(name) => list.never.push(name.trim().to_string()),
            None => list.needs_context.push(line.to_string()),
        }
    }
    list
}

/// `GM0599`, `gm599`, `0599` or `599` to `GM0599`; `None` if it is not such a code.
pub fn normalize_municipality_code(value: &str) -> Option<String> {
    let v = value.trim();
    let digits = match v.get(..2) {
        Some(p) if p.eq_ignore_ascii_case("GM") => &v[2..],
        _ => v,
    };
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u32 = digits.parse().ok()?;
    (n > 0).then(|| format!("GM{n:04}"))
}

/// Display names for a set of CBS municipality names: `s-Gravenhage` gets its apostrophe
/// back, a province suffix stays only where the base name is shared (`Bergen (NH.)` ->
/// `Bergen (NH)`, but `Hengelo (O.)` -> `Hengelo`), `Utrecht (gemeente)` -> `Utrecht`.
pub fn municipality_display_names(names: &[&str]) -> Vec<String> {
    let split: Vec<(String, Option<String>)> = names.iter().map(|n| split_suffix(n)).collect();
    let mut base_count: HashMap<&str, usize> = HashMap::new();
    for (base, _) in &split {
        *base_count.entry(base.as_str()).or_default() += 1;
    }
    split
        .iter()
        .map(|(base, suffix)| match suffix {
            Some(s) if base_count[base.as_str()] > 1 && !s.eq_ignore_ascii_case("gemeente") => {
                format!("{base} ({s})")
            }
            _ => base.clone(),
        })
        .collect()
}

/// `Bergen (NH.)` -> (`Bergen`, `NH`); also restores a lost leading apostrophe.
fn split_suffix(name: &str) -> (String, Option<String>) {
    let name = restore_apostrophe(name.trim());
    if let Some(open) = name.rfind(" (").or_else(|| name.rfind('(')) {
        if name.ends_with(')') && open > 0 {
            let suffix = name[open..]
                .trim()
                .trim_start_matches('(')
                .trim_end_matches(')');
            let suffix = suffix.trim().trim_end_matches('.').trim();
            return (name[..open].trim().to_string(), Some(suffix.to_string()));
        }
    }
    (name, None)
}

/// `s-Gravenhage`, `s Gravenmoer`, `t Harde` lost their apostrophe in some exports.
fn restore_apostrophe(name: &str) -> String {
    let b = name.as_bytes();
    if b.len() > 2 && (b[0] == b's' || b[0] == b't') && (b[1] == b'-' || b[1] == b' ') {
        format!("'{name}")
    } else {
        name.to_string()
    }
}

/// Read an official CBS "Woonplaatsen in Nederland" export (StatLine CSV: semicolons,
/// quoted and padded values, columns `Woonplaatsen;Naam_1;Code_2;Naam_3;Code_4;…`) or a
/// simpler CSV with columns such as `Woonplaats,Gemeentenaam,Gemeentecode`. The delimiter
/// (`;`, `,` or tab) and the columns come from the header; up to nine title lines above
/// the header are skipped. `name` is the file name used in errors.
pub fn parse_cbs_csv(
    name: &str,
    bytes: &[u8],
) -> Result<(Vec<Municipality>, Vec<PlaceRow>), GazetteerError> {
    let file = name.to_string();
    let text = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(detect_delimiter(&text))
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| GazetteerError::Csv {
            file: file.clone(),
            line: e.position().map_or(0, |p| p.line()),
            message: e.to_string(),
        })?;
        if record.iter().any(|c| !c.is_empty()) {
            let line = record.position().map_or(0, |p| p.line());
            rows.push((line, record.iter().map(str::to_string).collect()));
        }
    }
    let head = rows
        .iter()
        .take(10)
        .position(|(_, r)| Columns::is_header(r));
    let Some(head) = head else {
        let has_place = rows.iter().take(10).any(|(_, r)| Columns::has_place(r));
        return Err(missing(
            &file,
            if has_place {
                "municipality code"
            } else {
                "place"
            },
        ));
    };
    let data = &rows[head + 1..];
    let Some((_, first)) = data.first() else {
        return Err(GazetteerError::NoRows { file });
    };
    let cols = Columns::find(&rows[head].1, first).map_err(|column| missing(&file, column))?;

    let (mut munis, mut places) = (Vec::<(String, String)>::new(), Vec::new());
    let (mut muni_seen, mut place_seen) = (HashSet::new(), HashSet::new());
    for (line, row) in data {
        let cell = |i: usize| row.get(i).map_or("", String::as_str);
        let empty = |field| GazetteerError::EmptyName {
            file: file.clone(),
            line: *line,
            field,
        };
        let code = normalize_municipality_code(cell(cols.code)).ok_or_else(|| {
            let value = cell(cols.code).to_string();
            GazetteerError::BadMunicipalityCode {
                file: file.clone(),
                line: *line,
                value,
            }
        })?;
        let (place, muni) = (cell(cols.place), cell(cols.name));
        if place.is_empty() {
            return Err(empty("place"));
        }
        if muni.is_empty() {
            return Err(empty("municipality"));
        }
        if muni_seen.insert(code.clone()) {
            munis.push((code.clone(), muni.to_string()));
        }
        for part in place.split(" / ").map(str::trim).filter(|p| !p.is_empty()) {
            let name = restore_apostrophe(part);
            if place_seen.insert((name.clone(), code.clone())) {
                places.push(PlaceRow {
                    name,
                    municipality_code: code.clone(),
                });
            }
        }
    }
    munis.sort();
    let raw: Vec<&str> = munis.iter().map(|(_, n)| n.as_str()).collect();
    let display = municipality_display_names(&raw);
    let munis = munis.into_iter().zip(display);
    Ok((
        munis
            .map(|((code, _), name)| Municipality { code, name })
            .collect(),
        places,
    ))
}

fn missing(file: &str, column: &'static str) -> GazetteerError {
    let wanted = match column {
        "place" => "Naam_1, Woonplaats, Woonplaatsnaam, Plaats",
        "municipality code" => "Gemeentecode, of een kolom Code_N met GM-codes",
        _ => "Gemeentenaam, Gemeente, of de kolom Naam_N vóór de code",
    };
    GazetteerError::MissingColumn {
        file: file.to_string(),
        column,
        wanted,
    }
}

/// UTF-8 (with or without BOM), else Windows-1252 (older StatLine downloads).
fn decode(bytes: &[u8]) -> String {
    const HIGH: &str = "€\u{81}‚ƒ„…†‡ˆ‰Š‹Œ\u{8D}Ž\u{8F}\u{90}‘’“”•–—˜™š›œ\u{9D}žŸ";
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes
            .iter()
            .map(|&b| match b {
                0x80..=0x9F => HIGH.chars().nth(usize::from(b - 0x80)).unwrap_or('?'),
                _ => char::from(b),
            })
            .collect(),
    }
}

/// The most frequent of `;`, `,` and tab (outside quotes) in the first ten non-empty lines.
fn detect_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    for line in text.lines().filter(|l| !l.trim().is_empty()).take(10) {
        let mut quoted = false;
        for c in line.chars() {
            match c {
                '"' => quoted = !quoted,
                ';' if !quoted => counts[0] += 1,
                ',' if !quoted => counts[1] += 1,
                '\t' if !quoted => counts[2] += 1,
                _ => {}
            }
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [b';', b',', b'\t'][best]
}

/// The positions of the place, municipality code and municipality name columns.
struct Columns {
    place: usize,
    code: usize,
    name: usize,
}

impl Columns {
    const PLACE: [&'static str; 6] = [
        "woonplaatsnaam",
        "woonplaats",
        "naam1",
        "plaatsnaam",
        "plaats",
        "woonplaatsen",
    ];
    const CODE: [&'static str; 4] = ["gemeentecode", "gemcode", "codegemeente", "cbscode"];
    const NAME: [&'static str; 4] = ["gemeentenaam", "gemeente", "naamgemeente", "gemnaam"];

    /// Header cells as keys: `Naam_1` -> `naam1`.
    fn keys(cells: &[String]) -> Vec<String> {
        let key = |c: &String| {
            c.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
        };
        cells.iter().map(|c| key(c).to_ascii_lowercase()).collect()
    }

    fn has_place(cells: &[String]) -> bool {
        Self::keys(cells)
            .iter()
            .any(|k| Self::PLACE.contains(&k.as_str()))
    }

    /// A header row: a place column and a code column (named, or StatLine's `Code_N`).
    fn is_header(cells: &[String]) -> bool {
        let keys = Self::keys(cells);
        Self::has_place(cells)
            && keys
                .iter()
                .any(|k| Self::CODE.contains(&k.as_str()) || numbered(k, "code").is_some())
    }

    /// Named columns first; else StatLine's: the first `Code_N` that holds a `GM` code in
    /// the first data row (else `Code_4`), with the municipality name in `Naam_{N-1}`.
    fn find(header: &[String], first_row: &[String]) -> Result<Columns, &'static str> {
        let keys = Self::keys(header);
        let pos = |wanted: &[&str]| wanted.iter().find_map(|w| keys.iter().position(|k| k == w));
        let place = pos(&Self::PLACE).ok_or("place")?;
        let mut name = pos(&Self::NAME);
        let code = match pos(&Self::CODE) {
            Some(c) => c,
            None => {
                let codes: Vec<(usize, u32)> = keys
                    .iter()
                    .enumerate()
                    .filter_map(|(i, k)| Some((i, numbered(k, "code")?)))
                    .collect();
                let is_gm = |v: &String| v.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("GM"));
                let gm = |&&(i, _): &&(usize, u32)| first_row.get(i).is_some_and(is_gm);
                let &(c, n) = codes
                    .iter()
                    .find(gm)
                    .or_else(|| codes.iter().find(|&&(_, n)| n == 4))
                    .ok_or("municipality code")?;
                if name.is_none() {
                    name = keys
                        .iter()
                        .position(|k| numbered(k, "naam") == Some(n.wrapping_sub(1)));
                }
                c
            }
        };
        let name = name.ok_or("municipality name")?;
        Ok(Columns { place, code, name })
    }
}

/// `code4` with prefix `code` -> 4.
fn numbered(key: &str, prefix: &str) -> Option<u32> {
    key.strip_prefix(prefix)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn muni(code: &str, name: &str) -> Municipality {
        Municipality {
            code: code.into(),
            name: name.into(),
        }
    }

    #[test]
    fn embedded_tables_are_the_2025_set() {
        let (munis, places) = embedded();
        let codes: HashSet<&str> = munis.iter().map(|m| m.code.as_str()).collect();
        assert_eq!((munis.len(), codes.len()), (342, 342));
        assert!(places.len() > 6000);
        for p in &places {
            assert!(codes.contains(p.municipality_code.as_str()), "{p:?}");
            assert!(!p.name.contains('?') && !p.name.contains(" / "), "{p:?}");
        }
        for gone in ["GM0457", "GM0530", "GM0788", "GM0856"] {
            assert!(!codes.contains(gone), "{gone} was dissolved");
        }
        for m in [
            muni("GM0373", "Bergen (NH)"),
            muni("GM0893", "Bergen (L)"),
            muni("GM0164", "Hengelo"),
        ]
        .into_iter()
        .chain([
            muni("GM0518", "'s-Gravenhage"),
            muni("GM1992", "Voorne aan Zee"),
        ]) {
            assert!(munis.contains(&m), "{m:?}");
        }
    }

    #[test]
    fn aliases_and_stoplist_load() {
        let a = aliases();
        let code = |n: &str| {
            a.iter()
                .find(|a| a.alias == n)
                .map(|a| a.municipality_code.clone())
        };
        assert_eq!(code("Den Bosch"), Some(Some("GM0796".to_string())));
        assert_eq!(code("Antwerpen"), Some(None));
        let s = text_stoplist();
        assert!(s.needs_context.iter().any(|w| w == "best"));
        assert!(s.never.iter().any(|w| w == "zeeland"));
    }

    #[test]
    fn codes_and_display_names_normalise() {
        let code = |v: &str| normalize_municipality_code(v);
        assert_eq!(
            [code("GM0599"), code(" gm599 "), code("34")],
            [
                Some("GM0599".into()),
                Some("GM0599".into()),
                Some("GM0034".into())
            ]
        );
        for bad in ["", "GM", "GM12345", "XX0599", "GM05a9", "0000", "GMé1"] {
            assert_eq!(code(bad), None, "{bad}");
        }
        let names = [
            "Bergen (NH.)",
            "Bergen (L.)",
            "Hengelo (O.)",
            "s-Gravenhage",
            "Utrecht (gemeente)",
        ];
        let want = [
            "Bergen (NH)",
            "Bergen (L)",
            "Hengelo",
            "'s-Gravenhage",
            "Utrecht",
        ];
        assert_eq!(municipality_display_names(&names), want);
    }

    #[test]
    fn statline_layout() {
        let csv = r#""ID";"Woonplaatsen";"Naam_1";"Code_2";"Naam_3";"Code_4";"Naam_5";"Code_6"
"0";"WP3086    ";"Rotterdam         ";"3086  ";"Rotterdam        ";"GM0599    ";"Zuid-Holland ";"PV28  "
"1";"WP2137    ";"Hellevoetsluis    ";"2137  ";"Voorne aan Zee   ";"GM1992    ";"Zuid-Holland ";"PV28  "
"2";"WP1245    ";"'s-Gravenhage     ";"1245  ";"'s-Gravenhage    ";"GM0518    ";"Zuid-Holland ";"PV28  "
"3";"WP0001    ";"Bergen            ";"0001  ";"Bergen (NH.)     ";"GM0373    ";"Noord-Holland";"PV27  "
"4";"WP0002    ";"Bergen            ";"0002  ";"Bergen (L.)      ";"GM0893    ";"Limburg      ";"PV31  "
"#;
        let (munis, places) = parse_cbs_csv("woonplaatsen.csv", csv.as_bytes()).unwrap();
        assert_eq!(munis.len(), 5);
        assert!(munis.contains(&muni("GM1992", "Voorne aan Zee")));
        assert!(munis.contains(&muni("GM0373", "Bergen (NH)")));
        assert_eq!(places.len(), 5);
        let want = PlaceRow {
            name: "Hellevoetsluis".into(),
            municipality_code: "GM1992".into(),
        };
        assert_eq!(places[1], want);
    }

    #[test]
    fn simple_layouts_title_lines_bom_and_windows_1252() {
        let csv = "\u{feff}Woonplaatsen 2025\n\nWoonplaats,Gemeentenaam,Gemeentecode\nRhoon, Albrandswaard ,613\n\
                   Aalsum / Ealsum,Noardeast-Fryslân,GM1970\nRhoon,Albrandswaard,0613\n";
        let (munis, places) = parse_cbs_csv("wp.csv", csv.as_bytes()).unwrap();
        assert_eq!(
            munis,
            [
                muni("GM0613", "Albrandswaard"),
                muni("GM1970", "Noardeast-Fryslân")
            ]
        );
        let names: Vec<&str> = places.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Rhoon", "Aalsum", "Ealsum"]);

        let bytes =
            b"Woonplaats;Gemeente;Gemeentecode\nNu\xEBnen;Nuenen, Gerwen en Nederwetten;GM0820\n";
        let (munis, places) = parse_cbs_csv("x.csv", bytes).unwrap();
        assert_eq!(places[0].name, "Nuënen");
        assert_eq!(munis[0].name, "Nuenen, Gerwen en Nederwetten");
    }

    #[test]
    fn errors_name_file_row_and_problem() {
        let cases: [(&[u8], &str); 7] = [
            (b"Woonplaats;Gemeentenaam\nRhoon;Albrandswaard\n", "f.csv:1: geen kolom voor gemeentecode in de kopregel (gezocht: Gemeentecode, of een kolom Code_N met GM-codes)"),
            (b"Woonplaats;Gemeentecode\nRhoon;GM0613\n", "f.csv:1: geen kolom voor gemeentenaam in de kopregel (gezocht: Gemeentenaam, Gemeente, of de kolom Naam_N vóór de code)"),
            (b"Gemeentenaam;Gemeentecode\nAlbrandswaard;GM0613\n", "f.csv:1: geen kolom voor woonplaats in de kopregel (gezocht: Naam_1, Woonplaats, Woonplaatsnaam, Plaats)"),
            (b"Woonplaats;Gemeentenaam;Gemeentecode\nRhoon;Albrandswaard;GM0613\nX;Y;G0613\n", "f.csv:3: ongeldige gemeentecode \"G0613\" (verwacht GM gevolgd door hoogstens 4 cijfers, of alleen de cijfers)"),
            (b"Woonplaats,Gemeentenaam,Gemeentecode\n,Albrandswaard,613\n", "f.csv:2: lege naam voor woonplaats"),
            (b"Woonplaats,Gemeentenaam,Gemeentecode\nRhoon,,613\n", "f.csv:2: lege naam voor gemeente"),
            (b"Woonplaats,Gemeentenaam,Gemeentecode\n\n", "f.csv: bevat geen rijen"),
        ];
        for (input, want) in cases {
            assert_eq!(parse_cbs_csv("f.csv", input).unwrap_err().to_string(), want);
        }
        let err = parse_cbs_csv("f.csv", b"").unwrap_err();
        assert!(
            matches!(
                err,
                GazetteerError::MissingColumn {
                    column: "place",
                    ..
                }
            ),
            "{err}"
        );
    }
}
