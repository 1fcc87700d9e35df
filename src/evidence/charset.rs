//! The character encoding of a fetched page, as a browser finds it (HTML Standard,
//! "determining the character encoding"): a byte order mark wins, then the `charset` of
//! the Content-Type header, then a `<meta>` in the first 1024 bytes (the prescan), then a
//! guess from the bytes by `chardetng` (Firefox's detector). Decoding is `encoding_rs`, so
//! labels mean what they mean on the web: `iso-8859-1` is windows-1252, where 0x80 is `€`.

use std::borrow::Cow;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252, X_USER_DEFINED};
use url::{Host, Url};

/// How many bytes the `<meta>` prescan reads (the HTML Standard's advice).
pub const PRESCAN_LIMIT: usize = 1024;

/// Where the encoding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Bom,
    Header,
    Meta,
    Sniffed,
}

/// The encoding of `body` and where it came from.
pub fn detect(body: &[u8], content_type: Option<&str>, url: &Url) -> (&'static Encoding, Source) {
    if let Some((enc, _)) = Encoding::for_bom(body) {
        return (enc, Source::Bom);
    }
    if let Some(enc) = content_type.and_then(charset_param) {
        return (enc, Source::Header);
    }
    if let Some(enc) = prescan(&body[..body.len().min(PRESCAN_LIMIT)]) {
        return (enc, Source::Meta);
    }
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(body, true);
    // A crawler wants the right answer, so UTF-8 may be guessed too (unlike a browser).
    (
        detector.guess(tld(url), Utf8Detection::Allow),
        Source::Sniffed,
    )
}

/// `body` decoded to text (BOM removed, invalid sequences replaced).
pub fn decode<'a>(body: &'a [u8], content_type: Option<&str>, url: &Url) -> Cow<'a, str> {
    let (enc, _) = detect(body, content_type, url);
    // `decode` sniffs the BOM itself as well, and strips it.
    enc.decode(body).0
}

/// The encoding named by the `charset` parameter of a Content-Type value.
pub fn charset_param(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        Encoding::for_label(value.as_bytes())
    })
}

/// The top-level domain for `chardetng` (`nl` for `www.example.nl`); none for IP addresses.
fn tld(url: &Url) -> Option<&[u8]> {
    let Some(Host::Domain(host)) = url.host() else {
        return None;
    };
    let label = host.trim_end_matches('.').rsplit('.').next()?;
    let ok = !label.is_empty()
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    ok.then_some(label.as_bytes())
}

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

fn starts_with_ignore_case(bytes: &[u8], prefix: &[u8]) -> bool {
    bytes.len() >= prefix.len() && bytes[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// The HTML Standard's "prescan a byte stream to determine its encoding", over `bytes`
/// only (pass the first 1024). Finds `<meta charset=…>` and
/// `<meta http-equiv="Content-Type" content="…; charset=…">`, skipping comments and the
/// attributes of other tags, so a `<meta` inside an attribute value does not count.
pub fn prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    let mut pos = 0;
    while pos < bytes.len() {
        let rest = &bytes[pos..];
        if rest.starts_with(b"<!--") {
            // To the first `-->` whose dashes come after the `<` (so `<!-->` ends too).
            let end = find(&bytes[pos + 2..], b"-->")?;
            pos += 2 + end + 3;
        } else if starts_with_ignore_case(rest, b"<meta")
            && rest.get(5).is_some_and(|&b| is_space(b) || b == b'/')
        {
            pos += 5;
            if let Some(enc) = meta_encoding(bytes, &mut pos)? {
                return Some(enc);
            }
        } else if rest.len() >= 2
            && rest[0] == b'<'
            && (rest[1].is_ascii_alphabetic()
                || (rest[1] == b'/' && rest.get(2).is_some_and(u8::is_ascii_alphabetic)))
        {
            // Another tag: skip its name and attributes.
            pos += bytes[pos..]
                .iter()
                .position(|&b| is_space(b) || b == b'>')?;
            while attribute(bytes, &mut pos)?.is_some() {}
        } else if rest.starts_with(b"<!") || rest.starts_with(b"</") || rest.starts_with(b"<?") {
            pos += rest.iter().position(|&b| b == b'>')? + 1;
        } else {
            pos += 1;
        }
    }
    None
}

/// The attributes of one `<meta>` (from just after its name): `Some(Some(enc))` when it
/// declares an encoding, `Some(None)` when it does not, `None` when the bytes ran out.
fn meta_encoding(bytes: &[u8], pos: &mut usize) -> Option<Option<&'static Encoding>> {
    let mut names: Vec<Vec<u8>> = Vec::new();
    let mut got_pragma = false;
    let mut need_pragma: Option<bool> = None;
    let mut charset: Option<&'static Encoding> = None;
    while let Some((name, value)) = attribute(bytes, pos)? {
        if names.contains(&name) {
            continue;
        }
        match name.as_slice() {
            b"http-equiv" => got_pragma |= value == b"content-type",
            b"content" if charset.is_none() => {
                if let Some(enc) = charset_from_content(&value) {
                    charset = Some(enc);
                    need_pragma = Some(true);
                }
            }
            b"charset" => {
                charset = Encoding::for_label(&value);
                need_pragma = Some(false);
            }
            _ => {}
        }
        names.push(name);
    }
    let declared = match need_pragma {
        None => None,
        Some(true) if !got_pragma => None,
        _ => charset,
    };
    Some(declared.map(|enc| {
        if enc == UTF_16BE || enc == UTF_16LE {
            UTF_8
        } else if enc == X_USER_DEFINED {
            WINDOWS_1252
        } else {
            enc
        }
    }))
}

/// The HTML Standard's "get an attribute": `Some(None)` at the tag's `>`, `None` when the
/// bytes ran out. Names and values come back in lower case.
#[allow(clippy::type_complexity)]
fn attribute(bytes: &[u8], pos: &mut usize) -> Option<Option<(Vec<u8>, Vec<u8>)>> {
    let at = |p: usize| bytes.get(p).copied();
    while at(*pos).is_some_and(|b| is_space(b) || b == b'/') {
        *pos += 1;
    }
    if at(*pos)? == b'>' {
        return Some(None);
    }
    let mut name = Vec::new();
    let mut value = Vec::new();
    // The name.
    loop {
        let b = at(*pos)?;
        if b == b'=' && !name.is_empty() {
            *pos += 1;
            break;
        }
        if is_space(b) {
            while at(*pos).is_some_and(is_space) {
                *pos += 1;
            }
            if at(*pos)? != b'=' {
                return Some(Some((name, value)));
            }
            *pos += 1;
            break;
        }
        if b == b'/' || b == b'>' {
            return Some(Some((name, value)));
        }
        name.push(b.to_ascii_lowercase());
        *pos += 1;
    }
    // The value.
    while at(*pos).is_some_and(is_space) {
        *pos += 1;
    }
    let b = at(*pos)?;
    if b == b'"' || b == b'\'' {
        *pos += 1;
        loop {
            let c = at(*pos)?;
            *pos += 1;
            if c == b {
                return Some(Some((name, value)));
            }
            value.push(c.to_ascii_lowercase());
        }
    }
    if b == b'>' {
        return Some(Some((name, value)));
    }
    loop {
        let c = at(*pos)?;
        if is_space(c) || c == b'>' {
            return Some(Some((name, value)));
        }
        value.push(c.to_ascii_lowercase());
        *pos += 1;
    }
}

/// The HTML Standard's "extracting a character encoding from a meta element" (the
/// `content` attribute of `http-equiv="Content-Type"`), on a lower-cased value.
fn charset_from_content(content: &[u8]) -> Option<&'static Encoding> {
    let mut pos = 0;
    loop {
        pos += find(&content[pos..], b"charset")? + 7;
        while content.get(pos).copied().is_some_and(is_space) {
            pos += 1;
        }
        if content.get(pos) == Some(&b'=') {
            pos += 1;
            break;
        }
    }
    while content.get(pos).copied().is_some_and(is_space) {
        pos += 1;
    }
    let rest = &content[pos..];
    let label = match rest.first()? {
        q @ (b'"' | b'\'') => {
            let end = rest[1..].iter().position(|b| b == q)?;
            &rest[1..1 + end]
        }
        _ => {
            let end = rest
                .iter()
                .position(|&b| is_space(b) || b == b';')
                .unwrap_or(rest.len());
            &rest[..end]
        }
    };
    Encoding::for_label(label)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{ISO_8859_2, SHIFT_JIS, WINDOWS_1251};

    fn url() -> Url {
        Url::parse("http://127.0.0.1/advertentie/1").unwrap()
    }

    #[test]
    fn meta_charset_forms() {
        assert_eq!(prescan(b"<meta charset=windows-1252>"), Some(WINDOWS_1252));
        assert_eq!(prescan(b"<META CharSet='ISO-8859-1'/>"), Some(WINDOWS_1252));
        assert_eq!(prescan(b"<meta charset=\"shift_jis\">"), Some(SHIFT_JIS));
        assert_eq!(
            prescan(
                b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-2\">"
            ),
            Some(ISO_8859_2)
        );
        // Attributes in either order, unquoted, odd spacing.
        assert_eq!(
            prescan(
                b"<meta content='text/html;charset = \"windows-1251\"' http-equiv = content-type >"
            ),
            Some(WINDOWS_1251)
        );
    }

    #[test]
    fn meta_that_does_not_declare() {
        // content= without http-equiv=Content-Type does not count.
        assert_eq!(
            prescan(b"<meta content=\"text/html; charset=latin1\">"),
            None
        );
        assert_eq!(
            prescan(b"<meta name=viewport content=width=device-width>"),
            None
        );
        assert_eq!(prescan(b"<meta charset=klingon>"), None);
        assert_eq!(prescan(b"<metacharset=latin1>"), None);
        assert_eq!(prescan(b"<meta charset=latin1"), None, "ran out of bytes");
    }

    #[test]
    fn prescan_skips_comments_and_other_tags() {
        assert_eq!(
            prescan(b"<!-- <meta charset=shift_jis> --><meta charset=latin1>"),
            Some(WINDOWS_1252)
        );
        assert_eq!(prescan(b"<!--><meta charset=latin1>"), Some(WINDOWS_1252));
        assert_eq!(
            prescan(b"<div title='<meta charset=shift_jis>'><meta charset=latin1>"),
            Some(WINDOWS_1252)
        );
        assert_eq!(
            prescan(b"<!DOCTYPE html><?xml x?></p><html lang=nl><head><meta charset=utf-8>"),
            Some(UTF_8)
        );
        assert_eq!(prescan(b"<p>tekst zonder meta</p>"), None);
    }

    #[test]
    fn utf16_in_meta_means_utf8() {
        assert_eq!(prescan(b"<meta charset=utf-16le>"), Some(UTF_8));
        assert_eq!(
            prescan(b"<meta charset=x-user-defined>"),
            Some(WINDOWS_1252)
        );
    }

    #[test]
    fn header_charset_parameter() {
        assert_eq!(
            charset_param("text/html; charset=ISO-8859-1"),
            Some(WINDOWS_1252)
        );
        assert_eq!(charset_param("text/html;CHARSET=\"utf-8\""), Some(UTF_8));
        assert_eq!(charset_param("text/html"), None);
        assert_eq!(charset_param("text/html; charset=nonsense"), None);
    }

    #[test]
    fn order_bom_header_meta_sniff() {
        let meta = b"<meta charset=windows-1251><p>caf\xe9";
        assert_eq!(detect(meta, None, &url()), (WINDOWS_1251, Source::Meta));
        assert_eq!(
            detect(meta, Some("text/html; charset=latin1"), &url()),
            (WINDOWS_1252, Source::Header)
        );
        let bom = b"\xef\xbb\xbf<meta charset=windows-1251><p>caf\xc3\xa9";
        assert_eq!(
            detect(bom, Some("text/html; charset=latin1"), &url()),
            (UTF_8, Source::Bom)
        );
        assert_eq!(
            decode(bom, Some("text/html; charset=latin1"), &url()),
            "<meta charset=windows-1251><p>café"
        );
        assert_eq!(detect(b"<p>caf\xe9", None, &url()).1, Source::Sniffed);
    }

    #[test]
    fn meta_past_1024_bytes_is_not_seen_by_detect() {
        let mut page = vec![b' '; PRESCAN_LIMIT];
        page.extend_from_slice(b"<meta charset=windows-1251>");
        assert_ne!(detect(&page, None, &url()).1, Source::Meta);
    }

    #[test]
    fn windows_1252_is_sniffed() {
        let page = b"<html><body><h1>Caf\xe9 Amour</h1><p>Nieuw in Rotterdam \x96 \x80 150 per uur, \x91s avonds ook. Bel me \x92t liefst na 12 uur. Ik ben een lieve, spontane vrouw met een \xe9\xe9n doel: genieten.</p></body></html>";
        let text = decode(page, None, &url());
        assert!(text.contains("Café Amour"), "{text}");
        assert!(text.contains("€ 150"), "{text}");
        assert!(text.contains("me ’t liefst"), "{text}");
    }

    #[test]
    fn utf8_is_sniffed_too() {
        let page = "<p>Café in Zaandam, € 100</p>".as_bytes();
        assert_eq!(detect(page, None, &url()).0, UTF_8);
    }

    #[test]
    fn tld_only_for_domains() {
        assert_eq!(
            tld(&Url::parse("http://www.Example.NL/").unwrap()),
            Some(&b"nl"[..])
        );
        assert_eq!(
            tld(&Url::parse("http://example.nl./").unwrap()),
            Some(&b"nl"[..])
        );
        assert_eq!(tld(&Url::parse("http://127.0.0.1/").unwrap()), None);
        assert_eq!(tld(&Url::parse("http://[::1]/").unwrap()), None);
    }
}
