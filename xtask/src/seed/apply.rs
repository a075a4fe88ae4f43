//! Writing a checked bank into a database: exams, their domains and questions in one
//! transaction, each question as `domain::bank::step` decides for the seed — the same decision
//! the console's import makes, except that a question an admin has corrected is kept. Skipped
//! when this exact bank was applied.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use ptp_domain::QuestionId;
use ptp_domain::bank::{self, Checked, Importer, Step, Stored};
use ptp_domain::content::Content;
use ptp_domain::question::QuestionKind;

use super::load;

const SEED_TABLE: &str = "CREATE TABLE IF NOT EXISTS _seed (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)";

fn json(list: &[String]) -> String {
    serde_json::to_string(list).expect("strings serialize")
}

fn list(row: &libsql::Row, index: i32) -> Result<Vec<String>> {
    Ok(serde_json::from_str(&row.get::<String>(index)?)?)
}

/// The exam's questions as stored, by id.
async fn stored(tx: &libsql::Transaction, exam: &str) -> Result<BTreeMap<String, Stored>> {
    let mut rows = tx
        .query(
            "SELECT id, version, domain_code, kind, stem, choices, answer_key, explanation, refs, updated_by \
             FROM questions WHERE exam_code = ?1",
            [exam],
        )
        .await?;
    let mut found = BTreeMap::new();
    while let Some(row) = rows.next().await? {
        let kind = row.get::<String>(3)?;
        let content = Content {
            kind: QuestionKind::parse(&kind)
                .map_err(|_| anyhow::anyhow!("stored kind {kind:?} is unknown"))?,
            stem: row.get(4)?,
            choices: list(&row, 5)?,
            key: list(&row, 6)?,
            explanation: row.get(7)?,
            references: list(&row, 8)?,
        };
        let stored = Stored {
            version: u32::try_from(row.get::<i64>(1)?).context("version out of range")?,
            domain: row.get(2)?,
            content,
            seeded: row.get::<String>(9)? == "seed",
        };
        found.insert(row.get::<String>(0)?, stored);
    }
    Ok(found)
}

fn mock_kinds_json(exam: &super::ExamSeed) -> Result<String> {
    let kinds: Vec<String> = super::mock_kinds(exam)?
        .iter()
        .map(|k| k.as_str().to_string())
        .collect();
    Ok(json(&kinds))
}

/// Upserts the bank unless this exact bank was applied already; returns the questions written.
pub fn apply(root: &Path, url: &str, token: &str) -> Result<Option<usize>> {
    let bank = load(root)?;
    crate::remote_db::with_connection(url, token, async |conn| {
        conn.execute(SEED_TABLE, ()).await?;
        let mut rows = conn
            .query("SELECT checksum FROM _seed WHERE name = 'bank'", ())
            .await?;
        if let Some(row) = rows.next().await?
            && row.get::<String>(0)? == bank.checksum
        {
            return Ok(None);
        }
        drop(rows);
        let tx = conn.transaction().await?;
        let mut written = 0;
        for (exam, questions) in &bank.exams {
            tx.execute(
                "INSERT INTO exams (code, vendor, name, version, question_count, minutes, score_min, score_max, passing_score, raw_cut, navigation, mock_kinds) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT (code) DO UPDATE SET vendor = ?2, name = ?3, \
                 version = ?4, question_count = ?5, minutes = ?6, score_min = ?7, score_max = ?8, passing_score = ?9, raw_cut = ?10, \
                 navigation = ?11, mock_kinds = ?12, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
                libsql::params![
                    exam.code.as_str(),
                    exam.vendor.as_str(),
                    exam.name.as_str(),
                    exam.version.as_str(),
                    exam.question_count,
                    exam.minutes,
                    exam.score_min,
                    exam.score_max,
                    exam.passing_score,
                    exam.raw_cut,
                    exam.navigation.as_str(),
                    mock_kinds_json(exam)?
                ],
            )
            .await?;
            for (position, domain) in exam.domains.iter().enumerate() {
                tx.execute(
                    "INSERT INTO exam_domains (exam_code, code, name, weight, position) VALUES (?1, ?2, ?3, ?4, ?5) \
                     ON CONFLICT (exam_code, code) DO UPDATE SET name = ?3, weight = ?4, position = ?5",
                    libsql::params![exam.code.as_str(), domain.code.as_str(), domain.name.as_str(), domain.weight, position as i64],
                )
                .await?;
            }
            let now = stored(&tx, &exam.code).await?;
            for q in questions {
                let question = Checked {
                    id: QuestionId::trusted(q.id.clone()),
                    domain: q.domain.clone(),
                    content: bank.contents[&q.id].clone(),
                };
                let step = bank::step(Importer::Seed, &question, now.get(&q.id));
                written += write(&tx, &exam.code, &question, &step, &bank.rendered[&q.id]).await?;
                // What the blueprint files it under is the seed's, even on a question an admin
                // corrected: it is not content, and never makes a new version.
                tx.execute(
                    "UPDATE questions SET objective = ?2, difficulty = ?3 WHERE id = ?1 \
                     AND (objective IS NOT ?2 OR difficulty IS NOT ?3)",
                    libsql::params![
                        q.id.as_str(),
                        q.objective.as_deref(),
                        q.difficulty.map(i64::from)
                    ],
                )
                .await?;
            }
        }
        tx.execute(
            "INSERT INTO _seed (name, checksum, applied_at) VALUES ('bank', ?1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) \
             ON CONFLICT (name) DO UPDATE SET checksum = ?1, applied_at = excluded.applied_at",
            libsql::params![bank.checksum.as_str()],
        )
        .await?;
        tx.commit().await?;
        Ok(Some(written))
    })
}

/// One question's step; the rows it wrote (content or rendering).
async fn write(
    tx: &libsql::Transaction,
    exam: &str,
    question: &Checked,
    step: &Step,
    html: &ptp_domain::content::Rendered,
) -> Result<usize> {
    let c = &question.content;
    let id = question.id.as_str();
    let content: Vec<libsql::Value> = vec![
        id.into(),
        question.domain.as_str().into(),
        c.kind.as_str().into(),
        c.stem.as_str().into(),
        json(&c.choices).into(),
        json(&c.key).into(),
        c.explanation.as_str().into(),
        json(&c.references).into(),
        html.stem.as_str().into(),
        json(&html.choices).into(),
        html.explanation.as_str().into(),
        json(&html.references).into(),
        exam.into(),
    ];
    let changed = match step {
        Step::Create => {
            tx.execute(
                "INSERT INTO questions (id, domain_code, kind, stem, choices, answer_key, explanation, refs, \
                 stem_html, choices_html, explanation_html, refs_html, exam_code, status, source, created_by, updated_by) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'published', 'authored', 'seed', 'seed')",
                content,
            )
            .await?
        }
        // A changed seed question is a new version; sessions keep the one they drew.
        Step::Change { base, .. } => {
            let mut params = content;
            params.push(libsql::Value::Integer(i64::from(*base)));
            tx.execute(
                "UPDATE questions SET domain_code = ?2, kind = ?3, stem = ?4, choices = ?5, answer_key = ?6, \
                 explanation = ?7, refs = ?8, stem_html = ?9, choices_html = ?10, explanation_html = ?11, \
                 refs_html = ?12, version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') \
                 WHERE id = ?1 AND exam_code = ?13 AND version = ?14",
                params,
            )
            .await?
        }
        // The same Markdown may render anew (a changed renderer changes the checksum).
        Step::Unchanged => {
            tx.execute(
                "UPDATE questions SET stem_html = ?9, choices_html = ?10, explanation_html = ?11, refs_html = ?12 \
                 WHERE id = ?1 AND updated_by = 'seed' AND domain_code = ?2 AND exam_code = ?13 \
                 AND (stem_html IS NOT ?9 OR choices_html IS NOT ?10 OR explanation_html IS NOT ?11 OR refs_html IS NOT ?12)",
                content,
            )
            .await?
        }
        // An admin's correction is theirs now.
        Step::Kept => 0,
    };
    Ok(changed as usize)
}
