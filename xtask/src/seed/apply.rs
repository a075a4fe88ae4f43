//! Writing a checked bank into a database: exams, their domains and questions upserted in one
//! transaction, each question with its rendering, skipped when this exact bank was applied.

use std::path::Path;

use anyhow::Result;

use super::load;

const SEED_TABLE: &str = "CREATE TABLE IF NOT EXISTS _seed (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)";

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
                "INSERT INTO exams (code, vendor, name, version, question_count, minutes, score_min, score_max, passing_score, raw_cut, navigation) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT (code) DO UPDATE SET vendor = ?2, name = ?3, \
                 version = ?4, question_count = ?5, minutes = ?6, score_min = ?7, score_max = ?8, passing_score = ?9, raw_cut = ?10, \
                 navigation = ?11, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
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
                    exam.navigation.as_str()
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
            for q in questions {
                let json = |v: &Vec<String>| serde_json::to_string(v).expect("strings serialize");
                let choices: Vec<String> = q
                    .choices
                    .iter()
                    .map(|c| c.text.trim().to_string())
                    .collect();
                // A changed seed question is a new version; one an admin corrected is theirs now.
                tx.execute(
                    "INSERT INTO questions (id, exam_code, domain_code, kind, stem, choices, answer_key, explanation, refs, status, source, created_by, updated_by) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'published', 'authored', 'seed', 'seed') \
                     ON CONFLICT (id) DO UPDATE SET domain_code = ?3, kind = ?4, stem = ?5, choices = ?6, answer_key = ?7, \
                     explanation = ?8, refs = ?9, version = questions.version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') \
                     WHERE questions.updated_by = 'seed' AND (questions.stem IS NOT ?5 OR questions.choices IS NOT ?6 \
                     OR questions.answer_key IS NOT ?7 OR questions.explanation IS NOT ?8 OR questions.refs IS NOT ?9 \
                     OR questions.kind IS NOT ?4 OR questions.domain_code IS NOT ?3)",
                    libsql::params![
                        q.id.as_str(),
                        exam.code.as_str(),
                        q.domain.as_str(),
                        q.kind.as_str(),
                        q.stem.trim(),
                        json(&choices),
                        json(&q.key),
                        q.explanation.trim(),
                        json(&q.references)
                    ],
                )
                .await?;
                // The rendering follows the Markdown of every question the seed still owns.
                let html = &bank.rendered[&q.id];
                tx.execute(
                    "UPDATE questions SET stem_html = ?2, choices_html = ?3, explanation_html = ?4, refs_html = ?5 \
                     WHERE id = ?1 AND updated_by = 'seed'",
                    libsql::params![
                        q.id.as_str(),
                        html.stem.as_str(),
                        json(&html.choices),
                        html.explanation.as_str(),
                        json(&html.references)
                    ],
                )
                .await?;
                written += 1;
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
