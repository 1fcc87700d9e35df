//! Site files: read `selectors/*.toml` into plain serde structs ([`file`]), compile them
//! into validated [`Site`]s with parsed CSS selectors ([`compile`]), and apply them to
//! listing and ad pages ([`parse`]).

pub mod compile;
pub mod css;
pub mod file;
pub mod parse;

use std::path::{Path, PathBuf};

pub use compile::{Field, Render, Site};
pub use parse::{AdPage, ListingPage};

/// A site file that cannot be used. Every variant names the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SiteError {
    #[error("{file}: kan sitebestand niet lezen: {source}")]
    Read {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error("{file}: {message}")]
    Toml { file: PathBuf, message: String },
    #[error("{file}: {key}: {problem}")]
    Invalid {
        file: PathBuf,
        key: String,
        problem: String,
    },
    #[error("{dir}: kan map met sitebestanden niet lezen: {source}")]
    Dir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("site-id {id:?} komt dubbel voor: {first} en {second}")]
    Duplicate {
        id: String,
        first: PathBuf,
        second: PathBuf,
    },
}

/// Load and compile every `*.toml` in `dir`, sorted by file name. A missing directory
/// gives no sites; any bad file is an error.
pub fn load_dir(dir: &Path) -> Result<Vec<Site>, SiteError> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let entries = std::fs::read_dir(dir).map_err(|source| SiteError::Dir {
        dir: dir.to_path_buf(),
        source,
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut sites: Vec<Site> = Vec::new();
    for path in paths {
        let site = load_file(&path)?;
        if let Some(other) = sites.iter().find(|s| s.id == site.id) {
            return Err(SiteError::Duplicate {
                id: site.id.clone(),
                first: other.file.clone(),
                second: path,
            });
        }
        sites.push(site);
    }
    Ok(sites)
}

/// Load and compile one site file.
pub fn load_file(path: &Path) -> Result<Site, SiteError> {
    let text = std::fs::read_to_string(path).map_err(|source| SiteError::Read {
        file: path.to_path_buf(),
        source,
    })?;
    compile::compile_str(path, &text)
}
