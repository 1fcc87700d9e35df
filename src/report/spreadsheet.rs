//! CSV that is safe to open in a spreadsheet. A cell that starts with `=`, `+`, `-`, `@`,
//! a tab or a carriage return is run as a formula by Excel, LibreOffice and Google Sheets
//! (CSV injection: `=HYPERLINK("http://x","klik")` in an advertiser name becomes a live
//! link, worse formulas reach other cells or, in old versions, the system). As OWASP's
//! CSV-injection guidance says, such a cell gets a leading `'`, which spreadsheets show
//! as text and do not run; the `csv` crate then quotes what needs quoting.
//!
//! Every CSV webwacht writes goes through [`SafeCsvWriter`] (or [`neutralise`] cell by
//! cell). A phone number in E.164 stays readable: `'+31612345678` is shown as the text
//! `+31612345678` instead of the number 31612345678.

use std::borrow::Cow;
use std::io::Write;

/// Characters that make a spreadsheet read a cell as a formula when they come first:
/// OWASP's list, and the full-width forms some spreadsheets treat the same way.
const FORMULA_STARTS: [char; 10] = [
    '=', '+', '-', '@', '\t', '\r', '\u{ff1d}', '\u{ff0b}', '\u{ff0d}', '\u{ff20}',
];

/// `cell` as a spreadsheet will show it but never run: with a leading `'` when it would
/// start a formula, otherwise unchanged.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some(c) if FORMULA_STARTS.contains(&c) => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// A `csv::Writer` that neutralises every cell it writes.
pub struct SafeCsvWriter<W: Write> {
    inner: csv::Writer<W>,
}

impl<W: Write> SafeCsvWriter<W> {
    /// Wrap a writer configured as the file needs (delimiter, BOM, …).
    pub fn new(inner: csv::Writer<W>) -> SafeCsvWriter<W> {
        SafeCsvWriter { inner }
    }

    /// A comma-separated writer with the `csv` crate's defaults.
    pub fn from_writer(w: W) -> SafeCsvWriter<W> {
        SafeCsvWriter::new(csv::Writer::from_writer(w))
    }

    /// Write one record, every cell neutralised.
    pub fn write_record<I, T>(&mut self, record: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        self.inner.write_record(
            record
                .into_iter()
                .map(|cell| neutralise(cell.as_ref()).into_owned()),
        )
    }

    /// Flush and hand back the underlying writer.
    pub fn into_inner(self) -> std::io::Result<W> {
        self.inner.into_inner().map_err(|e| e.into_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_get_a_quote() {
        for (cell, shown) in [
            (
                "=HYPERLINK(\"http://x\",\"klik\")",
                "'=HYPERLINK(\"http://x\",\"klik\")",
            ),
            ("+31612345678", "'+31612345678"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("@SUM(1+1)", "'@SUM(1+1)"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
            ("\u{ff1d}1+1", "'\u{ff1d}1+1"),
        ] {
            assert_eq!(neutralise(cell), shown, "{cell:?}");
        }
    }

    #[test]
    fn other_cells_stay_as_they_are() {
        for cell in [
            "",
            "Lotte",
            "GM0599",
            "7",
            "http://x/=1",
            " =1",
            "'al tekst",
            "06-12345678",
        ] {
            assert!(
                matches!(neutralise(cell), Cow::Borrowed(c) if c == cell),
                "{cell:?}"
            );
        }
    }

    #[test]
    fn the_writer_neutralises_every_cell_and_still_quotes() {
        let mut w = SafeCsvWriter::new(
            csv::WriterBuilder::new()
                .delimiter(b';')
                .from_writer(Vec::new()),
        );
        w.write_record(["=HYPERLINK(\"http://x\",\"klik\")", "+31612345678", "a;b"])
            .unwrap();
        let out = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(
            out,
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"klik\"\")\";'+31612345678;\"a;b\"\n"
        );
        let row = csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(false)
            .from_reader(out.as_bytes())
            .records()
            .next()
            .unwrap()
            .unwrap();
        assert_eq!(&row[0], "'=HYPERLINK(\"http://x\",\"klik\")");
    }
}
