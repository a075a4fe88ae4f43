//! Calls to the API on the app's own origin.

use gloo::net::http::Request;
use ptp_shared::HealthResponse;

/// `GET /api/health`. A 503 still carries the report (which checks failed), so both 200 and 503
/// bodies are read; anything else means the API itself is unreachable.
pub async fn health() -> Result<HealthResponse, String> {
    let response = Request::get("/api/health")
        .send()
        .await
        .map_err(|err| err.to_string())?;
    match response.status() {
        200 | 503 => response
            .json::<HealthResponse>()
            .await
            .map_err(|err| err.to_string()),
        status => Err(format!("HTTP {status}")),
    }
}
