//! `GET /api/health`: whether this deployment can serve learners right now.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthResponse {
    /// True when every check passed and the configuration is complete; the status is then 200,
    /// otherwise 503.
    pub healthy: bool,
    /// Every setting and secret was present and valid when this isolate started. When false,
    /// every other route answers 503 `misconfigured` and the Worker's log names the setting.
    pub config: bool,
    pub checks: HealthChecks,
    /// The deployed build, `<crate version>+<git commit>`.
    pub version: String,
    /// When the checks ran, RFC 3339 in UTC.
    pub timestamp: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthChecks {
    pub database: CheckStatus,
    pub kv: CheckStatus,
    /// This location's HTTP cache (catalogue reads are served from it).
    pub cache: CheckStatus,
    pub queue: CheckStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckStatus {
    pub ok: bool,
    /// Wall time the probe took.
    pub latency_ms: u64,
    /// Why the probe failed, without secrets; absent when `ok`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}
