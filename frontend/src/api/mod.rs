//! Calls to the API on the app's own origin. Same-origin requests carry the session cookie.

use gloo::net::http::{Request, RequestBuilder, Response};
use ptp_shared::{
    ApiKeyList, CreateApiKey, CreatedApiKey, DeleteMe, ErrorBody, ErrorCode, HealthResponse,
    KeysRevoked, Me, SessionInfo, UpdateMe,
};
use serde::de::DeserializeOwned;

mod ai;
mod billing;
pub use ai::{drafts, exam_trends, explain_mistake, request_drafts};
pub use billing::{LimitReached, billing_portal, billing_status, plans, start_checkout};

/// A failed call: the API's error body when it sent one (its code to branch on, its message to
/// show, its details), otherwise what went wrong on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiFailure {
    pub status: u16,
    /// The server's error code; `None` when no error body came back.
    pub code: Option<ErrorCode>,
    pub message: String,
    pub details: Option<serde_json::Map<String, serde_json::Value>>,
}

impl ApiFailure {
    fn network(err: gloo::net::Error) -> Self {
        Self::without_body(0, format!("Could not reach PingToPass ({err})."))
    }

    /// A failure this app noticed in an answer it got, shown the way the API's own are.
    pub fn local(message: &str) -> Self {
        Self::without_body(0, message.into())
    }

    fn without_body(status: u16, message: String) -> Self {
        Self {
            status,
            code: None,
            message,
            details: None,
        }
    }
}

async fn failure(response: Response) -> ApiFailure {
    let status = response.status();
    match response.json::<ErrorBody>().await {
        Ok(body) => ApiFailure {
            status,
            code: Some(body.error.code),
            message: body.error.message,
            details: body.error.details,
        },
        Err(_) => ApiFailure::without_body(status, format!("Unexpected answer (HTTP {status}).")),
    }
}

async fn send(request: Result<Request, gloo::net::Error>) -> Result<Response, ApiFailure> {
    let response = request
        .map_err(ApiFailure::network)?
        .send()
        .await
        .map_err(ApiFailure::network)?;
    if response.ok() {
        Ok(response)
    } else {
        Err(failure(response).await)
    }
}

async fn json<T: DeserializeOwned>(
    request: Result<Request, gloo::net::Error>,
) -> Result<T, ApiFailure> {
    let response = send(request).await?;
    response
        .json::<T>()
        .await
        .map_err(|err| ApiFailure::without_body(response.status(), err.to_string()))
}

fn body<T: serde::Serialize>(
    builder: RequestBuilder,
    value: &T,
) -> Result<Request, gloo::net::Error> {
    builder.json(value)
}

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

/// The signed-in learner or guest; `Ok(None)` when this browser has no session.
pub async fn current_user() -> Result<Option<Me>, ApiFailure> {
    json::<SessionInfo>(Request::get("/api/v1/auth/session").build())
        .await
        .map(|session| session.user)
}

pub async fn update_me(update: &UpdateMe) -> Result<Me, ApiFailure> {
    json(body(Request::patch("/api/v1/me"), update)).await
}

pub async fn sign_out() -> Result<(), ApiFailure> {
    send(Request::post("/api/v1/auth/sign-out").build())
        .await
        .map(drop)
}

pub async fn sign_out_everywhere() -> Result<(), ApiFailure> {
    send(Request::post("/api/v1/auth/sign-out-everywhere").build())
        .await
        .map(drop)
}

pub async fn delete_me(confirmation: &DeleteMe) -> Result<(), ApiFailure> {
    send(body(Request::delete("/api/v1/me"), confirmation))
        .await
        .map(drop)
}

pub async fn api_keys() -> Result<ApiKeyList, ApiFailure> {
    json(Request::get("/api/v1/me/api-keys").build()).await
}

pub async fn create_api_key(request: &CreateApiKey) -> Result<CreatedApiKey, ApiFailure> {
    json(body(Request::post("/api/v1/me/api-keys"), request)).await
}

pub async fn revoke_all_api_keys() -> Result<KeysRevoked, ApiFailure> {
    json(Request::delete("/api/v1/me/api-keys").build()).await
}

pub async fn revoke_api_key(id: &str) -> Result<(), ApiFailure> {
    send(Request::delete(&format!("/api/v1/me/api-keys/{id}")).build())
        .await
        .map(drop)
}

/// Where "Sign in with Google" starts, coming back to `return_to`.
pub fn sign_in_url(return_to: &str) -> String {
    let encoded: String = js_encode(return_to);
    format!("/api/v1/auth/google/start?return_to={encoded}")
}

fn js_encode(value: &str) -> String {
    js_sys::encode_uri_component(value).into()
}

// ---- learning ---------------------------------------------------------------------------------

pub async fn exams() -> Result<ptp_shared::ExamList, ApiFailure> {
    json(Request::get("/api/v1/exams").build()).await
}

pub async fn exam(code: &str) -> Result<ptp_shared::ExamDetail, ApiFailure> {
    json(Request::get(&format!("/api/v1/exams/{}", js_encode(code))).build()).await
}

pub async fn start_session(
    request: &ptp_shared::StartSession,
) -> Result<ptp_shared::SessionView, ApiFailure> {
    json(body(Request::post("/api/v1/sessions"), request)).await
}

pub async fn session(id: &str) -> Result<ptp_shared::SessionView, ApiFailure> {
    json(Request::get(&format!("/api/v1/sessions/{}", js_encode(id))).build()).await
}

pub async fn review(id: &str) -> Result<ptp_shared::SessionView, ApiFailure> {
    json(Request::get(&format!("/api/v1/sessions/{}/review", js_encode(id))).build()).await
}

pub async fn answer(
    id: &str,
    submit: &ptp_shared::SubmitAnswer,
) -> Result<ptp_shared::AnswerOutcome, ApiFailure> {
    json(body(
        Request::post(&format!("/api/v1/sessions/{}/answers", js_encode(id))),
        submit,
    ))
    .await
}

pub async fn flag(id: &str, question: &str, flagged: bool) -> Result<(), ApiFailure> {
    let path = format!(
        "/api/v1/sessions/{}/flags/{}",
        js_encode(id),
        js_encode(question)
    );
    send(body(Request::put(&path), &ptp_shared::SetFlag { flagged }))
        .await
        .map(drop)
}

pub async fn finish(id: &str) -> Result<ptp_shared::SessionView, ApiFailure> {
    json(Request::post(&format!("/api/v1/sessions/{}/finish", js_encode(id))).build()).await
}

pub async fn progress() -> Result<ptp_shared::Progress, ApiFailure> {
    json(Request::get("/api/v1/me/progress").build()).await
}

pub async fn readiness(exam: &str) -> Result<ptp_shared::Readiness, ApiFailure> {
    json(Request::get(&format!("/api/v1/me/readiness/{}", js_encode(exam))).build()).await
}

/// Readiness day by day (Pro; on Free a 402 naming the `feature`).
pub async fn readiness_history(exam: &str) -> Result<ptp_shared::ReadinessHistory, ApiFailure> {
    let path = format!("/api/v1/me/readiness/{}/history", js_encode(exam));
    json(Request::get(&path).build()).await
}

/// The month's running costs (admins only).
pub async fn costs() -> Result<ptp_shared::CostReport, ApiFailure> {
    json(Request::get("/api/v1/admin/costs?days=31").build()).await
}

pub async fn due_reviews() -> Result<ptp_shared::DueReviews, ApiFailure> {
    json(Request::get("/api/v1/me/reviews/due").build()).await
}

pub async fn report_question(
    question: &str,
    report: &ptp_shared::ReportQuestion,
) -> Result<ptp_shared::ReportView, ApiFailure> {
    json(body(
        Request::post(&format!(
            "/api/v1/questions/{}/reports",
            js_encode(question)
        )),
        report,
    ))
    .await
}

/// A guest session for this browser unless it has one: practice needs someone to belong to.
pub async fn ensure_session() -> Result<Me, ApiFailure> {
    json(Request::post("/api/v1/auth/guest").build()).await
}

// ---- admin console ----------------------------------------------------------------------------

/// `GET /api/v1/admin/questions` with `query` already encoded (`exam=…&status=…`).
pub async fn admin_questions(query: &str) -> Result<ptp_shared::AdminQuestionList, ApiFailure> {
    json(Request::get(&format!("/api/v1/admin/questions?{query}")).build()).await
}

pub async fn admin_question(id: &str) -> Result<ptp_shared::AdminQuestion, ApiFailure> {
    json(Request::get(&format!("/api/v1/admin/questions/{}", js_encode(id))).build()).await
}

pub async fn preview_question(
    content: &ptp_shared::QuestionContent,
) -> Result<ptp_shared::PreviewResult, ApiFailure> {
    json(body(
        Request::post("/api/v1/admin/questions/preview"),
        content,
    ))
    .await
}

pub async fn create_question(
    new: &ptp_shared::NewQuestion,
) -> Result<ptp_shared::AdminQuestion, ApiFailure> {
    json(body(Request::post("/api/v1/admin/questions"), new)).await
}

pub async fn save_question(
    id: &str,
    save: &ptp_shared::SaveQuestion,
) -> Result<ptp_shared::AdminQuestion, ApiFailure> {
    json(body(
        Request::put(&format!("/api/v1/admin/questions/{}", js_encode(id))),
        save,
    ))
    .await
}

pub async fn change_status(
    id: &str,
    change: &ptp_shared::ChangeStatus,
) -> Result<ptp_shared::AdminQuestion, ApiFailure> {
    json(body(
        Request::post(&format!("/api/v1/admin/questions/{}/status", js_encode(id))),
        change,
    ))
    .await
}

pub async fn question_history(id: &str) -> Result<ptp_shared::QuestionHistory, ApiFailure> {
    json(
        Request::get(&format!(
            "/api/v1/admin/questions/{}/versions",
            js_encode(id)
        ))
        .build(),
    )
    .await
}

pub async fn restore_version(
    id: &str,
    version: u32,
    base_version: u32,
) -> Result<ptp_shared::AdminQuestion, ApiFailure> {
    json(body(
        Request::post(&format!(
            "/api/v1/admin/questions/{}/versions/{version}/restore",
            js_encode(id)
        )),
        &ptp_shared::RestoreVersion { base_version },
    ))
    .await
}

/// `GET /api/v1/admin/reports` with `query` already encoded.
pub async fn admin_reports(query: &str) -> Result<ptp_shared::ReportList, ApiFailure> {
    json(Request::get(&format!("/api/v1/admin/reports?{query}")).build()).await
}

pub async fn admin_report(id: &str) -> Result<ptp_shared::ReportDetail, ApiFailure> {
    json(Request::get(&format!("/api/v1/admin/reports/{}", js_encode(id))).build()).await
}

pub async fn resolve_report(
    id: &str,
    resolution: &ptp_shared::ResolveReport,
) -> Result<ptp_shared::ReportView, ApiFailure> {
    json(body(
        Request::post(&format!("/api/v1/admin/reports/{}/resolve", js_encode(id))),
        resolution,
    ))
    .await
}

/// `GET /api/v1/admin/audit` with `query` already encoded.
pub async fn audit_log(query: &str) -> Result<ptp_shared::AuditPage, ApiFailure> {
    json(Request::get(&format!("/api/v1/admin/audit?{query}")).build()).await
}

pub async fn my_reports() -> Result<ptp_shared::MyReports, ApiFailure> {
    json(Request::get("/api/v1/me/reports").build()).await
}

/// `POST /api/v1/admin/import`: `text` checked (`dry_run`) or applied to `exam`'s bank.
pub async fn import_bank(
    exam: &str,
    format: ptp_shared::bank::BankFormat,
    dry_run: bool,
    text: &str,
) -> Result<ptp_shared::bank::ImportReport, ApiFailure> {
    let dry_run = if dry_run { "true" } else { "false" };
    let url = format!(
        "/api/v1/admin/import?{}",
        query(&[
            ("exam", exam),
            ("format", format.extension()),
            ("dry_run", dry_run)
        ])
    );
    json(
        Request::post(&url)
            .header("content-type", format.media_type())
            .body(text.to_string()),
    )
    .await
}

/// `GET /api/v1/admin/stats` with `query` already encoded.
pub async fn item_stats(query: &str) -> Result<ptp_shared::ItemStatsList, ApiFailure> {
    json(Request::get(&format!("/api/v1/admin/stats?{query}")).build()).await
}

/// A query string of the pairs whose value is not empty, each value encoded.
pub fn query(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!("{name}={}", js_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}
