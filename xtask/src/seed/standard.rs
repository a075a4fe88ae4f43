//! An exam's bank measured against its blueprint (`domain::bank::quality`): the seed loader
//! refuses a bank that breaks a hard rule, and the bank-quality test prints the figures.

use std::path::Path;

use anyhow::{Context, Result, bail};
use ptp_domain::bank::quality::{Blueprint, Difficulty, Item, Report, measure};
use ptp_domain::content::Content;
use ptp_domain::question::QuestionKind;
use ptp_shared::bank::QuestionSeed;

use super::{ExamSeed, check, read_unchecked, rules};

/// The kinds a mock of this exam draws, as the exam's seed declares them.
pub fn mock_kinds(exam: &ExamSeed) -> Result<Vec<QuestionKind>> {
    match &exam.mock_kinds {
        None => Ok(vec![
            QuestionKind::Single,
            QuestionKind::Multi,
            QuestionKind::Ordering,
        ]),
        Some(kinds) if kinds.is_empty() => bail!("{}: mock_kinds is empty", exam.code),
        Some(kinds) => kinds
            .iter()
            .map(|k| {
                QuestionKind::parse(k)
                    .map_err(|_| anyhow::anyhow!("{}: mock kind {k:?} is unknown", exam.code))
            })
            .collect(),
    }
}

/// The bank's figures; every question must declare its objective and difficulty.
pub fn report(exam: &ExamSeed, questions: &[QuestionSeed], contents: &[Content]) -> Result<Report> {
    let mut codes = std::collections::BTreeSet::new();
    for objective in exam.domains.iter().flat_map(|d| &d.objectives) {
        if objective.name.trim().is_empty() || !codes.insert(objective.code.as_str()) {
            bail!(
                "{}: objective {} is listed twice or has no name",
                exam.code,
                objective.code
            );
        }
    }
    let blueprint = Blueprint {
        domains: rules(exam)?.domains,
        objectives: exam
            .domains
            .iter()
            .flat_map(|d| {
                d.objectives
                    .iter()
                    .map(|o| (o.code.clone(), d.code.clone()))
            })
            .collect(),
        question_count: exam.question_count,
        mock_kinds: mock_kinds(exam)?,
    };
    let items = questions
        .iter()
        .zip(contents)
        .map(|(q, content)| {
            let objective = q
                .objective
                .as_deref()
                .with_context(|| format!("question {}: objective is missing", q.id))?;
            let difficulty = q
                .difficulty
                .with_context(|| format!("question {}: difficulty is missing", q.id))?;
            let difficulty = Difficulty::parse(difficulty)
                .map_err(|e| anyhow::anyhow!("question {}: {}", q.id, e.reason))?;
            Ok(Item {
                id: &q.id,
                domain: &q.domain,
                objective,
                difficulty,
                content,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(measure(&blueprint, &items))
}

/// Prints every exam's figures against its blueprint, with each breach of the standard;
/// whether every bank keeps it.
pub fn print_reports(root: &Path) -> Result<bool> {
    let mut sound = true;
    for (exam, questions) in read_unchecked(root)? {
        let contents = check(&exam, &questions)?;
        let report = report(&exam, &questions, &contents)?;
        println!("{} {}\n{report}", exam.code, exam.name);
        for objective in exam.domains.iter().flat_map(|d| &d.objectives) {
            let count = report.objectives.iter().find(|(c, _)| *c == objective.code);
            println!(
                "    {:<5} {:>3}  {}",
                objective.code,
                count.map_or(0, |c| c.1),
                objective.name
            );
        }
        let mut breaches = report.violations();
        if !report.difficulty_is_spread_like_the_exam() {
            breaches.push(format!(
                "difficulty {:?} is not about 20/60/20",
                report.difficulty
            ));
        }
        for breach in &breaches {
            println!("  ✗ {breach}");
        }
        sound &= breaches.is_empty();
    }
    Ok(sound)
}
