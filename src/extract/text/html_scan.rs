//! A fast path for [`super::html_text_and_links`]: one linear pass over plain,
//! well-formed ad HTML that yields the same visible text and link targets as the full
//! html5ever parse, or `None` as soon as the page leaves that simple subset.
//!
//! Why not a crate: html5ever is the reference and stays the fallback, but building its
//! DOM was a quarter of the extraction time for an HTML ad; the lighter HTML tokenizers
//! are not in the dependency tree, and none promises html5ever's output. The subset is
//! chosen so that the tree builder cannot change what the extractor sees:
//!
//! - only the elements of [`element`], properly nested but for the `<li>`, `<p>`, `<dd>`
//!   and `<dt>` a block's end tag closes (no table foster parenting, no nested forms, no
//!   foreign content, no `<template>`, nothing whose implicit closing moves a line break);
//! - `<html>`, `<head>`, `<body>` contribute nothing (html5ever creates them anyway);
//! - `script`, `style`, `noscript`, `iframe` content is skipped up to its end tag, `title`
//!   is text without tags;
//! - character references: decimal and hexadecimal ones and the named ones of [`named`],
//!   each with its `;`;
//! - no NUL, no `<!` other than comments and the doctype, no duplicate attributes.
//!
//! `fast_path_equals_html5ever`, in the tests of [`super::html`], checks the two paths on
//! every HTML ad of the corpus and on hostile samples.

use std::borrow::Cow;

use super::byte_scan::ascii_alnum_end;
use super::elements::{is_block, may_hold_phone};

/// What the scan reports, in document order.
pub(super) trait Sink {
    /// Visible text (entities decoded).
    fn text(&mut self, s: &str);
    /// A start or end tag of a block element.
    fn block(&mut self);
    /// The attributes of an element, sorted by name as scraper stores them.
    fn attributes(&mut self, attrs: &[(Cow<'_, str>, Cow<'_, str>)]);
}

/// Scan `html` into `sink`; `None` when the page needs the full parser (the sink may then
/// hold partial output and must be discarded).
pub(super) fn scan(html: &str, sink: &mut impl Sink) -> Option<()> {
    let b = html.as_bytes();
    if b.contains(&0) {
        return None;
    }
    let mut open: Vec<&'static str> = Vec::new();
    let mut attrs: Vec<(Cow<'_, str>, Cow<'_, str>)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        // Text up to the next markup character.
        let end = memchr::memchr2(b'<', b'&', &b[i..]).map_or(b.len(), |n| i + n);
        if end > i {
            sink.text(&html[i..end]);
            i = end;
            continue;
        }
        if b[i] == b'&' {
            let (decoded, len) = reference(&html[i..])?;
            sink.text(&decoded);
            i += len;
            continue;
        }
        // `<`
        match b.get(i + 1) {
            Some(c) if c.is_ascii_alphabetic() => {}
            Some(b'/') => {
                let (name, len) = end_tag(&html[i..])?;
                i += len;
                if matches!(name, "html" | "head" | "body") {
                    continue;
                }
                // `</ul>` closes an open `<li>`, `</div>` an open `<p>`: html5ever's
                // implied end tags, which only add line breaks next to this one.
                while is_block(name)
                    && open.last() != Some(&name)
                    && open
                        .last()
                        .is_some_and(|t| matches!(*t, "li" | "p" | "dd" | "dt"))
                {
                    open.pop();
                }
                if open.pop() != Some(name) {
                    return None;
                }
                if is_block(name) {
                    sink.block();
                }
                continue;
            }
            Some(b'!') => {
                i += declaration(&html[i..])?;
                continue;
            }
            // A `<` that starts no tag is text (`ik <3 jou`).
            Some(c) if !matches!(c, b'?') => {
                sink.text("<");
                i += 1;
                continue;
            }
            _ => return None,
        }
        attrs.clear();
        let (name, self_closing, len) = start_tag(&html[i..], &mut attrs)?;
        i += len;
        attrs.sort_by(|x, y| x.0.cmp(&y.0));
        if attrs.windows(2).any(|w| w[0].0 == w[1].0) {
            return None;
        }
        if matches!(name, "html" | "head" | "body") {
            // Their attributes may be merged into an element made earlier: only allow
            // ones the link scan ignores.
            if attrs.iter().any(|(n, _)| may_hold_phone(n)) {
                return None;
            }
            continue;
        }
        sink.attributes(&attrs);
        let void = VOID.contains(&name);
        if self_closing && !void {
            return None;
        }
        if is_block(name) {
            sink.block();
        }
        if void {
            continue;
        }
        if RAW_TEXT.contains(&name) || name == "title" {
            // Content up to `</name`; html5ever's script states treat `<!--` specially.
            let close = find_end_tag(&html[i..], name)?;
            let content = &html[i..i + close];
            if name == "title" {
                // Escapable raw text: references, no tags.
                let mut rest = content;
                while let Some(at) = rest.find('&') {
                    sink.text(&rest[..at]);
                    let (decoded, len) = reference(&rest[at..])?;
                    sink.text(&decoded);
                    rest = &rest[at + len..];
                }
                sink.text(rest);
            } else if name == "script" && content.contains("<!--") {
                return None;
            }
            i += close;
            let (_, len) = end_tag(&html[i..])?;
            i += len;
            if is_block(name) {
                sink.block();
            }
            continue;
        }
        if name == "form" && open.contains(&"form") {
            return None; // html5ever ignores a form inside a form
        }
        open.push(name);
    }
    Some(())
}

const VOID: &[&str] = &["br", "hr", "img", "input", "meta", "link", "wbr", "source"];
const RAW_TEXT: &[&str] = &["script", "style", "noscript", "iframe"];

/// The canonical name of an element the fast path knows (tag names ignore ASCII case).
fn element(name: &str) -> Option<&'static str> {
    const KNOWN: &[&str] = &[
        "html",
        "head",
        "body",
        "title",
        "meta",
        "link",
        "script",
        "style",
        "noscript",
        "iframe",
        "div",
        "p",
        "span",
        "a",
        "b",
        "i",
        "u",
        "s",
        "em",
        "strong",
        "small",
        "big",
        "mark",
        "sub",
        "sup",
        "abbr",
        "cite",
        "q",
        "time",
        "code",
        "kbd",
        "var",
        "dfn",
        "br",
        "hr",
        "img",
        "wbr",
        "input",
        "label",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "main",
        "aside",
        "address",
        "blockquote",
        "figure",
        "figcaption",
        "details",
        "summary",
        "pre",
        "picture",
        "button",
        "form",
        "source",
    ];
    let mut buf = [0u8; 12];
    let lower = buf.get_mut(..name.len())?;
    lower.copy_from_slice(name.as_bytes());
    lower.make_ascii_lowercase();
    KNOWN.iter().copied().find(|k| k.as_bytes() == lower)
}

/// `<name attr=value …>` at the start of `s`: (element, self-closing, length).
fn start_tag<'a>(
    s: &'a str,
    attrs: &mut Vec<(Cow<'a, str>, Cow<'a, str>)>,
) -> Option<(&'static str, bool, usize)> {
    let b = s.as_bytes();
    let name_end = Some(ascii_alnum_end(b, 1)).filter(|&e| e < b.len())?;
    if !matches!(b[name_end], b' ' | b'\t' | b'\n' | b'\x0c' | b'/' | b'>') {
        return None; // `<a.b>` is an element named `a.b`
    }
    let name = element(&s[1..name_end])?;
    let mut i = name_end;
    loop {
        while b
            .get(i)
            .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\x0c'))
        {
            i += 1;
        }
        match *b.get(i)? {
            b'>' => return Some((name, false, i + 1)),
            b'/' if b.get(i + 1) == Some(&b'>') => return Some((name, true, i + 2)),
            b'/' | b'"' | b'\'' | b'<' | b'=' | b'\r' => return None,
            _ => {}
        }
        let n_end = i + b[i..]
            .iter()
            .position(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\x0c' | b'/' | b'>' | b'='))?;
        let raw_name = &s[i..n_end];
        if raw_name
            .bytes()
            .any(|c| matches!(c, b'"' | b'\'' | b'<' | b'\r') || c >= 0x80)
        {
            return None;
        }
        let attr_name = if raw_name.bytes().any(|c| c.is_ascii_uppercase()) {
            Cow::Owned(raw_name.to_ascii_lowercase())
        } else {
            Cow::Borrowed(raw_name)
        };
        i = n_end;
        let mut j = i;
        while b
            .get(j)
            .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\x0c'))
        {
            j += 1;
        }
        if b.get(j) != Some(&b'=') {
            attrs.push((attr_name, Cow::Borrowed("")));
            continue;
        }
        j += 1;
        while b
            .get(j)
            .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\x0c'))
        {
            j += 1;
        }
        let (raw_value, next) = match *b.get(j)? {
            q @ (b'"' | b'\'') => {
                let close = j + 1 + memchr::memchr(q, &b[j + 1..])?;
                (&s[j + 1..close], close + 1)
            }
            b'>' => return None,
            _ => {
                let end = j + b[j..]
                    .iter()
                    .position(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\x0c' | b'>'))?;
                let v = &s[j..end];
                if v.bytes()
                    .any(|c| matches!(c, b'"' | b'\'' | b'<' | b'=' | b'`'))
                {
                    return None;
                }
                (v, end)
            }
        };
        if raw_value.contains('\r') {
            return None;
        }
        attrs.push((attr_name, decode(raw_value)?));
        i = next;
    }
}

/// `</name>` at the start of `s`: (element, length).
fn end_tag(s: &str) -> Option<(&'static str, usize)> {
    let b = s.as_bytes();
    if !b.get(2)?.is_ascii_alphabetic() {
        return None;
    }
    let name_end = Some(ascii_alnum_end(b, 2)).filter(|&e| e < b.len())?;
    let name = element(&s[2..name_end])?;
    let mut i = name_end;
    while b
        .get(i)
        .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\x0c'))
    {
        i += 1;
    }
    (*b.get(i)? == b'>').then_some((name, i + 1))
}

/// The offset of `</name` followed by a space, `/` or `>` (ASCII case ignored).
fn find_end_tag(s: &str, name: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(k) = s[from..].find("</") {
        let at = from + k;
        let after = at + 2 + name.len();
        if b.len() > after
            && b[at + 2..after].eq_ignore_ascii_case(name.as_bytes())
            && matches!(b[after], b' ' | b'\t' | b'\n' | b'\x0c' | b'/' | b'>')
        {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

/// A comment or the doctype at the start of `s` (`<!…`): its length.
fn declaration(s: &str) -> Option<usize> {
    if let Some(body) = s.strip_prefix("<!--") {
        // `<!-->` and `<!--->` end at once in html5ever; `--!>` also ends a comment.
        if body.starts_with('>') || body.starts_with("->") || body.contains("--!>") {
            return None;
        }
        return Some(4 + body.find("-->")? + 3);
    }
    let head = s.get(2..9)?;
    if head.eq_ignore_ascii_case("doctype") {
        let end = s.find('>')?;
        return (!s[2..end].contains(['<', '"', '\''])).then_some(end + 1);
    }
    None
}

/// `s` with its character references decoded; `None` for one the fast path leaves to
/// html5ever.
fn decode(s: &str) -> Option<Cow<'_, str>> {
    if !s.contains('&') {
        return Some(Cow::Borrowed(s));
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let (decoded, len) = reference(&rest[at..])?;
        out.push_str(&decoded);
        rest = &rest[at + len..];
    }
    out.push_str(rest);
    Some(Cow::Owned(out))
}

/// The character reference at the start of `s` (`&…`): (text, length). A `&` that starts
/// no reference is itself.
fn reference(s: &str) -> Option<(Cow<'static, str>, usize)> {
    let b = s.as_bytes();
    match b.get(1) {
        Some(b'#') => {
            let (hex, from) = match b.get(2) {
                Some(b'x' | b'X') => (true, 3),
                _ => (false, 2),
            };
            let digits = b[from..]
                .iter()
                .take_while(|c| {
                    if hex {
                        c.is_ascii_hexdigit()
                    } else {
                        c.is_ascii_digit()
                    }
                })
                .count();
            if digits == 0 || digits > 7 || b.get(from + digits) != Some(&b';') {
                return None;
            }
            let v = u32::from_str_radix(&s[from..from + digits], if hex { 16 } else { 10 }).ok()?;
            // Controls, C1 (remapped by html5ever), surrogates and non-characters: fallback.
            let plain = matches!(v, 0x09 | 0x0a | 0x0c | 0x20..=0x7e | 0xa0..=0xfdcf | 0xfdf0..=0x10ffff)
                && v & 0xfffe != 0xfffe;
            let c = char::from_u32(v).filter(|_| plain)?;
            Some((Cow::Owned(c.to_string()), from + digits + 1))
        }
        Some(c) if c.is_ascii_alphanumeric() => {
            let len = b[1..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric())
                .count();
            if b.get(1 + len) != Some(&b';') {
                return None;
            }
            Some((Cow::Borrowed(named(&s[1..1 + len])?), len + 2))
        }
        _ => Some((Cow::Borrowed("&"), 1)),
    }
}

/// The named references ads use; any other name goes to html5ever.
fn named(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        "euro" => "€",
        "eacute" => "é",
        "euml" => "ë",
        "iuml" => "ï",
        "ouml" => "ö",
        "uuml" => "ü",
        "auml" => "ä",
        "egrave" => "è",
        "agrave" => "à",
        "ccedil" => "ç",
        "copy" => "©",
        "reg" => "®",
        "hellip" => "…",
        "ndash" => "–",
        "mdash" => "—",
        "lsquo" => "‘",
        "rsquo" => "’",
        "ldquo" => "“",
        "rdquo" => "”",
        "laquo" => "«",
        "raquo" => "»",
        "middot" => "·",
        "bull" => "•",
        "deg" => "°",
        "times" => "×",
        "shy" => "\u{ad}",
        "zwj" => "\u{200d}",
        "zwnj" => "\u{200c}",
        _ => return None,
    })
}
