//! The crons and the task queue on the local stack: each cron is fired through wrangler dev's
//! scheduled-event door, its task runs on the queue, and its effect is checked from outside.

use std::time::{Duration, Instant};

use ptp_shared::{DailyMetrics, Me};
use serde_json::{Value, json};

use crate::learning::{graded, guest, some_answer, start};
use crate::support::{
    Browser, DATABASE, Fetch, base_url, client, local_control, local_sign_in_available,
    signed_in_admin, worker_log,
};

pub(crate) const DAY_MS: i64 = 24 * 3600 * 1000;

/// Fires the cron `cron` as if it were `at_ms`.
pub(crate) async fn fire(cron: &str, at_ms: i64) {
    let url = format!(
        "{}/cdn-cgi/handler/scheduled?cron={}&time={at_ms}",
        base_url(),
        cron.replace(' ', "+")
    );
    let response = client().get(url).fetch().await;
    assert_eq!(
        response.status(),
        200,
        "firing {cron}: {}",
        response.text().await.unwrap_or_default()
    );
}

/// Waits (up to 30 s: the queue delivers within a second locally) for a log line about task
/// `id` whose message starts with `message`.
pub(crate) async fn task_logged(control: &str, id: &str, message: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let found = worker_log(control).await.into_iter().find(|line| {
            line["id"] == id
                && line["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with(message))
        });
        if let Some(line) = found {
            return line;
        }
        assert!(
            Instant::now() < deadline,
            "no {message:?} line for task {id}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

pub(crate) fn now_ms() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is past 1970");
    i64::try_from(since.as_millis()).expect("not that far in the future")
}

/// The UTC day `YYYY-MM-DD` of `ms`.
pub(crate) fn day_of(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .expect("a representable time")
        .format("%Y-%m-%d")
        .to_string()
}

async fn today_rows(admin: &Browser) -> Vec<ptp_shared::DailyMetric> {
    let today = day_of(now_ms());
    let metrics: DailyMetrics = admin
        .get("/api/v1/admin/metrics/daily?days=2")
        .await
        .json()
        .await
        .unwrap();
    metrics
        .days
        .into_iter()
        .filter(|d| d.day == today)
        .collect()
}

#[tokio::test]
async fn the_daily_rollup_counts_the_day_once_however_often_it_runs() {
    let _db = DATABASE.read().await;
    let Some(control) = local_control("firing crons needs the local stack") else {
        return;
    };
    if !local_sign_in_available().await {
        return;
    }
    let learner = guest().await;
    let session = start(
        &learner,
        json!({"exam": "SAA-C03", "mode": "practice", "count": 3}),
    )
    .await;
    for item in &session.items {
        graded(
            &learner,
            &session.id,
            &item.question.id,
            &some_answer(&item.question),
        )
        .await;
    }
    let admin = signed_in_admin(&control, "operator").await;
    let refused = learner.get("/api/v1/admin/metrics/daily").await;
    assert_eq!(refused.status(), 403, "learners cannot read the metrics");
    let bad = admin.get("/api/v1/admin/metrics/daily?days=0").await;
    assert_eq!(bad.status(), 400);

    // Midnight after today: the rollup takes the day that just ended, today.
    let midnight = (now_ms() / DAY_MS + 1) * DAY_MS;
    let today = day_of(now_ms());
    let id = format!("rollup:{today}");
    fire("0 0 * * *", midnight).await;
    task_logged(&control, &id, "task done").await;
    let rows = today_rows(&admin).await;
    let saa = rows
        .iter()
        .find(|r| r.exam == "SAA-C03")
        .expect("a row per exam");
    assert!(saa.answers >= 3, "{saa:?}");
    assert!(saa.active_learners >= 1, "{saa:?}");
    assert!(
        rows.iter().any(|r| r.exam == "SY0-701"),
        "every exam has its row"
    );

    fire("0 0 * * *", midnight).await;
    task_logged(&control, &id, "task already done").await;
    assert_eq!(
        today_rows(&admin).await,
        rows,
        "running the day again changes nothing"
    );
}

/// Calls the OpenRouter stand-in answered with its trend-card rules.
async fn trend_calls(model_url: &str) -> u64 {
    let stats: Value = client()
        .get(format!("{model_url}/_fakellm/stats"))
        .fetch()
        .await
        .json()
        .await
        .unwrap();
    ["trends-sy0-701", "trends-saa-c03"]
        .iter()
        .map(|rule| stats["by_rule"][rule].as_u64().unwrap_or(0))
        .sum()
}

#[tokio::test]
async fn the_hourly_trends_job_makes_cards_from_x_and_does_nothing_twice_in_an_hour() {
    let _db = DATABASE.read().await;
    let Some(control) = local_control("needs the local stack's control server") else {
        return;
    };
    let model_url = std::env::var("PTP_MODEL_URL").expect("the test run names the stand-in");
    let at = now_ms();
    let hour = chrono::DateTime::from_timestamp_millis(at)
        .unwrap()
        .format("%Y-%m-%dT%H")
        .to_string();
    let id = format!("trends:{hour}");
    let before = trend_calls(&model_url).await;
    fire("0 * * * *", at).await;
    let line = task_logged(&control, &id, "task done").await;
    assert_eq!(line["level"], "info");
    assert_eq!(line["work"]["kind"], "gather_trends");
    assert!(
        line["message"]
            .as_str()
            .unwrap()
            .contains("2 cards, 1 with too few posts, 0 unusable"),
        "{line}"
    );
    assert_eq!(trend_calls(&model_url).await, before + 2);

    let trends: ptp_shared::ExamTrends = Browser::anonymous()
        .get("/api/v1/exams/SY0-701/trends")
        .await
        .json()
        .await
        .unwrap();
    let card = trends.card.expect("SY0-701 has enough posts for a card");
    assert_eq!(card.hour, hour);
    assert_eq!(card.post_count, 8);
    assert!(card.summary.contains("firewall rules"), "{}", card.summary);
    assert_eq!(
        card.posts[0].url,
        "https://x.com/secplus_sam/status/1865000000000000101"
    );
    let ccna: ptp_shared::ExamTrends = Browser::anonymous()
        .get("/api/v1/exams/200-301/trends")
        .await
        .json()
        .await
        .unwrap();
    assert!(ccna.card.is_none(), "two posts make no card");

    fire("0 * * * *", at).await;
    task_logged(&control, &id, "task already done").await;
    assert_eq!(
        trend_calls(&model_url).await,
        before + 2,
        "the same hour again asks the model nothing"
    );
}

#[tokio::test]
async fn the_weekly_cleanup_removes_idle_guests_and_keeps_active_ones() {
    let _db = DATABASE.read().await;
    let Some(control) = local_control("needs the local stack's control server") else {
        return;
    };
    let idle = guest().await;
    let active = guest().await;
    let me: Me = idle.get("/api/v1/me").await.json().await.unwrap();
    let backdated = client()
        .post(format!("{control}/users/idle?id={}", me.id))
        .fetch()
        .await;
    assert_eq!(backdated.status(), 200);

    let at = now_ms();
    fire("0 2 * * 0", at).await;
    let before = day_of(at - 30 * DAY_MS);
    let line = task_logged(&control, &format!("cleanup:{before}"), "task done").await;
    assert!(
        line["message"].as_str().unwrap().contains("idle guests"),
        "{line}"
    );
    assert_eq!(
        idle.get("/api/v1/me").await.status(),
        401,
        "the idle guest is gone"
    );
    assert_eq!(
        active.get("/api/v1/me").await.status(),
        200,
        "the active one stays"
    );
}

#[tokio::test]
async fn an_unknown_cron_is_logged_as_an_error() {
    let Some(control) = local_control("needs the local stack's control server") else {
        return;
    };
    let url = format!("{}/cdn-cgi/handler/scheduled?cron=*/7+*+*+*+*", base_url());
    client().get(url).fetch().await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let lines = worker_log(&control).await;
        if let Some(line) = lines.iter().find(|l| {
            l["message"]
                .as_str()
                .is_some_and(|m| m.contains("no job is scheduled as \"*/7 * * * *\""))
        }) {
            assert_eq!(line["level"], "error");
            break;
        }
        assert!(Instant::now() < deadline, "the unknown cron was not logged");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
