//! Register import: map a file's columns to the register's, read every value as people
//! write it, and validate every row before anything is stored.
//!
//! What is accepted is wide (see [`super::sheet`] for the file formats): header names and
//! words in any case and with any spacing, Dutch names for columns, types and statuses,
//! dates as `2026-12-31`, `31-12-2026` or `1-7-2026` or real XLSX dates, several phones in
//! one cell, a municipality as CBS code or name. What is stored does not change: the
//! register's own codes, E.164 phones, ISO dates, `GMxxxx`.
//!
//! What stays strict: a date that does not exist or in another form (`02/28/2026`,
//! `28-2-26`), an unknown type or status, a phone that is not a phone, a number twice in
//! one file, a missing column. All errors of a file are collected, each as
//! `file:row: column: problem`; one bad row rejects the whole file.
//!
//! Columns that webwacht does not use (a BSN, a date of birth) are never read: only the
//! register's own columns are taken from a row, and the import names the others by their
//! header only.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;

use super::model::{BusinessType, Licence, LicenceStatus, Registration};
use super::sheet::{self, Cell, Format, Sheet};
use crate::extract::gazetteer::normalize_municipality_code;
use crate::extract::place::normalize_key;
use crate::extract::{licence::normalize, phone::parse_phone, Gazetteer};

/// A register column: its name in DESIGN's format and the Dutch names a municipality's
/// export may use. Headers match by [`normalize_key`]: case, accents, spaces, `_` and
/// `-` do not count (`Geldig vanaf` is `geldig_vanaf`).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
}

const fn col(name: &'static str, aliases: &'static [&'static str]) -> Column {
    Column { name, aliases }
}

const LICENCE_NUMBER: Column = col(
    "licence_number",
    &["vergunningnummer", "vergunningsnummer", "vergunning_nr"],
);
const HOLDER: Column = col("holder", &["houder", "vergunninghouder"]);
const BUSINESS_TYPE: Column = col("business_type", &["soort", "type", "bedrijfstype"]);
const MUNICIPALITY: Column = col("municipality_code", &["gemeentecode", "gemeente"]);
const PHONES: Column = col("phones", &["telefoonnummers", "telefoonnummer", "telefoon"]);
const ADDRESS: Column = col("address", &["adres"]);
const VALID_FROM: Column = col("valid_from", &["geldig_vanaf", "ingangsdatum"]);
const VALID_UNTIL: Column = col("valid_until", &["geldig_tot", "einddatum"]);
const STATUS: Column = col("status", &[]);
const REGISTRATION_NUMBER: Column = col("registration_number", &["registratienummer"]);

/// The columns of a licence register file, every one required in the header.
pub const LICENCE_COLUMNS: [Column; 9] = [
    LICENCE_NUMBER,
    HOLDER,
    BUSINESS_TYPE,
    MUNICIPALITY,
    PHONES,
    ADDRESS,
    VALID_FROM,
    VALID_UNTIL,
    STATUS,
];
/// The columns of a registration register file (no names: data minimisation).
pub const REGISTRATION_COLUMNS: [Column; 4] =
    [REGISTRATION_NUMBER, VALID_FROM, VALID_UNTIL, STATUS];

/// Business types as people write them: the register's code or a Dutch word.
const BUSINESS_TYPE_WORDS: [(&str, BusinessType); 13] = [
    ("escort", BusinessType::Escort),
    ("escortbedrijf", BusinessType::Escort),
    ("club", BusinessType::Club),
    ("prive", BusinessType::Prive),
    ("privéhuis", BusinessType::Prive),
    ("raam", BusinessType::Raam),
    ("raamprostitutie", BusinessType::Raam),
    ("thuiswerk", BusinessType::Thuiswerk),
    ("massage", BusinessType::Massage),
    ("massagesalon", BusinessType::Massage),
    ("other", BusinessType::Other),
    ("overig", BusinessType::Other),
    ("overige", BusinessType::Other),
];
/// Statuses as people write them: the register's code or the Dutch word.
const STATUS_WORDS: [(&str, LicenceStatus); 8] = [
    ("active", LicenceStatus::Active),
    ("actief", LicenceStatus::Active),
    ("suspended", LicenceStatus::Suspended),
    ("geschorst", LicenceStatus::Suspended),
    ("revoked", LicenceStatus::Revoked),
    ("ingetrokken", LicenceStatus::Revoked),
    ("expired", LicenceStatus::Expired),
    ("verlopen", LicenceStatus::Expired),
];

/// The word a register value stands for, by [`normalize_key`] (`Privé-huis` is
/// `privéhuis`).
fn word<T: Copy>(table: &[(&str, T)], value: &str) -> Option<T> {
    let key = normalize_key(value);
    (!key.is_empty())
        .then(|| table.iter().find(|(w, _)| normalize_key(w) == key))
        .flatten()
        .map(|&(_, v)| v)
}

/// Which register a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RegisterKind {
    Licences,
    Registrations,
}

impl RegisterKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RegisterKind::Licences => "licences",
            RegisterKind::Registrations => "registrations",
        }
    }
}

/// One problem in one row: `row` is the file's row (CSV line or sheet row; the header is
/// row 1 in a file that starts with it), `column` the header as the file writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub file: String,
    pub row: u64,
    pub column: String,
    pub problem: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file, self.row, self.column, self.problem
        )
    }
}

/// Why a register file was rejected. Nothing is stored in either case.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    #[error("{file}: {problem}")]
    File { file: String, problem: String },
    #[error("{}", format_rows(.format, .rows))]
    Rows { format: Format, rows: Vec<RowError> },
}

fn format_rows(format: &Format, rows: &[RowError]) -> String {
    let mut s = rows
        .iter()
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    s.push_str(&format!(
        "\n{} fout(en) (gelezen als {format}); er is niets opgeslagen.",
        rows.len()
    ));
    s
}

/// A file that passed: its rows, how it was read, and the headers of the columns that
/// were not read (never their values).
#[derive(Debug)]
pub struct Import<T> {
    pub rows: Vec<T>,
    pub format: Format,
    pub ignored: Vec<String>,
}

/// A read file with its columns found.
struct Table<'a> {
    file: &'a str,
    sheet: Sheet,
    /// Register column name -> index in the file.
    index: HashMap<&'static str, usize>,
    ignored: Vec<String>,
}

impl<'a> Table<'a> {
    fn read(
        file: &'a str,
        bytes: &[u8],
        sheet_name: Option<&str>,
        columns: &[Column],
    ) -> Result<Table<'a>, ImportError> {
        let file_err = |problem: String| ImportError::File {
            file: file.to_string(),
            problem,
        };
        let sheet = sheet::read(bytes, sheet_name).map_err(|e| file_err(e.0))?;
        let at = sheet.header_row;
        let header_err = |problem: String| ImportError::File {
            file: format!("{file}:{at}"),
            problem,
        };
        let mut index: HashMap<&'static str, usize> = HashMap::new();
        let mut ignored = Vec::new();
        for (i, header) in sheet.headers.iter().enumerate() {
            let key = normalize_key(header);
            let known = columns.iter().find(|c| {
                normalize_key(c.name) == key || c.aliases.iter().any(|a| normalize_key(a) == key)
            });
            match known {
                Some(c) if !key.is_empty() => {
                    if let Some(first) = index.insert(c.name, i) {
                        return Err(header_err(format!(
                            "de kolommen {:?} en {header:?} zijn allebei {}",
                            sheet.headers[first], c.name
                        )));
                    }
                }
                _ if header.is_empty() => ignored.push(format!("(kolom {} zonder naam)", i + 1)),
                _ => ignored.push(header.clone()),
            }
        }
        if sheet.beyond_header > 0 {
            ignored.push(format!(
                "({} waarde(n) rechts van de kopregel, zonder kolomnaam)",
                sheet.beyond_header
            ));
        }
        let missing: Vec<String> = columns
            .iter()
            .filter(|c| !index.contains_key(c.name))
            .map(|c| match c.aliases.first() {
                Some(dutch) => format!("{} (of {dutch})", c.name),
                None => c.name.to_string(),
            })
            .collect();
        if !missing.is_empty() {
            let mut problem = format!(
                "kolom(men) ontbreken: {} (gelezen als {})",
                missing.join(", "),
                sheet.format
            );
            if !ignored.is_empty() {
                problem.push_str(&format!("; niet herkende kolommen: {}", ignored.join(", ")));
            }
            return Err(header_err(problem));
        }
        if sheet.rows.is_empty() {
            return Err(file_err("bevat geen rijen".into()));
        }
        Ok(Table {
            file,
            sheet,
            index,
            ignored,
        })
    }

    fn row<'t>(&'t self, line: u64, cells: &'t [Cell], errors: &'t mut Vec<RowError>) -> Row<'t> {
        Row {
            table: self,
            line,
            cells,
            errors,
        }
    }

    fn finish<T>(self, rows: Vec<T>, errors: Vec<RowError>) -> Result<Import<T>, ImportError> {
        if errors.is_empty() {
            Ok(Import {
                rows,
                format: self.sheet.format,
                ignored: self.ignored,
            })
        } else {
            Err(ImportError::Rows {
                format: self.sheet.format,
                rows: errors,
            })
        }
    }
}

/// Reads the register's columns of one row and collects their problems.
struct Row<'a> {
    table: &'a Table<'a>,
    line: u64,
    cells: &'a [Cell],
    errors: &'a mut Vec<RowError>,
}

impl Row<'_> {
    fn cell(&self, column: Column) -> &Cell {
        static EMPTY: Cell = Cell::Text(String::new());
        self.cells
            .get(self.table.index[column.name])
            .unwrap_or(&EMPTY)
    }

    fn fail(&mut self, column: Column, problem: String) {
        let header = &self.table.sheet.headers[self.table.index[column.name]];
        self.errors.push(RowError {
            file: self.table.file.to_string(),
            row: self.line,
            column: header.clone(),
            problem,
        });
    }

    /// The cell as text; `None` (and an error) for an Excel error value.
    fn text(&mut self, column: Column) -> Option<String> {
        match self.cell(column) {
            Cell::Error(e) => {
                let problem = format!("de cel bevat de Excel-fout {e}");
                self.fail(column, problem);
                None
            }
            c => Some(sheet::cell_text(c)),
        }
    }

    fn required(&mut self, column: Column) -> Option<String> {
        let v = self.text(column)?;
        if v.is_empty() {
            self.fail(column, "mag niet leeg zijn".into());
            None
        } else {
            Some(v)
        }
    }

    fn date(&mut self, column: Column, required: bool) -> Option<Option<NaiveDate>> {
        if let Cell::Date(d) = self.cell(column) {
            return Some(Some(*d));
        }
        let v = self.text(column)?;
        if v.is_empty() {
            if required {
                self.fail(column, format!("mag niet leeg zijn ({DATE_FORMS})"));
                return None;
            }
            return Some(None);
        }
        match parse_date(&v) {
            Ok(d) => Some(Some(d)),
            Err(problem) => {
                self.fail(column, problem);
                None
            }
        }
    }

    fn status(&mut self) -> Option<LicenceStatus> {
        let v = self.text(STATUS)?;
        let s = word(&STATUS_WORDS, &v);
        if s.is_none() {
            self.fail(
                STATUS,
                format!("onbekende status {v:?}; toegestaan: actief, geschorst, ingetrokken, verlopen (of active, suspended, revoked, expired)"),
            );
        }
        s
    }

    fn business_type(&mut self) -> Option<BusinessType> {
        let v = self.text(BUSINESS_TYPE)?;
        let t = word(&BUSINESS_TYPE_WORDS, &v);
        if t.is_none() {
            self.fail(
                BUSINESS_TYPE,
                format!("onbekend bedrijfstype {v:?}; toegestaan: escort, club, privéhuis (prive), raam, thuiswerk, massagesalon (massage), overig (other)"),
            );
        }
        t
    }

    fn number(
        &mut self,
        column: Column,
        seen: &mut HashMap<String, u64>,
    ) -> Option<(String, String)> {
        let value = self.required(column)?;
        let normalized = normalize(&value);
        if normalized.is_empty() {
            self.fail(column, format!("{value:?} bevat geen letters of cijfers"));
            return None;
        }
        if let Some(first) = seen.insert(normalized.clone(), self.line) {
            self.fail(
                column,
                format!("dubbel nummer {value:?} (ook in rij {first})"),
            );
            return None;
        }
        Some((value, normalized))
    }

    fn validity(&mut self) -> Option<(NaiveDate, Option<NaiveDate>)> {
        let from = self.date(VALID_FROM, true);
        let until = self.date(VALID_UNTIL, false);
        let (Some(Some(from)), Some(until)) = (from, until) else {
            return None;
        };
        if let Some(u) = until {
            if u < from {
                self.fail(VALID_UNTIL, format!("{u} ligt vóór de begindatum {from}"));
                return None;
            }
        }
        Some((from, until))
    }

    /// `GM0599`, `0599`, `599`, or a municipality's name (`Rotterdam`, `'s-Gravenhage`).
    fn municipality(&mut self, gazetteer: &Gazetteer) -> Option<String> {
        let v = self.required(MUNICIPALITY)?;
        if let Some(code) = normalize_municipality_code(&v) {
            if gazetteer.has_municipality(&code) {
                return Some(code);
            }
            self.fail(MUNICIPALITY, format!("onbekende gemeentecode {v:?}"));
            return None;
        }
        match gazetteer.municipality_named(&v) {
            Ok(code) => Some(code.to_string()),
            Err(candidates) if candidates.is_empty() => {
                self.fail(
                    MUNICIPALITY,
                    format!("onbekende gemeente {v:?}; gebruik de CBS-code (GM0599) of de naam van de gemeente"),
                );
                None
            }
            Err(candidates) => {
                self.fail(
                    MUNICIPALITY,
                    format!(
                        "gemeente {v:?} is niet eenduidig: {}; gebruik de CBS-code",
                        candidates.join(", ")
                    ),
                );
                None
            }
        }
    }

    /// Phones separated by `;`, `,`, `/` or a line break, each to E.164.
    fn phones(&mut self) -> Vec<String> {
        let Some(cell) = self.text(PHONES) else {
            return Vec::new();
        };
        let (phones, bad) = parse_phones(&cell);
        for raw in bad {
            self.fail(PHONES, format!("onleesbaar telefoonnummer {raw:?}"));
        }
        phones
    }
}

/// The accepted date forms, for messages.
const DATE_FORMS: &str = "JJJJ-MM-DD, DD-MM-JJJJ of D-M-JJJJ";

/// `2026-12-31`, `31-12-2026` or `1-7-2026`; nothing else (no US order, no two-digit
/// years), and only dates that exist.
pub fn parse_date(v: &str) -> Result<NaiveDate, String> {
    let parts: Vec<&str> = v.trim().split('-').collect();
    let digits = |p: &str, len: std::ops::RangeInclusive<usize>| {
        len.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    let (y, m, d) = match parts.as_slice() {
        [y, m, d] if digits(y, 4..=4) && digits(m, 2..=2) && digits(d, 2..=2) => (y, m, d),
        [d, m, y] if digits(d, 1..=2) && digits(m, 1..=2) && digits(y, 4..=4) => (y, m, d),
        _ => return Err(format!("ongeldige datum {v:?}, verwacht {DATE_FORMS}")),
    };
    let n = |s: &str| s.parse::<u32>().unwrap_or(0);
    NaiveDate::from_ymd_opt(n(y) as i32, n(m), n(d))
        .ok_or_else(|| format!("datum {v:?} bestaat niet"))
}

/// The phones of one register cell, to E.164 (deduplicated), and the pieces that are not
/// phones. Pieces are separated by `;`, `,`, `/` or a line break; a piece that is a phone
/// with its `/` (`010/1234567`, an old way of writing the area code) stays whole. Nine
/// digits without a leading zero (`612345678`) are a Dutch number whose zero a
/// spreadsheet dropped when it took the cell for a number.
pub fn parse_phones(cell: &str) -> (Vec<String>, Vec<String>) {
    let one = |raw: &str| {
        parse_phone(raw).map(|p| p.e164).or_else(|| {
            let dropped_zero =
                raw.len() == 9 && !raw.starts_with('0') && raw.bytes().all(|b| b.is_ascii_digit());
            dropped_zero
                .then(|| parse_phone(&format!("0{raw}")).map(|p| p.e164))
                .flatten()
        })
    };
    let (mut phones, mut bad) = (Vec::new(), Vec::new());
    let mut keep = |e164: String| {
        if !phones.contains(&e164) {
            phones.push(e164);
        }
    };
    for piece in cell
        .split([';', ',', '\n', '\r'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if let Some(e164) = one(piece) {
            keep(e164);
            continue;
        }
        for part in piece.split('/').map(str::trim).filter(|s| !s.is_empty()) {
            match one(part) {
                Some(e164) => keep(e164),
                None => bad.push(part.to_string()),
            }
        }
    }
    (phones, bad)
}

/// Read and validate a licence register file (`sheet`: the XLSX worksheet, default the
/// first).
pub fn read_licences(
    file: &str,
    bytes: &[u8],
    sheet: Option<&str>,
    gazetteer: &Gazetteer,
) -> Result<Import<Licence>, ImportError> {
    let table = Table::read(file, bytes, sheet, &LICENCE_COLUMNS)?;
    let mut errors = Vec::new();
    let mut seen = HashMap::new();
    let mut out = Vec::new();
    for (line, cells) in &table.sheet.rows {
        let mut row = table.row(*line, cells, &mut errors);
        let number = row.number(LICENCE_NUMBER, &mut seen);
        let holder = row.required(HOLDER);
        let business_type = row.business_type();
        let municipality_code = row.municipality(gazetteer);
        let phones = row.phones();
        let address = row.text(ADDRESS).filter(|a| !a.is_empty());
        let validity = row.validity();
        let status = row.status();
        if let (
            Some((licence_number, normalized)),
            Some(holder),
            Some(business_type),
            Some(municipality_code),
            Some((valid_from, valid_until)),
            Some(status),
        ) = (
            number,
            holder,
            business_type,
            municipality_code,
            validity,
            status,
        ) {
            out.push(Licence {
                licence_number,
                normalized,
                holder,
                business_type,
                municipality_code,
                phones,
                address,
                valid_from,
                valid_until,
                status,
            });
        }
    }
    table.finish(out, errors)
}

/// Read and validate a registration register file.
pub fn read_registrations(
    file: &str,
    bytes: &[u8],
    sheet: Option<&str>,
) -> Result<Import<Registration>, ImportError> {
    let table = Table::read(file, bytes, sheet, &REGISTRATION_COLUMNS)?;
    let mut errors = Vec::new();
    let mut seen = HashMap::new();
    let mut out = Vec::new();
    for (line, cells) in &table.sheet.rows {
        let mut row = table.row(*line, cells, &mut errors);
        let number = row.number(REGISTRATION_NUMBER, &mut seen);
        let validity = row.validity();
        let status = row.status();
        if let (
            Some((registration_number, normalized)),
            Some((valid_from, valid_until)),
            Some(status),
        ) = (number, validity, status)
        {
            out.push(Registration {
                registration_number,
                normalized,
                valid_from,
                valid_until,
                status,
            });
        }
    }
    table.finish(out, errors)
}

/// [`read_licences`] of a CSV or the first sheet, rows only (the demo, tests, `evaluate`).
pub fn parse_licences(
    file: &str,
    bytes: &[u8],
    gazetteer: &Gazetteer,
) -> Result<Vec<Licence>, ImportError> {
    read_licences(file, bytes, None, gazetteer).map(|i| i.rows)
}

/// [`read_registrations`] of a CSV or the first sheet, rows only.
pub fn parse_registrations(file: &str, bytes: &[u8]) -> Result<Vec<Registration>, ImportError> {
    read_registrations(file, bytes, None).map(|i| i.rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_three_forms_and_no_other() {
        let d = |s: &str| parse_date(s).map(|d| d.to_string());
        assert_eq!(d("2026-12-31").unwrap(), "2026-12-31");
        assert_eq!(d("31-12-2026").unwrap(), "2026-12-31");
        assert_eq!(d("1-7-2026").unwrap(), "2026-07-01");
        assert_eq!(d(" 01-07-2026 ").unwrap(), "2026-07-01");
        for bad in [
            "02/28/2026",
            "28-2-26",
            "2026-1-5",
            "2026/12/31",
            "31.12.2026",
            "",
            "x",
        ] {
            assert!(d(bad).unwrap_err().contains("ongeldige datum"), "{bad}");
        }
        assert!(d("31-02-2026").unwrap_err().contains("bestaat niet"));
        assert!(d("2026-13-01").unwrap_err().contains("bestaat niet"));
    }

    #[test]
    fn words_match_without_case_accents_or_spaces() {
        assert_eq!(word(&STATUS_WORDS, " Actief "), Some(LicenceStatus::Active));
        assert_eq!(
            word(&STATUS_WORDS, "INGETROKKEN"),
            Some(LicenceStatus::Revoked)
        );
        assert_eq!(
            word(&BUSINESS_TYPE_WORDS, "Privéhuis"),
            Some(BusinessType::Prive)
        );
        assert_eq!(
            word(&BUSINESS_TYPE_WORDS, "privehuis"),
            Some(BusinessType::Prive)
        );
        assert_eq!(
            word(&BUSINESS_TYPE_WORDS, "Massagesalon"),
            Some(BusinessType::Massage)
        );
        assert_eq!(
            word(&BUSINESS_TYPE_WORDS, "Overig"),
            Some(BusinessType::Other)
        );
        assert_eq!(word(&BUSINESS_TYPE_WORDS, "bordeel"), None);
        assert_eq!(word(&BUSINESS_TYPE_WORDS, ""), None);
    }

    #[test]
    fn phones_split_on_every_separator_people_use() {
        let (ok, bad) =
            parse_phones("06-12345678; 010-1234567,0201234567 / 030-1234567\n06 23456789");
        assert_eq!(
            ok,
            [
                "+31612345678",
                "+31101234567",
                "+31201234567",
                "+31301234567",
                "+31623456789"
            ]
        );
        assert!(bad.is_empty(), "{bad:?}");
        let (ok, bad) = parse_phones("010/1234567");
        assert_eq!(
            (ok.as_slice(), bad.len()),
            (["+31101234567".to_string()].as_slice(), 0)
        );
        let (ok, _) = parse_phones("612345678");
        assert_eq!(ok, ["+31612345678"]);
        let (ok, bad) = parse_phones("06-123;06-12345678");
        assert_eq!((ok.len(), bad), (1, vec!["06-123".to_string()]));
    }
}
