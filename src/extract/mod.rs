//! Extraction: phones, licence and registration numbers and places from ad text or HTML.
//!
//! The JSON shape of [`Extraction`] is a fixed interface (DESIGN, "`extract` result").
//! Each kind of thing has its own file: [`phone`], [`licence`], [`place`]; [`text`] holds
//! the normalisation they share (invisible characters, Unicode digits, HTML to text).

pub mod eval;
pub mod gazetteer;
pub mod html_depth;
pub mod input;
pub mod licence;
pub mod phone;
pub mod place;
pub mod text;

use serde::{Deserialize, Serialize};

pub use place::Gazetteer;

/// What the numbering plan says a phone number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PhoneKind {
    Mobile,
    Fixed,
    Voip,
    Premium,
    Tollfree,
    Other,
}

impl PhoneKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PhoneKind::Mobile => "mobile",
            PhoneKind::Fixed => "fixed",
            PhoneKind::Voip => "voip",
            PhoneKind::Premium => "premium",
            PhoneKind::Tollfree => "tollfree",
            PhoneKind::Other => "other",
        }
    }
}

/// A phone number found in an ad.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone {
    /// E.164 form, e.g. `+31612345678`; the key every match uses.
    pub e164: String,
    /// The text as it stood in the ad (after HTML decoding).
    pub raw: String,
    pub kind: PhoneKind,
    /// ISO 3166-1 alpha-2 region of the number, e.g. `NL`.
    pub country: String,
    /// The surface form was written to dodge detection (letters for digits, words, …).
    pub obfuscated: bool,
}

/// A licence or registration number claimed in an ad.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceNumber {
    /// The number as written, e.g. `ESC-2024-0153`.
    pub value: String,
    /// Upper case, letters and digits only: see [`licence::normalize`].
    pub normalized: String,
    /// The label and number as they stood in the text.
    pub raw: String,
    /// The name the number stands next to in a list of an agency's women
    /// (`Lisa (reg.nr. 123456789), Mia (reg.nr. 987654321)`): which woman it belongs to.
    /// Registration numbers only; absent when the number stands alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A place named in an ad, resolved to its current municipality where it is Dutch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub name: String,
    pub municipality_code: Option<String>,
}

/// Everything extracted from one document. Field order and names are fixed by DESIGN.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extraction {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub phones: Vec<Phone>,
    pub licence_numbers: Vec<LicenceNumber>,
    pub registration_numbers: Vec<LicenceNumber>,
    pub places: Vec<Place>,
}

/// The fields of an ad, as the site file selected them.
#[derive(Debug, Default, Clone, Copy)]
pub struct AdInput<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub advertiser: Option<&'a str>,
    pub place_field: Option<&'a str>,
    pub licence_field: Option<&'a str>,
    /// Values of the site's phone field (e.g. `tel:` hrefs).
    pub phone_values: &'a [String],
    /// Every link target in the ad.
    pub links: &'a [String],
    /// Municipality codes the site covers (`site.region`): context for shared place names.
    pub site_region: &'a [String],
}

/// Extraction with its lookups: the gazetteer and the licence numbers of the newest
/// register snapshot (found even without a label).
pub struct Extractor<'a> {
    pub gazetteer: &'a Gazetteer,
    pub known_numbers: &'a licence::KnownNumbers,
}

impl Extractor<'_> {
    /// Extract from a crawled ad.
    pub fn ad(&self, ad: &AdInput<'_>) -> Extraction {
        let mut text = String::with_capacity(ad.title.len() + ad.body.len() + 64);
        for part in [
            Some(ad.title),
            Some(ad.body),
            ad.licence_field,
            ad.advertiser,
        ]
        .into_iter()
        .flatten()
        {
            text.push_str(part);
            text.push('\n');
        }
        let mut link_values: Vec<String> = ad.phone_values.to_vec();
        link_values.extend(ad.links.iter().cloned());
        let mut found = self.numbers(&text, &link_values);
        if let Some(field) = ad.licence_field {
            // The site file points at the licence element: a bare number there counts.
            if found.licence_numbers.is_empty() {
                found.licence_numbers.extend(licence::bare_number(field));
            }
        }
        let body_text = format!("{}\n{}", ad.title, ad.body);
        // Context for shared place names: the area codes of the fixed lines, then the
        // municipalities the site covers.
        let mut near = self.area_municipalities(&found.phones);
        near.extend(ad.site_region.iter().map(String::as_str));
        found.places = self
            .gazetteer
            .resolve_near(ad.place_field, &body_text, &near);
        found
    }

    /// Extract from one document of plain text or HTML (the `extract` command).
    pub fn document(&self, id: Option<String>, input: &str) -> Extraction {
        let (text, links) = if text::looks_like_html(input) {
            text::html_text_and_links(input)
        } else {
            (input.to_string(), Vec::new())
        };
        let mut found = self.numbers(&text, &links);
        found.id = id;
        let near = self.area_municipalities(&found.phones);
        found.places = self.gazetteer.resolve_near(None, &text, &near);
        found
    }

    /// The municipalities the area codes of the Dutch fixed lines are named after: where
    /// a place name is shared, they tell which place the ad means.
    fn area_municipalities(&self, phones: &[Phone]) -> Vec<&str> {
        phones
            .iter()
            .filter(|p| p.kind == PhoneKind::Fixed)
            .filter_map(|p| self.gazetteer.area_municipality(&p.e164))
            .collect()
    }

    /// Phones and numbers from visible text and link targets; the text is cleaned once
    /// for every extractor.
    fn numbers(&self, text: &str, links: &[String]) -> Extraction {
        let cleaned = text::clean_mapped(text);
        let mut phones = phone::find_phones_in(&cleaned, text);
        merge_link_phones(&mut phones, phone::phones_from_links(links));
        let mut licence_numbers = licence::find_licence_in(&cleaned, text);
        merge_numbers(
            &mut licence_numbers,
            licence::find_known_in(&cleaned, text, self.known_numbers),
        );
        Extraction {
            id: None,
            phones,
            licence_numbers,
            registration_numbers: licence::find_registration_in(&cleaned, text),
            places: Vec::new(),
        }
    }
}

/// The items with distinct keys, in order of first appearance; `merge` folds a later
/// duplicate into the kept one. An ad names a handful of numbers, so up to 16 kept items
/// are searched in a row; beyond that (hostile pages list thousands) a hash index is used.
pub(crate) fn dedup_by<T>(
    items: Vec<T>,
    key: impl Fn(&T) -> &str,
    mut merge: impl FnMut(&mut T, T),
) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    let mut index: rustc_hash::FxHashMap<String, usize> = Default::default();
    for item in items {
        let seen = if out.len() <= 16 {
            out.iter().position(|o| key(o) == key(&item))
        } else {
            if index.is_empty() {
                index.extend(out.iter().enumerate().map(|(i, o)| (key(o).to_string(), i)));
            }
            index.get(key(&item)).copied()
        };
        match seen {
            Some(i) => merge(&mut out[i], item),
            None => {
                if !index.is_empty() {
                    index.insert(key(&item).to_string(), out.len());
                }
                out.push(item);
            }
        }
    }
    out
}

fn merge_link_phones(into: &mut Vec<Phone>, from_links: Vec<Phone>) {
    for mut p in from_links {
        if !into.iter().any(|q| q.e164 == p.e164) {
            p.obfuscated = true;
            into.push(p);
        }
    }
}

fn merge_numbers(into: &mut Vec<LicenceNumber>, more: Vec<LicenceNumber>) {
    for n in more {
        if !into.iter().any(|m| m.normalized == n.normalized) {
            into.push(n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 13, point 11: a regional site's municipalities are context for a shared
    /// place name, after the ad's own places and area codes.
    #[test]
    fn the_site_region_resolves_a_shared_place_name() {
        let known = licence::KnownNumbers::default();
        let x = Extractor {
            gazetteer: Gazetteer::embedded(),
            known_numbers: &known,
        };
        let place = |region: &[String], body: &str| {
            x.ad(&AdInput {
                title: "Nieuw",
                body,
                site_region: region,
                ..AdInput::default()
            })
            .places
            .iter()
            .map(|p| {
                format!(
                    "{}={}",
                    p.name,
                    p.municipality_code.as_deref().unwrap_or("-")
                )
            })
            .collect::<Vec<_>>()
        };
        let haarlemmermeer = ["GM0394".to_string()];
        // Without context the prior: the village of Rotterdam.
        assert_eq!(place(&[], "Ontvangst in Rozenburg."), ["Rozenburg=GM0599"]);
        // On a site for the Haarlemmermeer region, the business park there.
        assert_eq!(
            place(&haarlemmermeer, "Ontvangst in Rozenburg."),
            ["Rozenburg=GM0394"]
        );
        // The ad's own place and fixed line, both Rotterdam, outweigh the site's region.
        let mixed = place(
            &haarlemmermeer,
            "Ontvangst in Rozenburg, ook in Rotterdam. Bel 010-4120000",
        );
        assert_eq!(mixed[0], "Rozenburg=GM0599");
    }

    fn document(input: &str) -> Extraction {
        let known = licence::KnownNumbers::default();
        let e = Extractor {
            gazetteer: Gazetteer::embedded(),
            known_numbers: &known,
        };
        e.document(None, input)
    }

    #[test]
    fn a_number_only_in_a_link_counts_as_obfuscated() {
        let hidden = document(r#"<p>Bel mij</p><a href="tel:+31612345678">bellen</a>"#);
        assert_eq!(hidden.phones[0].e164, "+31612345678");
        assert!(hidden.phones[0].obfuscated);
        let shown = document(r#"<p>Bel 06-12345678</p><a href="tel:+31612345678">bellen</a>"#);
        assert_eq!(shown.phones.len(), 1);
        assert!(!shown.phones[0].obfuscated);
    }
}
