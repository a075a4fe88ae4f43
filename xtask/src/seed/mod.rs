//! The exams and question bank shipped in `seed/`: parsed, checked with the same rules the API
//! applies, and upserted into a database. Questions an admin has edited (`updated_by` is no longer
//! `seed`) are left alone, so re-seeding never undoes a correction.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};
use ptp_domain::ExamCode;
use ptp_domain::bank;
use ptp_domain::content::{Content, Rendered};
use ptp_domain::exam::{DomainWeight, ExamRules, Navigation, ScoreScale};
use ptp_shared::bank::{BankFormat, QuestionSeed};
use serde::Deserialize;
use sha2::{Digest, Sha256};

mod apply;
mod standard;
pub use apply::apply;
pub use standard::{mock_kinds, print_reports, report};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExamSeed {
    pub vendor: String,
    pub code: String,
    pub name: String,
    pub version: String,
    pub question_count: u32,
    pub minutes: u32,
    pub score_min: u32,
    pub score_max: u32,
    pub passing_score: u32,
    pub raw_cut: f64,
    pub navigation: String,
    /// The kinds of item the real exam has, which mocks draw (all three when absent).
    #[serde(default)]
    pub mock_kinds: Option<Vec<String>>,
    pub domains: Vec<DomainSeed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainSeed {
    pub code: String,
    pub name: String,
    pub weight: u32,
    /// The vendor's numbered sub-objectives (task statements) of the domain.
    pub objectives: Vec<ObjectiveSeed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveSeed {
    pub code: String,
    pub name: String,
}

pub struct Bank {
    pub exams: Vec<(ExamSeed, Vec<QuestionSeed>)>,
    /// Each question's content rendered to HTML, by question id: stored beside its Markdown.
    pub rendered: BTreeMap<String, Rendered>,
    /// Each question's content as checked (texts trimmed), by question id.
    pub contents: BTreeMap<String, Content>,
    /// SHA-256 of every seed file and of what they render to, to skip re-seeding an unchanged
    /// bank (a changed renderer re-applies it).
    pub checksum: String,
}

fn sorted_files(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    files.sort();
    Ok(files)
}

/// Reads `seed/exams/*.toml` and `seed/questions/<exam>/*.toml` and checks them.
pub fn load(root: &Path) -> Result<Bank> {
    let mut hasher = Sha256::new();
    let mut exams = vec![];
    let mut rendered = BTreeMap::new();
    let mut checked = BTreeMap::new();
    for file in sorted_files(&root.join("exams"))? {
        let text = fs::read_to_string(&file)?;
        hasher.update(&text);
        let exam: ExamSeed =
            toml::from_str(&text).with_context(|| format!("parsing {}", file.display()))?;
        let folder = root.join("questions").join(exam.code.to_ascii_lowercase());
        let mut questions = vec![];
        if folder.is_dir() {
            for qfile in sorted_files(&folder)? {
                let bytes = fs::read(&qfile)?;
                hasher.update(&bytes);
                // The console's import reads files the same way, within the same bounds.
                let parsed = bank::parse(BankFormat::Toml, &bytes)
                    .with_context(|| format!("parsing {}", qfile.display()))?;
                questions.extend(parsed.questions);
            }
        }
        let contents =
            check(&exam, &questions).with_context(|| format!("checking the {} bank", exam.code))?;
        let violations = report(&exam, &questions, &contents)?.violations();
        if !violations.is_empty() {
            bail!(
                "the {} bank breaks the bank standard:\n  {}",
                exam.code,
                violations.join("\n  ")
            );
        }
        for (q, content) in questions.iter().zip(contents) {
            let html = content.render();
            for part in [&html.stem, &html.explanation]
                .into_iter()
                .chain(&html.choices)
                .chain(&html.references)
            {
                hasher.update(part);
            }
            rendered.insert(q.id.clone(), html);
            checked.insert(q.id.clone(), content);
        }
        exams.push((exam, questions));
    }
    Ok(Bank {
        exams,
        rendered,
        contents: checked,
        checksum: format!("{:x}", hasher.finalize()),
    })
}

/// Each exam with its questions as the files hold them, before any check: for the bank report,
/// which prints a bank's figures even when the loader would refuse it.
pub fn read_unchecked(root: &Path) -> Result<Vec<(ExamSeed, Vec<QuestionSeed>)>> {
    sorted_files(&root.join("exams"))?
        .into_iter()
        .map(|file| {
            let exam: ExamSeed = toml::from_str(&fs::read_to_string(&file)?)
                .with_context(|| format!("parsing {}", file.display()))?;
            let folder = root.join("questions").join(exam.code.to_ascii_lowercase());
            let mut questions = vec![];
            for qfile in sorted_files(&folder)? {
                let parsed = bank::parse(BankFormat::Toml, &fs::read(&qfile)?)
                    .with_context(|| format!("parsing {}", qfile.display()))?;
                questions.extend(parsed.questions);
            }
            Ok((exam, questions))
        })
        .collect()
}

pub fn rules(exam: &ExamSeed) -> Result<ExamRules> {
    let rules = ExamRules {
        code: ExamCode::parse(&exam.code)?,
        question_count: exam.question_count,
        minutes: exam.minutes,
        scale: ScoreScale::new(
            exam.score_min,
            exam.score_max,
            exam.passing_score,
            exam.raw_cut,
        )?,
        navigation: Navigation::parse(&exam.navigation)?,
        domains: exam
            .domains
            .iter()
            .map(|d| DomainWeight {
                code: d.code.clone(),
                weight: d.weight,
            })
            .collect(),
    };
    rules.validate()?;
    Ok(rules)
}

/// The rules of a bank, as the console's import applies them (see [`bank::check`]): the first
/// question that breaks one fails the whole seed, naming the question, the field and the rule.
/// Returns each question's content, in order.
pub fn check(exam: &ExamSeed, questions: &[QuestionSeed]) -> Result<Vec<Content>> {
    rules(exam)?;
    let domains: Vec<&str> = exam.domains.iter().map(|d| d.code.as_str()).collect();
    bank::check(&exam.code, &domains, questions)
        .into_iter()
        .zip(questions)
        .map(|(result, q)| match result {
            Ok(checked) => Ok(checked.content),
            Err(problems) => {
                let problems: Vec<String> = problems
                    .iter()
                    .map(|p| format!("{}: {}", p.field, p.reason))
                    .collect();
                bail!("question {}: {}", q.id, problems.join("; "))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
