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
//!    official woonplaatsen before hamlets and wider postcode ranges first; the prior of
//!    `gazetteer/ambiguous_places.csv` (the most populous) goes before them, and in an ad
//!    the ad's context chooses among them (see [`shared_names`]);
//! 4. the short form of places named after their municipality (`Pernis Rotterdam` -> `Pernis`);
//! 5. foreign cities near the border, which resolve with no municipality code.
//!
//! Free text is scanned on word n-grams, the longest match first, with rules against
//! common words: see [`Gazetteer::find_in_text`].

mod scan;
mod shared_names;

use std::collections::{HashMap, HashSet};

use rustc_hash::FxHashMap;
use std::sync::LazyLock;

use super::gazetteer::{self, Municipality, PlaceRow};
use super::Place;
use scan::Words;
use shared_names::Geography;

/// First words that make a place name on their own (`Nieuwe Pekela`), so that a name
/// ending in its municipality's name is not shortened to them.
const NAME_PREFIXES: &[&str] = &[
    "nieuw", "nieuwe", "oud", "oude", "boven", "beneden", "groot", "grote", "klein", "kleine",
    "hoog", "hoge", "laag", "lage", "noord", "zuid", "oost", "west", "midden", "st",
];

/// What an n-gram key is in the name index (see [`Gazetteer::ngrams`]).
#[derive(Debug, Default, Clone, Copy)]
struct Ngram {
    /// `(entry, stoplisted)` when the key is a name.
    hit: Option<(u32, bool)>,
    /// The key is a proper prefix of a name.
    prefix: bool,
}

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
    by_code: FxHashMap<String, usize>,
    entries: Vec<Entry>,
    /// Key -> (entry, stoplisted: in free text only right after a context word).
    /// FxHash: the text scan looks up every word n-gram, SipHash showed in profiles.
    index: FxHashMap<String, (u32, bool)>,
    /// For the text scan, one lookup per n-gram: every key of `index` and every proper
    /// prefix of one, with the entry where it is a key and whether it is a prefix (the
    /// scan stops growing an n-gram as soon as it can no longer become a name).
    ngrams: FxHashMap<Box<str>, Ngram>,
    max_key_len: usize,
    /// Entry -> all candidates of its name (itself, the prior, first) for a name that
    /// places in several municipalities share: see [`shared_names`].
    shared: FxHashMap<u32, Box<[u32]>>,
    geography: Geography,
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
                index: FxHashMap::default(),
                ngrams: FxHashMap::default(),
                max_key_len: 0,
                shared: FxHashMap::default(),
                geography: Geography::embedded(),
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
        let taken: HashSet<String> = b.g.index.keys().cloned().collect();
        for p in &places {
            b.add(&p.name, &p.name, Some(&p.municipality_code), Kind::Place);
        }
        b.share_names(&places, &taken);
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
        let mut g = b.g;
        for (key, &hit) in &g.index {
            g.ngrams.entry(key.as_str().into()).or_default().hit = Some(hit);
            for (end, _) in key.char_indices().skip(1) {
                g.ngrams.entry(key[..end].into()).or_default().prefix = true;
            }
        }
        g
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

    /// The municipality a register file names by name: a municipality's own name
    /// (`'s-Gravenhage`, `Bergen (NH)`; `Rotterdam` also as its base name where no other
    /// municipality shares it), else a place that lies in one municipality only
    /// (`Den Haag`, `Rhoon`). `Err` with the candidates (code and name) when the name is
    /// a base name several municipalities share (`Bergen`); `Err` with none when the name
    /// is unknown or a place name that several municipalities' places share.
    pub fn municipality_named(&self, name: &str) -> Result<&str, Vec<String>> {
        let key = normalize_key(name);
        if key.is_empty() {
            return Err(Vec::new());
        }
        if let Some(m) = self
            .municipalities
            .iter()
            .find(|m| normalize_key(&m.name) == key)
        {
            return Ok(&m.code);
        }
        let same_base: Vec<&Municipality> = self
            .municipalities
            .iter()
            .filter(|m| normalize_key(base_name(&m.name)) == key)
            .collect();
        match same_base.as_slice() {
            [one] => return Ok(&one.code),
            [] => {}
            many => {
                return Err(many
                    .iter()
                    .map(|m| format!("{} ({})", m.code, m.name))
                    .collect())
            }
        }
        let id = self.lookup_entry(name).ok_or_else(Vec::new)?;
        if self.shared.contains_key(&id) {
            return Err(Vec::new());
        }
        let code = self.entries[id as usize]
            .code
            .as_deref()
            .ok_or_else(Vec::new)?;
        self.by_code
            .get(code)
            .map(|&i| self.municipalities[i].code.as_str())
            .ok_or_else(Vec::new)
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

    /// The places of an ad: its place field first (the whole field, or else the places
    /// named in it, capitals or not), then the places in its text; one per municipality.
    pub fn resolve(&self, place_field: Option<&str>, text: &str) -> Vec<Place> {
        self.resolve_near(place_field, text, &[])
    }

    /// [`Gazetteer::resolve`], where a name several places share is read as the one
    /// nearest the ad's other places and `near` (municipality codes the ad points to
    /// otherwise, e.g. from [`Gazetteer::area_municipality`]): see [`shared_names`].
    pub fn resolve_near(&self, place_field: Option<&str>, text: &str, near: &[&str]) -> Vec<Place> {
        let mut ids = Vec::new();
        if let Some(field) = place_field.map(str::trim).filter(|f| !f.is_empty()) {
            match self.lookup_entry(field) {
                Some(id) => ids.push(id),
                None => self.scan(field, false, &mut ids),
            }
        }
        self.scan(text, true, &mut ids);
        self.choose_shared(&mut ids, near);
        self.collect(ids)
    }

    /// The municipality a Dutch fixed-line number (E.164) has its area code from:
    /// `+31101234567` → `GM0599` (Rotterdam), when this gazetteer has it.
    pub fn area_municipality(&self, e164: &str) -> Option<&str> {
        self.geography
            .area_municipality(e164)
            .filter(|c| self.has_municipality(c))
    }

    /// Replace each entry of a shared name in `ids` by the candidate nearest the other
    /// (unshared) places and `near`; on a tie the prior (the entry in `ids`) stays.
    fn choose_shared(&self, ids: &mut [u32], near: &[&str]) {
        if self.shared.is_empty() || !ids.iter().any(|id| self.shared.contains_key(id)) {
            return;
        }
        let code = |id: u32| self.entries[id as usize].code.as_deref();
        let context: Vec<&str> = ids
            .iter()
            .filter(|id| !self.shared.contains_key(id))
            .filter_map(|&id| code(id))
            .chain(near.iter().copied())
            .collect();
        for id in ids.iter_mut() {
            let Some(candidates) = self.shared.get(id) else {
                continue;
            };
            let score = |c: u32| {
                code(c).map_or(0, |a| {
                    context
                        .iter()
                        .map(|b| self.geography.closeness(a, b))
                        .max()
                        .unwrap_or(0)
                })
            };
            let mut best = (score(*id), *id);
            for &c in candidates.iter() {
                let s = score(c);
                if s > best.0 {
                    best = (s, c);
                }
            }
            *id = best.1;
        }
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
        let group = |id: u32| {
            let e = &self.entries[id as usize];
            e.code
                .as_deref()
                .map_or((e.name.as_str(), false), |c| (c, true))
        };
        // An ad names a handful of places: a search in a row, a hash index past 16.
        let mut out: Vec<u32> = Vec::new();
        let mut seen: FxHashMap<(&str, bool), usize> = FxHashMap::default();
        for id in ids {
            let e = &self.entries[id as usize];
            let g = group(id);
            if out.len() > 16 && seen.is_empty() {
                seen.extend(out.iter().enumerate().map(|(pos, &o)| (group(o), pos)));
            }
            let found = if seen.is_empty() {
                out.iter().position(|&o| group(o) == g)
            } else {
                seen.get(&g).copied()
            };
            match found {
                Some(pos) if self.entries[out[pos] as usize].kind == Kind::Municipality => {
                    if e.kind == Kind::Place {
                        out[pos] = id;
                    }
                }
                Some(_) => {}
                None => {
                    if !seen.is_empty() {
                        seen.insert(g, out.len());
                    }
                    out.push(id);
                }
            }
        }
        out.into_iter().map(|id| self.place(id)).collect()
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

    /// Record the names that places of several municipalities share (keys first taken in
    /// the places pass, not in `taken` by a municipality or alias), and make the prior of
    /// [`shared_names::priors`] the entry the name resolves to.
    fn share_names(&mut self, places: &[&PlaceRow], taken: &HashSet<String>) {
        let mut groups: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        for p in places {
            let key = normalize_key(&p.name);
            if taken.contains(&key) {
                continue;
            }
            let Some(&(first, _)) = self.g.index.get(&key) else {
                continue;
            };
            let group = groups.entry(key).or_insert_with(|| vec![first]);
            let code = Some(p.municipality_code.clone());
            if group
                .iter()
                .any(|&e| self.g.entries[e as usize].code == code)
            {
                continue;
            }
            let next = self.g.entries.len() as u32;
            let entry = *self
                .entry_ids
                .entry((p.name.clone(), code.clone()))
                .or_insert(next);
            if entry == next {
                let (name, kind) = (p.name.clone(), Kind::Place);
                self.g.entries.push(Entry { name, code, kind });
            }
            group.push(entry);
        }
        groups.retain(|_, g| g.len() > 1);
        for (name, code) in shared_names::priors() {
            let key = normalize_key(&name);
            let Some(group) = groups.get_mut(&key) else {
                continue;
            };
            let code = Some(code);
            if let Some(pos) = group
                .iter()
                .position(|&e| self.g.entries[e as usize].code == code)
            {
                group[..=pos].rotate_right(1);
                if let Some(hit) = self.g.index.get_mut(&key) {
                    hit.0 = group[0];
                }
            }
        }
        for group in groups.into_values() {
            let all: Box<[u32]> = group.into();
            for &e in all.iter() {
                self.g.shared.insert(e, all.clone());
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn g() -> &'static Gazetteer {
        Gazetteer::embedded()
    }

    fn code(name: &str) -> Option<String> {
        g().lookup(name).and_then(|p| p.municipality_code)
    }

    /// `Name=GMxxxx, …` (`-` for no code).
    pub(super) fn show(places: &[Place]) -> String {
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

    /// Issue 13, point 11: ads about Rozenburg (Rotterdam) went to the business park of
    /// that name in Haarlemmermeer.
    #[test]
    fn shared_place_names_follow_context_then_the_prior() {
        let rozenburg = |field: Option<&str>, text: &str, near: &[&str]| {
            show(&g().resolve_near(field, text, near))
        };
        // No context: the prior (the village of about 12,000 people).
        assert_eq!(
            rozenburg(None, "Nieuw in Rozenburg!", &[]),
            "Rozenburg=GM0599"
        );
        assert_eq!(
            g().lookup("Rozenburg")
                .unwrap()
                .municipality_code
                .as_deref(),
            Some("GM0599")
        );
        // Another place of the ad, or a fixed line's area code, points to Haarlemmermeer.
        assert_eq!(
            rozenburg(
                None,
                "Ontvangst in Rozenburg, ook escort naar Hoofddorp.",
                &[]
            ),
            "Rozenburg=GM0394"
        );
        assert_eq!(
            rozenburg(Some("Rozenburg"), "Ook naar Haarlem", &[]),
            "Rozenburg=GM0394, Haarlem=GM0392"
        );
        assert_eq!(
            rozenburg(None, "Regio Rozenburg", &["GM0392"]),
            "Rozenburg=GM0394"
        );
        // Amsterdam (020) is in the province of Haarlemmermeer, not of Rotterdam.
        assert_eq!(
            rozenburg(None, "Regio Rozenburg", &["GM0363"]),
            "Rozenburg=GM0394"
        );
        // Rotterdam context keeps the village; so does a tie.
        assert_eq!(
            rozenburg(None, "Rozenburg, ook Maassluis en Schiedam", &["GM0392"]),
            "Rozenburg=GM0599, Maassluis=GM0556, Schiedam=GM0606"
        );
        // Other shared names: the most populous place of the name without context.
        assert_eq!(rozenburg(Some("Velp"), "", &[]), "Velp=GM0275");
        assert_eq!(rozenburg(Some("Velp"), "", &["GM1982"]), "Velp=GM1982");
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
}
