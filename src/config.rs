//! One configuration, merged from `webwacht.toml`, `WEBWACHT_*` environment variables and
//! command-line flags, in that order (flags win).
//!
//! Every key is optional; the defaults are the `DEFAULT_*` constants below. An unknown key
//! in the file is an error that names the key and the file.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::BadInput;

pub const DEFAULT_CONFIG_FILE: &str = "./webwacht.toml";
pub const DEFAULT_DATA_DIR: &str = "./data";
pub const DEFAULT_SELECTORS_DIR: &str = "./selectors";
pub const DEFAULT_POLICIES_FILE: &str = "./policies.toml";
pub const DEFAULT_USER_AGENT: &str = "webwacht/0.1 (+https://example.org/contact)";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_DAILY_CRAWL: &str = "03:00";
pub const DEFAULT_WEEKLY_REPORT: &str = "mon 07:00";

/// The file as written: every key optional, unknown keys rejected.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub selectors_dir: Option<PathBuf>,
    pub policies_file: Option<PathBuf>,
    pub user_agent: Option<String>,
    #[serde(default)]
    pub web: FileWeb,
    #[serde(default)]
    pub schedule: FileSchedule,
    #[serde(default)]
    pub report: ReportConfig,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileWeb {
    pub bind: Option<String>,
    /// The address people reach the UI at (behind the reverse proxy), for links in mail.
    pub public_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSchedule {
    pub daily_crawl: Option<String>,
    pub weekly_report: Option<String>,
}

/// `[report]`: where the weekly lists go.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportConfig {
    /// `smtp://host:port` (STARTTLS when offered) or `smtps://host:port`.
    pub smtp_url: Option<String>,
    /// The sender address of the notices.
    pub from: Option<String>,
    /// Attach the XLSX and PDF to the notice (default: no personal data in the mail).
    #[serde(default)]
    pub attach: bool,
    /// Per municipality (`GMxxxx`) the addresses that get its list; a municipality
    /// listed here gets a list every week, an empty one included.
    #[serde(default)]
    pub recipients: std::collections::BTreeMap<String, Vec<String>>,
}

/// Values given on the command line; `None` means "not given".
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub selectors_dir: Option<PathBuf>,
    pub policies_file: Option<PathBuf>,
    pub user_agent: Option<String>,
    pub bind: Option<String>,
}

/// The merged configuration every command works with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub selectors_dir: PathBuf,
    pub policies_file: PathBuf,
    pub user_agent: String,
    pub bind: String,
    /// The UI's address for links in mail; default `http://<bind>`.
    pub public_url: String,
    pub daily_crawl: String,
    pub weekly_report: String,
    pub report: ReportConfig,
}

impl Config {
    /// Load the file (`path`, or `./webwacht.toml` when it exists), then apply the
    /// environment (`env` yields `(name, value)` pairs) and the flags.
    pub fn load(
        path: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
        flags: &Overrides,
    ) -> Result<Config, BadInput> {
        let file = match path {
            Some(p) => read_file(p)?,
            None if Path::new(DEFAULT_CONFIG_FILE).exists() => {
                read_file(Path::new(DEFAULT_CONFIG_FILE))?
            }
            None => FileConfig::default(),
        };
        let mut cfg = Layer::from_file(file);
        cfg.apply_env(env);
        cfg.apply_flags(flags);
        Ok(cfg.finish())
    }

    /// A configuration rooted in `data_dir` with every other key at its default; used by
    /// `webwacht demo` and tests, which never touch the user's database.
    pub fn for_data_dir(data_dir: &Path) -> Config {
        let mut layer = Layer::from_file(FileConfig::default());
        layer.data_dir = Some(data_dir.to_path_buf());
        layer.finish()
    }

    /// Directory for evidence (WARC files).
    pub fn evidence_dir(&self) -> PathBuf {
        self.data_dir.join("evidence")
    }
}

fn read_file(path: &Path) -> Result<FileConfig, BadInput> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        BadInput(format!(
            "{}: kan configuratie niet lezen: {e}",
            path.display()
        ))
    })?;
    let file: FileConfig = toml::from_str(&text).map_err(|e| {
        BadInput(format!(
            "{}: ongeldige configuratie: {}",
            path.display(),
            e.message()
        ))
    })?;
    check_recipients(&file.report)
        .map_err(|why| BadInput(format!("{}: [report.recipients]: {why}", path.display())))?;
    Ok(file)
}

/// Every key a CBS code (`GM` and four digits), every address with one `@` and no spaces.
fn check_recipients(r: &ReportConfig) -> Result<(), String> {
    for (code, addresses) in &r.recipients {
        let digits = code.strip_prefix("GM").unwrap_or("");
        if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("{code:?} is geen CBS-gemeentecode (GMxxxx)"));
        }
        for a in addresses {
            let ok = a.matches('@').count() == 1
                && !a.starts_with('@')
                && !a.ends_with('@')
                && !a.chars().any(|c| c.is_whitespace() || c.is_control());
            if !ok {
                return Err(format!("{code}: {a:?} is geen e-mailadres"));
            }
        }
    }
    Ok(())
}

/// The merge in progress: file values, overwritten by env, overwritten by flags.
struct Layer {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    selectors_dir: Option<PathBuf>,
    policies_file: Option<PathBuf>,
    user_agent: Option<String>,
    bind: Option<String>,
    public_url: Option<String>,
    daily_crawl: Option<String>,
    weekly_report: Option<String>,
    report: ReportConfig,
}

impl Layer {
    fn from_file(f: FileConfig) -> Layer {
        Layer {
            data_dir: f.data_dir,
            database_url: f.database_url,
            selectors_dir: f.selectors_dir,
            policies_file: f.policies_file,
            user_agent: f.user_agent,
            bind: f.web.bind,
            public_url: f.web.public_url,
            daily_crawl: f.schedule.daily_crawl,
            weekly_report: f.schedule.weekly_report,
            report: f.report,
        }
    }

    fn apply_env(&mut self, env: impl IntoIterator<Item = (String, String)>) {
        for (key, value) in env {
            match key.as_str() {
                "WEBWACHT_DATA_DIR" => self.data_dir = Some(value.into()),
                "WEBWACHT_DATABASE_URL" => self.database_url = Some(value),
                "WEBWACHT_SELECTORS_DIR" => self.selectors_dir = Some(value.into()),
                "WEBWACHT_POLICIES_FILE" => self.policies_file = Some(value.into()),
                "WEBWACHT_USER_AGENT" => self.user_agent = Some(value),
                "WEBWACHT_WEB_BIND" | "WEBWACHT_BIND" => self.bind = Some(value),
                "WEBWACHT_SCHEDULE_DAILY_CRAWL" => self.daily_crawl = Some(value),
                "WEBWACHT_SCHEDULE_WEEKLY_REPORT" => self.weekly_report = Some(value),
                _ => {}
            }
        }
    }

    fn apply_flags(&mut self, o: &Overrides) {
        fn set<T: Clone>(slot: &mut Option<T>, v: &Option<T>) {
            if v.is_some() {
                slot.clone_from(v);
            }
        }
        set(&mut self.data_dir, &o.data_dir);
        set(&mut self.database_url, &o.database_url);
        set(&mut self.selectors_dir, &o.selectors_dir);
        set(&mut self.policies_file, &o.policies_file);
        set(&mut self.user_agent, &o.user_agent);
        set(&mut self.bind, &o.bind);
    }

    fn finish(self) -> Config {
        let data_dir = self.data_dir.unwrap_or_else(|| DEFAULT_DATA_DIR.into());
        let database_url = self
            .database_url
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("webwacht.db").display()));
        Config {
            database_url,
            data_dir,
            selectors_dir: self
                .selectors_dir
                .unwrap_or_else(|| DEFAULT_SELECTORS_DIR.into()),
            policies_file: self
                .policies_file
                .unwrap_or_else(|| DEFAULT_POLICIES_FILE.into()),
            user_agent: self.user_agent.unwrap_or_else(|| DEFAULT_USER_AGENT.into()),
            public_url: self.public_url.unwrap_or_else(|| {
                format!("http://{}", self.bind.as_deref().unwrap_or(DEFAULT_BIND))
            }),
            bind: self.bind.unwrap_or_else(|| DEFAULT_BIND.into()),
            daily_crawl: self
                .daily_crawl
                .unwrap_or_else(|| DEFAULT_DAILY_CRAWL.into()),
            weekly_report: self
                .weekly_report
                .unwrap_or_else(|| DEFAULT_WEEKLY_REPORT.into()),
            report: self.report,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, text: &str) -> PathBuf {
        let p = dir.join("webwacht.toml");
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn defaults_derive_database_from_data_dir() {
        let cfg = Config::for_data_dir(Path::new("/tmp/x"));
        assert_eq!(cfg.database_url, "sqlite:///tmp/x/webwacht.db");
        assert_eq!(cfg.user_agent, DEFAULT_USER_AGENT);
    }

    #[test]
    fn flags_win_over_env_over_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "data_dir = \"/file\"\nuser_agent = \"file-ua\"\n[web]\nbind = \"127.0.0.1:1\"\n",
        );
        let env = vec![
            ("WEBWACHT_DATA_DIR".to_string(), "/env".to_string()),
            ("WEBWACHT_WEB_BIND".to_string(), "127.0.0.1:2".to_string()),
        ];
        let flags = Overrides {
            data_dir: Some("/flag".into()),
            ..Default::default()
        };
        let cfg = Config::load(Some(&p), env, &flags).unwrap();
        assert_eq!(cfg.data_dir, PathBuf::from("/flag"));
        assert_eq!(cfg.bind, "127.0.0.1:2");
        assert_eq!(cfg.user_agent, "file-ua");
    }

    #[test]
    fn unknown_key_names_key_and_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "data_dir = \"x\"\n[web]\nbnid = \"x\"\n");
        let err = Config::load(Some(&p), vec![], &Overrides::default()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("bnid"), "{msg}");
        assert!(msg.contains("webwacht.toml"), "{msg}");
    }
}
