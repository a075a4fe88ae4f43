//! "Why was my answer wrong?" over HTTP against the OpenRouter stand-in (fakellm): the first
//! learner's mistake costs one model call, traced to the LangSmith stand-in; a second learner
//! with the same mistake is answered from what was kept, with no call at all.

use ptp_shared::{MistakeExplanation, QuestionView, SessionView};
use serde_json::{Value, json};

use crate::learning::{exam, graded, guest, whole_domain};
use crate::support::{Browser, DATABASE, client, local_control};

/// Calls the stand-in answered with its explanation rule.
async fn model_calls(model_url: &str) -> u64 {
    let stats: Value = client()
        .get(format!("{model_url}/_fakellm/stats"))
        .send()
        .await
        .expect("the OpenRouter stand-in answers")
        .json()
        .await
        .unwrap();
    stats["by_rule"]["explain-mistake"].as_u64().unwrap_or(0)
}

async fn traced_runs(langsmith_url: &str) -> Vec<Value> {
    let runs: Value = client()
        .get(format!("{langsmith_url}/_runs"))
        .send()
        .await
        .expect("the LangSmith stand-in answers")
        .json()
        .await
        .unwrap();
    runs["runs"].as_array().cloned().unwrap_or_default()
}

/// A choice that is not the key of a single-answer question.
fn wrong_choice(question: &QuestionView, key: &[String]) -> String {
    question
        .choices
        .iter()
        .map(|c| c.id.clone())
        .find(|id| !key.contains(id))
        .expect("a distractor")
}

async fn explain(learner: &Browser, session: &SessionView, question: &str) -> MistakeExplanation {
    let reply = learner
        .post_json(
            &format!("/api/v1/sessions/{}/explanations", session.id),
            json!({ "question": question }),
        )
        .await;
    assert_eq!(reply.status(), 200, "explaining {question}");
    reply.json().await.unwrap()
}

#[tokio::test]
async fn a_mistake_is_explained_by_the_model_once_and_then_from_what_was_kept() {
    let _db = DATABASE.read().await;
    let Some(_control) = local_control("counts the calls of the local OpenRouter stand-in") else {
        return;
    };
    let model_url = std::env::var("PTP_MODEL_URL").expect("the test run names the stand-in");
    let langsmith_url =
        std::env::var("PTP_LANGSMITH_URL").expect("the test run names the tracer stand-in");
    // The last domain holds fewer than the 50 a practice session draws, so every guest's
    // session below holds the same question.
    let domain = exam("SAA-C03").await.domains.last().unwrap().code.clone();
    let (first, second) = (guest().await, guest().await);
    let mine = whole_domain(&first, "SAA-C03", &domain).await;
    let question = mine
        .items
        .iter()
        .map(|i| &i.question)
        .find(|q| q.kind == ptp_shared::QuestionKind::Single)
        .expect("a single-answer question")
        .clone();
    // Learn the key on a scratch learner, so both learners make the same mistake.
    let scout = guest().await;
    let theirs = whole_domain(&scout, "SAA-C03", &domain).await;
    let first_choice = question.choices[0].id.clone();
    let (_, _, key) = graded(&scout, &theirs.id, &question.id, &[&first_choice]).await;
    let mistake = wrong_choice(&question, &key);

    let before = model_calls(&model_url).await;
    let (correct, _, _) = graded(&first, &mine.id, &question.id, &[&mistake]).await;
    assert!(!correct);
    let explained = explain(&first, &mine, &question.id).await;
    assert!(!explained.cached, "nobody made this mistake before");
    assert_eq!(explained.answer, std::slice::from_ref(&mistake));
    assert!(
        explained.text.starts_with("You chose an option"),
        "{}",
        explained.text
    );
    assert_eq!(explained.allowance.used, 1);
    assert_eq!(explained.allowance.remaining, explained.allowance.limit - 1);
    assert_eq!(model_calls(&model_url).await, before + 1);
    let runs = traced_runs(&langsmith_url).await;
    let run = runs
        .iter()
        .rev()
        .find(|run| run["name"] == "openrouter.explain")
        .expect("the call was traced");
    assert_eq!(run["run_type"], "llm");
    assert_eq!(run["session_name"], "pingtopass-local");
    assert!(
        run["outputs"]["content"]
            .as_str()
            .unwrap()
            .contains("explanation")
    );

    let later = whole_domain(&second, "SAA-C03", &domain).await;
    let (correct, _, _) = graded(&second, &later.id, &question.id, &[&mistake]).await;
    assert!(!correct);
    let kept = explain(&second, &later, &question.id).await;
    assert!(kept.cached);
    assert_eq!(kept.text, explained.text);
    assert_eq!(
        model_calls(&model_url).await,
        before + 1,
        "the second learner's identical mistake cost no call"
    );
}
