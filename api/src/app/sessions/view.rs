//! A session as its owner sees it on the wire: items, solutions where allowed, and the result.

use ptp_domain::session::Mode;
use ptp_shared as wire;

use super::scoring::score;
use crate::app::views;
use crate::error::ApiError;
use crate::store::sessions::SessionData;
use crate::time;

fn result(data: &SessionData) -> Result<wire::SessionResult, ApiError> {
    let score = score(data)?;
    let scale = &data.exam.rules.scale;
    Ok(wire::SessionResult {
        raw: score.raw,
        scaled: score.scaled,
        score_min: scale.min,
        score_max: scale.max,
        passing_score: scale.pass,
        passed: (data.session.mode == Mode::Mock).then_some(score.passed),
        correct: score.correct,
        answered: score.answered,
        total: data.items.len() as u32,
        domains: score
            .domains
            .iter()
            .map(|d| wire::DomainScore {
                code: d.domain.clone(),
                name: data.exam.domain_name(&d.domain),
                questions: d.questions,
                credit: d.credit,
                percent: d.share() * 100.0,
            })
            .collect(),
    })
}

/// The session as its owner sees it. Solutions show for answered practice questions, and for
/// everything with `review` (finished sessions only) — except for questions that are also in a
/// mock of theirs still running.
pub(super) fn view(
    data: &SessionData,
    now_ms: u64,
    review: bool,
) -> Result<wire::SessionView, ApiError> {
    let session = &data.session;
    let finished = session.finished_ms.is_some();
    let items = data
        .items
        .iter()
        .map(|item| {
            let response = data.responses.get(&item.question.id);
            let practice_answered = session.mode == Mode::Practice && response.is_some();
            let sealed = data.withheld.contains(&item.question.id);
            let reveal = (review || practice_answered) && !sealed;
            wire::SessionItem {
                position: item.position,
                question: views::question_view(&item.question, reveal),
                answer: response.map(|r| r.answer.clone()),
                flagged: item.flagged,
                credit: (!sealed && (practice_answered || (finished && review)))
                    .then(|| response.map_or(0.0, |r| r.credit)),
            }
        })
        .collect();
    Ok(wire::SessionView {
        id: session.id.to_string(),
        exam: session.exam.clone(),
        exam_name: data.exam.name.clone(),
        mode: session.mode,
        filter: session.filter,
        navigation: data.exam.rules.navigation,
        started_at: time::rfc3339(session.started_ms),
        deadline_at: session.deadline_ms.map(time::rfc3339),
        server_time: time::rfc3339(now_ms),
        finished_at: session.finished_ms.map(time::rfc3339),
        furthest: session.furthest,
        items,
        result: if finished { Some(result(data)?) } else { None },
    })
}
