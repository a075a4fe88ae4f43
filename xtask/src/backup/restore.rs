//! Puts a dump back into a fresh database and proves it: every table's rows and fingerprint
//! must equal the ones recorded when the dump was made.
//!
//! The statements go to the server as Hrana `sequence` requests, which the server's SQLite
//! parses; rows go in chunks of whole lines (each `INSERT` is one), each chunk one transaction.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use super::dump::{self, Sums};

/// A chunk of rows sent at once: well under any server's request limit.
const CHUNK_BYTES: usize = 512 * 1024;

/// The dump's sections, as `Dump::sql` wrote them.
pub struct Sections<'a> {
    pub tables: &'a str,
    pub rows: &'a str,
    pub indexes: &'a str,
}

pub fn sections(sql: &str) -> Result<Sections<'_>> {
    if !sql.starts_with("-- PingToPass database backup") {
        bail!("not a PingToPass database backup");
    }
    let part = |from: &str, to: Option<&str>| -> Result<&str> {
        let start = sql
            .find(from)
            .with_context(|| format!("the dump has no `{from}`"))?
            + from.len();
        let end = match to {
            Some(to) => sql[start - 1..]
                .find(to)
                .map(|i| start - 1 + i + 1)
                .with_context(|| format!("the dump has no `{to}`"))?,
            None => sql.len(),
        };
        Ok(sql[start..end].trim_start_matches('\n'))
    };
    Ok(Sections {
        tables: part("\n-- tables\n", Some("\n-- rows\n"))?,
        rows: part("\n-- rows\n", Some("\n-- indexes, triggers, views\n"))?,
        indexes: part("\n-- indexes, triggers, views\n", None)?,
    })
}

/// The Hrana endpoint of a libSQL URL.
fn pipeline_url(url: &str) -> String {
    let base = match url.strip_prefix("libsql://") {
        Some(host) => format!("https://{host}"),
        None => url.to_string(),
    };
    format!("{}/v2/pipeline", base.trim_end_matches('/'))
}

/// Runs `sql` (any number of statements) on the server, in one stream.
pub fn sequence(http: &reqwest::blocking::Client, url: &str, token: &str, sql: &str) -> Result<()> {
    let body = json!({"requests": [{"type": "sequence", "sql": sql}, {"type": "close"}]});
    let response = http
        .post(pipeline_url(url))
        .bearer_auth(token)
        .json(&body)
        .send()
        .context("sending statements to the database")?;
    let status = response.status();
    let answer: Value = response
        .json()
        .context("the database answered with no JSON")?;
    if !status.is_success() {
        bail!("the database answered {status}: {answer}");
    }
    match answer["results"][0]["type"].as_str() {
        Some("ok") => Ok(()),
        _ => bail!(
            "the database refused the statements: {}",
            answer["results"][0]["error"]["message"]
                .as_str()
                .unwrap_or("no message")
        ),
    }
}

/// Splits rows into chunks of whole lines.
pub fn chunks(rows: &str) -> Vec<&str> {
    let mut chunks = vec![];
    let mut start = 0;
    let mut end = 0;
    for line in rows.split_inclusive('\n') {
        if end > start && end - start + line.len() > CHUNK_BYTES {
            chunks.push(&rows[start..end]);
            start = end;
        }
        end += line.len();
    }
    if end > start {
        chunks.push(&rows[start..end]);
    }
    chunks
}

/// Restores `sql` into the empty database at `url`, then checks it against `expected`.
/// Returns the tables and rows restored.
pub fn restore(url: &str, token: &str, sql: &str, expected: &Sums) -> Result<(usize, u64)> {
    let sections = sections(sql)?;
    let existing = crate::remote_db::with_connection(url, token, async |conn| {
        Ok(dump::schema(&conn)
            .await?
            .into_iter()
            .map(|o| o.name)
            .collect::<Vec<_>>())
    })?;
    if !existing.is_empty() {
        bail!(
            "a restore goes into a fresh database; this one already has {} tables and indexes ({}…)",
            existing.len(),
            existing[0]
        );
    }
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()?;
    sequence(&http, url, token, sections.tables)?;
    for chunk in chunks(sections.rows) {
        sequence(
            &http,
            url,
            token,
            &format!("PRAGMA foreign_keys=OFF;\nBEGIN;\n{chunk}COMMIT;"),
        )?;
    }
    if !sections.indexes.trim().is_empty() {
        sequence(&http, url, token, sections.indexes)?;
    }
    let restored =
        crate::remote_db::with_connection(url, token, async |conn| dump::sums(&conn).await)?;
    compare(expected, &restored)?;
    Ok((restored.len(), restored.values().map(|s| s.rows).sum()))
}

/// Every table of `expected` has exactly its rows and fingerprint in `actual`, and no other.
pub fn compare(expected: &Sums, actual: &Sums) -> Result<()> {
    let mut differences = vec![];
    for (table, want) in expected {
        match actual.get(table) {
            None => differences.push(format!("{table}: missing")),
            Some(got) if got != want => differences.push(format!(
                "{table}: {} rows {} (expected {} rows {})",
                got.rows,
                &got.sha256[..12],
                want.rows,
                &want.sha256[..12]
            )),
            Some(_) => {}
        }
    }
    for table in actual.keys().filter(|t| !expected.contains_key(*t)) {
        differences.push(format!("{table}: not in the backup"));
    }
    if !differences.is_empty() {
        bail!("the restored database differs: {}", differences.join("; "));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::dump::TableSum;
    use super::*;

    #[test]
    fn the_dump_is_read_back_in_its_three_sections() {
        let sql = "-- PingToPass database backup of x\nPRAGMA foreign_keys=OFF;\n-- tables\nCREATE TABLE a(x);\n-- rows\nINSERT INTO \"a\" VALUES(1);\n-- indexes, triggers, views\nCREATE INDEX i ON a(x);\n";
        let s = sections(sql).unwrap();
        assert_eq!(s.tables, "CREATE TABLE a(x);\n");
        assert_eq!(s.rows, "INSERT INTO \"a\" VALUES(1);\n");
        assert_eq!(s.indexes, "CREATE INDEX i ON a(x);\n");
        assert!(
            sections("CREATE TABLE a(x);").is_err(),
            "only our own dumps"
        );
    }

    #[test]
    fn rows_are_chunked_at_line_boundaries() {
        let line = format!("INSERT INTO t VALUES('{}');\n", "x".repeat(1000));
        let rows = line.repeat(1200);
        let chunks = chunks(&rows);
        assert!(chunks.len() >= 2);
        assert_eq!(chunks.concat(), rows);
        assert!(
            chunks
                .iter()
                .all(|c| c.ends_with(";\n") && c.len() <= CHUNK_BYTES)
        );
    }

    #[test]
    fn a_restore_that_lost_or_changed_a_row_is_named() {
        let sum = |rows, sha: &str| TableSum {
            rows,
            sha256: sha.repeat(64),
        };
        let expected: Sums = [
            ("users".to_string(), sum(3, "a")),
            ("responses".to_string(), sum(9, "b")),
        ]
        .into();
        assert!(compare(&expected, &expected).is_ok());
        let actual: Sums = [("users".to_string(), sum(2, "c"))].into();
        let err = compare(&expected, &actual).unwrap_err().to_string();
        assert!(err.contains("responses: missing"), "{err}");
        assert!(
            err.contains("users: 2 rows cccccccccccc (expected 3 rows aaaaaaaaaaaa)"),
            "{err}"
        );
    }

    #[test]
    fn turso_urls_reach_the_pipeline_over_https() {
        assert_eq!(
            pipeline_url("libsql://db-acme.turso.io"),
            "https://db-acme.turso.io/v2/pipeline"
        );
        assert_eq!(
            pipeline_url("http://127.0.0.1:8080/"),
            "http://127.0.0.1:8080/v2/pipeline"
        );
    }
}
