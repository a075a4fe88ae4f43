//! A transport that answers from a script: the same reply to every request, or a rule's reply
//! to a request whose body contains its text.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::http::{HttpClient, HttpReply, OutboundRequest, TransportError};

/// Answers every request with the same reply (or, for a request whose body contains a rule's
/// text, that rule's reply) and records what was sent.
#[derive(Clone)]
pub struct ScriptedTransport {
    reply: Result<HttpReply, TransportError>,
    rules: Vec<(String, String)>,
    url_rules: Vec<(String, HttpReply)>,
    /// Replies to requests whose URL contains the text, one after the other (the last repeats).
    url_turns: Vec<(String, Arc<Mutex<Vec<HttpReply>>>)>,
    sent: Arc<Mutex<Vec<OutboundRequest>>>,
    paused: Arc<Mutex<Vec<Duration>>>,
}

impl ScriptedTransport {
    pub fn replying(status: u16, body: &str) -> Self {
        Self {
            reply: Ok(HttpReply::new(status, body.to_string())),
            rules: vec![],
            url_rules: vec![],
            url_turns: vec![],
            sent: Arc::default(),
            paused: Arc::default(),
        }
    }

    pub fn failing(error: TransportError) -> Self {
        Self {
            reply: Err(error),
            rules: vec![],
            url_rules: vec![],
            url_turns: vec![],
            sent: Arc::default(),
            paused: Arc::default(),
        }
    }

    /// Answers requests whose body contains `needle` with `body` (status 200) instead.
    pub fn when(mut self, needle: &str, body: &str) -> Self {
        self.rules.push((needle.to_string(), body.to_string()));
        self
    }

    /// Answers requests whose URL contains `needle` with `status` and `body` (before any
    /// body rule).
    pub fn at_url(mut self, needle: &str, status: u16, body: &str) -> Self {
        let reply = HttpReply::new(status, body.to_string());
        self.url_rules.push((needle.to_string(), reply));
        self
    }

    /// Answers requests whose URL contains `needle` with `replies` in turn, the last one to
    /// every request after it (before any other rule).
    pub fn in_turn_at(mut self, needle: &str, replies: Vec<HttpReply>) -> Self {
        self.url_turns
            .push((needle.to_string(), Arc::new(Mutex::new(replies))));
        self
    }

    pub fn requests(&self) -> Vec<OutboundRequest> {
        self.sent.lock().unwrap().clone()
    }

    /// The pauses asked for, in order (none of them waited).
    pub fn pauses(&self) -> Vec<Duration> {
        self.paused.lock().unwrap().clone()
    }
}

impl HttpClient for ScriptedTransport {
    async fn send(&self, request: OutboundRequest) -> Result<HttpReply, TransportError> {
        let rule = self.rules.iter().find(|(needle, _)| {
            request
                .body
                .as_deref()
                .is_some_and(|body| body.contains(needle.as_str()))
        });
        let at_url = self
            .url_rules
            .iter()
            .find(|(needle, _)| request.url.contains(needle.as_str()));
        let in_turn = self
            .url_turns
            .iter()
            .find(|(needle, _)| request.url.contains(needle.as_str()))
            .and_then(|(_, replies)| {
                let mut replies = replies.lock().unwrap();
                match replies.len() {
                    0 => None,
                    1 => Some(replies[0].clone()),
                    _ => Some(replies.remove(0)),
                }
            });
        if let Some(reply) = in_turn {
            self.sent.lock().unwrap().push(request);
            return Ok(reply);
        }
        let reply = match (at_url, rule) {
            (Some((_, reply)), _) => Ok(reply.clone()),
            (None, Some((_, body))) => Ok(HttpReply::new(200, body.clone())),
            (None, None) => self.reply.clone(),
        };
        self.sent.lock().unwrap().push(request);
        reply
    }

    async fn pause(&self, delay: Duration) {
        self.paused.lock().unwrap().push(delay);
    }
}
