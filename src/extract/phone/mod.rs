//! Phone numbers in ad text and links: recognition, de-obfuscation and validation
//! against the numbering-plan metadata with full-length matches.
//!
//! A bare number is read as Dutch; `+`, `00` or `(+cc)` select another country.
//! Validation does not use `phonenumber::is_valid` (it maps keypad letters to digits and
//! anchors plan patterns only at the start); each pattern is compiled as `^(?:…)$` instead.
//!
//! `plan` holds the numbering plan and the validation against it, `scan` the free-text
//! scan, `blocked` the prices, dates and account numbers it skips.

mod blocked;
mod plan;
mod scan;

use super::text::normalise::percent_decode;
use super::text::{clean_mapped, Cleaned};
use super::Phone;

/// All phone numbers in free text, deduplicated by `e164`, in order of first appearance.
/// `obfuscated` is true when any occurrence of the number was disguised.
pub fn find_phones(text: &str) -> Vec<Phone> {
    find_phones_in(&clean_mapped(text), text)
}

/// [`find_phones`] on text already cleaned by [`clean_mapped`] (`text` is the original).
pub(crate) fn find_phones_in(cleaned: &Cleaned, text: &str) -> Vec<Phone> {
    let blocked = blocked::blocked_ranges(&cleaned.text);
    let mut found = Vec::new();
    scan::scan(&cleaned.text, &blocked, |run| {
        scan::find_in_run(run, text, cleaned, &mut found)
    });
    dedup(found)
}

/// Numbers in link targets and attribute values: `tel:`/`sms:` links, `wa.me/…`,
/// WhatsApp/Viber `phone=`/`number=` parameters, `t.me/+…`, `signal.me/#p/+…`; other
/// non-URL values are scanned as free text. Web URLs are skipped (ids look like numbers).
pub fn phones_from_links(links: &[String]) -> Vec<Phone> {
    let mut found = Vec::new();
    for link in links.iter().map(|l| l.trim()) {
        let lower = link.to_ascii_lowercase();
        let head = |s: &'_ str| {
            s.split(['/', '?', '#', ';'])
                .next()
                .unwrap_or("")
                .to_string()
        };
        let scheme = ["tel:", "callto:", "sms:", "smsto:", "facetime:"]
            .into_iter()
            .find(|s| lower.starts_with(s));
        // `(number as written, digits without prefix are international)`
        let number = if let Some(s) = scheme {
            Some((head(&link[s.len()..]), false))
        } else if let Some(p) = lower.find("wa.me/") {
            Some((head(&link[p + 6..]), true))
        } else if let Some(p) = lower.find("t.me/+").or(lower.find("signal.me/#p/+")) {
            Some((head(&link[p + lower[p..].find('+').unwrap_or(0)..]), true))
        } else if lower.contains("whatsapp") || lower.starts_with("viber:") {
            query_param(link, &["phone", "number"]).map(|v| (v.to_string(), true))
        } else if !lower.contains("://") && !lower.starts_with(['/', '#', '?']) {
            found.extend(find_phones(&percent_decode(link)));
            None
        } else {
            None
        };
        if let Some((number, international)) = number {
            let raw = percent_decode(&number).trim().to_string();
            found.extend(plan::parse_field(&raw, international).map(|p| Phone { raw, ..p }));
        }
    }
    dedup(found)
}

/// Parses one number field (a register cell such as `06-12345678`, `+31 10 123 4567`);
/// default region NL. Letters are not accepted. Also accepts a Dutch number whose leading
/// zero was lost (`612345678`) or an international number without `+` (`31612345678`).
pub fn parse_phone(s: &str) -> Option<Phone> {
    let raw = s.trim().to_string();
    plan::parse_field(&raw, false).map(|p| Phone { raw, ..p })
}

fn dedup(found: Vec<Phone>) -> Vec<Phone> {
    super::dedup_by(
        found,
        |p| &p.e164,
        |kept, p| kept.obfuscated |= p.obfuscated,
    )
}

fn query_param<'a>(url: &'a str, names: &[&str]) -> Option<&'a str> {
    let query = &url[url.find('?')? + 1..];
    query.split(['&', '#']).find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        names.iter().any(|n| k.eq_ignore_ascii_case(n)).then_some(v)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Items of a test table: one per line, several per line separated by ` | `.
    pub(super) fn items(table: &str) -> impl Iterator<Item = &str> {
        table
            .lines()
            .flat_map(|l| l.split(" | "))
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// The single number in `text` as `e164 kind country obfuscated`.
    pub(super) fn one(text: &str) -> String {
        let found = find_phones(text);
        assert_eq!(found.len(), 1, "{text:?} gave {found:?}");
        let p = &found[0];
        format!(
            "{} {} {} {}",
            p.e164,
            p.kind.as_str(),
            p.country,
            p.obfuscated
        )
    }

    #[test]
    fn links() {
        let links = "tel:+31612345678 | tel:06-87654321 | https://wa.me/31611111111?text=hoi
            https://api.whatsapp.com/send?phone=31622222222&text=x
            whatsapp://send?phone=%2B31633333333 | viber://chat?number=%2B48512345678
            https://t.me/+31644444444 | sms:0655555555?body=hoi | https://x.nl/ad/0666666666
            /advertentie/0677777777 | Bel 06-12345678 | 31688888888";
        let links: Vec<String> = items(links).map(String::from).collect();
        let found = phones_from_links(&links);
        let got: Vec<String> = found
            .iter()
            .map(|p| format!("{} {}", p.e164, p.raw))
            .collect();
        let want = "+31612345678 +31612345678 | +31687654321 06-87654321
            +31611111111 31611111111 | +31622222222 31622222222 | +31633333333 +31633333333
            +48512345678 +48512345678 | +31644444444 +31644444444 | +31655555555 0655555555
            +31688888888 31688888888";
        assert_eq!(got, items(want).collect::<Vec<_>>());
        assert!(found.iter().all(|p| !p.obfuscated));
    }
}
