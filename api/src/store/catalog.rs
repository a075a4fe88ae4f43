//! `exams`, `exam_domains` and `questions`: the catalogue and the bank.

use ptp_domain::exam::{DomainWeight, ExamRules, Navigation, ScoreScale};
use ptp_domain::question::{AnswerKey, QuestionKind};
use std::collections::BTreeMap;

use ptp_domain::content::{Content, Rendered};
use ptp_domain::{ExamCode, ValidationError};
use ptp_domain::{QuestionId, UserId};
use ptp_shared::names::UnknownName;

use super::StoreError;
use crate::db::{Database, DbError, Row, StmtResult, int, rows, stmt, text};
use crate::http::HttpClient;
use crate::store::sealed::in_running_mock;
use crate::time;

pub const EXAM_COLUMNS: &str = "e.code, e.vendor, e.name, e.version, e.question_count, e.minutes, e.score_min, \
     e.score_max, e.passing_score, e.raw_cut, e.navigation, e.mock_kinds";
/// Joins each `sq` (a `session_questions` row) to the version of its question it drew, as `q`
/// with [`QUESTION_COLUMNS`]: a session shows and grades what it drew, whatever was saved since.
/// A version drawn before versions were kept (migration 0009) is read as the current one.
pub const DRAWN_EDITION: &str = "JOIN question_editions q ON q.id = sq.question_id AND q.version = \
     COALESCE((SELECT v.version FROM question_versions v WHERE v.question_id = sq.question_id \
     AND v.version = sq.question_version), (SELECT c.version FROM questions c WHERE c.id = sq.question_id))";
pub const QUESTION_COLUMNS: &str = "q.id, q.exam_code, q.domain_code, q.kind, q.stem, q.choices, q.answer_key, q.explanation, q.refs, q.version, q.stem_html, q.choices_html, q.explanation_html, q.refs_html";

fn json_list(row: &Row, column: &str) -> Result<Vec<String>, DbError> {
    serde_json::from_str(&row.text(column)?)
        .map_err(|err| DbError::Protocol(format!("{column}: {err}")))
}

/// A stored name (navigation, kind, mode, filter) read strictly: an unknown one is corrupt data,
/// never a silent default.
pub(crate) fn named<T>(
    row: &Row,
    column: &str,
    parse: fn(&str) -> Result<T, UnknownName>,
) -> Result<T, DbError> {
    let value = row.text(column)?;
    parse(&value).map_err(|unknown| {
        DbError::Protocol(format!(
            "stored {column} {value:?} is not {}",
            unknown.expected
        ))
    })
}

fn count(row: &Row, column: &str) -> Result<u32, DbError> {
    u32::try_from(row.int(column)?).map_err(|_| DbError::Protocol(format!("{column} out of range")))
}

/// An exam domain as stored, with its published bank size.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainRecord {
    pub code: String,
    pub name: String,
    /// Percent of the exam.
    pub weight: u32,
    pub bank_size: u32,
}

/// An exam as stored: what it is called, its rules (validated as read) and its domains.
#[derive(Debug, Clone)]
pub struct ExamRecord {
    pub vendor: String,
    pub name: String,
    pub version: String,
    /// Published questions in the bank.
    pub bank_size: u32,
    pub rules: ExamRules,
    pub domains: Vec<DomainRecord>,
    /// The kinds of item the real exam has, which its mocks draw.
    pub mock_kinds: Vec<QuestionKind>,
}

impl ExamRecord {
    pub fn code(&self) -> &str {
        self.rules.code.as_str()
    }

    pub fn domain_name(&self, code: &str) -> String {
        self.domains
            .iter()
            .find(|d| d.code == code)
            .map_or_else(|| code.to_string(), |d| d.name.clone())
    }

    /// An exam row and its domains' rows, checked against the rules exams keep.
    fn from_rows(row: &Row, domains: Vec<DomainRecord>) -> Result<Self, DbError> {
        let code = row.text("code")?;
        let corrupt = |err: ValidationError| {
            DbError::Protocol(format!("stored exam {code}: {}: {}", err.field, err.reason))
        };
        let raw_cut = row
            .value_f64("raw_cut")?
            .ok_or_else(|| DbError::Protocol("raw_cut is NULL".into()))?;
        let scale = ScoreScale::new(
            count(row, "score_min")?,
            count(row, "score_max")?,
            count(row, "passing_score")?,
            raw_cut,
        )
        .map_err(corrupt)?;
        let rules = ExamRules {
            code: ExamCode::parse(&code).map_err(corrupt)?,
            question_count: count(row, "question_count")?,
            minutes: count(row, "minutes")?,
            scale,
            navigation: named(row, "navigation", Navigation::parse)?,
            domains: domains
                .iter()
                .map(|d| DomainWeight {
                    code: d.code.clone(),
                    weight: d.weight,
                })
                .collect(),
        };
        Ok(Self {
            vendor: row.text("vendor")?,
            name: row.text("name")?,
            version: row.text("version")?,
            bank_size: count(row, "bank_size")?,
            rules,
            domains,
            mock_kinds: json_list(row, "mock_kinds")?
                .iter()
                .map(|kind| {
                    QuestionKind::parse(kind).map_err(|_| {
                        DbError::Protocol(format!("stored mock kind {kind:?} is unknown"))
                    })
                })
                .collect::<Result<_, _>>()?,
        })
    }
}

const EXAM_SELECT: &str = "(SELECT count(*) FROM questions q WHERE q.exam_code = e.code \
     AND q.status = 'published') AS bank_size FROM exams e WHERE e.retired = 0";
const DOMAIN_SELECT: &str = "SELECT d.exam_code, d.code, d.name, d.weight, (SELECT count(*) FROM questions q \
     WHERE q.exam_code = d.exam_code AND q.domain_code = d.code AND q.status = 'published') AS bank_size \
     FROM exam_domains d";

/// Statements that load one exam and its domains (with published bank sizes); pair with
/// [`exam_from`] on their two results.
pub fn exam_statements(code: &str) -> [libsql_hrana::proto::Stmt; 2] {
    [
        stmt(
            &format!("SELECT {EXAM_COLUMNS}, {EXAM_SELECT} AND e.code = ?"),
            [text(code)],
        ),
        stmt(
            &format!("{DOMAIN_SELECT} WHERE d.exam_code = ? ORDER BY d.position"),
            [text(code)],
        ),
    ]
}

/// The exams of `exams` with their domains from `domains` (rows carrying `exam_code`).
fn exams_from(exams: &StmtResult, domains: &StmtResult) -> Result<Vec<ExamRecord>, DbError> {
    let mut by_exam: BTreeMap<String, Vec<DomainRecord>> = BTreeMap::new();
    for row in rows(domains) {
        by_exam
            .entry(row.text("exam_code")?)
            .or_default()
            .push(DomainRecord {
                code: row.text("code")?,
                name: row.text("name")?,
                weight: count(&row, "weight")?,
                bank_size: count(&row, "bank_size")?,
            });
    }
    rows(exams)
        .map(|row| {
            let domains = by_exam.remove(&row.text("code")?).unwrap_or_default();
            ExamRecord::from_rows(&row, domains)
        })
        .collect()
}

pub fn exam_from(exam: &StmtResult, domains: &StmtResult) -> Result<Option<ExamRecord>, DbError> {
    Ok(exams_from(exam, domains)?.into_iter().next())
}

/// Every exam on offer with its domains, in one round trip.
pub async fn exams(db: &Database<impl HttpClient>) -> Result<Vec<ExamRecord>, StoreError> {
    let results = db
        .execute_all(vec![
            stmt(
                &format!("SELECT {EXAM_COLUMNS}, {EXAM_SELECT} ORDER BY e.vendor, e.name"),
                [],
            ),
            stmt(
                &format!(
                    "{DOMAIN_SELECT} JOIN exams e ON e.code = d.exam_code WHERE e.retired = 0 \
                     ORDER BY d.exam_code, d.position"
                ),
                [],
            ),
        ])
        .await?;
    Ok(exams_from(&results[0], &results[1])?)
}

pub async fn exam(
    db: &Database<impl HttpClient>,
    code: &str,
) -> Result<Option<ExamRecord>, StoreError> {
    let results = db.execute_all(exam_statements(code).into()).await?;
    Ok(exam_from(&results[0], &results[1])?)
}

/// A question with everything, as stored; its key checked against its choices as read.
#[derive(Debug, Clone)]
pub struct QuestionRecord {
    pub id: QuestionId,
    pub exam: String,
    pub domain: String,
    /// Stored only after [`Content::parse`] accepted it (seed loader, admin edits).
    pub content: Content,
    /// Rendered when it was stored.
    pub html: Rendered,
    pub key: AnswerKey,
    pub version: u32,
}

impl QuestionRecord {
    pub fn from_row(row: &Row) -> Result<Self, DbError> {
        let id = QuestionId::trusted(row.text("id")?);
        let content = Content {
            kind: named(row, "kind", QuestionKind::parse)?,
            stem: row.text("stem")?,
            choices: json_list(row, "choices")?,
            key: json_list(row, "answer_key")?,
            explanation: row.text("explanation")?,
            references: json_list(row, "refs")?,
        };
        let key: Vec<&str> = content.key.iter().map(String::as_str).collect();
        let key = AnswerKey::new(content.kind, content.choices.len(), &key)
            .map_err(|err| DbError::Protocol(format!("stored question {id}: {}", err.reason)))?;
        let html = match row.opt_text("stem_html")? {
            Some(stem) => Rendered {
                stem,
                choices: json_list(row, "choices_html")?,
                explanation: row.text("explanation_html")?,
                references: json_list(row, "refs_html")?,
            },
            // Written before rendering was stored (migration 0007).
            None => content.render(),
        };
        if html.choices.len() != content.choices.len()
            || html.references.len() != content.references.len()
        {
            return Err(DbError::Protocol(format!(
                "stored question {id}: its rendering does not match its content"
            )));
        }
        Ok(Self {
            id,
            exam: row.text("exam_code")?,
            domain: row.text("domain_code")?,
            content,
            html,
            key,
            version: count(row, "version")?,
        })
    }
}

/// Published questions (of one exam and domain, when given), each with whether `viewer` may see
/// its solution at `now_ms`: they answered it, or they are an admin — and it is in no mock of
/// theirs still running.
pub async fn published(
    db: &Database<impl HttpClient>,
    exam: Option<&str>,
    domain: Option<&str>,
    viewer: Option<&UserId>,
    limit: u32,
    now_ms: u64,
) -> Result<Vec<(QuestionRecord, bool)>, StoreError> {
    let viewer = viewer.map_or("", UserId::as_str);
    let mut sql = format!(
        "SELECT {QUESTION_COLUMNS}, ((EXISTS (SELECT 1 FROM responses r WHERE r.question_id = q.id AND r.user_id = ?) \
         OR EXISTS (SELECT 1 FROM users u WHERE u.id = ? AND u.role = 'admin')) AND NOT {}) AS reveal \
         FROM questions q WHERE q.status = 'published'",
        in_running_mock("q.id", "?")
    );
    let mut params = vec![
        text(viewer),
        text(viewer),
        text(viewer),
        text(time::rfc3339(now_ms)),
    ];
    if let Some(exam) = exam {
        sql.push_str(" AND q.exam_code = ?");
        params.push(text(exam));
    }
    if let Some(domain) = domain {
        sql.push_str(" AND q.domain_code = ?");
        params.push(text(domain));
    }
    sql.push_str(" ORDER BY q.exam_code, q.domain_code, q.id LIMIT ?");
    params.push(int(i64::from(limit)));
    let result = db.execute(stmt(&sql, params)).await?;
    let list = rows(&result)
        .map(|row| Ok((QuestionRecord::from_row(&row)?, row.int("reveal")? == 1)))
        .collect::<Result<_, DbError>>()?;
    Ok(list)
}

pub async fn question(
    db: &Database<impl HttpClient>,
    id: &QuestionId,
) -> Result<Option<QuestionRecord>, StoreError> {
    let result = db
        .execute(stmt(
            &format!("SELECT {QUESTION_COLUMNS} FROM questions q WHERE q.id = ?"),
            [text(id)],
        ))
        .await?;
    Ok(rows(&result)
        .next()
        .map(|row| QuestionRecord::from_row(&row))
        .transpose()?)
}
