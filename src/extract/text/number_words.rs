//! Number words: Dutch and English words for numbers (`zes`, `twaalf`, `vierendertig`,
//! `twentyfour`) as digits, for phone numbers written out in words.

/// Dutch and English number words as digits: 0–19 (`"nul"`, `"twaalf"`, `"six"`), tens
/// (`"dertig"` → `"30"`) and compounds (`"vierendertig"`, `"twentyfour"` → `"34"`, `"24"`);
/// `w` must be lower case. Tens followed by a separate unit word (`thirty four`) are
/// joined by the phone scan.
pub(crate) fn number_word(w: &str) -> Option<String> {
    if !may_be_number_word(w) {
        return None;
    }
    if let Some(d) = unit_word(w) {
        return Some(d.to_string());
    }
    if let Some(t) = tens_word(w) {
        return Some(format!("{t}0"));
    }
    // Dutch compounds: `vierendertig` = 34, `tweeëntwintig` = 22.
    for sep in ["en", "ën"] {
        let mut from = 0;
        while let Some(k) = w[from..].find(sep) {
            let at = from + k;
            let (unit, tens) = (&w[..at], &w[at + sep.len()..]);
            if let (Some(u), Some(t)) = (unit_word(unit), tens_word(tens)) {
                if u.len() == 1 && u != "0" {
                    return Some(format!("{t}{u}"));
                }
            }
            from = at + sep.len();
        }
    }
    // English `twenty-four` written as one word: `twentyfour`.
    for t in [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ] {
        if let Some(rest) = w.strip_prefix(t) {
            if let (Some(tens), Some(u)) = (tens_word(t), unit_word(rest)) {
                if u.len() == 1 && u != "0" {
                    return Some(format!("{tens}{u}"));
                }
            }
        }
    }
    None
}

/// Every recognised number word starts with a unit or tens word: a cheap test (ASCII
/// case ignored, no allocation) that rules out almost every other word of ad text.
pub(crate) fn may_be_number_word(w: &str) -> bool {
    let b = w.as_bytes();
    // The shortest number words have three letters (`nul`, `een`, `six`): this rules out
    // `de`, `en`, `te`, `op` and the like at once.
    if b.len() < 3 {
        return false;
    }
    // The first three bytes of every form, as one decision tree (`tw` + `e`/`o`/`a`/`i`
    // covers twee, two, twaalf, twelve, twintig, twenty; `é`/`É` are `c3 a9`/`c3 89`).
    let l = |k: usize| b[k].to_ascii_lowercase();
    matches!(
        (l(0), l(1), l(2)),
        (b'n', b'u', b'l')
            | (b'n', b'e', b'g')
            | (b'n', b'i', b'n')
            | (b'z', b'e', b'r' | b's' | b'v')
            | (b'e', b'e', b'n')
            | (b'e', 0xc3, 0xa9 | 0x89)
            | (b'e', b'i', b'g')
            | (b'e', b'l', b'f' | b'e')
            | (0xc3, 0xa9 | 0x89, 0xc3)
            | (b'o', b'n', b'e')
            | (b't', b'w', b'e' | b'o' | b'a' | b'i')
            | (b't', b'h', b'r' | b'i')
            | (b't', b'i', b'e')
            | (b't', b'e', b'n')
            | (b't', b'a', b'c')
            | (b'd', b'r', b'i')
            | (b'd', b'e', b'r')
            | (b'v', b'i', b'e' | b'j')
            | (b'v', b'e', b'e')
            | (b'f', b'o', b'u' | b'r')
            | (b'f', b'i', b'v' | b'f')
            | (b's', b'i', b'x')
            | (b's', b'e', b'v')
            | (b'a', b'c', b'h')
    )
}

/// `nul`…`negentien`, `zero`…`nineteen`.
fn unit_word(w: &str) -> Option<&'static str> {
    Some(match w {
        "nul" | "zero" => "0",
        "een" | "één" | "eén" | "one" => "1",
        "twee" | "two" => "2",
        "drie" | "three" => "3",
        "vier" | "four" => "4",
        "vijf" | "five" => "5",
        "zes" | "six" => "6",
        "zeven" | "seven" => "7",
        "acht" | "eight" => "8",
        "negen" | "nine" => "9",
        "tien" | "ten" => "10",
        "elf" | "eleven" => "11",
        "twaalf" | "twelve" => "12",
        "dertien" | "thirteen" => "13",
        "veertien" | "fourteen" => "14",
        "vijftien" | "fifteen" => "15",
        "zestien" | "sixteen" => "16",
        "zeventien" | "seventeen" => "17",
        "achttien" | "eighteen" => "18",
        "negentien" | "nineteen" => "19",
        _ => return None,
    })
}

/// The tens digit of `twintig`…`negentig`, `twenty`…`ninety`.
pub(crate) fn tens_word(w: &str) -> Option<char> {
    Some(match w {
        "twintig" | "twenty" => '2',
        "dertig" | "thirty" => '3',
        "veertig" | "forty" | "fourty" => '4',
        "vijftig" | "fifty" => '5',
        "zestig" | "sixty" => '6',
        "zeventig" | "seventy" => '7',
        "tachtig" | "eighty" => '8',
        "negentig" | "ninety" => '9',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_word_prefilter_keeps_every_number_word() {
        let units = [
            "nul",
            "zero",
            "een",
            "één",
            "eén",
            "one",
            "twee",
            "two",
            "drie",
            "three",
            "vier",
            "four",
            "vijf",
            "five",
            "zes",
            "six",
            "zeven",
            "seven",
            "acht",
            "eight",
            "negen",
            "nine",
            "tien",
            "ten",
            "elf",
            "eleven",
            "twaalf",
            "twelve",
            "dertien",
            "thirteen",
            "veertien",
            "fourteen",
            "vijftien",
            "fifteen",
            "zestien",
            "sixteen",
            "zeventien",
            "seventeen",
            "achttien",
            "eighteen",
            "negentien",
            "nineteen",
        ];
        let tens = [
            "twintig", "twenty", "dertig", "thirty", "veertig", "forty", "fourty", "vijftig",
            "fifty", "zestig", "sixty", "zeventig", "seventy", "tachtig", "eighty", "negentig",
            "ninety",
        ];
        for w in units.iter().chain(&tens) {
            assert!(number_word(w).is_some(), "{w}");
            let mut chars = w.chars();
            let capitalised: String = chars
                .next()
                .into_iter()
                .flat_map(char::to_uppercase)
                .chain(chars)
                .collect();
            for form in [w.to_uppercase(), capitalised] {
                assert!(may_be_number_word(&form), "{form}");
            }
        }
        for u in &units[2..20] {
            for t in &tens {
                for w in [format!("{u}en{t}"), format!("{u}ën{t}"), format!("{t}{u}")] {
                    if number_word(&w).is_some() {
                        assert!(may_be_number_word(&w.to_uppercase()), "{w}");
                    }
                }
            }
        }
        for w in ["Hallo", "bel", "welkom", "Rotterdam", "lief", "", "x"] {
            assert!(!may_be_number_word(w), "{w}");
        }
    }
}
