//! `item_stats`: each question version's item analysis, from learners' first attempts,
//! replaced exam by exam by the daily rollup.

use std::collections::BTreeMap;

use ptp_domain::items::{self, Attempt, ItemStats};
use ptp_domain::question::QuestionKind;
use ptp_shared::ItemStatsView;

use super::StoreError;
use super::catalog::named;
use crate::db::{Database, DbError, Row, Stmt, Value, int, real, rows, stmt, text};
use crate::http::HttpClient;

/// First attempts read per exam at most (the newest): bounds the daily job's memory.
pub const MAX_ATTEMPTS: u32 = 200_000;

/// Every learner's first answer to each question of `exam` (across sessions and modes), with
/// the version they answered and that version's kind, choice count and key.
const FIRST_ATTEMPTS: &str = "SELECT question_id, version, kind, choice_count, answer_key, user_id, \
     correct, answer, elapsed_ms FROM (SELECT r.question_id, sq.question_version AS version, v.kind, \
     json_array_length(v.choices) AS choice_count, v.answer_key, r.user_id, r.correct, r.answer, \
     r.elapsed_ms, r.answered_at, row_number() OVER (PARTITION BY r.user_id, r.question_id \
     ORDER BY r.answered_at, r.session_id) AS attempt FROM responses r \
     JOIN session_questions sq ON sq.session_id = r.session_id AND sq.question_id = r.question_id \
     JOIN question_versions v ON v.question_id = r.question_id AND v.version = sq.question_version \
     WHERE r.exam_code = ?) WHERE attempt = 1 ORDER BY answered_at DESC LIMIT ?";

fn list(row: &Row, column: &str) -> Result<Vec<String>, DbError> {
    serde_json::from_str(&row.text(column)?)
        .map_err(|err| DbError::Protocol(format!("{column}: {err}")))
}

/// One version of a question, as the analysis groups attempts.
type Item = (String, u32);

struct Version {
    kind: QuestionKind,
    choices: usize,
    key: Vec<String>,
}

/// Analyses every version of `exam`'s questions that has first attempts, and replaces the
/// exam's rows with the result in one transaction; how many versions were analysed.
pub async fn refresh(
    db: &Database<impl HttpClient>,
    exam: &str,
    computed_at: &str,
) -> Result<usize, StoreError> {
    let result = db
        .execute(stmt(
            FIRST_ATTEMPTS,
            [text(exam), int(i64::from(MAX_ATTEMPTS))],
        ))
        .await?;
    let mut versions: BTreeMap<Item, Version> = BTreeMap::new();
    let mut answers: Vec<(Item, String, bool, Vec<String>, u64)> = vec![];
    let mut totals: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for row in rows(&result) {
        let item = (
            row.text("question_id")?,
            u32::try_from(row.int("version")?)
                .map_err(|_| DbError::Protocol("version out of range".into()))?,
        );
        let user = row.text("user_id")?;
        let correct = row.int("correct")? == 1;
        let total = totals.entry(user.clone()).or_default();
        total.0 += u32::from(correct);
        total.1 += 1;
        if !versions.contains_key(&item) {
            versions.insert(
                item.clone(),
                Version {
                    kind: named(&row, "kind", QuestionKind::parse)?,
                    choices: usize::try_from(row.int("choice_count")?)
                        .map_err(|_| DbError::Protocol("choice count out of range".into()))?,
                    key: list(&row, "answer_key")?,
                },
            );
        }
        let elapsed = u64::try_from(row.int("elapsed_ms")?).unwrap_or(0);
        answers.push((item, user, correct, list(&row, "answer")?, elapsed));
    }
    let mut attempts: BTreeMap<Item, Vec<Attempt>> = BTreeMap::new();
    for (item, user, correct, picked, elapsed_ms) in answers {
        let (right, all) = totals[&user];
        attempts.entry(item).or_default().push(Attempt {
            correct,
            picked,
            elapsed_ms,
            rest: items::rest_score(right, all, correct),
        });
    }
    let mut statements = vec![stmt(
        "DELETE FROM item_stats WHERE exam_code = ?",
        [text(exam)],
    )];
    for (item, attempts) in &attempts {
        let version = &versions[item];
        let Some(stats) = items::analyse(version.kind, version.choices, &version.key, attempts)
        else {
            continue;
        };
        statements.push(insert(exam, item, &stats, computed_at));
    }
    let analysed = statements.len() - 1;
    db.transaction(statements).await?;
    Ok(analysed)
}

fn insert(exam: &str, (question, version): &Item, stats: &ItemStats, at: &str) -> Stmt {
    let flags: Vec<String> = stats.flags.iter().map(items::Flag::name).collect();
    stmt(
        "INSERT INTO item_stats (question_id, version, exam_code, responses, facility, discrimination, \
         choice_shares, median_ms, flags, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            text(question),
            int(i64::from(*version)),
            text(exam),
            int(i64::from(stats.responses)),
            real(stats.facility),
            stats.discrimination.map_or(Value::Null, real),
            text(serde_json::to_string(&stats.choice_shares).expect("numbers serialize")),
            int(i64::try_from(stats.median_ms).unwrap_or(i64::MAX)),
            text(serde_json::to_string(&flags).expect("strings serialize")),
            text(at),
        ],
    )
}

/// How the console sorts the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Facility,
    Discrimination,
    Responses,
    MedianTime,
}

/// `exam`'s analysed versions (current ones only unless `all_versions`), sorted.
pub async fn table(
    db: &Database<impl HttpClient>,
    exam: &str,
    sort: Sort,
    descending: bool,
    all_versions: bool,
    limit: u32,
) -> Result<Vec<ItemStatsView>, StoreError> {
    let column = match sort {
        Sort::Facility => "s.facility",
        Sort::Discrimination => "s.discrimination",
        Sort::Responses => "s.responses",
        Sort::MedianTime => "s.median_ms",
    };
    let direction = if descending { "DESC" } else { "ASC" };
    let only_current = if all_versions {
        ""
    } else {
        "AND s.version = q.version"
    };
    let result = db
        .execute(stmt(
            &format!(
                "SELECT s.question_id, s.version, q.domain_code, s.version = q.version AS current, \
                 s.responses, s.facility, s.discrimination, s.choice_shares, s.median_ms, s.flags, \
                 s.computed_at FROM item_stats s JOIN questions q ON q.id = s.question_id \
                 WHERE s.exam_code = ? {only_current} \
                 ORDER BY {column} IS NULL, {column} {direction}, s.question_id, s.version LIMIT ?"
            ),
            [text(exam), int(i64::from(limit))],
        ))
        .await?;
    rows(&result)
        .map(|row| {
            let number = |column: &str| {
                row.value_f64(column)?
                    .ok_or_else(|| DbError::Protocol(format!("{column} is NULL")))
            };
            Ok(ItemStatsView {
                question: row.text("question_id")?,
                version: u32::try_from(row.int("version")?)
                    .map_err(|_| DbError::Protocol("version out of range".into()))?,
                domain: row.text("domain_code")?,
                current: row.int("current")? == 1,
                responses: u32::try_from(row.int("responses")?)
                    .map_err(|_| DbError::Protocol("responses out of range".into()))?,
                facility: number("facility")?,
                discrimination: row.value_f64("discrimination")?,
                choice_shares: serde_json::from_str(&row.text("choice_shares")?)
                    .map_err(|err| DbError::Protocol(format!("choice_shares: {err}")))?,
                median_ms: u64::try_from(row.int("median_ms")?).unwrap_or(0),
                flags: list(&row, "flags")?,
                computed_at: row.text("computed_at")?,
            })
        })
        .collect::<Result<Vec<_>, DbError>>()
        .map_err(StoreError::from)
}
