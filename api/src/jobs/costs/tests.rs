//! The daily cost job on the in-memory database, with the usage APIs answering from recorded
//! fixtures.

use crate::jobs::{Ran, run};
use crate::observe::Level;
use crate::tasks::{Task, Work};
use crate::testing::flow::Stack;
use crate::testing::{FakePlatform, ScriptedTransport, block_on};

const DAY: &str = include_str!("../../usage/fixtures/cloudflare-day.json");
const DATABASES: &str = include_str!("../../usage/fixtures/turso-databases.json");
const PRODUCTION: &str = include_str!("../../usage/fixtures/turso-usage-production.json");
const STAGING: &str = include_str!("../../usage/fixtures/turso-usage-staging.json");

const SOURCES: &[(&str, &str)] = &[
    ("CLOUDFLARE_ANALYTICS_TOKEN", "cf-token"),
    ("CLOUDFLARE_ACCOUNT_ID", "0123456789abcdef0123456789abcdef"),
    (
        "CLOUDFLARE_API_URL",
        "https://api.cloudflare.test/client/v4",
    ),
    ("TURSO_PLATFORM_TOKEN", "turso-token"),
    ("TURSO_ORG", "acme"),
    ("TURSO_API_URL", "https://api.turso.test"),
];

fn usage_apis() -> ScriptedTransport {
    ScriptedTransport::replying(404, "{}")
        .at_url("/graphql", 200, DAY)
        .at_url("/production-pingtopass/usage", 200, PRODUCTION)
        .at_url("/staging-pingtopass/usage", 200, STAGING)
        .at_url("/organizations/acme/databases", 200, DATABASES)
}

fn stack(platform: impl FnOnce(FakePlatform) -> FakePlatform) -> Stack {
    let mut stack = Stack::new();
    stack.platform = platform(stack.platform.clone());
    stack
}

fn close(stack: &Stack, day: &str) -> Result<Ran, crate::jobs::JobError> {
    let task = Task {
        id: format!("costs:{day}"),
        work: Work::CloseCosts { day: day.into() },
    };
    block_on(run(&stack.platform, &task))
}

/// An earlier closed day of the month, as the job stores it.
fn earlier_day(stack: &Stack, day: &str, usage: &str, openrouter_usd: f64) {
    stack.db.run(&format!(
        "INSERT INTO daily_costs (day, usage, openrouter_usd, cost_usd, month_to_date_usd) \
         VALUES ('{day}', '{usage}', {openrouter_usd}, 0, 0)"
    ));
}

fn ai_call(stack: &Stack, at: &str, usd: f64) {
    stack.db.run(&format!(
        "INSERT INTO ai_calls (called_at, purpose, model, prompt_tokens, completion_tokens, cost_usd) \
         VALUES ('{at}', 'explain', 'openai/gpt-4o-mini', 900, 120, {usd})"
    ));
}

fn logged(stack: &Stack, level: Level) -> Vec<String> {
    let logs = stack.platform.logs.lock().unwrap();
    logs.iter()
        .filter(|(l, _)| *l == level)
        .map(|(_, line)| line.clone())
        .collect()
}

#[test]
fn a_day_is_priced_from_both_platforms_and_the_ai_calls_and_added_to_the_month() {
    let stack = stack(|p| p.with_settings(SOURCES).with_http(usage_apis()));
    earlier_day(&stack, "2026-11-01", r#"{"worker_requests":400000}"#, 1.15);
    earlier_day(
        &stack,
        "2026-10-31",
        r#"{"worker_requests":90000000}"#,
        99.0,
    );
    ai_call(&stack, "2026-11-02T09:00:00.000Z", 0.60);
    ai_call(&stack, "2026-11-02T23:59:59.999Z", 0.25);
    ai_call(&stack, "2026-11-03T00:00:00.000Z", 7.00);

    assert_eq!(close(&stack, "2026-11-02").unwrap(), Ran::Done);
    // Everything within the month's allowances: the day costs its AI calls; the month is the
    // base subscriptions and both days' AI calls. October's day is another month.
    assert_eq!(
        stack.db.scalar(
            "SELECT printf('%.2f %.2f %.2f', cost_usd, month_to_date_usd, openrouter_usd) \
             FROM daily_costs WHERE day = '2026-11-02'"
        ),
        Some("0.85 11.99 0.85".into())
    );
    let usage: serde_json::Value = serde_json::from_str(
        &stack
            .db
            .scalar("SELECT usage FROM daily_costs WHERE day = '2026-11-02'")
            .unwrap(),
    )
    .unwrap();
    assert_eq!(usage["worker_requests"], 412_345.0);
    assert_eq!(usage["turso_rows_read"], 41_250_000.0);
    assert_eq!(usage["kv_writes"], 19_876.0);

    let points = stack.platform.cost_points.lock().unwrap().clone();
    assert_eq!(points.len(), 1);
    assert_eq!(points[0].day, "2026-11-02");
    assert!(!points[0].alert);
    assert!(logged(&stack, Level::Error).is_empty());
    assert!(logged(&stack, Level::Warn).is_empty());
    assert_eq!(close(&stack, "2026-11-02").unwrap(), Ran::AlreadyDone);

    let admin = stack.member("root@example.com", true);
    let report = stack.get(&admin, "/api/v1/admin/costs?days=30");
    assert_eq!(report.status, 200, "{}", report.json);
    assert_eq!(report.json["month"], "2026-11");
    assert_eq!(report.json["budget_usd"], 50.0);
    assert_eq!(report.json["alert_at_usd"], 40.0);
    assert_eq!(report.json["alert"], serde_json::Value::Null);
    let days = report.json["days"].as_array().unwrap();
    let listed: Vec<&str> = days.iter().map(|d| d["day"].as_str().unwrap()).collect();
    assert_eq!(listed, ["2026-11-02", "2026-11-01", "2026-10-31"]);
    // The month's figures come from the newest closed day, whatever the window.
    let narrow = stack.get(&admin, "/api/v1/admin/costs?days=1");
    assert_eq!(narrow.json["days"], serde_json::json!([]));
    assert_eq!(
        narrow.json["month_to_date_usd"],
        report.json["month_to_date_usd"]
    );
    let learner = stack.guest();
    assert_eq!(stack.get(&learner, "/api/v1/admin/costs").status, 403);
    assert_eq!(stack.get(&admin, "/api/v1/admin/costs?days=0").status, 400);
}

#[test]
fn past_80_percent_of_the_budget_the_day_logs_an_error_and_the_admins_see_the_alert() {
    let stack = stack(|p| p.with_settings(SOURCES).with_http(usage_apis()));
    // 30 M requests (20 M past the allowance, $6) and $20 of AI calls earlier this month.
    earlier_day(
        &stack,
        "2026-11-01",
        r#"{"worker_requests":30000000}"#,
        20.0,
    );
    ai_call(&stack, "2026-11-02T10:00:00.000Z", 5.0);
    close(&stack, "2026-11-02").unwrap();
    // $9.99 + $6 + $20 before; the day's 412 345 requests ($0.12) and $5 of AI: $41.11.
    let errors = logged(&stack, Level::Error);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let line: serde_json::Value = serde_json::from_str(&errors[0]).unwrap();
    assert_eq!(
        line["message"],
        "cost alert: Spending is at $41.11 this month, 82 % of the $50 budget"
    );
    assert_eq!(line["day"], "2026-11-02");
    assert!(stack.platform.cost_points.lock().unwrap()[0].alert);
    let admin = stack.member("root@example.com", true);
    let report = stack.get(&admin, "/api/v1/admin/costs");
    assert_eq!(
        report.json["alert"],
        "Spending is at $41.11 this month, 82 % of the $50 budget"
    );
}

#[test]
fn without_usage_settings_the_day_closes_with_what_it_has_and_says_what_is_missing() {
    let stack = Stack::new();
    ai_call(&stack, "2026-11-01T10:00:00.000Z", 0.40);
    close(&stack, "2026-11-01").unwrap();
    assert_eq!(
        stack
            .db
            .scalar("SELECT gaps FROM daily_costs WHERE day = '2026-11-01'"),
        Some(r#"["cloudflare: not configured","turso: not configured"]"#.into())
    );
    let warnings = logged(&stack, Level::Warn);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("cost tracking incomplete"));
    let admin = stack.member("root@example.com", true);
    let report = stack.get(&admin, "/api/v1/admin/costs");
    assert_eq!(
        report.json["days"][0]["gaps"][0],
        "cloudflare: not configured"
    );
}

#[test]
fn a_platform_that_is_down_retries_the_task_and_one_that_refuses_is_a_gap() {
    let down = stack(|p| {
        p.with_settings(SOURCES)
            .with_http(ScriptedTransport::replying(503, "upstream unavailable"))
    });
    let err = close(&down, "2026-11-01").unwrap_err();
    assert!(matches!(err, crate::jobs::JobError::Transient(_)), "{err}");
    assert_eq!(down.db.count("SELECT count(*) FROM daily_costs"), 0);
    assert_eq!(down.db.count("SELECT count(*) FROM task_runs"), 0);

    let refused = stack(|p| {
        p.with_settings(SOURCES).with_http(
            ScriptedTransport::replying(401, r#"{"error":"token revoked"}"#)
                .at_url("/graphql", 200, DAY),
        )
    });
    assert_eq!(close(&refused, "2026-11-01").unwrap(), Ran::Done);
    assert_eq!(
        refused
            .db
            .scalar("SELECT gaps FROM daily_costs WHERE day = '2026-11-01'"),
        Some(r#"["turso refused the query: HTTP 401: {\"error\":\"token revoked\"}"]"#.into())
    );
}

#[test]
fn earlier_days_of_the_month_that_never_closed_are_a_gap_of_the_day() {
    let stack = stack(|p| p.with_settings(SOURCES).with_http(usage_apis()));
    earlier_day(&stack, "2026-11-01", "{}", 0.0);
    earlier_day(&stack, "2026-11-03", "{}", 0.0);
    close(&stack, "2026-11-05").unwrap();
    assert_eq!(
        stack
            .db
            .scalar("SELECT gaps FROM daily_costs WHERE day = '2026-11-05'"),
        Some(r#"["not closed earlier this month: 2026-11-02, 2026-11-04 (2 days)"]"#.into())
    );
    close(&stack, "2026-11-25").unwrap();
    assert_eq!(
        stack
            .db
            .scalar("SELECT gaps FROM daily_costs WHERE day = '2026-11-25'"),
        Some(
            r#"["not closed earlier this month: 2026-11-02, 2026-11-04, 2026-11-06, 2026-11-07, … 2026-11-24 (21 days)"]"#
                .into()
        )
    );
}
