//! The Dutch words of the demo ads: titles and bodies composed from fixed sentence pools.
//!
//! Everything is chosen by the ad's index, so the texts are deterministic. Bodies carry the
//! traps a phone extractor must survive: prices ("€150 per uur"), ages ("23 jaar"), opening
//! hours ("open 10:00-02:00") and dates ("28-11-2026").

/// What a body is made of; `phone` and `licence` are already written out.
pub(crate) struct BodyParts<'a> {
    pub index: usize,
    pub name: &'a str,
    pub agency: Option<&'a str>,
    pub age: u32,
    pub place: &'a str,
    /// Replaces the second sentence, for ads that need a particular wording.
    pub note: Option<&'a str>,
    /// A phone number as written in the text.
    pub phone: Option<&'a str>,
    /// The ad has a `tel:` link.
    pub has_tel_link: bool,
    /// Label and number, e.g. `Verg.nr. ESC-2024-0153`, when the body states it.
    pub licence: Option<&'a str>,
}

const TITLES: [&str; 8] = [
    "{name} – discrete escort in {place}",
    "Nieuw in {place}: {name} ({age})",
    "{name}, elegant gezelschap voor een avond",
    "Sfeervolle ontvangst bij {name} in {place}",
    "{name} komt naar je toe in {place} en omgeving",
    "Stijl & discretie: {name}",
    "Escort {name} – {place}",
    "Privéontvangst in {place} – {name}",
];

const INTROS: [&str; 7] = [
    "Hoi, ik ben {name}, {age} jaar, en ik ontvang je graag discreet in {place}.",
    "{name} ({age}) is nieuw in {place} en kijkt ernaar uit je te ontmoeten.",
    "Welkom! Ik ben {name}, een spontane en warme vrouw van {age} jaar.",
    "Op zoek naar gezelschap? Mijn naam is {name} en ik ben {age} jaar jong.",
    "Elegant, goed verzorgd en altijd vrolijk: dat is {name}, {age} jaar.",
    "{name} is terug van vakantie en weer beschikbaar in {place} en omgeving.",
    "Even weg van de drukte? {name} ({age}) maakt er een ontspannen avond van.",
];

const AGENCY_INTROS: [&str; 2] = [
    "{agency} stelt voor: {name}, {age} jaar, charmant en discreet.",
    "Via {agency} boek je {name} ({age}) voor een avond in {place}.",
];

const MIDDLES: [&str; 7] = [
    "Ik neem de tijd voor je en alles gaat in alle rust en discretie.",
    "Gezellig praten, een glas wijn en een ontspannen sfeer: daar hou ik van.",
    "Ik kom naar je hotel of naar je huis, altijd discreet en op tijd.",
    "Ik ontvang je in een schone, rustige privéruimte met eigen parkeerplaats.",
    "Voor een diner, een avond uit of gewoon gezellig samenzijn.",
    "Respect en hygiëne vind ik erg belangrijk, dat verwacht ik ook van jou.",
    "Ik spreek Nederlands, Engels en een beetje Spaans.",
];

/// Numbers that are not phones: prices, hours, dates, durations.
const PRACTICAL: [&str; 8] = [
    "Open 10:00-02:00, ook in het weekend.",
    "Tarief: €150 per uur, een hele avond in overleg.",
    "€180 per uur of €320 voor twee uur, contant of met pin.",
    "Dagelijks bereikbaar van 12.00 tot 04.00 uur.",
    "Van 28-11-2026 tot en met 05-12-2026 extra beschikbaar.",
    "Afspraken graag 30 minuten van tevoren, vanaf 1 uur €160.",
    "Op vrijdag 27 november 2026 ben ik de hele nacht beschikbaar, van 20:00 tot 06:00.",
    "Minimaal 1 uur, €200 per uur inclusief reiskosten binnen 15 km.",
];

const CONTACTS: [&str; 5] = [
    "Bel of app me op {phone}.",
    "Afspraak maken? Bel {phone}.",
    "Alleen bellen met zichtbaar nummer: {phone}.",
    "Telefoon: {phone} (tussen 10:00 en 22:00).",
    "WhatsApp of bel {phone}, ik reageer snel.",
];

const LICENCE_SENTENCES: [&str; 3] = [
    "{licence}.",
    "Wij werken volgens de regels van de gemeente, {licence}.",
    "Volledig legaal, {licence}.",
];

fn fill(template: &str, p: &BodyParts<'_>) -> String {
    template
        .replace("{name}", p.name)
        .replace("{agency}", p.agency.unwrap_or(p.name))
        .replace("{age}", &p.age.to_string())
        .replace("{place}", p.place)
        .replace("{phone}", p.phone.unwrap_or(""))
        .replace("{licence}", p.licence.unwrap_or(""))
}

/// The ad's title, e.g. "Nieuw in Schiedam: Maud (24)".
pub(crate) fn title(p: &BodyParts<'_>) -> String {
    fill(TITLES[p.index % TITLES.len()], p)
}

/// The ad's body: 2–5 sentences in one or two paragraphs separated by a blank line.
pub(crate) fn body(p: &BodyParts<'_>) -> String {
    let (first, rest) = sentences(p);
    if rest.is_empty() {
        first.join(" ")
    } else {
        format!("{}\n\n{}", first.join(" "), rest.join(" "))
    }
}

/// The sentences of the two paragraphs: introduction and style first, then the practical
/// details, the contact line and the licence line (each when it applies).
fn sentences(p: &BodyParts<'_>) -> (Vec<String>, Vec<String>) {
    let i = p.index;
    let intro = match p.agency {
        Some(_) => AGENCY_INTROS[i % AGENCY_INTROS.len()],
        None => INTROS[(i * 3) % INTROS.len()],
    };
    let middle = p.note.unwrap_or(MIDDLES[(i * 5 + i / 7) % MIDDLES.len()]);
    let first = vec![fill(intro, p), fill(middle, p)];

    let mut rest = Vec::new();
    if i % 4 != 3 {
        rest.push(PRACTICAL[(i * 3 + i / 8 + 1) % PRACTICAL.len()].to_string());
    }
    if p.phone.is_some() {
        rest.push(fill(CONTACTS[(i + i / 5) % CONTACTS.len()], p));
    } else if p.has_tel_link && i % 2 == 0 {
        rest.push("Bellen kan via de knop hieronder.".to_string());
    }
    if p.licence.is_some() {
        rest.push(fill(LICENCE_SENTENCES[i % LICENCE_SENTENCES.len()], p));
    }
    (first, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(index: usize) -> BodyParts<'static> {
        BodyParts {
            index,
            name: "Lotte",
            agency: None,
            age: 23,
            place: "Schiedam",
            note: None,
            phone: Some("06-12345678"),
            has_tel_link: false,
            licence: Some("Verg.nr. ESC-2024-0153"),
        }
    }

    #[test]
    fn bodies_have_two_to_five_sentences_and_no_placeholders() {
        for index in 0..40 {
            let mut p = parts(index);
            for (phone, licence) in [(None, None), (Some("06-12345678"), Some("Verg.nr. X-1"))] {
                p.phone = phone;
                p.licence = licence;
                let (first, rest) = sentences(&p);
                assert!((2..=5).contains(&(first.len() + rest.len())));
                let body = body(&p);
                assert!(!body.contains('{'), "{body}");
                assert!(body.split("\n\n").count() <= 2);
            }
        }
    }

    #[test]
    fn phone_and_licence_appear_when_given() {
        let b = body(&parts(2));
        assert!(b.contains("06-12345678"), "{b}");
        assert!(b.contains("Verg.nr. ESC-2024-0153"), "{b}");
        assert_eq!(title(&parts(1)), "Nieuw in Schiedam: Lotte (23)");
    }

    #[test]
    fn a_note_replaces_the_second_sentence() {
        let mut p = parts(0);
        p.note = Some("Nieuw in {place}, alleen deze week!");
        assert!(body(&p).contains("Nieuw in Schiedam, alleen deze week!"));
    }
}
