//! Licence (vergunning) and registration numbers claimed in ad text, and register
//! numbers that appear without a label.
//!
//! A labelled number is the first token after the label (skipping filler such as `nr`,
//! `nummer`, `gemeente Rotterdam`) made of letters, digits and `-./` with at least two
//! digits. Phrases like "vergunning aangevraagd" or "vergunningvrij" yield nothing.

use rustc_hash::{FxHashMap, FxHashSet};
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::text::byte_scan::{ascii_alnum_end, next_ascii_digit};
use super::text::{clean_mapped, Cleaned};
use super::LicenceNumber;

/// Upper case, ASCII letters and digits only: `"ESC-2024-0153"` → `"ESC20240153"`.
/// Full-width and other compatibility characters are NFKC-normalised first.
pub fn normalize(s: &str) -> String {
    let cleaned;
    let s = if s.is_ascii() {
        s
    } else {
        cleaned = clean_mapped(s).text;
        &cleaned
    };
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

static LICENCE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    // ASCII word boundaries keep the regex on the fast DFA for non-ASCII text.
    Regex::new(concat!(
        r"(?i)(?-u:\b)(?:(?:reg(?:istratie)?\.?\s*)?(?-u:[a-z])*?vergunning(?:houder|hebbende)?|licentie",
        r"|licen[cs]ed?",
        r"|permit)(?:en|s)?(?:nummers?|nrs?|no)?(?-u:\b)\.?",
        r"|(?-u:\b)verg(?:\.\s*|\s+)nr(?-u:\b)\.?|(?-u:\b)verg\.",
    ))
    .expect("valid regex")
});

static REGISTRATION_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:registratie|registration|reg)s?(?:nummers?|nrs?|no)?(?-u:\b)\.?")
        .expect("valid regex")
});

/// Licence numbers after labels such as `vergunningnummer`, `verg.nr.`, `vergunning nr`,
/// `exploitatievergunning`, `licentie(nummer)`, `Vergunning gemeente Rotterdam:`,
/// `Reg. vergunning`, `licence/license number`. Deduplicated by `normalized`.
pub fn find_licence_numbers(text: &str) -> Vec<LicenceNumber> {
    find_licence_in(&clean_mapped(text), text)
}

/// [`find_licence_numbers`] on text already cleaned by [`clean_mapped`].
pub(crate) fn find_licence_in(cleaned: &Cleaned, text: &str) -> Vec<LicenceNumber> {
    find_labelled(cleaned, text, &LICENCE_LABEL, false)
}

/// Registration numbers after `registratienummer`, `registratie nr`, `reg.nr.`,
/// `registration number`; `Reg. vergunning` is a licence label and yields nothing here.
pub fn find_registration_numbers(text: &str) -> Vec<LicenceNumber> {
    find_registration_in(&clean_mapped(text), text)
}

/// [`find_registration_numbers`] on text already cleaned by [`clean_mapped`].
pub(crate) fn find_registration_in(cleaned: &Cleaned, text: &str) -> Vec<LicenceNumber> {
    find_labelled(cleaned, text, &REGISTRATION_LABEL, true)
}

/// Register numbers prepared for finding them in text without a label: normalised
/// (see [`normalize`]), with every proper prefix, so the scan leaves a token as soon as
/// it cannot begin a register number. Build it once per register, not per ad.
#[derive(Debug, Clone, Default)]
pub struct KnownNumbers {
    numbers: FxHashSet<String>,
    /// Every number and every proper prefix of one: `(is a number, is a proper prefix)`,
    /// one lookup per step of the text scan.
    keys: FxHashMap<Box<str>, (bool, bool)>,
    max_len: usize,
    /// The most characters any number has before its first digit (`AMSEXP2019…`: 6).
    max_lead: usize,
    /// Bit `b` is set when a number starts with the ASCII byte `b`: the text scan skips
    /// every other token without hashing it (most words of an ad).
    first_bytes: u128,
    /// Bit `a * 128 + b` is set when a number starts with the ASCII bytes `a b`: a token of
    /// two or more characters is skipped without hashing unless one does.
    first_pairs: Vec<u64>,
}

impl KnownNumbers {
    pub fn new<S: AsRef<str>>(numbers: impl IntoIterator<Item = S>) -> KnownNumbers {
        let mut known = KnownNumbers::default();
        for n in numbers {
            let n = normalize(n.as_ref());
            if n.is_empty() {
                continue;
            }
            known.keys.entry(n.as_str().into()).or_default().0 = true;
            for end in 1..n.len() {
                known.keys.entry(n[..end].into()).or_default().1 = true;
            }
            known.max_len = known.max_len.max(n.len());
            let lead = n.bytes().take_while(|b| !b.is_ascii_digit()).count();
            if lead < n.len() {
                known.max_lead = known.max_lead.max(lead);
            }
            let b = n.as_bytes();
            known.first_bytes |= 1 << (b[0] & 0x7f);
            if let Some(&second) = b.get(1) {
                known.first_pairs.resize(128 * 128 / 64, 0);
                let bit = usize::from(b[0] & 0x7f) * 128 + usize::from(second & 0x7f);
                known.first_pairs[bit / 64] |= 1 << (bit % 64);
            }
            known.numbers.insert(n);
        }
        known
    }

    pub fn is_empty(&self) -> bool {
        self.numbers.is_empty()
    }

    pub fn len(&self) -> usize {
        self.numbers.len()
    }

    pub fn contains(&self, normalized: &str) -> bool {
        self.numbers.contains(normalized)
    }
}

impl<S: AsRef<str>> FromIterator<S> for KnownNumbers {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        KnownNumbers::new(iter)
    }
}

/// Numbers from `known` (register numbers) that appear anywhere in the text without a
/// label, ignoring case and separators: known `ESC20240153` matches `esc 2024.0153`. A
/// match starts and ends at token boundaries and spans tokens joined by at most three of
/// ` -./_`. Candidates need two digits.
pub fn find_known_numbers(text: &str, known: &KnownNumbers) -> Vec<LicenceNumber> {
    find_known_in(&clean_mapped(text), text, known)
}

/// [`find_known_numbers`] on text already cleaned by [`clean_mapped`].
pub(crate) fn find_known_in(
    cleaned: &Cleaned,
    text: &str,
    known: &KnownNumbers,
) -> Vec<LicenceNumber> {
    if known.is_empty() {
        return Vec::new();
    }
    let (max_len, t) = (known.max_len, cleaned.text.as_str());
    // Whether a number may start with the (ASCII) token `t[s..e]`.
    let may_start = |s: usize, e: usize| {
        let b = t.as_bytes();
        let first = b[s].to_ascii_uppercase();
        if e - s == 1 {
            return known.first_bytes & (1 << first) != 0;
        }
        let bit = usize::from(first) * 128 + usize::from(b[s + 1].to_ascii_uppercase());
        known
            .first_pairs
            .get(bit / 64)
            .is_some_and(|w| w & (1 << (bit % 64)) != 0)
    };
    let mut found = Vec::new();
    let mut key = String::with_capacity(max_len + 16);
    // A match holds two digits, and at most `max_lead` characters come before the first
    // one, in as many tokens joined by gaps of at most three bytes: tokens further than
    // `reach` before the next digit cannot start one, so the scan jumps over them (most
    // of an ad's words).
    let reach = 4 * known.max_lead + 4;
    let (mut next_digit, mut pos) = (None, 0);
    loop {
        let digit = match next_digit.filter(|&d| d >= pos) {
            Some(d) => d,
            None => match next_ascii_digit(t.as_bytes(), pos) {
                d if d < t.len() => *next_digit.insert(d),
                _ => break,
            },
        };
        if digit > pos + reach {
            pos = digit - reach;
            while !t.is_char_boundary(pos) {
                pos += 1;
            }
            // Inside a word: that word starts too far back, go to its end.
            if t[..pos].ends_with(char::is_alphanumeric) {
                pos += t[pos..]
                    .find(|c: char| !c.is_alphanumeric())
                    .unwrap_or(t.len() - pos);
            }
        }
        let Some(first) = token_at(t, pos) else { break };
        let (start, first_end, ascii) = first;
        // The key would hold the first token alone: no number starts like it.
        if !ascii || !may_start(start, first_end) {
            pos = first_end;
            continue;
        }
        key.clear();
        let (mut best, mut token) = (None, first);
        loop {
            let (s, e, ascii) = token;
            if !ascii || key.len() + (e - s) > max_len {
                break;
            }
            key.extend(t[s..e].bytes().map(|b| char::from(b.to_ascii_uppercase())));
            let Some(&(number, prefix)) = known.keys.get(key.as_str()) else {
                break;
            };
            if number && key.len() >= 3 && key.bytes().filter(u8::is_ascii_digit).count() >= 2 {
                best = Some(e);
            }
            if !prefix {
                break;
            }
            let Some(next) = token_at(t, e) else { break };
            let gap = &t.as_bytes()[e..next.0];
            if gap.len() > 3 || !gap.iter().all(|c| b" -./_".contains(c)) {
                break;
            }
            token = next;
        }
        match best {
            Some(end) => {
                found.push(number(cleaned, text, start..end, start..end));
                pos = end;
            }
            None => pos = first_end,
        }
    }
    dedup(found)
}

/// The first token at or after byte `from`, a maximal run of alphanumeric characters:
/// `(start, end, ascii)`. Byte-wise for ASCII, which is nearly all ad text.
fn token_at(t: &str, from: usize) -> Option<(usize, usize, bool)> {
    let b = t.as_bytes();
    let mut i = from;
    loop {
        while i < b.len() && b[i] < 0x80 && !b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        if b[i] < 0x80 {
            break;
        }
        let c = t[i..].chars().next()?;
        if c.is_alphanumeric() {
            break;
        }
        i += c.len_utf8();
    }
    let (start, mut ascii) = (i, true);
    loop {
        i = ascii_alnum_end(b, i);
        if i >= b.len() || b[i] < 0x80 {
            break;
        }
        match t[i..].chars().next() {
            Some(c) if c.is_alphanumeric() => {
                ascii = false;
                i += c.len_utf8();
            }
            _ => break,
        }
    }
    Some((start, i, ascii))
}

/// The number in a field that the site file marks as the licence field, when it carries
/// no label (`<p class="licence">ESC-2024-0153</p>`): its first number-like token.
pub fn bare_number(field: &str) -> Option<LicenceNumber> {
    let cleaned = clean_mapped(field);
    let t = cleaned.text.as_str();
    let span = number_after(t, 0, false)?;
    Some(number(&cleaned, field, span.clone(), span))
}

/// Builds a [`LicenceNumber`]: `value` from the cleaned text, `raw` from the original.
fn number(cleaned: &Cleaned, orig: &str, value: Range<usize>, raw: Range<usize>) -> LicenceNumber {
    let value = cleaned.text[value].to_string();
    LicenceNumber {
        normalized: normalize(&value),
        value,
        raw: orig[cleaned.original_range(raw)].to_string(),
        name: None,
    }
}

fn dedup(found: Vec<LicenceNumber>) -> Vec<LicenceNumber> {
    super::dedup_by(found, |n| &n.normalized, |_, _| {})
}

/// Numbers after `label` in the text; `names`: keep the name a number stands next to in
/// an agency's list (see [`name_before`]).
fn find_labelled(cleaned: &Cleaned, text: &str, label: &Regex, names: bool) -> Vec<LicenceNumber> {
    let t = cleaned.text.as_str();
    let mut found = Vec::new();
    // The ad's phones, found once and only when a bare number after a label needs them.
    let ad_phones = AdPhones::new(t);
    for m in label.find_iter(t) {
        if other_register_before(t, m.start()) {
            continue;
        }
        let name = names.then(|| name_before(t, m.start())).flatten();
        // `Onze dames en hun registratienummer:` over a list of names and numbers.
        if names && (is_header(t, &m) || number_after(t, m.end(), true).is_none()) {
            let list = list_after_header(t, m.end());
            if !list.is_empty() {
                for (who, value) in list {
                    let mut n = number(cleaned, text, value.clone(), value);
                    n.name = who;
                    found.push(n);
                }
                continue;
            }
        }
        let (mut from, mut first) = (m.end(), true);
        while let Some(value) = number_after(t, from, first) {
            if !is_claimed_number(&t[value.clone()]) || is_the_ads_phone(&ad_phones, &value, first)
            {
                break;
            }
            let mut n = number(cleaned, text, value.clone(), m.start()..value.end);
            if first {
                n.name = name.clone();
            }
            found.push(n);
            first = false;
            // A list: `V-1, V-2 en V-3`.
            let rest = t[value.end..].trim_start_matches(' ');
            let Some(rest) = rest
                .strip_prefix([',', ';', '&'])
                .or(rest.strip_prefix("en "))
                .or(rest.strip_prefix("and "))
            else {
                break;
            };
            from = t.len() - rest.len();
        }
    }
    dedup(found)
}

/// Is the label at `at` part of another register's name: `KvK-registratienummer`,
/// `KvK reg.nr.`, `BTW-nummer`, a customer or ad number? Those are no registration under
/// the prostitution regulation and no licence.
fn other_register_before(t: &str, at: usize) -> bool {
    let before = t[..at].trim_end_matches([' ', '-', '/', '.']);
    let word_start = before.rfind(|c: char| !c.is_alphanumeric()).map_or(0, |i| {
        i + before[i..].chars().next().map_or(1, char::len_utf8)
    });
    let word = before[word_start..].to_lowercase();
    matches!(
        word.as_str(),
        "kvk"
            | "btw"
            | "klant"
            | "klanten"
            | "advertentie"
            | "order"
            | "factuur"
            | "koophandel"
            | "handelsregister"
            | "kamer"
            | "lid"
            | "leden"
            | "account"
    ) || word.ends_with("kvk")
        || word.ends_with("btw")
}

/// Words that stand before a label but name no woman.
const NOT_A_NAME: &[&str] = &[
    "mijn",
    "ons",
    "onze",
    "het",
    "de",
    "een",
    "met",
    "en",
    "of",
    "escort",
    "escorts",
    "tel",
    "bel",
    "nr",
    "nummer",
    "vandaag",
    "werken",
    "dames",
    "meiden",
    "agency",
    "bureau",
    "club",
    "privehuis",
    "privéhuis",
    "salon",
    "registratie",
    "registratienummer",
    "vergunning",
    "geregistreerd",
    "officieel",
    "landelijk",
    "gemeentelijk",
    "ja",
    "wel",
    "let",
    "op",
    "info",
    "zie",
    "onder",
    "dame",
    "meid",
    "naam",
    "nieuw",
    "new",
    "hier",
    "ook",
    "gemeente",
    "maten",
    "prijs",
    "leeftijd",
    "kamer",
    "actie",
    "lengte",
    "adres",
    "openingstijden",
    "bereikbaar",
    "afspraak",
    "contact",
    "betalen",
    "legaal",
    "uiteraard",
    "rooster",
    "beschikbaar",
    "aanwezig",
    "ladies",
    "girls",
    "studio",
    "massage",
    "kvk",
    "btw",
    "ik",
    "wij",
    "we",
];

/// The name a label stands next to: a capitalised word right before it (`Lisa (reg.nr.
/// …`, `Yasmin - reg.nr …`, `Jade: reg.nr …`, `Iris | reg. nr. …`, `Fleur (30) reg.nr.
/// …`), or else the capitalised word that starts the label's line (`- Britt, Tsjechisch,
/// 33 jaar – Reg.nr.: …`).
fn name_before(t: &str, at: usize) -> Option<String> {
    let line_start = t[..at].rfind('\n').map_or(0, |i| i + 1);
    let before = &t[line_start..at];
    // `Fleur (30) reg.nr.`, `Gabriela (36, Oekraïens) registratienummer:`
    let mut trimmed = before.trim_end_matches([' ', '(', '[', '-', '–', '—', ':', ',', '|']);
    if let Some(open) = trimmed.strip_suffix(')').and_then(|s| s.rfind('(')) {
        if trimmed.len() - open <= 30 {
            trimmed = trimmed[..open].trim_end();
        }
    }
    let gap = before.len() - trimmed.len();
    if before[trimmed.len()..].chars().count() <= 32 && gap > 0 {
        let start = trimmed
            .char_indices()
            .rev()
            .find(|(_, c)| !c.is_alphabetic())
            .map_or(0, |(i, c)| i + c.len_utf8());
        if let Some(name) = as_name(&trimmed[start..]) {
            return Some(name);
        }
    }
    // The first word of the line, when the line is one item: a short run up to the label.
    let item = before.trim_start_matches(|c: char| !c.is_alphanumeric());
    if item.chars().count() > 40 {
        return None;
    }
    let end = item
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(item.len());
    let rest = &item[end..];
    if !rest.starts_with([',', ' ', '(']) {
        return None;
    }
    as_name(&item[..end])
}

/// `word` if it reads as a working name: capitalised, 2–20 letters, not a common word.
fn as_name(word: &str) -> Option<String> {
    let mut chars = word.chars();
    let capitalised = chars.next().is_some_and(char::is_uppercase) && chars.all(char::is_lowercase);
    (capitalised
        && (2..=20).contains(&word.chars().count())
        && !NOT_A_NAME.contains(&word.to_lowercase().as_str()))
    .then(|| word.to_string())
}

/// The numbers listed under a header label, each with the name it stands next to:
/// `Registratienummers van onze dames:` over `Anouk - SW-980803`, `Isabella
/// (R20271215)`, `- R-2025-7205` (no name), a table whose header cell is the label and
/// whose rows hold a name and a number, or `Reg.nrs.: RS22.43378, RS91.48387`. The label
/// ends its line, or a `:` follows within 40 characters. Then, up to 25 lines on: every
/// number of at least four digits is an item, named by the last name-like word since the
/// previous item. The list ends at an empty line after items, at another register's word
/// (`KvK`, `Ordernr.`, `Tel`, …), at a phone, or at a full stop after a number.
fn list_after_header(t: &str, from: usize) -> Vec<(Option<String>, Range<usize>)> {
    let line_end = t[from..].find('\n').map_or(t.len(), |e| from + e);
    let mut window = line_end.min(from + 40);
    while !t.is_char_boundary(window) {
        window -= 1;
    }
    let head = &t[from..window];
    // `Reg. vergunning: …` is a licence; `Registratie KvK: …` another register.
    let other = head
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| OTHER_REGISTER_WORDS.contains(&w.to_lowercase().as_str()));
    if other {
        return Vec::new();
    }
    let start = match head.find(':') {
        Some(colon) => from + colon + 1,
        // The label closes its line (a table's header cell, `Registratienummers`).
        None if window == line_end && !head.bytes().any(|b| b.is_ascii_digit()) => line_end,
        None => return Vec::new(),
    };
    let mut out = Vec::new();
    let mut name: Option<String> = None;
    let (mut pos, mut lines, mut blank) = (start, 0, 0);
    while pos < t.len() && lines <= 25 {
        let c = t[pos..].chars().next().unwrap_or(' ');
        if c == '\n' {
            lines += 1;
            // An empty line ends a list that has begun (table rows follow each other).
            let rest = &t[pos + 1..];
            blank = if rest.starts_with('\n') { blank + 1 } else { 0 };
            if blank >= 2
                || (blank >= 1
                    && !out.is_empty()
                    && !rest.trim_start().starts_with(char::is_alphanumeric))
            {
                break;
            }
            pos += 1;
            continue;
        }
        if !c.is_alphanumeric() {
            pos += c.len_utf8();
            continue;
        }
        let end = t[pos..]
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '.' | '/')))
            .map_or(t.len(), |e| pos + e);
        let token = t[pos..end].trim_end_matches(['.', '-', '/']);
        let span = pos..pos + token.len();
        pos = end.max(pos + c.len_utf8());
        if token.bytes().any(|b| b.is_ascii_digit()) {
            let digits = token.bytes().filter(u8::is_ascii_digit).count();
            if digits < 5 {
                continue; // an age, a year, a room number
            }
            let international = t[..span.start].ends_with('+');
            if international
                || !looks_like_number(token)
                || !is_claimed_number(token)
                || is_the_ads_phone(&AdPhones::new(t), &span, false)
            {
                break;
            }
            out.push((name.take(), span.clone()));
            if t[span.end..].starts_with(". ") || t[span.end..].starts_with(".\n") {
                break;
            }
            continue;
        }
        let lower = token.to_lowercase();
        if OTHER_REGISTER_WORDS.contains(&lower.as_str())
            || CONTACT_WORDS.contains(&lower.as_str())
            || lower.ends_with("nr")
            || lower.ends_with("nummer")
            || lower.ends_with("id")
        {
            break;
        }
        if let Some(n) = as_name(token) {
            name = Some(n);
        }
    }
    out
}

/// Does the label head a list: plural (`Registratienummers`, `Reg.nrs.`), or closing its
/// line (`Registratienummer:` over the list, a table's header cell)?
fn is_header(t: &str, m: &regex::Match<'_>) -> bool {
    let label = m.as_str().to_lowercase();
    let plural = label.contains("nummers") || label.contains("nrs") || label.contains("numbers");
    let line_end = t[m.end()..].find('\n').map_or(t.len(), |e| m.end() + e);
    let rest = t[m.end()..line_end].trim();
    plural || rest.is_empty() || rest == ":"
}

/// Words that start another register's number: a list of registrations ends there.
const OTHER_REGISTER_WORDS: &[&str] = &[
    "kvk",
    "btw",
    "vat",
    "iban",
    "postcode",
    "klantnummer",
    "ordernr",
    "order",
    "profiel",
    "advertentie",
    "advertentienummer",
    "ad",
    "ref",
    "kenmerk",
    "prijs",
    "prijzen",
    "tarief",
    "leeftijd",
    "kamer",
    "adres",
    "contact",
    "reserveren",
    "vergunning",
    "vergunningnummer",
    "licentie",
    "licence",
    "license",
    "open",
    "geopend",
    "handelsregister",
    "maten",
    "lengte",
    "cupmaat",
    "bel",
    "app",
    "whatsapp",
    "telefoon",
    "sinds",
    "geldig",
    "afgegeven",
];

/// Is `value`, found after a label, a claimed number? Not a phone number (`bel 06 …` is
/// no number, `06 5672 6428` is the ad's phone), not a date.
fn is_claimed_number(value: &str) -> bool {
    !is_date(value)
}

/// Is the number at `value` after a label the ad's phone rather than a claimed number?
///
/// - After a list's comma or `en` (`ESC-2024-2142, 06 5672 6428`): any phone.
/// - Right after the label: a phone written as phones are (`06-2551 1261`, `06 2119
///   6968`, `+31625962419`), or the same number the ad gives as its phone elsewhere. A
///   bare run of digits (`Vergunningnummer: 0309415651`) is the number the ad claims, even
///   when its digits would make a valid phone: the notation is the only evidence, and
///   some registers number that way. So is `0622-2026-59` (a year in the middle).
fn is_the_ads_phone(ad: &AdPhones<'_>, value: &Range<usize>, first: bool) -> bool {
    let t = ad.text;
    let Some(raw) = phone_at(t, value) else {
        return false;
    };
    if !first || written_as_phone(raw) {
        return true;
    }
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    let national = digits.trim_start_matches('0');
    // Elsewhere in the ad (the phone scanner leaves out what stands after a label).
    national.len() >= 9 && ad.e164().iter().any(|e| e.ends_with(national))
}

/// The phones of an ad's text, scanned on first use: most ads never need them.
struct AdPhones<'t> {
    text: &'t str,
    e164: std::cell::OnceCell<Vec<String>>,
}

impl<'t> AdPhones<'t> {
    fn new(text: &'t str) -> AdPhones<'t> {
        AdPhones {
            text,
            e164: std::cell::OnceCell::new(),
        }
    }

    fn e164(&self) -> &[String] {
        self.e164.get_or_init(|| {
            super::phone::find_phones(self.text)
                .into_iter()
                .map(|p| p.e164)
                .collect()
        })
    }
}

/// The phone the scanner reads at `value`'s start, as written, when it covers `value`
/// (`06 - 59786241` after a label, of which the number scan took `06`).
fn phone_at<'t>(t: &'t str, value: &Range<usize>) -> Option<&'t str> {
    if !t[value.start..].starts_with(['0', '+']) {
        return None;
    }
    let mut end = (value.start + 24).max(value.end).min(t.len());
    while !t.is_char_boundary(end) {
        end -= 1;
    }
    let window = &t[value.start..end];
    super::phone::find_phones(window)
        .iter()
        .find(|p| window.starts_with(p.raw.as_str()) && p.raw.len() >= value.len())
        .map(|p| &window[..p.raw.len()])
}

/// Is `raw` written in a phone's notation: international (`+31…`, `0031…`) or in the
/// groups of a Dutch number (`06-25511261`, `06 2119 6968`, `010 - 4120000`), not a bare
/// run of digits and not a licence's `NNNN-YYYY-NN`?
fn written_as_phone(raw: &str) -> bool {
    if raw.starts_with('+') || raw.starts_with("00") {
        return true;
    }
    let groups: Vec<&str> = raw
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    let year = |g: &str| g.len() == 4 && (g.starts_with("19") || g.starts_with("20"));
    match groups.as_slice() {
        [_] => false,
        [_, middle, last] if year(middle) && last.len() <= 2 => false,
        _ => true,
    }
}

/// `31-12-2026`, `31.12.26`, `2026-12-31`, `12/2026`.
fn is_date(value: &str) -> bool {
    let parts: Vec<&str> = value.split(['-', '.', '/']).collect();
    let numeric = parts
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if !numeric {
        return false;
    }
    let n = |p: &str| p.parse::<u32>().unwrap_or(0);
    let day_month = |d: &str, m: &str| (1..=31).contains(&n(d)) && (1..=12).contains(&n(m));
    let year = |y: &str| (y.len() == 2) || (y.len() == 4 && (1990..=2099).contains(&n(y)));
    match parts.as_slice() {
        [d, m, y] if d.len() <= 2 && m.len() <= 2 => day_month(d, m) && year(y),
        [y, m, d] if y.len() == 4 && m.len() <= 2 && d.len() <= 2 => day_month(d, m) && year(y),
        [m, y] if m.len() <= 2 && y.len() == 4 => (1..=12).contains(&n(m)) && year(y),
        _ => false,
    }
}

/// Words that may stand between a label and its number.
const FILLER: &str = "nr nummer no number num is van de het the of te afgegeven uitgegeven \
    verleend door by issued gemeente municipality city sekswerker sekswerkers prostituee \
    landelijk landelijke mijn wrs escortbedrijf escortbureau seksbedrijf exploitatie";

/// The number after a label at `from`; `fillers`: skip filler words and municipality
/// names first.
fn number_after(t: &str, from: usize, fillers: bool) -> Option<Range<usize>> {
    let is_sep = |c: char| {
        c.is_whitespace()
            || matches!(
                c,
                ':' | '#' | '=' | '-' | '–' | '(' | ')' | '[' | ']' | '"' | ',' | '|'
            )
            || (!c.is_ascii() && !c.is_alphanumeric() && !matches!(c, '€' | '£' | '$'))
    };
    let mut pos = from;
    let mut names = 0; // name words allowed after `gemeente`
    for _ in 0..8 {
        let rest = &t[pos..];
        let skipped = rest.len() - rest.trim_start_matches(is_sep).len();
        if rest[..skipped].matches('\n').count() > 1 || pos + skipped - from > 80 {
            return None;
        }
        let mut start = pos + skipped;
        // A filler glued on with its dot: `nr.Z/21/276621`, `no.2026-0906-RTD`.
        if let Some(after) = glued_filler(&t[start..]) {
            start += after;
        }
        let end = t[start..]
            .find(|c: char| is_sep(c) && c != '-')
            .map_or(t.len(), |e| start + e);
        let token = t[start..end].trim_end_matches(['.', ',', ';', ':', '!', '?']);
        if token.is_empty() {
            return None;
        }
        let span = start..start + token.len();
        // `12:00-20:00` after a list's comma is a time, no number.
        let time = t[span.end..].starts_with(':')
            && t[span.end + 1..].starts_with(|c: char| c.is_ascii_digit());
        if looks_like_number(token) && !time {
            return Some(continued(t, span));
        }
        let lower = token.to_lowercase();
        // `ESC 2024-0153`, `apv 2019.2294`, `Z 21 890831`, `AMS EXP 2021 0731`: one or two
        // short prefixes written apart, then the digits.
        if let Some(span) = prefixed(t, start) {
            return Some(continued(t, span));
        }
        if !fillers {
            return None;
        } else if FILLER.split_ascii_whitespace().any(|f| f == lower) {
            if matches!(lower.as_str(), "gemeente" | "municipality" | "city") {
                names = 5;
            }
        } else if names > 0
            && !rest[..skipped].contains('\n')
            && !CONTACT_WORDS.contains(&lower.as_str())
            && (token.starts_with(|c: char| c.is_uppercase() || c == '\'')
                || NAME_PARTICLES.contains(&lower.as_str())
                || token.chars().all(|c| c.is_alphabetic() || c == '-'))
        {
            // `gemeente Capelle aan den IJssel:`, `gemeente olst-wijhe:`
            names -= 1;
        } else {
            return None;
        }
        pos = end;
    }
    None
}

/// The length of a filler word and its dot or colon glued before a number (`nr.`, `no:`),
/// when a number-like character follows.
fn glued_filler(s: &str) -> Option<usize> {
    ["nr.", "no.", "nr:", "no:", "nrs.", "nummer:"]
        .iter()
        .find(|f| {
            s.len() > f.len()
                && s.is_char_boundary(f.len())
                && s[..f.len()].eq_ignore_ascii_case(f)
                && s[f.len()..].starts_with(|c: char| c.is_ascii_alphanumeric())
        })
        .map(|f| f.len())
}

/// Short lower-case words that are not a number's prefix (`vergunning tot 2025`).
const NOT_A_PREFIX: &[&str] = &[
    "tot", "van", "per", "in", "op", "met", "voor", "sinds", "nr", "no", "is", "the", "of", "en",
    "and", "for", "at", "de", "het", "een", "a", "an", "since", "till", "until", "t/m", "tm",
    "vanaf", "geen", "not", "none", "ja", "yes", "open", "om", "uur",
];

/// Words that introduce a phone or a way to reach someone, in any case: never a number's
/// prefix (`ESC-2024-2142, bel 06 5672 6428`, `en TEL 06-…`).
const CONTACT_WORDS: &[&str] = &[
    "bel", "tel", "app", "sms", "mob", "gsm", "call", "ring", "mail", "info", "wa", "fax", "text",
    "ph", "pm", "dm", "kvk", "btw", "vat", "iban",
];

/// Is `t[at..]` a short prefix word or two, a single space each, then a number starting
/// with a digit? Returns the whole span.
fn prefixed(t: &str, at: usize) -> Option<Range<usize>> {
    let is_prefix = |w: &str| {
        let lower = w.to_ascii_lowercase();
        w.len() <= 4
            && w.bytes().all(|b| b.is_ascii_alphabetic())
            && !CONTACT_WORDS.contains(&lower.as_str())
            && (w.bytes().all(|b| b.is_ascii_uppercase())
                || !NOT_A_PREFIX.contains(&lower.as_str()))
    };
    let word_end = |from: usize| {
        t[from..]
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '.' | '/')))
            .map_or(t.len(), |e| from + e)
    };
    let mut pos = at;
    for _ in 0..2 {
        let end = word_end(pos);
        if !is_prefix(&t[pos..end]) || !t[end..].starts_with(' ') {
            return None;
        }
        let next = end + 1;
        let next_end = word_end(next);
        let token = t[next..next_end].trim_end_matches(['.', ',', ';', ':', '!', '?', '-', '/']);
        let digits_only = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
        if (looks_like_number(token) || digits_only)
            && token.starts_with(|c: char| c.is_ascii_digit())
        {
            return Some(at..next + token.len());
        }
        pos = next;
    }
    None
}

/// Lower-case words inside municipality names (`Capelle aan den IJssel`, `Alphen a/d Rijn`).
const NAME_PARTICLES: &[&str] = &[
    "aan", "den", "de", "der", "op", "van", "a/d", "bij", "en", "in",
];

/// Extend a number by groups written apart with single spaces (`RTD 2020 37`,
/// `020 8081 5134`): digits only, at most six each, and never a phone's `06`/`0031` start.
fn continued(t: &str, mut span: Range<usize>) -> Range<usize> {
    while let Some(rest) = t[span.end..].strip_prefix(' ') {
        let len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let next = rest.as_bytes().get(len).copied();
        let ends_word =
            next.is_none_or(|b| !b.is_ascii_alphanumeric() && !matches!(b, b'-' | b'/'));
        let group = &rest[..len];
        if !(1..=6).contains(&len) || !ends_word || matches!(group, "06" | "0031" | "00") {
            break;
        }
        span.end += 1 + len;
    }
    span
}

/// A token of letters, digits and `-./` with at least two digits.
fn looks_like_number(token: &str) -> bool {
    let b = token.as_bytes();
    b.iter().filter(|c| c.is_ascii_digit()).count() >= 2
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'/'))
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
}

#[cfg(test)]
mod tests {

    fn normalized(t: &str) -> Vec<String> {
        find_licence_numbers(t)
            .into_iter()
            .map(|n| n.normalized)
            .collect()
    }

    #[test]
    fn numbers_written_in_groups_and_with_prefixes() {
        assert_eq!(normalized("Municipal licence RTD 2020 37"), ["RTD202037"]);
        assert_eq!(
            normalized("Exploitatievergunning 020 8081 5134 afgegeven"),
            ["02080815134"]
        );
        assert_eq!(normalized("vergunning #Z 21 890831"), ["Z21890831"]);
        assert_eq!(
            normalized("Vergunning gemeente Amsterdam: AMS EXP 2021 0731"),
            ["AMSEXP20210731"]
        );
        assert_eq!(
            normalized("een vergunning (esc 2025-0971)."),
            ["ESC20250971"]
        );
        assert_eq!(
            normalized("Vergunning gemeente Roermond: apv 2019.2294"),
            ["APV20192294"]
        );
        assert_eq!(normalized("Licensed, no. LIC-225454"), ["LIC225454"]);
        assert_eq!(
            normalized("Vergunninghouder, nummer Z/25/203171."),
            ["Z25203171"]
        );
        assert_eq!(
            normalized("Vergunning gemeente Voorne aan Zee: 020-2021-7712"),
            ["02020217712"]
        );
        // A phone after the number is not glued on, and `tot 2025` is no prefix.
        assert_eq!(
            normalized("Vergunningnummer 2024/0153 06 12345678"),
            ["20240153"]
        );
        assert!(normalized("vergunning tot 2025 aangevraagd").is_empty());
    }

    use super::*;

    fn registrations(t: &str) -> Vec<String> {
        find_registration_numbers(t)
            .into_iter()
            .map(|n| n.normalized)
            .collect()
    }

    #[test]
    fn a_phone_or_a_word_after_a_number_is_never_a_number() {
        // The review's cases: a licensed business flagged for its own phone.
        assert_eq!(
            normalized("Exploitatievergunning ESC-2024-2142, bel 06 5672 6428"),
            ["ESC20242142"]
        );
        assert_eq!(
            normalized("vergunning nr. V2021/2757 en tel 06-39354665"),
            ["V20212757"]
        );
        assert_eq!(
            registrations("Registratienummer: R-2026-3653, bel 06 5676 6909"),
            ["R20263653"]
        );
        assert_eq!(
            registrations("Registratienummer: R-2026-3653 en tel 06-56766909"),
            ["R20263653"]
        );
        for t in [
            "Vergunningnummer ESC-2024-2142, BEL 0656726428",
            "Vergunningnummer ESC-2024-2142, 06 5672 6428",
            "Vergunningnummer ESC-2024-2142 of app 06-56726428",
            "Vergunningnummer ESC-2024-2142, whatsapp +31 6 5672 6428",
            "Vergunningnummer ESC-2024-2142 en 010-4120000",
        ] {
            assert_eq!(normalized(t), ["ESC20242142"], "{t}");
        }
        // A number right after the label that is a phone or a date is no claim.
        assert!(normalized("Vergunning: 06-56726428").is_empty());
        assert!(normalized("vergunning verleend 15-01-2024").is_empty());
        assert!(registrations("registratie 2024-01-15").is_empty());
        // Lists of real numbers still work.
        assert_eq!(
            normalized("Vergunningen V-1201, V-1202 en V-1203"),
            ["V1201", "V1202", "V1203"]
        );
    }

    fn named(t: &str) -> Vec<(String, Option<String>)> {
        find_registration_numbers(t)
            .into_iter()
            .map(|n| (n.normalized, n.name))
            .collect()
    }

    #[test]
    fn an_agency_list_keeps_the_name_of_each_number() {
        let pairs = |v: &[(&str, &str)]| -> Vec<(String, Option<String>)> {
            v.iter()
                .map(|(n, w)| (n.to_string(), Some(w.to_string())))
                .collect()
        };
        assert_eq!(
            named("Lisa (reg.nr. 123456789), Mia (reg.nr. 987654321)"),
            pairs(&[("123456789", "Lisa"), ("987654321", "Mia")])
        );
        assert_eq!(
            named("Vandaag werken: Yasmin - reg.nr NL-01907611 | Jade: reg.nr NL-03967236"),
            pairs(&[("NL01907611", "Yasmin"), ("NL03967236", "Jade")])
        );
        assert_eq!(
            named("Onze dames:\nChloé – registratienummer R-2026-0001\nAnouk: registratienummer R-2026-0002"),
            pairs(&[("R20260001", "Chloé"), ("R20260002", "Anouk")])
        );
        // A number that stands alone names nobody.
        assert_eq!(
            named("Mijn registratienummer: R-2026-3653"),
            [("R20263653".to_string(), None)]
        );
        assert_eq!(
            named("Escort Rotterdam. Registratienummer R-2026-3653"),
            [("R20263653".to_string(), None)]
        );
    }

    #[test]
    fn other_registers_are_not_registrations() {
        for t in [
            "KvK-registratienummer 97244944",
            "KvK registratienummer: 97244944",
            "KVK reg.nr. 97244944",
            "Kamer van Koophandel registratienummer 97244944",
            "BTW-registratienummer NL123456789B01",
            "Klant registratienummer 2024-88123",
        ] {
            assert!(registrations(t).is_empty(), "{t}: {:?}", registrations(t));
        }
        assert_eq!(
            registrations("KvK 97244944, registratienummer R-2026-3653"),
            ["R20263653"]
        );
    }

    fn values(found: &[LicenceNumber]) -> Vec<&str> {
        found.iter().map(|n| n.value.as_str()).collect()
    }

    #[test]
    fn bare_number_in_licence_field() {
        assert_eq!(
            bare_number(" ESC-2024-0153 ").unwrap().normalized,
            "ESC20240153"
        );
        assert_eq!(bare_number("ESC 2024-0153").unwrap().value, "ESC 2024-0153");
        assert!(bare_number("aangevraagd").is_none());
        assert!(bare_number("").is_none());
    }

    #[test]
    fn normalizes() {
        assert_eq!(normalize("ESC-2024-0153"), "ESC20240153");
        assert_eq!(normalize(" esc 2024.0153 "), "ESC20240153");
        assert_eq!(normalize("ＥＳＣ－２０２４"), "ESC2024");
        assert_eq!(normalize("2024/0153"), "20240153");
    }

    #[test]
    fn licence_labels() {
        for (text, value) in [
            ("Vergunningnummer: ESC-2024-0153", "ESC-2024-0153"),
            ("vergunningsnummer ESC-2024-0153.", "ESC-2024-0153"),
            ("Verg.nr.: 2024/0153", "2024/0153"),
            ("verg. nr 2024/0153", "2024/0153"),
            ("Vergunning nr. V-12345", "V-12345"),
            ("Exploitatievergunning: RTD.2023.44", "RTD.2023.44"),
            ("exploitatievergunningnummer #V-12345", "V-12345"),
            ("Licentienummer: V-12345", "V-12345"),
            ("Licentie V-12345", "V-12345"),
            ("Vergunning gemeente Rotterdam: RTD.2023.44", "RTD.2023.44"),
            (
                "Vergunning van de gemeente Den Haag nr. DH-2022-7",
                "DH-2022-7",
            ),
            ("Reg. vergunning: 2024/0153", "2024/0153"),
            ("Licence number: ESC-2024-0153", "ESC-2024-0153"),
            ("LICENSE NO. ESC-2024-0153", "ESC-2024-0153"),
            ("vergunning (ESC-2024-0153)", "ESC-2024-0153"),
            ("Vergunningnummer:\nESC 2024-0153", "ESC 2024-0153"),
            ("vergunning: ＥＳＣ－２０２４－０１５３", "ESC-2024-0153"),
        ] {
            assert_eq!(values(&find_licence_numbers(text)), [value], "{text}");
        }
    }

    #[test]
    fn licence_value_raw_and_normalized() {
        let found = find_licence_numbers("Welkom! Vergunningnummer: ESC-2024-0153. Bel snel.");
        assert_eq!(
            found,
            [LicenceNumber {
                value: "ESC-2024-0153".into(),
                normalized: "ESC20240153".into(),
                raw: "Vergunningnummer: ESC-2024-0153".into(),
                name: None,
            }]
        );
        let found = find_licence_numbers("vergunning: ESC-2024-\u{200B}0153");
        assert_eq!(found[0].value, "ESC-2024-0153");
        assert_eq!(found[0].raw, "vergunning: ESC-2024-\u{200B}0153");
    }

    #[test]
    fn licence_dedup_and_lists() {
        let text = "Vergunning ESC-2024-0153, nogmaals vergunningnummer ESC.2024.0153; \
                    licenties: V-12345, V-12346 en V-12347";
        assert_eq!(
            values(&find_licence_numbers(text)),
            ["ESC-2024-0153", "V-12345", "V-12346", "V-12347"]
        );
    }

    #[test]
    fn licence_phrases_without_number() {
        for text in [
            "vergunning aangevraagd",
            "Vergunningvrij beroep",
            "vergunning in aanvraag sinds 2024",
            "geen vergunning nodig",
            "Vergunning: ja",
            "vergunning is aangevraagd 12-05",
            "licentie verlopen",
            "vergunning: A",
            "vergunning gemeente Utrecht aangevraagd",
        ] {
            assert!(find_licence_numbers(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn registration_numbers() {
        for (text, value) in [
            ("Registratienummer: 123456789", "123456789"),
            ("registratie nr. R-2024-77", "R-2024-77"),
            ("Reg.nr.: 2024/0153", "2024/0153"),
            ("reg nr 2024-0153", "2024-0153"),
            ("Registration number: AB12345", "AB12345"),
        ] {
            assert_eq!(values(&find_registration_numbers(text)), [value], "{text}");
        }
        let text = "Reg. vergunning: 2024/0153";
        assert!(find_registration_numbers(text).is_empty());
        assert_eq!(values(&find_licence_numbers(text)), ["2024/0153"]);
        assert!(find_licence_numbers("Registratienummer: 123456789").is_empty());
    }

    #[test]
    fn known_numbers_without_label() {
        let known = KnownNumbers::new(["ESC20240153", "V12345", "20240153"]);
        let found = find_known_numbers("Info: esc 2024.0153 en ook V-12345, V 12345.", &known);
        assert_eq!(values(&found), ["esc 2024.0153", "V-12345"]);
        assert_eq!(found[0].normalized, "ESC20240153");
        for text in [
            "XESC20240153",
            "ESC-2024-01534",
            "ESC2024 ... 0153",
            "ESC-2024\n0153x",
        ] {
            let found = find_known_numbers(text, &known);
            assert!(
                found.iter().all(|n| n.normalized != "ESC20240153"),
                "{text}"
            );
        }
        assert_eq!(
            values(&find_known_numbers("nr 2024/0153!", &known)),
            ["2024/0153"]
        );
        assert!(find_known_numbers("anything", &KnownNumbers::default()).is_empty());
        let loose = KnownNumbers::new(["esc-2024-0153"]);
        assert_eq!(find_known_numbers("ESC 2024 0153", &loose).len(), 1);
    }

    #[test]
    fn known_numbers_scale() {
        let known = KnownNumbers::new((0..5000).map(|i| format!("ESC2024{i:04}")));
        let text = "Lorem ipsum 12 dolor sit-amet 06.12.34 consectetur / ".repeat(1000)
            + "vergunning ESC-2024-4999";
        let found = find_known_numbers(&text, &known);
        assert_eq!(values(&found), ["ESC-2024-4999"]);
    }

    #[test]
    fn hostile_input_never_panics() {
        let known = KnownNumbers::new(["ESC2024", "061", "V12"]);
        for s in crate::extract::text::hostile_samples(3000) {
            find_licence_numbers(&s);
            find_registration_numbers(&s);
            find_known_numbers(&s, &known);
            normalize(&s);
        }
    }
}
