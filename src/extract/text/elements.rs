//! Which HTML elements break lines or hide their text, and which attributes may carry a
//! phone number: the rules that the full parse ([`super::html`]) and the fast scan
//! ([`super::html_scan`]) share, so both read a page the same way.

/// Elements whose content is never visible text.
pub(super) fn skipped(name: &str) -> bool {
    matches!(
        name,
        "script" | "style" | "template" | "noscript" | "iframe"
    )
}

/// Elements that start and end a line of text.
pub(super) fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "br"
            | "caption"
            | "dd"
            | "details"
            | "dialog"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hr"
            | "html"
            | "legend"
            | "li"
            | "main"
            | "nav"
            | "ol"
            | "option"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "tfoot"
            | "th"
            | "thead"
            | "title"
            | "tr"
            | "ul"
    )
}

/// An attribute whose value the link scan looks at.
pub(super) fn may_hold_phone(name: &str) -> bool {
    name == "href"
        || phone_data_attribute(name)
        || matches!(name, "content" | "title" | "value" | "aria-label")
}

/// A `data-*` attribute whose name says it holds a contact number (`data-phone`,
/// `data-tel`, `data-whatsapp`, `data-number`); ids such as `data-ad-id` do not count.
fn phone_data_attribute(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("data-") else {
        return false;
    };
    rest.split(['-', '_']).any(|part| {
        matches!(
            part,
            "phone"
                | "tel"
                | "telephone"
                | "telefoon"
                | "mobile"
                | "mobiel"
                | "gsm"
                | "whatsapp"
                | "wa"
                | "sms"
                | "number"
                | "nummer"
                | "nr"
                | "contact"
                | "call"
                | "bel"
        )
    })
}
