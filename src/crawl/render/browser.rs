//! One headless Chromium: started with its own profile, killed when dropped; renders a
//! page in a fresh tab and answers every request the page makes through the [`Gate`].

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use data_encoding::BASE64;
use serde_json::{json, Value};
use tokio::sync::oneshot;
use url::Url;

use super::cdp::{closed, Cdp, CdpError, Event, Reply};
use super::{
    rendered_response, Gate, Refusal, RenderError, LOAD_TIMEOUT, MAX_REQUESTS_PER_PAGE, SETTLE_MAX,
    SETTLE_QUIET, START_TIMEOUT,
};
use crate::crawl::fetch::Response;

/// A running headless Chromium and the DevTools connection to it. Dropping it kills
/// Chromium first, then removes the profile.
pub(super) struct Browser {
    process: Process,
    cdp: Cdp,
    /// The temporary profile; removed (dropped) after Chromium was killed.
    _profile: tempfile::TempDir,
}

impl Browser {
    pub(super) async fn launch(path: &Path, user_agent: &str) -> Result<Browser, RenderError> {
        let failed = |reason: String| RenderError::Launch {
            path: path.display().to_string(),
            reason,
        };
        if !path.exists() {
            return Err(failed(
                "niet gevonden; installeer het Debian-pakket 'chromium'".into(),
            ));
        }
        let profile = tempfile::Builder::new()
            .prefix("webwacht-chromium-")
            .tempdir()
            .map_err(|e| failed(format!("tijdelijk profiel: {e}")))?;
        let child = Command::new(path)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--remote-debugging-port=0",
                "--remote-debugging-address=127.0.0.1",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-default-apps",
                "--disable-extensions",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--mute-audio",
                "--hide-scrollbars",
                // Second fence: anything not answered through Fetch goes to a proxy that
                // is not there (loopback included), so it never reaches the site.
                "--proxy-server=http://127.0.0.1:9",
                "--proxy-bypass-list=<-loopback>",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--user-agent={user_agent}"))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| failed(e.to_string()))?;
        // From here on an early return kills Chromium.
        let mut process = Process(child);
        let stderr = process.0.stderr.take().expect("stderr is piped");
        let (address_tx, address_rx) = oneshot::channel();
        std::thread::spawn(move || read_stderr(stderr, address_tx));
        let ws_url = match tokio::time::timeout(START_TIMEOUT, address_rx).await {
            Ok(Ok(Ok(url))) => url,
            Ok(Ok(Err(said))) => {
                return Err(failed(format!("gestopt zonder DevTools-adres: {said}")))
            }
            Ok(Err(_)) | Err(_) => {
                return Err(failed(format!(
                    "geen DevTools-adres binnen {START_TIMEOUT:?}"
                )))
            }
        };
        let cdp = Cdp::connect(&ws_url)
            .await
            .map_err(|e| failed(format!("{ws_url}: {e}")))?;
        tracing::info!(pid = process.0.id(), "Chromium gestart");
        Ok(Browser {
            process,
            cdp,
            _profile: profile,
        })
    }

    /// Render `url` in a fresh tab and return its DOM as the page's response.
    pub(super) async fn render(
        &mut self,
        url: &Url,
        gate: &mut Gate<'_>,
    ) -> Result<Response, RenderError> {
        let created = self
            .cdp
            .call(None, "Target.createTarget", json!({ "url": "about:blank" }))
            .await?;
        let target = str_field(&created, "targetId")?.to_string();
        let result = self.render_in(&target, url, gate).await;
        if let Err(e) = self
            .cdp
            .call(None, "Target.closeTarget", json!({ "targetId": target }))
            .await
        {
            tracing::debug!(error = %e, "tabblad sluiten mislukt");
        }
        result
    }

    async fn render_in(
        &mut self,
        target: &str,
        url: &Url,
        gate: &mut Gate<'_>,
    ) -> Result<Response, RenderError> {
        let page_error = |problem: String| RenderError::Page {
            url: url.to_string(),
            problem,
        };
        let attached = self
            .cdp
            .call(
                None,
                "Target.attachToTarget",
                json!({ "targetId": target, "flatten": true }),
            )
            .await?;
        let session = str_field(&attached, "sessionId")?.to_string();
        let s = Some(session.as_str());
        self.cdp.call(s, "Page.enable", json!({})).await?;
        self.cdp
            .call(
                s,
                "Fetch.enable",
                json!({ "patterns": [{ "urlPattern": "*", "requestStage": "Request" }] }),
            )
            .await?;
        // Not awaited here: Chromium answers only after we answered the page's request.
        let mut navigation = Some(self.cdp.send(
            s,
            "Page.navigate",
            json!({ "url": url.as_str() }),
        ));
        let mut page = PageState {
            target,
            main: None,
            redirected: HashMap::new(),
            fetched: 0,
        };
        let mut loaded = false;
        let mut waited = Duration::ZERO;
        let mut last_request = Instant::now();
        loop {
            let limit = if loaded {
                SETTLE_QUIET
                    .saturating_sub(last_request.elapsed())
                    .min(SETTLE_MAX.saturating_sub(waited))
            } else {
                LOAD_TIMEOUT.saturating_sub(waited)
            };
            let started = Instant::now();
            let next = tokio::select! {
                reply = async { navigation.as_mut().expect("checked").await }, if navigation.is_some() => Next::Navigated(reply),
                event = self.cdp.events.recv() => Next::Event(event),
                () = tokio::time::sleep(limit) => Next::Quiet,
            };
            waited += started.elapsed();
            match next {
                Next::Navigated(reply) => {
                    navigation = None;
                    let reply = reply.map_err(|_| closed())?.map_err(page_error)?;
                    if let Some(err) = reply.get("errorText").and_then(Value::as_str) {
                        if page.main.is_none() {
                            return Err(page_error(format!("laden mislukt: {err}")));
                        }
                    }
                }
                Next::Event(None) => return Err(closed()),
                Next::Event(Some(event)) => {
                    if event.session.as_deref() != s {
                        continue;
                    }
                    match event.method.as_str() {
                        "Fetch.requestPaused" => {
                            self.answer(&session, &event.params, &mut page, gate)
                                .await?;
                            last_request = Instant::now();
                            if let Some(main) = &page.main {
                                if main.status != 200 || !main.is_html() {
                                    // Nothing to render: keep the response as it came.
                                    return Ok(page.main.take().expect("checked"));
                                }
                            }
                        }
                        "Page.loadEventFired" if page.main.is_some() && !loaded => {
                            loaded = true;
                            waited = Duration::ZERO;
                            last_request = Instant::now();
                        }
                        "Inspector.detached" | "Target.targetCrashed" => {
                            return Err(page_error(format!("tabblad weg ({})", event.method)));
                        }
                        _ => {}
                    }
                }
                Next::Quiet if loaded => break,
                Next::Quiet => {
                    return Err(page_error(format!(
                        "pagina niet geladen binnen {LOAD_TIMEOUT:?}"
                    )))
                }
            }
        }
        let main = page.main.take().expect("loaded implies a document");
        let evaluated = self
            .cdp
            .call(
                s,
                "Runtime.evaluate",
                json!({ "expression": "document.documentElement.outerHTML", "returnByValue": true }),
            )
            .await?;
        if let Some(details) = evaluated.get("exceptionDetails") {
            return Err(page_error(format!("DOM niet leesbaar: {details}")));
        }
        let html = evaluated
            .pointer("/result/value")
            .and_then(Value::as_str)
            .ok_or_else(|| page_error("DOM niet leesbaar: geen tekst".into()))?;
        Ok(rendered_response(main, html))
    }

    /// Answer one paused request: fetch it politely and fulfil it, or refuse it.
    async fn answer(
        &mut self,
        session: &str,
        params: &Value,
        page: &mut PageState<'_>,
        gate: &mut Gate<'_>,
    ) -> Result<(), RenderError> {
        let id = str_field(params, "requestId")?;
        let raw_url = params
            .pointer("/request/url")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let method = params
            .pointer("/request/method")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let kind = params
            .get("resourceType")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let is_main = kind == "Document"
            && params.get("frameId").and_then(Value::as_str) == Some(page.target);
        let url = Url::parse(raw_url).ok();

        let outcome = match &url {
            _ if method != "GET" => Err("geen GET"),
            _ if !FETCHED_TYPES.contains(&kind) => Err("niet nodig"),
            None => Err("ongeldige URL"),
            Some(url) => match page.redirected.remove(url) {
                // Our fetcher already followed this redirect; Chromium now asks for the
                // target, whose answer we have.
                Some(resp) => Ok(resp),
                None if page.fetched >= MAX_REQUESTS_PER_PAGE => Err("te veel verzoeken"),
                None => {
                    page.fetched += 1;
                    match gate.fetch(url).await {
                        Ok(resp) => Ok(resp),
                        Err(Refusal::Host) => Err("host niet toegestaan"),
                        Err(Refusal::Robots) => Err("robots.txt"),
                        Err(Refusal::Failed(e)) if is_main => return Err(e.into()),
                        Err(Refusal::Failed(e)) => {
                            tracing::debug!(error = %e, "ophalen voor pagina mislukt");
                            Err("ophalen mislukt")
                        }
                    }
                }
            },
        };
        let resp = match outcome {
            Ok(resp) => resp,
            Err(why) => {
                tracing::debug!(url = raw_url, kind, why, "verzoek van pagina geweigerd");
                if is_main {
                    return Err(RenderError::Page {
                        url: raw_url.to_string(),
                        problem: format!("pagina geweigerd: {why}"),
                    });
                }
                let failed = json!({ "requestId": id, "errorReason": "BlockedByClient" });
                return self.answer_call(session, "Fetch.failRequest", failed).await;
            }
        };
        let fulfil = if url.as_ref() != Some(&resp.url) {
            // Let Chromium see the redirect, so the document's address (and what its
            // relative links resolve against) is the final one.
            let location = resp.url.to_string();
            page.redirected.insert(resp.url.clone(), resp);
            json!({
                "requestId": id,
                "responseCode": 302,
                "responseHeaders": [{ "name": "Location", "value": location }],
                "body": "",
            })
        } else {
            let headers: Vec<Value> = resp
                .headers
                .iter()
                .filter(|(name, _)| !HOP_HEADERS.contains(&name.as_str()))
                .filter_map(|(name, value)| {
                    let value = value.to_str().ok()?;
                    Some(json!({ "name": name.as_str(), "value": value }))
                })
                .collect();
            let body = BASE64.encode(&resp.body);
            let status = resp.status;
            if is_main {
                page.main = Some(resp);
            }
            json!({
                "requestId": id,
                "responseCode": status,
                "responseHeaders": headers,
                "body": body,
            })
        };
        self.answer_call(session, "Fetch.fulfillRequest", fulfil)
            .await
    }

    /// Send our answer to a paused request. Chromium refuses it when the page dropped
    /// the request meanwhile; only a lost connection is an error.
    async fn answer_call(
        &mut self,
        session: &str,
        method: &str,
        params: Value,
    ) -> Result<(), RenderError> {
        match self.cdp.call(Some(session), method, params).await {
            Ok(_) => Ok(()),
            Err(CdpError::Refused(message)) => {
                tracing::debug!(method, message, "antwoord op verzoek niet aangenomen");
                Ok(())
            }
            Err(e @ CdpError::Gone(_)) => Err(e.into()),
        }
    }

    /// Ask Chromium to quit and give it a moment; dropping [`Process`] kills what is left.
    pub(super) async fn close(mut self) {
        let _ = tokio::time::timeout(
            Duration::from_secs(5),
            self.cdp.call(None, "Browser.close", json!({})),
        )
        .await;
        for _ in 0..50 {
            if !matches!(self.process.0.try_wait(), Ok(None)) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tracing::info!("Chromium gestopt");
    }
}

/// The Chromium process; killed and reaped when dropped (also on an early return or a
/// panic).
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Read Chromium's stderr: hand over the DevTools address once it is printed (or the
/// last lines if Chromium ends first), then keep reading so Chromium never blocks on a
/// full pipe.
fn read_stderr(
    stderr: std::process::ChildStderr,
    address: oneshot::Sender<Result<String, String>>,
) {
    let mut address = Some(address);
    let mut said: Vec<String> = Vec::new();
    for line in std::io::BufReader::new(stderr).lines() {
        let Ok(line) = line else { break };
        match line.trim().strip_prefix("DevTools listening on ") {
            Some(url) if address.is_some() => {
                if let Some(tx) = address.take() {
                    let _ = tx.send(Ok(url.to_string()));
                }
            }
            _ if address.is_some() => said.push(line),
            _ => tracing::trace!(target: "chromium", "{line}"),
        }
    }
    if let Some(tx) = address {
        let _ = tx.send(Err(tail(&said)));
    }
}

/// Resource types fetched for a page: the document, its scripts and their data.
/// Everything else (images, fonts, style sheets, media, pings) is refused.
const FETCHED_TYPES: [&str; 4] = ["Document", "Script", "XHR", "Fetch"];

/// Headers that describe the connection or the encoding of the bytes on the wire, not
/// the body Chromium is given.
const HOP_HEADERS: [&str; 6] = [
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "content-encoding",
    "upgrade",
];

/// What one page's requests have produced so far.
struct PageState<'a> {
    /// The tab's id, which is also its main frame's id.
    target: &'a str,
    /// The main document as fetched.
    main: Option<Response>,
    /// Responses that our fetcher reached through a redirect, by final URL, until
    /// Chromium follows the redirect to them.
    redirected: HashMap<Url, Response>,
    /// Requests fetched for this page.
    fetched: usize,
}

/// One step of a page's event loop.
enum Next {
    Navigated(Result<Reply, oneshot::error::RecvError>),
    Event(Option<Event>),
    Quiet,
}

fn str_field<'v>(v: &'v Value, key: &str) -> Result<&'v str, RenderError> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| RenderError::Protocol(format!("antwoord zonder {key}: {v}")))
}

/// The last few lines Chromium wrote, for an error message.
fn tail(lines: &[String]) -> String {
    let start = lines.len().saturating_sub(5);
    let text = lines[start..].join(" | ");
    if text.is_empty() {
        "(geen uitvoer)".into()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn launch_without_chromium_names_the_path() {
        let err = Browser::launch(Path::new("/nonexistent/chromium"), "ua")
            .await
            .err()
            .expect("no browser there");
        let msg = err.to_string();
        assert!(
            msg.contains("/nonexistent/chromium") && msg.contains("chromium"),
            "{msg}"
        );
    }
}
