//! Synthetic phone numbers for the demo: built from counters, written in Dutch notations.
//!
//! Every number is invented: licensed mobiles are `06-1xxxxxxx`, unregistered mobiles
//! `06-2xxxxxxx`, fixed lines `010-xxxxxxx`. Numbers are kept as E.164 and only turned
//! into a notation when they are written into an ad or the register.

/// A mobile number registered on a demo licence (`+31 6 1xxxxxxx`), from a counter.
pub(crate) fn licensed_mobile(n: u32) -> String {
    format!("+3161{:07}", 2_104_000 + n * 3_571)
}

/// A mobile number that no demo licence lists (`06-2xxxxxxx`), from a counter.
pub(crate) fn free_mobile(n: u32) -> String {
    format!("+3162{:07}", 3_208_000 + n * 4_093)
}

/// A Rotterdam-area fixed line (`010-xxxxxxx`), from a counter.
pub(crate) fn fixed_line(n: u32) -> String {
    format!("+3110{:07}", 4_120_000 + n * 2_719)
}

/// How a number is written. The last five are the "obfuscated" forms advertisers use to
/// dodge naive detection; they are only defined for mobiles (fixed lines fall back to
/// [`Notation::Dash`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Notation {
    /// `06-12345678`, `010-1234567`
    Dash,
    /// `06 12 34 56 78`, `010 123 4567`
    Spaced,
    /// `+31 6 12345678`, `+31 10 123 4567`
    Intl,
    /// `06-1234 5678`, `010-123 4567`
    Split,
    /// `0612345678`, `0101234567`
    Compact,
    /// `06 - 12 34 56 78`
    SpacedDash,
    /// `06.12.34.56.78`
    DotPairs,
    /// `+31 (0)6 1234 5678`
    IntlTrunk,
    /// `0031 6 1234 5678`
    DoubleZero,
    /// `O6-1234 5678` (capital letter O for the zero)
    LetterO,
}

/// Notations a register clerk or an ordinary ad uses, rotated over the demo data.
pub(crate) const PLAIN: [Notation; 5] = [
    Notation::Dash,
    Notation::Spaced,
    Notation::Intl,
    Notation::Compact,
    Notation::Split,
];

/// Write an E.164 number (`+316…` or `+3110…`) in the given notation.
pub(crate) fn write(e164: &str, notation: Notation) -> String {
    let nsn = e164.strip_prefix("+31").expect("demo numbers are Dutch");
    if let Some(sub) = nsn.strip_prefix('6') {
        write_mobile(sub, notation)
    } else {
        write_fixed(nsn, notation)
    }
}

/// `sub` is the 8 digits after the `6`.
fn write_mobile(sub: &str, notation: Notation) -> String {
    let (a, b) = sub.split_at(4);
    let pairs = [&sub[0..2], &sub[2..4], &sub[4..6], &sub[6..8]];
    match notation {
        Notation::Dash => format!("06-{sub}"),
        Notation::Spaced => format!("06 {}", pairs.join(" ")),
        Notation::Intl => format!("+31 6 {sub}"),
        Notation::Split => format!("06-{a} {b}"),
        Notation::Compact => format!("06{sub}"),
        Notation::SpacedDash => format!("06 - {}", pairs.join(" ")),
        Notation::DotPairs => format!("06.{}", pairs.join(".")),
        Notation::IntlTrunk => format!("+31 (0)6 {a} {b}"),
        Notation::DoubleZero => format!("0031 6 {a} {b}"),
        Notation::LetterO => format!("O6-{a} {b}"),
    }
}

/// `nsn` is the national significant number, e.g. `101234567` for 010-1234567.
fn write_fixed(nsn: &str, notation: Notation) -> String {
    let (area, sub) = nsn.split_at(2);
    let (a, b) = sub.split_at(3);
    match notation {
        Notation::Spaced => format!("0{area} {a} {b}"),
        Notation::Intl => format!("+31 {area} {a} {b}"),
        Notation::Split => format!("0{area}-{a} {b}"),
        Notation::Compact => format!("0{area}{sub}"),
        _ => format!("0{area}-{sub}"),
    }
}

/// The target of a `tel:` link, in one of three forms (chosen by `variant`).
pub(crate) fn tel_target(e164: &str, variant: usize) -> String {
    let nsn = &e164[3..];
    match variant % 3 {
        0 => e164.to_string(),
        1 => format!("0{nsn}"),
        _ => {
            let (area, rest) = nsn.split_at(if nsn.starts_with('6') { 1 } else { 2 });
            let (a, b) = rest.split_at(4);
            format!("+31-{area}-{a}-{b}")
        }
    }
}

/// A deliberately simple reading of a Dutch number back to E.164, independent of the
/// writer above, so tests can check that what the ads and register say is what the
/// ground truth claims. Handles `+31`, `0031`, `(0)`, separators and the letter-O trick.
#[cfg(test)]
pub(crate) fn to_e164(raw: &str) -> Option<String> {
    let raw = raw.replace("(0)", "").replace(['O', 'o'], "0");
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    let nsn = if raw.trim_start().starts_with('+') {
        digits.strip_prefix("31")?.to_string()
    } else if let Some(rest) = digits.strip_prefix("0031") {
        rest.to_string()
    } else {
        digits.strip_prefix('0')?.to_string()
    };
    (nsn.len() == 9).then(|| format!("+31{nsn}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Notation; 10] = [
        Notation::Dash,
        Notation::Spaced,
        Notation::Intl,
        Notation::Split,
        Notation::Compact,
        Notation::SpacedDash,
        Notation::DotPairs,
        Notation::IntlTrunk,
        Notation::DoubleZero,
        Notation::LetterO,
    ];

    #[test]
    fn counters_give_the_promised_shapes() {
        assert_eq!(licensed_mobile(1), "+31612107571");
        assert!(licensed_mobile(40).starts_with("+3161"));
        assert!(free_mobile(60).starts_with("+3162"));
        assert!(fixed_line(30).starts_with("+3110"));
        for n in 0..60 {
            for number in [licensed_mobile(n), free_mobile(n), fixed_line(n)] {
                assert_eq!(number.len(), 12, "{number}");
            }
        }
    }

    #[test]
    fn every_notation_reads_back_to_the_same_number() {
        for number in [licensed_mobile(3), free_mobile(7), fixed_line(2)] {
            for notation in ALL {
                let written = write(&number, notation);
                assert_eq!(
                    to_e164(&written).as_deref(),
                    Some(number.as_str()),
                    "{written}"
                );
            }
            for variant in 0..3 {
                let target = tel_target(&number, variant);
                assert_eq!(
                    to_e164(&target).as_deref(),
                    Some(number.as_str()),
                    "{target}"
                );
            }
        }
    }

    #[test]
    fn obfuscated_forms_look_as_documented() {
        let n = "+31612345678";
        assert_eq!(write(n, Notation::SpacedDash), "06 - 12 34 56 78");
        assert_eq!(write(n, Notation::DotPairs), "06.12.34.56.78");
        assert_eq!(write(n, Notation::IntlTrunk), "+31 (0)6 1234 5678");
        assert_eq!(write(n, Notation::DoubleZero), "0031 6 1234 5678");
        assert_eq!(write(n, Notation::LetterO), "O6-1234 5678");
        assert_eq!(write("+31101234567", Notation::Dash), "010-1234567");
        assert_eq!(tel_target(n, 2), "+31-6-1234-5678");
    }
}
