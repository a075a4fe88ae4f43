//! Reporting a question, and an admin fixing it: the fix is a new version of the question.

use ptp_shared::{ErrorCode, QuestionList, ReportList, ReportStatus, ReportView};
use serde_json::json;

use super::{guest, whole_domain};
use crate::support::{
    Browser, DATABASE, error_body, header, local_control, local_sign_in_available, signed_in_admin,
};

#[tokio::test]
async fn a_report_reaches_the_admins_and_a_fix_bumps_the_question_version() {
    let _db = DATABASE.read().await;
    let learner = guest().await;
    let session = whole_domain(&learner, "SAA-C03", "4").await;
    let question = session.items.last().unwrap().question.clone();
    let path = format!("/api/v1/questions/{}/reports", question.id);

    for (body, code) in [
        (json!({"reason": "because"}), ErrorCode::MalformedJson),
        (
            json!({"reason": "typo", "details": "x".repeat(2001)}),
            ErrorCode::InvalidInput,
        ),
        (
            json!({"reason": "typo", "severity": "high"}),
            ErrorCode::MalformedJson,
        ),
    ] {
        let response = learner.post_json(&path, body.clone()).await;
        assert_eq!(response.status(), 400, "{body}");
        assert_eq!(error_body(response).await.error.code, code, "{body}");
    }
    let unknown = learner
        .post_json(
            "/api/v1/questions/NOPE-1-001/reports",
            json!({"reason": "typo"}),
        )
        .await;
    assert_eq!(unknown.status(), 404);
    let anonymous = Browser::anonymous()
        .post_json(&path, json!({"reason": "typo"}))
        .await;
    assert_eq!(anonymous.status(), 401);

    let filed = learner
        .post_json(
            &path,
            json!({"reason": "unclear", "details": "  Which region does it mean?  "}),
        )
        .await;
    assert_eq!(filed.status(), 201);
    let report: ReportView = filed.json().await.unwrap();
    assert_eq!(
        (report.status, report.details.as_str()),
        (ReportStatus::Open, "Which region does it mean?")
    );
    assert_eq!(report.question_version, question.version);
    let queue = learner.get("/api/v1/admin/reports").await;
    assert_eq!(queue.status(), 403, "learners cannot read the queue");

    let Some(control) = local_control("needs the local stack's control server") else {
        return;
    };
    if !local_sign_in_available().await {
        return;
    }
    let admin = signed_in_admin(&control, "editor").await;
    let open: ReportList = admin
        .get("/api/v1/admin/reports")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        open.reports.iter().any(|r| r.id == report.id),
        "the report is queued"
    );

    let resolve = format!("/api/v1/admin/reports/{}/resolve", report.id);
    for body in [
        json!({"resolution": "resolve", "note": "fixed"}),
        json!({"resolution": "resolve", "note": "fixed", "edit": {"key": ["z"]}}),
        json!({"resolution": "resolve", "note": "  ", "edit": {"explanation": "x"}}),
    ] {
        let response = admin.post_json(&resolve, body.clone()).await;
        assert_eq!(response.status(), 400, "{body}");
    }
    let listing = "/api/v1/exams/SAA-C03/questions?domain=4&limit=100";
    let find = |list: QuestionList| {
        list.questions
            .into_iter()
            .find(|q| q.id == question.id)
            .unwrap()
    };
    let before = find(admin.get(listing).await.json().await.unwrap());
    // Visitors read the listing from the cache until the fix lands.
    let public = Browser::anonymous();
    public.get(listing).await;
    let cached = public.get(listing).await;
    assert_eq!(header(&cached, "x-cache"), "HIT");
    let explanation = format!(
        "{} The scenario is in a single AWS Region.",
        before.solution.unwrap().explanation
    );
    let response = admin
        .post_json(&resolve, json!({"resolution": "resolve", "note": "Clarified the region.", "edit": {"explanation": explanation}}))
        .await;
    assert_eq!(
        response.status(),
        200,
        "{}",
        response.text().await.unwrap_or_default()
    );
    let closed: ReportView = response.json().await.unwrap();
    assert_eq!(closed.status, ReportStatus::Resolved);
    assert_eq!(
        closed.resolution_note.as_deref(),
        Some("Clarified the region.")
    );
    let after = find(admin.get(listing).await.json().await.unwrap());
    assert_eq!(
        after.version,
        question.version + 1,
        "an edit is a new version"
    );
    assert_eq!(after.solution.unwrap().explanation, explanation);
    let refreshed = public.get(listing).await;
    assert_eq!(
        header(&refreshed, "x-cache"),
        "MISS",
        "the fix purged the cache"
    );
    let seen = find(refreshed.json().await.unwrap());
    assert_eq!(seen.version, question.version + 1);
    let again = admin
        .post_json(&resolve, json!({"resolution": "dismiss", "note": "dup"}))
        .await;
    assert_eq!(again.status(), 409, "a closed report stays closed");
    let missing = admin
        .post_json(
            "/api/v1/admin/reports/nope/resolve",
            json!({"resolution": "dismiss", "note": "x"}),
        )
        .await;
    assert_eq!(missing.status(), 404);
    let resolved: ReportList = admin
        .get("/api/v1/admin/reports?status=resolved")
        .await
        .json()
        .await
        .unwrap();
    assert!(resolved.reports.iter().any(|r| r.id == report.id));
}
