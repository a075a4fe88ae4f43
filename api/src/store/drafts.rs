//! `draft_requests` and `question_drafts`: admins' requests for AI drafts, and each draft with
//! its QA report; a draft that passed becomes a question in review (source `ai`).

use ptp_domain::content::Content;
use ptp_domain::drafting::Brief;
use ptp_domain::question::QuestionKind;
use ptp_domain::{QuestionId, UserId};
use ptp_shared::{DraftReport, DraftRequestView, DraftView};

use super::StoreError;
use super::authoring::{Source, insert_draft};
use super::catalog::{QUESTION_COLUMNS, QuestionRecord};
use crate::db::{Database, DbError, Row, int, opt_text, rows, stmt, text};
use crate::http::HttpClient;
use crate::ids::new_id;
use crate::time;

/// Requests the list shows.
const LISTED: i64 = 20;

/// What creating a request came to.
pub enum Requested {
    Queued(String),
    /// The exam has no such domain.
    NoSuchDomain,
    /// The admin asked for this many drafts today already.
    OverAllowance {
        used: u32,
    },
}

pub struct NewRequest<'a> {
    pub admin: &'a UserId,
    pub exam: &'a str,
    pub domain: &'a str,
    pub objective: Option<&'a str>,
    pub kind: Option<QuestionKind>,
    pub count: u32,
    /// Drafts an admin may ask for per UTC day.
    pub limit: u32,
    pub now_ms: u64,
}

/// SQL: drafts `?` (an admin) asked for since `?` (the day's start).
const USED: &str = "(SELECT coalesce(sum(count), 0) FROM draft_requests WHERE requested_by = ? \
     AND requested_at >= ?)";

/// Records the request, unless the domain is unknown or it would take the admin past the day's
/// allowance (checked inside the insert, so racing requests cannot both pass).
pub async fn request(
    db: &Database<impl HttpClient>,
    new: &NewRequest<'_>,
) -> Result<Requested, StoreError> {
    let id = new_id();
    let day_start = format!("{}T00:00:00.000Z", time::day(new.now_ms));
    let insert = stmt(
        &format!(
            "INSERT INTO draft_requests (id, requested_by, exam_code, domain_code, objective, kind, \
             count, requested_at) SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM \
             exam_domains WHERE exam_code = ? AND code = ?) AND {USED} + ? <= ? RETURNING id"
        ),
        [
            text(&id),
            text(new.admin),
            text(new.exam),
            text(new.domain),
            opt_text(new.objective),
            opt_text(new.kind.map(QuestionKind::as_str)),
            int(i64::from(new.count)),
            text(time::rfc3339(new.now_ms)),
            text(new.exam),
            text(new.domain),
            text(new.admin),
            text(&day_start),
            int(i64::from(new.count)),
            int(i64::from(new.limit)),
        ],
    );
    let checks = stmt(
        &format!(
            "SELECT EXISTS (SELECT 1 FROM exam_domains WHERE exam_code = ? AND code = ?) AS known, \
             {USED} AS used"
        ),
        [
            text(new.exam),
            text(new.domain),
            text(new.admin),
            text(&day_start),
        ],
    );
    let results = db.execute_all(vec![insert, checks]).await?;
    if rows(&results[0]).next().is_some() {
        return Ok(Requested::Queued(id));
    }
    let row = rows(&results[1])
        .next()
        .ok_or_else(|| DbError::Protocol("no checks row".into()))?;
    if row.int("known")? == 0 {
        return Ok(Requested::NoSuchDomain);
    }
    let used = u32::try_from(row.int("used")?).unwrap_or(u32::MAX);
    Ok(Requested::OverAllowance { used })
}

/// Drafts `admin` asked for today.
pub async fn used_today(
    db: &Database<impl HttpClient>,
    admin: &UserId,
    now_ms: u64,
) -> Result<u32, StoreError> {
    let day_start = format!("{}T00:00:00.000Z", time::day(now_ms));
    let result = db
        .execute(stmt(
            &format!("SELECT {USED} AS used"),
            [text(admin), text(&day_start)],
        ))
        .await?;
    let used = rows(&result)
        .next()
        .map(|row| row.int("used"))
        .transpose()?
        .unwrap_or(0);
    Ok(u32::try_from(used).unwrap_or(u32::MAX))
}

/// The kind a request asked for, if any, read strictly.
fn asked_kind(row: &Row) -> Result<Option<QuestionKind>, DbError> {
    row.opt_text("kind")?
        .map(|kind| {
            QuestionKind::parse(&kind)
                .map_err(|_| DbError::Protocol(format!("stored kind {kind:?}")))
        })
        .transpose()
}

const REQUEST_COLUMNS: &str = "id, exam_code, domain_code, objective, kind, count, status, attempts, \
     detail, requested_at, finished_at";

fn request_view(row: &Row) -> Result<DraftRequestView, DbError> {
    let count = |column: &str| {
        u32::try_from(row.int(column)?)
            .map_err(|_| DbError::Protocol(format!("{column} out of range")))
    };
    Ok(DraftRequestView {
        id: row.text("id")?,
        exam: row.text("exam_code")?,
        domain: row.text("domain_code")?,
        objective: row.opt_text("objective")?,
        kind: asked_kind(row)?,
        count: count("count")?,
        status: row.text("status")?,
        attempts: count("attempts")?,
        detail: row.text("detail")?,
        requested_at: row.text("requested_at")?,
        finished_at: row.opt_text("finished_at")?,
        drafts: vec![],
    })
}

fn draft_view(row: &Row) -> Result<(String, DraftView), DbError> {
    let corrupt = |what: &str, err: serde_json::Error| DbError::Protocol(format!("{what}: {err}"));
    let draft: serde_json::Value =
        serde_json::from_str(&row.text("draft")?).map_err(|e| corrupt("draft", e))?;
    let report: DraftReport =
        serde_json::from_str(&row.text("report")?).map_err(|e| corrupt("report", e))?;
    Ok((
        row.text("request_id")?,
        DraftView {
            id: row.text("id")?,
            position: u32::try_from(row.int("position")?)
                .map_err(|_| DbError::Protocol("position out of range".into()))?,
            outcome: row.text("outcome")?,
            question: row.opt_text("question_id")?,
            stem: draft["stem"].as_str().unwrap_or_default().to_string(),
            model: row.text("model")?,
            report,
        },
    ))
}

/// The newest requests (of every admin), each with its drafts.
pub async fn list(db: &Database<impl HttpClient>) -> Result<Vec<DraftRequestView>, StoreError> {
    let newest = format!(
        "SELECT {REQUEST_COLUMNS} FROM draft_requests ORDER BY requested_at DESC, id LIMIT {LISTED}"
    );
    let drafts = format!(
        "SELECT id, request_id, position, outcome, question_id, draft, report, model FROM \
         question_drafts WHERE request_id IN (SELECT id FROM ({newest})) ORDER BY position"
    );
    let results = db
        .execute_all(vec![stmt(&newest, []), stmt(&drafts, [])])
        .await?;
    let mut requests = rows(&results[0])
        .map(|row| request_view(&row))
        .collect::<Result<Vec<_>, _>>()?;
    for row in rows(&results[1]) {
        let (request, view) = draft_view(&row)?;
        if let Some(owner) = requests.iter_mut().find(|r| r.id == request) {
            owner.drafts.push(view);
        }
    }
    Ok(requests)
}

/// What drafting a request needs: the brief, where it stands, and the exam's questions to
/// compare drafts with.
pub struct Job {
    pub brief: Brief,
    pub status: String,
    pub requested_by: String,
    pub bank: Vec<QuestionRecord>,
}

/// Counts an attempt at the request and reads what drafting it needs; `None` for no request.
pub async fn start(
    db: &Database<impl HttpClient>,
    id: &str,
) -> Result<Option<(Job, u32)>, StoreError> {
    let attempt = stmt(
        "UPDATE draft_requests SET attempts = attempts + 1 WHERE id = ? AND status = 'queued' \
         RETURNING attempts",
        [text(id)],
    );
    let request = stmt(
        "SELECT r.exam_code, r.domain_code, r.objective, r.kind, r.count, r.status, r.requested_by, \
         r.attempts, e.name AS exam_name, d.name AS domain_name FROM draft_requests r \
         JOIN exams e ON e.code = r.exam_code \
         JOIN exam_domains d ON d.exam_code = r.exam_code AND d.code = r.domain_code WHERE r.id = ?",
        [text(id)],
    );
    let bank = stmt(
        &format!(
            "SELECT {QUESTION_COLUMNS} FROM questions q WHERE q.exam_code = \
             (SELECT exam_code FROM draft_requests WHERE id = ?) AND q.status != 'retired'"
        ),
        [text(id)],
    );
    let results = db.transaction(vec![attempt, request, bank]).await?;
    let Some(row) = rows(&results[1]).next() else {
        return Ok(None);
    };
    let attempts = u32::try_from(row.int("attempts")?).unwrap_or(u32::MAX);
    let brief = Brief {
        exam_code: row.text("exam_code")?,
        exam_name: row.text("exam_name")?,
        domain_code: row.text("domain_code")?,
        domain_name: row.text("domain_name")?,
        objective: row.opt_text("objective")?,
        kind: asked_kind(&row)?,
        count: u32::try_from(row.int("count")?).unwrap_or(1),
    };
    let bank = rows(&results[2])
        .map(|row| QuestionRecord::from_row(&row))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some((
        Job {
            brief,
            status: row.text("status")?,
            requested_by: row.text("requested_by")?,
            bank,
        },
        attempts,
    )))
}

/// Ends a request without drafts: `failed` (the model's answer was unusable) or `dead` (the
/// provider stayed down), with the reason the admin sees.
pub async fn end(
    db: &Database<impl HttpClient>,
    id: &str,
    status: &str,
    detail: &str,
    now_ms: u64,
) -> Result<(), StoreError> {
    db.execute(stmt(
        "UPDATE draft_requests SET status = ?, detail = ?, finished_at = ? WHERE id = ? \
         AND status = 'queued'",
        [
            text(status),
            text(detail),
            text(time::rfc3339(now_ms)),
            text(id),
        ],
    ))
    .await?;
    Ok(())
}

/// One checked draft, ready to store.
pub struct Checked<'a> {
    pub draft_json: String,
    pub report: &'a DraftReport,
    pub model: &'a str,
    /// Content that passed every check: a question in review with this id.
    pub passed: Option<(QuestionId, Content)>,
    /// `refused` or `failed` when it did not pass.
    pub outcome: &'static str,
}

/// Stores every draft of the request and marks it done, in one transaction, only if it was
/// still queued (a second run of the task writes nothing).
pub async fn complete(
    db: &Database<impl HttpClient>,
    id: &str,
    job: &Job,
    drafts: &[Checked<'_>],
    now_ms: u64,
) -> Result<bool, StoreError> {
    let now = time::rfc3339(now_ms);
    let mut statements = vec![stmt(
        "UPDATE draft_requests SET status = 'done', finished_at = ?, detail = '' WHERE id = ? \
         AND status = 'queued'",
        [text(&now), text(id)],
    )];
    // Every write stands on this run having marked the request: a concurrent or repeated run
    // finds it done and writes nothing.
    let ours = "EXISTS (SELECT 1 FROM draft_requests WHERE id = ? AND status = 'done' AND finished_at = ?)";
    let ours_params = || vec![text(id), text(&now)];
    for (position, draft) in drafts.iter().enumerate() {
        let question = draft.passed.as_ref().map(|(qid, content)| {
            statements.push(insert_draft(
                (qid.as_str(), &job.brief.exam_code, &job.brief.domain_code),
                content,
                Source::Ai,
                (&job.requested_by, &now),
                (ours, ours_params()),
            ));
            let mut params = vec![text(qid), text(&job.requested_by), text(&now)];
            params.extend(ours_params());
            statements.push(stmt(
                &format!(
                    "INSERT INTO question_reviews (question_id, submitted_by, submitted_at) \
                     SELECT ?, ?, ? WHERE {ours}"
                ),
                params,
            ));
            qid.as_str().to_string()
        });
        let report = serde_json::to_string(draft.report)
            .map_err(|err| DbError::Protocol(err.to_string()))?;
        let mut params = vec![
            text(new_id()),
            text(id),
            int(position as i64),
            text(if question.is_some() {
                "in_review"
            } else {
                draft.outcome
            }),
            opt_text(question),
            text(&draft.draft_json),
            text(report),
            text(draft.model),
            text(&now),
        ];
        params.extend(ours_params());
        statements.push(stmt(
            &format!(
                "INSERT INTO question_drafts (id, request_id, position, outcome, question_id, draft, \
                 report, model, created_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE {ours}"
            ),
            params,
        ));
    }
    let results = db.transaction(statements).await?;
    Ok(results.first().is_some_and(|r| r.affected_row_count == 1))
}
