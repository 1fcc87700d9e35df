//! Register CSV import: parse and validate every row before anything is stored.
//!
//! The columns are fixed by DESIGN. All errors of a file are collected, each as
//! `file:row: column: problem`; one bad row rejects the whole file.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;

use super::model::{BusinessType, Licence, LicenceStatus, Registration};
use crate::extract::{licence::normalize, phone::parse_phone, Gazetteer};

pub const LICENCE_COLUMNS: [&str; 9] = [
    "licence_number",
    "holder",
    "business_type",
    "municipality_code",
    "phones",
    "address",
    "valid_from",
    "valid_until",
    "status",
];
pub const REGISTRATION_COLUMNS: [&str; 4] =
    ["registration_number", "valid_from", "valid_until", "status"];

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

/// One problem in one row. `row` is the line number in the file (the header is line 1).
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
    #[error("{}", format_rows(.0))]
    Rows(Vec<RowError>),
}

fn format_rows(rows: &[RowError]) -> String {
    let mut s = rows
        .iter()
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    s.push_str(&format!(
        "\n{} fout(en); er is niets opgeslagen.",
        rows.len()
    ));
    s
}

/// Reads the header and yields records with their line numbers.
struct Table<'a> {
    file: &'a str,
    index: HashMap<String, usize>,
    records: Vec<(u64, csv::StringRecord)>,
}

impl<'a> Table<'a> {
    fn read(file: &'a str, bytes: &[u8], columns: &[&str]) -> Result<Table<'a>, ImportError> {
        let file_err = |problem: String| ImportError::File {
            file: file.to_string(),
            problem,
        };
        let text = std::str::from_utf8(bytes)
            .map_err(|e| file_err(format!("geen geldige UTF-8 (byte {})", e.valid_up_to())))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| file_err(format!("kopregel onleesbaar: {e}")))?
            .clone();
        let mut index = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            if !columns.contains(&h) {
                return Err(file_err(format!(
                    "1: onbekende kolom {h:?}; verwacht: {}",
                    columns.join(",")
                )));
            }
            if index.insert(h.to_string(), i).is_some() {
                return Err(file_err(format!("1: kolom {h:?} staat er twee keer in")));
            }
        }
        let missing: Vec<&str> = columns
            .iter()
            .copied()
            .filter(|c| !index.contains_key(*c))
            .collect();
        if !missing.is_empty() {
            return Err(file_err(format!(
                "1: kolom(men) ontbreken: {}",
                missing.join(", ")
            )));
        }
        let mut records = Vec::new();
        for rec in reader.records() {
            let rec = rec.map_err(|e| {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                file_err(format!("{line}: onleesbare CSV-regel: {e}"))
            })?;
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            records.push((line, rec));
        }
        if records.is_empty() {
            return Err(file_err("bevat geen rijen".into()));
        }
        Ok(Table {
            file,
            index,
            records,
        })
    }
}

/// Collects the problems of one row.
struct Row<'a> {
    file: &'a str,
    line: u64,
    rec: &'a csv::StringRecord,
    index: &'a HashMap<String, usize>,
    errors: &'a mut Vec<RowError>,
}

impl Row<'_> {
    fn get(&self, column: &str) -> &str {
        self.rec.get(self.index[column]).unwrap_or("")
    }

    fn fail(&mut self, column: &str, problem: String) {
        self.errors.push(RowError {
            file: self.file.to_string(),
            row: self.line,
            column: column.to_string(),
            problem,
        });
    }

    fn required(&mut self, column: &str) -> Option<String> {
        let v = self.get(column).to_string();
        if v.is_empty() {
            self.fail(column, "mag niet leeg zijn".into());
            None
        } else {
            Some(v)
        }
    }

    fn date(&mut self, column: &str, required: bool) -> Option<Option<NaiveDate>> {
        let v = self.get(column).to_string();
        if v.is_empty() {
            if required {
                self.fail(column, "mag niet leeg zijn (JJJJ-MM-DD)".into());
                return None;
            }
            return Some(None);
        }
        match NaiveDate::parse_from_str(&v, "%Y-%m-%d") {
            Ok(d) if v.len() == 10 => Some(Some(d)),
            _ => {
                self.fail(
                    column,
                    format!("ongeldige datum {v:?}, verwacht JJJJ-MM-DD"),
                );
                None
            }
        }
    }

    fn status(&mut self) -> Option<LicenceStatus> {
        let v = self.get("status").to_string();
        let s = LicenceStatus::parse(&v);
        if s.is_none() {
            self.fail(
                "status",
                format!("onbekende status {v:?}; toegestaan: active, suspended, revoked, expired"),
            );
        }
        s
    }

    fn number(
        &mut self,
        column: &str,
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
        let from = self.date("valid_from", true);
        let until = self.date("valid_until", false);
        let (Some(Some(from)), Some(until)) = (from, until) else {
            return None;
        };
        if let Some(u) = until {
            if u < from {
                self.fail("valid_until", format!("{u} ligt vóór valid_from {from}"));
                return None;
            }
        }
        Some((from, until))
    }
}

/// Parse and validate a licence register file.
pub fn parse_licences(
    file: &str,
    bytes: &[u8],
    gazetteer: &Gazetteer,
) -> Result<Vec<Licence>, ImportError> {
    let table = Table::read(file, bytes, &LICENCE_COLUMNS)?;
    let mut errors = Vec::new();
    let mut seen = HashMap::new();
    let mut out = Vec::new();
    for (line, rec) in &table.records {
        let mut row = Row {
            file: table.file,
            line: *line,
            rec,
            index: &table.index,
            errors: &mut errors,
        };
        let number = row.number("licence_number", &mut seen);
        let holder = row.required("holder");
        let bt = row.get("business_type").to_string();
        let business_type = BusinessType::parse(&bt);
        if business_type.is_none() {
            row.fail(
                "business_type",
                format!("onbekend bedrijfstype {bt:?}; toegestaan: escort, club, prive, raam, thuiswerk, massage, other"),
            );
        }
        let code = row.get("municipality_code").to_string();
        if !gazetteer.has_municipality(&code) {
            row.fail(
                "municipality_code",
                format!("onbekende gemeentecode {code:?}"),
            );
        }
        let mut phones = Vec::new();
        let phone_cell = row.get("phones").to_string();
        for raw in phone_cell
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            match parse_phone(raw) {
                Some(p) if !phones.contains(&p.e164) => phones.push(p.e164),
                Some(_) => {}
                None => row.fail("phones", format!("onleesbaar telefoonnummer {raw:?}")),
            }
        }
        let address = Some(row.get("address").to_string()).filter(|a| !a.is_empty());
        let validity = row.validity();
        let status = row.status();
        if let (
            Some((licence_number, normalized)),
            Some(holder),
            Some(business_type),
            Some((valid_from, valid_until)),
            Some(status),
        ) = (number, holder, business_type, validity, status)
        {
            out.push(Licence {
                licence_number,
                normalized,
                holder,
                business_type,
                municipality_code: code,
                phones,
                address,
                valid_from,
                valid_until,
                status,
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ImportError::Rows(errors))
    }
}

/// Parse and validate a registration register file.
pub fn parse_registrations(file: &str, bytes: &[u8]) -> Result<Vec<Registration>, ImportError> {
    let table = Table::read(file, bytes, &REGISTRATION_COLUMNS)?;
    let mut errors = Vec::new();
    let mut seen = HashMap::new();
    let mut out = Vec::new();
    for (line, rec) in &table.records {
        let mut row = Row {
            file: table.file,
            line: *line,
            rec,
            index: &table.index,
            errors: &mut errors,
        };
        let number = row.number("registration_number", &mut seen);
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
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ImportError::Rows(errors))
    }
}
