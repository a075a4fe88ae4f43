//! Stripe's refusals, in its error body: `{"error":{"type","message","param","code"}}` — 400 for
//! a parameter, 401 for the key, 404 (`resource_missing`) for an id in the path.

use serde_json::{Value, json};

/// A request Stripe refuses: its status and error body.
#[derive(Debug)]
pub struct Refusal {
    pub status: u16,
    pub body: Value,
}

impl Refusal {
    fn new(
        status: u16,
        kind: &str,
        message: &str,
        param: Option<&str>,
        code: Option<&str>,
    ) -> Self {
        let mut error = json!({"type": kind, "message": message});
        if let Some(param) = param {
            error["param"] = json!(param);
        }
        if let Some(code) = code {
            error["code"] = json!(code);
        }
        Self {
            status,
            body: json!({ "error": error }),
        }
    }

    /// 400: a parameter is missing or wrong.
    pub fn invalid(message: &str, param: &str) -> Self {
        Self::new(400, "invalid_request_error", message, Some(param), None)
    }

    /// No object `id` of `kind`: 404 when the path names it, 400 when a parameter does.
    pub fn no_such(kind: &str, id: &str, param: Option<&str>) -> Self {
        let message = format!("No such {kind}: '{}'", shown(id));
        let status = if param.is_some() { 400 } else { 404 };
        Self::new(
            status,
            "invalid_request_error",
            &message,
            Some(param.unwrap_or("id")),
            Some("resource_missing"),
        )
    }

    /// Not a route of Stripe's API.
    pub fn unrecognized(method: &str, path: &str) -> Self {
        let message = format!(
            "Unrecognized request URL ({method}: {}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.",
            shown(path)
        );
        Self::new(404, "invalid_request_error", &message, None, None)
    }

    pub fn api_key(message: &str) -> Self {
        Self::new(401, "invalid_request_error", message, None, None)
    }

    pub fn idempotency(message: &str) -> Self {
        Self::new(400, "idempotency_error", message, None, None)
    }
}

/// Caller's text as an error shows it: bounded.
pub fn shown(text: &str) -> String {
    text.chars().take(100).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_object_is_stripes_resource_missing() {
        let by_path = Refusal::no_such("subscription", "sub_x", None);
        assert_eq!(by_path.status, 404);
        assert_eq!(by_path.body["error"]["code"], "resource_missing");
        assert_eq!(
            by_path.body["error"]["message"],
            "No such subscription: 'sub_x'"
        );
        let by_param = Refusal::no_such("customer", "cus_x", Some("customer"));
        assert_eq!(
            (by_param.status, by_param.body["error"]["param"].as_str()),
            (400, Some("customer"))
        );
    }
}
