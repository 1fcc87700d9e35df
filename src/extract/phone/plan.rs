//! The numbering plan: full-length validation of a number against the libphonenumber
//! metadata, and the [`PhoneKind`] it maps to (with the Dutch plan's own rules).

use std::sync::OnceLock;

use phonenumber::metadata::{Descriptor, Metadata, DATABASE};
use phonenumber::Type;
use regex::Regex;
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::util::pool::Pool;
use regex_automata::{nfa::thompson, util::syntax, Anchored, Input, MatchKind};

use crate::extract::text::clean;
use crate::extract::{Phone, PhoneKind};

/// A plan pattern's source (layout whitespace removed) and the lengths the metadata allows.
struct Pattern(String, Vec<u16>);

impl Pattern {
    fn new(d: &Descriptor) -> Pattern {
        // The metadata patterns contain layout whitespace.
        let p: String = d.national_number().as_str().split_whitespace().collect();
        Pattern(p, d.possible_length().to_vec())
    }

    /// Whether the metadata allows a number of this length.
    fn possible(&self, nsn: &str) -> bool {
        self.1.is_empty() || self.1.contains(&(nsn.len() as u16))
    }
}

type CachePool = Pool<Cache, Box<dyn Fn() -> Cache + Send + Sync>>;

/// One region's patterns.
struct RegionPlan {
    id: String,
    leading: Option<Regex>,
    /// Pattern 0 of [`RegionPlan::dfa`]: the general description every valid number fits.
    general: Pattern,
    /// Patterns 1.. of the DFA, in libphonenumber's order of precedence; fixed line and
    /// mobile come last.
    types: Vec<(Type, Pattern)>,
    /// Every pattern of the region, anchored at both ends, in one lazy DFA that reports
    /// all patterns matching a number in one pass over its digits. (A `RegexSet` plus a
    /// `Regex` did the same in two searches, the set allocating its answer: validation
    /// took 8 % of extraction time, now under 3 %.)
    dfa: DFA,
    caches: CachePool,
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
        let types: Vec<(Type, Pattern)> = types
            .into_iter()
            .filter_map(|(t, d)| Some((t, Pattern::new(d?))))
            .collect();
        let general = Pattern::new(d.general());
        let sources: Vec<String> = std::iter::once(&general)
            .chain(types.iter().map(|(_, p)| p))
            .map(|p| format!("^(?:{})$", p.0))
            .collect();
        // At most 64 patterns: one bit each in `matching`.
        if sources.len() > 64 {
            return None;
        }
        let dfa = DFA::builder()
            .configure(DFA::config().match_kind(MatchKind::All))
            // Numbers are ASCII digits: `\d` need not match other scripts' digits.
            .syntax(syntax::Config::new().unicode(false).utf8(false))
            .thompson(thompson::Config::new().utf8(false))
            .build_many(&sources)
            .ok()?;
        let for_pool = dfa.clone();
        Some(RegionPlan {
            id: m.id().to_string(),
            leading: leading.and_then(|l| Regex::new(&format!("^(?:{l})")).ok()),
            general,
            types,
            caches: Pool::new(Box::new(move || for_pool.create_cache())),
            dfa,
        })
    }

    /// The patterns (bit 0: general, bit k: `types[k - 1]`) that match all of `nsn`.
    /// A lazy DFA gives up only when its cache thrashes, which ten digits cannot cause;
    /// if it ever did, the number counts as matching nothing.
    fn matching(&self, nsn: &str) -> u64 {
        let (dfa, mut cache) = (&self.dfa, self.caches.get());
        let walk = |cache: &mut Cache| -> Option<u64> {
            let input = Input::new(nsn).anchored(Anchored::Yes);
            let mut sid = dfa.start_state_forward(cache, &input).ok()?;
            for &b in nsn.as_bytes() {
                sid = dfa.next_state(cache, sid, b).ok()?;
                if sid.is_dead() {
                    return Some(0);
                }
            }
            sid = dfa.next_eoi_state(cache, sid).ok()?;
            let mut set = 0;
            if sid.is_match() {
                for k in 0..dfa.match_len(cache, sid) {
                    set |= 1 << dfa.match_pattern(cache, sid, k).as_usize();
                }
            }
            Some(set)
        };
        walk(&mut cache).unwrap_or(0)
    }

    /// The type of a national significant number, `Unknown` unless it fully matches.
    fn number_type(&self, nsn: &str) -> Type {
        let set = self.matching(nsn);
        if set & 1 == 0 || !self.general.possible(nsn) {
            return Type::Unknown;
        }
        let matching = |k: usize, p: &Pattern| set & (1 << (k + 1)) != 0 && p.possible(nsn);
        let mobile = || {
            let mut types = self.types.iter().enumerate();
            types.any(|(k, (t, p))| *t == Type::Mobile && matching(k, p))
        };
        let mut types = self.types.iter().enumerate();
        match types.find(|(k, (_, p))| matching(*k, p)).map(|(_, tp)| tp) {
            Some((Type::FixedLine, _)) if mobile() => Type::FixedLineOrMobile,
            Some((t, _)) => *t,
            None => Type::Unknown,
        }
    }
}

/// The plans of every region sharing a country calling code (1 to 999), compiled on
/// first use; one slot per code, read without a lock.
fn plans(code: u16) -> &'static [RegionPlan] {
    static PLANS: [OnceLock<Vec<RegionPlan>>; 1000] = [const { OnceLock::new() }; 1000];
    let Some(slot) = PLANS.get(usize::from(code)) else {
        return &[];
    };
    slot.get_or_init(|| {
        let metas: Vec<&Metadata> = match DATABASE.region(&code) {
            Some(ids) if ids != ["001"] => {
                ids.iter().filter_map(|id| DATABASE.by_id(*id)).collect()
            }
            _ => DATABASE.by_code(&code).unwrap_or_default(),
        };
        metas.into_iter().filter_map(RegionPlan::new).collect()
    })
}

/// Validates a national significant number under a country calling code.
fn validate(code: u16, nsn: &str) -> Option<Phone> {
    if !(2..=17).contains(&nsn.len()) || !nsn.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let region = match plans(code) {
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
    // Built by hand: `format!` costs as much as the rest of a validation.
    let mut e164 = String::with_capacity(nsn.len() + 6);
    e164.push('+');
    push_decimal(&mut e164, code);
    e164.push_str(nsn);
    let (raw, country) = (String::new(), region.id.clone());
    Some(Phone {
        e164,
        raw,
        kind,
        country,
        obfuscated: false,
    })
}

/// Kind per the Dutch numbering plan; 0800/090x take 4 or 7 subscriber digits only.
fn push_decimal(out: &mut String, n: u16) {
    if n >= 10 {
        push_decimal(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

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
pub(super) fn international(d: &str) -> Option<Phone> {
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
pub(super) fn interpret(digits: &str, plus: bool) -> Option<Phone> {
    match digits.strip_prefix('0') {
        _ if plus => international(digits),
        Some(rest) if rest.starts_with('0') => international(&rest[1..]),
        Some(nsn) if (7..=11).contains(&nsn.len()) => validate(31, nsn),
        _ => None,
    }
}

/// One number field: digits, separators and an optional leading `+`, nothing else.
/// `international_first`: digits without prefix are read as `cc + number` first.
pub(super) fn parse_field(s: &str, international_first: bool) -> Option<Phone> {
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

#[cfg(test)]
mod tests {
    use super::super::tests::{items, one};
    use super::super::{find_phones, parse_phone};
    use super::*;
    use PhoneKind::*;

    /// The one-pass DFA reports exactly the patterns that match on their own, for the
    /// example numbers of many regions and near misses of them (a digit more, less,
    /// changed), including regions that share a calling code.
    #[test]
    fn region_dfa_agrees_with_each_pattern() {
        let codes = [
            1, 7, 31, 32, 33, 34, 36, 39, 40, 44, 48, 49, 55, 61, 86, 90, 91, 359, 380, 421,
        ];
        let mut compared = 0;
        for code in codes {
            for region in plans(code) {
                let single: Vec<Regex> = std::iter::once(&region.general)
                    .chain(region.types.iter().map(|(_, p)| p))
                    .map(|p| Regex::new(&format!("^(?:{})$", p.0)).unwrap())
                    .collect();
                let meta = DATABASE.by_id(region.id.as_str()).unwrap();
                let d = meta.descriptors();
                let examples = [
                    d.fixed_line(),
                    d.mobile(),
                    d.toll_free(),
                    d.premium_rate(),
                    d.voip(),
                ]
                .into_iter()
                .flatten()
                .filter_map(|x| x.example());
                for ex in examples {
                    let mut tries = vec![ex.to_string(), format!("{ex}0"), ex[1..].to_string()];
                    tries.extend((0..ex.len()).map(|k| {
                        let mut b = ex.as_bytes().to_vec();
                        b[k] = b'0' + (b[k] - b'0' + 3) % 10;
                        String::from_utf8(b).unwrap()
                    }));
                    for nsn in &tries {
                        let expected = single
                            .iter()
                            .enumerate()
                            .fold(0u64, |set, (k, r)| set | u64::from(r.is_match(nsn)) << k);
                        assert_eq!(region.matching(nsn), expected, "{} {nsn}", region.id);
                        compared += 1;
                    }
                }
            }
        }
        assert!(compared > 1000, "{compared}");
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
        // A trunk prefix stripped after `+` (found by cargo fuzz; rust-phonenumber#76):
        // the crate reads `+7 843…` (Kazan) as `+7 43…` and calls it invalid.
        assert!(!phonenumber::parse(None, "+78437381717").is_ok_and(|n| n.is_valid()));
        let kazan = parse_phone("+7 843 738 17 17").unwrap();
        assert_eq!(
            (kazan.e164.as_str(), kazan.country.as_str()),
            ("+78437381717", "RU")
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
}
