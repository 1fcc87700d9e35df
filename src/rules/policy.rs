//! Municipal policy: what each municipality requires of ads. Read from `policies.toml`;
//! when that file does not exist, the default policy applies everywhere: every ad must
//! show a valid licence number.
//!
//! ```toml
//! [default]
//! licence_number_required = true
//!
//! [municipality.GM0599]            # Rotterdam
//! licence_number_required = true
//! ```

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::BadInput;

/// What one municipality requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Ads of sex businesses and escorts must show their licence number.
    #[serde(default = "yes")]
    pub licence_number_required: bool,
}

fn yes() -> bool {
    true
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            licence_number_required: true,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PoliciesFile {
    #[serde(default)]
    default: Option<Policy>,
    #[serde(default)]
    municipality: HashMap<String, Policy>,
}

/// Every municipality's policy, with the default for the rest.
#[derive(Debug, Clone, Default)]
pub struct Policies {
    pub default: Policy,
    pub by_municipality: HashMap<String, Policy>,
    /// Where the policies came from, for explanations ("standaardbeleid" or the file).
    pub source: Option<String>,
}

impl Policies {
    /// Load `path`; a missing file gives the default policy.
    pub fn load(path: &Path) -> Result<Policies, BadInput> {
        if !path.exists() {
            return Ok(Policies::default());
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| BadInput(format!("{}: kan beleid niet lezen: {e}", path.display())))?;
        let file: PoliciesFile = toml::from_str(&text).map_err(|e| {
            BadInput(format!(
                "{}: ongeldig beleidsbestand: {}",
                path.display(),
                e.message()
            ))
        })?;
        for code in file.municipality.keys() {
            let ok = code.len() == 6
                && code.starts_with("GM")
                && code[2..].chars().all(|c| c.is_ascii_digit());
            if !ok {
                return Err(BadInput(format!(
                    "{}: municipality.{code}: geen gemeentecode (verwacht GMxxxx)",
                    path.display()
                )));
            }
        }
        Ok(Policies {
            default: file.default.unwrap_or_default(),
            by_municipality: file.municipality,
            source: Some(path.display().to_string()),
        })
    }

    pub fn for_municipality(&self, code: Option<&str>) -> Policy {
        code.and_then(|c| self.by_municipality.get(c))
            .copied()
            .unwrap_or(self.default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_gives_default_policy() {
        let p = Policies::load(Path::new("/nonexistent/policies.toml")).unwrap();
        assert!(p.for_municipality(Some("GM0599")).licence_number_required);
    }

    #[test]
    fn municipality_overrides_default() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policies.toml");
        std::fs::write(
            &path,
            "[municipality.GM0613]\nlicence_number_required = false\n",
        )
        .unwrap();
        let p = Policies::load(&path).unwrap();
        assert!(!p.for_municipality(Some("GM0613")).licence_number_required);
        assert!(p.for_municipality(Some("GM0599")).licence_number_required);
    }

    #[test]
    fn unknown_key_and_bad_code_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policies.toml");
        std::fs::write(&path, "[default]\nlicense_required = true\n").unwrap();
        assert!(Policies::load(&path)
            .unwrap_err()
            .0
            .contains("license_required"));
        std::fs::write(&path, "[municipality.Rotterdam]\n").unwrap();
        assert!(Policies::load(&path)
            .unwrap_err()
            .0
            .contains("municipality.Rotterdam"));
    }
}
