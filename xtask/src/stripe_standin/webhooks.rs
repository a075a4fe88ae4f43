//! Webhook events exactly as Stripe sends them: the event's JSON, POSTed with Stripe's headers and
//! `Stripe-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed by the whole whsec_…
//! string>`, signed when sent (a late delivery carries a fresh timestamp, as Stripe's retries
//! do). A delivery is tried once, never retried — the test run sends everything once — and
//! recorded with what came of it. The failure switches only change the plan of deliveries
//! ([`plan`]), so they are tested without a network.

use std::time::Duration;

use anyhow::Result;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::Sha256;

/// The API version of the events (and of the Worker's parsing).
pub const API_VERSION: &str = "2025-03-31.basil";
const USER_AGENT: &str = "Stripe/1.0 (+https://stripe.com/docs/webhooks)";
/// Stripe gives an endpoint about this long to answer.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Deliveries kept for `GET /_stripe/events`, the oldest dropped first.
pub const KEPT: usize = 500;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub id: String,
    pub kind: &'static str,
    pub created: i64,
    /// The exact JSON sent: a duplicate delivery sends these same bytes.
    pub body: String,
}

impl Event {
    /// `object` as it is at this moment; `previous` the attributes an update changed.
    pub fn new(
        id: String,
        kind: &'static str,
        created: i64,
        object: Value,
        previous: Option<Value>,
    ) -> Self {
        let mut data = json!({ "object": object });
        if let Some(previous) = previous {
            data["previous_attributes"] = previous;
        }
        let body = json!({
            "id": id,
            "object": "event",
            "api_version": API_VERSION,
            "created": created,
            "livemode": false,
            "pending_webhooks": 1,
            "request": {"id": null, "idempotency_key": null},
            "type": kind,
            "data": data,
        })
        .to_string();
        Self {
            id,
            kind,
            created,
            body,
        }
    }
}

/// The fields of `before` that `after` changed, with their old values (an event's
/// `previous_attributes`).
pub fn previous_attributes(before: &Value, after: &Value) -> Value {
    let mut previous = serde_json::Map::new();
    if let (Some(before), Some(after)) = (before.as_object(), after.as_object()) {
        for (key, old) in before {
            if after.get(key) != Some(old) {
                previous.insert(key.clone(), old.clone());
            }
        }
    }
    Value::Object(previous)
}

/// How deliveries go wrong, set by `POST /_stripe/switches`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Switches {
    /// Every event delivered twice (same id, same body).
    pub duplicate: bool,
    /// The events of one action delivered last first.
    pub out_of_order: bool,
    /// Events held until `POST /_stripe/deliver_late`.
    pub late: bool,
}

/// What to deliver now, and what to hold for later, in the order each goes.
#[derive(Debug, PartialEq, Eq)]
pub struct Plan {
    pub now: Vec<Event>,
    pub held: Vec<Event>,
}

/// The deliveries of one action's `events` (in the order Stripe sends them) under `switches`.
pub fn plan(mut events: Vec<Event>, switches: Switches) -> Plan {
    if switches.out_of_order {
        events.reverse();
    }
    if switches.duplicate {
        events = events
            .into_iter()
            .flat_map(|event| [event.clone(), event])
            .collect();
    }
    if switches.late {
        Plan {
            now: vec![],
            held: events,
        }
    } else {
        Plan {
            now: events,
            held: vec![],
        }
    }
}

/// The `Stripe-Signature` header of `payload` sent at `timestamp`.
pub fn signature(secret: &str, timestamp: i64, payload: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(format!("{timestamp}.{payload}").as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("t={timestamp},v1={hex}")
}

/// One delivery attempt and what came of it.
#[derive(Clone, Debug, Serialize)]
pub struct Delivery {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub created: i64,
    pub body: String,
    pub signature: String,
    /// The endpoint's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Why it did not, otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// POSTs events to the webhook endpoint.
pub struct Sender {
    http: reqwest::blocking::Client,
    url: String,
    secret: String,
}

impl Sender {
    pub fn new(url: &str, secret: &str) -> Result<Self> {
        Ok(Self {
            http: reqwest::blocking::Client::builder()
                .timeout(TIMEOUT)
                // The endpoint is on this machine, whatever proxy the environment names.
                .no_proxy()
                .build()?,
            url: url.to_string(),
            secret: secret.to_string(),
        })
    }

    /// Sends `event` once, signed at `now_s`.
    pub fn deliver(&self, event: &Event, now_s: i64) -> Delivery {
        let signature = signature(&self.secret, now_s, &event.body);
        let sent = self
            .http
            .post(&self.url)
            .header("content-type", "application/json; charset=utf-8")
            .header("user-agent", USER_AGENT)
            .header("stripe-signature", &signature)
            .header("accept", "*/*; q=0.5, application/xml")
            .header("cache-control", "no-cache")
            .body(event.body.clone())
            .send();
        let (status, error) = match sent {
            Ok(response) => {
                let status = response.status().as_u16();
                // Read to the end: hanging up mid-answer makes workerd log a broken pipe.
                let _ = response.bytes();
                (Some(status), None)
            }
            Err(err) => (None, Some(format!("{:#}", anyhow::Error::from(err)))),
        };
        Delivery {
            id: event.id.clone(),
            kind: event.kind,
            created: event.created,
            body: event.body.clone(),
            signature,
            status,
            error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: u8) -> Event {
        Event::new(
            format!("evt_{n}"),
            "invoice.paid",
            100 + i64::from(n),
            json!({}),
            None,
        )
    }

    fn ids(events: &[Event]) -> Vec<&str> {
        events.iter().map(|e| e.id.as_str()).collect()
    }

    #[test]
    fn the_signature_is_stripes_hmac_of_timestamp_dot_body() {
        // An HMAC-SHA256 written out here (RFC 2104 over SHA-256), independent of the `hmac` crate.
        use sha2::Digest;
        let (secret, body) = ("whsec_test_secret", r#"{"id":"evt_1","object":"event"}"#);
        let mut key = [0u8; 64];
        key[..secret.len()].copy_from_slice(secret.as_bytes());
        let pad = |byte: u8| key.iter().map(|k| k ^ byte).collect::<Vec<u8>>();
        let inner = Sha256::new()
            .chain_update(pad(0x36))
            .chain_update(format!("1700000000.{body}"))
            .finalize();
        let outer = Sha256::new()
            .chain_update(pad(0x5c))
            .chain_update(inner)
            .finalize();
        let hex: String = outer.iter().map(|b| format!("{b:02x}")).collect();
        let header = signature(secret, 1_700_000_000, body);
        assert_eq!(header, format!("t=1700000000,v1={hex}"));
        // What Stripe's own library (npm `stripe` 19.3.1, `webhooks.generateTestHeaderString`)
        // makes of the same secret, timestamp and payload.
        assert_eq!(
            header,
            "t=1700000000,v1=0c8670ed117751cc551a20e35839447075c42800ea3cf3e8a2fbda99cd1e6edd"
        );
    }

    #[test]
    fn an_event_has_stripes_envelope_and_the_changed_attributes() {
        let before = json!({"id": "sub_1", "status": "active", "cancel_at_period_end": false});
        let after = json!({"id": "sub_1", "status": "active", "cancel_at_period_end": true});
        let previous = previous_attributes(&before, &after);
        assert_eq!(previous, json!({"cancel_at_period_end": false}));
        let event = Event::new(
            "evt_1".into(),
            "customer.subscription.updated",
            7,
            after,
            Some(previous),
        );
        let body: Value = serde_json::from_str(&event.body).unwrap();
        assert_eq!(body["object"], "event");
        assert_eq!(body["api_version"], API_VERSION);
        assert_eq!(body["type"], "customer.subscription.updated");
        assert_eq!(body["created"], 7);
        assert_eq!(body["livemode"], false);
        assert_eq!(body["pending_webhooks"], 1);
        assert_eq!(
            body["request"],
            json!({"id": null, "idempotency_key": null})
        );
        assert_eq!(body["data"]["object"]["cancel_at_period_end"], true);
        assert_eq!(
            body["data"]["previous_attributes"]["cancel_at_period_end"],
            false
        );
    }

    #[test]
    fn switches_change_the_plan_of_deliveries() {
        let events = vec![event(1), event(2), event(3)];
        let plain = plan(events.clone(), Switches::default());
        assert_eq!(ids(&plain.now), ["evt_1", "evt_2", "evt_3"]);
        assert!(plain.held.is_empty());

        let twice = plan(
            events.clone(),
            Switches {
                duplicate: true,
                ..Switches::default()
            },
        );
        assert_eq!(
            ids(&twice.now),
            ["evt_1", "evt_1", "evt_2", "evt_2", "evt_3", "evt_3"]
        );
        assert_eq!(twice.now[0], twice.now[1], "same id, same body");

        let reversed = plan(
            events.clone(),
            Switches {
                out_of_order: true,
                ..Switches::default()
            },
        );
        assert_eq!(ids(&reversed.now), ["evt_3", "evt_2", "evt_1"]);

        let late = plan(
            events,
            Switches {
                late: true,
                out_of_order: true,
                duplicate: false,
            },
        );
        assert!(late.now.is_empty());
        assert_eq!(ids(&late.held), ["evt_3", "evt_2", "evt_1"]);
    }

    #[test]
    fn switches_read_missing_fields_as_off_and_refuse_unknown_ones() {
        let switches: Switches = serde_json::from_str(r#"{"late":true}"#).unwrap();
        assert_eq!(
            switches,
            Switches {
                late: true,
                ..Switches::default()
            }
        );
        assert!(serde_json::from_str::<Switches>(r#"{"dupe":true}"#).is_err());
    }
}
