//! The rule engine: judge each ad's current version against the newest register snapshot
//! and the municipality's policy, and turn every finding into a flag.
//!
//! One file per rule family: [`licence`] (is a valid licence number shown?) and [`phone`]
//! (do the phones belong to that licence?). [`policy`] reads `policies.toml`.
//! Every finding carries a Dutch explanation, a strength 0–10 and the evidence it rests
//! on; the store keeps one flag per ad and rule and resolves flags whose cause is gone.

pub mod licence;
pub mod phone;
pub mod policy;

use chrono::NaiveDate;
use serde_json::json;

use crate::extract::Gazetteer;
use crate::register::LicenceRegister;
use crate::store::ads::CurrentAd;
use crate::store::{self, Store};
pub use policy::{Policies, Policy};

/// The stable rule codes (DESIGN, "Rules").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    NoLicenceNumber,
    UnknownLicenceNumber,
    LicenceInactive,
    PhoneNotOnLicence,
    PhoneOfOtherLicence,
}

impl Rule {
    /// The rules this version evaluates; a flag of one of these whose finding is gone is
    /// resolved.
    pub const ALL: [Rule; 5] = [
        Rule::NoLicenceNumber,
        Rule::UnknownLicenceNumber,
        Rule::LicenceInactive,
        Rule::PhoneNotOnLicence,
        Rule::PhoneOfOtherLicence,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Rule::NoLicenceNumber => "no_licence_number",
            Rule::UnknownLicenceNumber => "unknown_licence_number",
            Rule::LicenceInactive => "licence_inactive",
            Rule::PhoneNotOnLicence => "phone_not_on_licence",
            Rule::PhoneOfOtherLicence => "phone_of_other_licence",
        }
    }

    pub fn parse(code: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Default strength on the 0–10 signal scale.
    pub fn default_strength(self) -> u8 {
        match self {
            Rule::NoLicenceNumber => 5,
            Rule::UnknownLicenceNumber => 7,
            Rule::LicenceInactive => 7,
            Rule::PhoneNotOnLicence => 5,
            Rule::PhoneOfOtherLicence => 6,
        }
    }

    /// Short Dutch title for lists and summaries.
    pub fn title(self) -> &'static str {
        match self {
            Rule::NoLicenceNumber => "geen vergunningnummer",
            Rule::UnknownLicenceNumber => "onbekend vergunningnummer",
            Rule::LicenceInactive => "vergunning niet geldig",
            Rule::PhoneNotOnLicence => "telefoon niet op vergunning",
            Rule::PhoneOfOtherLicence => "telefoon van andere vergunning",
        }
    }
}

/// One signal about one ad, before it is stored as a flag.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: Rule,
    pub strength: u8,
    /// Dutch, for the researcher.
    pub explanation: String,
    /// What the finding rests on (rule-specific part; the engine adds the capture).
    pub evidence: serde_json::Value,
}

/// What the rules see: the ad, the register, the policy and the gazetteer.
pub struct Context<'a> {
    pub register: &'a LicenceRegister,
    pub policies: &'a Policies,
    pub gazetteer: &'a Gazetteer,
}

impl Context<'_> {
    pub fn municipality_name(&self, code: Option<&str>) -> String {
        code.and_then(|c| self.gazetteer.municipality_name(c))
            .map(str::to_string)
            .unwrap_or_else(|| "een onbekende gemeente".to_string())
    }
}

/// Judge one ad: every finding of every rule family.
pub fn evaluate(ad: &CurrentAd, ctx: &Context<'_>) -> Vec<Finding> {
    let date = capture_date(&ad.captured_at);
    let mut findings = licence::evaluate(ad, date, ctx);
    findings.extend(phone::evaluate(ad, date, ctx));
    findings
}

fn capture_date(captured_at: &str) -> NaiveDate {
    chrono::DateTime::parse_from_rfc3339(captured_at)
        .map(|d| d.date_naive())
        .unwrap_or_else(|_| chrono::Utc::now().date_naive())
}

/// What a matching pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MatchStats {
    pub ads: usize,
    pub flags_new: usize,
    pub flags_updated: usize,
    pub flags_resolved: usize,
    pub flags_reopened: usize,
    /// Decided flags whose ad changed after the decision (recorded as an observation).
    pub flags_observed: usize,
}

/// Match every current ad against the newest register and store the flags.
pub async fn run(store: &Store, policies: &Policies) -> store::Result<MatchStats> {
    let register = store::register::newest_licences(store).await?;
    let gazetteer = store::gazetteer::load(store).await?;
    let ctx = Context {
        register: &register,
        policies,
        gazetteer: &gazetteer,
    };
    let mut stats = MatchStats::default();
    for ad in store::ads::current_ads(store).await? {
        let findings = evaluate(&ad, &ctx);
        let municipality = ad.municipality_code.clone().or_else(|| {
            ad.licence_numbers
                .iter()
                .find_map(|(_, n)| register.get(n).map(|l| l.municipality_code.clone()))
        });
        let rows: Vec<store::flags::NewFlag> = findings
            .into_iter()
            .map(|f| {
                let mut evidence = json!({
                    "ad_version": ad.version_id,
                    "fetch": ad.fetch_id,
                    "sha256": ad.body_sha256,
                    "captured_at": ad.captured_at,
                    "url": ad.url,
                    "register_snapshot": register.snapshot_id,
                });
                if let (Some(e), serde_json::Value::Object(extra)) =
                    (evidence.as_object_mut(), f.evidence)
                {
                    e.extend(extra);
                }
                store::flags::NewFlag {
                    rule: f.rule.code(),
                    strength: f.strength,
                    explanation: f.explanation,
                    evidence: evidence.to_string(),
                    municipality_code: municipality.clone(),
                }
            })
            .collect();
        let evaluated: Vec<&str> = Rule::ALL.iter().map(|r| r.code()).collect();
        let outcome = store::flags::reconcile(
            store,
            ad.ad_id,
            ad.version_id,
            register.snapshot_id,
            &rows,
            &evaluated,
        )
        .await?;
        stats.ads += 1;
        stats.flags_new += outcome.new;
        stats.flags_updated += outcome.updated;
        stats.flags_resolved += outcome.resolved;
        stats.flags_reopened += outcome.reopened;
        stats.flags_observed += outcome.observed;
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::gazetteer::Municipality;
    use crate::register::{BusinessType, Licence, LicenceStatus};

    fn licence(
        number: &str,
        holder: &str,
        phones: &[&str],
        status: LicenceStatus,
        until: Option<&str>,
    ) -> Licence {
        Licence {
            licence_number: number.into(),
            normalized: crate::extract::licence::normalize(number),
            holder: holder.into(),
            business_type: BusinessType::Escort,
            municipality_code: "GM0599".into(),
            phones: phones.iter().map(|p| p.to_string()).collect(),
            address: None,
            valid_from: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            valid_until: until.map(|u| NaiveDate::parse_from_str(u, "%Y-%m-%d").unwrap()),
            status,
        }
    }

    fn register() -> LicenceRegister {
        LicenceRegister::new(
            Some(1),
            Some("2026-11-01T00:00:00Z".into()),
            vec![
                licence("ESC-1", "A", &["+31611111111"], LicenceStatus::Active, None),
                licence("ESC-2", "B", &["+31622222222"], LicenceStatus::Active, None),
                licence("ESC-3", "A", &["+31633333333"], LicenceStatus::Active, None),
                licence(
                    "ESC-OLD",
                    "C",
                    &[],
                    LicenceStatus::Active,
                    Some("2025-06-30"),
                ),
                licence("ESC-REV", "D", &[], LicenceStatus::Revoked, None),
            ],
        )
    }

    fn ad(numbers: &[&str], phones: &[&str]) -> CurrentAd {
        CurrentAd {
            ad_id: 1,
            site_id: "s".into(),
            url: "http://127.0.0.1/a/1".into(),
            version_id: 1,
            fetch_id: 1,
            captured_at: "2026-11-25T10:00:00Z".into(),
            body_sha256: None,
            municipality_code: Some("GM0599".into()),
            phones: phones.iter().map(|p| p.to_string()).collect(),
            licence_numbers: numbers
                .iter()
                .map(|n| (n.to_string(), crate::extract::licence::normalize(n)))
                .collect(),
        }
    }

    fn rules_for(ad: &CurrentAd) -> Vec<&'static str> {
        let reg = register();
        let gaz = Gazetteer::new(
            vec![Municipality {
                code: "GM0599".into(),
                name: "Rotterdam".into(),
            }],
            vec![],
        );
        let policies = Policies::default();
        let ctx = Context {
            register: &reg,
            policies: &policies,
            gazetteer: &gaz,
        };
        evaluate(ad, &ctx).iter().map(|f| f.rule.code()).collect()
    }

    #[test]
    fn correct_licence_and_phone_raise_nothing() {
        assert!(rules_for(&ad(&["ESC-1"], &["+31611111111"])).is_empty());
        assert!(rules_for(&ad(&["esc 1"], &[])).is_empty());
    }

    #[test]
    fn missing_number_under_default_policy() {
        assert_eq!(
            rules_for(&ad(&[], &["+31611111111"])),
            vec!["no_licence_number"]
        );
    }

    #[test]
    fn unknown_and_inactive_numbers() {
        assert_eq!(
            rules_for(&ad(&["ESC-999"], &[])),
            vec!["unknown_licence_number"]
        );
        assert_eq!(rules_for(&ad(&["ESC-OLD"], &[])), vec!["licence_inactive"]);
        assert_eq!(rules_for(&ad(&["ESC-REV"], &[])), vec!["licence_inactive"]);
    }

    #[test]
    fn phone_rules_distinguish_unregistered_other_holder_and_same_holder() {
        assert_eq!(
            rules_for(&ad(&["ESC-1"], &["+31699999999"])),
            vec!["phone_not_on_licence"]
        );
        assert_eq!(
            rules_for(&ad(&["ESC-1"], &["+31622222222"])),
            vec!["phone_of_other_licence"]
        );
        // ESC-3 has the same holder as ESC-1: not a signal.
        assert!(rules_for(&ad(&["ESC-1"], &["+31633333333"])).is_empty());
    }

    #[test]
    fn explanations_are_dutch_and_name_the_number() {
        let reg = register();
        let gaz = Gazetteer::new(vec![], vec![]);
        let policies = Policies::default();
        let ctx = Context {
            register: &reg,
            policies: &policies,
            gazetteer: &gaz,
        };
        let f = evaluate(&ad(&["ESC-999"], &[]), &ctx);
        assert!(
            f[0].explanation.contains("ESC-999")
                && f[0]
                    .explanation
                    .contains("niet in het vergunningenregister")
        );
        assert_eq!(f[0].strength, 7);
    }
}
