//! Phone rules: do the ad's phones belong to the licence it shows?
//!
//! - `phone_not_on_licence`: a valid licence is shown, but a phone in the ad is not
//!   registered with it (nor with any other licence).
//! - `phone_of_other_licence`: a phone in the ad is registered with a licence of a
//!   different holder.

use chrono::NaiveDate;
use serde_json::json;

use super::{Context, Finding, Rule};
use crate::register::Licence;
use crate::store::ads::CurrentAd;

pub fn evaluate(ad: &CurrentAd, date: NaiveDate, ctx: &Context<'_>) -> Vec<Finding> {
    let shown: Vec<&Licence> = ad
        .licence_numbers
        .iter()
        .filter_map(|(_, n)| ctx.register.get(n))
        .filter(|l| l.is_valid_on(date))
        .collect();
    if shown.is_empty() || ad.phones.is_empty() {
        return Vec::new();
    }
    let shown_numbers: Vec<&str> = shown.iter().map(|l| l.licence_number.as_str()).collect();
    let mut not_on = Vec::new();
    let mut of_other: Vec<(&str, &Licence)> = Vec::new();
    for phone in &ad.phones {
        if shown.iter().any(|l| l.phones.contains(phone)) {
            continue;
        }
        let other = ctx
            .register
            .licences_with_phone(phone)
            .find(|o| shown.iter().all(|l| l.holder != o.holder));
        match other {
            Some(o) => of_other.push((phone, o)),
            // Registered with another licence of the same holder: not a signal.
            None if ctx.register.licences_with_phone(phone).next().is_some() => {}
            None => not_on.push(phone.as_str()),
        }
    }
    let mut out = Vec::new();
    if !not_on.is_empty() {
        out.push(Finding {
            rule: Rule::PhoneNotOnLicence,
            strength: Rule::PhoneNotOnLicence.default_strength(),
            explanation: format!(
                "Vergunning {} is geldig, maar telefoonnummer {} uit de advertentie staat niet bij \
                 deze vergunning geregistreerd.",
                shown_numbers.join(", "),
                not_on.join(", ")
            ),
            evidence: json!({ "phones": not_on, "licence_numbers": shown.iter().map(|l| &l.normalized).collect::<Vec<_>>() }),
        });
    }
    if !of_other.is_empty() {
        let parts: Vec<String> = of_other
            .iter()
            .map(|(p, o)| {
                format!(
                    "{p} hoort bij vergunning {} van een andere houder",
                    o.licence_number
                )
            })
            .collect();
        out.push(Finding {
            rule: Rule::PhoneOfOtherLicence,
            strength: Rule::PhoneOfOtherLicence.default_strength(),
            explanation: format!(
                "De advertentie noemt vergunning {}, maar telefoonnummer {}.",
                shown_numbers.join(", "),
                parts.join("; ")
            ),
            evidence: json!({
                "phones": of_other.iter().map(|(p, _)| p).collect::<Vec<_>>(),
                "other_licences": of_other.iter().map(|(_, o)| &o.normalized).collect::<Vec<_>>(),
                "licence_numbers": shown.iter().map(|l| &l.normalized).collect::<Vec<_>>(),
            }),
        });
    }
    out
}
