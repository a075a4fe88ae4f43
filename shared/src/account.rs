//! Who is calling: the signed-in learner (or guest), their profile, and their API keys.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UserKind {
    /// Practising without signing in; the history moves into the account on sign-in.
    Guest,
    /// Signed in with Google.
    Member,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Learner,
    Admin,
}

/// `GET /api/v1/me`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub id: String,
    pub kind: UserKind,
    pub role: Role,
    /// Members only.
    pub email: Option<String>,
    /// The name Google gave; members only.
    pub name: Option<String>,
    /// The name the learner chose; shown instead of `name` when set.
    pub display_name: Option<String>,
    pub avatar_url: Option<String>,
    /// Exam code the learner is preparing for, e.g. `SY0-701`.
    pub target_exam: Option<String>,
    /// Questions per day the learner aims for (1–500).
    pub daily_goal: u16,
    pub created_at: String,
}

/// `GET /api/v1/auth/session`: who this browser is, if anyone (never a 401, so apps can ask
/// freely on start-up).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    /// Absent when this browser has no valid session.
    pub user: Option<Me>,
}

/// `PATCH /api/v1/me`: absent fields stay as they are; an empty string clears a text field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateMe {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_exam: Option<String>,
    /// Questions a day, 1–500.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 500))]
    pub daily_goal: Option<u16>,
}

/// `DELETE /api/v1/me`: the account's email, typed again, as confirmation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeleteMe {
    pub confirm_email: String,
}

/// `GET /api/v1/me/export`: everything stored about the learner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountExport {
    pub exported_at: String,
    pub user: Me,
    pub api_keys: Vec<ApiKeyInfo>,
    pub sessions: Vec<crate::learning::Attempt>,
    pub answers: Vec<ExportedAnswer>,
    pub review_cards: Vec<ExportedCard>,
    /// The plan, the subscription as Stripe last told us, and the allowances left.
    pub billing: crate::billing::BillingStatus,
}

/// One answer, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportedAnswer {
    pub session: String,
    pub question: String,
    pub answer: Vec<String>,
    pub credit: f64,
    pub correct: bool,
    pub elapsed_ms: u64,
    pub answered_at: String,
}

/// One spaced-review card, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportedCard {
    pub question: String,
    pub due_at: String,
    pub stability: f64,
    pub difficulty: f64,
    pub reps: u32,
    pub lapses: u32,
}

/// What an API key may do. A request needs the scope its route names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Scope {
    /// Read the learner's profile (`GET /api/v1/me`).
    #[serde(rename = "profile:read")]
    ProfileRead,
    /// Read exams and published questions.
    #[serde(rename = "catalog:read")]
    CatalogRead,
    /// Read progress and readiness.
    #[serde(rename = "progress:read")]
    ProgressRead,
    /// Start practice and mock sessions and answer them.
    #[serde(rename = "sessions:write")]
    SessionsWrite,
}

impl Scope {
    pub const ALL: [Scope; 4] = [
        Scope::ProfileRead,
        Scope::CatalogRead,
        Scope::ProgressRead,
        Scope::SessionsWrite,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::ProfileRead => "profile:read",
            Scope::CatalogRead => "catalog:read",
            Scope::ProgressRead => "progress:read",
            Scope::SessionsWrite => "sessions:write",
        }
    }
}

/// `DELETE /api/v1/me/api-keys`: every active key revoked at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeysRevoked {
    /// How many keys were active and are now revoked.
    pub revoked: u32,
}

/// An API key as listed: never the secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyInfo {
    pub id: String,
    pub name: String,
    /// The first characters of the secret (`ptp_AbCd…`), to tell keys apart.
    pub hint: String,
    pub scopes: Vec<Scope>,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// `POST /api/v1/me/api-keys`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateApiKey {
    /// 1–60 characters once trimmed, no control characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 60,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*\S[^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub name: String,
    /// At least one.
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub scopes: Vec<Scope>,
}

/// The new key, with its secret: shown this once and never again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiKey {
    pub key: ApiKeyInfo,
    /// `ptp_…`; send as `Authorization: Bearer ptp_…`.
    pub secret: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyList {
    pub keys: Vec<ApiKeyInfo>,
}

/// One row of the admin's user list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserSummary {
    pub id: String,
    pub kind: UserKind,
    pub role: Role,
    pub email: Option<String>,
    pub name: Option<String>,
    pub created_at: String,
    pub last_seen_at: String,
}

/// `GET /api/v1/admin/users`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserList {
    pub users: Vec<UserSummary>,
    /// Pass as `offset` for the next page; absent on the last page.
    pub next_offset: Option<u32>,
}
