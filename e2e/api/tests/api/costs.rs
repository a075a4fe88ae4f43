//! The daily cost job on the local stack: the daily cron closes a day from the usage stand-in's
//! Cloudflare GraphQL and Turso Platform API answers, the admins read it, and a month pushed
//! past 80 % of the budget logs the alert.

use chrono::Datelike;
use ptp_shared::{CostReport, DailyCost};
use serde_json::json;

use crate::jobs::{DAY_MS, day_of, fire, now_ms, task_logged};
use crate::support::{
    Browser, DATABASE, Fetch, client, local_control, local_sign_in_available, signed_in_admin,
    worker_log,
};

/// Waits (up to 30 s) for the Worker's cost alert about `day`.
async fn alert_logged(control: &str, day: &str) -> serde_json::Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let found = worker_log(control).await.into_iter().find(|line| {
            line["day"] == day
                && line["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("cost alert"))
        });
        if let Some(line) = found {
            return line;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no cost alert for {day}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
}

async fn closed_day(admin: &Browser, day: &str) -> DailyCost {
    let report = admin.get("/api/v1/admin/costs?days=366").await;
    assert_eq!(report.status(), 200);
    let report: CostReport = report.json().await.unwrap();
    assert_eq!((report.budget_usd, report.alert_at_usd), (50.0, 40.0));
    report
        .days
        .into_iter()
        .find(|d| d.day == day)
        .unwrap_or_else(|| panic!("{day} is not among the closed days"))
}

#[tokio::test]
async fn the_daily_job_prices_the_platforms_usage_and_alerts_past_80_percent_of_the_budget() {
    let _db = DATABASE.read().await;
    let Some(control) = local_control("the cost job reads the local usage stand-in") else {
        return;
    };
    if !local_sign_in_available().await {
        return;
    }
    let usage_url = std::env::var("PTP_USAGE_URL").expect("the test run names the stand-in");
    // A month of its own, months back (no other test closes its days), from its first day so
    // no earlier day of the month is missing.
    let back = 2 + std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos()
        % 8;
    let first = chrono::DateTime::from_timestamp_millis(now_ms())
        .expect("a representable time")
        .date_naive()
        .with_day(1)
        .and_then(|day| day.checked_sub_months(chrono::Months::new(back)))
        .expect("a representable month");
    let start = first
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
        .timestamp_millis();
    let (quiet, heavy) = (day_of(start), day_of(start + DAY_MS));

    fire("0 0 * * *", start + DAY_MS).await;
    let done = task_logged(&control, &format!("costs:{quiet}"), "task done").await;
    assert_eq!(done["work"]["kind"], "close_costs");
    let admin = signed_in_admin(&control, "costs").await;
    let day = closed_day(&admin, &quiet).await;
    assert_eq!(
        day.gaps,
        Vec::<String>::new(),
        "both platforms were read, and it is the month's first day"
    );
    assert_eq!(day.usage["worker_requests"], 1_200.0);
    assert_eq!(day.usage["turso_rows_read"], 40_000.0);
    assert!(
        day.cost_usd.abs() < 1e-9,
        "an ordinary day is within every allowance"
    );
    assert!((day.month_to_date_usd - 9.99).abs() < 1e-9, "{day:?}");

    // 200 M requests in one day, each with its data point: 190 M past the month's 10 M of
    // each, at $0.30 and $0.25 a million.
    let set = client()
        .put(format!("{usage_url}/_usage/{heavy}"))
        .body(json!({"worker_requests": 200_000_000.0}).to_string())
        .fetch()
        .await;
    assert_eq!(set.status(), 200);
    fire("0 0 * * *", start + 2 * DAY_MS).await;
    let alert = alert_logged(&control, &heavy).await;
    assert_eq!(alert["level"], "error");
    assert_eq!(
        alert["message"],
        "cost alert: Spending is at $114.49 this month, 229 % of the $50 budget"
    );
    let day = closed_day(&admin, &heavy).await;
    assert!((day.cost_usd - 104.50).abs() < 0.01, "{day:?}");
    assert!((day.month_to_date_usd - 114.49).abs() < 0.01, "{day:?}");
    let learner = crate::learning::guest().await;
    assert_eq!(learner.get("/api/v1/admin/costs").await.status(), 403);
}
