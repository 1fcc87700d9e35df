//! Shared text normalisation: HTML to visible text, link targets, and Unicode clean-up.
//!
//! [`clean`] / [`clean_mapped`] turn hostile ad text into something the extractors can
//! scan: NFKC, ASCII digits for every kind of Unicode digit, no invisible characters.
//! [`Cleaned`] keeps a map back to the original so extractors can report text "as it
//! stood" and tell whether a span was disguised with invisible or unusual characters.

use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use scraper::{Html, Node};
use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;

/// Elements whose content is never visible text.
fn skipped(name: &str) -> bool {
    matches!(
        name,
        "script" | "style" | "template" | "noscript" | "iframe"
    )
}

/// Elements that start and end a line of text.
pub(crate) fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "br"
            | "caption"
            | "dd"
            | "details"
            | "dialog"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hr"
            | "html"
            | "legend"
            | "li"
            | "main"
            | "nav"
            | "ol"
            | "option"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "tfoot"
            | "th"
            | "thead"
            | "title"
            | "tr"
            | "ul"
    )
}

/// Visible text of an HTML document or fragment: script, style and similar contents are
/// dropped, block elements become line breaks, runs of spaces collapse to one, entities
/// are decoded. Invisible format characters are kept (see [`clean`]).
pub fn html_to_text(html: &str) -> String {
    visible_text(&super::super::html_depth::parse_document(html))
}

/// [`html_to_text`] and [`link_targets`] from one parse of the page. Plain, well-formed
/// HTML takes a fast single pass ([`super::super::html_scan`]) with the same result.
pub fn html_text_and_links(html: &str) -> (String, Vec<String>) {
    // One allocation for the text: it is never longer than the page.
    let mut fast = FastSink::default();
    fast.text.buf.reserve(html.len());
    if super::super::html_scan::scan(html, &mut fast).is_some() {
        return (fast.text.finish(), fast.links.out);
    }
    let doc = super::super::html_depth::parse_document(html);
    (visible_text(&doc), links_of(&doc))
}

/// Collects the fast path's output.
#[derive(Default)]
struct FastSink {
    text: TextBuilder,
    links: Links,
}

impl super::super::html_scan::Sink for FastSink {
    fn text(&mut self, s: &str) {
        self.text.push_text(s);
    }

    fn block(&mut self) {
        self.text.newline();
    }

    fn attributes(&mut self, attrs: &[(Cow<'_, str>, Cow<'_, str>)]) {
        self.links.element(attrs.iter().map(|(n, v)| (&**n, &**v)));
    }
}

fn visible_text(doc: &Html) -> String {
    let mut out = TextBuilder::default();
    // Iterative depth-first walk: hostile pages may nest deeply.
    let mut stack = vec![(doc.tree.root(), false)];
    while let Some((node, closing)) = stack.pop() {
        match node.value() {
            Node::Text(t) if !closing => out.push_text(t),
            Node::Element(e) => {
                let name = e.name();
                if skipped(name) {
                    continue;
                }
                if is_block(name) {
                    out.newline();
                }
                if !closing {
                    stack.push((node, true));
                    let mut children: Vec<_> = node.children().collect();
                    children.reverse();
                    stack.extend(children.into_iter().map(|c| (c, false)));
                }
            }
            Node::Document | Node::Fragment if !closing => {
                let mut children: Vec<_> = node.children().collect();
                children.reverse();
                stack.extend(children.into_iter().map(|c| (c, false)));
            }
            _ => {}
        }
    }
    out.finish()
}

/// Accumulates text with collapsed spaces and single line breaks.
#[derive(Default)]
struct TextBuilder {
    buf: String,
    pending_space: bool,
}

impl TextBuilder {
    fn push_text(&mut self, t: &str) {
        let b = t.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] < 0x80 {
                if ascii_space(b[i]) {
                    self.pending_space = true;
                    i += 1;
                    continue;
                }
                // A run of visible ASCII at once: nearly all ad text.
                let e = visible_ascii_end(b, i + 1);
                self.space_if_pending();
                self.buf.push_str(&t[i..e]);
                i = e;
                continue;
            }
            let c = t[i..].chars().next().expect("i is a char boundary");
            i += c.len_utf8();
            if c.is_whitespace() {
                self.pending_space = true;
            } else {
                self.space_if_pending();
                self.buf.push(c);
            }
        }
    }

    fn space_if_pending(&mut self) {
        if self.pending_space && !self.buf.is_empty() && !self.buf.ends_with('\n') {
            self.buf.push(' ');
        }
        self.pending_space = false;
    }

    fn newline(&mut self) {
        self.pending_space = false;
        if !self.buf.is_empty() && !self.buf.ends_with('\n') {
            self.buf.push('\n');
        }
    }

    fn finish(mut self) -> String {
        while self.buf.ends_with('\n') {
            self.buf.pop();
        }
        self.buf
    }
}

/// Attribute values that may carry a phone number: every `href` that contains a digit, and
/// `data-*`, `content`, `title`, `value` and `aria-label` values with at least six digits
/// after [`clean`]. Deduplicated, in document order. The phone extractor decides.
pub fn link_targets(html: &str) -> Vec<String> {
    links_of(&super::super::html_depth::parse_document(html))
}

fn links_of(doc: &Html) -> Vec<String> {
    let mut links = Links::default();
    for node in doc.tree.nodes() {
        if let Node::Element(e) = node.value() {
            links.element(e.attrs());
        }
    }
    links.out
}

/// Link targets, element by element in document order (see [`link_targets`]).
#[derive(Default)]
struct Links {
    out: Vec<String>,
    seen: HashSet<String>,
}

impl Links {
    fn element<'a>(&mut self, attrs: impl Iterator<Item = (&'a str, &'a str)>) {
        for (name, value) in attrs {
            let wanted = if name == "href" {
                value.chars().any(|c| c.is_ascii_digit() || c == '%')
                    || value.contains("wa.me")
                    || value.to_ascii_lowercase().starts_with("tel:")
            } else if may_hold_phone(name) {
                clean(value).bytes().filter(u8::is_ascii_digit).count() >= 6
            } else {
                false
            };
            let value = value.trim();
            if wanted && !value.is_empty() && !self.seen.contains(value) {
                self.seen.insert(value.to_string());
                // WhatsApp numbers are international digits without `+`: say so.
                let whatsapp = name.starts_with("data-")
                    && name.contains("whatsapp")
                    && value.bytes().all(|b| b.is_ascii_digit());
                self.out.push(if whatsapp {
                    format!("https://wa.me/{value}")
                } else {
                    value.to_string()
                });
            }
        }
    }
}

/// An attribute whose value the link scan looks at.
pub(crate) fn may_hold_phone(name: &str) -> bool {
    name == "href"
        || phone_data_attribute(name)
        || matches!(name, "content" | "title" | "value" | "aria-label")
}

/// A `data-*` attribute whose name says it holds a contact number (`data-phone`,
/// `data-tel`, `data-whatsapp`, `data-number`); ids such as `data-ad-id` do not count.
fn phone_data_attribute(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("data-") else {
        return false;
    };
    rest.split(['-', '_']).any(|part| {
        matches!(
            part,
            "phone"
                | "tel"
                | "telephone"
                | "telefoon"
                | "mobile"
                | "mobiel"
                | "gsm"
                | "whatsapp"
                | "wa"
                | "sms"
                | "number"
                | "nummer"
                | "nr"
                | "contact"
                | "call"
                | "bel"
        )
    })
}

static HTML_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)<(?:!doctype\s+html|!--|/[a-z][a-z0-9]*\s*>|(?:html|head|body|div|p|span|a|br",
        r"|hr|img|meta|link|table|tr|td|ul|ol|li|h[1-6]|script|style|section|article|header",
        r"|footer|nav|main|form|input|button|strong|em|b|i|font|center)(?:\s[^<>]*)?/?>)",
    ))
    .expect("valid regex")
});

/// Whether `s` looks like an HTML document or fragment rather than plain text.
pub fn looks_like_html(s: &str) -> bool {
    HTML_TAG.is_match(s)
}

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

/// Deterministic pseudo-random strings made of hostile pieces, for no-panic tests.
/// Eight bytes at a time (SWAR): `ONES * b` repeats byte `b`, `HIGH` is bit 7 of each.
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// For eight bytes `x` (little-endian), bit 7 set in each byte that is ASCII in `lo..=hi`.
/// Per byte, for its low seven bits `v` (no carry crosses a byte): bit 7 of
/// `v + 0x80 - lo` is `v >= lo`, bit 7 of `v + 0x7f - hi` is `v > hi`.
#[inline]
pub(crate) fn swar_between(x: u64, lo: u8, hi: u8) -> u64 {
    let v = x & !HIGH;
    (v + ONES * u64::from(0x80 - lo)) & !(v + ONES * u64::from(0x7f - hi)) & !x & HIGH
}

/// The first byte of `b[i..]` for which `hit` (a SWAR test as [`swar_between`]) sets bit
/// 7, or `b.len()`; `byte` is the same test for one byte, used on the last few bytes.
#[inline]
pub(crate) fn swar_find(
    b: &[u8],
    mut i: usize,
    hit: impl Fn(u64) -> u64,
    byte: impl Fn(u8) -> bool,
) -> usize {
    while let Some(chunk) = b.get(i..i + 8) {
        let m = hit(u64::from_le_bytes(chunk.try_into().expect("eight bytes")));
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && !byte(b[i]) {
        i += 1;
    }
    i
}

/// The first ASCII digit in `b[i..]`, or `b.len()`.
#[inline]
pub(crate) fn next_ascii_digit(b: &[u8], i: usize) -> usize {
    swar_find(
        b,
        i,
        |x| swar_between(x, b'0', b'9'),
        |c| c.is_ascii_digit(),
    )
}

/// The end of the run of ASCII other than white space at `b[i..]`: the first `k >= i`
/// where `b[k]` is white space (as `char::is_whitespace` sees ASCII) or not ASCII.
#[inline]
fn visible_ascii_end(b: &[u8], i: usize) -> usize {
    let stop = |x: u64| swar_between(x, b'\t', b'\r') | swar_between(x, b' ', b' ') | (x & HIGH);
    swar_find(b, i, stop, |c| !c.is_ascii() || ascii_space(c))
}

/// ASCII white space as `char::is_whitespace` sees it (`u8::is_ascii_whitespace` leaves
/// out the vertical tab).
pub(crate) fn ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// The end of the run of ASCII letters and digits at `b[i..]`: the first `k >= i` where
/// `b[k]` is no ASCII letter or digit. Every scanner of ad text looks for word ends; eight
/// bytes at a time instead of a byte loop that mispredicts once per word, as the standard
/// library has no such search (`memchr` finds given bytes, not a class).
#[inline]
pub(crate) fn ascii_alnum_end(b: &[u8], i: usize) -> usize {
    let alnum = |x: u64| swar_between(x, b'0', b'9') | swar_between(x | (ONES * 0x20), b'a', b'z');
    swar_find(b, i, |x| !alnum(x) & HIGH, |c| !c.is_ascii_alphanumeric())
}

#[cfg(test)]
pub(crate) fn hostile_samples(count: usize) -> Vec<String> {
    let pieces: Vec<&str> = concat!(
        "0|6|1|3|+| |-|.|/|(|)|O|l|\n|\u{200B}|\u{FE0F}|\u{20E3}|０|é|e\u{301}|😀|nul|zes|€|:|,",
        "|nr|vergunning|ESC|kvk|ref|<p>|</p>|tel:|wa.me/|%2B|%|İ|\u{AD}|ＥＳＣ|gemeente|'s|#",
        "|2024|31|00|en |&|<a href='",
    )
    .split('|')
    .collect();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x as usize
    };
    let mut sample = |_| {
        (0..next() % 40)
            .map(|_| pieces[next() % pieces.len()])
            .collect()
    };
    (0..count).map(&mut sample).collect()
}

#[cfg(test)]
mod tests {

    #[test]
    fn visible_ascii_end_agrees_with_a_byte_loop() {
        let slow = |b: &[u8], mut i: usize| {
            while i < b.len() && b[i].is_ascii() && !char::from(b[i]).is_whitespace() {
                i += 1;
            }
            i
        };
        for stop in 0..=255u8 {
            for at in 0..19 {
                let mut b = vec![b'x'; 20];
                b[at] = stop;
                for from in [0, at, at + 1] {
                    assert_eq!(
                        super::visible_ascii_end(&b, from),
                        slow(&b, from),
                        "{b:?} {from}"
                    );
                }
            }
        }
    }

    #[test]
    fn alnum_end_agrees_with_a_byte_loop() {
        // Every byte value in every position of an eight-byte chunk, after runs of every
        // length up to 17, so the chunked search and the tail loop both meet each one.
        let slow = |b: &[u8], mut i: usize| {
            while i < b.len() && b[i].is_ascii_alphanumeric() {
                i += 1;
            }
            i
        };
        let letters = b"aZ09mQ";
        for stop in 0..=255u8 {
            for run in 0..=17 {
                for tail in 0..3 {
                    let mut b: Vec<u8> = (0..run).map(|k| letters[k % letters.len()]).collect();
                    b.push(stop);
                    b.extend(std::iter::repeat_n(b'x', tail));
                    for from in 0..b.len() {
                        assert_eq!(
                            super::ascii_alnum_end(&b, from),
                            slow(&b, from),
                            "{b:?} from {from}"
                        );
                    }
                }
            }
        }
    }

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

    #[test]
    fn only_contact_data_attributes_count() {
        let links = link_targets(
            r#"<div data-ad-id="0306549819" data-phone="06-12345678" data-whatsapp="359886478992"></div>"#,
        );
        assert_eq!(links, ["06-12345678", "https://wa.me/359886478992"]);
    }

    use super::*;

    #[test]
    fn html_text_drops_scripts_and_breaks_blocks() {
        let html = "<html><head><title>T</title><style>p{}</style></head><body>\
            <script>var x = '0612345678';</script><p>Hallo&nbsp;daar</p><div>Bel   me\n  nu</div>\
            <ul><li>een</li><li>twee<br>drie</li></ul><noscript>nee</noscript>\
            <template>niet</template>&amp; meer</body></html>";
        assert_eq!(
            html_to_text(html),
            "T\nHallo daar\nBel me nu\neen\ntwee\ndrie\n& meer"
        );
    }

    #[test]
    fn html_text_of_fragment_and_inline() {
        assert_eq!(html_to_text("<b>06</b>-<i>12345678</i>"), "06-12345678");
        assert_eq!(html_to_text("plain text"), "plain text");
        assert_eq!(html_to_text("<h1>Kop</h1><h2>Sub</h2>"), "Kop\nSub");
        assert_eq!(
            html_to_text("<svg><text>06</text><text>123</text></svg>"),
            "06123"
        );
        assert_eq!(
            html_to_text("<table><tr><td>a</td><td>b</td></tr></table>"),
            "a\nb"
        );
    }

    #[test]
    fn html_text_keeps_invisible_characters_for_clean() {
        assert_eq!(html_to_text("<p>06&#8203;12</p>"), "06\u{200B}12");
    }

    #[test]
    fn html_text_survives_deep_nesting() {
        let html = "<div>".repeat(5000) + "x" + &"</div>".repeat(5000);
        assert_eq!(html_to_text(&html), "x");
    }

    #[test]
    fn link_targets_collects_candidate_attributes() {
        let html = r#"<a href="tel:+31612345678">bel</a><a href="/about">over</a>
            <a href="https://wa.me/31612345678">app</a>
            <span data-phone="06 1234 5678" data-id="7" title="Bel 06-12345678"></span>
            <meta content="Bel 0612345678"><input value="0612345678"><a href="tel:+31612345678">x</a>"#;
        assert_eq!(
            link_targets(html),
            vec![
                "tel:+31612345678",
                "https://wa.me/31612345678",
                "06 1234 5678",
                "Bel 06-12345678",
                "Bel 0612345678",
                "0612345678",
            ]
        );
    }

    #[test]
    fn html_detection() {
        assert!(looks_like_html("<!DOCTYPE html><html></html>"));
        assert!(looks_like_html("<p>hoi</p>"));
        assert!(looks_like_html("tekst met <br> erin"));
        assert!(looks_like_html("<div class=\"ad\">x</div>"));
        assert!(!looks_like_html("ik <3 jou, prijs < 100 > 50"));
        assert!(!looks_like_html("Bel 06-12345678"));
    }

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

    #[test]
    fn hostile_input_never_panics() {
        for s in hostile_samples(3000) {
            let c = clean_mapped(&s);
            for a in (0..=c.text.len()).filter(|&a| c.text.is_char_boundary(a)) {
                let r = c.original_range(a..c.text.len());
                assert!(
                    s.is_char_boundary(r.start) && s.is_char_boundary(r.end),
                    "{s:?}"
                );
                c.disguised(0..a);
            }
            html_to_text(&s);
            link_targets(&s);
        }
    }
}
