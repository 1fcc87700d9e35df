//! Property tests for extraction: it never panics on arbitrary input, and every phone it
//! returns is a valid, full-length number according to libphonenumber's metadata.
//!
//! The validity check here is independent of `extract::phone::plan`: it reads the
//! numbering-plan metadata directly (see [`invalid_reason`]).

mod support;

use std::sync::LazyLock;

use proptest::prelude::*;
use webwacht::extract::licence::KnownNumbers;
use webwacht::extract::{AdInput, Extraction, Extractor, Gazetteer};
use webwacht::register::parse_licences;

use support::e164::invalid_reason;

static KNOWN: LazyLock<KnownNumbers> = LazyLock::new(|| {
    let csv = include_bytes!("data/extraction_register.csv");
    parse_licences("extraction_register.csv", csv, Gazetteer::embedded())
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|l| l.normalized)
        .collect()
});

fn extractor() -> Extractor<'static> {
    Extractor {
        gazetteer: Gazetteer::embedded(),
        known_numbers: &KNOWN,
    }
}

fn check(out: &Extraction, input: &str) -> Result<(), TestCaseError> {
    for p in &out.phones {
        if let Some(why) = invalid_reason(&p.e164) {
            return Err(TestCaseError::fail(format!(
                "{} from {input:?}: {why}",
                p.e164
            )));
        }
    }
    Ok(())
}

/// Pieces advertisers build numbers from: digits in many scripts and disguises,
/// separators, prefixes, number words, labels and markup.
fn piece() -> impl Strategy<Value = String> {
    let fixed: Vec<&'static str> = vec![
        "0",
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "7",
        "8",
        "9",
        "06",
        "+31",
        "0031",
        "+31 (0)",
        "(+48)",
        "0048",
        "+44",
        "0800",
        "0900",
        "085",
        "010",
        " ",
        "-",
        ".",
        "/",
        "*",
        "\n",
        "(",
        ")",
        "O",
        "o",
        "l",
        "I",
        "B",
        "nul",
        "zes",
        "een",
        "twaalf",
        "vierendertig",
        "zero",
        "six",
        "twenty",
        "\u{200b}",
        "\u{ad}",
        "\u{feff}",
        "0\u{fe0f}\u{20e3}",
        "6\u{fe0f}\u{20e3}",
        "\u{ff10}",
        "\u{ff16}",
        "\u{0666}",
        "\u{0967}",
        "€",
        "cm",
        "kg",
        "jaar",
        "uur",
        ":",
        "tel:",
        "wa.me/",
        "Vergunningnummer: ",
        "Registratienummers:",
        "registratienummer sekswerker:",
        "reg.nr.",
        "Reg.nrs. ",
        "Lisa ",
        "Zoë",
        " – ",
        "|",
        "·",
        "NL-",
        "R-2026-",
        "nr.",
        "gemeente ",
        "olst-wijhe:",
        "<td>",
        "</td>",
        "\n\n",
        "KvK-",
        "KvK ",
        "NL91ABNA",
        "BTW ",
        "ref. ",
        "3011 AB ",
        "Rotterdam",
        "Den Bosch",
        "Rhoon",
        "<a href=\"tel:",
        "\">",
        "</a>",
        "<p>",
        "&#48;",
        "&amp;",
        "<script>",
        "<!--",
        "]]>",
    ];
    prop_oneof![
        4 => proptest::sample::select(fixed).prop_map(str::to_string),
        2 => "[0-9]{1,10}",
        1 => any::<char>().prop_map(String::from),
    ]
}

fn phoneish() -> impl Strategy<Value = String> {
    proptest::collection::vec(piece(), 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics_and_phones_are_valid(s in any::<String>()) {
        let x = extractor();
        check(&x.document(None, &s), &s)?;
        let html = format!("<html><body><p>{s}</p><a href=\"tel:{s}\">x</a></body></html>");
        check(&x.document(None, &html), &html)?;
    }

    #[test]
    fn number_like_text_yields_only_valid_phones(s in phoneish()) {
        let x = extractor();
        check(&x.document(None, &s), &s)?;
        let links = [format!("tel:{s}"), format!("https://wa.me/{s}")];
        let ad = AdInput {
            title: &s,
            body: &s,
            place_field: Some(&s),
            licence_field: Some(&s),
            phone_values: &links[..1],
            links: &links,
            ..Default::default()
        };
        check(&x.ad(&ad), &s)?;
    }
}

#[test]
fn the_validity_check_itself_rejects_bad_numbers() {
    // Guards the guard: too long, too short, unknown code, letters.
    assert!(invalid_reason("+31612345678").is_none());
    assert!(invalid_reason("+316123456789").is_some());
    assert!(invalid_reason("+3161234567").is_some());
    assert!(invalid_reason("+999612345678").is_some());
    assert!(invalid_reason("+3161234567B").is_some());
    assert!(invalid_reason("0612345678").is_some());
    // Found by cargo fuzz: valid Russian landlines (Kazan), which the phonenumber crate's
    // parser wrongly calls invalid.
    assert!(invalid_reason("+78437381717").is_none());
}
