//! The footer's live service status, polled from `/api/health`.

use gloo::timers::future::TimeoutFuture;
use ptp_shared::HealthResponse;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

const POLL_MS: u32 = 60_000;

/// What the footer shows; `as_str` is also the `data-status` attribute tests and styles use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Checking,
    Operational {
        version: String,
    },
    /// Names the failing checks, e.g. `["database"]`.
    Degraded {
        failing: Vec<&'static str>,
    },
    Unreachable,
}

impl Status {
    pub fn from_report(report: &HealthResponse) -> Self {
        if report.healthy {
            return Status::Operational {
                version: report.version.clone(),
            };
        }
        let checks = &report.checks;
        let failing = [
            ("configuration", report.config),
            ("database", checks.database.ok),
            ("sessions", checks.kv.ok),
            ("cache", checks.cache.ok),
            ("task queue", checks.queue.ok),
        ]
        .into_iter()
        .filter(|(_, ok)| !ok)
        .map(|(name, _)| name)
        .collect();
        Status::Degraded { failing }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Checking => "checking",
            Status::Operational { .. } => "ok",
            Status::Degraded { .. } => "degraded",
            Status::Unreachable => "unreachable",
        }
    }

    pub fn label(&self) -> String {
        match self {
            Status::Checking => "Checking service status…".into(),
            Status::Operational { version } => format!("All systems operational · v{version}"),
            Status::Degraded { failing } if failing.is_empty() => {
                "Some services are degraded".into()
            }
            Status::Degraded { failing } => format!("Degraded: {} unavailable", failing.join(", ")),
            Status::Unreachable => "Cannot reach PingToPass right now".into(),
        }
    }
}

#[component(HealthStatus)]
pub fn health_status() -> Html {
    let status = use_state(|| Status::Checking);
    {
        let status = status.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                loop {
                    let next = match crate::api::health().await {
                        Ok(report) => Status::from_report(&report),
                        Err(_) => Status::Unreachable,
                    };
                    status.set(next);
                    TimeoutFuture::new(POLL_MS).await;
                }
            });
        });
    }
    html! {
        <p class="health" data-status={status.as_str()} role="status" aria-live="polite">
            <span class="health-dot" aria-hidden="true"></span>
            { status.label() }
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ptp_shared::{CheckStatus, HealthChecks};

    fn report(database: bool, kv: bool) -> HealthResponse {
        let check = |ok| CheckStatus {
            ok,
            latency_ms: 3,
            error: None,
        };
        HealthResponse {
            healthy: database && kv,
            config: true,
            checks: HealthChecks {
                database: check(database),
                kv: check(kv),
                cache: check(true),
                queue: check(true),
            },
            version: "0.1.0+abc".into(),
            timestamp: "2026-11-25T12:00:00.000Z".into(),
        }
    }

    #[test]
    fn a_healthy_report_is_operational_with_the_version() {
        let status = Status::from_report(&report(true, true));
        assert_eq!(status.as_str(), "ok");
        assert_eq!(status.label(), "All systems operational · v0.1.0+abc");
    }

    #[test]
    fn a_degraded_report_names_what_is_down() {
        let status = Status::from_report(&report(false, false));
        assert_eq!(status.as_str(), "degraded");
        assert_eq!(status.label(), "Degraded: database, sessions unavailable");
    }
}
