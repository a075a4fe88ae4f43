//! The test run's controls, under `/_stripe` (JSON, no key: the stand-in listens on 127.0.0.1
//! only): the failure switches, held events delivered late, time moved to a period's end, a
//! failed renewal, the deliveries made, and a signature made with the stand-in's own signer.
//!
//! - `GET|POST /_stripe/switches` `{"duplicate","out_of_order","late"}` (missing: false).
//! - `POST /_stripe/deliver_late`: the held events, in order.
//! - `POST /_stripe/advance` `{"customer"?}`: each live subscription (of everyone when absent)
//!   to its period's end — its period is moved to end now, as the real clock cannot be.
//! - `POST /_stripe/fail_payment` `{"subscription"}`: the renewal's payment fails.
//! - `GET /_stripe/events`: `{"data":[{id,type,created,body,signature,status,error?}],"held":n}`,
//!   oldest first, the last 500.
//! - `POST /_stripe/sign` `{"payload","timestamp"?}`: `{"header":"t=…,v1=…"}`.
//!
//! The three that send events answer `{"events":[{id,type,created,status,error}],"held":[…]}`:
//! each delivery's status (or transport error), and the events the `late` switch held.

use serde::Deserialize;
use serde_json::{Value, json};

use super::webhooks::{Switches, signature};
use super::{Call, Outcome, StandIn};
use crate::json_server::Reply;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Advance {
    customer: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FailPayment {
    subscription: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Sign {
    payload: String,
    timestamp: Option<i64>,
}

fn answer(status: u16, body: Value) -> Outcome {
    Outcome::Reply(Reply::json(status, &body))
}

/// The JSON body as `T` (an empty body is `{}`), or the 400 saying why not.
fn body<T: for<'de> Deserialize<'de>>(call: &Call<'_>) -> Result<T, Outcome> {
    let text = if call.body.trim().is_empty() {
        "{}"
    } else {
        call.body
    };
    serde_json::from_str(text).map_err(|err| answer(400, json!({ "error": err.to_string() })))
}

/// `/_stripe/…`; `None` for any other path.
pub fn handle(standin: &StandIn, call: &Call<'_>, now: i64) -> Option<Outcome> {
    let what = call.path.strip_prefix("/_stripe/")?;
    let outcome = match (call.method.as_str(), what) {
        ("GET", "switches") => answer(200, json!(standin.books().switches)),
        ("POST", "switches") => match body::<Switches>(call) {
            Ok(switches) => {
                standin.books().switches = switches;
                answer(200, json!(switches))
            }
            Err(refused) => refused,
        },
        ("POST", "deliver_late") => Outcome::DeliverHeld,
        ("POST", "advance") => match body::<Advance>(call) {
            Ok(Advance { customer }) => {
                let mut books = standin.books();
                match customer {
                    Some(id) if !books.customers.contains_key(&id) => {
                        answer(404, json!({ "error": format!("no customer {id}") }))
                    }
                    customer => Outcome::Report(books.advance(customer.as_deref(), now)),
                }
            }
            Err(refused) => refused,
        },
        ("POST", "fail_payment") => match body::<FailPayment>(call) {
            Ok(FailPayment { subscription }) => {
                match standin.books().fail_payment(&subscription, now) {
                    Some(events) => Outcome::Report(events),
                    None => answer(
                        404,
                        json!({ "error": format!("no live subscription {subscription}") }),
                    ),
                }
            }
            Err(refused) => refused,
        },
        ("GET", "events") => {
            let deliveries: Vec<Value> = standin.deliveries().iter().map(|d| json!(d)).collect();
            let held = standin.books().held.len();
            answer(200, json!({ "data": deliveries, "held": held }))
        }
        ("POST", "sign") => match body::<Sign>(call) {
            Ok(Sign { payload, timestamp }) => answer(
                200,
                json!({
                    "header": signature(&standin.webhook_secret, timestamp.unwrap_or(now), &payload)
                }),
            ),
            Err(refused) => refused,
        },
        _ => answer(404, json!({ "error": "no such control" })),
    };
    Some(outcome)
}
