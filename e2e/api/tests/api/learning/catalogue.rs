//! The catalogue, and who may see a question's key.

use ptp_shared::{ErrorCode, ExamList, Navigation, QuestionList};
use serde_json::Value;

use super::{exam, graded, guest, some_answer, whole_domain};
use crate::support::{Browser, DATABASE, error_body, local_control, signed_in_admin};

#[tokio::test]
async fn the_catalogue_lists_the_exams_with_the_vendors_rules() {
    let _db = DATABASE.read().await;
    let response = Browser::anonymous().get("/api/v1/exams").await;
    assert_eq!(response.status(), 200);
    let list: ExamList = response.json().await.unwrap();
    let find = |code: &str| {
        list.exams
            .iter()
            .find(|e| e.code == code)
            .unwrap_or_else(|| panic!("{code} is in the catalogue"))
    };
    let sec = find("SY0-701");
    assert_eq!(
        (
            sec.question_count,
            sec.minutes,
            sec.score_min,
            sec.score_max,
            sec.passing_score
        ),
        (90, 90, 100, 900, 750)
    );
    assert_eq!(sec.navigation, Navigation::ReviewAllowed);
    let saa = find("SAA-C03");
    assert_eq!(
        (
            saa.question_count,
            saa.minutes,
            saa.score_min,
            saa.score_max,
            saa.passing_score
        ),
        (65, 130, 100, 1000, 720)
    );
    let ccna = find("200-301");
    assert_eq!(
        (ccna.minutes, ccna.navigation),
        (120, Navigation::ForwardOnly)
    );
    for exam in &list.exams {
        assert!(
            exam.bank_size >= 60,
            "{}: {} questions",
            exam.code,
            exam.bank_size
        );
    }

    let legacy: ExamList = Browser::anonymous()
        .get("/api/exams")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(legacy, list, "the seed path answers the same list");
}

#[tokio::test]
async fn an_exam_shows_its_domains_weights_and_bank() {
    let _db = DATABASE.read().await;
    let sec = exam("sy0-701").await;
    assert_eq!(sec.summary.code, "SY0-701", "codes are case-insensitive");
    let weights: Vec<u32> = sec.domains.iter().map(|d| d.weight).collect();
    assert_eq!(weights, [12, 22, 18, 28, 20]);
    let saa = exam("SAA-C03").await;
    let weights: Vec<u32> = saa.domains.iter().map(|d| d.weight).collect();
    assert_eq!(weights, [30, 26, 24, 20]);
    for detail in [&sec, &saa] {
        let bank: u32 = detail.domains.iter().map(|d| d.bank_size).sum();
        assert_eq!(bank, detail.summary.bank_size, "per-domain banks add up");
        assert!(
            detail.domains.iter().all(|d| d.bank_size > 0),
            "every domain covered"
        );
    }

    for (path, status) in [
        ("/api/v1/exams/NOPE-000", 404),
        ("/api/v1/exams/not%20an%20exam!", 404),
        ("/api/v1/exams/NOPE-000/questions", 404),
        ("/api/v1/exams/SY0-701/questions?domain=9.9", 404),
        ("/api/v1/exams/SY0-701/questions?limit=0", 400),
        ("/api/v1/exams/SY0-701/questions?limit=101", 400),
        ("/api/v1/exams/SY0-701/questions?limit=ten", 400),
    ] {
        let response = Browser::anonymous().get(path).await;
        assert_eq!(response.status(), status, "{path}");
        let code = error_body(response).await.error.code;
        let expected = if status == 404 {
            ErrorCode::NotFound
        } else {
            ErrorCode::InvalidInput
        };
        assert_eq!(code, expected, "{path}");
    }
}

/// The raw JSON of a question listing, and the ids in it that carry a solution.
async fn listing(browser: &Browser, path: &str) -> (Value, Vec<String>) {
    let response = browser.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    let text = response.text().await.unwrap();
    let raw: Value = serde_json::from_str(&text).unwrap();
    let list: QuestionList = serde_json::from_str(&text).unwrap();
    let revealed = list
        .questions
        .iter()
        .filter(|q| q.solution.is_some())
        .map(|q| q.id.clone())
        .collect();
    (raw, revealed)
}

fn mentions_a_key(raw: &Value) -> bool {
    raw["questions"].as_array().unwrap().iter().any(|q| {
        q.get("solution").is_some() || q.get("key").is_some() || q.get("explanation").is_some()
    })
}

#[tokio::test]
async fn keys_and_explanations_stay_hidden_until_answered() {
    let _db = DATABASE.read().await;
    let path = "/api/v1/exams/SY0-701/questions?domain=1.0&limit=100";
    let (raw, revealed) = listing(&Browser::anonymous(), path).await;
    assert!(raw["questions"].as_array().unwrap().len() >= 10);
    assert!(
        !mentions_a_key(&raw) && revealed.is_empty(),
        "anonymous callers see no key"
    );
    let (raw, _) = listing(&Browser::anonymous(), "/api/questions?limit=25").await;
    assert_eq!(raw["questions"].as_array().unwrap().len(), 25);
    assert!(!mentions_a_key(&raw), "nor on the seed path");

    let learner = guest().await;
    let (raw, _) = listing(&learner, path).await;
    assert!(
        !mentions_a_key(&raw),
        "a guest who answered nothing sees no key"
    );
    let session = whole_domain(&learner, "SY0-701", "1.0").await;
    assert!(
        session.items.iter().all(|i| i.question.solution.is_none()),
        "a new practice session shows no key"
    );
    let first = &session.items[0].question;
    graded(&learner, &session.id, &first.id, &some_answer(first)).await;
    let (_, revealed) = listing(&learner, path).await;
    assert_eq!(
        revealed,
        std::slice::from_ref(&first.id),
        "only the answered question opens up"
    );
    let (_, revealed) = listing(&guest().await, path).await;
    assert!(
        revealed.is_empty(),
        "and only for the learner who answered it"
    );

    let Some(control) = local_control("needs the local stack's control server") else {
        return;
    };
    if !crate::support::local_sign_in_available().await {
        return;
    }
    let admin = signed_in_admin(&control, "keys-admin").await;
    let (raw, revealed) = listing(&admin, path).await;
    assert_eq!(
        revealed.len(),
        raw["questions"].as_array().unwrap().len(),
        "admins see every key"
    );
}
