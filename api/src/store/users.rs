//! `users`: members (signed in with Google) and guests.

use ptp_domain::{DailyGoal, DisplayName, ExamCode, UserId};
use ptp_shared::{Role, UserKind};

use super::{Refusal, StoreError};
use crate::db::{Database, DbError, Row, StmtResult, int, opt_text, rows, stmt, text};
use crate::http::HttpClient;
use crate::ids::new_id;
use crate::store::catalog::named;

const COLUMNS: &str = "id, kind, role, email, google_name, display_name, avatar_url, target_exam, daily_goal, created_at, last_seen_at, session_epoch";
/// [`COLUMNS`] of the table aliased `u`, for joins.
pub const COLUMNS_AS_U: &str = "u.id, u.kind, u.role, u.email, u.google_name, u.display_name, u.avatar_url, \
     u.target_exam, u.daily_goal, u.created_at, u.last_seen_at, u.session_epoch";
const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: UserId,
    pub kind: UserKind,
    pub role: Role,
    pub email: Option<String>,
    pub google_name: Option<String>,
    pub display_name: Option<String>,
    pub avatar_url: Option<String>,
    pub target_exam: Option<String>,
    pub daily_goal: u16,
    pub created_at: String,
    pub last_seen_at: String,
    /// Sessions signed with another epoch are over ("sign out everywhere" moves it on).
    pub session_epoch: u32,
}

impl UserRecord {
    pub(crate) fn from_row(row: &Row) -> Result<Self, DbError> {
        let kind = named(row, "kind", UserKind::parse)?;
        let role = named(row, "role", Role::parse)?;
        let daily_goal = u16::try_from(row.int("daily_goal")?)
            .map_err(|_| DbError::Protocol("daily_goal out of range".into()))?;
        Ok(Self {
            id: UserId::trusted(row.text("id")?),
            kind,
            role,
            email: row.opt_text("email")?,
            google_name: row.opt_text("google_name")?,
            display_name: row.opt_text("display_name")?,
            avatar_url: row.opt_text("avatar_url")?,
            target_exam: row.opt_text("target_exam")?,
            daily_goal,
            created_at: row.text("created_at")?,
            last_seen_at: row.text("last_seen_at")?,
            session_epoch: u32::try_from(row.int("session_epoch")?)
                .map_err(|_| DbError::Protocol("session_epoch out of range".into()))?,
        })
    }

    fn first(result: &StmtResult) -> Result<Option<Self>, DbError> {
        rows(result)
            .next()
            .map(|row| Self::from_row(&row))
            .transpose()
    }
}

/// A verified Google identity, as the id_token states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoogleIdentity {
    pub subject: String,
    pub email: String,
    pub name: Option<String>,
    pub picture: Option<String>,
}

fn constraint(err: &DbError) -> bool {
    matches!(err, DbError::Statement { code, .. } if code.starts_with("SQLITE_CONSTRAINT"))
}

pub async fn get(
    db: &Database<impl HttpClient>,
    id: &UserId,
) -> Result<Option<UserRecord>, StoreError> {
    let result = db
        .execute(stmt(
            &format!("SELECT {COLUMNS} FROM users WHERE id = ?"),
            [text(id)],
        ))
        .await?;
    Ok(UserRecord::first(&result)?)
}

pub async fn create_guest(db: &Database<impl HttpClient>) -> Result<UserRecord, StoreError> {
    let sql = format!("INSERT INTO users (id, kind) VALUES (?, 'guest') RETURNING {COLUMNS}");
    let result = db.execute(stmt(&sql, [text(new_id())])).await?;
    UserRecord::first(&result)?
        .ok_or_else(|| DbError::Protocol("INSERT returned no row".into()).into())
}

/// Creates the member on first sign-in, refreshes what Google says about them after that.
pub async fn upsert_member(
    db: &Database<impl HttpClient>,
    identity: &GoogleIdentity,
) -> Result<UserRecord, StoreError> {
    let sql = format!(
        "INSERT INTO users (id, kind, google_sub, email, google_name, avatar_url) VALUES (?, 'member', ?, ?, ?, ?) \
         ON CONFLICT (google_sub) DO UPDATE SET email = excluded.email, google_name = excluded.google_name, \
         avatar_url = excluded.avatar_url, last_seen_at = {NOW} RETURNING {COLUMNS}"
    );
    let params = [
        text(new_id()),
        text(&identity.subject),
        text(&identity.email),
        opt_text(identity.name.as_deref()),
        opt_text(identity.picture.as_deref()),
    ];
    match db.execute(stmt(&sql, params)).await {
        Ok(result) => UserRecord::first(&result)?
            .ok_or_else(|| DbError::Protocol("upsert returned no row".into()).into()),
        // Another Google account already holds this email (Google reassigned it).
        Err(err) if constraint(&err) => Err(StoreError::Refused(Refusal::EmailInUse)),
        Err(err) => Err(err.into()),
    }
}

/// What moves when a guest signs in, in order: sessions and answers wholesale (no answer is lost
/// or duplicated: they stay in their own sessions); the day's AI explanations (so signing in
/// does not renew the allowance); review cards only where the account has none
/// for that question yet (the account's own schedule wins); reports as filed.
const MERGE: &[&str] = &[
    "UPDATE study_sessions SET user_id = ?1 WHERE user_id = ?2",
    "UPDATE responses SET user_id = ?1 WHERE user_id = ?2",
    "UPDATE OR IGNORE review_cards SET user_id = ?1 WHERE user_id = ?2",
    "DELETE FROM review_cards WHERE user_id = ?2",
    "UPDATE question_reports SET user_id = ?1 WHERE user_id = ?2",
    "UPDATE OR IGNORE mistake_explanation_uses SET user_id = ?1 WHERE user_id = ?2",
    "DELETE FROM mistake_explanation_uses WHERE user_id = ?2",
    "DELETE FROM users WHERE id = ?2 AND kind = 'guest'",
];

/// Moves everything a guest did into the member's account, then removes the guest, atomically.
pub async fn merge_guest(
    db: &Database<impl HttpClient>,
    guest_id: &UserId,
    member_id: &UserId,
) -> Result<(), StoreError> {
    let statements = MERGE
        .iter()
        .map(|sql| stmt(sql, [text(member_id), text(guest_id)]))
        .collect();
    db.transaction(statements).await?;
    Ok(())
}

/// Fields of `PATCH /me`, validated: `Some(None)` clears, `None` leaves as is.
#[derive(Debug, Default)]
pub struct ProfileChanges {
    pub display_name: Option<Option<DisplayName>>,
    pub target_exam: Option<Option<ExamCode>>,
    pub daily_goal: Option<DailyGoal>,
}

pub async fn update_profile(
    db: &Database<impl HttpClient>,
    id: &UserId,
    changes: &ProfileChanges,
) -> Result<Option<UserRecord>, StoreError> {
    let mut sets = vec![];
    let mut params = vec![];
    if let Some(name) = &changes.display_name {
        sets.push("display_name = ?");
        params.push(opt_text(name.as_ref().map(DisplayName::as_str)));
    }
    if let Some(exam) = &changes.target_exam {
        sets.push("target_exam = ?");
        params.push(opt_text(exam.as_ref().map(ExamCode::as_str)));
    }
    if let Some(goal) = changes.daily_goal {
        sets.push("daily_goal = ?");
        params.push(int(i64::from(goal.get())));
    }
    if sets.is_empty() {
        return get(db, id).await;
    }
    params.push(text(id));
    let sql = format!(
        "UPDATE users SET {} WHERE id = ? RETURNING {COLUMNS}",
        sets.join(", ")
    );
    Ok(UserRecord::first(&db.execute(stmt(&sql, params)).await?)?)
}

/// Ends every session of the user at once, on every device: tokens carry the epoch they were
/// issued in, and every request compares it with this row.
pub async fn end_all_sessions(
    db: &Database<impl HttpClient>,
    id: &UserId,
) -> Result<(), StoreError> {
    db.execute(stmt(
        "UPDATE users SET session_epoch = session_epoch + 1 WHERE id = ?",
        [text(id)],
    ))
    .await?;
    Ok(())
}

/// Notes that user `id` is still around (guests have no sign-in that would say so).
pub async fn touch(db: &Database<impl HttpClient>, id: &UserId) -> Result<(), StoreError> {
    db.execute(stmt(
        &format!("UPDATE users SET last_seen_at = {NOW} WHERE id = ?"),
        [text(id)],
    ))
    .await?;
    Ok(())
}

/// The statements that erase the users `ids` selects (SQL: a parameter or a subquery) and
/// everything that is theirs, in an order the foreign keys accept; the users go last. The one
/// list for deleting an account and for the cleanup of idle guests, so no table is forgotten.
pub fn erasure(ids: &str) -> [String; 10] {
    [
        format!("DELETE FROM subscriptions WHERE user_id IN ({ids})"),
        format!("DELETE FROM billing_customers WHERE user_id IN ({ids})"),
        format!("DELETE FROM mistake_explanation_uses WHERE user_id IN ({ids})"),
        format!("DELETE FROM responses WHERE user_id IN ({ids})"),
        format!(
            "DELETE FROM session_questions WHERE session_id IN \
             (SELECT id FROM study_sessions WHERE user_id IN ({ids}))"
        ),
        format!("DELETE FROM study_sessions WHERE user_id IN ({ids})"),
        format!("DELETE FROM review_cards WHERE user_id IN ({ids})"),
        format!("UPDATE question_reports SET user_id = NULL WHERE user_id IN ({ids})"),
        format!("DELETE FROM api_keys WHERE user_id IN ({ids})"),
        format!("DELETE FROM users WHERE id IN ({ids})"),
    ]
}

/// Removes the user and everything that is theirs, atomically. Reports they filed stay for the
/// admins, without their name.
pub async fn delete(db: &Database<impl HttpClient>, id: &UserId) -> Result<(), StoreError> {
    db.transaction(
        erasure("?")
            .iter()
            .map(|sql| stmt(sql, [text(id)]))
            .collect(),
    )
    .await?;
    Ok(())
}

/// Newest first; `limit + 1` rows are read to know whether another page follows.
pub async fn list(
    db: &Database<impl HttpClient>,
    limit: u32,
    offset: u32,
) -> Result<(Vec<UserRecord>, bool), StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM users ORDER BY created_at DESC, id LIMIT ? OFFSET ?");
    let result = db
        .execute(stmt(
            &sql,
            [int(i64::from(limit) + 1), int(i64::from(offset))],
        ))
        .await?;
    let mut users = rows(&result)
        .map(|row| UserRecord::from_row(&row))
        .collect::<Result<Vec<_>, _>>()?;
    let more = users.len() > limit as usize;
    users.truncate(limit as usize);
    Ok((users, more))
}
