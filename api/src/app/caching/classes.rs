//! The four caching classes and which API operation has which (see the module above).

/// Who may share a public response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The same for every caller.
    Everyone,
    /// The same for every anonymous caller; a signed-in caller's copy may differ (it can reveal
    /// what they answered), so theirs is private and never cached.
    Anonymous,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheClass {
    Static,
    Public(Audience),
    Private,
    Live,
}

pub const STATIC: &str = "public, max-age=31536000, immutable";
pub const PUBLIC: &str = "public, max-age=300, stale-while-revalidate=60";
pub const PRIVATE: &str = "private, no-cache, must-revalidate";
pub const LIVE: &str = "no-store";

impl CacheClass {
    pub fn cache_control(self) -> &'static str {
        match self {
            CacheClass::Static => STATIC,
            CacheClass::Public(_) => PUBLIC,
            CacheClass::Private => PRIVATE,
            CacheClass::Live => LIVE,
        }
    }
}

/// Each operation's class, by operation id. A test fails when an operation has none.
pub fn class_of(operation_id: &str) -> Option<CacheClass> {
    use Audience::*;
    use CacheClass::*;
    Some(match operation_id {
        "get_exams" | "get_exams_legacy" | "get_exam" | "get_questions_legacy" => Public(Everyone),
        "get_exam_questions" => Public(Anonymous),
        "get_auth_session"
        | "get_me"
        | "get_me_api_keys"
        | "get_me_progress"
        | "get_me_readiness"
        | "get_me_reviews_due"
        | "get_session_review"
        | "get_admin_reports"
        | "get_admin_users"
        | "get_admin_metrics_daily" => Private,
        "get_health"
        | "get_auth_google_start"
        | "get_auth_google_callback"
        | "post_auth_guest"
        | "post_auth_sign_out"
        | "post_auth_sign_out_everywhere"
        | "patch_me"
        | "delete_me"
        | "get_me_export"
        | "post_me_api_keys"
        | "delete_me_api_keys"
        | "delete_me_api_keys_all"
        | "post_sessions"
        | "get_session"
        | "post_session_answers"
        | "put_session_flags"
        | "post_session_finish"
        | "post_question_reports"
        | "post_admin_report_resolve" => Live,
        _ => return None,
    })
}
