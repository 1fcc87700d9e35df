//! Spans of cleaned text that are never phone numbers: prices, dates, times, IBAN and
//! VAT numbers.
//!
//! The patterns are those of the regular expressions in the tests below (`OTHER` and
//! `DATE`), matched as `regex` would match them: leftmost-first, one match after the
//! other. They are written out by hand because the two searches, over every byte of every
//! ad, took a sixth of the extraction time, while a match always holds an ASCII digit: here
//! the work is done only where a run of digits begins. A differential property test holds
//! the two to the same answers.
//!
//! Digits are ASCII (cleaning turns the others into ASCII), white space is Unicode, letters
//! in words such as `euro` match in any ASCII case, and a word boundary is ASCII (`\b` of
//! `regex` without Unicode).

use std::ops::Range;

use crate::extract::text::byte_scan::{ascii_space, next_ascii_digit};

/// Spans that are never phone numbers, sorted by start: every match of the price, time,
/// IBAN and VAT patterns, and every match of the date pattern that is a real date.
pub(super) fn blocked_ranges(t: &str) -> Vec<Range<usize>> {
    let b = t.as_bytes();
    let mut out = Vec::new();
    let (mut other_at, mut date_at) = (0, 0);
    let mut price = PriceRuns::default();
    let mut d = 0;
    while let Some(start) = next_digit_run(b, d) {
        let n = digits(b, start);
        // Where an `OTHER` match may begin, in order: a `€` before the number (only
        // white space between), two letters glued to it, the number itself.
        // (Most runs are one or two digits of a phone number: each check rejects them
        // on the byte before or after the run.)
        let before = start.checked_sub(1).map(|i| b[i]);
        let euro = match before {
            Some(c) if c == 0xAC || space_byte(c) => euro_before(t, start),
            _ => None,
        };
        let letters = (start >= 2
            && b[start - 2].is_ascii_alphabetic()
            && b[start - 1].is_ascii_alphabetic()
            && !word(b, start.wrapping_sub(3)))
        .then(|| start - 2);
        let number = !word(b, start.wrapping_sub(1));
        if let Some(p) = euro.filter(|&p| p >= other_at) {
            if let Some(end) = after_euro(t, p) {
                out.push(p..end);
                other_at = end;
            }
        }
        if let Some(p) = letters.filter(|&p| p >= other_at) {
            if let Some(end) = iban(b, p).or_else(|| vat(b, p)) {
                out.push(p..end);
                other_at = end;
            }
        }
        if number && start >= other_at {
            let clock = clock(b, start, n);
            let found = iso_date(b, start, n)
                .or_else(|| price.amount(t, start))
                .or_else(|| dash_price(b, start + n))
                .or_else(|| time_range(t, clock?))
                .or_else(|| time(t, clock?));
            if let Some(end) = found {
                out.push(start..end);
                other_at = end;
            }
        }
        if number && start >= date_at {
            if let Some(date) = date(b, start, n) {
                date_at = date.end;
                if real_date(b, &date) {
                    out.push(date.start..date.end);
                }
            }
        }
        d = start + n;
    }
    out.sort_by_key(|r| r.start);
    out
}

/// Is `b[i]` a word byte (`[0-9A-Za-z_]`)? Out of range (also `usize::MAX`) is not.
fn word(b: &[u8], i: usize) -> bool {
    b.get(i)
        .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_')
}

/// The number of ASCII digits from `i`.
fn digits(b: &[u8], i: usize) -> usize {
    b.get(i..)
        .map_or(0, |s| s.iter().take_while(|c| c.is_ascii_digit()).count())
}

/// The start of the next run of ASCII digits at or after `from` (a run starts where the
/// byte before is no digit).
fn next_digit_run(b: &[u8], from: usize) -> Option<usize> {
    // Eight bytes at a time: most of an ad has no digit.
    let k = Some(next_ascii_digit(b, from)).filter(|&k| k < b.len())?;
    let mut s = k;
    while s > from && b[s - 1].is_ascii_digit() {
        s -= 1;
    }
    Some(s)
}

/// The white space (Unicode) at `t[i..]`, in bytes.
fn space(t: &str, i: usize) -> usize {
    let b = t.as_bytes();
    let mut k = i;
    while k < b.len() {
        if b[k].is_ascii() {
            if !space_byte(b[k]) {
                break;
            }
            k += 1;
        } else {
            match t[k..].chars().next() {
                Some(c) if c.is_whitespace() => k += c.len_utf8(),
                _ => break,
            }
        }
    }
    k - i
}

/// ASCII white space, or a byte of a character that may be white space (not ASCII).
fn space_byte(c: u8) -> bool {
    ascii_space(c) || c >= 0x80
}

/// Whether `b[i..]` starts with `word` in any ASCII case.
fn starts(b: &[u8], i: usize, word: &[u8]) -> bool {
    b.get(i..i + word.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(word))
}

/// The position of a `€` that only white space separates from the digits at `start`.
fn euro_before(t: &str, start: usize) -> Option<usize> {
    let before = t[..start].trim_end_matches(char::is_whitespace);
    before.strip_suffix('€').map(str::len)
}

/// `€\s*\d(?:[\d.,]*\d)?(?:,-)?` at `p` (a `€`).
fn after_euro(t: &str, p: usize) -> Option<usize> {
    let b = t.as_bytes();
    let d = p + '€'.len_utf8();
    let d = d + space(t, d);
    b.get(d)?.is_ascii_digit().then(|| {
        let end = number_end(b, d);
        end + if b[end..].starts_with(b",-") { 2 } else { 0 }
    })
}

/// After the last digit of the run of `[0-9.,]` that starts at the digit at `d`.
fn number_end(b: &[u8], d: usize) -> usize {
    let run = b[d..]
        .iter()
        .take_while(|c| c.is_ascii_digit() || **c == b'.' || **c == b',')
        .count();
    d + b[d..d + run]
        .iter()
        .rposition(u8::is_ascii_digit)
        .expect("starts with a digit")
        + 1
}

/// `\b(?:19|20)\d\d([-./])\d{1,2}[-./]\d{1,2}\b` at `p`, where `n` digits stand.
fn iso_date(b: &[u8], p: usize, n: usize) -> Option<usize> {
    let sep = |i: usize| b.get(i).is_some_and(|c| b"-./".contains(c));
    if n != 4 || !(starts(b, p, b"19") || starts(b, p, b"20")) || !sep(p + 4) {
        return None;
    }
    let month = p + 5;
    let m = digits(b, month);
    if !(1..=2).contains(&m) || !sep(month + m) {
        return None;
    }
    let day = month + m + 1;
    let n = digits(b, day);
    ((1..=2).contains(&n) && !word(b, day + n)).then_some(day + n)
}

/// The amount pattern of a price, `\b\d(?:[\d.,]*\d)?(?:,-)?\s*(?:€|euros?\b|eur\b)`,
/// answered once per run of `[0-9.,]`: every digit in the run ends at the same place
/// (hostile text such as `1.1.1.1…` stays linear).
#[derive(Default)]
struct PriceRuns {
    /// The run's byte range and its answer.
    last: Option<(Range<usize>, Option<usize>)>,
}

impl PriceRuns {
    fn amount(&mut self, t: &str, p: usize) -> Option<usize> {
        if let Some((run, end)) = &self.last {
            if run.contains(&p) {
                return *end;
            }
        }
        let b = t.as_bytes();
        let end = number_end(b, p);
        let unit = |i: usize| {
            let i = i + space(t, i);
            if !matches!(b.get(i), Some(0xE2 | b'e' | b'E')) {
                None
            } else if t[i..].starts_with('€') {
                Some(i + '€'.len_utf8())
            } else if starts(b, i, b"euros") && !word(b, i + 5) {
                Some(i + 5)
            } else if starts(b, i, b"euro") && !word(b, i + 4) {
                Some(i + 4)
            } else {
                (starts(b, i, b"eur") && !word(b, i + 3)).then_some(i + 3)
            }
        };
        let found = if b[end..].starts_with(b",-") {
            unit(end + 2).or_else(|| unit(end))
        } else {
            unit(end)
        };
        self.last = Some((p..end, found));
        found
    }
}

/// `\b\d+[.,]-` at a number that ends at `e`.
fn dash_price(b: &[u8], e: usize) -> Option<usize> {
    (matches!(b.get(e), Some(b'.' | b',')) && b.get(e + 1) == Some(&b'-')).then_some(e + 2)
}

/// `\d{1,2}[:.]\d\d` at `p`, where `h` digits stand: where it ends.
fn clock(b: &[u8], p: usize, h: usize) -> Option<usize> {
    ((1..=2).contains(&h) && matches!(b.get(p + h), Some(b':' | b'.')) && digits(b, p + h + 1) >= 2)
        .then_some(p + h + 3)
}

/// `\b\d{1,2}[:.]\d\d\s*(?:-|–|—|tot|t/m|to|till)\s*\d{1,2}[:.]\d\d\b` after the
/// first time, which ends at `from`.
fn time_range(t: &str, from: usize) -> Option<usize> {
    let b = t.as_bytes();
    let c = from + space(t, from);
    ["-", "–", "—", "tot", "t/m", "to", "till"]
        .into_iter()
        .filter(|w| starts(b, c, w.as_bytes()))
        .find_map(|w| {
            let d = c + w.len();
            let d = d + space(t, d);
            clock(b, d, digits(b, d)).filter(|&e| !word(b, e))
        })
}

/// `\b\d{1,2}[:.]\d\d\s*(?:uur|u|h)\b` after the time, which ends at `from`.
fn time(t: &str, from: usize) -> Option<usize> {
    let b = t.as_bytes();
    let u = from + space(t, from);
    ["uur", "u", "h"]
        .into_iter()
        .find(|w| starts(b, u, w.as_bytes()) && !word(b, u + w.len()))
        .map(|w| u + w.len())
}

/// `\b[A-Z]{2}\d\d(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b` (case-sensitive) at `p`.
fn iban(b: &[u8], p: usize) -> Option<usize> {
    let upper = |i: usize| {
        b.get(i)
            .is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    };
    if !(b[p].is_ascii_uppercase() && b[p + 1].is_ascii_uppercase() && digits(b, p + 2) >= 2) {
        return None;
    }
    // The ends of the first 7 groups that follow one another.
    let mut ends = Vec::with_capacity(7);
    let mut q = p + 4;
    while ends.len() < 7 {
        let s = q + usize::from(b.get(q) == Some(&b' '));
        if !(s..s + 4).all(upper) {
            break;
        }
        q = s + 4;
        ends.push(q);
    }
    // Most groups first; after them a short group of 1 to 3, or none, then a boundary.
    ends.iter().skip(2).rev().find_map(|&q| {
        let s = q + usize::from(b.get(q) == Some(&b' '));
        // Four or more is too long for the short group: no need to count further.
        let tail = (s..).take_while(|&i| upper(i)).take(4).count();
        if (1..=3).contains(&tail) && !word(b, s + tail) {
            Some(s + tail)
        } else {
            (!word(b, q)).then_some(q)
        }
    })
}

/// `\bNL\d{9}B\d\d\b` (any case) at `p`.
fn vat(b: &[u8], p: usize) -> Option<usize> {
    let ok = starts(b, p, b"nl")
        && digits(b, p + 2) == 9
        && matches!(b.get(p + 11), Some(b'B' | b'b'))
        && digits(b, p + 12) == 2
        && !word(b, p + 14);
    ok.then_some(p + 14)
}

/// A match of `\b(\d{1,2})([-./])(\d{1,2})([-./])(\d{4}|\d{2})\b` at `p`.
struct Date {
    start: usize,
    /// The start of the second and third number.
    month: usize,
    year: usize,
    end: usize,
}

/// Where `d` digits stand at `p`.
fn date(b: &[u8], p: usize, d: usize) -> Option<Date> {
    let sep = |i: usize| b.get(i).is_some_and(|c| b"-./".contains(c));
    if !(1..=2).contains(&d) || !sep(p + d) {
        return None;
    }
    let month = p + d + 1;
    let m = digits(b, month);
    if !(1..=2).contains(&m) || !sep(month + m) {
        return None;
    }
    let year = month + m + 1;
    let y = digits(b, year);
    let end = match y {
        4 | 2 if !word(b, year + y) => year + y,
        _ => return None,
    };
    Some(Date {
        start: p,
        month,
        year,
        end,
    })
}

/// Day 1–31, month 1–12, the same separator twice, a year of two digits or 1900–2099, and
/// not part of a longer `06.12.34.56.78`.
fn real_date(b: &[u8], d: &Date) -> bool {
    let n = |r: Range<usize>| b[r].iter().fold(0u32, |n, c| n * 10 + u32::from(c - b'0'));
    let (day, month) = (n(d.start..d.month - 1), n(d.month..d.year - 1));
    let year_len = d.end - d.year;
    let sep_digit =
        |i: usize| i + 1 < b.len() && b"-./".contains(&b[i]) && b[i + 1].is_ascii_digit();
    (1..=31).contains(&day)
        && (1..=12).contains(&month)
        && b[d.month - 1] == b[d.year - 1]
        && (year_len == 2 || (1900..2100).contains(&n(d.year..d.end)))
        && !sep_digit(d.end)
        && !(d.start >= 2 && b[d.start - 2].is_ascii_digit() && sep_digit(d.start - 1))
}

#[cfg(test)]
mod tests {
    use super::blocked_ranges;
    use proptest::prelude::*;
    use regex::Regex;
    use std::ops::Range;
    use std::sync::LazyLock;

    /// The specification: what `blocked_ranges` finds is what these patterns find.
    static DATE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?-u:\b)([0-9]{1,2})([-./])([0-9]{1,2})([-./])([0-9]{4}|[0-9]{2})(?-u:\b)")
            .unwrap()
    });
    static OTHER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(concat!(
            r"(?i)(?-u:\b)(?:19|20)[0-9][0-9]([-./])[0-9]{1,2}[-./][0-9]{1,2}(?-u:\b)",
            // A price: `€ 1.500,-`, `150 euro`; the number must end in a digit, so the
            // comma in `Bel 0909-1234567, €0,80 p.m.` stays out of it.
            r"|€\s*[0-9](?:[0-9.,]*[0-9])?(?:,-)?",
            r"|(?-u:\b)[0-9](?:[0-9.,]*[0-9])?(?:,-)?\s*(?:€|euros?(?-u:\b)|eur(?-u:\b))",
            r"|(?-u:\b)[0-9]+[.,]-",
            r"|(?-u:\b)[0-9]{1,2}[:.][0-9][0-9]\s*(?:-|–|—|tot|t/m|to|till)\s*[0-9]{1,2}[:.][0-9][0-9](?-u:\b)",
            r"|(?-u:\b)[0-9]{1,2}[:.][0-9][0-9]\s*(?:uur|u|h)(?-u:\b)",
            r"|(?-u:\b)(?-i:[A-Z]{2}[0-9][0-9](?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?)(?-u:\b)",
            r"|(?-u:\b)NL[0-9]{9}B[0-9][0-9](?-u:\b)",
        ))
        .unwrap()
    });

    fn by_regex(t: &str) -> Vec<Range<usize>> {
        let b = t.as_bytes();
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
                && !(m.start() >= 2
                    && b[m.start() - 2].is_ascii_digit()
                    && sep_digit(m.start() - 1))
            {
                out.push(m.range());
            }
        }
        out.sort_by_key(|r| r.start);
        out
    }

    #[test]
    fn examples() {
        fn spans(t: &str) -> Vec<&str> {
            blocked_ranges(t).into_iter().map(|r| &t[r]).collect()
        }
        assert_eq!(
            spans("Bel 06-12345678, € 150,- per uur of 200 euro. 21:00 - 23:00 en 22.00 uur."),
            ["€ 150,-", "200 euro", "21:00 - 23:00", "22.00 uur"]
        );
        assert_eq!(
            spans("Op 12-05-2026 en 2026-05-12; niet 06.12.34.56.78"),
            ["12-05-2026", "2026-05-12"]
        );
        assert_eq!(
            spans("IBAN NL91 ABNA 0417 1643 00, btw NL123456789B01, 45,- en 1.500 EUR"),
            [
                "NL91 ABNA 0417 1643 00",
                "NL123456789B01",
                "45,-",
                "1.500 EUR"
            ]
        );
        assert_eq!(
            spans("Bel 0612345678 of 06 12 34 56 78"),
            Vec::<&str>::new()
        );
    }

    /// Hand-written and regular expressions agree, on texts built from the pieces the
    /// patterns are made of and their near misses.
    #[test]
    fn agrees_with_the_regular_expressions() {
        let parts = prop::sample::select(vec![
            "0",
            "1",
            "06",
            "12",
            "19",
            "20",
            "2026",
            "150",
            "1.500",
            "0,80",
            "123",
            "€",
            "euro",
            "euros",
            "eur",
            "EUR",
            "Euro",
            "eurox",
            "uur",
            "u",
            "h",
            "U",
            "tot",
            "t/m",
            "to",
            "till",
            "TOT",
            "NL",
            "nl",
            "B",
            "b",
            "AB",
            "ABCD",
            "GB",
            "WEST",
            "X1",
            "x",
            "abc",
            "é",
            "_",
            " ",
            "  ",
            "\u{a0}",
            "\u{2003}",
            "\n",
            "-",
            "–",
            "—",
            ".",
            ",",
            ",-",
            ".-",
            ":",
            "/",
            "(",
            "woord ",
            "AB12 CDEF GHIJ KLMN OPQR",
            "NL91 ABNA 0417 1643 00",
            "GB82WEST12345698765432",
            "NL123456789B01",
            "€ 150",
            "150,-   euro",
            "21:00 - 23:00",
            "22.00 uur",
            "12-05-2026",
            "2026-05-12",
            "31.12.99",
            "150 euro",
            "20,- eur",
            "45.- ",
            "1-1-123",
            "12-05.2026",
            "1/1/99",
            "32.13.2020",
            "NL12ABCD1234",
            "AB12 CDEF GHIJ KLMN OP",
            "21.00-23.00u",
            "9:30 tot 10:45",
            "9:30 t/m 10:45 ",
            "10.00h",
            "06 150 euro",
            "€0,80",
            "2026-13-1",
            "06-12345678",
            "1.1.1.1",
        ]);
        let texts = prop::collection::vec(parts, 0..14);
        proptest!(ProptestConfig::with_cases(20_000), |(parts in texts)| {
            let t: String = parts.concat();
            prop_assert_eq!(blocked_ranges(&t), by_regex(&t), "{:?}", t);
        });
    }

    #[test]
    fn digit_runs_are_found_in_chunks() {
        use super::next_digit_run;
        // Every byte value at every offset of a chunk, among bytes next to the digits.
        for byte in 0..=255u8 {
            for at in 0..17 {
                let mut b = vec![b'/'; 20];
                b[at] = byte;
                let want = byte.is_ascii_digit().then_some(at);
                assert_eq!(next_digit_run(&b, 0), want, "{byte:#x} at {at}");
            }
        }
        assert_eq!(next_digit_run(b"ab12345678cd9", 4), Some(4));
        assert_eq!(next_digit_run(b"ab12345678cd9", 10), Some(12));
    }

    #[test]
    fn hostile_runs_stay_linear() {
        // Every digit of `1.1.1.…` starts a number, and every one ends at the same place.
        let t = "1.".repeat(200_000);
        assert_eq!(blocked_ranges(&t), by_regex(&t));
        let t = format!("{}€", "1,".repeat(200_000));
        assert_eq!(blocked_ranges(&t), by_regex(&t));
    }
}
