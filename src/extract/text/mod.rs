//! Shared text normalisation: HTML to visible text, link targets, and Unicode clean-up.
//!
//! [`clean`] / [`clean_mapped`] turn hostile ad text into something the extractors can
//! scan: NFKC, ASCII digits for every kind of Unicode digit, no invisible characters.
//! [`Cleaned`] keeps a map back to the original so extractors can report text "as it
//! stood" and tell whether a span was disguised with invisible or unusual characters.
//!
//! One file per concern: `html` (text and link targets from HTML, with the fast path
//! `html_scan` and the element rules both share in `elements`), `normalise` (Unicode
//! clean-up), `number_words` (number words as digits) and `byte_scan` (the
//! eight-bytes-at-a-time searches every scanner of ad text uses).

pub(crate) mod byte_scan;
mod elements;
mod html;
mod html_scan;
pub(crate) mod normalise;
pub(crate) mod number_words;

pub use html::{html_text_and_links, html_to_text, link_targets, looks_like_html};
pub use normalise::{clean, clean_mapped, Cleaned};

/// Deterministic pseudo-random strings made of hostile pieces, for no-panic tests.
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
    use super::*;

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
