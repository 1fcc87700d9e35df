//! CSS selectors of a site file, checked before they are compiled: bounded in size and
//! nesting (a selector of 3,000 nested `:not(` overflowed the CSS parser's stack and
//! aborted the process), and every error in Dutch with its position, never the CSS
//! library's own text.

use cssparser::{BasicParseErrorKind, ParseErrorKind, ToCss, Token};
use scraper::Selector;
use selectors::parser::{ParseRelative, SelectorList, SelectorParseErrorKind};

/// Longest selector accepted, in characters.
pub const MAX_SELECTOR_CHARS: usize = 1_000;

/// Deepest nesting of brackets (`:not(`, `:is(`, `[…]`) accepted. The CSS parser
/// recurses once per level; real site files nest two or three.
pub const MAX_SELECTOR_NESTING: usize = 16;

/// Compile `css`, or say in Dutch what is wrong and where (position 1 = first character).
pub fn compile(css: &str) -> Result<Selector, String> {
    if let Some(pos) = too_deep(css) {
        return Err(format!(
            "ongeldige CSS-selector bij positie {pos}: meer dan {MAX_SELECTOR_NESTING} \
             haakjes binnen elkaar"
        ));
    }
    let chars = css.chars().count();
    if chars > MAX_SELECTOR_CHARS {
        return Err(format!(
            "de CSS-selector is {chars} tekens lang; het maximum is {MAX_SELECTOR_CHARS}"
        ));
    }
    // The parse that scraper does, but keeping the error's location.
    let mut input = cssparser::ParserInput::new(css);
    let mut parser = cssparser::Parser::new(&mut input);
    if let Err(e) = SelectorList::parse(&scraper::selector::Parser, &mut parser, ParseRelative::No)
    {
        let pos = position(css, e.location.line, e.location.column);
        return Err(format!(
            "ongeldige CSS-selector {css:?} bij positie {pos}: {}",
            dutch(&e.kind)
        ));
    }
    Selector::parse(css).map_err(|_| format!("ongeldige CSS-selector {css:?}"))
}

/// Position (1-based, in characters) where the nesting first goes past the maximum.
fn too_deep(css: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in css.chars().enumerate() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (_, '\\') => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[') => {
                depth += 1;
                if depth > MAX_SELECTOR_NESTING {
                    return Some(i + 1);
                }
            }
            (None, ')' | ']') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// cssparser's line (from 0) and column (from 1, in UTF-16 units) as a character
/// position in `css` from 1.
fn position(css: &str, line: u32, column: u32) -> usize {
    let mut pos = 0;
    for (n, l) in css.split('\n').enumerate() {
        if n == line as usize {
            let mut units = 1;
            for (i, c) in l.chars().enumerate() {
                if units >= column as usize {
                    return pos + i + 1;
                }
                units += c.len_utf16();
            }
            return pos + l.chars().count() + 1;
        }
        pos += l.chars().count() + 1;
    }
    pos
}

fn token(t: &Token<'_>) -> String {
    format!("{:?}", t.to_css_string())
}

/// What is wrong, in Dutch.
fn dutch(kind: &ParseErrorKind<'_, SelectorParseErrorKind<'_>>) -> String {
    use SelectorParseErrorKind as S;
    match kind {
        ParseErrorKind::Basic(BasicParseErrorKind::UnexpectedToken(t)) => {
            format!("onverwacht teken {}", token(t))
        }
        ParseErrorKind::Basic(BasicParseErrorKind::EndOfInput) => {
            "de selector houdt onverwacht op".into()
        }
        ParseErrorKind::Basic(_) => "dit is geen CSS-selector".into(),
        ParseErrorKind::Custom(S::EmptySelector) => "lege selector".into(),
        ParseErrorKind::Custom(S::DanglingCombinator) => {
            "na een combinator (>, +, ~ of spatie) ontbreekt een selector".into()
        }
        ParseErrorKind::Custom(S::UnsupportedPseudoClassOrElement(name)) => {
            format!("onbekende of niet ondersteunde pseudo-klasse :{name}")
        }
        ParseErrorKind::Custom(S::UnexpectedIdent(name)) => format!("onverwachte naam {name:?}"),
        ParseErrorKind::Custom(S::ClassNeedsIdent(t)) => {
            format!("na een punt hoort een klassenaam, niet {}", token(t))
        }
        ParseErrorKind::Custom(S::NoIdentForPseudo(t)) => {
            format!("na een dubbele punt hoort een naam, niet {}", token(t))
        }
        ParseErrorKind::Custom(
            S::NoQualifiedNameInAttributeSelector(_)
            | S::UnexpectedTokenInAttributeSelector(_)
            | S::ExpectedBarInAttr(_)
            | S::BadValueInAttr(_)
            | S::InvalidQualNameInAttr(_),
        ) => "ongeldige attribuutselector […]".into(),
        ParseErrorKind::Custom(_) => "deze CSS-constructie wordt niet ondersteund".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_selectors_compile() {
        for css in [
            "article.ad a.more",
            "a[href^='tel:']",
            "div:not(.x) > p:is(.a, .b)",
            "a[title=\"((((((((((((((((((((\"]",
        ] {
            assert!(compile(css).is_ok(), "{css}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_before_the_parser_recurses() {
        for open in [":not(", ":is(", "["] {
            let css = format!("a{}b", open.repeat(3_000));
            let e = compile(&css).unwrap_err();
            assert!(e.contains("haakjes binnen elkaar"), "{e}");
            let pos = 1 + (MAX_SELECTOR_NESTING + 1) * open.len();
            assert!(e.contains(&format!("bij positie {pos}:")), "{e}");
        }
        let ok = format!(
            "a{}b{}",
            ":not(".repeat(MAX_SELECTOR_NESTING),
            ")".repeat(MAX_SELECTOR_NESTING)
        );
        assert!(compile(&ok).is_ok());
        assert!(compile(&"a".repeat(MAX_SELECTOR_CHARS + 1))
            .unwrap_err()
            .contains("maximum"));
    }

    #[test]
    fn errors_are_dutch_with_a_position_and_no_library_text() {
        for (css, pos, words) in [
            ("a..b", 3, "klassenaam"),
            ("a >", 4, "ontbreekt"),
            ("a:frobnicate", 3, "pseudo-klasse :frobnicate"),
            ("a[href=", 8, "houdt onverwacht op"),
            ("div}", 4, "onverwacht teken"),
            ("::before:hover(", 1, ""),
        ] {
            let e = compile(css).unwrap_err();
            assert!(
                e.contains(&format!("bij positie {pos}")) || pos == 1,
                "{css}: {e}"
            );
            assert!(e.contains(words), "{css}: {e}");
            assert!(
                !e.contains("report") && !e.contains("developer"),
                "{css}: {e}"
            );
        }
    }
}
