//! A minimal Chrome DevTools Protocol client over one websocket: commands with ids
//! matched to their answers, events in arrival order.

use std::collections::HashMap;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

use super::{RenderError, CALL_TIMEOUT};

/// A DevTools command that did not succeed.
#[derive(Debug, thiserror::Error)]
pub(super) enum CdpError {
    /// Chromium answered with an error.
    #[error("{0}")]
    Refused(String),
    /// No answer: the connection is gone or Chromium hangs.
    #[error("{0}")]
    Gone(String),
}

impl From<CdpError> for RenderError {
    fn from(e: CdpError) -> RenderError {
        match e {
            CdpError::Refused(m) | CdpError::Gone(m) => RenderError::Protocol(m),
        }
    }
}

/// The answer to one DevTools command: its `result`, or its error message.
pub(super) type Reply = Result<Value, String>;

/// A DevTools event, with the session it belongs to (none: the browser).
#[derive(Debug)]
pub(super) struct Event {
    pub(super) method: String,
    pub(super) session: Option<String>,
    pub(super) params: Value,
}

/// One DevTools command on its way out.
struct Call {
    text: String,
    id: u64,
    reply: oneshot::Sender<Reply>,
}

/// A minimal Chrome DevTools Protocol client: commands with ids matched to their
/// answers, events in arrival order. One task owns the websocket.
pub(super) struct Cdp {
    calls: mpsc::UnboundedSender<Call>,
    pub(super) events: mpsc::UnboundedReceiver<Event>,
    next_id: u64,
}

impl Cdp {
    pub(super) async fn connect(ws_url: &str) -> Result<Cdp, String> {
        let (ws, _) = tokio::time::timeout(CALL_TIMEOUT, tokio_tungstenite::connect_async(ws_url))
            .await
            .map_err(|_| "geen verbinding".to_string())?
            .map_err(|e| e.to_string())?;
        let (calls, calls_rx) = mpsc::unbounded_channel();
        let (events_tx, events) = mpsc::unbounded_channel();
        tokio::spawn(pump(ws, calls_rx, events_tx));
        Ok(Cdp {
            calls,
            events,
            next_id: 1,
        })
    }

    /// Send a command; its answer arrives on the returned channel.
    pub(super) fn send(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> oneshot::Receiver<Reply> {
        let id = self.next_id;
        self.next_id += 1;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            msg["sessionId"] = Value::from(s);
        }
        let (reply, rx) = oneshot::channel();
        // If the pump is gone, `reply` is dropped with the call and the receiver says so.
        let _ = self.calls.send(Call {
            text: msg.to_string(),
            id,
            reply,
        });
        rx
    }

    /// Send a command and wait for its answer.
    pub(super) async fn call(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, CdpError> {
        let rx = self.send(session, method, params);
        match tokio::time::timeout(CALL_TIMEOUT, rx).await {
            Ok(Ok(Ok(v))) => Ok(v),
            Ok(Ok(Err(message))) => Err(CdpError::Refused(format!("{method}: {message}"))),
            Ok(Err(_)) => Err(CdpError::Gone(format!("{method}: {}", closed()))),
            Err(_) => Err(CdpError::Gone(format!(
                "{method}: geen antwoord binnen {CALL_TIMEOUT:?}"
            ))),
        }
    }
}

/// Owns the websocket: writes commands, routes answers to their callers and events to
/// the event queue. Ends when either side goes away.
async fn pump(
    mut ws: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    mut calls: mpsc::UnboundedReceiver<Call>,
    events: mpsc::UnboundedSender<Event>,
) {
    let mut pending: HashMap<u64, oneshot::Sender<Reply>> = HashMap::new();
    loop {
        tokio::select! {
            call = calls.recv() => {
                let Some(call) = call else { break };
                pending.insert(call.id, call.reply);
                if ws.send(Message::text(call.text)).await.is_err() {
                    break;
                }
            }
            msg = ws.next() => {
                let text = match msg {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
                    Some(Ok(_)) => continue,
                };
                let Ok(mut v) = serde_json::from_str::<Value>(text.as_str()) else {
                    continue;
                };
                if let Some(id) = v.get("id").and_then(Value::as_u64) {
                    if let Some(reply) = pending.remove(&id) {
                        let answer = match v.get("error") {
                            Some(err) => Err(err
                                .get("message")
                                .and_then(Value::as_str)
                                .map_or_else(|| err.to_string(), String::from)),
                            None => Ok(v.get_mut("result").map(Value::take).unwrap_or(Value::Null)),
                        };
                        let _ = reply.send(answer);
                    }
                } else if let Some(method) = v.get("method").and_then(Value::as_str) {
                    let event = Event {
                        method: method.to_string(),
                        session: v.get("sessionId").and_then(Value::as_str).map(String::from),
                        params: v.get_mut("params").map(Value::take).unwrap_or(Value::Null),
                    };
                    let _ = events.send(event);
                }
            }
        }
    }
    let _ = ws.close(None).await;
}

/// The connection to Chromium is gone.
pub(super) fn closed() -> RenderError {
    RenderError::Protocol("verbinding met Chromium verbroken".into())
}
