//! Extraction quality: run the extractor over a labelled JSONL corpus and score it.
//!
//! One ad per line: `{"id", "class", "text", "phones", "obfuscated", "licence_numbers",
//! "municipality_code", "negative"}` (see `tools/make_extraction_corpus.py`). Only `text`
//! is required; a missing label key means the ad is not labelled for that metric, while
//! `"municipality_code": null` is a label (no Dutch municipality expected).

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::time::{Duration, Instant};

use serde::{Deserialize, Deserializer, Serialize};

use super::{licence, Extraction, Extractor};

/// Why a corpus could not be evaluated. Every variant names the file (and line).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    #[error("{file}:{line}: niet te lezen: {source}")]
    Read {
        file: String,
        line: u64,
        source: std::io::Error,
    },
    #[error("{file}:{line}: ongeldige regel: {message}")]
    BadLine {
        file: String,
        line: u64,
        message: String,
    },
    #[error("{file}: bevat geen advertenties")]
    Empty { file: String },
}

/// One labelled ad as it stands on its line.
#[derive(Deserialize)]
struct LabelledAd {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    class: Option<String>,
    text: String,
    phones: Option<Vec<String>>,
    obfuscated: Option<Vec<String>>,
    licence_numbers: Option<Vec<String>>,
    /// Outer `None`: key missing (not labelled); `Some(None)`: labelled `null`.
    #[serde(default, deserialize_with = "present")]
    municipality_code: Option<Option<String>>,
    #[serde(default)]
    negative: bool,
}

fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// Precision and recall of one kind of item (phones, licence numbers) over sets per ad.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SetScore {
    /// Ads labelled for this metric.
    pub ads: u64,
    pub true_positives: u64,
    pub false_positives: u64,
    pub false_negatives: u64,
    /// `None` when nothing was predicted.
    pub precision: Option<f64>,
    /// `None` when nothing was expected.
    pub recall: Option<f64>,
}

impl SetScore {
    fn add(&mut self, expected: &BTreeSet<String>, got: &BTreeSet<String>) {
        self.ads += 1;
        self.true_positives += expected.intersection(got).count() as u64;
        self.false_positives += got.difference(expected).count() as u64;
        self.false_negatives += expected.difference(got).count() as u64;
        self.precision = ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        );
        self.recall = ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        );
    }
}

/// A share of correct answers (municipality, obfuscated flag).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Accuracy {
    pub checked: u64,
    pub correct: u64,
    /// `None` when nothing was checked.
    pub accuracy: Option<f64>,
}

impl Accuracy {
    fn add(&mut self, correct: bool) {
        self.checked += 1;
        self.correct += u64::from(correct);
        self.accuracy = ratio(self.correct, self.checked);
    }
}

fn ratio(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// Hard negatives (ads with no phone at all) and how many got a phone anyway.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Negatives {
    pub ads: u64,
    pub with_phone: u64,
}

/// Which metric a mistake belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    Phone,
    Obfuscated,
    LicenceNumber,
    Municipality,
}

impl Metric {
    fn dutch(self) -> &'static str {
        match self {
            Metric::Phone => "telefoon",
            Metric::Obfuscated => "verhuld",
            Metric::LicenceNumber => "vergunning",
            Metric::Municipality => "gemeente",
        }
    }
}

/// One ad where a metric went wrong: what was expected and what was found (whole sets).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mistake {
    pub id: String,
    pub class: String,
    pub metric: Metric,
    pub expected: Vec<String>,
    pub got: Vec<String>,
}

/// The scores of one corpus.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    /// The corpus name as given (usually its path).
    pub source: String,
    pub ads: u64,
    pub phones: SetScore,
    /// Phone scores per `class` of ad.
    pub phones_by_class: BTreeMap<String, SetScore>,
    /// Phone scores per kind of number, read from the E.164 form alone (see
    /// [`kind_of`]): `nl_mobile`, `nl_fixed`, `nl_other`, `intl`.
    pub phones_by_kind: BTreeMap<String, SetScore>,
    /// Over true-positive phones: predicted `obfuscated` against the label.
    pub obfuscated: Accuracy,
    pub licence_numbers: SetScore,
    /// Municipality of the first place found, against the label.
    pub municipality: Accuracy,
    pub negatives: Negatives,
    /// Bytes of ad text (as given) and the time spent extracting them.
    pub bytes: u64,
    pub seconds: f64,
    pub bytes_per_second: Option<f64>,
    /// Expected items that were not found (and wrong municipalities). Left out of the
    /// JSON when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub misses: Vec<Mistake>,
    /// Items found that were not expected.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub false_positives: Vec<Mistake>,
}

/// Run `extractor.document` on every ad of a JSONL corpus and score the results. `name`
/// is used in errors (`name:line`) and in the report. Blank lines are skipped.
pub fn evaluate(
    lines: impl BufRead,
    name: &str,
    extractor: &Extractor,
) -> Result<Report, EvalError> {
    let mut report = Report {
        source: name.to_string(),
        ..Report::default()
    };
    let mut spent = Duration::ZERO;
    for (i, line) in lines.lines().enumerate() {
        let (file, line_no) = (name.to_string(), i as u64 + 1);
        let line = line.map_err(|source| EvalError::Read {
            file: file.clone(),
            line: line_no,
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |message| EvalError::BadLine {
            file,
            line: line_no,
            message,
        };
        let ad: LabelledAd = match serde_json::from_str(&line) {
            Ok(ad) => check_labels(ad).map_err(bad)?,
            Err(e) => return Err(bad(e.to_string())),
        };
        let started = Instant::now();
        let extraction = extractor.document(None, &ad.text);
        spent += started.elapsed();
        report.score(&ad, &extraction, line_no);
    }
    if report.ads == 0 {
        return Err(EvalError::Empty {
            file: name.to_string(),
        });
    }
    report.seconds = spent.as_secs_f64();
    report.bytes_per_second = (report.seconds > 0.0).then(|| report.bytes as f64 / report.seconds);
    Ok(report)
}

/// (is a miss, metric, expected, got) for one ad.
type Wrong = (bool, Metric, Vec<String>, Vec<String>);

impl Report {
    fn score(&mut self, ad: &LabelledAd, got: &Extraction, line_no: u64) {
        self.ads += 1;
        self.bytes += ad.text.len() as u64;
        let class = ad.class.clone().unwrap_or_else(|| "-".to_string());
        let mut wrong: Vec<Wrong> = Vec::new();
        let got_phones: BTreeSet<String> = got.phones.iter().map(|p| p.e164.clone()).collect();
        if ad.negative {
            self.negatives.ads += 1;
            self.negatives.with_phone += u64::from(!got_phones.is_empty());
        }
        if let Some(phones) = &ad.phones {
            let expected: BTreeSet<String> = phones.iter().cloned().collect();
            let by_class = self.phones_by_class.entry(class.clone()).or_default();
            by_class.add(&expected, &got_phones);
            for kind in ["nl_mobile", "nl_fixed", "nl_other", "intl"] {
                let of_kind = |s: &BTreeSet<String>| -> BTreeSet<String> {
                    s.iter().filter(|p| kind_of(p) == kind).cloned().collect()
                };
                let (e, g) = (of_kind(&expected), of_kind(&got_phones));
                if !e.is_empty() || !g.is_empty() {
                    self.phones_by_kind
                        .entry(kind.to_string())
                        .or_default()
                        .add(&e, &g);
                }
            }
            self.phones.add(&expected, &got_phones);
            compare(Metric::Phone, &expected, &got_phones, &mut wrong);
            for p in got.phones.iter().filter(|p| expected.contains(&p.e164)) {
                let Some(labelled) = ad.obfuscated.as_ref().map(|o| o.contains(&p.e164)) else {
                    continue;
                };
                self.obfuscated.add(labelled == p.obfuscated);
                let flagged = |on: bool| on.then(|| p.e164.clone()).into_iter().collect();
                if labelled != p.obfuscated {
                    let (e, g) = (flagged(labelled), flagged(p.obfuscated));
                    wrong.push((labelled, Metric::Obfuscated, e, g));
                }
            }
        }
        if let Some(numbers) = &ad.licence_numbers {
            let expected = numbers.iter().map(|n| licence::normalize(n)).collect();
            let found = got
                .licence_numbers
                .iter()
                .map(|n| n.normalized.clone())
                .collect();
            self.licence_numbers.add(&expected, &found);
            compare(Metric::LicenceNumber, &expected, &found, &mut wrong);
        }
        if let Some(expected) = &ad.municipality_code {
            let found = got.places.first().and_then(|p| p.municipality_code.clone());
            self.municipality.add(*expected == found);
            if *expected != found {
                let list = |c: &Option<String>| c.iter().cloned().collect();
                let miss = expected.is_some();
                wrong.push((miss, Metric::Municipality, list(expected), list(&found)));
            }
        }
        let id = match &ad.id {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => format!("regel {line_no}"),
        };
        for (miss, metric, expected, got) in wrong {
            let list = if miss {
                &mut self.misses
            } else {
                &mut self.false_positives
            };
            let (id, class) = (id.clone(), class.clone());
            list.push(Mistake {
                id,
                class,
                metric,
                expected,
                got,
            });
        }
    }
}

/// The kind of a phone number from its E.164 form, without the extractor: a Dutch mobile
/// (`+316…`), a Dutch geographic fixed line (`+31` and 1–5 or 7), another Dutch number
/// (085/088/091, 0800, 090x, 097) or an international one.
pub fn kind_of(e164: &str) -> &'static str {
    match e164.strip_prefix("+31").map(str::as_bytes) {
        Some([b'6', ..]) => "nl_mobile",
        Some([b'1'..=b'5' | b'7', ..]) => "nl_fixed",
        Some(_) => "nl_other",
        None => "intl",
    }
}

/// Note a miss and/or a false positive when the sets differ.
fn compare(
    metric: Metric,
    expected: &BTreeSet<String>,
    got: &BTreeSet<String>,
    wrong: &mut Vec<Wrong>,
) {
    let sorted = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>();
    for (miss, differs) in [
        (true, !expected.is_subset(got)),
        (false, !got.is_subset(expected)),
    ] {
        if differs {
            wrong.push((miss, metric, sorted(expected), sorted(got)));
        }
    }
}

/// Labels that contradict each other are a corpus bug, not an extraction miss. A hard
/// negative without a `phones` key is labelled "no phones".
fn check_labels(mut ad: LabelledAd) -> Result<LabelledAd, String> {
    if ad.negative {
        if let Some(p) = ad.phones.get_or_insert_with(Vec::new).first() {
            return Err(format!("\"negative\": true maar \"phones\" noemt {p}"));
        }
    }
    let phones = ad.phones.as_deref().unwrap_or_default();
    if let Some(p) = ad.obfuscated.iter().flatten().find(|p| !phones.contains(p)) {
        return Err(format!(
            "\"obfuscated\" noemt {p}, dat niet in \"phones\" staat"
        ));
    }
    Ok(ad)
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "n.v.t.".to_string(), |x| format!("{:.1}%", x * 100.0))
}

fn set_line(s: &SetScore) -> String {
    format!(
        "precisie {} ({}/{}), recall {} ({}/{}), {} advertenties",
        pct(s.precision),
        s.true_positives,
        s.true_positives + s.false_positives,
        pct(s.recall),
        s.true_positives,
        s.true_positives + s.false_negatives,
        s.ads
    )
}

fn accuracy_line(a: &Accuracy) -> String {
    format!("{} ({}/{})", pct(a.accuracy), a.correct, a.checked)
}

impl Report {
    /// The scores in Dutch, for people.
    pub fn to_text(&self) -> String {
        let classes: String = self
            .phones_by_class
            .iter()
            .map(|(class, s)| format!("  {class:<28} {}\n", set_line(s)))
            .collect();
        let kinds: String = self
            .phones_by_kind
            .iter()
            .map(|(kind, s)| format!("  soort {kind:<22} {}\n", set_line(s)))
            .collect();
        format!(
            "Extractiekwaliteit: {} ({} advertenties)\n\n\
             telefoonnummers   {}\n{kinds}{classes}\
             verhuld-vlag      juist {}\n\
             vergunningnummers {}\n\
             gemeente          juist {}\n\
             harde negatieven  {} van {} met een telefoonnummer (fout-positief)\n\
             doorvoer          {:.2} MB/s ({} bytes in {:.3} s, ter informatie)\n\n\
             {} gemist, {} fout-positief (details met --verbose)\n",
            self.source,
            self.ads,
            set_line(&self.phones),
            accuracy_line(&self.obfuscated),
            set_line(&self.licence_numbers),
            accuracy_line(&self.municipality),
            self.negatives.with_phone,
            self.negatives.ads,
            self.bytes_per_second.unwrap_or(0.0) / 1e6,
            self.bytes,
            self.seconds,
            self.misses.len(),
            self.false_positives.len()
        )
    }

    /// Every miss and false positive, one line each, in Dutch.
    pub fn mistakes_text(&self) -> String {
        let mut out = String::new();
        for (title, list) in [
            ("Gemist", &self.misses),
            ("Fout-positief", &self.false_positives),
        ] {
            out += &format!("{title} ({}):\n", list.len());
            for m in list {
                out += &format!(
                    "  {} [{}] {}: verwacht [{}], gevonden [{}]\n",
                    m.id,
                    m.class,
                    m.metric.dutch(),
                    m.expected.join(", "),
                    m.got.join(", ")
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::extract::Gazetteer;

    fn run(jsonl: &str, known: &[&str]) -> Result<Report, EvalError> {
        let known = super::licence::KnownNumbers::new(known);
        let extractor = Extractor {
            gazetteer: Gazetteer::embedded(),
            known_numbers: &known,
        };
        evaluate(jsonl.as_bytes(), "mini.jsonl", &extractor)
    }

    const MINI: &str = concat!(
        r#"{"id":"a","class":"plain","text":"Bel 06-12345678 of 06-87654321, vergunningnummer ESC-2024-0153 (ook esc 2024 9999). Rotterdam","phones":["+31612345678"],"obfuscated":[],"licence_numbers":["ESC20240153","ESC20249999"],"municipality_code":"GM0599"}"#,
        "\n\n",
        r#"{"id":"b","class":"plain","text":"Bel 0611223344, in Utrecht","phones":["+31611223344"],"obfuscated":["+31611223344"],"municipality_code":null}"#,
        "\n",
        r#"{"id":"c","class":"neg","text":"Geen nummer, wel 12 euro en 1234 AB.","phones":[],"negative":true,"municipality_code":null}"#,
        "\n",
    );

    #[test]
    fn scores_are_exact_counts() {
        let r = run(MINI, &[]).unwrap();
        assert_eq!(r.ads, 3);
        // a: 1 TP, 1 FP (06-87654321); b: 1 TP; c: nothing.
        assert_eq!(
            (
                r.phones.true_positives,
                r.phones.false_positives,
                r.phones.false_negatives
            ),
            (2, 1, 0)
        );
        assert_eq!(r.phones.precision, Some(2.0 / 3.0));
        assert_eq!(r.phones.recall, Some(1.0));
        assert_eq!(r.phones_by_class["plain"].ads, 2);
        assert_eq!(r.phones_by_class["neg"].precision, None);
        // b's number is labelled obfuscated but written plainly: 1 of 2 right.
        assert_eq!((r.obfuscated.checked, r.obfuscated.correct), (2, 1));
        // Only a is labelled for licence numbers: 1 of 2 found, none spurious.
        assert_eq!(r.licence_numbers.ads, 1);
        assert_eq!(r.licence_numbers.recall, Some(0.5));
        assert_eq!(r.licence_numbers.precision, Some(1.0));
        // a right (Rotterdam), b wrong (Utrecht found, null expected), c right.
        assert_eq!((r.municipality.checked, r.municipality.correct), (3, 2));
        assert_eq!((r.negatives.ads, r.negatives.with_phone), (1, 0));
        assert!(r.bytes > 100 && r.bytes_per_second.is_some());
        fn metrics(v: &[Mistake]) -> Vec<(&str, Metric)> {
            v.iter().map(|m| (m.id.as_str(), m.metric)).collect()
        }
        assert_eq!(
            metrics(&r.misses),
            [("a", Metric::LicenceNumber), ("b", Metric::Obfuscated)]
        );
        assert_eq!(
            metrics(&r.false_positives),
            [("a", Metric::Phone), ("b", Metric::Municipality)]
        );
        assert!(
            r.to_text().contains("precisie 66.7% (2/3)"),
            "{}",
            r.to_text()
        );
        assert!(r.mistakes_text().contains(
            "a [plain] vergunning: verwacht [ESC20240153, ESC20249999], gevonden [ESC20240153]"
        ));
    }

    #[test]
    fn known_register_numbers_count_without_a_label() {
        let r = run(MINI, &["ESC20249999"]).unwrap();
        assert_eq!(r.licence_numbers.recall, Some(1.0));
    }

    #[test]
    fn hard_negative_with_a_phone_is_counted() {
        // No "phones" key: a hard negative is labelled "no phones".
        let line = r#"{"id":"n","text":"Kamer 0612345678 te huur","negative":true}"#;
        let r = run(line, &[]).unwrap();
        assert_eq!((r.negatives.ads, r.negatives.with_phone), (1, 1));
        assert_eq!(r.phones.precision, Some(0.0));
        assert_eq!(r.phones.recall, None);
        assert_eq!(r.municipality.checked, 0);
    }

    #[test]
    fn bad_line_names_file_and_line() {
        let input = format!("{}\n\n{{\"id\":\"x\"}}\n", MINI.lines().next().unwrap());
        let err = run(&input, &[]).unwrap_err();
        assert!(err.to_string().starts_with("mini.jsonl:3: "), "{err}");
        let input = r#"{"text":"x","phones":[],"obfuscated":["+31612345678"]}"#;
        let err = run(input, &[]).unwrap_err();
        assert!(err.to_string().starts_with("mini.jsonl:1: "), "{err}");
        assert!(matches!(run("\n", &[]), Err(EvalError::Empty { .. })));
    }
}
