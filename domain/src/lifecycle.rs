//! A question's life: draft → in review → published → retired, and back where that makes sense.
//! Only published questions reach learners; a retired one stays readable by the sessions and
//! results that already hold it.

pub use ptp_shared::QuestionStatus as Status;

/// A move from one status to another, as the audit log names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// draft → in review: the author asks for it to be checked.
    Submit,
    /// in review → draft: sent back for more work.
    Return,
    /// in review → published.
    Publish,
    /// published → retired: learners no longer draw it.
    Retire,
    /// retired → published.
    Restore,
}

impl Move {
    pub const fn action(self) -> &'static str {
        match self {
            Move::Submit => "question_submit",
            Move::Return => "question_return",
            Move::Publish => "question_publish",
            Move::Retire => "question_retire",
            Move::Restore => "question_restore",
        }
    }

    /// Whether learners' view of the bank changes (the catalogue caches must be purged).
    pub const fn reaches_learners(self) -> bool {
        matches!(self, Move::Publish | Move::Retire | Move::Restore)
    }
}

const MOVES: [(Status, Status, Move); 5] = [
    (Status::Draft, Status::InReview, Move::Submit),
    (Status::InReview, Status::Draft, Move::Return),
    (Status::InReview, Status::Published, Move::Publish),
    (Status::Published, Status::Retired, Move::Retire),
    (Status::Retired, Status::Published, Move::Restore),
];

/// The statuses `from` may move to.
pub fn next(from: Status) -> Vec<Status> {
    MOVES
        .iter()
        .filter(|(f, _, _)| *f == from)
        .map(|(_, to, _)| *to)
        .collect()
}

/// The move from `from` to `to`, or `None` when the rules have no such move (a draft is never
/// published unreviewed; nothing goes back to draft once published).
pub fn step(from: Status, to: Status) -> Option<Move> {
    MOVES
        .iter()
        .find(|(f, t, _)| *f == from && *t == to)
        .map(|(_, _, m)| *m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_reaches_learners_only_through_review() {
        assert_eq!(step(Status::Draft, Status::InReview), Some(Move::Submit));
        assert_eq!(step(Status::Draft, Status::Published), None);
        assert_eq!(
            step(Status::InReview, Status::Published),
            Some(Move::Publish)
        );
        assert_eq!(step(Status::InReview, Status::Draft), Some(Move::Return));
        assert_eq!(next(Status::Draft), vec![Status::InReview]);
    }

    #[test]
    fn a_published_question_is_retired_and_restored_never_drafted_again() {
        assert_eq!(step(Status::Published, Status::Retired), Some(Move::Retire));
        assert_eq!(
            step(Status::Retired, Status::Published),
            Some(Move::Restore)
        );
        assert_eq!(step(Status::Published, Status::Draft), None);
        assert_eq!(step(Status::Retired, Status::Draft), None);
        assert_eq!(step(Status::Published, Status::Published), None);
        assert!(Move::Retire.reaches_learners() && !Move::Submit.reaches_learners());
    }
}
