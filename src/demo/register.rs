//! The demo licence register: invented licences, written as the register CSV that
//! `webwacht register import` reads.

use super::phones::{self, fixed_line, licensed_mobile, PLAIN};

/// One licence in the demo register. Phones are kept as E.164 and written in a mix of
/// Dutch notations by [`register_csv`].
#[derive(Debug, Clone)]
pub(crate) struct Licence {
    pub number: &'static str,
    pub holder: &'static str,
    pub business_type: &'static str,
    pub municipality_code: &'static str,
    pub phones: Vec<String>,
    pub address: &'static str,
    pub valid_from: &'static str,
    /// Empty: open-ended.
    pub valid_until: &'static str,
    pub status: &'static str,
}

/// The exact header of the licence register CSV.
pub(crate) const HEADER: [&str; 9] = [
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

/// The register as a table: number | holder | type | municipality | phones | address |
/// valid from | valid until | status. Phones are counters: `m7` is [`licensed_mobile`]`(7)`,
/// `f2` is [`fixed_line`]`(2)`.
const TABLE: &str = "\
# Active, used by the ads.
ESC-2024-0153     | Agency Rood             | escort    | GM0599 | m1 m2 m3    | Voorbeeldstraat 1, Rotterdam           | 2024-03-01 |            | active
RTD-EXP-2023-0042 | Privé De Vlier          | prive     | GM0599 | m4 f1       | Vlierlaan 14, Rotterdam                | 2023-01-15 | 2035-01-14 | active
DH-SB-2024-0017   | Escortbureau Zilverberk | escort    | GM0518 | m5 m6 m7    | Proefweg 22, Den Haag                  | 2024-05-01 |            | active
AMS-EXP-2022-0311 | Agency Indigo B.V.      | escort    | GM0363 | m8 m9 m10   | Oefengracht 7-II, Amsterdam            | 2022-09-01 | 2034-08-31 | active
UTR-2024-0088     | Agency Lavendel         | escort    | GM0344 | m11 m12     | Verzinsingel 3, Utrecht                | 2024-02-12 |            | active
ALB-2023-0004     | Privéhuis Polderlicht   | prive     | GM0613 | m13 f2      | Dijkje 5, Rhoon                        | 2023-07-01 |            | active
VAZ-2024-0009     | Escortservice Golfslag  | escort    | GM1992 | m14 m15     | Havenpad 9, Hellevoetsluis             | 2024-01-01 | 2036-12-31 | active
SDM-2023-0021     | Agency Schiewater       | escort    | GM0606 | m16 m17     | Branderijsteeg 2, Schiedam             | 2023-03-20 |            | active
CAP-2024-0012     | IJsselnacht Escorts     | escort    | GM0502 | m18 m19     | Proefkade 40, Capelle aan den IJssel   | 2024-06-01 |            | active
ESC-2025-0201     | Escortbureau Maasnacht  | escort    | GM0599 | m20 m21 m22 | Verzonnenweg 101, Rotterdam            | 2025-02-01 |            | active
# Active, never mentioned by an ad.
RTD-EXP-2022-0120 | Club Nachtpauw          | club      | GM0599 | f3          | Proeflaan 88, Rotterdam                | 2022-04-01 |            | active
DH-SB-2022-0044   | Raamverhuur De Lantaarn | raam      | GM0518 | m23         | Lantaarnsteeg 1-15, Den Haag           | 2022-10-01 |            | active
UTR-2023-0061     | Studio Lindeboom        | thuiswerk | GM0344 | m24         | Bedachtstraat 12, Utrecht              | 2023-05-01 |            | active
AMS-EXP-2024-0105 | Massagesalon Lotusbloem | massage   | GM0363 | m25         | Fictiefplein 4, Amsterdam              | 2024-08-15 |            | active
SDM-2024-0002     | Stichting Avondrood     | other     | GM0606 | m26         | Voorbeeldhof 6, Schiedam               | 2024-01-10 |            | active
CAP-2022-0031     | Club De Hoeksteen       | club      | GM0502 | f5          | Hoeksteenweg 2, Capelle aan den IJssel | 2022-02-01 |            | active
# Not valid today: by status, or by dates while the status still says active.
RTD-EXP-2021-0007 | Privéhuis Het Anker     | prive     | GM0599 | m27 f6      | Ankerstraat 3, Rotterdam               | 2021-03-01 | 2024-02-29 | expired
ESC-2022-0090     | Escortservice Noordkade | escort    | GM0599 | m28         | Kadepad 17, Rotterdam                  | 2022-05-01 |            | revoked
DH-SB-2023-0031   | Escortbureau Duinroos   | escort    | GM0518 | m29         | Duinroosweg 8, Den Haag                | 2023-06-01 |            | suspended
AMS-EXP-2020-0140 | Agency Grachtenlicht    | escort    | GM0363 | m30         | Oefengracht 90, Amsterdam              | 2020-07-01 | 2025-06-30 | active
SDM-2022-0003     | Privé De Molenwiek      | prive     | GM0606 | m31         | Molenwiekstraat 4, Schiedam            | 2022-01-01 | 2025-01-31 | expired
VAZ-2023-0005     | Escortservice Zeewind   | escort    | GM1992 | m32         | Zeewindlaan 21, Hellevoetsluis         | 2023-04-01 | 2025-10-31 | active
";

/// Every licence in the demo register: ten active ones the ads use, six the ads never
/// mention, and six that are not valid today (status or dates).
pub(crate) fn licences() -> Vec<Licence> {
    TABLE
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| {
            let f: Vec<&'static str> = line.split('|').map(str::trim).collect();
            Licence {
                number: f[0],
                holder: f[1],
                business_type: f[2],
                municipality_code: f[3],
                phones: f[4].split_whitespace().map(phone_counter).collect(),
                address: f[5],
                valid_from: f[6],
                valid_until: f[7],
                status: f[8],
            }
        })
        .collect()
}

/// `m7` → [`licensed_mobile`]`(7)`, `f2` → [`fixed_line`]`(2)`.
fn phone_counter(code: &str) -> String {
    let (kind, n) = code.split_at(1);
    let n: u32 = n.parse().expect("demo table: phone counter");
    match kind {
        "m" => licensed_mobile(n),
        "f" => fixed_line(n),
        _ => panic!("demo table: unknown phone kind {code}"),
    }
}

/// The E.164 phone number `index` of licence `number`; panics on a demo-data typo.
pub(crate) fn phone_of(number: &str, index: usize) -> String {
    let all = licences();
    let licence = all
        .iter()
        .find(|l| l.number == number)
        .unwrap_or_else(|| panic!("demo ad refers to unknown licence {number}"));
    licence.phones[index].clone()
}

/// The demo licence register as CSV, with the exact header that
/// `webwacht register import --kind licences` expects. Phones are written in mixed Dutch
/// notations and `;`-separated; addresses contain commas and are quoted.
pub fn register_csv() -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(HEADER).expect("write to memory");
    for (k, l) in licences().iter().enumerate() {
        let phones: Vec<String> = l
            .phones
            .iter()
            .enumerate()
            .map(|(j, p)| phones::write(p, PLAIN[(k + j) % PLAIN.len()]))
            .collect();
        writer
            .write_record([
                l.number,
                l.holder,
                l.business_type,
                l.municipality_code,
                &phones.join(";"),
                l.address,
                l.valid_from,
                l.valid_until,
                l.status,
            ])
            .expect("write to memory");
    }
    let bytes = writer.into_inner().expect("flush to memory");
    String::from_utf8(bytes).expect("the demo register is UTF-8")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::demo::{ads, phones::to_e164, Category};
    use std::collections::{BTreeSet, HashMap};

    /// One parsed CSV row: status, valid_from, valid_until, phones as E.164.
    pub(crate) struct Row {
        pub status: String,
        pub valid_from: String,
        pub valid_until: String,
        pub holder: String,
        pub phones: BTreeSet<String>,
    }

    /// Read the CSV as an importer would, keyed by letters-and-digits upper case.
    pub(crate) fn parse_register(text: &str) -> HashMap<String, Row> {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(header, HEADER);
        let mut rows = HashMap::new();
        for record in reader.records() {
            let r = record.unwrap();
            let phones = r[4]
                .split(';')
                .map(|p| to_e164(p).unwrap_or_else(|| panic!("bad phone {p}")))
                .collect();
            let row = Row {
                holder: r[1].to_string(),
                valid_from: r[6].to_string(),
                valid_until: r[7].to_string(),
                status: r[8].to_string(),
                phones,
            };
            assert!(
                rows.insert(normalize(&r[0]), row).is_none(),
                "duplicate {}",
                &r[0]
            );
        }
        rows
    }

    pub(crate) fn normalize(number: &str) -> String {
        number
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect()
    }

    #[test]
    fn csv_has_the_exact_header_and_valid_fields() {
        let text = register_csv();
        assert!(text.starts_with(
            "licence_number,holder,business_type,municipality_code,phones,address,valid_from,valid_until,status\n"
        ));
        assert!(text.contains("\"Voorbeeldstraat 1, Rotterdam\""));
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        for record in reader.records() {
            let r = record.unwrap();
            assert_eq!(r.len(), 9);
            let types = [
                "escort",
                "club",
                "prive",
                "raam",
                "thuiswerk",
                "massage",
                "other",
            ];
            assert!(types.contains(&&r[2]), "{}", &r[2]);
            assert!(r[3].starts_with("GM") && r[3].len() == 6);
            for date in [&r[6], &r[7]].into_iter().filter(|d| !d.is_empty()) {
                assert!(
                    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(),
                    "{date}"
                );
            }
            assert!(["active", "suspended", "revoked", "expired"].contains(&&r[8]));
        }
        assert_eq!(parse_register(&text).len(), licences().len());
    }

    #[test]
    fn no_phone_is_on_two_licences() {
        let mut seen = BTreeSet::new();
        for row in parse_register(&register_csv()).values() {
            for phone in &row.phones {
                assert!(seen.insert(phone.clone()), "{phone} on two licences");
            }
        }
    }

    #[test]
    fn licensed_ads_find_their_number_active_with_their_phones() {
        let register = parse_register(&register_csv());
        let today = chrono::Utc::now().date_naive().to_string();
        let licensed = ads()
            .into_iter()
            .filter(|a| a.category == Category::LicensedOk);
        for ad in licensed {
            let number = ad
                .licence_number
                .as_deref()
                .expect("licensed ad shows a number");
            let row = &register[&normalize(number)];
            assert_eq!(row.status, "active", "{number}");
            assert!(row.valid_from <= today);
            assert!(row.valid_until.is_empty() || row.valid_until >= today);
            assert!(!ad.phones.is_empty(), "{}", ad.id);
            for phone in &ad.phones {
                assert!(
                    row.phones.contains(phone),
                    "{} {phone} not on {number}",
                    ad.id
                );
            }
        }
    }

    #[test]
    fn fake_numbers_are_absent() {
        let register = parse_register(&register_csv());
        let fakes: Vec<_> = ads()
            .into_iter()
            .filter(|a| a.category == Category::FakeNumber)
            .collect();
        assert!(fakes.len() >= 5);
        for ad in fakes {
            let number = ad.licence_number.expect("a fake ad claims a number");
            assert!(!register.contains_key(&normalize(&number)), "{number}");
        }
    }

    #[test]
    fn some_licences_are_never_used_by_an_ad() {
        let used: BTreeSet<String> = ads().into_iter().filter_map(|a| a.licence_number).collect();
        let unused = licences()
            .iter()
            .filter(|l| !used.contains(l.number))
            .count();
        assert!(unused >= 3);
    }
}
