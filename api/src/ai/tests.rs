use std::time::Duration;

use ptp_domain::tutor::{Message, Role};
use serde_json::{Value, json};

use super::openrouter::{backoff, retry_after_secs};
use super::*;
use crate::http::HttpReply;
use crate::testing::sqlite::SqliteTransport;
use crate::testing::{FakePlatform, ScriptedTransport, block_on};

const COMPLETIONS: &str = "/chat/completions";

fn completion(content: &str) -> HttpReply {
    HttpReply::new(
        200,
        json!({
            "id": "gen-1",
            "model": "google/gemini-2.5-flash",
            "choices": [{"message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 310, "completion_tokens": 42, "total_tokens": 352, "cost": 0.00021}
        })
        .to_string(),
    )
}

fn failing(status: u16, retry_after: Option<&str>) -> HttpReply {
    HttpReply {
        status,
        body: json!({"error": {"code": status, "message": "upstream busy"}}).to_string(),
        retry_after: retry_after.map(str::to_string),
    }
}

fn fake(
    db: &SqliteTransport,
    http: ScriptedTransport,
    extra: &'static [(&'static str, &'static str)],
) -> FakePlatform {
    FakePlatform::healthy()
        .with_settings(extra)
        .with_sqlite(db)
        .with_http(http)
}

fn ask(platform: &FakePlatform) -> Result<Answered<String>, AiError> {
    let messages = [Message {
        role: Role::User,
        content: "Explain".into(),
    }];
    let call = Call {
        purpose: Purpose::Explain,
        messages: &messages,
        schema: ("answer", json!({"type": "object"})),
        max_tokens: 100,
        patience: INTERACTIVE,
        second_opinion: false,
    };
    block_on(complete(platform, &call, |content| {
        let value: Value = serde_json::from_str(content).map_err(|err| err.to_string())?;
        value["answer"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| "no answer".to_string())
    }))
}

fn outcomes(db: &SqliteTransport) -> Vec<String> {
    (1..=db.count("SELECT count(*) FROM ai_calls"))
        .map(|id| {
            db.scalar(&format!(
                "SELECT outcome || ' ' || model || ' ' || cost_usd FROM ai_calls WHERE id = {id}"
            ))
            .unwrap()
        })
        .collect()
}

#[test]
fn an_answer_that_passes_the_check_is_returned_and_its_cost_recorded() {
    let db = SqliteTransport::migrated();
    let http = ScriptedTransport::replying(404, "")
        .in_turn_at(COMPLETIONS, vec![completion(r#"{"answer": "443"}"#)]);
    let platform = fake(&db, http.clone(), &[]);
    let answered = ask(&platform).unwrap();
    assert_eq!(answered.value, "443");
    assert_eq!(answered.model, "google/gemini-2.5-flash");
    assert_eq!(outcomes(&db), ["ok google/gemini-2.5-flash 0.00021"]);
    assert_eq!(
        db.scalar(
            "SELECT prompt_tokens || '/' || completion_tokens || ' ' || purpose FROM ai_calls"
        ),
        Some("310/42 explain".into())
    );

    let sent = http.requests();
    assert_eq!(sent.len(), 1, "no trace is sent without LANGCHAIN_API_KEY");
    assert_eq!(sent[0].url, "https://openrouter.ai/api/v1/chat/completions");
    assert!(
        sent[0]
            .headers
            .contains(&("authorization", "Bearer sk-or-v1-test".into()))
    );
    let body: Value = serde_json::from_str(sent[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body["models"],
        json!(["openai/gpt-4.1-mini", "google/gemini-2.5-flash"])
    );
    assert_eq!(body["response_format"]["type"], "json_schema");
    assert_eq!(body["response_format"]["json_schema"]["strict"], true);
    assert_eq!(body["usage"]["include"], true);
}

#[test]
fn busy_and_failing_providers_are_tried_again_after_the_pause_they_ask_for() {
    let db = SqliteTransport::migrated();
    let http = ScriptedTransport::replying(404, "").in_turn_at(
        COMPLETIONS,
        vec![
            failing(429, Some("2")),
            failing(502, None),
            completion(r#"{"answer": "443"}"#),
        ],
    );
    let platform = fake(&db, http.clone(), &[]);
    assert_eq!(ask(&platform).unwrap().value, "443");
    let pauses = http.pauses();
    assert_eq!(pauses.len(), 2);
    assert_eq!(pauses[0], Duration::from_secs(2), "Retry-After honoured");
    assert!(pauses[1] >= Duration::from_millis(500) && pauses[1] <= Duration::from_secs(1));
    assert_eq!(
        outcomes(&db),
        [
            "failed openai/gpt-4.1-mini 0.0",
            "failed openai/gpt-4.1-mini 0.0",
            "ok google/gemini-2.5-flash 0.00021"
        ]
    );
}

#[test]
fn an_outage_ends_after_the_last_attempt_and_a_long_retry_after_at_once() {
    let db = SqliteTransport::migrated();
    let http =
        ScriptedTransport::replying(404, "").in_turn_at(COMPLETIONS, vec![failing(503, None)]);
    let platform = fake(&db, http.clone(), &[]);
    let err = ask(&platform).unwrap_err();
    assert!(err.is_transient());
    assert_eq!(
        err.to_string(),
        "the model provider is unavailable: HTTP 503: upstream busy"
    );
    assert_eq!(http.requests().len(), INTERACTIVE.attempts as usize);
    assert!(
        http.pauses()
            .iter()
            .all(|p| *p <= INTERACTIVE.longest_pause)
    );

    let db = SqliteTransport::migrated();
    let http = ScriptedTransport::replying(404, "")
        .in_turn_at(COMPLETIONS, vec![failing(429, Some("120"))]);
    let platform = fake(&db, http.clone(), &[]);
    assert_eq!(
        ask(&platform).unwrap_err(),
        AiError::Unavailable {
            reason: "HTTP 429: upstream busy".into(),
            retry_after_secs: Some(120)
        }
    );
    assert_eq!(
        http.requests().len(),
        1,
        "no waiting past what the caller allows"
    );
}

#[test]
fn refusals_and_malformed_answers_are_never_tried_again_or_used() {
    let db = SqliteTransport::migrated();
    let http =
        ScriptedTransport::replying(404, "").in_turn_at(COMPLETIONS, vec![failing(401, None)]);
    let platform = fake(&db, http.clone(), &[]);
    assert!(
        matches!(ask(&platform), Err(AiError::Refused(reason)) if reason == "HTTP 401: upstream busy")
    );
    assert_eq!(http.requests().len(), 1);

    for content in ["Sure, 443!", r#"{"other": 1}"#] {
        let db = SqliteTransport::migrated();
        let http =
            ScriptedTransport::replying(404, "").in_turn_at(COMPLETIONS, vec![completion(content)]);
        let platform = fake(&db, http.clone(), &[]);
        assert!(
            matches!(ask(&platform), Err(AiError::Malformed(_))),
            "{content}"
        );
        assert_eq!(http.requests().len(), 1);
        assert_eq!(outcomes(&db), ["malformed google/gemini-2.5-flash 0.00021"]);
    }

    let db = SqliteTransport::migrated();
    let garbled = HttpReply::new(200, "<html>gateway</html>");
    let http = ScriptedTransport::replying(404, "").in_turn_at(COMPLETIONS, vec![garbled]);
    let platform = fake(&db, http, &[]);
    assert_eq!(
        ask(&platform).unwrap_err(),
        AiError::Malformed("the body is not JSON".into())
    );
}

#[test]
fn with_a_langsmith_key_every_attempt_is_traced_and_a_failing_tracer_is_only_logged() {
    let db = SqliteTransport::migrated();
    let http = ScriptedTransport::replying(500, "tracer down").in_turn_at(
        COMPLETIONS,
        vec![failing(500, None), completion(r#"{"answer": "443"}"#)],
    );
    let platform = fake(
        &db,
        http.clone(),
        &[
            ("LANGCHAIN_API_KEY", "lsv2_pt_test"),
            ("LANGCHAIN_ENDPOINT", "http://127.0.0.1:9999"),
        ],
    );
    assert_eq!(ask(&platform).unwrap().value, "443");
    let traces: Vec<_> = http
        .requests()
        .into_iter()
        .filter(|r| r.url == "http://127.0.0.1:9999/runs")
        .collect();
    assert_eq!(traces.len(), 2);
    assert!(
        traces[1]
            .headers
            .contains(&("x-api-key", "lsv2_pt_test".into()))
    );
    let run: Value = serde_json::from_str(traces[1].body.as_deref().unwrap()).unwrap();
    assert_eq!(run["run_type"], "llm");
    assert_eq!(run["name"], "openrouter.explain");
    assert_eq!(run["session_name"], "pingtopass");
    assert_eq!(run["inputs"]["messages"][0]["content"], "Explain");
    assert_eq!(run["outputs"]["usage_metadata"]["total_tokens"], 352);
    assert_eq!(run["extra"]["metadata"]["cost_usd"], 0.00021);
    assert_eq!(run["extra"]["metadata"]["attempt"], 2);
    let first: Value = serde_json::from_str(traces[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(first["error"], "HTTP 500: upstream busy");
    assert!(first["outputs"].is_null());
    let logs = platform.logs.lock().unwrap();
    assert!(
        logs.iter()
            .any(|(_, line)| line.contains("tracing an AI call to LangSmith failed: HTTP 500"))
    );
    assert!(
        !logs
            .iter()
            .any(|(_, line)| line.contains("lsv2_pt_test") || line.contains("sk-or-v1-test")),
        "keys never reach the logs"
    );
}

#[test]
fn retry_after_reads_seconds_and_http_dates_and_backoff_stays_within_bounds() {
    let now = 1_445_412_480_000; // 2015-10-21T07:28:00Z
    assert_eq!(retry_after_secs(Some("7"), now), Some(7));
    assert_eq!(
        retry_after_secs(Some("Wed, 21 Oct 2015 07:28:30 GMT"), now),
        Some(30)
    );
    assert_eq!(retry_after_secs(Some("soon"), now), None);
    assert_eq!(retry_after_secs(None, now), None);
    for made in 1..8 {
        let pause = backoff(made, Duration::from_secs(4));
        assert!(pause <= Duration::from_secs(4), "{pause:?}");
        assert!(pause >= Duration::from_millis(250), "{pause:?}");
    }
}
