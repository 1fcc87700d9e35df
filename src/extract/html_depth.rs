//! Hostile HTML cannot stall the parser: element nesting is capped before html5ever sees
//! the page.
//!
//! html5ever checks the stack of open elements for every start tag ("has a `p` element in
//! button scope"), so a page of deeply nested elements costs time quadratic in its depth:
//! 20,000 nested `<div>`s took 3.2 s to parse, 40,000 took 12.2 s, and the 100,000 of the
//! security review 48.6 s in `crawl`. Browsers cap the depth of the tree they build
//! (Blink at 512); html5ever has no such option. So one linear pass over the markup drops
//! the start and end tags of elements that would open deeper than [`MAX_DEPTH`]: their
//! content stays, flattened into the element at the cap. Real ad pages nest a few dozen
//! levels; the pass changes nothing in them and allocates nothing.
//!
//! Why by hand: it needs only a tag-level view (names, where a tag ends, raw-text
//! elements, comments), which no tokenizer in the dependency tree gives without building
//! what we are trying not to build. The count errs towards the parser's view: elements
//! whose end tag is optional (`p`, `li`, `td`, …) and void elements are not counted, a
//! `/>` closes an element only inside SVG or MathML, as in html5ever.

use std::borrow::Cow;

use scraper::Html;

/// Deepest element nesting that reaches the parser. Real ad pages nest a few dozen
/// levels. The worst page the cap lets through repeats nests of this depth: html5ever's
/// time grows with it (5 MiB of 255-deep nests took 0.64 s to parse at 256; see
/// `benches/hostile.rs`), so it is half of Blink's 512.
pub const MAX_DEPTH: usize = 128;

/// `Html::parse_document` of `html` with its nesting capped at [`MAX_DEPTH`].
pub fn parse_document(html: &str) -> Html {
    Html::parse_document(&cap_depth(html, MAX_DEPTH))
}

/// `html` without the tags of elements nested deeper than `max` (their text kept);
/// borrowed when nothing is that deep.
pub fn cap_depth(html: &str, max: usize) -> Cow<'_, str> {
    let b = html.as_bytes();
    let mut out: Option<String> = None;
    // Bytes of `html` up to here are in `out` (when it exists).
    let mut copied = 0;
    let mut depth = 0usize;
    // Elements opened beyond the cap and not yet closed: their end tags are dropped too.
    let mut dropped = 0usize;
    // Open `svg`/`math` elements: inside them `/>` closes an element.
    let mut foreign = 0usize;
    let mut i = 0;
    while let Some(n) = memchr::memchr(b'<', &b[i..]) {
        let at = i + n;
        let rest = &b[at..];
        if rest.starts_with(b"<!--") {
            i = find(b, at + 4, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            i = memchr::memchr(b'>', &b[at..]).map_or(b.len(), |e| at + e + 1);
            continue;
        }
        let end_tag = rest.starts_with(b"</");
        let name_at = at + if end_tag { 2 } else { 1 };
        if !b.get(name_at).is_some_and(u8::is_ascii_alphabetic) {
            i = at + 1;
            continue;
        }
        let name_end = name_at
            + b[name_at..]
                .iter()
                .position(|c| c.is_ascii_whitespace() || *c == b'/' || *c == b'>')
                .unwrap_or(b.len() - name_at);
        let name = lower(&b[name_at..name_end]);
        let Some(tag_end) = tag_end(b, name_end) else {
            break;
        };
        let self_closing = b[..tag_end - 1].ends_with(b"/");
        let mut keep = true;
        let kind = kind(&name);
        if end_tag {
            if matches!(name.as_str(), "svg" | "math") {
                foreign = foreign.saturating_sub(1);
            }
            if kind == Kind::Counted {
                if dropped > 0 {
                    dropped -= 1;
                    keep = false;
                } else {
                    depth = depth.saturating_sub(1);
                }
            }
            i = tag_end;
        } else {
            if foreign > 0 && breaks_out_of_foreign_content(&name) {
                foreign = 0;
            }
            let opens = kind == Kind::Counted && !(self_closing && foreign > 0);
            if opens {
                if depth < max {
                    depth += 1;
                    if matches!(name.as_str(), "svg" | "math") {
                        foreign += 1;
                    }
                } else {
                    dropped += 1;
                    keep = false;
                }
            }
            i = tag_end;
            if kind == Kind::RawText {
                // Content up to the matching end tag is text, never tags.
                i = find_end_tag(b, tag_end, name.as_bytes()).unwrap_or(b.len());
            } else if name == "plaintext" {
                break;
            }
        }
        if !keep {
            let o = out.get_or_insert_with(|| String::with_capacity(html.len()));
            o.push_str(&html[copied..at]);
            copied = tag_end;
        }
    }
    match out {
        None => Cow::Borrowed(html),
        Some(mut o) => {
            o.push_str(&html[copied..]);
            Cow::Owned(o)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Opens a level that its end tag closes.
    Counted,
    /// Void, or with an end tag the parser may imply: not counted.
    Uncounted,
    /// Its content is text up to its end tag (`script`, `style`, …).
    RawText,
}

fn kind(name: &str) -> Kind {
    match name {
        "area" | "base" | "br" | "col" | "embed" | "hr" | "img" | "input" | "link" | "meta"
        | "source" | "track" | "wbr" | "param" | "keygen" | "frame" | "basefont" | "bgsound" => {
            Kind::Uncounted
        }
        "p" | "li" | "dt" | "dd" | "option" | "optgroup" | "tr" | "td" | "th" | "thead"
        | "tbody" | "tfoot" | "rb" | "rt" | "rtc" | "rp" | "colgroup" | "caption" | "html"
        | "head" | "body" => Kind::Uncounted,
        "script" | "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript"
        | "textarea" | "title" => Kind::RawText,
        _ => Kind::Counted,
    }
}

/// HTML elements that end SVG or MathML content when they start inside it (HTML
/// standard, "parsing main inforeign").
fn breaks_out_of_foreign_content(name: &str) -> bool {
    matches!(
        name,
        "b" | "big"
            | "blockquote"
            | "body"
            | "br"
            | "center"
            | "code"
            | "dd"
            | "div"
            | "dl"
            | "dt"
            | "em"
            | "embed"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "head"
            | "hr"
            | "i"
            | "img"
            | "li"
            | "listing"
            | "menu"
            | "meta"
            | "nobr"
            | "ol"
            | "p"
            | "pre"
            | "ruby"
            | "s"
            | "small"
            | "span"
            | "strong"
            | "strike"
            | "sub"
            | "sup"
            | "table"
            | "tt"
            | "u"
            | "ul"
            | "var"
            | "font"
    )
}

fn lower(name: &[u8]) -> String {
    name.iter()
        .map(|c| c.to_ascii_lowercase() as char)
        .collect()
}

/// The index after the `>` that ends the tag whose attributes start at `from`; quoted
/// attribute values may hold `>`.
fn tag_end(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    let mut after_equals = false;
    while i < b.len() {
        match b[i] {
            b'>' => return Some(i + 1),
            q @ (b'"' | b'\'') if after_equals => {
                i += 1 + memchr::memchr(q, &b[i + 1..])?;
                after_equals = false;
            }
            b'=' => after_equals = true,
            c if c.is_ascii_whitespace() => {}
            _ => after_equals = false,
        }
        i += 1;
    }
    None
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(&b[from..], needle).map(|n| from + n)
}

/// Where `</name` (any case) starts, from `from` on.
fn find_end_tag(b: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut i = from;
    while let Some(n) = memchr::memmem::find(&b[i..], b"</") {
        let at = i + n;
        let candidate = &b[at + 2..];
        if candidate.len() >= name.len() && candidate[..name.len()].eq_ignore_ascii_case(name) {
            return Some(at);
        }
        i = at + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn max_depth(doc: &Html) -> usize {
        doc.tree
            .nodes()
            .map(|n| n.ancestors().count())
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn ordinary_pages_pass_unchanged_and_unallocated() {
        let page = "<!doctype html><html><head><title>a < b</title><style>p > a {}</style>\
                    <script>if (a<b) { x = '</div>'; }</script></head><body>\
                    <div class=\"x\" data-y='1>2'><p>een<p>twee<ul><li>a<li>b</ul>\
                    <svg><g><path d=\"M0\"/><path/></g></svg><br><img src=x></div>\
                    <!-- <div> --></body></html>";
        assert!(matches!(cap_depth(page, 8), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_nesting_is_flattened_at_the_cap_with_its_text() {
        let n = 10_000;
        let page = format!(
            "<html><body>{}<span class=\"ad\">kern</span>{}<p>na</p></body></html>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        );
        let capped = cap_depth(&page, MAX_DEPTH);
        let doc = Html::parse_document(&capped);
        assert!(max_depth(&doc) <= MAX_DEPTH + 4, "{}", max_depth(&doc));
        // The element beyond the cap lost its tags, not its text.
        let text: String = doc.root_element().text().collect();
        assert_eq!(text, "kernna");
        let sel = scraper::Selector::parse("div span.ad").unwrap();
        assert_eq!(doc.select(&sel).count(), 0);
        // What follows the deep part is outside it again, as in the page.
        let after = scraper::Selector::parse("body > p").unwrap();
        assert_eq!(doc.select(&after).count(), 1);
    }

    #[test]
    fn self_closing_tags_nest_in_html_but_not_in_svg() {
        // `<div/>` opens a div in HTML: counted, so it cannot be used to nest unseen.
        let page = format!("<body>{}x</body>", "<div/>".repeat(5_000));
        let doc = Html::parse_document(&cap_depth(&page, 64));
        assert!(max_depth(&doc) <= 64 + 4);
        // Nor can an `<svg>` hide it: an HTML element ends the SVG content.
        let page = format!("<body><svg>{}x</svg></body>", "<div/>".repeat(5_000));
        let doc = Html::parse_document(&cap_depth(&page, 64));
        assert!(max_depth(&doc) <= 64 + 4);
        // Icons full of self-closed paths are not deep.
        let icons = format!(
            "<body>{}</body>",
            "<svg><path d=\"M0\"/></svg>".repeat(1_000)
        );
        assert!(matches!(cap_depth(&icons, 64), Cow::Borrowed(_)));
    }

    #[test]
    fn raw_text_is_never_read_as_tags_and_never_shown() {
        let page = format!(
            "<body>{}<script>{}</script>z</body>",
            "<div>".repeat(100),
            "<div>".repeat(1_000)
        );
        let capped = cap_depth(&page, 200);
        assert!(matches!(capped, Cow::Borrowed(_)));
        // A script beyond the cap keeps its tags: its content stays script, not text.
        let page = format!(
            "<body>{}<script>geheim()</script>z</body>",
            "<b>".repeat(100)
        );
        let capped = cap_depth(&page, 10);
        assert!(capped.contains("<script>geheim()</script>"));
    }

    #[test]
    fn unterminated_markup_ends_the_scan_without_panicking() {
        for page in [
            "<div",
            "<div class=\"x",
            "<!-- x",
            "<script>x",
            "</",
            "<",
            "<a href='",
        ] {
            let _ = cap_depth(page, 1);
            let _ = parse_document(page);
        }
    }
}
