//! The console's writes to the bank: new drafts, saved versions and moves between statuses, each
//! with its audit entry in one transaction and only while the question is still the version
//! (and status) the admin read, so two admins never overwrite each other unseen.

use ptp_domain::content::Content;
use ptp_domain::lifecycle::{Move, Status};
use ptp_domain::{QuestionId, UserId};
use ptp_shared::{AdminQuestionSummary, QuestionKind};

use super::StoreError;
use super::audit::{self, Action};
use super::catalog::{QUESTION_COLUMNS, QuestionRecord, named};
use crate::db::{Database, DbError, Row, Stmt, Value, int, rows, stmt, text};
use crate::http::HttpClient;
use crate::time;

/// `questions.status` with review folded in: a draft with a review request is in review.
pub(super) const STAGE: &str = "CASE WHEN q.status = 'draft' AND EXISTS (SELECT 1 FROM question_reviews r \
     WHERE r.question_id = q.id) THEN 'in_review' ELSE q.status END";

const OPEN_REPORTS: &str = "(SELECT count(*) FROM question_reports p WHERE p.question_id = q.id \
     AND p.status = 'open')";

/// A question as the console sees it.
#[derive(Debug, Clone)]
pub struct Authored {
    pub record: QuestionRecord,
    pub status: Status,
    pub source: String,
    pub updated_by: String,
    pub updated_at: String,
    pub open_reports: u32,
}

fn count(row: &Row, column: &str) -> Result<u32, DbError> {
    u32::try_from(row.int(column)?).map_err(|_| DbError::Protocol(format!("{column} out of range")))
}

impl Authored {
    pub(super) fn from_row(row: &Row) -> Result<Self, DbError> {
        Ok(Self {
            record: QuestionRecord::from_row(row)?,
            status: named(row, "stage", Status::parse)?,
            source: row.text("source")?,
            updated_by: row.text("updated_by")?,
            updated_at: row.text("updated_at")?,
            open_reports: count(row, "open_reports")?,
        })
    }
}

pub async fn get(
    db: &Database<impl HttpClient>,
    id: &QuestionId,
) -> Result<Option<Authored>, StoreError> {
    let result = db
        .execute(stmt(
            &format!(
                "SELECT {QUESTION_COLUMNS}, {STAGE} AS stage, q.source, q.updated_by, q.updated_at, \
                 {OPEN_REPORTS} AS open_reports FROM questions q WHERE q.id = ?"
            ),
            [text(id)],
        ))
        .await?;
    Ok(rows(&result)
        .next()
        .map(|row| Authored::from_row(&row))
        .transpose()?)
}

/// Which questions the console lists.
#[derive(Debug, Default, Clone)]
pub struct Filter<'a> {
    pub exam: Option<&'a str>,
    pub domain: Option<&'a str>,
    pub status: Option<Status>,
}

impl Filter<'_> {
    /// Appends ` AND column = ?` for each criterion to a query over a row set with `exam_code`,
    /// `domain_code` and `stage` columns.
    pub(super) fn narrow(&self, sql: &mut String, params: &mut Vec<Value>) {
        for (column, value) in [
            ("exam_code", self.exam),
            ("domain_code", self.domain),
            ("stage", self.status.map(Status::as_str)),
        ] {
            if let Some(value) = value {
                sql.push_str(&format!(" AND {column} = ?"));
                params.push(text(value));
            }
        }
    }
}

/// The stem's first characters a list row shows.
const SUMMARY_CHARS: i64 = 160;

/// One page of questions by id, after `after`; `limit + 1` rows are read to know whether
/// another page follows.
pub async fn list(
    db: &Database<impl HttpClient>,
    filter: &Filter<'_>,
    after: Option<&str>,
    limit: u32,
) -> Result<(Vec<AdminQuestionSummary>, bool), StoreError> {
    let mut sql = format!(
        "SELECT * FROM (SELECT q.id, q.exam_code, q.domain_code, q.kind, {STAGE} AS stage, q.version, \
         substr(q.stem, 1, {SUMMARY_CHARS}) AS stem_start, q.updated_at, {OPEN_REPORTS} AS open_reports, \
         (SELECT s.flags FROM item_stats s WHERE s.question_id = q.id AND s.version = q.version) AS flags \
         FROM questions q) WHERE id > ?"
    );
    let mut params: Vec<Value> = vec![text(after.unwrap_or(""))];
    filter.narrow(&mut sql, &mut params);
    sql.push_str(" ORDER BY id LIMIT ?");
    params.push(int(i64::from(limit) + 1));
    let result = db.execute(stmt(&sql, params)).await?;
    let mut found = rows(&result)
        .map(|row| {
            Ok(AdminQuestionSummary {
                id: row.text("id")?,
                exam: row.text("exam_code")?,
                domain: row.text("domain_code")?,
                kind: named(&row, "kind", QuestionKind::parse)?,
                status: named(&row, "stage", Status::parse)?,
                version: count(&row, "version")?,
                stem: row.text("stem_start")?,
                updated_at: row.text("updated_at")?,
                open_reports: count(&row, "open_reports")?,
                flags: match row.opt_text("flags")? {
                    Some(flags) => serde_json::from_str(&flags)
                        .map_err(|err| DbError::Protocol(format!("flags: {err}")))?,
                    None => vec![],
                },
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
    let more = found.len() > limit as usize;
    found.truncate(limit as usize);
    Ok((found, more))
}

fn json(list: &[String]) -> String {
    serde_json::to_string(list).expect("strings serialize")
}

/// The columns a content write sets, and their values (rendering included).
fn content_values(content: &Content) -> [Value; 10] {
    let html = content.render();
    [
        text(content.kind.as_str()),
        text(&content.stem),
        text(json(&content.choices)),
        text(json(&content.key)),
        text(&content.explanation),
        text(json(&content.references)),
        text(&html.stem),
        text(json(&html.choices)),
        text(&html.explanation),
        text(json(&html.references)),
    ]
}

/// Who acts, when, and what the log records of it.
pub struct Act<'a> {
    pub actor: &'a UserId,
    pub now_ms: u64,
    pub diff: &'a serde_json::Value,
}

/// Runs `write` (whose last parameters are `condition`'s) with its audit entry, both only while
/// `condition` holds; whether the write changed a row.
async fn logged(
    db: &Database<impl HttpClient>,
    act: &Act<'_>,
    action: Action,
    question: &str,
    condition: (&str, Vec<Value>),
    write: Stmt,
) -> Result<bool, StoreError> {
    let (condition, params) = condition;
    let entry = audit::entry(
        act.actor.as_str(),
        action,
        &format!("question:{question}"),
        act.diff,
        condition,
        params,
    );
    let results = db.transaction(vec![entry, write]).await?;
    Ok(results
        .get(1)
        .is_some_and(|result| result.affected_row_count == 1))
}

/// The statement writing a new draft `(id, exam, domain)` by `(actor, now)`, only while
/// `condition` holds.
/// Who wrote a question: a person, or a model (a draft an admin must still approve).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Authored,
    Ai,
}

pub(super) fn insert_draft(
    (id, exam, domain): (&str, &str, &str),
    content: &Content,
    source: Source,
    (actor, now): (&str, &str),
    (condition, condition_params): (&str, Vec<Value>),
) -> Stmt {
    let mut params = vec![text(id), text(exam), text(domain)];
    params.extend(content_values(content));
    let source = match source {
        Source::Authored => "authored",
        Source::Ai => "ai",
    };
    params.extend([text(source), text(actor), text(actor), text(now), text(now)]);
    params.extend(condition_params);
    stmt(
        &format!(
            "INSERT INTO questions (id, exam_code, domain_code, kind, stem, choices, answer_key, \
             explanation, refs, stem_html, choices_html, explanation_html, refs_html, status, source, \
             created_by, updated_by, created_at, updated_at) \
             SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ? WHERE {condition}"
        ),
        params,
    )
}

/// The statement saving `content` (in `domain`) as the version after `base` of `id`, by
/// `(actor, now)`, only while the question is still at `base` and `condition` holds.
pub(super) fn new_version(
    (id, base, domain): (&str, u32, &str),
    content: &Content,
    (actor, now): (&str, &str),
    (condition, condition_params): (&str, Vec<Value>),
) -> Stmt {
    let mut params = vec![text(domain)];
    params.extend(content_values(content));
    params.extend([text(actor), text(now), text(id), int(i64::from(base))]);
    params.extend(condition_params);
    stmt(
        &format!(
            "UPDATE questions SET domain_code = ?, kind = ?, stem = ?, choices = ?, answer_key = ?, \
             explanation = ?, refs = ?, stem_html = ?, choices_html = ?, explanation_html = ?, \
             refs_html = ?, version = version + 1, updated_by = ?, updated_at = ? \
             WHERE id = ? AND version = ? AND {condition}"
        ),
        params,
    )
}

/// A new draft, unless the id is taken or the exam has no such domain (`Ok(false)`).
pub async fn create(
    db: &Database<impl HttpClient>,
    id: &QuestionId,
    exam: &str,
    domain: &str,
    content: &Content,
    act: &Act<'_>,
) -> Result<bool, StoreError> {
    let condition = "NOT EXISTS (SELECT 1 FROM questions WHERE id = ?) \
         AND EXISTS (SELECT 1 FROM exam_domains WHERE exam_code = ? AND code = ?)";
    let condition_params = vec![text(id), text(exam), text(domain)];
    let now = time::rfc3339(act.now_ms);
    let insert = insert_draft(
        (id.as_str(), exam, domain),
        content,
        Source::Authored,
        (act.actor.as_str(), &now),
        (condition, condition_params.clone()),
    );
    logged(
        db,
        act,
        Action::QuestionCreate,
        id.as_str(),
        (condition, condition_params),
        insert,
    )
    .await
}

const IS_VERSION: &str = "EXISTS (SELECT 1 FROM questions WHERE id = ? AND version = ?)";

/// Saves `content` as the version after `base`; `Ok(false)`: the question is no longer at
/// `base` (another admin saved meanwhile) or is gone.
pub async fn save(
    db: &Database<impl HttpClient>,
    id: &QuestionId,
    base: u32,
    domain: &str,
    content: &Content,
    act: &Act<'_>,
) -> Result<bool, StoreError> {
    let condition_params = vec![text(id), int(i64::from(base))];
    let update = new_version(
        (id.as_str(), base, domain),
        content,
        (act.actor.as_str(), &time::rfc3339(act.now_ms)),
        ("1", vec![]),
    );
    logged(
        db,
        act,
        Action::QuestionEdit,
        id.as_str(),
        (IS_VERSION, condition_params),
        update,
    )
    .await
}

/// Moves the question from `from` by `step`; `Ok(false)`: it is no longer at version `base`
/// in status `from`.
pub async fn change_status(
    db: &Database<impl HttpClient>,
    id: &QuestionId,
    base: u32,
    from: Status,
    step: Move,
    act: &Act<'_>,
) -> Result<bool, StoreError> {
    let condition = format!(
        "EXISTS (SELECT 1 FROM questions q WHERE q.id = ? AND q.version = ? AND {STAGE} = ?)"
    );
    let condition_params = vec![text(id), int(i64::from(base)), text(from.as_str())];
    let with_condition = |sql: String, mut params: Vec<Value>| {
        params.extend(condition_params.clone());
        stmt(&format!("{sql} {condition}"), params)
    };
    let write = match step {
        Move::Submit => with_condition(
            "INSERT INTO question_reviews (question_id, submitted_by, submitted_at) \
             SELECT ?, ?, ? WHERE"
                .into(),
            vec![text(id), text(act.actor), text(time::rfc3339(act.now_ms))],
        ),
        Move::Return => with_condition(
            "DELETE FROM question_reviews WHERE question_id = ? AND".into(),
            vec![text(id)],
        ),
        Move::Publish | Move::Restore | Move::Retire => {
            let to = if step == Move::Retire {
                "retired"
            } else {
                "published"
            };
            with_condition(
                "UPDATE questions SET status = ? WHERE id = ? AND".into(),
                vec![text(to), text(id)],
            )
        }
    };
    let condition_params = vec![text(id), int(i64::from(base)), text(from.as_str())];
    logged(
        db,
        act,
        Action::Move(step),
        id.as_str(),
        (&condition, condition_params),
        write,
    )
    .await
}
