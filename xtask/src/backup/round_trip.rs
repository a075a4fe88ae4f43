//! The test run's backup check, on its running stack: a guest answers a question, the database
//! and KV are backed up, then wiped, then restored and checked table by table, and the same
//! guest (same cookie) finds the same session with the same answer.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use ptp_shared::{ExamList, SessionView};
use reqwest::blocking::Client;
use serde_json::json;

use super::kv::Kv;
use super::restore::sequence;
use crate::bootstrap::Tools;
use crate::tally::Tally;

struct Learner<'a> {
    http: Client,
    base: &'a str,
    cookie: String,
}

impl Learner<'_> {
    fn post(&self, path: &str, body: serde_json::Value) -> Result<reqwest::blocking::Response> {
        Ok(self
            .http
            .post(format!("{}{path}", self.base))
            .header("origin", self.base)
            .header("sec-fetch-site", "same-origin")
            .header("cookie", &self.cookie)
            .json(&body)
            .send()?)
    }

    fn session(&self, id: &str) -> Result<reqwest::blocking::Response> {
        Ok(self
            .http
            .get(format!("{}/api/v1/sessions/{id}", self.base))
            .header("cookie", &self.cookie)
            .send()?)
    }
}

/// A guest with one answered practice question: (the guest, session id, the answer given).
fn answered(base: &str) -> Result<(Learner<'_>, String, Vec<String>)> {
    let http = Client::builder().timeout(Duration::from_secs(10)).build()?;
    let guest = http
        .post(format!("{base}/api/v1/auth/guest"))
        .header("origin", base)
        .header("sec-fetch-site", "same-origin")
        .json(&json!({}))
        .send()?;
    ensure!(guest.status() == 201, "guest: {}", guest.status());
    let cookie = guest
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .context("no session cookie")?
        .to_string();
    let learner = Learner { http, base, cookie };
    let exams: ExamList = learner
        .http
        .get(format!("{base}/api/v1/exams"))
        .send()?
        .json()?;
    let exam = &exams.exams.first().context("no exams")?.code;
    let started = learner.post(
        "/api/v1/sessions",
        json!({"exam": exam, "mode": "practice", "count": 2}),
    )?;
    ensure!(started.status() == 201, "session: {}", started.status());
    let session: SessionView = started.json()?;
    let question = &session.items[0].question;
    let answer: Vec<String> = question.choices[..(question.picks.max(1) as usize)]
        .iter()
        .map(|c| c.id.clone())
        .collect();
    let graded = learner.post(
        &format!("/api/v1/sessions/{}/answers", session.id),
        json!({"question": question.id, "answer": answer, "elapsed_ms": 4000}),
    )?;
    ensure!(graded.status() == 200, "answer: {}", graded.status());
    Ok((learner, session.id, answer))
}

/// Drops every view and table (their indexes and triggers go with them): the database is as
/// empty as a fresh one.
fn wipe(url: &str, token: &str) -> Result<()> {
    let objects = crate::remote_db::with_connection(url, token, async |conn| {
        let mut objects = super::dump::schema(&conn).await?;
        // Views first: a view left behind would outlive the tables it reads.
        objects.sort_by_key(|o| o.kind != "view");
        Ok(objects
            .into_iter()
            .filter(|o| o.kind == "table" || o.kind == "view")
            .map(|o| (o.kind.to_ascii_uppercase(), o.name))
            .collect::<Vec<_>>())
    })?;
    let drops: String = objects
        .iter()
        .map(|(kind, name)| format!("DROP {kind} \"{}\";\n", name.replace('"', "\"\"")))
        .collect();
    let http = Client::builder().timeout(Duration::from_secs(60)).build()?;
    sequence(
        &http,
        url,
        token,
        &format!("PRAGMA foreign_keys=OFF;\n{drops}"),
    )
}

fn run(tools: &Tools, base: &str, db: (&str, &str), persist: &Path, dir: &Path) -> Result<String> {
    let (learner, session, answer) = answered(base)?;
    let kv = Kv::Local {
        tools,
        persist: persist.to_path_buf(),
    };
    let manifest = super::take(db.0, db.1, &kv, dir)?;
    let rows: u64 = manifest.tables.values().map(|t| t.rows).sum();
    wipe(db.0, db.1)?;
    kv.wipe()?;
    let gone = learner.session(&session)?.status();
    ensure!(gone != 200, "after the wipe the session still answers 200");
    let (tables, restored) = super::put_back(dir, db.0, db.1, &kv)?;
    ensure!(restored == rows, "{restored} rows restored of {rows}");
    let back = learner.session(&session)?;
    ensure!(back.status() == 200, "after the restore: {}", back.status());
    let view: SessionView = back.json()?;
    ensure!(
        view.items[0].answer.as_ref() == Some(&answer),
        "the answer came back as {:?}",
        view.items[0].answer
    );
    Ok(format!(
        "{tables} tables, {rows} rows, KV {:?}; the guest's answer is back",
        manifest.kv
    ))
}

pub fn check(
    tally: &mut Tally,
    tools: &Tools,
    base: &str,
    db: (&str, &str),
    stack_dir: &Path,
) -> Result<()> {
    eprintln!("▸ backup, wipe, restore, verify");
    let outcome = run(
        tools,
        base,
        db,
        &stack_dir.join("wrangler"),
        &stack_dir.join("backup"),
    );
    match outcome {
        Ok(note) => {
            eprintln!("  ✓ {note}");
            tally.add("backup round trip", 1, 0);
        }
        Err(err) => {
            eprintln!("  ✗ {err:#}");
            tally.add("backup round trip", 0, 1);
        }
    }
    Ok(())
}
