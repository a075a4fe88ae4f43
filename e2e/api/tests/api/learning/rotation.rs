//! Mocks in a row for one learner draw what their earlier mocks did not, until a domain's bank
//! is used up; and a mock draws only the kinds of item the real exam has.

use std::collections::BTreeMap;

use ptp_shared::{QuestionKind, SessionView};
use serde_json::json;

use super::{exam, start};
use crate::billing::pro_member;
use crate::support::{Browser, DATABASE};

async fn full_mock(learner: &Browser, code: &str) -> SessionView {
    let mock = start(learner, json!({"exam": code, "mode": "mock"})).await;
    let finished = learner
        .post_json(&format!("/api/v1/sessions/{}/finish", mock.id), json!({}))
        .await;
    assert_eq!(finished.status(), 200, "finish");
    mock
}

#[tokio::test]
async fn consecutive_mocks_repeat_no_question_until_the_bank_is_used_up() {
    let _db = DATABASE.read().await;
    // Free plans start one mock a week; Pro starts as many as the learner likes.
    let Some(learner) = pro_member("mocks-in-a-row").await else {
        return;
    };
    let ccna = exam("200-301").await;
    let bank: BTreeMap<String, u32> = ccna
        .domains
        .iter()
        .map(|d| (d.code.clone(), d.bank_size))
        .collect();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for round in 1..=3 {
        let mock = full_mock(&learner, "200-301").await;
        assert_eq!(mock.items.len(), 100);
        for item in &mock.items {
            let q = &item.question;
            assert!(
                seen.insert(q.id.clone(), q.domain.clone()).is_none(),
                "mock {round} repeats {}",
                q.id
            );
        }
    }
    assert_eq!(seen.len(), 300, "three mocks, 300 distinct questions");

    // A fourth mock repeats a domain's questions only once that domain has none left unseen.
    let fourth = full_mock(&learner, "200-301").await;
    for (domain, size) in &bank {
        let drawn: Vec<&str> = fourth
            .items
            .iter()
            .filter(|i| &i.question.domain == domain)
            .map(|i| i.question.id.as_str())
            .collect();
        let repeats = drawn.iter().filter(|id| seen.contains_key(**id)).count() as u32;
        let before = seen.values().filter(|d| *d == domain).count() as u32;
        let fresh = drawn.len() as u32 - repeats;
        if repeats > 0 {
            assert_eq!(
                fresh,
                size - before,
                "domain {domain} repeats {repeats} while unseen questions remain"
            );
        } else {
            assert!(before + fresh <= *size);
        }
    }

    // SAA-C03 has no ordering items on the real exam: its mocks draw none.
    let aws = full_mock(&learner, "SAA-C03").await;
    assert_eq!(aws.items.len(), 65);
    assert!(
        aws.items
            .iter()
            .all(|i| i.question.kind != QuestionKind::Ordering),
        "a SAA-C03 mock drew an ordering item"
    );
}
