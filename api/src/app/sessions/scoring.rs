//! Finishing a session: its score, the review cards a mock moves, and storing both so that the
//! stored score is always the score of the answers kept.

use ptp_domain::QuestionId;
use ptp_domain::question::Credit;
use ptp_domain::schedule::{self, Card};
use ptp_domain::session::{self, Mode, ScoredItem, SessionScore};

use crate::error::ApiError;
use crate::ports::Platform;
use crate::store::sessions::{self as stored, SessionData};

/// Finishes a mock whose deadline has passed, as of its deadline.
pub(super) async fn settle<P: Platform>(
    platform: &P,
    mut data: SessionData,
) -> Result<SessionData, ApiError> {
    let state = data.session.state();
    if !state.expired(platform.now_millis()) {
        return Ok(data);
    }
    let deadline = data
        .session
        .deadline_ms
        .unwrap_or_else(|| platform.now_millis());
    close(platform, &mut data, deadline).await?;
    Ok(data)
}

/// How often a finish scores again when answers keep landing while it stores its score.
const FINISH_ATTEMPTS: usize = 5;

/// Scores a session and stores the result (and, for mocks, the review cards); `data` is updated.
/// The score stored is the score of the answers kept: when an answer lands between loading and
/// storing, the finish loses, reloads and scores again.
pub(super) async fn close<P: Platform>(
    platform: &P,
    data: &mut SessionData,
    at_ms: u64,
) -> Result<(), ApiError> {
    for _ in 0..FINISH_ATTEMPTS {
        let score = score(data)?;
        let cards = if data.session.mode == Mode::Mock {
            mock_cards(data, at_ms)?
        } else {
            vec![]
        };
        if stored::finish(platform.database()?, data, &score, at_ms, &cards).await? {
            data.session.finished_ms = Some(at_ms);
            return Ok(());
        }
        // Someone else finished it (show their result), or an answer landed (score again).
        *data = stored::load(
            platform.database()?,
            &data.session.id.clone(),
            platform.now_millis(),
        )
        .await?
        .ok_or_else(|| ApiError::NotFound("The session".into()))?;
        if data.session.finished_ms.is_some() {
            return Ok(());
        }
    }
    Err(ApiError::Conflict(
        "Answers kept arriving while this session was being finished; finish it again.".into(),
    ))
}

pub(super) fn score(data: &SessionData) -> Result<SessionScore, ApiError> {
    let rules = &data.exam.rules;
    let items: Vec<ScoredItem> = data
        .items
        .iter()
        .map(|item| ScoredItem {
            domain: item.question.domain.clone(),
            credit: data
                .responses
                .get(&item.question.id)
                .map_or(Credit::NONE, |r| Credit::new(r.credit)),
        })
        .collect();
    let order: Vec<String> = rules.domains.iter().map(|d| d.code.clone()).collect();
    Ok(session::score(
        &items,
        data.responses.len() as u32,
        &rules.scale,
        &order,
    ))
}

/// The review card each answered question of a finished mock moves to.
fn mock_cards(data: &SessionData, now_ms: u64) -> Result<Vec<(QuestionId, Card)>, ApiError> {
    let per_question = data.exam.rules.seconds_per_question();
    Ok(data
        .responses
        .iter()
        .map(|(question, response)| {
            let grade = schedule::grade(response.correct, response.elapsed_ms, per_question);
            (
                question.clone(),
                schedule::review(data.cards.get(question), grade, now_ms),
            )
        })
        .collect())
}
