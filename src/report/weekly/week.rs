//! ISO weeks in Europe/Amsterdam time: which week was the last complete one, and where a
//! week begins and ends in UTC (a week with a daylight-saving change is 167 or 169 hours).

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Europe::Amsterdam;

use super::model::IsoWeek;
use crate::error::BadInput;

impl IsoWeek {
    /// `YYYY-Www` (also `YYYY-ww` and lower-case `w`).
    pub fn parse(s: &str) -> Result<IsoWeek, BadInput> {
        let bad = || {
            BadInput(format!(
                "week {s:?}: verwacht een ISO-week als JJJJ-Www, bijvoorbeeld 2026-W48"
            ))
        };
        let (y, w) = s.trim().split_once('-').ok_or_else(bad)?;
        let w = w.strip_prefix(['W', 'w']).unwrap_or(w);
        let (year, week): (i32, u32) =
            (y.parse().map_err(|_| bad())?, w.parse().map_err(|_| bad())?);
        if !(2000..=9999).contains(&year)
            || NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).is_none()
        {
            return Err(bad());
        }
        Ok(IsoWeek { year, week })
    }

    /// The ISO week of a calendar day.
    pub fn of(day: NaiveDate) -> IsoWeek {
        let w = day.iso_week();
        IsoWeek {
            year: w.year(),
            week: w.week(),
        }
    }

    /// The week before the one `now` falls in, in Amsterdam time: the last complete week.
    pub fn last_complete(now: DateTime<Utc>) -> IsoWeek {
        let today = now.with_timezone(&Amsterdam).date_naive();
        IsoWeek::of(today - chrono::Duration::days(7))
    }

    /// Monday of the week.
    pub fn monday(self) -> NaiveDate {
        NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Mon)
            .expect("an IsoWeek is valid by construction")
    }

    /// Sunday of the week.
    pub fn sunday(self) -> NaiveDate {
        self.monday() + chrono::Duration::days(6)
    }

    /// Monday 00:00 in Amsterdam, in UTC: the week's first instant.
    pub fn start(self) -> DateTime<Utc> {
        amsterdam_midnight(self.monday())
    }

    /// The next Monday 00:00 in Amsterdam, in UTC: the first instant after the week.
    pub fn end(self) -> DateTime<Utc> {
        amsterdam_midnight(self.monday() + chrono::Duration::days(7))
    }
}

/// 00:00 of `day` in Amsterdam. Midnight always exists there (the clocks change at 02:00
/// and 03:00), so `earliest` never falls back.
fn amsterdam_midnight(day: NaiveDate) -> DateTime<Utc> {
    let local = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    Amsterdam
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&local))
}

/// `t` in Amsterdam time as RFC 3339 with its offset (`2026-12-07T07:00:00+01:00`).
pub fn amsterdam_rfc3339(t: DateTime<Utc>) -> String {
    t.with_timezone(&Amsterdam)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn weeks_parse_in_iso_form_and_refuse_the_rest() {
        assert_eq!(
            IsoWeek::parse("2026-W48").unwrap(),
            IsoWeek {
                year: 2026,
                week: 48
            }
        );
        assert_eq!(IsoWeek::parse("2026-w01").unwrap().to_string(), "2026-W01");
        assert_eq!(IsoWeek::parse("2026-48").unwrap().week, 48);
        // 2026 has 53 ISO weeks, 2025 only 52.
        assert!(IsoWeek::parse("2026-W53").is_ok());
        assert!(IsoWeek::parse("2025-W53").is_err());
        for bad in [
            "2026", "2026-W0", "2026-W54", "W48-2026", "26-W48", "2026-Wxx", "",
        ] {
            assert!(IsoWeek::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_last_complete_week_is_the_one_before_now_in_amsterdam() {
        // Monday 7 December 2026 (week 50), 07:00 in Amsterdam: week 49 is complete.
        assert_eq!(
            IsoWeek::last_complete(utc("2026-12-07T07:00:00+01:00")).to_string(),
            "2026-W49"
        );
        // Sunday 23:30 UTC is already Monday 00:30 in Amsterdam: week 50 has begun.
        assert_eq!(
            IsoWeek::last_complete(utc("2026-12-06T23:30:00Z")).to_string(),
            "2026-W49"
        );
        // An hour earlier it is still Sunday there: week 49 is not over.
        assert_eq!(
            IsoWeek::last_complete(utc("2026-12-06T22:30:00Z")).to_string(),
            "2026-W48"
        );
        // Across the year: 4 January 2027 is in 2027-W01, so 2026-W53 is complete.
        assert_eq!(
            IsoWeek::last_complete(utc("2027-01-04T08:00:00+01:00")).to_string(),
            "2026-W53"
        );
    }

    #[test]
    fn a_week_with_a_clock_change_has_one_hour_more_or_less() {
        // Summer time ends on Sunday 25 October 2026 (week 43): 169 hours.
        let w = IsoWeek::parse("2026-W43").unwrap();
        assert_eq!(w.start(), utc("2026-10-18T22:00:00Z"));
        assert_eq!(w.end(), utc("2026-10-25T23:00:00Z"));
        assert_eq!((w.end() - w.start()).num_hours(), 169);
        // It begins on Sunday 29 March 2026 (week 13): 167 hours.
        let w = IsoWeek::parse("2026-W13").unwrap();
        assert_eq!((w.end() - w.start()).num_hours(), 167);
        assert_eq!(w.monday().to_string(), "2026-03-23");
        assert_eq!(w.sunday().to_string(), "2026-03-29");
    }
}
