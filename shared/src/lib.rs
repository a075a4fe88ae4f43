//! The wire between the SPA, third parties and the API: request and response bodies and the one
//! error body. Types only — no logic beyond what serde derives and the one
//! spelling of each enum's values ([`names`]). With the `openapi` feature every
//! type also derives `utoipa::ToSchema` so the API can publish its contract from these types.

pub mod account;
pub mod ai;
pub mod audit;
pub mod authoring;
pub mod bank;
pub mod billing;
pub mod error;
pub mod health;
pub mod learning;
pub mod limits;
pub mod metrics;
pub mod names;
pub mod reports;
pub mod settings;
pub mod trends;

pub use account::{
    AccountExport, ApiKeyInfo, ApiKeyList, CreateApiKey, CreatedApiKey, DeleteMe, ExportedAnswer,
    ExportedCard, KeysRevoked, Me, Role, Scope, SessionInfo, UpdateMe, UserKind, UserList,
    UserSummary,
};
pub use ai::{
    DraftReport, DraftRequestList, DraftRequestView, DraftView, ExplainMistake, MistakeExplanation,
    NearestQuestion, RequestDrafts,
};
pub use audit::{AuditEntry, AuditPage, QuestionHistory, QuestionVersion};
pub use authoring::{
    AdminQuestion, AdminQuestionList, AdminQuestionSummary, ChangeStatus, FieldProblem,
    NewQuestion, PreviewResult, QuestionContent, QuestionStatus, RestoreVersion, SaveQuestion,
};
pub use billing::{
    Allowance, BillingInterval, BillingRedirect, BillingStatus, Metered, Plan, PlanCatalog,
    PlanLimits, PlanOffer, PlanPrice, StartCheckout, SubscriptionView, WebhookReceipt,
};
pub use error::{ErrorBody, ErrorCode, ErrorDetail};
pub use health::{CheckStatus, HealthChecks, HealthResponse};
pub use learning::{
    AnswerOutcome, Attempt, Choice, DailyAccuracy, DomainProgress, DomainReadiness, DomainScore,
    DueExam, DueReviews, ExamDetail, ExamDomain, ExamList, ExamSummary, Filter, Mode, Navigation,
    Progress, QuestionKind, QuestionList, QuestionView, Readiness, ReadinessDay, ReadinessHistory,
    SessionItem, SessionResult, SessionView, SetFlag, Solution, StartSession, SubmitAnswer,
};
pub use metrics::{CostReport, DailyCost, DailyMetric, DailyMetrics, ItemStatsList, ItemStatsView};
pub use reports::{
    MyReports, QuestionEdit, ReportDetail, ReportList, ReportQuestion, ReportReason, ReportStatus,
    ReportView, Resolution, ResolveReport,
};
pub use trends::{ExamTrends, TrendCard, TrendPost};
