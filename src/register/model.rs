//! The register's data: licences with their phones, registrations, and the in-memory
//! [`LicenceRegister`] that the rules match against.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::extract::licence::KnownNumbers;

/// Business types as the register CSV names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BusinessType {
    Escort,
    Club,
    Prive,
    Raam,
    Thuiswerk,
    Massage,
    Other,
}

impl BusinessType {
    pub const ALL: [BusinessType; 7] = [
        BusinessType::Escort,
        BusinessType::Club,
        BusinessType::Prive,
        BusinessType::Raam,
        BusinessType::Thuiswerk,
        BusinessType::Massage,
        BusinessType::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BusinessType::Escort => "escort",
            BusinessType::Club => "club",
            BusinessType::Prive => "prive",
            BusinessType::Raam => "raam",
            BusinessType::Thuiswerk => "thuiswerk",
            BusinessType::Massage => "massage",
            BusinessType::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<BusinessType> {
        BusinessType::ALL.into_iter().find(|b| b.as_str() == s)
    }

    /// Dutch name for explanations and pages.
    pub fn dutch(self) -> &'static str {
        match self {
            BusinessType::Escort => "escortbedrijf",
            BusinessType::Club => "club",
            BusinessType::Prive => "privéhuis",
            BusinessType::Raam => "raamprostitutie",
            BusinessType::Thuiswerk => "thuiswerk",
            BusinessType::Massage => "erotische massagesalon",
            BusinessType::Other => "overig seksbedrijf",
        }
    }
}

/// Status of a licence or registration in the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LicenceStatus {
    Active,
    Suspended,
    Revoked,
    Expired,
}

impl LicenceStatus {
    pub const ALL: [LicenceStatus; 4] = [
        LicenceStatus::Active,
        LicenceStatus::Suspended,
        LicenceStatus::Revoked,
        LicenceStatus::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LicenceStatus::Active => "active",
            LicenceStatus::Suspended => "suspended",
            LicenceStatus::Revoked => "revoked",
            LicenceStatus::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<LicenceStatus> {
        LicenceStatus::ALL.into_iter().find(|b| b.as_str() == s)
    }

    pub fn dutch(self) -> &'static str {
        match self {
            LicenceStatus::Active => "actief",
            LicenceStatus::Suspended => "geschorst",
            LicenceStatus::Revoked => "ingetrokken",
            LicenceStatus::Expired => "verlopen",
        }
    }
}

/// One licence row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Licence {
    pub licence_number: String,
    /// Upper case, letters and digits only: the key every match uses.
    pub normalized: String,
    pub holder: String,
    pub business_type: BusinessType,
    pub municipality_code: String,
    /// E.164 numbers.
    pub phones: Vec<String>,
    pub address: Option<String>,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub status: LicenceStatus,
}

impl Licence {
    /// Valid on `date`: active, and `date` within valid_from..=valid_until.
    pub fn is_valid_on(&self, date: NaiveDate) -> bool {
        self.status == LicenceStatus::Active
            && self.valid_from <= date
            && self.valid_until.is_none_or(|u| date <= u)
    }
}

/// One registration row (no names: data minimisation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub registration_number: String,
    pub normalized: String,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub status: LicenceStatus,
}

/// The newest licence snapshot, indexed for matching.
#[derive(Debug, Default, Clone)]
pub struct LicenceRegister {
    /// The snapshot id every flag records; `None` when no register was imported.
    pub snapshot_id: Option<i64>,
    pub imported_at: Option<String>,
    licences: HashMap<String, Licence>,
    by_phone: HashMap<String, Vec<String>>,
}

impl LicenceRegister {
    pub fn new(
        snapshot_id: Option<i64>,
        imported_at: Option<String>,
        licences: Vec<Licence>,
    ) -> Self {
        let mut by_phone: HashMap<String, Vec<String>> = HashMap::new();
        for l in &licences {
            for p in &l.phones {
                by_phone
                    .entry(p.clone())
                    .or_default()
                    .push(l.normalized.clone());
            }
        }
        LicenceRegister {
            snapshot_id,
            imported_at,
            licences: licences
                .into_iter()
                .map(|l| (l.normalized.clone(), l))
                .collect(),
            by_phone,
        }
    }

    pub fn get(&self, normalized: &str) -> Option<&Licence> {
        self.licences.get(normalized)
    }

    /// Licences on which this E.164 number is registered.
    pub fn licences_with_phone(&self, e164: &str) -> impl Iterator<Item = &Licence> {
        self.by_phone
            .get(e164)
            .into_iter()
            .flatten()
            .filter_map(|n| self.licences.get(n))
    }

    /// Every licence number, prepared for finding unlabelled numbers in ads.
    pub fn numbers(&self) -> KnownNumbers {
        KnownNumbers::new(self.licences.keys())
    }

    pub fn len(&self) -> usize {
        self.licences.len()
    }

    pub fn is_empty(&self) -> bool {
        self.licences.is_empty()
    }
}
