//! Text from HTML: the visible text of a page or fragment and the attribute values that
//! may hold a phone number, from one parse; a fast single pass ([`html_scan`]) for
//! plain, well-formed HTML and html5ever for the rest.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;
use scraper::{Html, Node};

use super::byte_scan::{ascii_space, visible_ascii_end};
use super::elements::{is_block, may_hold_phone, skipped};
use super::html_scan::{self, Sink};
use super::normalise::clean;
use crate::extract::html_depth;

/// Visible text of an HTML document or fragment: script, style and similar contents are
/// dropped, block elements become line breaks, runs of spaces collapse to one, entities
/// are decoded. Invisible format characters are kept (see [`clean`]).
pub fn html_to_text(html: &str) -> String {
    visible_text(&html_depth::parse_document(html))
}

/// [`html_to_text`] and [`link_targets`] from one parse of the page. Plain, well-formed
/// HTML takes a fast single pass ([`html_scan`]) with the same result.
pub fn html_text_and_links(html: &str) -> (String, Vec<String>) {
    // One allocation for the text: it is never longer than the page.
    let mut fast = FastSink::default();
    fast.text.buf.reserve(html.len());
    if html_scan::scan(html, &mut fast).is_some() {
        return (fast.text.finish(), fast.links.out);
    }
    let doc = html_depth::parse_document(html);
    (visible_text(&doc), links_of(&doc))
}

/// Collects the fast path's output.
#[derive(Default)]
struct FastSink {
    text: TextBuilder,
    links: Links,
}

impl Sink for FastSink {
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
    links_of(&html_depth::parse_document(html))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_contact_data_attributes_count() {
        let links = link_targets(
            r#"<div data-ad-id="0306549819" data-phone="06-12345678" data-whatsapp="359886478992"></div>"#,
        );
        assert_eq!(links, ["06-12345678", "https://wa.me/359886478992"]);
    }

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

    /// The fast path's result, if it takes the page.
    fn fast(html: &str) -> Option<(String, Vec<String>)> {
        let (text, links) = html_text_and_links(html);
        let mut probe = Probe;
        html_scan::scan(html, &mut probe).map(|()| (text, links))
    }

    struct Probe;

    impl Sink for Probe {
        fn text(&mut self, _: &str) {}
        fn block(&mut self) {}
        fn attributes(&mut self, _: &[(Cow<'_, str>, Cow<'_, str>)]) {}
    }

    fn same_as_html5ever(html: &str) -> bool {
        let Some((text, links)) = fast(html) else {
            return false;
        };
        assert_eq!(text, html_to_text(html), "text of {html:?}");
        assert_eq!(links, link_targets(html), "links of {html:?}");
        true
    }

    #[test]
    fn fast_path_equals_html5ever() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/extraction_corpus.jsonl"
        );
        let corpus = std::fs::read_to_string(path).expect("corpus");
        let (mut html, mut taken) = (0, 0);
        for line in corpus.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).expect("json");
            let ad = v["text"].as_str().unwrap_or_default();
            if looks_like_html(ad) {
                html += 1;
                let ok = same_as_html5ever(ad);
                if !ok {
                    eprintln!("REFUSED {}", &ad[..ad.len().min(300)]);
                }
                taken += usize::from(ok);
            }
        }
        // The fast path must stay the common case, or it is no fast path.
        assert!(
            taken * 10 >= html * 9,
            "fast path took {taken} of {html} HTML ads"
        );
        for s in crate::extract::text::hostile_samples(5000) {
            same_as_html5ever(&s);
        }
    }

    #[test]
    fn fast_path_cases() {
        for html in [
            "<p>Hallo&nbsp;daar &amp; &#8203;<b>06</b>-<i>123&#x34;5678</i></p>",
            "<!DOCTYPE html><html lang=nl><head><title>T &amp; U</title><meta charset=utf-8>\
             <style>p{}</style></head><body><script>var x = '0612345678';</script>\
             <p>a<div>b</div>c</p><ul><li>een<li>twee<br>drie</ul></body></html>",
            "<a HREF='tel:+31612345678' data-Phone=\"06 1234 5678\" title=x>bel</a> ik <3 jou",
            "<div data-whatsapp=31612345678 data-id=7>x</div><!-- 0612345678 -->y",
            "<h1>a<h2>b</h2>c</h1><pre>\nx</pre>  <p>  q  </p>",
            "<section><span>a</span><noscript>n</noscript><iframe>i</iframe></section>",
        ] {
            assert!(same_as_html5ever(html), "fast path refused {html:?}");
        }
        for html in [
            "<table><tr><td>a</td></tr>x</table>",
            "a</div>b",
            "<b>x<p>y</b>z</p>",
            "<p>&euro &copy;</p>",
            "<div>x",
            "<p>x</p>&#128;",
            "<a href=1 href=2>x</a>",
            "<script><!-- </script> --></script>",
            "<template>t</template>",
            "<div/>x",
            "<center>x</center>",
            "x<body data-phone=0612345678>",
        ] {
            let refused = fast(html).is_none() || same_as_html5ever(html);
            assert!(refused, "{html:?}");
        }
    }
}
