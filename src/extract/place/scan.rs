//! The free-text scan ([`Gazetteer::find_in_text`]): text split into normalised words,
//! matched on n-grams against the name index under the precision rules.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

use super::{Gazetteer, Place};
use crate::extract::text::byte_scan::ascii_alnum_end;

/// Words after which a stoplisted name (`Best`, `Putten`) counts as a place.
const CONTEXT_WORDS: &[&str] = &[
    "in",
    "te",
    "uit",
    "bij",
    "nabij",
    "rond",
    "rondom",
    "regio",
    "omgeving",
    "omg",
    "vanuit",
    "naar",
    "gemeente",
    "vestiging",
    "to",
    "near",
    "around",
];
/// Labels that, with a colon, announce a place (`Plaats: Oss`, `Location: Ede`).
const LABEL_WORDS: &[&str] = &[
    "plaats",
    "woonplaats",
    "standplaats",
    "locatie",
    "location",
    "area",
    "city",
    "stad",
    "werkgebied",
    "regio",
    "omgeving",
    "gemeente",
    "vestiging",
    "adres",
    "address",
    "place",
    "town",
    "dorp",
    "wijk",
];
/// Names with keys this short need context in free text (see [`Words::context_before`]).
const MAX_SHORT_NAME: usize = 4;
/// A one-word match ending like this and followed by a number is a street address.
const STREET_SUFFIXES: &[&str] = &[
    "straat", "weg", "laan", "plein", "kade", "gracht", "singel", "dreef", "steeg", "pad",
];
/// Longest n-gram tried in free text.
const MAX_NGRAM: usize = 6;

impl Gazetteer {
    /// Places named in free (Dutch) ad text, in order of first mention, one per
    /// municipality (foreign cities one per name). Where a municipality is named both by
    /// its own name and by a village or district, the village or district is kept.
    ///
    /// Precision rules: the longest matching n-gram wins; a one-word match needs a capital
    /// and at least 3 letters; a longer match needs a capitalised last word and a
    /// capitalised or particle (`den`, `'s`) first word; names in `text_stoplist.txt`
    /// (`Best`, `Echt`, `Heel`) count only right after a context word (`in`, `te`,
    /// `regio`, … but not across a full stop), a label and colon (`Plaats:`), 📍 or a
    /// postcode, or before `e.o.`; names of at most four letters (`Oss`, `Reth`) need the
    /// same, or a line of their own, or to go on a list of places (`naar Oss en Uden`); a
    /// street-like word before a house number is an address.
    pub fn find_in_text(&self, text: &str) -> Vec<Place> {
        let mut ids = Vec::new();
        self.scan(text, true, &mut ids);
        self.collect(ids)
    }

    /// Append the entries matched in `text`; `strict` applies the capitalisation rules.
    pub(super) fn scan(&self, text: &str, strict: bool, out: &mut Vec<u32>) {
        let words = Words::new(text);
        let mut key = String::with_capacity(self.max_key_len);
        let mut i = 0;
        // Token index just after the last place found: a list (`naar Oss en Uden`) goes on.
        let mut after_place = usize::MAX;
        while i < words.len() {
            if strict && !(words.toks[i].cap || is_particle(words.word(i))) {
                // No name can start here under the capitalisation rule (see `acceptable`).
                i += 1;
                continue;
            }
            let mut best: Option<(usize, u32)> = None;
            key.clear();
            for n in 1..=MAX_NGRAM.min(words.len() - i) {
                if n > 1 && words.toks[i + n - 1].break_before() {
                    break;
                }
                key.push_str(words.word(i + n - 1));
                if key.len() > self.max_key_len {
                    break;
                }
                let Some(ngram) = self.ngrams.get(key.as_str()) else {
                    break;
                };
                if let Some((entry, stop)) = ngram.hit {
                    let listed = words.continues_list(i, after_place);
                    if words.acceptable(i, n, stop, &key, strict, listed) {
                        best = Some((n, entry));
                    }
                }
                if !ngram.prefix {
                    break;
                }
            }
            if let Some((n, hit)) = best {
                out.push(hit);
                i += n;
                after_place = i;
            } else {
                i += 1;
            }
        }
    }
}

/// Separators that may stand inside a place name; any other punctuation (and a line
/// break) ends a multi-word match.
fn soft_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t'
            | '-'
            | '.'
            | '/'
            | '\''
            | '’'
            | '‘'
            | '`'
            | '´'
            | '\u{a0}'
            | '\u{2010}'
            | '\u{2011}'
    )
}

/// One word of normalised text: 12 bytes, one per word of every ad.
#[derive(Debug, Clone, Copy)]
struct Token {
    /// Byte range in [`Words::lower`], or in [`Words::folded`] when `folded`.
    start: u32,
    end: u32,
    /// Replaces the normalised text (`aan de` -> `ad`, `sint` -> `st`): see [`CANON`].
    canon: u8,
    /// The word has non-ASCII characters and was folded into [`Words::folded`].
    folded: bool,
    /// Starts with a capital letter or a digit in the original text.
    cap: bool,
    /// What stood between it and the word before: the class bits [`HARD`] (punctuation
    /// other than a [`soft_separator`]), [`NEWLINE`], [`COLON`] and [`PIN`] (📍).
    before: u8,
}

impl Token {
    /// Punctuation other than a [`soft_separator`] came before it.
    #[inline]
    fn break_before(&self) -> bool {
        self.before & HARD != 0
    }
}

/// The replacement words of [`Token::canon`]; index 0 is "none".
const CANON: [&str; 3] = ["", "st", "ad"];

/// Byte classes of the tokenizer: an ASCII letter or digit, one that makes a word
/// capitalised (upper case, digit), an ASCII separator that ends a multi-word match (a
/// line break or punctuation other than `-./'` and the backtick, see [`soft_separator`]).
const ALNUM: u8 = 1;
const CAP: u8 = 2;
const HARD: u8 = 4;
/// A line break (also [`HARD`]); a colon (also [`HARD`]); the 📍 emoji (`Token::before` only).
const NEWLINE: u8 = 8;
const COLON: u8 = 16;
const PIN: u8 = 32;
/// A full stop (`Token::before` only; a soft separator, as in `St. Oedenrode`).
const DOT: u8 = 64;
static CLASS: [u8; 256] = {
    let mut t = [0u8; 128 + 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_uppercase() || c.is_ascii_digit() {
            ALNUM | CAP
        } else if c.is_ascii_lowercase() {
            ALNUM
        } else if matches!(
            c,
            b' ' | b'\t' | b'-' | b'.' | b'/' | b'\'' | b'`' | b'\x0b' | b'\x0c'
        ) {
            if c == b'.' {
                DOT
            } else {
                0
            }
        } else if c == b'\n' {
            HARD | NEWLINE
        } else if c == b':' {
            HARD | COLON
        } else {
            HARD
        };
        b += 1;
    }
    t
};

/// Lower-case first words that may start a multi-word place name (`den Bosch`).
fn is_particle(w: &str) -> bool {
    // `s t de den het ter ten st op`, as byte patterns: it is asked for every word, and
    // string patterns compile to calls of `memcmp`.
    matches!(
        w.as_bytes(),
        [b's' | b't']
            | [b'd', b'e']
            | [b's', b't']
            | [b'o', b'p']
            | [b'd', b'e', b'n']
            | [b'h', b'e', b't']
            | [b't', b'e', b'r' | b'n']
    )
}

/// Text split into normalised words.
pub(super) struct Words {
    /// The text with ASCII in lower case: the normalised form of every ASCII word, at its
    /// own offsets (one bulk copy instead of one per word).
    lower: String,
    /// Normalised forms of words with non-ASCII characters (`Düsseldorf` -> `dusseldorf`).
    folded: String,
    toks: Vec<Token>,
}

impl Words {
    pub(super) fn new(text: &str) -> Words {
        // Ad text has a word per five or six bytes: reserve once instead of regrowing.
        let mut w = Words {
            lower: text.to_ascii_lowercase(),
            folded: String::new(),
            toks: Vec::with_capacity(text.len() / 5 + 8),
        };
        let bytes = text.as_bytes();
        let mut gap = 0u8;
        let mut i = 0;
        // Byte-wise: nearly all ad text is ASCII, and this loop sees every byte.
        while i < bytes.len() {
            let class = CLASS[usize::from(bytes[i])];
            if class & ALNUM != 0 {
                let start = i;
                i = ascii_alnum_end(bytes, i + 1);
                let cap = class & CAP != 0;
                if i < bytes.len() && bytes[i] >= 0x80 {
                    // The word goes on with other characters (`Düsseldorf`): fold it.
                    let at = w.folded.len();
                    w.folded.push_str(&w.lower[start..i]);
                    i = w.fold_word(text, i, at, cap, gap);
                } else {
                    w.push(start, i, false, cap, gap);
                }
                gap = 0;
            } else if bytes[i] < 0x80 {
                gap |= class & (HARD | NEWLINE | COLON | DOT);
                i += 1;
            } else {
                let c = text[i..].chars().next().expect("i is a char boundary");
                let at = w.folded.len();
                match fold_char(c, &mut w.folded) {
                    Some(true) => {
                        let cap = c.is_uppercase() || c.is_numeric();
                        i = w.fold_word(text, i + c.len_utf8(), at, cap, gap);
                        gap = 0;
                    }
                    // Invisible characters and marks outside a word change nothing.
                    Some(false) => i += c.len_utf8(),
                    None => {
                        if !(soft_separator(c) || c.is_whitespace()) {
                            gap |= if c == '📍' { HARD | PIN } else { HARD };
                        }
                        i += c.len_utf8();
                    }
                }
            }
        }
        w.canonicalize();
        w
    }

    fn push(&mut self, start: usize, end: usize, folded: bool, cap: bool, before: u8) {
        self.toks.push(Token {
            start: start as u32,
            end: end as u32,
            canon: 0,
            folded,
            cap,
            before,
        });
    }

    /// Folds the rest of a word from `text[i..]` into [`Words::folded`], where the word
    /// started at `at`: letters and digits, with invisible characters and marks dropped.
    /// Pushes the token and returns where the word ends.
    fn fold_word(&mut self, text: &str, mut i: usize, at: usize, cap: bool, gap: u8) -> usize {
        let bytes = text.as_bytes();
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                if !b.is_ascii_alphanumeric() {
                    break;
                }
                self.folded.push(char::from(b.to_ascii_lowercase()));
                i += 1;
                continue;
            }
            let c = text[i..].chars().next().expect("i is a char boundary");
            if fold_char(c, &mut self.folded).is_none() {
                break;
            }
            i += c.len_utf8();
        }
        self.push(at, self.folded.len(), true, cap, gap);
        i
    }

    /// `aan de(n)` -> `ad`, `sint` -> `st`.
    fn canonicalize(&mut self) {
        let (mut w, mut r) = (0, 0);
        while r < self.toks.len() {
            let mut t = self.toks[r];
            // Byte patterns, not string patterns: this sees every word, and string
            // patterns compile to calls of `memcmp`.
            match self.text(&t).as_bytes() {
                [b's', b'i', b'n', b't'] => t.canon = 1,
                [b'a', b'a', b'n'] => {
                    if let Some(next) = self.toks.get(r + 1).filter(|n| !n.break_before()) {
                        if matches!(
                            self.text(next).as_bytes(),
                            [b'd', b'e'] | [b'd', b'e', b'n']
                        ) {
                            t.canon = 2;
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

    /// The normalised text of a token, before canonicalisation.
    fn text(&self, t: &Token) -> &str {
        let from = if t.folded { &self.folded } else { &self.lower };
        &from[t.start as usize..t.end as usize]
    }

    #[inline]
    fn word(&self, i: usize) -> &str {
        let t = &self.toks[i];
        match t.canon {
            0 => self.text(t),
            k => CANON[usize::from(k)],
        }
    }

    pub(super) fn key(&self) -> String {
        (0..self.len()).map(|i| self.word(i)).collect()
    }

    /// The precision rules of [`Gazetteer::find_in_text`] for words `i..i + n`.
    fn acceptable(
        &self,
        i: usize,
        n: usize,
        stop: bool,
        key: &str,
        strict: bool,
        listed: bool,
    ) -> bool {
        let (first, last) = (&self.toks[i], &self.toks[i + n - 1]);
        if n == 1 && key.len() < 3 {
            return false;
        }
        if strict && !(last.cap && (first.cap || is_particle(self.word(i)))) {
            return false;
        }
        if stop && !self.context_before(i) && !self.area_after(i, n) {
            return false;
        }
        // Short names (`Ee`, `Reth`, `Oss`) turn up in noise and foreign words: in free
        // text they need a place word, a label, a postcode or a line of their own.
        let short = key.len() <= MAX_SHORT_NAME;
        let context =
            || listed || self.context_before(i) || self.own_line(i, n) || self.area_after(i, n);
        if strict && short && !context() {
            return false;
        }
        let address = n == 1
            && STREET_SUFFIXES.iter().any(|s| key.ends_with(s))
            && (i + 1 < self.len() && !self.toks[i + 1].break_before())
            && self.word(i + 1).starts_with(|c: char| c.is_ascii_digit());
        !address
    }
}

impl Words {
    /// Words `i..` follow a place word (`in Oss`, `regio Ee`), a label and colon
    /// (`Plaats: Oss`), the 📍 emoji or a postcode (`5351 AB Oss`).
    fn context_before(&self, i: usize) -> bool {
        if i == 0 {
            return false;
        }
        let (first, prev) = (&self.toks[i], self.word(i - 1));
        if first.before & PIN != 0 {
            return true;
        }
        // `omgeving. Echt een aanrader`: a full stop ends the context (`omg.` does not).
        let stop_between = first.before & DOT != 0 && prev != "omg";
        if !first.break_before() && !stop_between && CONTEXT_WORDS.contains(&prev) {
            return true;
        }
        if first.before & (COLON | NEWLINE) == COLON && LABEL_WORDS.contains(&prev) {
            return true;
        }
        let digits = |w: &str| w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit());
        let letters = |w: &str| w.len() == 2 && w.bytes().all(|b| b.is_ascii_lowercase());
        // Byte lengths: only an ASCII word can be a postcode (`zoe१` is six bytes too).
        let postcode = prev.is_ascii()
            && match prev.len() {
                6 => digits(&prev[..4]) && letters(&prev[4..]),
                2 => i >= 2 && letters(prev) && digits(self.word(i - 2)),
                _ => false,
            };
        postcode && !first.break_before()
    }

    /// Word `i` goes on a list of places that ended at `after_place`: right after it
    /// (`Oss, Uden`) or after `en`, `and`, `of`, `or` (`naar Oss en Uden`).
    fn continues_list(&self, i: usize, after_place: usize) -> bool {
        let same_line = |k: usize| self.toks[k].before & NEWLINE == 0;
        match i.checked_sub(after_place) {
            Some(0) => same_line(i),
            Some(1) => {
                same_line(i)
                    && same_line(i - 1)
                    && matches!(self.word(i - 1), "en" | "and" | "of" | "or")
            }
            _ => false,
        }
    }

    /// Words `i..i + n` stand on a line of their own (a place field of an HTML page).
    fn own_line(&self, i: usize, n: usize) -> bool {
        let line_before = i == 0 || self.toks[i].before & NEWLINE != 0;
        let line_after = self.toks.get(i + n).is_none_or(|t| t.before & NEWLINE != 0);
        line_before && line_after
    }

    /// Words `i..i + n` are followed by `e.o.` / `en omgeving` / `en omstreken`.
    fn area_after(&self, i: usize, n: usize) -> bool {
        let next = |k: usize| (i + n + k < self.len()).then(|| &self.toks[i + n + k]);
        let word = |k: usize| {
            next(k)
                .filter(|t| t.before & NEWLINE == 0)
                .map(|_| self.word(i + n + k))
        };
        matches!(
            (word(0), word(1)),
            (Some("eo"), _) | (Some("e"), Some("o")) | (Some("en"), Some("omgeving" | "omstreken"))
        )
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
    let invisible = matches!(
        c,
        '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}'
    );
    if invisible || is_combining_mark(c) {
        return Some(false);
    }
    if !c.is_alphanumeric() {
        // Emoji, quotes, dashes: no such character decomposes to a letter or digit
        // (tested below), so skip the decomposition.
        return None;
    }
    let special = match c {
        'ß' => "ss",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'ø' | 'Ø' => "o",
        'ł' | 'Ł' => "l",
        'đ' | 'Đ' => "d",
        'ı' => "i",
        'ĳ' | 'Ĳ' => "ij",
        _ => "",
    };
    if !special.is_empty() {
        out.push_str(special);
        return Some(true);
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
    use super::super::normalize_key;
    use super::super::tests::{g, show};

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
    fn no_other_character_decomposes_to_a_letter_or_digit() {
        // `fold_char` calls a character that is not alphanumeric, a mark or invisible a
        // separator without decomposing it: that must be what decomposing would say.
        use unicode_normalization::char::{decompose_canonical, is_combining_mark};
        for c in (0x80..=0x10ffff).filter_map(char::from_u32) {
            if c.is_alphanumeric() || is_combining_mark(c) {
                continue;
            }
            let mut alnum = false;
            decompose_canonical(c, |d| {
                alnum |= !is_combining_mark(d) && d.to_lowercase().any(char::is_alphanumeric)
            });
            assert!(!alnum, "U+{:04X}", c as u32);
        }
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

    /// Issue 13, point 10: random bytes read as text gave places such as "Reth" and "Ee".
    #[test]
    fn a_six_byte_word_that_is_not_ascii_is_no_postcode() {
        // Found by the property test: `zoe१` is six bytes, and byte 4 lies inside `१`.
        assert_eq!(show(&g().find_in_text("zoe\u{967} Oss")), "");
        assert_eq!(
            show(&g().find_in_text("zoé१ Ede en 5401ab Uden")),
            "Uden=GM1991"
        );
    }

    #[test]
    fn short_names_need_context() {
        for t in [
            "x9 Reth Qz Ee Pw Ee E e",
            "Zo Goes het: Urk, Tiel, Epe en Ede zijn namen.",
            "Lieve Oss fan, bel Uden",
        ] {
            assert_eq!(show(&g().find_in_text(t)), "", "{t}");
        }
        for (t, want) in [
            ("Ik ontvang in Oss.", "Oss=GM0828"),
            ("Plaats: Ede", "Ede=GM0228"),
            ("Privé 📍 Goes", "Goes=GM0664"),
            ("Adres: Kerkstraat 1, 5401 AB Uden", "Uden=GM1991"),
            ("Urk e.o., incall en outcall", "Urk=GM0184"),
            ("Lieve dame\nTiel\nBel nu", "Tiel=GM0281"),
            ("Regio Ees en omgeving", "Ees=GM1681"),
            ("Vestiging Epe.", "Epe=GM0232"),
        ] {
            assert_eq!(show(&g().find_in_text(t)), want, "{t}");
        }
    }

    #[test]
    fn text_scan_handles_a_megabyte() {
        let chunk =
            "Nieuw in Rotterdam! Lieve dame ontvangt in Hoogvliet, ook escort naar Capelle a/d \
                     IJssel. Bel of app voor een afspraak, ook in het weekend. ";
        let text = chunk.repeat(1 << 13); // ~1.3 MB
        assert_eq!(
            show(&g().find_in_text(&text)),
            "Hoogvliet=GM0599, Capelle aan den IJssel=GM0502"
        );
    }
}
