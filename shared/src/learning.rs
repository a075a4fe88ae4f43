//! The catalogue, sessions, answers, results, progress and readiness.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Navigation {
    /// Questions may be revisited and answers changed until time runs out.
    ReviewAllowed,
    /// Once the learner moves on, earlier questions are closed.
    ForwardOnly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    Single,
    /// Pick exactly `picks` choices.
    Multi,
    /// Put every choice in order.
    Ordering,
}

/// One exam in the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExamSummary {
    pub code: String,
    pub vendor: String,
    pub name: String,
    pub version: String,
    pub question_count: u32,
    pub minutes: u32,
    pub score_min: u32,
    pub score_max: u32,
    pub passing_score: u32,
    pub navigation: Navigation,
    /// Published questions in the bank.
    pub bank_size: u32,
    /// The kinds of item the real exam has: its mocks draw only these, practice every kind.
    pub mock_kinds: Vec<QuestionKind>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExamList {
    pub exams: Vec<ExamSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExamDomain {
    pub code: String,
    pub name: String,
    /// Percent of the exam.
    pub weight: u32,
    /// Published questions in this domain.
    pub bank_size: u32,
}

/// `GET /api/v1/exams/{code}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExamDetail {
    #[serde(flatten)]
    pub summary: ExamSummary,
    pub domains: Vec<ExamDomain>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Choice {
    pub id: String,
    /// Markdown (inline).
    pub text: String,
    /// `text` rendered to HTML (inline): raw HTML in the Markdown is escaped, links keep only
    /// http(s) and mailto, images only this site's paths.
    pub html: String,
}

/// What is revealed about a question once it has been answered (or to admins).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Solution {
    /// Single: one id. Multi: the right ids. Ordering: every id in the right order.
    pub key: Vec<String>,
    /// Markdown: why the key is right and each other choice wrong.
    pub explanation: String,
    /// `explanation` rendered to HTML, sanitized as [`Choice::html`].
    pub explanation_html: String,
    pub references: Vec<String>,
    /// Each reference rendered to HTML (inline), in the same order.
    pub references_html: Vec<String>,
}

/// A question as learners see it: never its key unless `solution` is present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionView {
    pub id: String,
    pub exam: String,
    pub domain: String,
    pub kind: QuestionKind,
    /// Markdown.
    pub stem: String,
    /// `stem` rendered to HTML, sanitized as [`Choice::html`].
    pub stem_html: String,
    pub choices: Vec<Choice>,
    /// How many choices to pick (multi), or how many items to order.
    pub picks: u32,
    pub version: u32,
    /// Present only when the caller has answered it, or is an admin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solution: Option<Solution>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionList {
    pub questions: Vec<QuestionView>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Instant feedback and explanations; untimed.
    Practice,
    /// Timed and ruled like the real exam; results at the end.
    Mock,
}

/// Which questions a practice session draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Filter {
    #[default]
    All,
    /// Never answered.
    Unseen,
    /// Last answered wrong (or only partly right).
    Missed,
    /// Due for spaced review now.
    Due,
}

/// `POST /api/v1/sessions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StartSession {
    pub exam: String,
    pub mode: Mode,
    /// Practice: 1–50, default 10. Mock: 1 up to the exam's length (default), time scaled to match.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub count: Option<u32>,
    /// Practice only: restrict to these domain codes (at most 16; no exam has more).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 16))]
    pub domains: Option<Vec<String>>,
    /// Practice only.
    #[serde(default)]
    pub filter: Option<Filter>,
}

/// One question of a session, where the learner stands with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionItem {
    pub position: u32,
    pub question: QuestionView,
    /// The learner's current answer (choice ids), if any.
    pub answer: Option<Vec<String>>,
    pub flagged: bool,
    /// Practice: set once answered. Mock: set after finishing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DomainScore {
    pub code: String,
    pub name: String,
    pub questions: u32,
    /// Credit earned, partial credit included.
    pub credit: f64,
    /// `credit / questions` as a percentage.
    pub percent: f64,
}

/// How a finished session went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionResult {
    /// Share of the credit earned, 0–1 (unanswered questions earn none).
    pub raw: f64,
    /// On the vendor's scale (mocks; practice shows it for orientation).
    pub scaled: u32,
    pub score_min: u32,
    pub score_max: u32,
    pub passing_score: u32,
    /// Mocks only.
    pub passed: Option<bool>,
    pub correct: u32,
    pub answered: u32,
    pub total: u32,
    pub domains: Vec<DomainScore>,
}

/// `GET /api/v1/sessions/{id}` and the answer to `POST /api/v1/sessions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionView {
    pub id: String,
    pub exam: String,
    pub exam_name: String,
    pub mode: Mode,
    pub filter: Filter,
    pub navigation: Navigation,
    pub started_at: String,
    /// Mocks: when the server stops accepting answers (RFC 3339).
    pub deadline_at: Option<String>,
    /// The server's clock when this was sent, to run a countdown without trusting the device.
    pub server_time: String,
    pub finished_at: Option<String>,
    /// Forward-only mocks: the furthest position answered; earlier ones are closed.
    pub furthest: Option<u32>,
    pub items: Vec<SessionItem>,
    pub result: Option<SessionResult>,
}

/// `POST /api/v1/sessions/{id}/answers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubmitAnswer {
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub question: String,
    /// Choice ids: one (single), `picks` of them (multi), or all in order (ordering); no
    /// question has more than six choices.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 6))]
    pub answer: Vec<String>,
    /// Time spent on the question, as measured by the client (0–1 day).
    #[cfg_attr(feature = "openapi", schema(maximum = 86_400_000))]
    pub elapsed_ms: u64,
}

/// What an answer gets back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum AnswerOutcome {
    /// Practice: the verdict at once.
    Graded {
        correct: bool,
        credit: f64,
        solution: Solution,
    },
    /// Mock: saved; the verdict comes with the results.
    Recorded {
        question: String,
        answered: u32,
        total: u32,
    },
}

/// `PUT /api/v1/sessions/{id}/flags/{question}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetFlag {
    pub flagged: bool,
}

/// A finished session's attempt, for history lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attempt {
    pub session: String,
    pub exam: String,
    pub mode: Mode,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub questions: u32,
    pub answered: u32,
    pub raw: Option<f64>,
    pub scaled: Option<u32>,
    pub passed: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DomainProgress {
    pub exam: String,
    pub domain: String,
    pub name: String,
    pub answered: u32,
    /// Credit share over all answers, 0–1.
    pub accuracy: f64,
    /// Last 7 days' accuracy minus the 7 days before (absent without answers in both).
    pub trend: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DailyAccuracy {
    /// YYYY-MM-DD (UTC).
    pub day: String,
    pub answered: u32,
    pub accuracy: f64,
}

/// `GET /api/v1/me/progress`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Progress {
    pub answered: u32,
    pub correct: u32,
    /// Consecutive UTC days with at least one answer, ending today or yesterday.
    pub streak_days: u32,
    /// Last 30 days, oldest first, days without answers left out.
    pub daily: Vec<DailyAccuracy>,
    pub domains: Vec<DomainProgress>,
    /// Most recent first.
    pub attempts: Vec<Attempt>,
    pub due_reviews: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DomainReadiness {
    pub code: String,
    pub name: String,
    pub weight: u32,
    /// Estimated ability, 0–1.
    pub estimate: f64,
    /// Recent answers the estimate rests on.
    pub answers: u32,
}

/// `GET /api/v1/me/readiness/{exam}`: the chance of passing now, with an 80% interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Readiness {
    pub exam: String,
    pub probability: f64,
    pub low: f64,
    pub high: f64,
    pub expected_score: u32,
    pub passing_score: u32,
    pub domains: Vec<DomainReadiness>,
    /// How the estimate is made, in a sentence.
    pub model: String,
}

/// Readiness at the end of one UTC day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadinessDay {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub probability: f64,
    pub low: f64,
    pub high: f64,
    pub expected_score: u32,
}

/// `GET /api/v1/me/readiness/{exam}/history` (Pro): readiness day by day over the last 90 days,
/// from the first day with an answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadinessHistory {
    pub exam: String,
    pub passing_score: u32,
    /// Oldest first.
    pub days: Vec<ReadinessDay>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DueExam {
    pub exam: String,
    pub due: u32,
}

/// `GET /api/v1/me/reviews/due`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DueReviews {
    pub total: u32,
    pub exams: Vec<DueExam>,
    /// When the next card falls due, if none is due now.
    pub next_due_at: Option<String>,
}
