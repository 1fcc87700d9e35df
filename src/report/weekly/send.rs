//! The notice of a weekly list by mail, per recipient of `[report.recipients]`.
//!
//! The notice says which week, how many signals and where to find the list (`/reports`
//! in the UI); with `attach = false` (the default) it holds no personal data at all. With
//! `attach = true` it carries the list's XLSX and PDF, read from the archive and checked
//! against the SHA-256 recorded when the list was made. Every recipient's send is
//! recorded; a send the SMTP server did not accept stays unsent and is tried again on the
//! next run, never marked sent.

use std::path::Path;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sha2::{Digest, Sha256};

use super::model::WeeklyList;
use crate::config::Config;
use crate::error::BadInput;
use crate::store::{lists, timestamp, Store};

/// How long one SMTP conversation may take.
const SMTP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// What sends the notices.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    attach: bool,
    public_url: String,
}

impl Mailer {
    /// The mailer `[report]` describes; a clear error when it is incomplete.
    pub fn from_config(cfg: &Config) -> Result<Mailer, BadInput> {
        let r = &cfg.report;
        let url = r.smtp_url.as_deref().ok_or_else(|| {
            BadInput("--send: zet smtp_url in [report] van de configuratie (bijvoorbeeld smtp://mail.regio.example:587)".into())
        })?;
        let from = r.from.as_deref().ok_or_else(|| {
            BadInput("--send: zet from in [report] van de configuratie (het afzendadres)".into())
        })?;
        let from: Mailbox = format!("webwacht <{from}>")
            .parse()
            .map_err(|e| BadInput(format!("[report] from = {from:?}: geen e-mailadres: {e}")))?;
        Ok(Mailer {
            transport: transport(url)?,
            from,
            attach: r.attach,
            public_url: cfg.public_url.trim_end_matches('/').to_string(),
        })
    }
}

/// `smtps://host[:465]` (TLS from the start) or `smtp://host[:25]` (STARTTLS when the
/// server offers it), with `user:password@` when the server wants a login.
fn transport(url: &str) -> Result<AsyncSmtpTransport<Tokio1Executor>, BadInput> {
    let bad = |why: String| BadInput(format!("[report] smtp_url = {:?}: {why}", redact(url)));
    let parsed = url::Url::parse(url).map_err(|e| bad(e.to_string()))?;
    let host = parsed
        .host_str()
        .ok_or_else(|| bad("geen server".into()))?
        .to_string();
    let tls_params = || TlsParameters::new(host.clone()).map_err(|e| bad(e.to_string()));
    let (tls, default_port) = match parsed.scheme() {
        "smtps" => (Tls::Wrapper(tls_params()?), 465),
        "smtp" => (Tls::Opportunistic(tls_params()?), 25),
        other => return Err(bad(format!("schema {other}: gebruik smtp:// of smtps://"))),
    };
    let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host.clone())
        .port(parsed.port().unwrap_or(default_port))
        .tls(tls)
        .timeout(Some(SMTP_TIMEOUT));
    if !parsed.username().is_empty() {
        let user = percent_decode(parsed.username());
        let password = percent_decode(parsed.password().unwrap_or(""));
        b = b.credentials(lettre::transport::smtp::authentication::Credentials::new(
            user, password,
        ));
    }
    Ok(b.build())
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// What a sending run did.
#[derive(Debug, Default)]
pub struct SendReport {
    pub sent: Vec<(String, String)>,
    /// (list, recipient, why)
    pub failed: Vec<(String, String, String)>,
}

/// Send every notice that is due and not yet sent: those noted when a list was made,
/// those of `list_ids` (the lists of this run, also ones made before their municipality
/// had recipients) to their municipality's recipients, and earlier ones that failed.
pub async fn send_due(
    store: &Store,
    data_dir: &Path,
    mailer: &Mailer,
    recipients: &std::collections::BTreeMap<String, Vec<String>>,
    list_ids: &[i64],
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<SendReport> {
    for id in list_ids {
        let Some(list) = lists::by_id(store, *id).await? else {
            continue;
        };
        for to in recipients
            .get(&list.municipality_code)
            .into_iter()
            .flatten()
        {
            lists::want_send(store, *id, to).await?;
        }
    }
    let mut report = SendReport::default();
    for (list_id, to) in lists::unsent(store).await? {
        let Some(stored) = lists::by_id(store, list_id).await? else {
            continue;
        };
        let name = format!("{} {}", stored.municipality_code, stored.week);
        let outcome = match notice(store, data_dir, mailer, &stored, &to).await {
            Ok(msg) => mailer
                .transport
                .send(msg)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Err(e) => Err(format!("{e:#}")),
        };
        let at = timestamp(now);
        match outcome {
            Ok(()) => {
                lists::mark_sent(store, list_id, &to, &at).await?;
                crate::store::audit::record(
                    store,
                    lists::SYSTEM_ACTOR,
                    "weekly_list_sent",
                    Some(&format!("list:{list_id}")),
                    Some(&to),
                )
                .await?;
                report.sent.push((name, to));
            }
            Err(why) => {
                lists::mark_failed(store, list_id, &to, &at, &why).await?;
                report.failed.push((name, to, why));
            }
        }
    }
    Ok(report)
}

/// The notice of one list to one recipient.
async fn notice(
    store: &Store,
    data_dir: &Path,
    mailer: &Mailer,
    stored: &lists::StoredList,
    to: &str,
) -> anyhow::Result<Message> {
    let list: WeeklyList = serde_json::from_str(&stored.content)?;
    let to: Mailbox = to.parse()?;
    let n = list.rows.len();
    let subject = format!(
        "webwacht: signalenlijst week {} voor {} ({} {})",
        list.week,
        list.municipality_name,
        n,
        if n == 1 { "signaal" } else { "signalen" }
    );
    let body = body(&list, &mailer.public_url, mailer.attach);
    let builder = Message::builder()
        .from(mailer.from.clone())
        .to(to)
        .subject(subject);
    if !mailer.attach {
        return Ok(builder.header(ContentType::TEXT_PLAIN).body(body)?);
    }
    let mut parts = MultiPart::mixed().singlepart(SinglePart::plain(body));
    for f in lists::files(store, stored.id).await? {
        let content_type = match f.kind.as_str() {
            "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "pdf" => "application/pdf",
            _ => continue,
        };
        let bytes = std::fs::read(data_dir.join(&f.path))
            .map_err(|e| anyhow::anyhow!("{}: {e}", f.path))?;
        let sha = hex::encode(Sha256::digest(&bytes));
        anyhow::ensure!(
            sha == f.sha256,
            "{}: de SHA-256 ({sha}) is niet die van de gemaakte lijst ({}); niet verstuurd",
            f.path,
            f.sha256
        );
        let file_name = Path::new(&f.path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        parts = parts.singlepart(
            Attachment::new(format!("{}-{file_name}", list.municipality_code))
                .body(bytes, ContentType::parse(content_type)?),
        );
    }
    Ok(builder.multipart(parts)?)
}

/// The text of the notice: the week, the count and the link; no personal data.
fn body(list: &WeeklyList, public_url: &str, attached: bool) -> String {
    let n = list.rows.len();
    let what = match n {
        0 => "In deze week zijn er geen nieuwe signalen bevestigd.".to_string(),
        1 => "Er staat 1 bevestigd signaal op de lijst.".to_string(),
        n => format!("Er staan {n} bevestigde signalen op de lijst."),
    };
    let where_ = if attached {
        "De lijst is bijgevoegd als Excel-bestand en als PDF. De bijlagen bevatten persoonsgegevens: \
         bewaar en deel ze alleen volgens de afspraken van het convenant."
    } else {
        "Deze e-mail bevat geen persoonsgegevens. Log in om de lijst te bekijken en te downloaden."
    };
    format!(
        "Geachte heer/mevrouw,\r\n\r\n\
         De signalenlijst van week {week} ({start} t/m {end}) voor de gemeente {name} is opgemaakt.\r\n\
         {what}\r\n\r\n\
         {where_}\r\n\
         {url}/reports\r\n\r\n\
         Met vriendelijke groet,\r\n\
         webwacht, namens het regionale team internetonderzoek\r\n\r\n\
         Dit bericht is automatisch verstuurd.\r\n",
        week = list.week,
        start = list.week_start,
        end = list.week_end,
        name = list.municipality_name,
        url = public_url,
    )
}
