//! Render a flag listing as a table, JSON (the shape DESIGN fixes) or CSV.

use clap::ValueEnum;

use super::spreadsheet::SafeCsvWriter;
use crate::store::flags::FlagView;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FlagFormat {
    Table,
    Json,
    Csv,
}

pub const CSV_COLUMNS: [&str; 12] = [
    "id",
    "rule",
    "strength",
    "status",
    "ad_url",
    "site",
    "municipality_code",
    "phones",
    "licence_numbers",
    "explanation",
    "first_seen",
    "last_seen",
];

pub fn render(flags: &[FlagView], format: FlagFormat) -> anyhow::Result<String> {
    Ok(match format {
        FlagFormat::Json => {
            let mut s = serde_json::to_string_pretty(flags)?;
            s.push('\n');
            s
        }
        FlagFormat::Csv => {
            // Every cell through the neutraliser: phones (`+31…`) and anything an ad site
            // wrote must not run as a formula.
            let mut w = SafeCsvWriter::from_writer(Vec::new());
            w.write_record(CSV_COLUMNS)?;
            for f in flags {
                w.write_record([
                    f.id.to_string(),
                    f.rule.clone(),
                    f.strength.to_string(),
                    f.status.clone(),
                    f.ad_url.clone(),
                    f.site.clone(),
                    f.municipality_code.clone().unwrap_or_default(),
                    f.phones.join(";"),
                    f.licence_numbers.join(";"),
                    f.explanation.clone(),
                    f.first_seen.clone(),
                    f.last_seen.clone(),
                ])?;
            }
            String::from_utf8(w.into_inner()?)?
        }
        FlagFormat::Table => table(flags),
    })
}

fn table(flags: &[FlagView]) -> String {
    if flags.is_empty() {
        return "Geen signalen.\n".to_string();
    }
    let header = [
        "id",
        "regel",
        "sterkte",
        "status",
        "gemeente",
        "telefoon",
        "vergunning",
        "advertentie",
    ];
    let rows: Vec<[String; 8]> = flags
        .iter()
        .map(|f| {
            [
                f.id.to_string(),
                f.rule.clone(),
                f.strength.to_string(),
                f.status.clone(),
                f.municipality_code.clone().unwrap_or_else(|| "-".into()),
                if f.phones.is_empty() {
                    "-".into()
                } else {
                    f.phones.join(" ")
                },
                if f.licence_numbers.is_empty() {
                    "-".into()
                } else {
                    f.licence_numbers.join(" ")
                },
                f.ad_url.clone(),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        let mut s = String::new();
        for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}  "));
            }
        }
        s.push('\n');
        s
    };
    let mut out = line(&header.map(String::from));
    for r in &rows {
        out.push_str(&line(r));
    }
    out.push_str(&format!("{} signalen\n", flags.len()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flag() -> FlagView {
        FlagView {
            id: 3,
            rule: "unknown_licence_number".into(),
            strength: 7,
            status: "new".into(),
            ad_url: "http://127.0.0.1/advertentie/a1".into(),
            site: "demo-escort".into(),
            municipality_code: Some("GM0599".into()),
            phones: vec!["+31612345678".into()],
            licence_numbers: vec!["ESC20240153".into()],
            explanation: "Uitleg, met komma".into(),
            first_seen: "2026-11-25T10:00:00Z".into(),
            last_seen: "2026-11-25T10:00:00Z".into(),
        }
    }

    #[test]
    fn json_has_exactly_the_design_keys() {
        let s = render(&[flag()], FlagFormat::Json).unwrap();
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        let keys: Vec<&String> = v[0].as_object().unwrap().keys().collect();
        let mut want: Vec<&str> = CSV_COLUMNS.to_vec();
        want.sort();
        let mut got: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
        got.sort();
        assert_eq!(got, want);
        assert_eq!(v[0]["phones"][0], "+31612345678");
    }

    #[test]
    fn csv_quotes_and_joins() {
        let s = render(&[flag()], FlagFormat::Csv).unwrap();
        let mut r = csv::Reader::from_reader(s.as_bytes());
        assert_eq!(
            r.headers().unwrap().iter().collect::<Vec<_>>(),
            CSV_COLUMNS.to_vec()
        );
        let row = r.records().next().unwrap().unwrap();
        assert_eq!(&row[9], "Uitleg, met komma");
    }

    #[test]
    fn csv_cells_never_start_a_formula() {
        let hostile = "=HYPERLINK(\"http://x\",\"klik\")";
        let f = FlagView {
            ad_url: hostile.into(),
            site: "@site".into(),
            explanation: "-1+1".into(),
            phones: vec!["+31612345678".into(), "+31687654321".into()],
            ..flag()
        };
        let s = render(&[f], FlagFormat::Csv).unwrap();
        let row = csv::Reader::from_reader(s.as_bytes())
            .records()
            .next()
            .unwrap()
            .unwrap();
        assert_eq!(&row[4], format!("'{hostile}"));
        assert_eq!(&row[5], "'@site");
        assert_eq!(&row[7], "'+31612345678;+31687654321");
        assert_eq!(&row[9], "'-1+1");
        assert_eq!(&row[6], "GM0599", "ordinary cells unchanged");
    }

    #[test]
    fn table_lists_each_flag() {
        let s = render(&[flag(), flag()], FlagFormat::Table).unwrap();
        assert_eq!(s.lines().count(), 4);
        assert!(s.contains("unknown_licence_number") && s.ends_with("2 signalen\n"));
    }
}
