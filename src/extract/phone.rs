//! Phone numbers in ad text and links: recognition, de-obfuscation and validation
//! against the numbering-plan metadata with full-length matches.
//!
//! A bare number is read as Dutch; `+`, `00` or `(+cc)` select another country.
//! Validation does not use `phonenumber::is_valid` (it maps keypad letters to digits and
//! anchors plan patterns only at the start); each pattern is compiled as `^(?:…)$` instead.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, LazyLock, RwLock};

use phonenumber::metadata::{Descriptor, Metadata, DATABASE};
use phonenumber::Type;
use regex::Regex;

use super::text::{clean, clean_mapped, number_word, percent_decode, Cleaned};
use super::{Phone, PhoneKind};

/// All phone numbers in free text, deduplicated by `e164`, in order of first appearance.
/// `obfuscated` is true when any occurrence of the number was disguised.
pub fn find_phones(text: &str) -> Vec<Phone> {
    let cleaned = clean_mapped(text);
    let blocked = blocked_ranges(&cleaned.text);
    let mut found = Vec::new();
    scan(&cleaned.text, &blocked, |run| {
        find_in_run(run, text, &cleaned, &mut found)
    });
    dedup(found)
}

/// Numbers in link targets and attribute values: `tel:`/`sms:` links, `wa.me/…`,
/// WhatsApp/Viber `phone=`/`number=` parameters, `t.me/+…`, `signal.me/#p/+…`; other
/// non-URL values are scanned as free text. Web URLs are skipped (ids look like numbers).
pub fn phones_from_links(links: &[String]) -> Vec<Phone> {
    let mut found = Vec::new();
    for link in links.iter().map(|l| l.trim()) {
        let lower = link.to_ascii_lowercase();
        let head = |s: &'_ str| {
            s.split(['/', '?', '#', ';'])
                .next()
                .unwrap_or("")
                .to_string()
        };
        let scheme = ["tel:", "callto:", "sms:", "smsto:", "facetime:"]
            .into_iter()
            .find(|s| lower.starts_with(s));
        // `(number as written, digits without prefix are international)`
        let number = if let Some(s) = scheme {
            Some((head(&link[s.len()..]), false))
        } else if let Some(p) = lower.find("wa.me/") {
            Some((head(&link[p + 6..]), true))
        } else if let Some(p) = lower.find("t.me/+").or(lower.find("signal.me/#p/+")) {
            Some((head(&link[p + lower[p..].find('+').unwrap_or(0)..]), true))
        } else if lower.contains("whatsapp") || lower.starts_with("viber:") {
            query_param(link, &["phone", "number"]).map(|v| (v.to_string(), true))
        } else if !lower.contains("://") && !lower.starts_with(['/', '#', '?']) {
            found.extend(find_phones(&percent_decode(link)));
            None
        } else {
            None
        };
        if let Some((number, international)) = number {
            let raw = percent_decode(&number).trim().to_string();
            found.extend(parse_field(&raw, international).map(|p| Phone { raw, ..p }));
        }
    }
    dedup(found)
}

/// Parses one number field (a register cell such as `06-12345678`, `+31 10 123 4567`);
/// default region NL. Letters are not accepted. Also accepts a Dutch number whose leading
/// zero was lost (`612345678`) or an international number without `+` (`31612345678`).
pub fn parse_phone(s: &str) -> Option<Phone> {
    let raw = s.trim().to_string();
    parse_field(&raw, false).map(|p| Phone { raw, ..p })
}

// ---------------------------------------------------------------- numbering plan

/// A plan pattern anchored at both ends, with the lengths the metadata allows.
struct Pattern(Regex, Vec<u16>);

impl Pattern {
    fn new(d: &Descriptor) -> Option<Pattern> {
        // The metadata patterns contain layout whitespace.
        let p: String = d.national_number().as_str().split_whitespace().collect();
        Some(Pattern(
            Regex::new(&format!("^(?:{p})$")).ok()?,
            d.possible_length().to_vec(),
        ))
    }

    fn matches(&self, nsn: &str) -> bool {
        (self.1.is_empty() || self.1.contains(&(nsn.len() as u16))) && self.0.is_match(nsn)
    }
}

/// One region's patterns.
struct RegionPlan {
    id: String,
    leading: Option<Regex>,
    general: Pattern,
    /// In libphonenumber's order of precedence; fixed line and mobile come last.
    types: Vec<(Type, Pattern)>,
}

impl RegionPlan {
    fn new(m: &Metadata) -> Option<RegionPlan> {
        let d = m.descriptors();
        let types = [
            (Type::PremiumRate, d.premium_rate()),
            (Type::TollFree, d.toll_free()),
            (Type::SharedCost, d.shared_cost()),
            (Type::Voip, d.voip()),
            (Type::PersonalNumber, d.personal_number()),
            (Type::Pager, d.pager()),
            (Type::Uan, d.uan()),
            (Type::Voicemail, d.voicemail()),
            (Type::FixedLine, d.fixed_line()),
            (Type::Mobile, d.mobile()),
        ];
        let leading = m
            .leading_digits()
            .map(|l| l.as_str().split_whitespace().collect::<String>());
        Some(RegionPlan {
            id: m.id().to_string(),
            leading: leading.and_then(|l| Regex::new(&format!("^(?:{l})")).ok()),
            general: Pattern::new(d.general())?,
            types: types
                .into_iter()
                .filter_map(|(t, d)| Some((t, Pattern::new(d?)?)))
                .collect(),
        })
    }

    /// The type of a national significant number, `Unknown` unless it fully matches.
    fn number_type(&self, nsn: &str) -> Type {
        if !self.general.matches(nsn) {
            return Type::Unknown;
        }
        let mobile = || {
            self.types
                .iter()
                .any(|(t, p)| *t == Type::Mobile && p.matches(nsn))
        };
        match self.types.iter().find(|(_, p)| p.matches(nsn)) {
            Some((Type::FixedLine, _)) if mobile() => Type::FixedLineOrMobile,
            Some((t, _)) => *t,
            None => Type::Unknown,
        }
    }
}

type Plans = Arc<Vec<RegionPlan>>;
static PLANS: LazyLock<RwLock<HashMap<u16, Plans>>> = LazyLock::new(Default::default);

/// The plans of every region sharing a country calling code, compiled on first use.
fn plans(code: u16) -> Plans {
    if let Some(p) = PLANS.read().unwrap_or_else(|e| e.into_inner()).get(&code) {
        return p.clone();
    }
    let metas: Vec<&Metadata> = match DATABASE.region(&code) {
        Some(ids) if ids != ["001"] => ids.iter().filter_map(|id| DATABASE.by_id(*id)).collect(),
        _ => DATABASE.by_code(&code).unwrap_or_default(),
    };
    let p = Arc::new(metas.into_iter().filter_map(RegionPlan::new).collect());
    PLANS
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .entry(code)
        .or_insert(p)
        .clone()
}

/// Validates a national significant number under a country calling code.
fn validate(code: u16, nsn: &str) -> Option<Phone> {
    if !(2..=17).contains(&nsn.len()) || !nsn.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let plans = plans(code);
    let region = match plans.as_slice() {
        [one] => one,
        many => many.iter().find(|p| match &p.leading {
            Some(l) => l.is_match(nsn),
            None => p.number_type(nsn) != Type::Unknown,
        })?,
    };
    let t = region.number_type(nsn);
    let kind = match t {
        _ if region.id == "NL" => nl_kind(nsn, t)?,
        Type::Unknown => return None,
        Type::Mobile => PhoneKind::Mobile,
        Type::FixedLine => PhoneKind::Fixed,
        Type::Voip => PhoneKind::Voip,
        Type::PremiumRate => PhoneKind::Premium,
        Type::TollFree => PhoneKind::Tollfree,
        _ => PhoneKind::Other, // fixed-or-mobile, shared cost, pager, UAN, personal …
    };
    let (e164, raw, country) = (format!("+{code}{nsn}"), String::new(), region.id.clone());
    Some(Phone {
        e164,
        raw,
        kind,
        country,
        obfuscated: false,
    })
}

/// Kind per the Dutch numbering plan; 0800/090x take 4 or 7 subscriber digits only.
fn nl_kind(nsn: &str, t: Type) -> Option<PhoneKind> {
    use PhoneKind::*;
    let p = |s: &str| nsn.starts_with(s);
    if t == Type::Unknown || (p("800") || p("90")) && ![7, 10].contains(&nsn.len()) {
        return None;
    }
    Some(match t {
        _ if p("66") || p("97") => Other, // pagers, M2M
        _ if p("6") => Mobile,
        _ if p("85") || p("88") || p("91") => Voip, // 088: company numbers
        _ if p("800") => Tollfree,
        Type::PremiumRate => Premium,
        Type::FixedLine => Fixed,
        _ => Other,
    })
}

/// Digits after `+` or `00`: country code (codes are prefix-free) and national number;
/// a trunk `0` after the code (`+31 (0)6…`) is dropped when the number needs it.
fn international(d: &str) -> Option<Phone> {
    if d.starts_with('0') {
        return None;
    }
    let (code, len) = (1..=3.min(d.len().saturating_sub(1))).find_map(|l| {
        let code: u16 = d[..l].parse().ok()?;
        DATABASE.region(&code).map(|_| (code, l))
    })?;
    let nsn = &d[len..];
    validate(code, nsn).or_else(|| validate(code, nsn.strip_prefix('0')?))
}

/// Digits as written without `+`: `00…` is international, `0…` Dutch.
fn interpret(digits: &str, plus: bool) -> Option<Phone> {
    match digits.strip_prefix('0') {
        _ if plus => international(digits),
        Some(rest) if rest.starts_with('0') => international(&rest[1..]),
        Some(nsn) if (7..=11).contains(&nsn.len()) => validate(31, nsn),
        _ => None,
    }
}

/// One number field: digits, separators and an optional leading `+`, nothing else.
/// `international_first`: digits without prefix are read as `cc + number` first.
fn parse_field(s: &str, international_first: bool) -> Option<Phone> {
    let c = clean(s);
    let body = c.trim();
    let body = match body.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("tel:") => &body[4..],
        _ => body,
    };
    let (mut digits, mut plus) = (String::new(), false);
    for ch in body.chars() {
        match ch {
            '0'..='9' => digits.push(ch),
            '+' if digits.is_empty() && !plus => plus = true,
            ' ' | '\t' | '-' | '–' | '.' | '/' | '(' | ')' => {}
            _ => return None,
        }
    }
    let nl = || validate(31, &digits);
    match () {
        _ if plus || digits.starts_with('0') => interpret(&digits, plus),
        _ if international_first => international(&digits).or_else(nl),
        _ => nl().or_else(|| international(&digits)),
    }
}

// ---------------------------------------------------------------- free text

/// Spans that are never phone numbers: dates, times, prices, IBAN and VAT numbers.
fn blocked_ranges(t: &str) -> Vec<Range<usize>> {
    static DATE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?-u:\b)(\d{1,2})([-./])(\d{1,2})([-./])(\d{4}|\d{2})(?-u:\b)").unwrap()
    });
    static OTHER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(concat!(
            r"(?i)(?-u:\b)(?:19|20)\d\d([-./])\d{1,2}[-./]\d{1,2}(?-u:\b)",
            r"|€\s*\d[\d.,]*(?:,-)?|(?-u:\b)\d[\d.,]*(?:,-)?\s*(?:€|euros?(?-u:\b)|eur(?-u:\b))",
            r"|(?-u:\b)\d+[.,]-",
            r"|(?-u:\b)\d{1,2}[:.]\d\d\s*(?:-|–|—|tot|t/m|to|till)\s*\d{1,2}[:.]\d\d(?-u:\b)",
            r"|(?-u:\b)\d{1,2}[:.]\d\d\s*(?:uur|u|h)(?-u:\b)",
            r"|(?-u:\b)(?-i:[A-Z]{2}\d\d(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?)(?-u:\b)",
            r"|(?-u:\b)NL\d{9}B\d\d(?-u:\b)",
        ))
        .unwrap()
    });
    let b = t.as_bytes();
    // A date is not part of a longer `06.12.34.56.78`.
    let sep_digit =
        |i: usize| i + 1 < b.len() && b"-./".contains(&b[i]) && b[i + 1].is_ascii_digit();
    let mut out: Vec<Range<usize>> = OTHER.find_iter(t).map(|m| m.range()).collect();
    for c in DATE.captures_iter(t) {
        let (m, n) = (c.get(0).unwrap(), |i: usize| {
            c[i].parse::<u32>().unwrap_or(0)
        });
        if (1..=31).contains(&n(1))
            && (1..=12).contains(&n(3))
            && c[2] == c[4]
            && (c[5].len() == 2 || (1900..2100).contains(&n(5)))
            && !sep_digit(m.end())
            && !(m.start() >= 2 && b[m.start() - 2].is_ascii_digit() && sep_digit(m.start() - 1))
        {
            out.push(m.range());
        }
    }
    out.sort_by_key(|r| r.start);
    out
}

/// Separators seen before a digit group.
#[derive(Debug, Default, Clone, Copy)]
struct Gap {
    spaces: u8,
    punct: u8,
    newline: bool,
    slash: bool,
    /// `*`, `_`, `|` and the like: only used to disguise.
    odd: bool,
    plus: bool,
}

/// A run of digits (or digit stand-ins) that may be part of a number.
#[derive(Debug)]
struct Group {
    /// Cleaned byte range; starts at the `+` when there is one.
    span: Range<usize>,
    digits: String,
    /// Letters stood for digits (`O6-l2345678`).
    letters: bool,
    /// A number word (`nul`, `zes`).
    words: bool,
    /// Only letters (`O`, `l`): may not start or end a number.
    letter_only: bool,
    /// `31612345678` written without `+`.
    glued_intl: bool,
    gap: Gap,
}

/// Splits cleaned text into runs of groups joined by separators and calls `on_run`.
fn scan(t: &str, blocked: &[Range<usize>], mut on_run: impl FnMut(&[Group])) {
    let (mut run, mut gap, mut plus_at) = (Vec::<Group>::new(), Gap::default(), None);
    let mut flush = |run: &mut Vec<Group>, gap: &mut Gap| {
        if run.iter().any(|g| !g.letter_only) {
            on_run(run);
        }
        run.clear();
        *gap = Gap::default();
    };
    let (mut i, mut bi) = (0, 0);
    while i < t.len() {
        while bi < blocked.len() && blocked[bi].end <= i {
            bi += 1;
        }
        if bi < blocked.len() && blocked[bi].start <= i {
            flush(&mut run, &mut gap);
            (i, plus_at) = (blocked[bi].end, None);
            continue;
        }
        let c = t[i..].chars().next().unwrap_or(' ');
        if c.is_alphanumeric() {
            let end = t[i..]
                .find(|c: char| !c.is_alphanumeric())
                .map_or(t.len(), |e| i + e);
            match classify(&t[i..end]) {
                Some((off, mut g)) => {
                    if off > 0 {
                        flush(&mut run, &mut gap); // glued to a label word: starts a run
                    }
                    let plus = plus_at.filter(|_| off == 0);
                    g.gap = Gap {
                        plus: plus.is_some(),
                        ..gap
                    };
                    g.span = plus.unwrap_or(i + off)..end;
                    run.push(g);
                    gap = Gap::default();
                }
                None => flush(&mut run, &mut gap),
            }
            (i, plus_at) = (end, None);
            continue;
        }
        let punct = |g: &mut Gap| {
            g.punct += 1;
            g.punct <= 3
        };
        let ok = match c {
            ' ' | '\t' => {
                gap.spaces += 1;
                gap.spaces <= 3
            }
            '\r' => true,
            '\n' => !std::mem::replace(&mut gap.newline, true),
            '-' | '‐' | '‑' | '‒' | '–' | '—' | '.' | '(' | ')' | '[' | ']' => {
                punct(&mut gap)
            }
            '/' | '\\' => {
                gap.slash = true;
                punct(&mut gap)
            }
            '*' | '_' | '|' | '~' | '·' | '•' => {
                gap.odd = true;
                punct(&mut gap)
            }
            '+' => {
                let prev_alnum = t[..i]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric);
                let next = t[i + 1..].strip_prefix(' ').unwrap_or(&t[i + 1..]);
                plus_at =
                    (!prev_alnum && next.starts_with(|c: char| c.is_ascii_digit())).then_some(i);
                plus_at.is_some()
            }
            _ => false,
        };
        if !ok {
            flush(&mut run, &mut gap);
            plus_at = None;
        }
        i += c.len_utf8();
    }
    flush(&mut run, &mut gap);
}

/// Words glued to a number that still announce it (`tel0612345678`).
const GLUED_LABELS: &[&str] = &[
    "telefoon", "telnr", "tel", "belme", "bel", "callme", "call", "whatsapp", "app", "wa",
    "mobiel", "mob", "gsm", "sms", "phone", "nummer", "nr",
];

/// Classifies an alphanumeric word as a digit group: `(offset of the digits, group)`.
fn classify(word: &str) -> Option<(usize, Group)> {
    let group = |digits: String, letters: bool, words: bool, letter_only| Group {
        span: 0..0,
        glued_intl: digits.len() == 11 && digits.starts_with("316") && !letters && !words,
        digits,
        letters,
        words,
        letter_only,
        gap: Gap::default(),
    };
    let as_digit = |c: char| match c {
        '0'..='9' => Some(c),
        'O' | 'o' | 'О' | 'о' | 'Ο' | 'ο' => Some('0'), // Latin, Cyrillic, Greek
        'l' | 'I' => Some('1'),
        _ => None,
    };
    let real = word.bytes().filter(u8::is_ascii_digit).count();
    let mapped = word.chars().map(as_digit).collect::<Option<String>>();
    match mapped {
        Some(d) if real == 0 && d.len() <= 2 => Some((0, group(d, true, false, true))),
        Some(d) if real > 0 => {
            let letters = d.len() - real;
            (letters <= real).then(|| (0, group(d, letters > 0, false, false)))
        }
        _ if real == 0 && word.len() <= 9 => {
            let d = number_word(&word.to_lowercase())?;
            Some((0, group(d.to_string(), false, true, false)))
        }
        _ if real == 0 => None,
        _ => {
            let lower = word.to_ascii_lowercase();
            let label = GLUED_LABELS.iter().find(|l| lower.starts_with(*l))?;
            let (_, g) = classify(&word[label.len()..])?;
            (!g.words && g.digits.len() >= 6).then_some((label.len(), g))
        }
    }
}

fn can_start(g: &Group) -> bool {
    !g.letter_only && (g.gap.plus || g.glued_intl || g.digits.starts_with('0'))
}

/// Every valid number starting at group `i`: `(last group, number)`, shortest first.
fn candidates(run: &[Group], i: usize) -> Vec<(usize, Phone)> {
    let (first, mut digits, mut out) = (&run[i], String::new(), Vec::new());
    // `01 02 03 04 05` is no notation: Dutch area codes are never split.
    let split_area =
        !first.gap.plus && first.digits.len() == 2 && !matches!(&*first.digits, "06" | "00");
    for (j, g) in run.iter().enumerate().skip(i) {
        digits.push_str(&g.digits);
        if j > i && g.gap.plus || digits.len() > 17 || first.glued_intl && j > i {
            break;
        } else if first.glued_intl {
            out.extend(international(&digits).map(|v| (j, v)));
        } else if !g.letter_only && (j == i || !split_area) {
            out.extend(interpret(&digits, first.gap.plus).map(|v| (j, v)));
        }
    }
    out
}

/// The longest valid number from group `i`, unless a shorter one leaves the next groups
/// to form a number of their own (`06-12345678 / 06-87654321`).
fn best_from(run: &[Group], i: usize) -> Option<(usize, Phone)> {
    let mut c = candidates(run, i);
    let last = c.len().checked_sub(1)?;
    let starts = |k: usize| k < run.len() && can_start(&run[k]) && !candidates(run, k).is_empty();
    match (0..last).find(|&k| starts(c[k].0 + 1)) {
        Some(k) => Some(c.swap_remove(k)),
        None => c.pop(),
    }
}

fn find_in_run(run: &[Group], orig: &str, cleaned: &Cleaned, out: &mut Vec<Phone>) {
    let t = cleaned.text.as_str();
    let mut i = 0;
    while i < run.len() {
        let Some((j, p)) = Some(i)
            .filter(|&i| can_start(&run[i]))
            .and_then(|i| best_from(run, i))
        else {
            i += 1;
            continue;
        };
        let gs = &run[i..=j];
        let mut span = gs[0].span.start..gs[gs.len() - 1].span.end;
        if !labelled(&t[..span.start]) {
            let inner = &t[span.clone()];
            let count = |set: [char; 2]| inner.matches(set).count();
            if count([')', ']']) > count(['(', '[']) && t[..span.start].ends_with(['(', '[']) {
                span.start -= 1; // `(+31)6…`: keep the opening parenthesis in `raw`
            }
            let obfuscated = gs.iter().any(|g| g.letters || g.words)
                || gs[1..].iter().any(|g| g.gap.newline || g.gap.odd)
                || gs[1..].iter().filter(|g| g.gap.slash).count() >= 2
                || gs.iter().filter(|g| g.digits.len() == 1).count() >= 3
                || cleaned.disguised(span.clone());
            let raw = orig[cleaned.original_range(span)].to_string();
            out.push(Phone {
                raw,
                obfuscated,
                ..p
            });
        }
        i = j + 1;
    }
}

/// Whether `before` ends with the label of a number that is not a phone (advert,
/// reference, customer, order, KvK, VAT, licence … numbers).
fn labelled(before: &str) -> bool {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(concat!(
            r"(?i)\b(?:(?:advertenties?|advert|advertisement|ad|klant|customer|order|bestel",
            r"|bestelling|account|artikel|product|lid|dossier|zaak|transactie|factuur|invoice",
            r"|rekening)\s*[.\-]?\s*(?:nummer|nr|no|number|num|id|#)",
            r"|(?:ref|referentie|reference|kvk|k\.v\.k|coc|btw|vat|iban|kenmerk|\w*vergunnings?",
            r"|verg|licentie|licen[cs]e|permit|registratie|registration|reg|postcode)",
            r"\s*[.\-]?\s*(?:nummer|nr|no|number|num|id|#)?)\.?\s*[:#=.\-]*\s*$",
        ))
        .unwrap()
    });
    let mut from = before.len().saturating_sub(48);
    while !before.is_char_boundary(from) {
        from += 1;
    }
    LABEL.is_match(&before[from..])
}

fn dedup(found: Vec<Phone>) -> Vec<Phone> {
    let (mut index, mut out) = (HashMap::<String, usize>::new(), Vec::<Phone>::new());
    for p in found {
        match index.get(&p.e164) {
            Some(&k) => out[k].obfuscated |= p.obfuscated,
            None => {
                index.insert(p.e164.clone(), out.len());
                out.push(p);
            }
        }
    }
    out
}

fn query_param<'a>(url: &'a str, names: &[&str]) -> Option<&'a str> {
    let query = &url[url.find('?')? + 1..];
    query.split(['&', '#']).find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        names.iter().any(|n| k.eq_ignore_ascii_case(n)).then_some(v)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use PhoneKind::*;

    /// Items of a test table: one per line, several per line separated by ` | `.
    fn items(table: &str) -> impl Iterator<Item = &str> {
        table
            .lines()
            .flat_map(|l| l.split(" | "))
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    fn e164s(text: &str) -> Vec<String> {
        find_phones(text).into_iter().map(|p| p.e164).collect()
    }

    /// The single number in `text` as `e164 kind country obfuscated`.
    fn one(text: &str) -> String {
        let found = find_phones(text);
        assert_eq!(found.len(), 1, "{text:?} gave {found:?}");
        let p = &found[0];
        format!(
            "{} {} {} {}",
            p.e164,
            p.kind.as_str(),
            p.country,
            p.obfuscated
        )
    }

    #[test]
    fn dutch_mobile_notations() {
        let table = "06-12345678 | 06 1234 5678 | 0612345678 | +31612345678 | +31 6 12345678
            0031612345678 | 0031 6 12345678 | +31 (0)6 1234 5678 | (+31)6 12345678
            (+31) 6-12345678 | 06.12.34.56.78 | 06 12 34 56 78 | 06/12345678 | (06) 12345678
            +31 06 12345678 | +31-6-1234-5678 | 06–12345678 | 06\u{A0}12345678
            06-12-34-56-78 | [06] 1234-5678 | 06 - 1234 5678";
        for s in items(table) {
            let text = format!("Bel me: {s}!");
            assert_eq!(one(&text), "+31612345678 mobile NL false", "{s}");
            assert_eq!(find_phones(&text)[0].raw, s);
        }
    }

    #[test]
    fn dutch_other_numbers_and_kinds() {
        let table = "010-1234567 +31101234567 fixed | 020 123 4567 +31201234567 fixed
            (020) 123 45 67 +31201234567 fixed | 0345-123456 +31345123456 fixed
            085-1234567 +31851234567 voip | 088 123 4567 +31881234567 voip
            091-1234567 +31911234567 voip | 0800-1234 +318001234 tollfree
            0800-1234567 +318001234567 tollfree | 0900-1234567 +319001234567 premium
            0906-1234 +319061234 premium | 0909 123 4567 +319091234567 premium
            0970 1234 5678 +3197012345678 other | 066-1234567 +31661234567 other";
        for item in items(table) {
            let (s, rest) = item.split_at(item.find(" +").unwrap());
            let (e164, kind) = rest.trim().split_once(' ').unwrap();
            assert_eq!(one(s), format!("{e164} {kind} NL false"), "{s}");
        }
        for s in items("0800-12345 | 0900-123456 | 010-123456 | 06-1234567 | 0612-34567") {
            assert!(find_phones(s).is_empty(), "{s}");
        }
    }

    #[test]
    fn international_numbers() {
        let table = "+48 512 345 678 = +48512345678 PL | 0048 512 345 678 = +48512345678 PL
            (+48) 512-345-678 = +48512345678 PL | +40 712 345 678 = +40712345678 RO
            +359 87 123 4567 = +359871234567 BG | +36 20 123 4567 = +36201234567 HU
            +421 912 123 456 = +421912123456 SK | +49 151 12345678 = +4915112345678 DE
            +32 470 12 34 56 = +32470123456 BE | +34 612 34 56 78 = +34612345678 ES
            +44 (0)7400 123456 = +447400123456 GB | +33 6 12 34 56 78 = +33612345678 FR
            +380 50 123 4567 = +380501234567 UA";
        for item in items(table) {
            let (s, rest) = item.split_once(" = ").unwrap();
            let (e164, cc) = rest.split_once(' ').unwrap();
            assert_eq!(one(s), format!("{e164} mobile {cc} false"), "{s}");
        }
        assert_eq!(one("+49 30 1234567"), "+49301234567 fixed DE false");
        assert_eq!(one("+32 2 512 34 56"), "+3225123456 fixed BE false");
    }

    #[test]
    fn obfuscated_forms() {
        let table = "O6-l2345678 | 06-l2345678 | O6 l234 5678 | 0 6 1 2 3 4 5 6 7 8
            0 6 - 1 2 3 4 5 6 7 8 | 06*12*34*56*78 | 06/12/34/56/78 | 06_1234_5678
            06\u{200B}1234\u{200C}5678 | 06-1234\u{AD}5678 | 06\u{2060}12345678
            nul zes 12345678 | nul zes een twee drie vier vijf zes zeven acht
            zero six one two three four five six seven eight | Nul-Zes twaalf 34 56 78
            zero 6 12345678 | ０６－１２３４５６７８ | 𝟎𝟔 𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖 | ⓪⑥①②③④⑤⑥⑦⑧ | 0\u{332}6\u{332}1\u{332}2\u{332}34\u{332}5678
            0\u{FE0F}\u{20E3}6\u{FE0F}\u{20E3}1\u{20E3}2\u{20E3}3\u{20E3}4\u{20E3}5\u{20E3}6\u{20E3}7\u{20E3}8\u{20E3}";
        for s in items(table).chain(["06-1234\n5678", "06 1234\r\n 5678"]) {
            assert_eq!(
                one(&format!("bel {s} nu")),
                "+31612345678 mobile NL true",
                "{s}"
            );
        }
        // `raw` is the text as it stood, invisible characters included.
        assert_eq!(
            find_phones("x 06\u{200B}12345678 y")[0].raw,
            "06\u{200B}12345678"
        );
        // Letters only count inside digit runs; words are no numbers.
        assert!(find_phones("Olga en Lola, lol, OOO, Ilse").is_empty());
    }

    #[test]
    fn not_phones() {
        let table = "€150 | € 150,- | 150 euro | 1.500,- | €0,50 p/m | 12-05-2026 | 2026-05-12
            06-12-2024 | 01-05-2026 21:00 | 21:00-06:00 | 21.00 - 06.00 uur | 10.00 tot 02.00
            23 jaar | 1.75 m | 75C | 36-24-36 | 3011 AB 12 | KvK 12345678 | KvK-nummer: 87654321
            KvK-nummer: 0612345678 | K.v.K. 0201234567 | NL91ABNA0417164300
            NL91 ABNA 0417 1643 00 | NL02 RABO 0123 4567 89 | NL123456789B01
            BTW: NL061234567B01 | advertentie 12345678 | Advertentienummer: 0612345678
            advertentie-id 0612345678 | ref. 0612345678 | Ref: 06-12345678
            klantnummer 0612345678 | ordernummer: 0612345678 | Vergunningnummer: 0612-2024-15
            exploitatievergunning 0612-2024-15 | Registratienummer 0612345678 | 06-1234567B
            0612345678B | order0612345678 | 0612345678901234 | 18+ | 01 02 2026 | 01 02 03 04 05";
        for s in items(table) {
            assert!(find_phones(s).is_empty(), "{s:?} gave {:?}", find_phones(s));
        }
    }

    #[test]
    fn phone_among_noise() {
        let ad = "Nieuw! Lisa (23 jaar, 1.75 m, 75C). €150 p/u, 1.500,- per nacht. \
            Open 21:00-06:00, 12-05-2026. Postcode 3011 AB 12. KvK 12345678, \
            IBAN NL91ABNA0417164300, BTW NL123456789B01, advertentie 12345678, \
            ref. 0687654321. Vergunningnummer: 0612-2024-15. Bel 06 - 1234 5678!";
        assert_eq!(e164s(ad), ["+31612345678"]);
    }

    #[test]
    fn several_numbers_dedup_and_order() {
        let t =
            "Bel 020-1234567 of 06-12345678 / 06-87654321. App 0612345678, 0612345678/0201234567";
        assert_eq!(e164s(t), ["+31201234567", "+31612345678", "+31687654321"]);
        let found = find_phones("Bel 06-12345678 of O6-l2345678");
        assert_eq!(
            (found.len(), found[0].raw.as_str(), found[0].obfuscated),
            (1, "06-12345678", true)
        );
        assert_eq!(
            e164s("+31 6 12345678 +32 470 12 34 56"),
            ["+31612345678", "+32470123456"]
        );
        assert_eq!(
            e164s("tel0612345678 en bel:0687654321"),
            ["+31612345678", "+31687654321"]
        );
        assert_eq!(e164s("app 31612345678"), ["+31612345678"]);
    }

    #[test]
    fn validation_gaps_of_phonenumber_crate() {
        let nl = Some(phonenumber::country::Id::NL);
        let crate_valid = |s: &str| phonenumber::parse(nl, s).is_ok_and(|n| n.is_valid());
        // Keypad letters: the crate reads B as 2; we accept no letters but O/o/l/I.
        assert!(crate_valid("06-1234567B"));
        assert_eq!(parse_phone("06-1234567B"), None);
        assert!(find_phones("06-1234567B").is_empty());
        // Too long: the crate anchors plan patterns only at the start.
        assert!(crate_valid("+3161234567890"));
        assert_eq!(parse_phone("+3161234567890"), None);
        for s in items("06-123456789 | 06 1234567890 | +31 6 123456789 | 020-12345678") {
            assert!(find_phones(s).is_empty(), "{s}");
        }
        // Full-width digits: the crate refuses them; we normalise with NFKC first.
        assert!(!crate_valid("０６１２３４５６７８"));
        assert_eq!(
            parse_phone("０６１２３４５６７８").unwrap().e164,
            "+31612345678"
        );
    }

    #[test]
    fn parse_phone_fields() {
        let p = parse_phone("  06-12345678 ").unwrap();
        assert_eq!(
            (p.e164.as_str(), p.raw.as_str(), p.obfuscated),
            ("+31612345678", "06-12345678", false)
        );
        let p = parse_phone("+31 10 123 4567").unwrap();
        assert_eq!(
            (p.e164.as_str(), p.kind, p.country.as_str()),
            ("+31101234567", Fixed, "NL")
        );
        let table = "010-1234567 = +31101234567 | 612345678 = +31612345678
            31612345678 = +31612345678 | 0031 6 12345678 = +31612345678
            +32 470 12 34 56 = +32470123456 | tel:0612345678 = +31612345678
            (0)6-12345678 = +31612345678 | 0800 1234 = +318001234";
        for item in items(table) {
            let (s, e164) = item.split_once(" = ").unwrap();
            assert_eq!(parse_phone(s).map(|p| p.e164).as_deref(), Some(e164), "{s}");
        }
        let bad = "abc | 12345 | 06-1234567 | 0612345678x | 06 12345678 / 0201234567 | O6-12345678";
        for s in items(bad).chain([""]) {
            assert_eq!(parse_phone(s), None, "{s}");
        }
    }

    #[test]
    fn links() {
        let links = "tel:+31612345678 | tel:06-87654321 | https://wa.me/31611111111?text=hoi
            https://api.whatsapp.com/send?phone=31622222222&text=x
            whatsapp://send?phone=%2B31633333333 | viber://chat?number=%2B48512345678
            https://t.me/+31644444444 | sms:0655555555?body=hoi | https://x.nl/ad/0666666666
            /advertentie/0677777777 | Bel 06-12345678 | 31688888888";
        let links: Vec<String> = items(links).map(String::from).collect();
        let found = phones_from_links(&links);
        let got: Vec<String> = found
            .iter()
            .map(|p| format!("{} {}", p.e164, p.raw))
            .collect();
        let want = "+31612345678 +31612345678 | +31687654321 06-87654321
            +31611111111 31611111111 | +31622222222 31622222222 | +31633333333 +31633333333
            +48512345678 +48512345678 | +31644444444 +31644444444 | +31655555555 0655555555
            +31688888888 31688888888";
        assert_eq!(got, items(want).collect::<Vec<_>>());
        assert!(found.iter().all(|p| !p.obfuscated));
    }

    #[test]
    fn hostile_input_stays_linear() {
        let t = std::time::Instant::now();
        assert!(find_phones(&"0 ".repeat(50_000)).is_empty());
        assert!(find_phones(&"06 ".repeat(50_000)).is_empty());
        assert!(find_phones(&"1".repeat(100_000)).is_empty());
        let many: String = (0..5000).map(|i| format!("06-1234{i:04} ")).collect();
        assert_eq!(find_phones(&many).len(), 5000);
        assert!(
            t.elapsed() < std::time::Duration::from_secs(10),
            "{:?}",
            t.elapsed()
        );
    }
}
