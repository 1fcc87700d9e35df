//! The weekly lists to the municipalities (`webwacht report weekly`): every confirmed
//! signal of a municipality's territory, on no list yet and confirmed before the week
//! ended, goes on that municipality's list of the week and moves `confirmed -> reported`.
//!
//! A list is frozen when made: its content (every value its files show) is stored with
//! it, and its CSV, XLSX and PDF ([`table`], [`pdf`]) are written from that content
//! alone, so running the same week again writes the same bytes and moves nothing. The
//! files go to `<data_dir>/reports/<GMxxxx>/<YYYY>-W<ww>.{csv,xlsx,pdf}`; the database
//! holds each file's SHA-256.

pub mod model;
pub mod pdf;
pub mod send;
pub mod table;
pub mod week;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::error::BadInput;
use crate::rules::Rule;
use crate::store::{lists, timestamp, Store};
use model::{IsoWeek, WeeklyList};

/// What to make.
#[derive(Debug, Clone)]
pub struct Request {
    pub week: IsoWeek,
    /// Only this municipality (`GMxxxx`); otherwise every municipality with something
    /// due, and every one in `recipients`.
    pub municipality: Option<String>,
    /// Per municipality the addresses that get its list by mail (`[report.recipients]`);
    /// these municipalities get a list every week, an empty one included.
    pub recipients: std::collections::BTreeMap<String, Vec<String>>,
    pub dry_run: bool,
}

/// What happened to one municipality's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub municipality_code: String,
    pub week: IsoWeek,
    pub list_id: Option<i64>,
    pub signals: usize,
    /// Made by this run (false: it existed, or a dry run).
    pub made: bool,
    /// The files, relative to the data directory (none for a dry run).
    pub files: Vec<PathBuf>,
}

/// The kinds of file of a list, in the order they are written.
pub const KINDS: [&str; 3] = ["csv", "xlsx", "pdf"];

/// Refuse a week that has not begun yet (bad usage); the current week may be listed.
pub fn check_week(week: IsoWeek, now: DateTime<Utc>) -> Result<(), BadInput> {
    if week.start() > now {
        return Err(BadInput(format!(
            "week {week} ligt in de toekomst (die begint op {}); kies een week die begonnen is",
            week.monday()
        )));
    }
    Ok(())
}

/// Make (or find, and write again where a file is missing) the lists `req` asks for.
pub async fn run(
    store: &Store,
    data_dir: &Path,
    now: DateTime<Utc>,
    req: &Request,
) -> anyhow::Result<Vec<Outcome>> {
    check_week(req.week, now)?;
    let codes: Vec<String> = match &req.municipality {
        Some(code) => {
            if lists::municipality_name(store, code).await?.is_none() {
                return Err(BadInput(format!(
                    "gemeente {code}: onbekende CBS-code (verwacht GMxxxx, zie webwacht places)"
                ))
                .into());
            }
            vec![code.clone()]
        }
        None => {
            let mut all: BTreeSet<String> = lists::municipalities_with_due(store)
                .await?
                .into_iter()
                .collect();
            all.extend(req.recipients.keys().cloned());
            all.into_iter().collect()
        }
    };
    let mut out = Vec::new();
    for code in codes {
        let outcome = one(store, data_dir, now, req, &code)
            .await
            .with_context(|| format!("weeklijst {} van {code}", req.week))?;
        if let Some(o) = outcome {
            out.push(o);
        }
    }
    Ok(out)
}

async fn one(
    store: &Store,
    data_dir: &Path,
    now: DateTime<Utc>,
    req: &Request,
    code: &str,
) -> anyhow::Result<Option<Outcome>> {
    let week = req.week;
    if let Some(stored) = lists::find(store, code, &week.to_string()).await? {
        let list: WeeklyList = serde_json::from_str(&stored.content)
            .with_context(|| format!("de opgeslagen lijst {} is onleesbaar", stored.id))?;
        let files = if req.dry_run {
            Vec::new()
        } else {
            write_files(store, data_dir, stored.id, &list).await?
        };
        return Ok(Some(Outcome {
            municipality_code: code.to_string(),
            week,
            list_id: Some(stored.id),
            signals: list.rows.len(),
            made: false,
            files,
        }));
    }
    let mut rows = lists::due(store, code, &timestamp(week.end())).await?;
    if rows.is_empty()
        && !req.recipients.contains_key(code)
        && req.municipality.as_deref() != Some(code)
    {
        return Ok(None);
    }
    for r in &mut rows {
        r.rule_title =
            Rule::parse(&r.rule).map_or_else(|| r.rule.clone(), |x| capitalise(x.title()));
    }
    let name = lists::municipality_name(store, code)
        .await?
        .unwrap_or_default();
    let list = WeeklyList {
        municipality_code: code.to_string(),
        municipality_name: name,
        week,
        week_start: week.monday().to_string(),
        week_end: week.sunday().to_string(),
        made_at: week::amsterdam_rfc3339(now),
        rows,
    };
    if req.dry_run {
        return Ok(Some(Outcome {
            municipality_code: code.to_string(),
            week,
            list_id: None,
            signals: list.rows.len(),
            made: false,
            files: Vec::new(),
        }));
    }
    let content = serde_json::to_string(&list)?;
    let flag_ids: Vec<i64> = list.rows.iter().map(|r| r.signal).collect();
    let id = lists::make(
        store,
        &lists::NewList {
            municipality_code: code,
            week: &week.to_string(),
            made_at: &list.made_at,
            content: &content,
            flag_ids: &flag_ids,
            recipients: req.recipients.get(code).map_or(&[], |v| v.as_slice()),
            at: &timestamp(now),
        },
    )
    .await?;
    let files = write_files(store, data_dir, id, &list).await?;
    Ok(Some(Outcome {
        municipality_code: code.to_string(),
        week,
        list_id: Some(id),
        signals: list.rows.len(),
        made: true,
        files,
    }))
}

/// "geen vergunningnummer" → "Geen vergunningnummer".
fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The bytes of one kind of file of a list.
pub fn render(list: &WeeklyList, kind: &str) -> anyhow::Result<Vec<u8>> {
    Ok(match kind {
        "csv" => table::csv(list),
        "xlsx" => table::xlsx(list).context("XLSX schrijven")?,
        "pdf" => pdf::render(list),
        other => anyhow::bail!("onbekend bestandstype {other}"),
    })
}

/// `reports/GM0599/2026-W48.csv`, relative to the data directory.
pub fn relative_path(code: &str, week: IsoWeek, kind: &str) -> PathBuf {
    Path::new("reports")
        .join(code)
        .join(format!("{week}.{kind}"))
}

/// Write the files of a list (atomically: a temporary file, fsync, rename) and record
/// their SHA-256. A file already there with the recorded hash is left alone; the bytes
/// are the same anyway, as the list is frozen.
async fn write_files(
    store: &Store,
    data_dir: &Path,
    list_id: i64,
    list: &WeeklyList,
) -> anyhow::Result<Vec<PathBuf>> {
    let recorded = lists::files(store, list_id).await?;
    let mut out = Vec::new();
    for kind in KINDS {
        let rel = relative_path(&list.municipality_code, list.week, kind);
        let path = data_dir.join(&rel);
        let bytes = render(list, kind)?;
        let sha = hex::encode(Sha256::digest(&bytes));
        if let Some(r) = recorded.iter().find(|r| r.kind == kind) {
            if r.sha256 != sha {
                anyhow::bail!(
                    "{}: opnieuw geschreven geeft andere inhoud (SHA-256 {sha}) dan vastgelegd ({}); \
                     is webwacht bijgewerkt sinds de lijst gemaakt is?",
                    rel.display(),
                    r.sha256
                );
            }
        }
        let on_disk = std::fs::read(&path).ok();
        if on_disk.as_deref() != Some(bytes.as_slice()) {
            write_atomically(&path, &bytes)
                .with_context(|| format!("{} schrijven", path.display()))?;
        }
        lists::record_file(
            store,
            list_id,
            &lists::StoredFile {
                kind: kind.to_string(),
                path: rel.to_string_lossy().into_owned(),
                sha256: sha,
                size: bytes.len() as i64,
            },
        )
        .await?;
        out.push(rel);
    }
    Ok(out)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = path.with_extension("tmp");
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
