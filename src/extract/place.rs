//! Place lookup: resolves a place name or free ad text to places and their current municipality (CBS code).
//!
//! Names are compared on a key that ignores case, diacritics, spaces and punctuation
//! (`'s-Hertogenbosch` = `s Hertogenbosch`), with `aan de(n)`, `a/d` and `a.d.` read as one
//! word and `Sint` = `St.`. When several entries share a key, the first one added wins, in
//! this order:
//!
//! 1. municipality names, by code (`Hengelo` is the municipality GM0164, not the village in
//!    Bronckhorst; `Bergen` is Bergen (NH) GM0373, the lower code of the two Bergens);
//! 2. the aliases in `gazetteer/aliases.csv` (colloquial names such as `Den Bosch` and
//!    districts of big cities such as `Rotterdam-Zuid`);
//! 3. places in table order: `places.csv` lists, for a name several municipalities share,
//!    official woonplaatsen before hamlets and wider postcode ranges first;
//! 4. the short form of places named after their municipality (`Pernis Rotterdam` -> `Pernis`);
//! 5. foreign cities near the border, which resolve with no municipality code.
//!
//! Free text is scanned on word n-grams, the longest match first, with rules against
//! common words: see [`Gazetteer::find_in_text`].

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

use super::gazetteer::{self, Municipality, PlaceRow};
use super::Place;

/// Words after which a stoplisted name (`Best`, `Putten`) counts as a place.
const CONTEXT_WORDS: &[&str] = &[
    "in", "te", "uit", "bij", "nabij", "rond", "rondom", "regio", "omgeving", "omg", "vanuit",
    "naar", "gemeente",
];
/// Lower-case first words that may start a multi-word place name (`den Bosch`).
const PARTICLES: &[&str] = &["s", "t", "de", "den", "het", "ter", "ten", "st", "op"];
/// A one-word match ending like this and followed by a number is a street address.
const STREET_SUFFIXES: &[&str] = &[
    "straat", "weg", "laan", "plein", "kade", "gracht", "singel", "dreef", "steeg", "pad",
];
/// First words that make a place name on their own (`Nieuwe Pekela`), so that a name
/// ending in its municipality's name is not shortened to them.
const NAME_PREFIXES: &[&str] = &[
    "nieuw", "nieuwe", "oud", "oude", "boven", "beneden", "groot", "grote", "klein", "kleine",
    "hoog", "hoge", "laag", "lage", "noord", "zuid", "oost", "west", "midden", "st",
];
/// Longest n-gram tried in free text.
const MAX_NGRAM: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Municipality,
    /// A village, district, alias or foreign city.
    Place,
}

#[derive(Debug)]
struct Entry {
    name: String,
    code: Option<String>,
    kind: Kind,
}

/// The municipalities and the name index used for all lookups.
#[derive(Debug)]
pub struct Gazetteer {
    municipalities: Vec<Municipality>,
    by_code: HashMap<String, usize>,
    entries: Vec<Entry>,
    /// Key -> (entry, stoplisted: in free text only right after a context word).
    index: HashMap<String, (u32, bool)>,
    max_key_len: usize,
}

static EMBEDDED: LazyLock<Gazetteer> = LazyLock::new(|| {
    let (municipalities, places) = gazetteer::embedded();
    Gazetteer::new(municipalities, places)
});

impl Gazetteer {
    /// The gazetteer built from the embedded 2025 tables (built once, on first use).
    pub fn embedded() -> &'static Gazetteer {
        &EMBEDDED
    }

    /// Build the index from municipalities and places (e.g. from
    /// [`gazetteer::parse_cbs_csv`]). Places whose municipality is not in `municipalities`
    /// are left out; for a name shared by several places the earlier row wins.
    pub fn new(mut municipalities: Vec<Municipality>, places: Vec<PlaceRow>) -> Gazetteer {
        municipalities.sort_by(|a, b| a.code.cmp(&b.code));
        municipalities.dedup_by(|a, b| a.code == b.code);
        let by_code = municipalities
            .iter()
            .enumerate()
            .map(|(i, m)| (m.code.clone(), i));
        let stop = gazetteer::text_stoplist();
        let keys = |list: &[String]| list.iter().map(|s| normalize_key(s)).collect();
        let mut b = Builder {
            g: Gazetteer {
                by_code: by_code.collect(),
                municipalities,
                entries: Vec::new(),
                index: HashMap::new(),
                max_key_len: 0,
            },
            entry_ids: HashMap::new(),
            needs_context: keys(&stop.needs_context),
            never: keys(&stop.never),
        };
        let munis = b.g.municipalities.clone();
        for (m, full) in munis
            .iter()
            .map(|m| (m, true))
            .chain(munis.iter().map(|m| (m, false)))
        {
            let key = if full {
                m.name.as_str()
            } else {
                base_name(&m.name)
            };
            b.add(key, &m.name, Some(&m.code), Kind::Municipality);
        }
        let aliases = gazetteer::aliases();
        for a in &aliases {
            if let Some(code) = a
                .municipality_code
                .as_deref()
                .filter(|c| b.g.has_municipality(c))
            {
                b.add(&a.alias, &a.name, Some(code), Kind::Place);
            }
        }
        let places: Vec<&PlaceRow> = places
            .iter()
            .filter(|p| b.g.has_municipality(&p.municipality_code))
            .collect();
        for p in &places {
            b.add(&p.name, &p.name, Some(&p.municipality_code), Kind::Place);
        }
        for p in &places {
            let muni = base_name(
                b.g.municipality_name(&p.municipality_code)
                    .unwrap_or_default(),
            );
            let short = p
                .name
                .strip_suffix(muni)
                .and_then(|s| s.strip_suffix(' '))
                .map(str::trim);
            if let Some(short) = short.filter(|s| b.usable_short_form(s)) {
                b.add(short, short, Some(&p.municipality_code), Kind::Place);
            }
        }
        for a in aliases.iter().filter(|a| a.municipality_code.is_none()) {
            b.add(&a.alias, &a.name, None, Kind::Place);
        }
        b.g
    }

    /// The display name of a municipality (`GM0599` -> `Rotterdam`).
    pub fn municipality_name(&self, code: &str) -> Option<&str> {
        self.by_code
            .get(code)
            .map(|&i| self.municipalities[i].name.as_str())
    }

    /// All municipalities, by code.
    pub fn municipalities(&self) -> impl Iterator<Item = &Municipality> {
        self.municipalities.iter()
    }

    /// Whether `code` (`GM0599`) is a municipality of this gazetteer.
    pub fn has_municipality(&self, code: &str) -> bool {
        self.by_code.contains_key(code)
    }

    /// One place name (an ad's place field: `Rotterdam-Zuid`, `Den Bosch`, `Rhoon`) to
    /// the place and its current municipality; foreign cities get no code. `None` if the
    /// whole name is not known.
    pub fn lookup(&self, name: &str) -> Option<Place> {
        self.lookup_entry(name).map(|id| self.place(id))
    }

    fn lookup_entry(&self, name: &str) -> Option<u32> {
        self.index.get(normalize_key(name).as_str()).map(|h| h.0)
    }

    /// Places named in free (Dutch) ad text, in order of first mention, one per
    /// municipality (foreign cities one per name). Where a municipality is named both by
    /// its own name and by a village or district, the village or district is kept.
    ///
    /// Precision rules: the longest matching n-gram wins; a one-word match needs a capital
    /// and at least 3 letters; a longer match needs a capitalised last word and a
    /// capitalised or particle (`den`, `'s`) first word; names in `text_stoplist.txt`
    /// (`Best`, `Echt`, `Heel`) count only right after a context word (`in`, `te`,
    /// `regio`, …); a street-like word before a house number is an address.
    pub fn find_in_text(&self, text: &str) -> Vec<Place> {
        let mut ids = Vec::new();
        self.scan(text, true, &mut ids);
        self.collect(ids)
    }

    /// The places of an ad: its place field first (the whole field, or else the places
    /// named in it, capitals or not), then the places in its text; one per municipality.
    pub fn resolve(&self, place_field: Option<&str>, text: &str) -> Vec<Place> {
        let mut ids = Vec::new();
        if let Some(field) = place_field.map(str::trim).filter(|f| !f.is_empty()) {
            match self.lookup_entry(field) {
                Some(id) => ids.push(id),
                None => self.scan(field, false, &mut ids),
            }
        }
        self.scan(text, true, &mut ids);
        self.collect(ids)
    }

    fn place(&self, id: u32) -> Place {
        let e = &self.entries[id as usize];
        Place {
            name: e.name.clone(),
            municipality_code: e.code.clone(),
        }
    }

    /// Dedup by municipality (foreign: by name), upgrading a municipality to a more
    /// specific place in it.
    fn collect(&self, ids: Vec<u32>) -> Vec<Place> {
        let mut out: Vec<u32> = Vec::new();
        let mut seen: HashMap<(&str, bool), usize> = HashMap::new();
        for id in ids {
            let e = &self.entries[id as usize];
            let group = e
                .code
                .as_deref()
                .map_or((e.name.as_str(), false), |c| (c, true));
            match seen.get(&group) {
                Some(&pos) if self.entries[out[pos] as usize].kind == Kind::Municipality => {
                    if e.kind == Kind::Place {
                        out[pos] = id;
                    }
                }
                Some(_) => {}
                None => {
                    seen.insert(group, out.len());
                    out.push(id);
                }
            }
        }
        out.into_iter().map(|id| self.place(id)).collect()
    }

    /// Append the entries matched in `text`; `strict` applies the capitalisation rules.
    fn scan(&self, text: &str, strict: bool, out: &mut Vec<u32>) {
        let words = Words::new(text);
        let mut key = String::with_capacity(self.max_key_len);
        let mut i = 0;
        while i < words.len() {
            let mut best: Option<(usize, u32)> = None;
            key.clear();
            for n in 1..=MAX_NGRAM.min(words.len() - i) {
                if n > 1 && words.toks[i + n - 1].break_before {
                    break;
                }
                key.push_str(words.word(i + n - 1));
                if key.len() > self.max_key_len {
                    break;
                }
                if let Some(&(entry, stop)) = self.index.get(key.as_str()) {
                    if words.acceptable(i, n, stop, &key, strict) {
                        best = Some((n, entry));
                    }
                }
            }
            if let Some((n, hit)) = best {
                out.push(hit);
                i += n;
            } else {
                i += 1;
            }
        }
    }
}

/// A [`Gazetteer`] being built, with what only the build needs.
struct Builder {
    g: Gazetteer,
    entry_ids: HashMap<(String, Option<String>), u32>,
    needs_context: HashSet<String>,
    never: HashSet<String>,
}

impl Builder {
    /// Index `key_source` for the entry (`display`, `code`) unless its key is taken.
    fn add(&mut self, key_source: &str, display: &str, code: Option<&str>, kind: Kind) {
        let (words, g) = (Words::new(key_source), &mut self.g);
        let key = words.key();
        let blocked = kind != Kind::Municipality && self.never.contains(&key);
        if key.is_empty() || blocked || g.index.contains_key(&key) {
            return;
        }
        let (name, code) = (display.to_string(), code.map(str::to_string));
        let next = g.entries.len() as u32;
        let entry = *self
            .entry_ids
            .entry((name.clone(), code.clone()))
            .or_insert(next);
        if entry == next {
            g.entries.push(Entry { name, code, kind });
        }
        g.max_key_len = g.max_key_len.max(key.len());
        let needs_context = self.needs_context.contains(&key);
        g.index.insert(key, (entry, needs_context));
    }

    /// `Pernis` from `Pernis Rotterdam` is usable; `Nieuwe` from `Nieuwe Pekela` is not.
    fn usable_short_form(&self, short: &str) -> bool {
        let key = normalize_key(short);
        key.len() >= 4
            && !NAME_PREFIXES.contains(&key.as_str())
            && !self.needs_context.contains(&key)
    }
}

/// `Bergen (NH)` -> `Bergen`; names without a suffix unchanged.
fn base_name(name: &str) -> &str {
    match name.find(" (") {
        Some(i) if name.ends_with(')') => &name[..i],
        _ => name,
    }
}

/// The lookup key of a name: lower case, no diacritics, letters and digits only, with
/// `aan de(n)` as `ad` and `sint` as `st` (`Capelle a/d IJssel` -> `capelleadijssel`).
pub fn normalize_key(name: &str) -> String {
    Words::new(name).key()
}

/// Separators that may stand inside a place name; any other punctuation (and a line
/// break) ends a multi-word match.
const SOFT_SEPARATORS: &str = " \t-./'’‘`´\u{a0}\u{2010}\u{2011}";

/// One word of normalised text.
#[derive(Debug, Clone, Copy)]
struct Token {
    start: usize,
    end: usize,
    /// Replaces the normalised text (`aan de` -> `ad`, `sint` -> `st`).
    canon: Option<&'static str>,
    /// Starts with a capital letter or a digit in the original text.
    cap: bool,
    /// Punctuation other than [`SOFT_SEPARATORS`] came before it.
    break_before: bool,
}

impl Token {
    fn at(start: usize, cap: bool, break_before: bool) -> Token {
        Token {
            start,
            end: start,
            canon: None,
            cap,
            break_before,
        }
    }
}

/// Text split into normalised words.
struct Words {
    norm: String,
    toks: Vec<Token>,
}

impl Words {
    fn new(text: &str) -> Words {
        let mut w = Words {
            norm: String::with_capacity(text.len()),
            toks: Vec::new(),
        };
        let (mut in_token, mut hard) = (false, false);
        for c in text.chars() {
            let start = w.norm.len();
            match fold_char(c, &mut w.norm) {
                Some(true) => {
                    if !in_token {
                        let cap = c.is_uppercase() || c.is_numeric();
                        w.toks.push(Token::at(start, cap, hard));
                        (in_token, hard) = (true, false);
                    }
                    let t = w.toks.last_mut().expect("a token was pushed");
                    t.end = w.norm.len();
                }
                Some(false) => {}
                None => {
                    in_token = false;
                    hard |= !(SOFT_SEPARATORS.contains(c)
                        || c.is_whitespace() && c != '\n' && c != '\r');
                }
            }
        }
        w.canonicalize();
        w
    }

    /// `aan de(n)` -> `ad`, `sint` -> `st`.
    fn canonicalize(&mut self) {
        let (mut w, mut r) = (0, 0);
        while r < self.toks.len() {
            let mut t = self.toks[r];
            match &self.norm[t.start..t.end] {
                "sint" => t.canon = Some("st"),
                "aan" => {
                    if let Some(next) = self.toks.get(r + 1).filter(|n| !n.break_before) {
                        if matches!(&self.norm[next.start..next.end], "de" | "den") {
                            t.canon = Some("ad");
                            r += 1;
                        }
                    }
                }
                _ => {}
            }
            self.toks[w] = t;
            (w, r) = (w + 1, r + 1);
        }
        self.toks.truncate(w);
    }

    fn len(&self) -> usize {
        self.toks.len()
    }

    fn word(&self, i: usize) -> &str {
        let t = &self.toks[i];
        t.canon.unwrap_or(&self.norm[t.start..t.end])
    }

    fn key(&self) -> String {
        (0..self.len()).map(|i| self.word(i)).collect()
    }

    /// The precision rules of [`Gazetteer::find_in_text`] for words `i..i + n`.
    fn acceptable(&self, i: usize, n: usize, stop: bool, key: &str, strict: bool) -> bool {
        let (first, last) = (&self.toks[i], &self.toks[i + n - 1]);
        if n == 1 && key.len() < 3 {
            return false;
        }
        if strict && !(last.cap && (first.cap || PARTICLES.contains(&self.word(i)))) {
            return false;
        }
        let after_context =
            i > 0 && !first.break_before && CONTEXT_WORDS.contains(&self.word(i - 1));
        if stop && !after_context {
            return false;
        }
        let address = n == 1
            && STREET_SUFFIXES.iter().any(|s| key.ends_with(s))
            && (i + 1 < self.len() && !self.toks[i + 1].break_before)
            && self.word(i + 1).starts_with(|c: char| c.is_ascii_digit());
        !address
    }
}

/// Append the folded form of `c` (lower case, no diacritics) to `out`: `Some(true)` for
/// letters and digits, `Some(false)` for combining marks and invisible characters
/// (ignored inside a word), `None` for a separator.
fn fold_char(c: char, out: &mut String) -> Option<bool> {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
            .then(|| out.push(c.to_ascii_lowercase()))?;
        return Some(true);
    }
    const SPECIAL: &str = "ßss æae Æae œoe Œoe øo Øo łl Łl đd Đd ıi ĳij Ĳij";
    if let Some(e) = SPECIAL.split(' ').find(|e| e.starts_with(c)) {
        out.push_str(&e[c.len_utf8()..]);
        return Some(true);
    }
    let invisible = matches!(
        c,
        '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}'
    );
    if invisible || is_combining_mark(c) {
        return Some(false);
    }
    let before = out.len();
    decompose_canonical(c, |d| {
        if !is_combining_mark(d) {
            out.extend(d.to_lowercase().filter(|l| l.is_alphanumeric()));
        }
    });
    (out.len() > before).then_some(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g() -> &'static Gazetteer {
        Gazetteer::embedded()
    }

    fn code(name: &str) -> Option<String> {
        g().lookup(name).and_then(|p| p.municipality_code)
    }

    /// `Name=GMxxxx, …` (`-` for no code).
    fn show(places: &[Place]) -> String {
        let one = |p: &Place| {
            format!(
                "{}={}",
                p.name,
                p.municipality_code.as_deref().unwrap_or("-")
            )
        };
        places.iter().map(one).collect::<Vec<_>>().join(", ")
    }

    #[test]
    fn keys_ignore_case_diacritics_and_punctuation() {
        assert_eq!(
            normalize_key("'s-Hertogenbosch"),
            normalize_key("s Hertogenbosch")
        );
        assert_eq!(normalize_key("Capelle a/d IJssel"), "capelleadijssel");
        assert_eq!(
            normalize_key("Alphen a.d. Rijn"),
            normalize_key("Alphen aan den Rijn")
        );
        assert_eq!(
            normalize_key("St. Oedenrode"),
            normalize_key("Sint-Oedenrode")
        );
        assert_eq!(
            normalize_key("Nue\u{308}nen Düßeldorf Ĳssel\u{ad}stein"),
            "nuenendusseldorfijsselstein"
        );
    }

    #[test]
    fn lookup_examples_and_mergers() {
        let table = "GM0613 Rhoon | GM0599 Hoogvliet, Rotterdam-Zuid, Delfshaven, Pernis
            | GM0518 Scheveningen, Den Haag, 's-Gravenhage, The Hague | GM0344 Utrecht Overvecht
            | GM0363 Amsterdam-Noord, Amsterdam-Zuidoost, Bijlmer, Weesp | GM1992 Hellevoetsluis, Brielle
            | GM0796 s-Hertogenbosch, 's-Hertogenbosch, Den Bosch, den  bosch, DEN BOSCH
            | GM0502 Capelle a/d IJssel, Capelle aan den IJssel | GM0484 Alphen a/d Rijn
            | GM0748 Bergen op Zoom | GM0439 Beemster, Zuidoost-Beemster, Zuidoostbeemster
            | GM1900 Súdwest-Fryslân, Sudwest Fryslan | GM1681 1e Exloërmond, 2e Exloermond
            | GM0080 Grou, Grouw, Ljouwert | GM1970 Aalsum, Ealsum | GM1979 Delfzijl
            | GM1980 Heerhugowaard | GM1991 Uden | GM1982 Cuijk | GM0824 Haaren | GM0865 Helvoirt
            | GM0855 Biezenmortel | GM0757 Esch | GM0164 Hengelo | GM0537 Katwijk | GM0893 Bergen (L.), Bergen L";
        for group in table.split('|') {
            let (gm, names) = group.trim().split_once(' ').unwrap();
            for name in names.split(", ") {
                assert_eq!(code(name).as_deref(), Some(gm), "{name}");
            }
        }
        assert_eq!(code("Gibberish"), None);
        assert_eq!(g().lookup("Bergen").unwrap().name, "Bergen (NH)");
        assert_eq!(g().lookup("Den Bosch").unwrap().name, "'s-Hertogenbosch");
    }

    #[test]
    fn municipality_table_and_foreign_places() {
        assert_eq!(g().municipalities().count(), 342);
        assert_eq!(g().municipality_name("GM0599"), Some("Rotterdam"));
        assert!(g().has_municipality("GM1992") && !g().has_municipality("GM0457"));
        let p = g().lookup("Antwerpen").unwrap();
        assert_eq!((p.name.as_str(), p.municipality_code), ("Antwerpen", None));
        let text = "Ook in Keulen en Venlo. Niet in Nederland of Polen.";
        assert_eq!(
            show(&g().resolve(Some("Düsseldorf"), text)),
            "Düsseldorf=-, Keulen=-, Venlo=GM0983"
        );
    }

    #[test]
    fn text_scan_finds_places_in_order() {
        let t = "Nieuw in Rotterdam! Ik ontvang in Hoogvliet, ook escort naar Capelle a/d IJssel en Den Bosch.";
        let want = "Hoogvliet=GM0599, Capelle aan den IJssel=GM0502, 's-Hertogenbosch=GM0796";
        assert_eq!(show(&g().find_in_text(t)), want);
        let t = "Bezoek mij in Best of regio Putten. Best service!";
        assert_eq!(show(&g().find_in_text(t)), "Best=GM0753, Putten=GM0273");
    }

    #[test]
    fn text_scan_ignores_common_words() {
        for t in [
            "Echt waar, de beste service. Heel lief en Best geprijsd! Bel nu. Wie ben ik? Raam open.",
            "Lange haren, Haren blond. Even bellen: Molenstraat 12. Dieren welkom. Noord of Zuid?",
            "ik woon in rotterdam en den haag (kleine letters)",
            "Een Dorp, Eind goed al goed. Zeeland en Brabant zijn mooi. BEL NU VOOR EEN AFSPRAAK",
            "EEN NIEUWE MEID!!! Dames uit Polen. Echt de Beste van Nederland. Boven op de Berg, Het Veen.",
        ] {
            assert_eq!(g().find_in_text(t), [], "{t}");
        }
    }

    #[test]
    fn resolve_puts_the_place_field_first_and_dedups() {
        let text = "Escort in Rotterdam en Scheveningen. Ook Rotterdam-Zuid.";
        assert_eq!(
            show(&g().resolve(Some("Den Haag"), text)),
            "Den Haag=GM0518, Rotterdam-Zuid=GM0599"
        );
        assert_eq!(
            show(&g().resolve(Some("regio utrecht"), "")),
            "Utrecht=GM0344"
        );
        assert_eq!(show(&g().resolve(Some("Best"), "")), "Best=GM0753");
        assert_eq!(show(&g().resolve(Some("Heel Nederland"), "  ")), "");
    }

    #[test]
    fn imported_tables_work() {
        let muni = |c: &str, n: &str| Municipality {
            code: c.into(),
            name: n.into(),
        };
        let row = |n: &str, c: &str| PlaceRow {
            name: n.into(),
            municipality_code: c.into(),
        };
        let munis = vec![muni("GM0599", "Rotterdam"), muni("GM0765", "Pekela")];
        let rows = ["Pernis Rotterdam", "Nieuwe Pekela", "Nergens"];
        let places = rows
            .iter()
            .zip(["GM0599", "GM0765", "GM9999"])
            .map(|(n, c)| row(n, c));
        let g = Gazetteer::new(munis, places.collect());
        // Short forms of names ending in their municipality; aliases where it exists.
        assert_eq!(
            show(&g.resolve(Some("Pernis"), "Ook in Hoogvliet.")),
            "Pernis=GM0599"
        );
        for none in ["Nieuwe", "Nergens", "Den Bosch"] {
            assert_eq!(g.lookup(none), None, "{none}");
        }
    }

    #[test]
    fn text_scan_is_fast_enough() {
        let chunk =
            "Nieuw in Rotterdam! Lieve dame ontvangt in Hoogvliet, ook escort naar Capelle a/d \
                     IJssel. Bel of app voor een afspraak, ook in het weekend. ";
        let text = chunk.repeat(1 << 13); // ~1.3 MB
        let start = std::time::Instant::now();
        assert_eq!(
            show(&g().find_in_text(&text)),
            "Hoogvliet=GM0599, Capelle aan den IJssel=GM0502"
        );
        // Unoptimised test builds are slow; this only catches pathological behaviour.
        assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());
    }
}
