//! Static assets, compiled into the binary: the vendored NL Design System CSS (with its
//! licences) and our own stylesheet. Nothing is ever loaded from elsewhere.

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::WebError;

/// (path under /assets/, content type, bytes)
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "webwacht.css",
        "text/css; charset=utf-8",
        include_str!("../../assets/webwacht.css"),
    ),
    (
        "vendor/nl-design-system/voorbeeld-design-tokens/theme.css",
        "text/css; charset=utf-8",
        include_str!("../../assets/vendor/nl-design-system/voorbeeld-design-tokens/theme.css"),
    ),
    (
        "vendor/nl-design-system/utrecht-component-library-css/index.css",
        "text/css; charset=utf-8",
        include_str!(
            "../../assets/vendor/nl-design-system/utrecht-component-library-css/index.css"
        ),
    ),
    (
        "vendor/nl-design-system/LICENSE.md",
        "text/plain; charset=utf-8",
        include_str!(
            "../../assets/vendor/nl-design-system/utrecht-component-library-css/LICENSE.md"
        ),
    ),
];

pub async fn get_asset(Path(path): Path<String>) -> Result<Response, WebError> {
    let (_, content_type, body) = ASSETS
        .iter()
        .find(|(p, _, _)| *p == path)
        .ok_or(WebError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, *content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        *body,
    )
        .into_response())
}

/// Browsers ask for it on every site; an empty answer keeps their consoles quiet.
pub async fn get_favicon() -> axum::http::StatusCode {
    axum::http::StatusCode::NO_CONTENT
}
