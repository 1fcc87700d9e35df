//! The list as a table: CSV (UTF-8 with BOM, `;`, as Dutch Excel opens it) and XLSX (a
//! sheet of signals with real dates and phones as text, and a summary sheet per rule).
//! Both are written from the frozen [`WeeklyList`] alone and hold nothing that changes
//! between runs, so a list written again is the same bytes.

use chrono::{DateTime, Datelike, Timelike};
use chrono_tz::Europe::Amsterdam;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::model::{summary_per_rule, ListRow, WeeklyList};
use crate::report::spreadsheet::SafeCsvWriter;

/// The columns of both files, in order (fixed by the municipalities' processing).
pub const COLUMNS: [&str; 15] = [
    "signaal",
    "regel",
    "sterkte",
    "toelichting",
    "gemeente",
    "site",
    "advertentie_url",
    "plaats",
    "adverteerder",
    "telefoonnummers",
    "vergunningnummers",
    "eerst_gezien",
    "laatst_gezien",
    "bevestigd_op",
    "bewijs_sha256",
];

/// Several phones or numbers in one cell.
pub const CELL_SEPARATOR: &str = " | ";

/// The cells of one row as text, in [`COLUMNS`] order.
fn cells(r: &ListRow) -> [String; 15] {
    [
        r.signal.to_string(),
        r.rule.clone(),
        r.strength.to_string(),
        r.explanation.clone(),
        r.municipality.clone(),
        r.site.clone(),
        r.ad_url.clone(),
        r.place.clone(),
        r.advertiser.clone(),
        r.phones.join(CELL_SEPARATOR),
        r.licence_numbers.join(CELL_SEPARATOR),
        r.first_seen.clone(),
        r.last_seen.clone(),
        r.confirmed_at.clone(),
        r.evidence_sha256.clone(),
    ]
}

/// The list as CSV: a BOM, the header, one line per signal; every cell neutralised
/// against formulas.
pub fn csv(list: &WeeklyList) -> Vec<u8> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    let mut w = SafeCsvWriter::new(
        ::csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(::csv::Terminator::CRLF)
            .from_writer(Vec::new()),
    );
    // Writing into a Vec cannot fail.
    w.write_record(COLUMNS).expect("write to memory");
    for r in &list.rows {
        w.write_record(cells(r)).expect("write to memory");
    }
    out.extend(w.into_inner().expect("flush to memory"));
    out
}

/// Column widths in characters: what the longest cell needs, between these bounds.
const MIN_WIDTH: usize = 8;
const MAX_WIDTH: usize = 60;

/// The list as XLSX.
pub fn xlsx(list: &WeeklyList) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    // A fixed creation time (the list's): otherwise every file differs in its metadata.
    let made = excel_time(&list.made_at).unwrap_or(ExcelDateTime::from_ymd(2000, 1, 1)?);
    book.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "Signalenlijst {} week {}",
                list.municipality_name, list.week
            ))
            .set_author("webwacht")
            .set_creation_datetime(&made),
    );
    signals_sheet(book.add_worksheet(), list)?;
    summary_sheet(book.add_worksheet(), list)?;
    book.save_to_buffer()
}

fn signals_sheet(sheet: &mut Worksheet, list: &WeeklyList) -> Result<(), XlsxError> {
    sheet.set_name("Signalen")?;
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let text = Format::new().set_num_format("@");
    let mut widths: Vec<usize> = COLUMNS.iter().map(|c| c.len()).collect();
    for (c, name) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *name, &bold)?;
    }
    for (i, r) in list.rows.iter().enumerate() {
        let row = i as u32 + 1;
        for (c, cell) in cells(r).iter().enumerate() {
            let col = c as u16;
            match COLUMNS[c] {
                "signaal" | "sterkte" => {
                    sheet.write_number(row, col, cell.parse::<f64>().unwrap_or_default())?;
                }
                "eerst_gezien" | "laatst_gezien" | "bevestigd_op" => match excel_time(cell) {
                    Some(t) => {
                        sheet.write_datetime_with_format(row, col, &t, &date)?;
                    }
                    None => {
                        sheet.write_string(row, col, cell)?;
                    }
                },
                // Phones and numbers are text: a number format would drop the `+` and
                // leading zeros, and show long numbers in exponent form.
                "telefoonnummers" | "vergunningnummers" => {
                    sheet.write_string_with_format(row, col, cell, &text)?;
                }
                // Strings are never formulas in XLSX (write_string stores text), so no
                // neutralising is needed here, unlike the CSV.
                _ => {
                    sheet.write_string(row, col, cell)?;
                }
            }
            let shown = match COLUMNS[c] {
                "eerst_gezien" | "laatst_gezien" | "bevestigd_op" => 16,
                _ => cell.chars().count(),
            };
            widths[c] = widths[c].max(shown);
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, (*w).clamp(MIN_WIDTH, MAX_WIDTH) as f64 + 1.0)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, list.rows.len() as u32, COLUMNS.len() as u16 - 1)?;
    Ok(())
}

fn summary_sheet(sheet: &mut Worksheet, list: &WeeklyList) -> Result<(), XlsxError> {
    sheet.set_name("Samenvatting")?;
    let bold = Format::new().set_bold();
    let rows: [(&str, String); 4] = [
        (
            "Gemeente",
            format!("{} ({})", list.municipality_name, list.municipality_code),
        ),
        ("Week", list.week.to_string()),
        (
            "Van t/m",
            format!("{} t/m {}", list.week_start, list.week_end),
        ),
        ("Opgemaakt", list.made_at.clone()),
    ];
    for (i, (k, v)) in rows.iter().enumerate() {
        sheet.write_string_with_format(i as u32, 0, *k, &bold)?;
        sheet.write_string(i as u32, 1, v)?;
    }
    let top = rows.len() as u32 + 1;
    sheet.write_string_with_format(top, 0, "Regel", &bold)?;
    sheet.write_string_with_format(top, 1, "Signalen", &bold)?;
    let per_rule = summary_per_rule(list);
    for (i, (title, n)) in per_rule.iter().enumerate() {
        sheet.write_string(top + 1 + i as u32, 0, title)?;
        sheet.write_number(top + 1 + i as u32, 1, *n as f64)?;
    }
    let total_row = top + 1 + per_rule.len() as u32;
    sheet.write_string_with_format(total_row, 0, "Totaal", &bold)?;
    sheet.write_number_with_format(total_row, 1, list.rows.len() as f64, &bold)?;
    if list.rows.is_empty() {
        sheet.write_string(total_row + 2, 0, "Geen nieuwe signalen in deze week.")?;
    }
    let widest = per_rule
        .iter()
        .map(|(t, _)| t.chars().count())
        .chain(rows.iter().map(|(k, _)| k.len()))
        .max()
        .unwrap_or(10);
    sheet.set_column_width(0, widest.clamp(MIN_WIDTH, MAX_WIDTH) as f64 + 1.0)?;
    sheet.set_column_width(1, 32)?;
    Ok(())
}

/// An RFC 3339 time as an Excel date-time in Amsterdam time (Excel has no time zones;
/// the officer reads local time).
fn excel_time(s: &str) -> Option<ExcelDateTime> {
    let t = DateTime::parse_from_rfc3339(s)
        .ok()?
        .with_timezone(&Amsterdam);
    ExcelDateTime::from_ymd(
        u16::try_from(t.year()).ok()?,
        t.month() as u8,
        t.day() as u8,
    )
    .ok()?
    .and_hms(t.hour() as u16, t.minute() as u8, t.second())
    .ok()
}
