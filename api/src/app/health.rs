//! `GET /api/health`: probes the database, KV, the cache and the queue binding concurrently; 200
//! when all pass, 503 otherwise. Never cached.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use futures_util::future::join4;
use ptp_shared::{CheckStatus, HealthChecks, HealthResponse};

use crate::app::current::Current;
use crate::ports::{KeyValue, Platform, ResponseCache};

/// A cache lookup that never finds anything; only whether the cache answers matters.
const HEALTH_PROBE_KEY: &str = "https://health.invalid/__cache/probe";

/// Whether this deployment can serve learners: database, sessions (KV) and the task queue.
#[utoipa::path(
    get,
    path = "/api/health",
    operation_id = "get_health",
    tag = "ops",
    responses(
        (status = 200, description = "Every check passed", body = HealthResponse),
        (status = 503, description = "At least one check failed; the report says which", body = HealthResponse),
    ),
    security(()),
)]
pub async fn health<P: Platform>(Current(platform): Current<P>) -> Response {
    let database = timed(&platform, "database", async {
        let db = platform.database().map_err(|err| err.to_string())?;
        db.ping().await.map_err(|err| err.to_string())
    });
    let kv = timed(&platform, "kv", async {
        platform
            .sessions()
            .get("health:probe")
            .await
            .map(drop)
            .map_err(|err| err.to_string())
    });
    let cache = timed(&platform, "cache", async {
        platform
            .response_cache()
            .get(HEALTH_PROBE_KEY)
            .await
            .map(drop)
    });
    let queue = timed(&platform, "queue", platform.probe_queue());
    let (database, kv, cache, queue) = join4(database, kv, cache, queue).await;

    let database_config = platform.database().err();
    let config = platform
        .settings()
        .problems(database_config.as_ref())
        .is_empty();
    let healthy = config && database.ok && kv.ok && cache.ok && queue.ok;
    let body = HealthResponse {
        healthy,
        config,
        checks: HealthChecks {
            database,
            kv,
            cache,
            queue,
        },
        version: crate::build_version(),
        timestamp: crate::time::rfc3339(platform.now_millis()),
    };
    let status = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

/// What a failed check shows: monitors poll health anonymously, so the cause (which can name
/// hosts, addresses or internals) goes to the log, not into the response.
const FAILED: &str = "unavailable; the cause is in the Worker's log";

async fn timed<P: Platform>(
    platform: &P,
    name: &str,
    probe: impl Future<Output = Result<(), String>>,
) -> CheckStatus {
    let started = platform.now_millis();
    let outcome = probe.await;
    let latency_ms = platform.now_millis().saturating_sub(started);
    match outcome {
        Ok(()) => CheckStatus {
            ok: true,
            latency_ms,
            error: None,
        },
        Err(error) => {
            platform.log_error(&format!("health check {name} failed: {error}"));
            CheckStatus {
                ok: false,
                latency_ms,
                error: Some(FAILED.into()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{FakePlatform, block_on, get};
    use ptp_shared::HealthResponse;

    fn check(platform: FakePlatform) -> (u16, Option<String>, HealthResponse) {
        let response = block_on(get(platform, "/api/health"));
        let status = response.status().as_u16();
        let cache = response
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap().to_string());
        let body: HealthResponse = crate::testing::read_json(response);
        (status, cache, body)
    }

    #[test]
    fn all_checks_passing_is_200_and_never_cached() {
        let (status, cache, body) = check(FakePlatform::healthy());
        assert_eq!(status, 200);
        assert_eq!(cache.as_deref(), Some("no-store"));
        assert!(body.healthy);
        assert!(body.checks.database.ok && body.checks.kv.ok && body.checks.queue.ok);
        assert!(body.checks.cache.ok);
        assert_eq!(body.timestamp, "2026-11-25T12:00:00.000Z");
        assert!(body.version.starts_with(env!("CARGO_PKG_VERSION")));
    }

    #[test]
    fn a_database_that_does_not_answer_is_503_naming_the_failed_check() {
        let (status, cache, body) = check(FakePlatform::healthy().with_database_down());
        assert_eq!(status, 503);
        assert_eq!(
            cache.as_deref(),
            Some("no-store"),
            "a failed check is never cached"
        );
        assert!(!body.healthy);
        assert!(!body.checks.database.ok);
        assert!(
            body.checks
                .database
                .error
                .as_deref()
                .unwrap()
                .contains("unavailable")
        );
        assert!(body.checks.kv.ok && body.checks.queue.ok);
    }

    #[test]
    fn a_missing_database_setting_is_503_and_the_setting_is_named_only_in_the_log() {
        let platform = FakePlatform::healthy().without_database();
        let (status, _, body) = check(platform);
        assert_eq!(status, 503);
        assert_eq!(body.checks.database.error.as_deref(), Some(super::FAILED));
    }

    #[test]
    fn an_incomplete_configuration_is_503_with_config_false() {
        let (status, _, body) =
            check(FakePlatform::healthy().with_setting("OPENROUTER_API_KEY", None));
        assert_eq!(status, 503);
        assert!(!body.config && !body.healthy);
        assert!(
            body.checks.database.ok,
            "the checks still run and say what works"
        );
        let (_, _, fine) = check(FakePlatform::healthy());
        assert!(fine.config);
    }

    #[test]
    fn a_failing_binding_is_503_without_its_internal_error_text() {
        let (status, _, body) = check(FakePlatform::healthy().with_kv_error("KV down at 10.1.2.3"));
        assert_eq!(status, 503);
        assert!(!body.checks.kv.ok);
        assert_eq!(body.checks.kv.error.as_deref(), Some(super::FAILED));
        let text = serde_json::to_string(&body).unwrap();
        assert!(!text.contains("10.1.2.3"), "{text}");
    }
}
