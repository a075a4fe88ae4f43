//! The practice allowance holds under parallel answers: the count is checked again inside the
//! answer's transaction, so an answer whose check passed before another took the last one of
//! the day is refused (402), and nothing is recorded for it.

use ptp_domain::billing::{Metered, window};
use ptp_domain::{QuestionId, SessionId, UserId};

use super::billing::{answer, customer, practice, stack, stripe};
use crate::ports::Platform;
use crate::store::answers::{self, NewAnswer};
use crate::testing::{START_MS, block_on};
use crate::time;

#[test]
fn an_answer_racing_for_the_last_of_the_day_is_refused_inside_its_transaction() {
    let stack = stack(stripe());
    let member = customer(&stack);
    let (session, questions) = practice(&stack, &member);
    assert_eq!(answer(&stack, &member, &session, &questions[0]).status, 200);
    let db = stack.platform.database().unwrap();
    let user = UserId::trusted(member.user_id().to_string());
    let (sid, q1) = (
        SessionId::trusted(session.clone()),
        QuestionId::trusted(questions[1].clone()),
    );
    // Checked while one of the two is left…
    let read = block_on(answers::context(db, &sid, &q1, &user, START_MS))
        .unwrap()
        .unwrap();
    assert_eq!(read.standing.used.practice_answers, 1);
    // …then a parallel answer takes it.
    assert_eq!(answer(&stack, &member, &session, &questions[2]).status, 200);
    let item = read.item.as_ref().unwrap();
    let since = time::rfc3339(window(Metered::PracticeAnswers).start_ms(START_MS));
    let key = crate::testing::bank::key(&questions[1]);
    let new = NewAnswer {
        question: &item.question,
        position: item.position,
        answer: &key,
        credit: 1.0,
        correct: true,
        elapsed_ms: 1_000,
        now_ms: START_MS,
        card: None,
        practice_allowance: Some((2, since)),
    };
    assert!(!block_on(answers::record(db, &read.session, &new)).unwrap());
    assert_eq!(stack.db.count("SELECT count(*) FROM responses"), 2);
    let refused = answer(&stack, &member, &session, &questions[1]);
    assert_eq!(refused.status, 402, "{}", refused.json);
}
