//! What stays on the server while a mock runs: the SQL that tells a question, or an answer, of a
//! mock still running (its answers may change) from everything else.

/// SQL true when the question `question` is in a mock of the user `user` (both SQL expressions)
/// that is still running at the time bound to the `?` this adds: its answers may still change, so
/// its key, explanation and the credit of answers to it stay on the server.
pub fn in_running_mock(question: &str, user: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM session_questions sm JOIN study_sessions m ON m.id = sm.session_id \
         WHERE sm.question_id = {question} AND m.user_id = {user} AND m.mode = 'mock' \
         AND m.finished_at IS NULL AND m.deadline_at > ?)"
    )
}

/// SQL true for a response `r` that is not part of a mock still running at `?`: what progress,
/// readiness and the export may count and show.
pub const SETTLED_RESPONSE: &str = "NOT EXISTS (SELECT 1 FROM study_sessions m WHERE m.id = r.session_id \
     AND m.mode = 'mock' AND m.finished_at IS NULL AND m.deadline_at > ?)";
