//! `exams`, `exam_domains` and `questions`: the catalogue and the bank.

use ptp_domain::exam::{DomainWeight, ExamRules, Navigation, ScoreScale};
use ptp_domain::question::{AnswerKey, QuestionKind};
use ptp_domain::{ExamCode, ValidationError};
use ptp_domain::{QuestionId, UserId};
use ptp_shared as wire;
use ptp_shared::names::UnknownName;

use super::StoreError;
use crate::db::{Database, DbError, Row, StmtResult, int, rows, stmt, text};
use crate::http::HttpClient;
use crate::store::sealed::in_running_mock;
use crate::time;

pub const EXAM_COLUMNS: &str = "e.code, e.vendor, e.name, e.version, e.question_count, e.minutes, e.score_min, \
     e.score_max, e.passing_score, e.raw_cut, e.navigation";
pub const QUESTION_COLUMNS: &str = "q.id, q.exam_code, q.domain_code, q.kind, q.stem, q.choices, q.answer_key, q.explanation, q.refs, q.version";

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

/// An exam row with its domains, as stored, and the rules they make (validated once, as read).
#[derive(Debug, Clone)]
pub struct ExamRecord {
    pub summary: wire::ExamSummary,
    pub domains: Vec<wire::ExamDomain>,
    pub rules: ExamRules,
}

impl ExamRecord {
    fn summary_from(row: &Row, bank_size: u32) -> Result<(wire::ExamSummary, f64), DbError> {
        let navigation = named(row, "navigation", Navigation::parse)?;
        let raw_cut = match row.value_f64("raw_cut")? {
            Some(cut) => cut,
            None => return Err(DbError::Protocol("raw_cut is NULL".into())),
        };
        Ok((
            wire::ExamSummary {
                code: row.text("code")?,
                vendor: row.text("vendor")?,
                name: row.text("name")?,
                version: row.text("version")?,
                question_count: count(row, "question_count")?,
                minutes: count(row, "minutes")?,
                score_min: count(row, "score_min")?,
                score_max: count(row, "score_max")?,
                passing_score: count(row, "passing_score")?,
                navigation,
                bank_size,
            },
            raw_cut,
        ))
    }

    pub fn domain_name(&self, code: &str) -> String {
        self.domains
            .iter()
            .find(|d| d.code == code)
            .map_or_else(|| code.to_string(), |d| d.name.clone())
    }
}

/// Statements that load one exam and its domains (with published bank sizes); pair with
/// [`exam_from`] on their two results.
pub fn exam_statements(code: &str) -> [libsql_hrana::proto::Stmt; 2] {
    [
        stmt(
            &format!(
                "SELECT {EXAM_COLUMNS}, (SELECT count(*) FROM questions q WHERE q.exam_code = e.code \
                 AND q.status = 'published') AS bank_size FROM exams e WHERE e.code = ? AND e.retired = 0"
            ),
            [text(code)],
        ),
        stmt(
            "SELECT d.code, d.name, d.weight, (SELECT count(*) FROM questions q WHERE q.exam_code = d.exam_code \
             AND q.domain_code = d.code AND q.status = 'published') AS bank_size \
             FROM exam_domains d WHERE d.exam_code = ? ORDER BY d.position",
            [text(code)],
        ),
    ]
}

pub fn exam_from(exam: &StmtResult, domains: &StmtResult) -> Result<Option<ExamRecord>, DbError> {
    let Some(row) = rows(exam).next() else {
        return Ok(None);
    };
    let (summary, raw_cut) = ExamRecord::summary_from(&row, count(&row, "bank_size")?)?;
    let domains = rows(domains)
        .map(|row| {
            Ok(wire::ExamDomain {
                code: row.text("code")?,
                name: row.text("name")?,
                weight: count(&row, "weight")?,
                bank_size: count(&row, "bank_size")?,
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
    let rules = rules_of(&summary, raw_cut, &domains)
        .map_err(|err| DbError::Protocol(format!("stored exam {}: {err}", summary.code)))?;
    Ok(Some(ExamRecord {
        summary,
        domains,
        rules,
    }))
}

/// The rules the domain logic works with, from what the exam's rows hold.
fn rules_of(
    s: &wire::ExamSummary,
    raw_cut: f64,
    domains: &[wire::ExamDomain],
) -> Result<ExamRules, ValidationError> {
    Ok(ExamRules {
        code: ExamCode::parse(&s.code)?,
        question_count: s.question_count,
        minutes: s.minutes,
        scale: ScoreScale::new(s.score_min, s.score_max, s.passing_score, raw_cut)?,
        navigation: s.navigation,
        domains: domains
            .iter()
            .map(|d| DomainWeight {
                code: d.code.clone(),
                weight: d.weight,
            })
            .collect(),
    })
}

pub async fn exams(db: &Database<impl HttpClient>) -> Result<Vec<wire::ExamSummary>, StoreError> {
    let sql = format!(
        "SELECT {EXAM_COLUMNS}, (SELECT count(*) FROM questions q WHERE q.exam_code = e.code \
         AND q.status = 'published') AS bank_size FROM exams e WHERE e.retired = 0 ORDER BY e.vendor, e.name"
    );
    let result = db.execute(stmt(&sql, [])).await?;
    let list = rows(&result)
        .map(|row| {
            ExamRecord::summary_from(&row, count(&row, "bank_size")?).map(|(summary, _)| summary)
        })
        .collect::<Result<_, DbError>>()?;
    Ok(list)
}

pub async fn exam(
    db: &Database<impl HttpClient>,
    code: &str,
) -> Result<Option<ExamRecord>, StoreError> {
    let results = db.execute_all(exam_statements(code).into()).await?;
    Ok(exam_from(&results[0], &results[1])?)
}

/// A question with everything, as stored.
#[derive(Debug, Clone)]
pub struct QuestionRecord {
    pub id: QuestionId,
    pub exam: String,
    pub domain: String,
    pub kind: QuestionKind,
    pub stem: String,
    pub choices: Vec<String>,
    pub key: Vec<String>,
    pub explanation: String,
    pub references: Vec<String>,
    pub version: u32,
}

impl QuestionRecord {
    pub fn from_row(row: &Row) -> Result<Self, DbError> {
        let kind = named(row, "kind", QuestionKind::parse)?;
        Ok(Self {
            id: QuestionId::trusted(row.text("id")?),
            exam: row.text("exam_code")?,
            domain: row.text("domain_code")?,
            kind,
            stem: row.text("stem")?,
            choices: json_list(row, "choices")?,
            key: json_list(row, "answer_key")?,
            explanation: row.text("explanation")?,
            references: json_list(row, "refs")?,
            version: count(row, "version")?,
        })
    }

    pub fn answer_key(&self) -> Result<AnswerKey, ValidationError> {
        let key: Vec<&str> = self.key.iter().map(String::as_str).collect();
        AnswerKey::new(self.kind, self.choices.len(), &key)
    }

    pub fn solution(&self) -> wire::Solution {
        wire::Solution {
            key: self.key.clone(),
            explanation: self.explanation.clone(),
            references: self.references.clone(),
        }
    }

    /// The question as learners see it; the solution only when `reveal`.
    pub fn view(&self, reveal: bool) -> wire::QuestionView {
        wire::QuestionView {
            id: self.id.to_string(),
            exam: self.exam.clone(),
            domain: self.domain.clone(),
            kind: match self.kind {
                QuestionKind::Single => wire::QuestionKind::Single,
                QuestionKind::Multi => wire::QuestionKind::Multi,
                QuestionKind::Ordering => wire::QuestionKind::Ordering,
            },
            stem: self.stem.clone(),
            choices: self
                .choices
                .iter()
                .enumerate()
                .map(|(i, text)| wire::Choice {
                    id: ((b'a' + i as u8) as char).to_string(),
                    text: text.clone(),
                })
                .collect(),
            picks: match self.kind {
                QuestionKind::Single => 1,
                QuestionKind::Multi => self.key.len() as u32,
                QuestionKind::Ordering => self.choices.len() as u32,
            },
            version: self.version,
            solution: reveal.then(|| self.solution()),
        }
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
