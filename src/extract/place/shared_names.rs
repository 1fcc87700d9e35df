//! Places that share a name (`Rozenburg`: a village of Rotterdam and a business park in
//! Haarlemmermeer): which one an ad means, from its context, else from a prior.
//!
//! The candidates of a name are the `places.csv` rows with that name in different
//! municipalities (municipality names and aliases are never ambiguous: they win, see the
//! module header of [`super`]). For each shared name found in an ad the candidate closest
//! to the ad's other evidence wins: the municipalities of the other places in the ad and of
//! the area codes of its fixed-line phones (`010` → Rotterdam). Closest means the same
//! municipality, else the same safety region (veiligheidsregio), else the same province.
//! Without such evidence the prior holds: the candidate in `gazetteer/ambiguous_places.csv`
//! (the most populous, from GeoNames, hand-checked), or else the first row of `places.csv`.
//!
//! The tables (`regions.csv`, `area_codes.csv`, `ambiguous_places.csv`) are built by
//! `tools/build_place_context.py`; their sources are in `gazetteer/README.md`.

use rustc_hash::FxHashMap;
use serde::Deserialize;

const REGIONS_CSV: &str = include_str!("../../../gazetteer/regions.csv");
const AREA_CODES_CSV: &str = include_str!("../../../gazetteer/area_codes.csv");
const PRIORS_CSV: &str = include_str!("../../../gazetteer/ambiguous_places.csv");

/// Province of each safety region `VR01`..`VR25` (each region lies in one province).
const PROVINCE_OF_REGION: [&str; 25] = [
    "GR", "FR", "DR", "OV", "OV", "GE", "GE", "GE", "UT", "NH", "NH", "NH", "NH", "NH", "ZH", "ZH",
    "ZH", "ZH", "ZE", "NB", "NB", "NB", "LI", "LI", "FL",
];

fn read<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Vec<T> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .unwrap_or_else(|e| panic!("embedded gazetteer/{what} is malformed: {e}"))
}

/// The prior of each shared name: `(name, municipality code)` from
/// `gazetteer/ambiguous_places.csv`.
pub(super) fn priors() -> Vec<(String, String)> {
    #[derive(Deserialize)]
    struct Row {
        name: String,
        municipality_code: String,
    }
    read::<Row>(PRIORS_CSV, "ambiguous_places.csv")
        .into_iter()
        .map(|r| (r.name, r.municipality_code))
        .collect()
}

/// Where municipalities lie: safety region and province by code, and the municipality each
/// fixed-line area code is named after.
#[derive(Debug, Default)]
pub(super) struct Geography {
    /// Municipality code -> safety region number (1..=25).
    region: FxHashMap<String, u8>,
    /// Area code with its trunk 0 (`010`, `0113`) -> municipality code.
    area: FxHashMap<String, String>,
}

impl Geography {
    pub(super) fn embedded() -> Geography {
        #[derive(Deserialize)]
        struct Region {
            code: String,
            safety_region: String,
        }
        #[derive(Deserialize)]
        struct Area {
            area_code: String,
            municipality_code: String,
        }
        let region = read::<Region>(REGIONS_CSV, "regions.csv")
            .into_iter()
            .filter_map(|r| {
                let n: u8 = r.safety_region.strip_prefix("VR")?.parse().ok()?;
                (1..=25).contains(&n).then_some((r.code, n))
            })
            .collect();
        let area = read::<Area>(AREA_CODES_CSV, "area_codes.csv")
            .into_iter()
            .map(|a| (a.area_code, a.municipality_code))
            .collect();
        Geography { region, area }
    }

    /// The municipality a Dutch fixed-line number's area code is named after
    /// (`+31101234567` → `GM0599`). Area codes are prefix-free: two or three digits.
    pub(super) fn area_municipality(&self, e164: &str) -> Option<&str> {
        let nsn = e164.strip_prefix("+31")?;
        [3, 2].into_iter().find_map(|n| {
            let code = format!("0{}", nsn.get(..n)?);
            self.area.get(&code).map(String::as_str)
        })
    }

    /// How close municipality `a` lies to `b`: 3 the same, 2 the same safety region, 1 the
    /// same province, 0 otherwise or unknown.
    pub(super) fn closeness(&self, a: &str, b: &str) -> u8 {
        if a == b {
            return 3;
        }
        let (Some(&ra), Some(&rb)) = (self.region.get(a), self.region.get(b)) else {
            return 0;
        };
        let province = |r: u8| PROVINCE_OF_REGION[usize::from(r - 1)];
        match (ra == rb, province(ra) == province(rb)) {
            (true, _) => 2,
            (false, true) => 1,
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_cover_every_municipality_and_the_big_area_codes() {
        let geo = Geography::embedded();
        let g = super::super::Gazetteer::embedded();
        for m in g.municipalities() {
            assert!(geo.region.contains_key(&m.code), "{} has no region", m.code);
        }
        for (_, code) in geo.area.iter() {
            assert!(g.has_municipality(code), "{code}");
        }
        assert_eq!(geo.area_municipality("+31101234567"), Some("GM0599"));
        assert_eq!(geo.area_municipality("+31201234567"), Some("GM0363"));
        assert_eq!(geo.area_municipality("+31231234567"), Some("GM0392"));
        assert_eq!(geo.area_municipality("+31113123456"), Some("GM0664"));
        assert_eq!(geo.area_municipality("+31612345678"), None);
        // Rotterdam and Haarlemmermeer: different regions and provinces; Amsterdam and
        // Haarlemmermeer: one province.
        assert_eq!(geo.closeness("GM0599", "GM0394"), 0);
        assert_eq!(geo.closeness("GM0363", "GM0394"), 1);
        assert_eq!(geo.closeness("GM0392", "GM0394"), 2);
        for (name, code) in priors() {
            assert!(g.has_municipality(&code), "{name}: {code}");
        }
    }
}
