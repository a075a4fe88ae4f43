//! Calls for the AI features: a learner's explanation, an exam's trend card, the console's drafts.

use gloo::net::http::Request;

use super::{ApiFailure, js_encode, json};

/// "Why was my answer wrong?" for the learner's recorded answer to `question` of `session`.
pub async fn explain_mistake(
    session: &str,
    body: &ptp_shared::ExplainMistake,
) -> Result<ptp_shared::MistakeExplanation, ApiFailure> {
    json(super::body(
        Request::post(&format!(
            "/api/v1/sessions/{}/explanations",
            js_encode(session)
        )),
        body,
    ))
    .await
}

/// The exam's current trend card from X (none when there is nothing current).
pub async fn exam_trends(code: &str) -> Result<ptp_shared::ExamTrends, ApiFailure> {
    json(Request::get(&format!("/api/v1/exams/{}/trends", js_encode(code))).build()).await
}

/// The newest AI draft requests with their drafts' QA reports.
pub async fn drafts() -> Result<ptp_shared::DraftRequestList, ApiFailure> {
    json(Request::get("/api/v1/admin/drafts").build()).await
}

pub async fn request_drafts(
    request: &ptp_shared::RequestDrafts,
) -> Result<ptp_shared::DraftRequestView, ApiFailure> {
    json(super::body(Request::post("/api/v1/admin/drafts"), request)).await
}
