//! The free-text scan: digit groups (and their stand-ins) joined into runs, and the phone
//! numbers picked out of them, skipping dates, prices, IBANs and labelled non-phone numbers.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::plan::{international, interpret};
use crate::extract::text::byte_scan::{ascii_alnum_end, swar_between, swar_find, ONES};
use crate::extract::text::number_words::{may_be_number_word, number_word};
use crate::extract::text::Cleaned;
use crate::extract::Phone;

/// Separators seen before a digit group.
#[derive(Debug, Default, Clone, Copy)]
struct Gap {
    spaces: u8,
    punct: u8,
    newline: bool,
    slash: bool,
    /// `*`, `_`, `|` and the like: only used to disguise.
    odd: bool,
    /// A comma: joins number words (`nul, zes, …`), never digits.
    comma: bool,
    newlines: u8,
    plus: bool,
}

/// A run of digits (or digit stand-ins) that may be part of a number.
#[derive(Debug)]
pub(super) struct Group {
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
pub(super) fn scan(t: &str, blocked: &[Range<usize>], on_run: impl FnMut(&[Group])) {
    scan_with(t, blocked, true, on_run)
}

/// [`scan`]; `skip`: jump over text without digits (see [`skip_to_next_run`]), off only
/// in a test that shows it changes nothing.
fn scan_with(t: &str, blocked: &[Range<usize>], skip: bool, mut on_run: impl FnMut(&[Group])) {
    let (mut run, mut gap, mut plus_at) = (Vec::<Group>::new(), Gap::default(), None);
    let mut flush = |run: &mut Vec<Group>, gap: &mut Gap| {
        if run.iter().any(|g| !g.letter_only) {
            on_run(run);
        }
        run.clear();
        *gap = Gap::default();
    };
    let (mut i, mut bi, mut anchor) = (0, 0, None);
    while i < t.len() {
        while bi < blocked.len() && blocked[bi].end <= i {
            bi += 1;
        }
        if bi < blocked.len() && blocked[bi].start <= i {
            flush(&mut run, &mut gap);
            (i, plus_at) = (blocked[bi].end, None);
            continue;
        }
        let c = match t.as_bytes()[i] {
            b @ 0..0x80 => char::from(b),
            _ => t[i..].chars().next().unwrap_or(' '),
        };
        if c.is_alphanumeric() {
            let end = word_end(t, i);
            let word = &t[i..end];
            if !may_be_group(word) {
                // Most words of an ad: `classify` would say no.
                flush(&mut run, &mut gap);
                i = match skip {
                    true => skip_to_next_run(t, end, &mut anchor),
                    false => end,
                };
                plus_at = None;
                continue;
            }
            match classify(word) {
                // `thirty four`, `twenty-four`: a unit word completes a tens word.
                Some((0, g)) if g.words && joins_tens(run.last(), &g, &gap) => {
                    let prev = run.last_mut().expect("checked by joins_tens");
                    prev.digits.pop();
                    prev.digits.push_str(&g.digits);
                    prev.span.end = end;
                    gap = Gap::default();
                }
                Some((off, mut g)) => {
                    let comma_breaks =
                        gap.comma && !(g.words && run.last().is_some_and(|p| p.words));
                    if off > 0 || comma_breaks {
                        // Glued to a label word, or after a comma between digits: a new run.
                        flush(&mut run, &mut gap);
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
            // `nul, zes, een, twee, …`: a comma only joins number words.
            ',' => {
                gap.comma = true;
                punct(&mut gap)
            }
            // A number split over a line break, or over one blank line.
            '\n' => {
                gap.newline = true;
                gap.newlines += 1;
                gap.newlines <= 2
            }
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

/// The first byte at or after `k` that may begin an anchor (an ASCII digit, `n` or `z` in
/// either case), or `b.len()`.
fn may_begin_anchor(b: &[u8], k: usize) -> usize {
    let hit = |x: u64| {
        let folded = x | (ONES * 0x20);
        swar_between(x, b'0', b'9')
            | swar_between(folded, b'n', b'n')
            | swar_between(folded, b'z', b'z')
    };
    swar_find(b, k, hit, |c| {
        c.is_ascii_digit() || matches!(c.to_ascii_lowercase(), b'n' | b'z')
    })
}

/// Where the scan, flushed at `from`, has to go on: the last point before the next
/// anchor (see [`next_anchor`]) where it would be flushed anyway, after a hard separator
/// or a word that is no group. Runs before that hold no digit and no `nul`/`zero`, so no
/// group in them can start a number: skipping them changes nothing but the time (most
/// words of an ad are walked only here, byte by byte). `anchor` caches the next anchor.
fn skip_to_next_run(t: &str, from: usize, anchor: &mut Option<usize>) -> usize {
    let a = match anchor.filter(|&a| a >= from) {
        Some(a) => a,
        None => *anchor.insert(next_anchor(t, from)),
    };
    if a == t.len() {
        return a;
    }
    let word_start = |mut p: usize| {
        while p > from && t[..p].ends_with(char::is_alphanumeric) {
            p = t[..p].char_indices().next_back().map_or(from, |(k, _)| k);
        }
        p
    };
    let mut p = word_start(a);
    while p > from {
        let c = t[..p].chars().next_back().expect("p > from is inside t");
        if c.is_alphanumeric() {
            let start = word_start(p);
            if never_group(&t[start..p]) {
                return p;
            }
            p = start;
        } else if hard_separator(c) {
            return p;
        } else {
            p -= c.len_utf8();
        }
    }
    from
}

/// The first ASCII digit at or after `from`, or the start of `nul`/`zero` in any case
/// (the number words for 0): every number holds one. `t.len()` if there is none.
fn next_anchor(t: &str, from: usize) -> usize {
    let b = t.as_bytes();
    let lower = |k: usize| b.get(k).map(u8::to_ascii_lowercase);
    let mut k = from;
    loop {
        k = may_begin_anchor(b, k);
        if k >= b.len() {
            return b.len();
        }
        let anchor = match b[k] {
            b'n' | b'N' => lower(k + 1) == Some(b'u') && lower(k + 2) == Some(b'l'),
            b'z' | b'Z' => {
                lower(k + 1) == Some(b'e')
                    && lower(k + 2) == Some(b'r')
                    && lower(k + 3) == Some(b'o')
            }
            _ => true,
        };
        if anchor {
            return k;
        }
        k += 1;
    }
}

/// A word [`classify`] rejects for certain (a cheaper, stricter [`may_be_group`]).
fn never_group(word: &str) -> bool {
    !may_be_group(word)
        || !word.bytes().any(|b| b.is_ascii_digit())
            && word.chars().count() > 2
            && !(word.len() <= 24 && may_be_number_word(word))
}

/// A separator after which the scan always starts a new run (see [`scan`]).
fn hard_separator(c: char) -> bool {
    !matches!(
        c,
        ' ' | '\t'
            | '\r'
            | ','
            | '\n'
            | '-'
            | '‐'
            | '‑'
            | '‒'
            | '–'
            | '—'
            | '.'
            | '('
            | ')'
            | '['
            | ']'
            | '/'
            | '\\'
            | '*'
            | '_'
            | '|'
            | '~'
            | '·'
            | '•'
            | '+'
    )
}

/// The end of the word (a run of alphanumeric characters) that starts at `i`.
fn word_end(t: &str, mut i: usize) -> usize {
    let b = t.as_bytes();
    loop {
        i = ascii_alnum_end(b, i);
        if i == b.len() || b[i] < 0x80 {
            return i;
        }
        match t[i..].chars().next() {
            Some(c) if c.is_alphanumeric() => i += c.len_utf8(),
            _ => return i,
        }
    }
}

/// False for a word that [`classify`] certainly rejects: no ASCII digit, and a first byte
/// that starts neither a digit stand-in (`O`, `l`, `I`, `i`, Cyrillic and Greek O) nor a
/// number word (see [`may_be_number_word`]). Checked by a table: it sees every word.
fn may_be_group(word: &str) -> bool {
    static STARTS: [bool; 256] = {
        let mut t = [false; 256];
        let letters = b"nzeotdvfsali";
        let mut k = 0;
        while k < letters.len() {
            t[letters[k] as usize] = true;
            t[letters[k].to_ascii_uppercase() as usize] = true;
            k += 1;
        }
        // Lead bytes of `é`/`É` (number words) and of Cyrillic and Greek O.
        t[0xc3] = true;
        t[0xce] = true;
        t[0xd0] = true;
        t
    };
    let b = word.as_bytes();
    b.first().is_some_and(|&f| STARTS[usize::from(f)]) || b.iter().any(u8::is_ascii_digit)
}

/// Does unit word `g` complete the tens word before it (`thirty four`, `twenty-four`)?
fn joins_tens(prev: Option<&Group>, g: &Group, gap: &Gap) -> bool {
    let Some(prev) = prev else { return false };
    prev.words
        && prev.digits.len() == 2
        && prev.digits.ends_with('0')
        && prev.digits != "10"
        && g.digits.len() == 1
        && g.digits != "0"
        && !gap.newline
        && !gap.odd
        && gap.spaces + gap.punct <= 2
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
        'l' | 'I' | 'i' => Some('1'),
        _ => None,
    };
    let real = word.bytes().filter(u8::is_ascii_digit).count();
    if real == 0 {
        // Most words of an ad: no digit. Decide without building a digit string.
        if word.chars().all(|c| as_digit(c).is_some()) && word.chars().count() <= 2 {
            let d = word.chars().filter_map(as_digit).collect();
            return Some((0, group(d, true, false, true)));
        }
        if word.len() <= 24 && may_be_number_word(word) {
            let d = number_word(&word.to_lowercase())?;
            return Some((0, group(d, false, true, false)));
        }
        return None;
    }
    // Sized once: collecting into a `String` through `Option` regrows it digit by digit.
    let mut mapped = Some(String::with_capacity(word.len()));
    for c in word.chars() {
        match (as_digit(c), &mut mapped) {
            (Some(d), Some(m)) => m.push(d),
            _ => {
                mapped = None;
                break;
            }
        }
    }
    match mapped {
        Some(d) => {
            let letters = d.len() - real;
            (letters <= real).then(|| (0, group(d, letters > 0, false, false)))
        }
        None => {
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
    let (first, mut out) = (&run[i], Vec::new());
    let mut digits = String::with_capacity(24);
    // A two-digit first group splits an area code (`02-28752196`, `05.92.12.34.56`).
    let split_area =
        !first.gap.plus && first.digits.len() == 2 && !matches!(&*first.digits, "06" | "00");
    for (j, g) in run.iter().enumerate().skip(i) {
        digits.push_str(&g.digits);
        if j > i && g.gap.plus || digits.len() > 17 || first.glued_intl && j > i {
            break;
        } else if first.glued_intl {
            out.extend(international(&digits).map(|v| (j, v)));
        } else if !g.letter_only
            && (j == i || !split_area || split_area_notation(&run[i..=j], digits.len()))
        {
            out.extend(interpret(&digits, first.gap.plus).map(|v| (j, v)));
        }
    }
    out
}

/// Whether `groups`, whose first group of two digits splits an area code, are a way to
/// write a whole number: the rest in one piece (`02-28752196`), or ten digits in groups of
/// two to four (`05.92.12.34.56`, `07 21 23 45 67`, `03-0123 4567`, as fixed lines are
/// written to dodge detection). Pairs that count up or down (`01 02 03 04 05`) are a
/// list, not a number.
fn split_area_notation(groups: &[Group], len: usize) -> bool {
    let rest = &groups[1..];
    if rest.len() == 1 {
        return rest[0].digits.len() >= 7;
    }
    if len != 10
        || rest
            .iter()
            .any(|g| !(2..=4).contains(&g.digits.len()) || g.words)
    {
        return false;
    }
    let pairs: Option<Vec<i32>> = groups
        .iter()
        .map(|g| {
            (g.digits.len() == 2)
                .then(|| g.digits.parse().ok())
                .flatten()
        })
        .collect();
    let counts = pairs.is_some_and(|p| {
        p.windows(2).all(|w| w[1] - w[0] == 1) || p.windows(2).all(|w| w[0] - w[1] == 1)
    });
    !counts
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

pub(super) fn find_in_run(run: &[Group], orig: &str, cleaned: &Cleaned, out: &mut Vec<Phone>) {
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
    // Two patterns: the reverse search of `LABEL` stops a few bytes before the number for
    // nearly every phone, while the open-ended place name of `MUNICIPALITY` would keep it
    // going for 40 more; that one only runs when its literal word is in the window.
    static LABEL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(concat!(
            // ASCII classes only: Unicode `\w`/`\b` make the lazy DFA rebuild itself on
            // every call (measured: 2.7× slower extraction).
            r"(?i)(?-u:\b)(?:(?:advertenties?|advert|advertisement|ad|klant|klanten|customer|order|bestel",
            r"|bestelling|account|artikel|product|lid|leden|member|user|gebruiker|dossier|zaak",
            r"|transactie|transaction|factuur|invoice|rekening|profiel|profile|boekings?|booking",
            r"|bon|ticket|voucher|referentie|reference|object|pakket|zending|tracking|serie|serial)",
            r"\s*[.\-]?\s*(?:nummer|nr|no|number|num|id|code|#)",
            r"|(?:ref|referentie|reference|kvk|k\.v\.k|coc|btw|vat|iban|kenmerk|[a-z0-9]*vergunning[a-z0-9]*",
            r"|verg|licentie|licen[cs]ed?,?|permit|registratie|registration|reg|postcode|ticket",
            r"|voucher|[a-z0-9]*code|ean|isbn|build|versie|version|id|tracking|track\s*&\s*trace)",
            r",?\s*[.\-]?\s*(?:nummer|nr|no|number|num|id|#)?)",
            r"\.?\s*[:#=.\-]*\s*$",
        ))
        .unwrap()
    });
    // `Vergunning gemeente Capelle aan den IJssel: …`
    static MUNICIPALITY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(concat!(
            r"(?i)(?-u:\b)(?:[a-z0-9]*vergunnings?|licentie|licen[cs]e)\s+(?:van\s+)?(?:de\s+)?",
            r"(?:gemeente|municipality)\s+[^:\n]{2,40}?\.?\s*[:#=.\-]*\s*$",
        ))
        .unwrap()
    });
    let mut from = before.len().saturating_sub(72);
    while !before.is_char_boundary(from) {
        from += 1;
    }
    let window = &before[from..];
    let names_municipality = || {
        let b = window.as_bytes();
        (0..b.len()).any(|i| {
            let at = |w: &[u8]| {
                b[i..]
                    .get(..w.len())
                    .is_some_and(|x| x.eq_ignore_ascii_case(w))
            };
            match b[i] | 0x20 {
                b'g' => at(b"gemeente"),
                b'm' => at(b"municipality"),
                _ => false,
            }
        })
    };
    LABEL.is_match(window) || names_municipality() && MUNICIPALITY.is_match(window)
}

#[cfg(test)]
mod tests {

    fn e164s_of(t: &str) -> Vec<String> {
        crate::extract::phone::find_phones(t)
            .into_iter()
            .map(|p| p.e164)
            .collect()
    }

    #[test]
    fn anchor_starts_are_found_in_chunks() {
        // Every byte value at every offset of two chunks, the tail loop included.
        for byte in 0..=255u8 {
            for at in 0..19 {
                let mut b = vec![b'x'; 20];
                b[at] = byte;
                let may = byte.is_ascii_digit() || b"nNzZ".contains(&byte);
                let want = if may { at } else { b.len() };
                assert_eq!(super::may_begin_anchor(&b, 0), want, "{byte:#x} at {at}");
                assert_eq!(super::may_begin_anchor(&b, at + 1), b.len());
            }
        }
    }

    #[test]
    fn skipping_text_without_digits_changes_nothing() {
        use super::super::blocked::blocked_ranges;
        use super::{find_in_run, scan_with};
        use crate::extract::text::clean_mapped;
        use proptest::prelude::*;
        let phones = |t: &str, skip: bool| {
            let cleaned = clean_mapped(t);
            let blocked = blocked_ranges(&cleaned.text);
            let mut found = Vec::new();
            scan_with(&cleaned.text, &blocked, skip, |run| {
                find_in_run(run, t, &cleaned, &mut found)
            });
            found
        };
        let words = prop::sample::select(vec![
            "06",
            "0",
            "6",
            "12345678",
            "1234",
            "5678",
            "31",
            "+31",
            "nul",
            "Zero",
            "NUL",
            "zes",
            "een",
            "twee",
            "twaalf",
            "thirty",
            "four",
            "O6",
            "l2345678",
            "O",
            "l",
            "Ol",
            "dame",
            "bel",
            "Rotterdam",
            "tel",
            "app",
            "€",
            "euro",
            "12-05-2026",
            "21:00",
            "uur",
            "KvK",
            "ref.",
            "NL91ABNA0417164300",
            "nummer",
            "nulmeting",
            "zeros",
            "\u{200b}",
            "é",
            "nul zes een twee drie vier vijf zes zeven acht",
            "zero six twelve thirty four fifty six seventy eight",
        ]);
        let separators = prop::sample::select(vec![
            " ", "  ", "    ", "-", ".", ",", ", ", "\n", "\n\n\n", "/", "*", ":", "!", "(", ")",
            "+", "", "–",
        ]);
        let parts = prop::collection::vec((words, separators), 1..40);
        proptest!(ProptestConfig::with_cases(3000), |(parts in parts)| {
            let t: String = parts.iter().flat_map(|(w, s)| [*w, *s]).collect();
            prop_assert_eq!(phones(&t, true), phones(&t, false), "{:?}", t);
        });
    }

    #[test]
    fn ids_after_non_phone_labels_are_not_phones() {
        for t in [
            "Noem je Profiel-ID 0031614485502",
            "Vouchercode 06 4555 8443",
            "(Ticket #0614286747)",
            "Ad ID 06 1674 8714",
            "Boekingsnummer 0105124960",
            "Transactie-ID 0612345678",
            "Vergunning gemeente Capelle aan den IJssel: 0638492002",
            "Vergunninghouder, nummer 0613-2021-02",
            "Licensed, no. 0613-2019-73",
        ] {
            assert!(e164s_of(t).is_empty(), "{t:?}: {:?}", e164s_of(t));
        }
        // A phone label still announces a phone.
        assert_eq!(e164s_of("Telefoonnummer: 0612345678"), ["+31612345678"]);
    }

    #[test]
    fn a_comma_after_a_number_is_not_part_of_a_price() {
        assert_eq!(e164s_of("Bel 0909-1774336, €0,80 p.m."), ["+319091774336"]);
        assert_eq!(e164s_of("Bel 09066310, €1,30 p.m."), ["+319066310"]);
        assert!(e164s_of("Prijs 150, € 80 extra").is_empty());
    }

    #[test]
    fn number_words_separated_by_commas() {
        assert_eq!(
            e164s_of("Bel nul, zes, een, twee, acht, zes, een, zeven, zes, nul"),
            ["+31612861760"]
        );
        assert_eq!(
            e164s_of("Call zero, six, four, two, four, two, zero, four, nine, four"),
            ["+31642420494"]
        );
        // Commas between digit groups still separate them.
        assert!(e164s_of("maten 06, 12, 34, 56, 78").is_empty());
    }

    #[test]
    fn lower_case_i_for_one_and_split_area_code_and_blank_line() {
        assert_eq!(e164s_of("Bel +31 6 i9072i84."), ["+31619072184"]);
        assert_eq!(e164s_of("Tel: 02-28752196"), ["+31228752196"]);
        assert!(e164s_of("01 02 03 04 05").is_empty());
        assert_eq!(e164s_of("Mobiel +31 6 495\n\n62875"), ["+31649562875"]);
    }

    #[test]
    fn grouped_number_words() {
        use crate::extract::phone::find_phones;
        let one = |t: &str| {
            let p = find_phones(t);
            assert_eq!(p.len(), 1, "{t:?}: {p:?}");
            assert!(p[0].obfuscated, "{t:?}");
            p[0].e164.clone()
        };
        assert_eq!(
            one("bel 06 twaalf vierendertig zesenvijftig achtenzeventig"),
            "+31612345678"
        );
        assert_eq!(
            one("nul zes twaalf vierendertig zesenvijftig achtenzeventig"),
            "+31612345678"
        );
        assert_eq!(
            one("zero six twelve thirty four fifty six seventy eight"),
            "+31612345678"
        );
        assert_eq!(
            one("zero six twelve thirty-four fifty-six seventy-eight"),
            "+31612345678"
        );
        assert_eq!(
            one("nul zes een twee drie vier vijf zes zeven acht"),
            "+31612345678"
        );
        assert_eq!(one("06 tweeëntwintig 33 44 55"), "+31622334455");
    }

    use super::super::find_phones;
    use super::super::tests::{items, one};

    fn e164s(text: &str) -> Vec<String> {
        find_phones(text).into_iter().map(|p| p.e164).collect()
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

    /// Issue 13, point 11: fixed lines written in pairs or odd groups, the area code
    /// split, were missed while mobiles in the same notations were found.
    #[test]
    fn fixed_lines_in_pairs_and_odd_groupings() {
        for (written, e164, obfuscated) in [
            ("05.92.12.34.56", "+31592123456", false),
            ("07 21 23 45 67", "+31721234567", false),
            ("04*75*12*34*56", "+31475123456", true),
            ("03-0123 4567", "+31301234567", false),
            ("01-13 45 67 89", "+31113456789", false),
            ("05 92 123 456", "+31592123456", false),
            ("04/75/12/34/56", "+31475123456", true),
            ("07_21_23_45_67", "+31721234567", true),
        ] {
            let found = find_phones(&format!("Bel gerust {written} na 20 uur."));
            assert_eq!(found.len(), 1, "{written:?}: {found:?}");
            let p = &found[0];
            assert_eq!(
                (p.e164.as_str(), p.kind.as_str()),
                (e164, "fixed"),
                "{written:?}"
            );
            assert_eq!(p.raw, written);
            assert_eq!(p.obfuscated, obfuscated, "{written:?}");
        }
        // Mobiles in the same notations, as before.
        assert_eq!(e164s("06.12.34.56.78"), ["+31612345678"]);
        // Still no number: counting pairs, dates, short groups, commas.
        for t in [
            "01 02 03 04 05",
            "05 04 03 02 01",
            "01 02 2026",
            "01-05-2026 21:00",
            "02.10.34",
            "maten 03, 12, 34, 56, 78",
            "07 21 23 45 6",
        ] {
            assert!(e164s(t).is_empty(), "{t:?}: {:?}", e164s(t));
        }
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
    fn hostile_input_stays_linear() {
        assert!(find_phones(&"0 ".repeat(50_000)).is_empty());
        assert!(find_phones(&"06 ".repeat(50_000)).is_empty());
        assert!(find_phones(&"1".repeat(100_000)).is_empty());
        let many: String = (0..5000).map(|i| format!("06-1234{i:04} ")).collect();
        assert_eq!(find_phones(&many).len(), 5000);
    }
}
