//! The catalogue of demo ads: one line per ad, saying who advertises where, which licence
//! number is claimed and how, and which phones appear in the text or the `tel:` link.
//!
//! All names, numbers and agencies are invented. Every phone except the shared one is in at
//! most two ads, so only the `shared_phone` ads can trip the cross-ad phone rules.

use super::ads::{At, At::*, Category, Category::*, Ph, Ph::*, Spec, Town};
use super::phones::Notation::{self, *};

const RDAM: Town = Town("Rotterdam", "GM0599");
const DH: Town = Town("Den Haag", "GM0518");
const SGRAV: Town = Town("'s-Gravenhage", "GM0518");
const AMS: Town = Town("Amsterdam", "GM0363");
const UTR: Town = Town("Utrecht", "GM0344");
const RHOON: Town = Town("Rhoon", "GM0613");
const HVS: Town = Town("Hellevoetsluis", "GM1992");
const SDAM: Town = Town("Schiedam", "GM0606");
const CAP: Town = Town("Capelle aan den IJssel", "GM0502");
const CAPAD: Town = Town("Capelle a/d IJssel", "GM0502");

// Active licences (see register.rs).
const ROOD: &str = "ESC-2024-0153";
const VLIER: &str = "RTD-EXP-2023-0042";
const ZILVER: &str = "DH-SB-2024-0017";
const INDIGO: &str = "AMS-EXP-2022-0311";
const LAVENDEL: &str = "UTR-2024-0088";
const POLDER: &str = "ALB-2023-0004";
const GOLFSLAG: &str = "VAZ-2024-0009";
const SCHIE: &str = "SDM-2023-0021";
const IJSSEL: &str = "CAP-2024-0012";
const MAAS: &str = "ESC-2025-0201";
// Registered but not valid today.
const ANKER: &str = "RTD-EXP-2021-0007";
const NOORDKADE: &str = "ESC-2022-0090";
const DUINROOS: &str = "DH-SB-2023-0031";
const GRACHT: &str = "AMS-EXP-2020-0140";
const MOLENWIEK: &str = "SDM-2022-0003";
const ZEEWIND: &str = "VAZ-2023-0005";

fn ad(category: Category, name: &'static str, town: Town) -> Spec {
    Spec {
        category,
        name,
        agency: None,
        town,
        claim: None,
        body_phone: None,
        tel: None,
        note: None,
        disallowed: false,
    }
}

impl Spec {
    fn via(mut self, agency: &'static str) -> Self {
        self.agency = Some(agency);
        self
    }
    fn claim(mut self, number: &'static str, label: &'static str, at: At) -> Self {
        self.claim = Some((number, label, at));
        self
    }
    fn body(mut self, phone: Ph, notation: Notation) -> Self {
        self.body_phone = Some((phone, notation));
        self
    }
    fn tel(mut self, phone: Ph) -> Self {
        self.tel = Some(phone);
        self
    }
    fn note(mut self, note: &'static str) -> Self {
        self.note = Some(note);
        self
    }
    fn prive(mut self) -> Self {
        self.disallowed = true;
        self
    }
}

/// Every ad, grouped by category; `ads()` spreads them over the listing pages.
#[rustfmt::skip]
pub(crate) fn specs() -> Vec<Spec> {
    vec![
        // licensed_ok (22): active number, every phone on that licence.
        ad(LicensedOk, "Lotte", RDAM).claim(ROOD, "Vergunningnummer:", Element).tel(Lic(ROOD, 0)),
        ad(LicensedOk, "Mila", RDAM).claim(ROOD, "Vergunningsnummer", Body)
            .body(Lic(ROOD, 0), Dash),
        ad(LicensedOk, "Sanne", RDAM).via("Agency Rood").claim(ROOD, "Verg.nr.", Element)
            .tel(Lic(ROOD, 1)).body(Lic(ROOD, 1), Spaced),
        ad(LicensedOk, "Noa", RDAM).claim(ROOD, "Licentienummer", Element).body(Lic(ROOD, 2), Intl),
        ad(LicensedOk, "Yfke", RDAM).via("Privé De Vlier")
            .claim(VLIER, "Exploitatievergunning:", Element).body(Lic(VLIER, 1), Dash)
            .tel(Lic(VLIER, 0)),
        ad(LicensedOk, "Yara", RDAM).claim(VLIER, "Exploitatievergunning", Both)
            .body(Lic(VLIER, 1), Spaced),
        ad(LicensedOk, "Eva", DH).claim(ZILVER, "Vergunningnummer:", Element).tel(Lic(ZILVER, 0)),
        ad(LicensedOk, "Julia", SGRAV).claim(ZILVER, "Verg.nr.", Body).body(Lic(ZILVER, 1), Split),
        ad(LicensedOk, "Fenna", DH).via("Escortbureau Zilverberk")
            .claim(ZILVER, "Vergunningsnummer:", Element).tel(Lic(ZILVER, 2))
            .body(Lic(ZILVER, 2), Compact),
        ad(LicensedOk, "Isa", AMS).claim(INDIGO, "Licentienummer:", Element).tel(Lic(INDIGO, 0)),
        ad(LicensedOk, "Lina", AMS).claim(INDIGO, "Vergunningnummer:", Element)
            .body(Lic(INDIGO, 0), Dash),
        ad(LicensedOk, "Sofie", AMS).claim(INDIGO, "Exploitatievergunning", Body)
            .tel(Lic(INDIGO, 2)),
        ad(LicensedOk, "Tess", UTR).claim(LAVENDEL, "Vergunningnummer:", Element)
            .tel(Lic(LAVENDEL, 0)),
        ad(LicensedOk, "Nina", UTR).claim(LAVENDEL, "Licentienummer", Body)
            .body(Lic(LAVENDEL, 1), Spaced),
        ad(LicensedOk, "Roos", RHOON).via("Privéhuis Polderlicht")
            .claim(POLDER, "Exploitatievergunning:", Element).body(Lic(POLDER, 1), Dash)
            .tel(Lic(POLDER, 0)),
        ad(LicensedOk, "Liv", RHOON).claim(POLDER, "Verg.nr.", Element).tel(Lic(POLDER, 0)),
        ad(LicensedOk, "Femke", HVS).claim(GOLFSLAG, "Vergunningnummer:", Element)
            .tel(Lic(GOLFSLAG, 0)),
        ad(LicensedOk, "Anouk", HVS).claim(GOLFSLAG, "Vergunningsnummer", Body)
            .body(Lic(GOLFSLAG, 1), Dash),
        ad(LicensedOk, "Maud", SDAM).claim(SCHIE, "Licentienummer:", Element).tel(Lic(SCHIE, 0)),
        ad(LicensedOk, "Elin", SDAM).claim(SCHIE, "Vergunningnummer:", Element)
            .body(Lic(SCHIE, 0), Intl),
        ad(LicensedOk, "Jade", CAP).claim(IJSSEL, "Verg.nr.", Element).tel(Lic(IJSSEL, 0)),
        ad(LicensedOk, "Lieke", CAPAD).claim(IJSSEL, "Vergunningnummer:", Body)
            .body(Lic(IJSSEL, 1), Split),

        // obfuscated (6): three with a correct licence (no flags), three without a number.
        ad(Obfuscated, "Iris", AMS).claim(INDIGO, "Vergunningnummer:", Element)
            .body(Lic(INDIGO, 1), IntlTrunk),
        ad(Obfuscated, "Vera", RDAM).claim(MAAS, "Licentienummer:", Element)
            .body(Lic(MAAS, 1), SpacedDash),
        ad(Obfuscated, "Floor", SDAM).claim(SCHIE, "Verg.nr.", Body).tel(Lic(SCHIE, 1))
            .note("Discretie staat bij mij altijd voorop."),
        ad(Obfuscated, "Amira", DH).body(Free(1), DotPairs),
        ad(Obfuscated, "Zoë", UTR).body(Free(2), DoubleZero),
        ad(Obfuscated, "Puck", HVS).body(Free(3), LetterO),

        // phone_not_on_licence (5): active number, a phone on no licence at all.
        ad(PhoneNotOnLicence, "Merel", RDAM).claim(MAAS, "Vergunningnummer:", Element).tel(Free(4)),
        ad(PhoneNotOnLicence, "Noor", DH).claim(ZILVER, "Verg.nr.", Element)
            .body(Lic(ZILVER, 0), Dash).tel(Free(5)),
        ad(PhoneNotOnLicence, "Fleur", UTR).claim(LAVENDEL, "Vergunningsnummer", Body)
            .body(Free(6), Spaced),
        ad(PhoneNotOnLicence, "Romy", CAPAD).claim(IJSSEL, "Licentienummer:", Element).tel(Free(7)),
        ad(PhoneNotOnLicence, "Hanna", AMS).claim(INDIGO, "Exploitatievergunning:", Element)
            .body(Free(8), Intl).tel(Free(8)),

        // phone_of_other_licence (3): active number, a phone of another holder's licence.
        ad(PhoneOfOtherLicence, "Esmee", RDAM).claim(MAAS, "Vergunningnummer:", Element)
            .tel(Lic(ROOD, 1)),
        ad(PhoneOfOtherLicence, "Lara", SDAM).claim(SCHIE, "Verg.nr.", Element)
            .body(Lic(VLIER, 0), Dash),
        ad(PhoneOfOtherLicence, "Sara", HVS).claim(GOLFSLAG, "Vergunningnummer:", Body)
            .body(Lic(GOLFSLAG, 1), Dash).tel(Lic(LAVENDEL, 1)),

        // inactive (6): registered, but expired, revoked, suspended or past its end date.
        ad(Inactive, "Demi", RDAM).claim(ANKER, "Exploitatievergunning:", Element)
            .body(Lic(ANKER, 1), Dash).tel(Lic(ANKER, 0)),
        ad(Inactive, "Naomi", RDAM).claim(NOORDKADE, "Vergunningnummer:", Element)
            .tel(Lic(NOORDKADE, 0)),
        ad(Inactive, "Kim", DH).claim(DUINROOS, "Verg.nr.", Body).body(Lic(DUINROOS, 0), Split),
        ad(Inactive, "Lisa", AMS).claim(GRACHT, "Licentienummer:", Element).tel(Lic(GRACHT, 0)),
        ad(Inactive, "Jasmijn", SDAM).claim(MOLENWIEK, "Exploitatievergunning:", Element)
            .body(Lic(MOLENWIEK, 0), Spaced),
        ad(Inactive, "Ilse", HVS).claim(ZEEWIND, "Vergunningsnummer", Body).tel(Lic(ZEEWIND, 0)),

        // fake_number (7): a number in the register's format that the register lacks.
        ad(FakeNumber, "Rosa", RDAM).claim("ESC-2024-0999", "Vergunningnummer:", Element)
            .tel(Free(9)),
        ad(FakeNumber, "Luna", DH).claim("DH-SB-2024-0666", "Verg.nr.", Body).body(Free(10), Dash),
        ad(FakeNumber, "Mara", AMS).claim("AMS-EXP-2023-1187", "Licentienummer:", Element)
            .tel(Free(11)),
        ad(FakeNumber, "Sophie", UTR).claim("UTR-2024-0404", "Vergunningsnummer:", Element)
            .body(Free(12), Split),
        ad(FakeNumber, "Bo", SDAM).claim("SDM-2023-0210", "Vergunningnummer:", Element)
            .tel(Free(13)),
        ad(FakeNumber, "Gwen", CAP).claim("CAP-2023-0777", "Exploitatievergunning", Body)
            .body(Free(14), Intl),
        ad(FakeNumber, "Kiki", RHOON).via("Agency Karmijn")
            .claim("RTD-EXP-2024-0420", "Exploitatievergunning:", Element).tel(Free(15)),

        // no_number (12): no licence number anywhere.
        ad(NoNumber, "Mirthe", RDAM).body(Free(16), Dash),
        ad(NoNumber, "Evi", RDAM).tel(Free(17)).body(Free(17), Spaced),
        ad(NoNumber, "Lynn", DH).tel(Free(18))
            .note("Mijn vergunning is aangevraagd, tot die tijd alleen op afspraak."),
        ad(NoNumber, "Ivy", AMS).body(Free(19), Intl),
        ad(NoNumber, "Ella", AMS).tel(Free(20)),
        ad(NoNumber, "Juul", UTR).body(Free(21), Split),
        ad(NoNumber, "Feline", SDAM).body(FreeFixed(20), Dash),
        ad(NoNumber, "Nova", CAP).tel(Free(22)),
        ad(NoNumber, "Sterre", RHOON).body(Free(23), Compact),
        ad(NoNumber, "Lizzy", HVS).note("Contact alleen via het berichtenformulier op deze site."),
        ad(NoNumber, "Britt", RDAM).via("Escortservice Nachtblauw").tel(Free(24))
            .body(Free(24), Dash),
        ad(NoNumber, "Tara", SGRAV).body(Free(25), Spaced),

        // shared_phone (6): one phone, six names, six places, no number.
        ad(SharedPhone, "Bianca", RDAM).body(Shared, Dash).note("Alleen deze week in {place}!"),
        ad(SharedPhone, "Carmen", SDAM).tel(Shared).body(Shared, Spaced),
        ad(SharedPhone, "Daria", DH).body(Shared, Intl)
            .note("Net aangekomen in {place}, bel snel."),
        ad(SharedPhone, "Elena", CAPAD).tel(Shared),
        ad(SharedPhone, "Nadia", RHOON).body(Shared, Split).note("Vandaag en morgen in {place}."),
        ad(SharedPhone, "Yasmin", UTR).body(Shared, Compact),

        // Under /prive/ (disallowed by robots.txt): never fetched, so never flagged.
        ad(NoNumber, "Mieke", RDAM).body(Free(26), Dash).prive(),
        ad(NoNumber, "Anna", SDAM).tel(Free(27)).prive(),
        ad(NoNumber, "Odette", DH).body(Free(28), Spaced).prive(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::phones::free_mobile;
    use crate::demo::SHARED_PHONE;

    #[test]
    fn the_shared_phone_is_a_free_mobile_no_one_else_uses() {
        assert_eq!(SHARED_PHONE, free_mobile(50));
        for spec in specs() {
            let phones = spec.body_phone.map(|(p, _)| p).into_iter().chain(spec.tel);
            for phone in phones {
                assert!(!matches!(phone, Free(50)), "{}", spec.name);
            }
        }
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<_> = specs().iter().map(|s| s.name).collect();
        names.sort();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before);
    }
}
