//! The drafting task: a model drafts what an admin asked for; each draft is held to the content
//! rules, compared with the bank and the batch for near-duplicates, checked for a key that stands
//! out by length, and answered blind by a second model (the fallbacks first), which must pick
//! exactly the key — a disagreement sends the draft back once for repair, then fails it with both
//! answers. What passes lands in the console's review queue; nothing reaches a learner unreviewed.
//! A provider that stays down through [`MAX_ATTEMPTS`] runs of the task ends it as dead.

use ptp_domain::QuestionId;
use ptp_domain::content::{Content, Draft};
use ptp_domain::drafting::{self, RawDraft};
use ptp_domain::drafts::{self, blind_answer_agrees, key_length_cue, near_duplicate};
use ptp_domain::question::QuestionKind;
use ptp_shared::{DraftReport, NearestQuestion};

use super::JobError;
use crate::ai::{self, AiError, BACKGROUND, Call, Purpose};
use crate::ports::Platform;
use crate::store::drafts::{self as store, Checked};

/// Runs of the task before a provider outage ends the request as dead.
pub const MAX_ATTEMPTS: u32 = 3;
const MAX_TOKENS: u32 = 6_000;
const BLIND_TOKENS: u32 = 60;

/// A call of this task: nobody waits on it, and the queue retries the task if it fails.
fn call<'a>(
    purpose: Purpose,
    messages: &'a [ptp_domain::tutor::Message],
    schema: (&'static str, serde_json::Value),
    max_tokens: u32,
    second_opinion: bool,
) -> Call<'a> {
    Call {
        purpose,
        messages,
        schema,
        max_tokens,
        patience: BACKGROUND,
        second_opinion,
    }
}

/// How one draft fared.
struct Fate {
    raw: RawDraft,
    report: DraftReport,
    passed: Option<Content>,
    outcome: &'static str,
    model: String,
}

fn check_content(raw: &RawDraft) -> Result<Content, Vec<String>> {
    let kind = QuestionKind::parse(raw.kind.trim()).map_err(|_| {
        vec![format!(
            "kind: {:?} is not single, multi or ordering",
            raw.kind
        )]
    })?;
    Content::check(Draft {
        kind,
        stem: &raw.stem,
        choices: &raw.choices,
        key: &raw.key,
        explanation: &raw.explanation,
        references: &raw.references,
    })
    .map_err(|problems| {
        problems
            .into_iter()
            .map(|p| format!("{}: {}", p.field, p.reason))
            .collect()
    })
}

async fn blind<P: Platform>(platform: &P, content: &Content) -> Result<Vec<String>, AiError> {
    let messages = drafting::blind_prompt(content);
    let call = call(
        Purpose::BlindAnswer,
        &messages,
        ("blind_answer", drafting::blind_schema()),
        BLIND_TOKENS,
        true,
    );
    let choices = content.choices.len();
    ai::complete(platform, &call, |c| drafting::parse_blind(c, choices))
        .await
        .map(|answered| answered.value)
}

async fn repair<P: Platform>(
    platform: &P,
    raw: &RawDraft,
    answer: &[String],
) -> Result<Option<RawDraft>, AiError> {
    let messages = drafting::repair_prompt(raw, answer);
    let call = call(
        Purpose::Draft,
        &messages,
        ("question_drafts", drafting::drafts_schema()),
        MAX_TOKENS,
        false,
    );
    match ai::complete(platform, &call, |c| drafting::parse_drafts(c, 1)).await {
        Ok(mut answered) => Ok(answered.value.pop()),
        // A repair that comes back unusable leaves the draft as it was: it fails below.
        Err(AiError::Malformed(_) | AiError::Refused(_)) => Ok(None),
        Err(err) => Err(err),
    }
}

/// Checks one draft; `batch` holds the fingerprints of the drafts before it.
async fn check<P: Platform>(
    platform: &P,
    raw: RawDraft,
    model: &str,
    bank: &[(String, String)],
    batch: &mut Vec<(String, String)>,
) -> Result<Fate, AiError> {
    let mut report = DraftReport::default();
    let mut raw = raw;
    let fate = |raw: RawDraft, report: DraftReport, passed, outcome| Fate {
        raw,
        report,
        passed,
        outcome,
        model: model.to_string(),
    };
    let mut content = match check_content(&raw) {
        Ok(content) => content,
        Err(problems) => {
            report.problems = problems;
            return Ok(fate(raw, report, None, "refused"));
        }
    };
    report.key = content.key.clone();
    let mut answer = blind(platform, &content).await?;
    report.blind_answers.push(answer.clone());
    if !blind_answer_agrees(&content, &answer) {
        report.repaired = true;
        if let Some(repaired) = repair(platform, &raw, &answer).await? {
            match check_content(&repaired) {
                Ok(fixed) => {
                    raw = repaired;
                    content = fixed;
                    report.key = content.key.clone();
                    answer = blind(platform, &content).await?;
                    report.blind_answers.push(answer.clone());
                }
                Err(problems) => report.problems = problems,
            }
        }
        if !blind_answer_agrees(&content, &answer) {
            return Ok(fate(raw, report, None, "failed"));
        }
    }
    let text = drafts::fingerprint_text(&content);
    let others = bank.iter().chain(batch.iter());
    report.nearest =
        near_duplicate(&text, others.map(|(id, t)| (id.as_str(), t.as_str()))).map(|n| {
            NearestQuestion {
                id: n.id,
                similarity: (n.similarity * 1000.0).round() / 1000.0,
            }
        });
    report.key_cue = key_length_cue(&content)
        .map(|(key, distractor)| format!("key {key} characters, longest distractor {distractor}"));
    batch.push((format!("draft {}", batch.len() + 1), text));
    Ok(fate(raw, report, Some(content), "in_review"))
}

/// A new question's id in the exam's own style: `sy0-701-2.0-ai-3f9c1a2b`.
fn question_id(exam: &str, domain: &str) -> Result<QuestionId, JobError> {
    let suffix: String = crate::ids::random_bytes::<4>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    QuestionId::parse(&format!("{}-{domain}-ai-{suffix}", exam.to_lowercase()))
        .map_err(|err| JobError::Permanent(format!("no question id for {exam} {domain}: {err}")))
}

/// Ends the request for a provider that failed; dead once it failed [`MAX_ATTEMPTS`] runs.
async fn provider_failed<P: Platform>(
    platform: &P,
    id: &str,
    attempts: u32,
    err: AiError,
) -> Result<String, JobError> {
    let db = platform
        .database()
        .map_err(|e| JobError::Permanent(e.to_string()))?;
    let now = platform.now_millis();
    match err {
        AiError::Unavailable { .. } if attempts < MAX_ATTEMPTS => Err(JobError::Transient(
            format!("attempt {attempts} of {MAX_ATTEMPTS}: {err}"),
        )),
        AiError::Unavailable { .. } => {
            let reason =
                format!("the model provider stayed unavailable through {attempts} attempts: {err}");
            store::end(db, id, "dead", &reason, now).await?;
            Err(JobError::Permanent(reason))
        }
        other => {
            let reason = other.to_string();
            store::end(db, id, "failed", &reason, now).await?;
            Err(JobError::Permanent(reason))
        }
    }
}

pub async fn draft<P: Platform>(platform: &P, id: &str) -> Result<String, JobError> {
    let db = platform
        .database()
        .map_err(|err| JobError::Permanent(err.to_string()))?;
    let Some((job, attempts)) = store::start(db, id).await? else {
        return Err(JobError::Permanent(format!("no draft request {id}")));
    };
    if job.status != "queued" {
        return Ok(format!("draft request {id} is already {}", job.status));
    }
    let messages = drafting::draft_prompt(&job.brief);
    let call = call(
        Purpose::Draft,
        &messages,
        ("question_drafts", drafting::drafts_schema()),
        MAX_TOKENS,
        false,
    );
    let count = job.brief.count;
    let generated = match ai::complete(platform, &call, |c| drafting::parse_drafts(c, count)).await
    {
        Ok(generated) => generated,
        Err(err) => return provider_failed(platform, id, attempts, err).await,
    };
    let bank: Vec<(String, String)> = job
        .bank
        .iter()
        .map(|q| (q.id.to_string(), drafts::fingerprint_text(&q.content)))
        .collect();
    let mut batch = vec![];
    let mut fates = vec![];
    for raw in generated.value {
        match check(platform, raw, &generated.model, &bank, &mut batch).await {
            Ok(fate) => fates.push(fate),
            Err(err) => return provider_failed(platform, id, attempts, err).await,
        }
    }
    let mut checked = vec![];
    for fate in &fates {
        let passed = match &fate.passed {
            Some(content) => Some((
                question_id(&job.brief.exam_code, &job.brief.domain_code)?,
                content.clone(),
            )),
            None => None,
        };
        checked.push(Checked {
            draft_json: serde_json::to_string(&fate.raw)
                .map_err(|err| JobError::Permanent(err.to_string()))?,
            report: &fate.report,
            model: &fate.model,
            passed,
            outcome: fate.outcome,
        });
    }
    let stored = store::complete(db, id, &job, &checked, platform.now_millis()).await?;
    let in_review = fates.iter().filter(|f| f.passed.is_some()).count();
    Ok(if stored {
        format!(
            "drafted {} questions for {}: {in_review} in review, {} refused, {} failed",
            fates.len(),
            job.brief.exam_code,
            fates.iter().filter(|f| f.outcome == "refused").count(),
            fates.iter().filter(|f| f.outcome == "failed").count(),
        )
    } else {
        format!("draft request {id} was finished meanwhile")
    })
}

#[cfg(test)]
mod tests;
