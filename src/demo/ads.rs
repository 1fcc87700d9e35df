//! The demo ads: their model, and how the catalogue's specs become finished ads with
//! ids, texts, listing pages and the flags the pipeline must raise for them.

use super::catalog;
use super::phones::{self, fixed_line, free_mobile, Notation};
use super::register;
use super::text::{self, BodyParts};

/// Rule codes the demo's ground truth uses (see DESIGN, "Rules").
pub(crate) const NO_LICENCE_NUMBER: &str = "no_licence_number";
pub(crate) const UNKNOWN_LICENCE_NUMBER: &str = "unknown_licence_number";
pub(crate) const LICENCE_INACTIVE: &str = "licence_inactive";
pub(crate) const PHONE_NOT_ON_LICENCE: &str = "phone_not_on_licence";
pub(crate) const PHONE_OF_OTHER_LICENCE: &str = "phone_of_other_licence";

/// Ads per listing page; the last page holds the remainder plus the `/prive/` links.
pub(crate) const ADS_PER_PAGE: usize = 23;

/// The one phone number behind the [`Category::SharedPhone`] ads (six names, six places).
pub const SHARED_PHONE: &str = "+31623412650";

/// Why an ad is in the demo; the expected flags follow from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// Active licence, every phone registered on it: no flags.
    LicensedOk,
    /// No licence number anywhere: `no_licence_number`.
    NoNumber,
    /// A made-up number that is not in the register: `unknown_licence_number`.
    FakeNumber,
    /// A registered number that is suspended, revoked or expired today: `licence_inactive`.
    Inactive,
    /// Active licence, but a phone on no licence at all: `phone_not_on_licence`.
    PhoneNotOnLicence,
    /// Active licence, but a phone of another holder's licence: `phone_of_other_licence`.
    PhoneOfOtherLicence,
    /// One phone behind several names and places, no number: `no_licence_number`.
    SharedPhone,
    /// The phone written to dodge detection; with a correct licence (no flags) or without
    /// a number (`no_licence_number`).
    Obfuscated,
}

impl Category {
    /// Every category, in declaration order.
    pub const ALL: [Category; 8] = [
        Category::LicensedOk,
        Category::NoNumber,
        Category::FakeNumber,
        Category::Inactive,
        Category::PhoneNotOnLicence,
        Category::PhoneOfOtherLicence,
        Category::SharedPhone,
        Category::Obfuscated,
    ];

    /// A stable snake_case name, e.g. `licensed_ok`.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::LicensedOk => "licensed_ok",
            Category::NoNumber => "no_number",
            Category::FakeNumber => "fake_number",
            Category::Inactive => "inactive",
            Category::PhoneNotOnLicence => "phone_not_on_licence",
            Category::PhoneOfOtherLicence => "phone_of_other_licence",
            Category::SharedPhone => "shared_phone",
            Category::Obfuscated => "obfuscated",
        }
    }
}

/// One synthetic ad as the demo site serves it, with its ground truth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAd {
    /// The site's own id, in `data-ad-id` and the URL.
    pub id: String,
    pub category: Category,
    pub title: String,
    /// The `.name` text: a first name, or an agency.
    pub advertiser: String,
    /// The `.location` text as written, e.g. `Capelle a/d IJssel`.
    pub place: String,
    pub municipality_code: &'static str,
    /// The `.description` text: paragraphs separated by a blank line.
    pub body: String,
    /// The target of the `tel:` link (after `tel:`), when the ad has one.
    pub phone_link: Option<String>,
    /// The text of `<p class="licence">`, e.g. `Verg.nr. ESC-2024-0153`, when present.
    pub licence_label: Option<String>,
    /// Linked under `/prive/`, which robots.txt disallows: a polite crawler never sees it.
    pub disallowed: bool,
    /// Rule codes the pipeline must raise for this ad (empty for `disallowed` ads).
    pub expected_rules: Vec<&'static str>,
    /// The licence number the ad claims (in `.licence`, in the body, or both).
    pub licence_number: Option<String>,
    /// Every phone in the ad (body text and `tel:` link) as E.164, sorted, no repeats.
    pub phones: Vec<String>,
    /// The `datetime` of the ad's `<time>`, `YYYY-MM-DD`.
    pub posted: String,
    /// The listing page (`/escorts?page=N`) that links to the ad.
    pub page: u32,
}

impl DemoAd {
    /// The ad's path on the demo site.
    pub fn path(&self) -> String {
        if self.disallowed {
            format!("/prive/advertentie/{}", self.id)
        } else {
            format!("/advertentie/{}", self.id)
        }
    }
}

/// A place as the ads write it, with its municipality.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Town(pub &'static str, pub &'static str);

/// A phone in a spec, resolved to E.164 by [`Ph::e164`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ph {
    /// Phone `n` (0-based) of the licence with this number.
    Lic(&'static str, usize),
    /// An unregistered mobile, [`free_mobile`]`(n)`.
    Free(u32),
    /// An unregistered fixed line, [`fixed_line`]`(n)`.
    FreeFixed(u32),
    /// [`SHARED_PHONE`].
    Shared,
}

impl Ph {
    fn e164(self) -> String {
        match self {
            Ph::Lic(number, n) => register::phone_of(number, n),
            Ph::Free(n) => free_mobile(n),
            Ph::FreeFixed(n) => fixed_line(n),
            Ph::Shared => SHARED_PHONE.to_string(),
        }
    }
}

/// Where an ad states its licence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum At {
    /// In `<p class="licence">`.
    Element,
    /// Only in the description text.
    Body,
    /// In both.
    Both,
}

/// The hand-written part of an ad; see `catalog.rs`.
#[derive(Debug, Clone)]
pub(crate) struct Spec {
    pub category: Category,
    pub name: &'static str,
    pub agency: Option<&'static str>,
    pub town: Town,
    /// Number, label, where.
    pub claim: Option<(&'static str, &'static str, At)>,
    pub body_phone: Option<(Ph, Notation)>,
    pub tel: Option<Ph>,
    pub note: Option<&'static str>,
    pub disallowed: bool,
}

/// Every demo ad, in listing order (page 1 first), deterministic.
pub fn ads() -> Vec<DemoAd> {
    let specs = catalog::specs();
    let crawlable = specs.iter().filter(|s| !s.disallowed).count();
    let step = spreading_step(crawlable);
    let last_page = crawlable.div_ceil(ADS_PER_PAGE) as u32;
    let mut slotted: Vec<(u32, usize, DemoAd)> = Vec::new();
    let (mut seen, mut hidden) = (0, 0);
    for (index, spec) in specs.iter().enumerate() {
        let (page, slot) = if spec.disallowed {
            hidden += 1;
            (last_page, 4 + 6 * hidden)
        } else {
            let position = (seen * step) % crawlable;
            seen += 1;
            let page = (position / ADS_PER_PAGE) as u32 + 1;
            (page, (position % ADS_PER_PAGE) * 6)
        };
        slotted.push((page, slot, build(index, spec, page)));
    }
    slotted.sort_by_key(|(page, slot, _)| (*page, *slot));
    slotted.into_iter().map(|(_, _, ad)| ad).collect()
}

/// A step coprime with `n`, so `k * step % n` visits every position once and neighbours
/// in the catalogue (same category) land far apart in the listing.
fn spreading_step(n: usize) -> usize {
    fn gcd(a: usize, b: usize) -> usize {
        if b == 0 {
            a
        } else {
            gcd(b, a % b)
        }
    }
    (29..)
        .find(|s| gcd(*s, n) == 1)
        .expect("some step is coprime")
}

fn build(index: usize, spec: &Spec, page: u32) -> DemoAd {
    let age = 21 + (index as u32 * 7) % 15;
    let body_phone = spec.body_phone.map(|(ph, notation)| (ph.e164(), notation));
    let written_phone = body_phone.as_ref().map(|(p, n)| phones::write(p, *n));
    let tel = spec.tel.map(Ph::e164);
    let claim_text = spec
        .claim
        .map(|(number, label, _)| format!("{label} {number}"));
    let in_body = matches!(spec.claim, Some((_, _, At::Body | At::Both)));
    let in_element = matches!(spec.claim, Some((_, _, At::Element | At::Both)));
    let parts = BodyParts {
        index,
        name: spec.name,
        agency: spec.agency,
        age,
        place: spec.town.0,
        note: spec.note,
        phone: written_phone.as_deref(),
        has_tel_link: tel.is_some(),
        licence: claim_text.as_deref().filter(|_| in_body),
    };
    let mut all_phones: Vec<String> = body_phone.into_iter().map(|(p, _)| p).collect();
    all_phones.extend(tel.clone());
    all_phones.sort();
    all_phones.dedup();
    DemoAd {
        id: (24001 + index).to_string(),
        category: spec.category,
        title: text::title(&parts),
        advertiser: spec.agency.unwrap_or(spec.name).to_string(),
        place: spec.town.0.to_string(),
        municipality_code: spec.town.1,
        body: text::body(&parts),
        phone_link: tel.map(|t| phones::tel_target(&t, index)),
        licence_label: claim_text.clone().filter(|_| in_element),
        disallowed: spec.disallowed,
        expected_rules: expected_rules(spec),
        licence_number: spec.claim.map(|(number, _, _)| number.to_string()),
        phones: all_phones,
        posted: format!("2026-11-{:02}", 1 + (index * 5) % 24),
        page,
    }
}

/// The flags that follow from the category (none for ads a polite crawler never fetches).
fn expected_rules(spec: &Spec) -> Vec<&'static str> {
    if spec.disallowed {
        return Vec::new();
    }
    let rule = match spec.category {
        Category::LicensedOk => None,
        Category::NoNumber | Category::SharedPhone => Some(NO_LICENCE_NUMBER),
        Category::FakeNumber => Some(UNKNOWN_LICENCE_NUMBER),
        Category::Inactive => Some(LICENCE_INACTIVE),
        Category::PhoneNotOnLicence => Some(PHONE_NOT_ON_LICENCE),
        Category::PhoneOfOtherLicence => Some(PHONE_OF_OTHER_LICENCE),
        Category::Obfuscated => spec.claim.is_none().then_some(NO_LICENCE_NUMBER),
    };
    rule.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn ads_are_deterministic_with_unique_ids() {
        let (a, b) = (ads(), ads());
        assert_eq!(a, b);
        let ids: BTreeSet<_> = a.iter().map(|ad| ad.id.clone()).collect();
        assert_eq!(ids.len(), a.len());
    }

    #[test]
    fn shared_phone_spans_names_and_places() {
        let shared: Vec<_> = ads()
            .into_iter()
            .filter(|a| a.category == Category::SharedPhone)
            .collect();
        assert!(shared.len() >= 5);
        assert!(shared.iter().all(|a| a.phones == [SHARED_PHONE]));
        let names: BTreeSet<_> = shared.iter().map(|a| a.advertiser.as_str()).collect();
        let places: BTreeSet<_> = shared.iter().map(|a| a.municipality_code).collect();
        assert_eq!(names.len(), shared.len());
        assert!(places.len() >= 4);
    }

    /// Only the shared phone may trip the cross-ad rules (`phone_many_places`,
    /// `phone_many_names`): every other phone is in at most two ads.
    #[test]
    fn no_other_phone_is_in_more_than_two_ads() {
        let mut uses: BTreeMap<String, usize> = BTreeMap::new();
        for ad in ads().iter().filter(|a| !a.disallowed) {
            for phone in &ad.phones {
                *uses.entry(phone.clone()).or_default() += 1;
            }
        }
        for (phone, n) in uses {
            assert!(phone == SHARED_PHONE || n <= 2, "{phone} in {n} ads");
        }
    }

    #[test]
    fn fields_follow_the_claim() {
        for ad in ads() {
            if let Some(label) = &ad.licence_label {
                let number = ad.licence_number.as_deref().unwrap();
                assert!(label.ends_with(number), "{label}");
            }
            if ad.licence_label.is_none() {
                if let Some(number) = &ad.licence_number {
                    assert!(ad.body.contains(number.as_str()), "{}", ad.id);
                }
            }
            let in_body = ad
                .licence_number
                .as_ref()
                .is_some_and(|n| ad.body.contains(n));
            assert!(in_body || ad.licence_label.is_some() || ad.licence_number.is_none());
            assert!(ad.posted.starts_with("2026-11-"));
        }
    }
}
