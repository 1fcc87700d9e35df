//! Clean-up of hostile ad text: NFKC, ASCII digits for every kind of Unicode digit, no
//! invisible characters; [`Cleaned`] keeps a map back to the original so extractors can
//! report text "as it stood" and tell whether a span was disguised. Also `%XX` decoding
//! for link targets.

use std::ops::Range;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;

/// Invisible characters that are dropped: zero-width and other format characters, soft
/// hyphen, variation selectors, bidi controls, fillers, tag characters, enclosing marks
/// (keycap, circle).
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{20DD}'..='\u{20E4}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

/// First code point of each run of ten decimal digits that NFKC leaves alone
/// (Arabic-Indic, Devanagari, Thai, …).
const DIGIT_ZEROS: &[u32] = &[
    0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66,
    0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
    0x104A0, 0x1E950,
];

/// Maps a non-ASCII digit-like character that NFKC leaves alone to its ASCII digits.
fn odd_digit(c: char) -> Option<&'static str> {
    const D: [&str; 11] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"];
    let u = c as u32;
    if let Some(z) = DIGIT_ZEROS.iter().find(|&&z| (z..z + 10).contains(&u)) {
        return Some(D[(u - z) as usize]);
    }
    match u {
        0x2776..=0x277F => Some(D[(u - 0x2776 + 1) as usize]), // ❶..❿
        0x2780..=0x2789 => Some(D[(u - 0x2780 + 1) as usize]), // ➀..➉
        0x278A..=0x2793 => Some(D[(u - 0x278A + 1) as usize]), // ➊..➓
        0x24F5..=0x24FE => Some(D[(u - 0x24F5 + 1) as usize]), // ⓵..⓾
        0x24FF | 0x24EA | 0x1F10B | 0x1F10C => Some("0"),      // ⓿ ⓪ 🄋 🄌
        _ => None,
    }
}

/// Text after [`clean_mapped`], with a map back to the original.
#[derive(Debug, Clone)]
pub struct Cleaned {
    /// The cleaned text.
    pub text: String,
    /// Per byte of `text`: the original byte range of the character(s) it came from;
    /// `None` when the text was unchanged.
    map: Option<Vec<(u32, u32)>>,
    /// Original byte offsets of disguising characters: invisible characters and
    /// non-ASCII characters that became ASCII digits.
    suspicious: Vec<usize>,
}

impl Cleaned {
    /// The original byte range that the cleaned range `r` came from.
    pub fn original_range(&self, r: Range<usize>) -> Range<usize> {
        match &self.map {
            None => r,
            Some(_) if r.is_empty() => {
                let start = self.original_range_of(r.start);
                start..start
            }
            Some(map) => map[r.start].0 as usize..map[r.end - 1].1 as usize,
        }
    }

    fn original_range_of(&self, pos: usize) -> usize {
        match &self.map {
            None => pos,
            Some(map) if pos < map.len() => map[pos].0 as usize,
            Some(map) => map.last().map_or(0, |m| m.1 as usize),
        }
    }

    /// Whether the original text behind the cleaned range `r` contained invisible
    /// characters or digits written with non-ASCII characters (keycaps, full-width, …).
    pub fn disguised(&self, r: Range<usize>) -> bool {
        if self.suspicious.is_empty() || r.is_empty() {
            return false;
        }
        let o = self.original_range(r);
        let i = self.suspicious.partition_point(|&p| p < o.start);
        self.suspicious.get(i).is_some_and(|&p| p < o.end)
    }
}

/// NFKC-normalises `s`, turns every Unicode digit (full-width, mathematical, circled,
/// keycap emoji, Arabic-Indic, …) into ASCII digits and removes invisible format
/// characters (zero-width, soft hyphen, bidi controls, variation selectors).
/// See [`clean_mapped`] to learn whether anything was disguised.
pub fn clean(s: &str) -> String {
    clean_mapped(s).text
}

/// Like [`clean`], and keeps a map back to the original for reporting raw spans and
/// detecting disguised numbers ([`Cleaned::disguised`]).
pub fn clean_mapped(s: &str) -> Cleaned {
    if s.is_ascii() {
        return Cleaned {
            text: s.to_string(),
            map: None,
            suspicious: Vec::new(),
        };
    }
    let mut text = String::with_capacity(s.len());
    let mut map: Vec<(u32, u32)> = Vec::with_capacity(s.len());
    let mut suspicious = Vec::new();
    let mut seg = String::new();
    let combining = |d: char| !d.is_ascii() && canonical_combining_class(d) != 0;
    let char_at = |i: usize| s[i..].chars().next();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] < 0x80 {
            // A run of ASCII is copied as it is, but for a last character that carries
            // combining marks: it starts a segment below.
            let mut e = i + 1;
            while e < b.len() && b[e] < 0x80 {
                e += 1;
            }
            let end = if char_at(e).is_some_and(combining) {
                e - 1
            } else {
                e
            };
            text.push_str(&s[i..end]);
            map.extend((i..end).map(|k| (k as u32, k as u32 + 1)));
            i = end;
            if i == e {
                continue;
            }
        }
        let c = char_at(i).expect("i < len is a char boundary");
        if is_invisible(c) {
            suspicious.push(i);
            // Attach the removed character to the previous output character so raw
            // spans include it (e.g. the keycap mark after a digit).
            if let Some(last) = map.last_mut() {
                last.1 = (i + c.len_utf8()) as u32;
            }
            i += c.len_utf8();
            continue;
        }
        // A segment: this character and the combining marks that follow it.
        seg.clear();
        seg.push(c);
        let mut end = i + c.len_utf8();
        while let Some(d) = char_at(end) {
            if !combining(d) || is_invisible(d) {
                break;
            }
            seg.push(d);
            end += d.len_utf8();
        }
        let (before, mut marks) = (text.len(), false);
        for n in seg.nfkc() {
            // Combining marks on a digit (`0̲6̲`) only disguise it.
            if text.ends_with(|d: char| d.is_ascii_digit()) && combining(n) {
                marks = true;
                continue;
            }
            match odd_digit(n) {
                Some(d) => text.push_str(d),
                None => text.push(n),
            }
        }
        if marks || text[before..].bytes().any(|b| b.is_ascii_digit()) {
            suspicious.push(i);
        }
        map.extend(std::iter::repeat_n(
            (i as u32, end as u32),
            text.len() - before,
        ));
        i = end;
    }
    Cleaned {
        text,
        map: Some(map),
        suspicious,
    }
}

/// Decodes `%XX` escapes (as in URLs); invalid UTF-8 becomes U+FFFD.
pub(crate) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |j: usize| b.get(j).and_then(|&c| (c as char).to_digit(16));
        match (b[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_maps_unicode_digits() {
        assert_eq!(clean("０６－１２３４５６７８"), "06-12345678");
        assert_eq!(clean("𝟎𝟔𝟏𝟐"), "0612");
        assert_eq!(clean("⓪⑥①②"), "0612");
        assert_eq!(clean("٠٦١٢"), "0612");
        assert_eq!(clean("❶❷"), "12");
        assert_eq!(clean("0\u{332}6\u{332}1\u{20DD}"), "061");
        assert_eq!(clean("caf\u{0065}\u{0301}"), "café");
    }

    #[test]
    fn clean_removes_invisible_characters() {
        assert_eq!(
            clean("06\u{200B}12\u{200C}34\u{2060}56\u{FEFF}78\u{00AD}"),
            "0612345678"
        );
        assert_eq!(clean("a\u{200E}b\u{2063}c"), "abc");
    }

    #[test]
    fn clean_maps_keycaps() {
        assert_eq!(clean("0\u{FE0F}\u{20E3}6\u{FE0F}\u{20E3}"), "06");
        assert_eq!(clean("1\u{20E3}"), "1");
    }

    #[test]
    fn clean_nbsp_is_space_not_disguise() {
        let c = clean_mapped("06\u{00A0}12345678");
        assert_eq!(c.text, "06 12345678");
        assert!(!c.disguised(0..c.text.len()));
    }

    #[test]
    fn cleaned_maps_back_and_flags_disguise() {
        let orig = "bel 0\u{FE0F}\u{20E3}6 12 en 06\u{200B}1";
        let c = clean_mapped(orig);
        assert_eq!(c.text, "bel 06 12 en 061");
        let r = c.original_range(4..9);
        assert_eq!(&orig[r], "0\u{FE0F}\u{20E3}6 12");
        assert!(c.disguised(4..9));
        assert!(!c.disguised(0..3));
        let r = c.original_range(13..16);
        assert_eq!(&orig[r], "06\u{200B}1");
        assert!(c.disguised(13..16));
        assert!(!c.disguised(10..12));
    }

    #[test]
    fn cleaned_ascii_is_identity() {
        let c = clean_mapped("06-12345678");
        assert_eq!(c.original_range(0..2), 0..2);
        assert!(!c.disguised(0..11));
    }

    #[test]
    fn full_width_digits_are_disguise() {
        let c = clean_mapped("tel ０６");
        assert_eq!(c.text, "tel 06");
        assert!(c.disguised(4..6));
        assert!(!c.disguised(0..3));
    }
}
