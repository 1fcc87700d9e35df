//! Selector health: after each run a site is compared with its previous run, so that a
//! redesign that breaks the selectors raises an alarm instead of silently finding nothing.

use crate::store::runs::{Health, RunStats};

/// More than this share of parsed ads without a required field (title, body) is broken.
pub const MAX_EMPTY_SHARE: f64 = 0.20;

/// Judge a finished run. `previous_ads`: `ads_seen` of the previous finished run, if any.
/// `complete`: the run read every listing page and every ad it found (no page budget
/// cut it short), so counts can be compared.
pub fn judge(stats: &RunStats, previous_ads: Option<i64>, complete: bool) -> Health {
    let mut problems = Vec::new();
    if complete && stats.ads_seen == 0 {
        problems.push(if stats.listing_errors > 0 {
            format!(
                "geen advertenties gevonden; {} overzichtspagina('s) gaven een fout",
                stats.listing_errors
            )
        } else {
            "geen advertenties gevonden: kloppen de selectors voor de advertentielinks nog?"
                .to_string()
        });
    }
    if let Some(prev) = previous_ads.filter(|_| complete && stats.ads_seen > 0) {
        if stats.ads_seen * 2 < prev {
            problems.push(format!(
                "aantal advertenties gedaald van {prev} naar {} (meer dan 50%)",
                stats.ads_seen
            ));
        }
    }
    // Ads that answered 304 had their fields when they were last parsed: they count in
    // the denominator, so one edited ad among many unchanged ones is no alarm.
    let answered = stats.ads_parsed + stats.ads_not_modified;
    for (field, empty) in [("titel", stats.empty_title), ("tekst", stats.empty_body)] {
        if empty > 0 && empty as f64 > MAX_EMPTY_SHARE * answered as f64 {
            problems.push(format!(
                "veld '{field}' leeg bij {empty} van {answered} advertenties (meer dan 20%)"
            ));
        }
    }
    Health {
        broken: !problems.is_empty(),
        message: (!problems.is_empty()).then(|| format!("Site defect: {}.", problems.join("; "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(seen: i64, parsed: i64, empty_title: i64, empty_body: i64) -> RunStats {
        RunStats {
            ads_seen: seen,
            ads_parsed: parsed,
            empty_title,
            empty_body,
            ..Default::default()
        }
    }

    #[test]
    fn healthy_run() {
        let h = judge(&stats(60, 60, 12, 0), Some(100), true);
        assert_eq!(
            h,
            Health {
                broken: false,
                message: None
            }
        );
    }

    #[test]
    fn no_ads_is_broken() {
        let h = judge(&stats(0, 0, 0, 0), Some(60), true);
        assert!(h.broken);
        assert!(h.message.unwrap().contains("geen advertenties"));
        // A run cut short by the page budget proves nothing.
        assert!(!judge(&stats(0, 0, 0, 0), Some(60), false).broken);
    }

    #[test]
    fn a_drop_of_more_than_half_is_broken() {
        assert!(!judge(&stats(50, 50, 0, 0), Some(100), true).broken);
        let h = judge(&stats(49, 49, 0, 0), Some(100), true);
        assert!(h.broken);
        assert!(h.message.unwrap().contains("van 100 naar 49"));
        assert!(!judge(&stats(49, 49, 0, 0), None, true).broken);
    }

    #[test]
    fn empty_required_fields_are_broken() {
        assert!(!judge(&stats(10, 10, 2, 2), None, true).broken);
        let h = judge(&stats(10, 10, 0, 3), None, true);
        assert!(h.broken);
        assert!(h.message.unwrap().contains("'tekst' leeg bij 3 van 10"));
        // Not modified (304) ads kept their fields: one empty body among them is no alarm.
        let mut s = stats(10, 1, 0, 1);
        s.ads_not_modified = 9;
        assert!(!judge(&s, None, true).broken);
    }
}
