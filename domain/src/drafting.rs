//! What a model is asked when it drafts questions, answers one blind, or repairs one, and the
//! shapes its answers must have. Everything it returns is untrusted text: a drafted question is
//! only raw fields here, held to [`crate::content`]'s rules (and [`crate::drafts`]'s checks)
//! before anything stores it as a question.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::content::Content;
use crate::question::QuestionKind;
use crate::tutor::{Message, lettered};

/// Drafts one request may ask for.
pub const MAX_DRAFTS: u32 = 10;
/// Bounds on a drafted field before the content rules see it (they bound it again).
const MAX_FIELD_CHARS: usize = 6_000;
const MAX_LIST: usize = 10;

/// What an admin asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brief {
    pub exam_code: String,
    pub exam_name: String,
    pub domain_code: String,
    pub domain_name: String,
    pub objective: Option<String>,
    pub kind: Option<QuestionKind>,
    pub count: u32,
}

/// A drafted question's fields as the model gave them (bounded, not yet checked).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawDraft {
    pub kind: String,
    pub stem: String,
    pub choices: Vec<String>,
    pub key: Vec<String>,
    pub explanation: String,
    pub references: Vec<String>,
}

const STYLE: &str = "Each question is a realistic scenario a candidate could meet on the real \
exam, with one defensible answer (or exactly the keys a multiple-response item declares), \
plausible distractors of similar length and style, no \"all of the above\" or \"none of the \
above\", and no cue in the stem. Choices are labelled a, b, c, … by position. The explanation \
discusses every choice in turn as **A**, **B**, … (bold capital letters), saying why the key is \
right and each distractor wrong. Give at least one reference to vendor documentation, with a \
URL where one exists. Kinds: single (one key), multi (two or three keys; say \"Choose two.\" or \
\"Choose three.\" in the stem), ordering (every choice in the right order as the key).";

fn item_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "kind": {"type": "string", "enum": ["single", "multi", "ordering"]},
            "stem": {"type": "string"},
            "choices": {"type": "array", "minItems": 2, "maxItems": 6, "items": {"type": "string"}},
            "key": {"type": "array", "minItems": 1, "maxItems": 6, "items": {"type": "string"}},
            "explanation": {"type": "string"},
            "references": {"type": "array", "minItems": 1, "maxItems": 10, "items": {"type": "string"}}
        },
        "required": ["kind", "stem", "choices", "key", "explanation", "references"],
        "additionalProperties": false
    })
}

/// The schema of a batch of drafts.
pub fn drafts_schema() -> Value {
    json!({
        "type": "object",
        "properties": {"questions": {"type": "array", "minItems": 1, "maxItems": MAX_DRAFTS, "items": item_schema()}},
        "required": ["questions"],
        "additionalProperties": false
    })
}

/// The messages asking for `brief.count` new questions.
pub fn draft_prompt(brief: &Brief) -> Vec<Message> {
    let objective = brief
        .objective
        .as_deref()
        .map(|o| format!("Objective: {o}\n"))
        .unwrap_or_default();
    let kind = brief
        .kind
        .map(|k| format!("Kind: {} only\n", k.as_str()))
        .unwrap_or_default();
    vec![
        Message::system(format!(
            "You write practice questions for IT certification exams. {STYLE} Reply with \
                 JSON only: {{\"questions\": [{{\"kind\", \"stem\", \"choices\", \"key\", \
                 \"explanation\", \"references\"}}]}}."
        )),
        Message::user(format!(
            "Draft {count} questions.\nExam: {code} ({name})\nDomain: {dcode} {dname}\n{objective}{kind}",
            count = brief.count,
            code = brief.exam_code,
            name = brief.exam_name,
            dcode = brief.domain_code,
            dname = brief.domain_name,
        )),
    ]
}

fn bounded(draft: &RawDraft) -> Result<(), String> {
    let long = [&draft.kind, &draft.stem, &draft.explanation]
        .into_iter()
        .chain(&draft.choices)
        .chain(&draft.key)
        .chain(&draft.references)
        .any(|field| field.chars().count() > MAX_FIELD_CHARS);
    if long {
        return Err("a field is over 6000 characters".into());
    }
    if draft.choices.len() > MAX_LIST
        || draft.key.len() > MAX_LIST
        || draft.references.len() > MAX_LIST
    {
        return Err("a list is over 10 items".into());
    }
    Ok(())
}

/// A batch of drafts: the JSON asked for, at most what was asked, each within bounds.
pub fn parse_drafts(content: &str, asked: u32) -> Result<Vec<RawDraft>, String> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Batch {
        questions: Vec<RawDraft>,
    }
    let batch: Batch = serde_json::from_str(content.trim())
        .map_err(|err| format!("not the JSON asked for: {err}"))?;
    if batch.questions.is_empty() || batch.questions.len() > asked as usize {
        return Err(format!(
            "{} questions for {asked} asked",
            batch.questions.len()
        ));
    }
    for draft in &batch.questions {
        bounded(draft)?;
    }
    Ok(batch.questions)
}

/// The messages for a blind answer: the stem and the choices only.
pub fn blind_prompt(content: &Content) -> Vec<Message> {
    let choices = lettered(&content.choices);
    let how = match content.kind {
        QuestionKind::Single => "Pick the one best answer.".to_string(),
        QuestionKind::Multi => format!("Pick exactly {} answers.", content.key.len()),
        QuestionKind::Ordering => "Give every choice id in the right order.".to_string(),
    };
    vec![
        Message::system(
            "You are an expert candidate answering an IT certification exam question. \
             Reply with JSON only: {\"answer\": [choice ids]}.",
        ),
        Message::user(format!(
            "Answer blind.\n{}\n\n{choices}\n\n{how}",
            content.stem
        )),
    ]
}

pub fn blind_schema() -> Value {
    json!({
        "type": "object",
        "properties": {"answer": {"type": "array", "minItems": 1, "maxItems": 6, "items": {"type": "string", "maxLength": 1}}},
        "required": ["answer"],
        "additionalProperties": false
    })
}

/// A blind answer: choice ids of the question.
pub fn parse_blind(content: &str, choices: usize) -> Result<Vec<String>, String> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Blind {
        answer: Vec<String>,
    }
    let blind: Blind = serde_json::from_str(content.trim())
        .map_err(|err| format!("not the JSON asked for: {err}"))?;
    let valid = !blind.answer.is_empty()
        && blind.answer.len() <= choices
        && blind.answer.iter().all(|id| {
            let mut chars = id.chars();
            matches!((chars.next(), chars.next()), (Some(c), None) if ('a'..='f').contains(&c) && ((c as u8 - b'a') as usize) < choices)
        });
    if !valid {
        return Err("the answer is not choice ids of this question".into());
    }
    Ok(blind.answer)
}

/// The messages asking to repair a draft a blind answer disagreed with.
pub fn repair_prompt(draft: &RawDraft, blind: &[String]) -> Vec<Message> {
    let current = serde_json::to_string(draft).unwrap_or_default();
    vec![
        Message::system(format!(
            "You repair practice questions for IT certification exams. {STYLE} Reply with \
                 JSON only: {{\"questions\": [one repaired question]}}."
        )),
        Message::user(format!(
            "Repair this question. An expert answering blind chose {blind:?}, not the key \
                 {key:?}: make the stem decide the answer unambiguously, or correct the key.\n{current}",
            key = draft.key,
        )),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawDraft {
        RawDraft {
            kind: "single".into(),
            stem: "Which port?".into(),
            choices: vec!["22".into(), "443".into()],
            key: vec!["b".into()],
            explanation: "**A** is SSH. **B** is HTTPS.".into(),
            references: vec!["RFC 9110".into()],
        }
    }

    #[test]
    fn a_batch_is_the_json_asked_for_and_no_more_than_asked() {
        let one = json!({"questions": [raw()]}).to_string();
        assert_eq!(parse_drafts(&one, 3).unwrap(), vec![raw()]);
        let three = json!({"questions": [raw(), raw(), raw()]}).to_string();
        assert!(parse_drafts(&three, 2).is_err(), "more than asked");
        assert!(parse_drafts("{\"questions\": []}", 2).is_err());
        assert!(parse_drafts("Here you go: {...}", 2).is_err());
        let mut long = raw();
        long.stem = "x".repeat(MAX_FIELD_CHARS + 1);
        assert!(parse_drafts(&json!({"questions": [long]}).to_string(), 1).is_err());
    }

    #[test]
    fn a_blind_answer_names_choices_of_the_question_only() {
        assert_eq!(parse_blind(r#"{"answer": ["b"]}"#, 4).unwrap(), ["b"]);
        assert!(parse_blind(r#"{"answer": ["e"]}"#, 4).is_err());
        assert!(parse_blind(r#"{"answer": ["bb"]}"#, 4).is_err());
        assert!(parse_blind(r#"{"answer": []}"#, 4).is_err());
        assert!(parse_blind("b", 4).is_err());
    }

    #[test]
    fn prompts_carry_the_brief_and_the_blind_one_hides_the_key() {
        let brief = Brief {
            exam_code: "SY0-701".into(),
            exam_name: "CompTIA Security+".into(),
            domain_code: "2.0".into(),
            domain_name: "Threats".into(),
            objective: Some("2.4 Indicators".into()),
            kind: Some(QuestionKind::Multi),
            count: 3,
        };
        let user = &draft_prompt(&brief)[1].content;
        assert!(user.contains("Draft 3 questions."));
        assert!(user.contains("Objective: 2.4 Indicators"));
        assert!(user.contains("Kind: multi only"));
        let content = Content {
            kind: QuestionKind::Single,
            stem: "Which port does HTTPS use?".into(),
            choices: vec!["22".into(), "443".into()],
            key: vec!["b".into()],
            explanation: "**A** is SSH, **B** is HTTPS, the answer.".into(),
            references: vec![],
        };
        let blind = blind_prompt(&content);
        assert!(!blind[1].content.contains("**B** is HTTPS"));
        assert!(blind[1].content.contains("b) 443"));
    }
}
