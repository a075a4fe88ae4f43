//! Quotas on what is cheap to ask for and lasting to keep: new guests per address, unfinished
//! sessions per learner, reports per learner; and the admin report queue, paged.

use ptp_shared::{ErrorCode, ReportList};
use serde_json::json;

use crate::learning::{guest, whole_domain};
use crate::support::{
    DATABASE, Fetch, Reply, client, error_body, header, local_control, next_visitor_ip,
    signed_in_admin, url,
};

/// A 429 for `quota`, with Retry-After and the error body naming it.
async fn over_quota(response: Reply, quota: &str) {
    assert_eq!(response.status(), 429, "{quota}");
    let retry: u64 = header(&response, "retry-after").parse().expect("seconds");
    assert!(retry >= 1, "{quota}: Retry-After {retry}");
    let body = error_body(response).await;
    assert_eq!(body.error.code, ErrorCode::RateLimited);
    let details = body.error.details.expect("details");
    assert_eq!(details["quota"], quota, "{details:?}");
}

#[tokio::test]
async fn one_address_starts_at_most_thirty_guests_an_hour() {
    if local_control("choosing the client's address needs the local stack").is_none() {
        return;
    }
    let _db = DATABASE.read().await;
    let address = next_visitor_ip();
    let start = || {
        client()
            .post(url("/api/v1/auth/guest"))
            .header("cf-connecting-ip", &address)
            .header("origin", crate::support::base_url())
            .header("sec-fetch-site", "same-origin")
            .json(&json!({}))
            .fetch()
    };
    for n in 1..=30 {
        assert_eq!(start().await.status(), 201, "guest {n}");
    }
    over_quota(start().await, "new_guests").await;
}

#[tokio::test]
async fn a_learner_keeps_at_most_thirty_unfinished_sessions_a_day() {
    let _db = DATABASE.read().await;
    let learner = guest().await;
    let body = json!({"exam": "SY0-701", "mode": "practice", "count": 1});
    for n in 1..=30 {
        let started = learner.post_json("/api/v1/sessions", body.clone()).await;
        assert_eq!(started.status(), 201, "session {n}");
    }
    over_quota(
        learner.post_json("/api/v1/sessions", body).await,
        "open_sessions",
    )
    .await;
}

#[tokio::test]
async fn a_learner_files_at_most_twenty_reports_a_day_and_the_queue_pages() {
    let _db = DATABASE.read().await;
    let learner = guest().await;
    let questions: Vec<String> = whole_domain(&learner, "200-301", "1.0")
        .await
        .items
        .iter()
        .map(|item| item.question.id.clone())
        .collect();
    let report = |n: usize| {
        let (learner, path) = (
            learner.clone(),
            format!(
                "/api/v1/questions/{}/reports",
                questions[n % questions.len()]
            ),
        );
        async move {
            learner
                .post_json(
                    &path,
                    json!({"reason": "typo", "details": format!("quota test {n}")}),
                )
                .await
        }
    };
    for n in 0..20 {
        assert_eq!(report(n).await.status(), 201, "report {n}");
    }
    over_quota(report(20).await, "reports").await;

    let Some(control) = local_control("needs the local stack's control server") else {
        return;
    };
    let admin = signed_in_admin(&control, "pager").await;
    let page = |query: String| {
        let admin = admin.clone();
        async move {
            let response = admin.get(&format!("/api/v1/admin/reports?{query}")).await;
            assert_eq!(response.status(), 200, "{query}");
            response.json::<ReportList>().await.unwrap()
        }
    };
    let first = page("limit=5".into()).await;
    assert_eq!(first.reports.len(), 5);
    let after = first.next_after.clone().expect("another page follows");
    assert_eq!(Some(&after), first.reports.last().map(|r| &r.id));
    let second = page(format!("limit=5&after={after}")).await;
    assert_eq!(second.reports.len(), 5);
    assert!(
        second
            .reports
            .iter()
            .all(|r| first.reports.iter().all(|f| f.id != r.id)),
        "pages do not overlap"
    );
    assert!(
        first.reports.last().unwrap().created_at <= second.reports[0].created_at,
        "oldest first across pages"
    );
    for bad in ["limit=0", "limit=101", "after=no-such-report"] {
        let response = admin.get(&format!("/api/v1/admin/reports?{bad}")).await;
        assert_eq!(response.status(), 400, "{bad}");
        assert_eq!(
            error_body(response).await.error.code,
            ErrorCode::InvalidInput
        );
    }
}
