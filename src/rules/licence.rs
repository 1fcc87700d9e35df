//! Licence rules: is a licence number shown, is it in the register, is it valid?
//!
//! - `no_licence_number`: policy requires the number in ads, none found.
//! - `unknown_licence_number`: a number is claimed that the register does not know.
//! - `licence_inactive`: the number is known but not valid on the capture date.

use chrono::NaiveDate;
use serde_json::json;

use super::{Context, Finding, Rule};
use crate::store::ads::CurrentAd;

pub fn evaluate(ad: &CurrentAd, date: NaiveDate, ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let policy = ctx
        .policies
        .for_municipality(ad.municipality_code.as_deref());
    if ad.licence_numbers.is_empty() {
        if policy.licence_number_required {
            let whose = match ad.municipality_code.as_deref() {
                Some(code) if ctx.policies.by_municipality.contains_key(code) => {
                    format!("het beleid van {}", ctx.municipality_name(Some(code)))
                }
                _ => "het standaardbeleid".to_string(),
            };
            out.push(Finding {
                rule: Rule::NoLicenceNumber,
                strength: Rule::NoLicenceNumber.default_strength(),
                explanation: format!(
                    "De advertentie toont geen vergunningnummer, terwijl {whose} vereist dat elke \
                     advertentie voor escort of een seksbedrijf een geldig vergunningnummer vermeldt \
                     (plaats: {}).",
                    ctx.municipality_name(ad.municipality_code.as_deref())
                ),
                evidence: json!({ "phones": ad.phones, "licence_numbers": [] }),
            });
        }
        return out;
    }
    // Without a register there is nothing to hold the numbers against.
    if ctx.register.snapshot_id.is_none() {
        return out;
    }
    let snapshot = format!(
        "registermomentopname {} van {}",
        ctx.register.snapshot_id.unwrap_or_default(),
        ctx.register.imported_at.as_deref().unwrap_or("-")
    );
    let unknown: Vec<&(String, String)> = ad
        .licence_numbers
        .iter()
        .filter(|(_, n)| ctx.register.get(n).is_none())
        .collect();
    if !unknown.is_empty() {
        let shown: Vec<&str> = unknown.iter().map(|(v, _)| v.as_str()).collect();
        out.push(Finding {
            rule: Rule::UnknownLicenceNumber,
            strength: Rule::UnknownLicenceNumber.default_strength(),
            explanation: format!(
                "De advertentie vermeldt vergunningnummer {}, maar dat nummer staat niet in het \
                 vergunningenregister ({snapshot}).",
                shown.join(", ")
            ),
            evidence: json!({
                "licence_numbers": unknown.iter().map(|(_, n)| n).collect::<Vec<_>>(),
            }),
        });
    }
    let inactive: Vec<_> = ad
        .licence_numbers
        .iter()
        .filter_map(|(v, n)| ctx.register.get(n).map(|l| (v, l)))
        .filter(|(_, l)| !l.is_valid_on(date))
        .collect();
    if !inactive.is_empty() {
        let parts: Vec<String> = inactive
            .iter()
            .map(|(v, l)| {
                let until = l
                    .valid_until
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "onbepaald".into());
                format!(
                    "{v} ({} in {}: status {}, geldig van {} tot en met {until})",
                    l.business_type.dutch(),
                    ctx.municipality_name(Some(&l.municipality_code)),
                    l.status.dutch(),
                    l.valid_from
                )
            })
            .collect();
        out.push(Finding {
            rule: Rule::LicenceInactive,
            strength: Rule::LicenceInactive.default_strength(),
            explanation: format!(
                "Vergunningnummer {} staat in het register, maar was op de opnamedatum {date} niet \
                 geldig ({snapshot}).",
                parts.join("; ")
            ),
            evidence: json!({
                "licence_numbers": inactive.iter().map(|(_, l)| &l.normalized).collect::<Vec<_>>(),
                "capture_date": date.to_string(),
            }),
        });
    }
    out
}
