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
mod tests {
    use super::*;
    use ptp_domain::draw::allocate;
    use ptp_shared::bank::ChoiceSeed;
    use std::collections::BTreeSet;

    /// Whether each exam's bank can fill a full-length mock weighted like the real exam.
    fn full_mock_shortfalls(bank: &Bank) -> Vec<String> {
        let mut problems = vec![];
        for (exam, questions) in &bank.exams {
            let Ok(rules) = rules(exam) else { continue };
            for (domain, needed) in allocate(&rules.domains, rules.question_count) {
                let available = questions.iter().filter(|q| q.domain == domain).count() as u32;
                if available < needed {
                    problems.push(format!(
                        "{} domain {domain}: {available} of {needed}",
                        exam.code
                    ));
                }
            }
        }
        problems
    }

    fn bank() -> Bank {
        load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../seed"))
            .expect("the shipped bank is sound")
    }

    #[test]
    fn the_shipped_bank_is_structurally_sound() {
        // `load` applies `check` to every exam: keys among the choices, arity by kind, ids, unique
        // stems, explanations that cover every option.
        let bank = bank();
        let codes: Vec<&str> = bank.exams.iter().map(|(e, _)| e.code.as_str()).collect();
        assert_eq!(codes, ["200-301", "SAA-C03", "SY0-701"]);
        for (exam, questions) in &bank.exams {
            assert!(
                questions.len() >= 60,
                "{} has {} questions",
                exam.code,
                questions.len()
            );
            for domain in &exam.domains {
                assert!(
                    questions.iter().any(|q| q.domain == domain.code),
                    "{} domain {} is empty",
                    exam.code,
                    domain.code
                );
            }
            let kinds: BTreeSet<&str> = questions.iter().map(|q| q.kind.as_str()).collect();
            assert_eq!(
                kinds,
                BTreeSet::from(["multi", "ordering", "single"]),
                "{} mixes every kind",
                exam.code
            );
        }
    }

    #[test]
    fn no_shipped_key_gives_itself_away_by_its_length() {
        let bank = bank();
        let cues: Vec<String> = bank
            .contents
            .iter()
            .filter_map(|(id, content)| {
                ptp_domain::drafts::key_length_cue(content).map(|(key, longest)| {
                    format!("{id}: key {key} chars, longest distractor {longest}")
                })
            })
            .collect();
        assert_eq!(cues, Vec::<String>::new());
    }

    #[test]
    fn the_bank_meets_the_standard_of_a_bank_worth_selling() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../seed");
        // Prints each exam's figures per domain and objective, and every breach.
        assert!(
            print_reports(&root).unwrap(),
            "a bank breaks the standard: the figures above name how"
        );
        let sizes: BTreeMap<String, usize> = read_unchecked(&root)
            .unwrap()
            .into_iter()
            .map(|(exam, questions)| (exam.code, questions.len()))
            .collect();
        let minimum = BTreeMap::from([("200-301", 300), ("SAA-C03", 220), ("SY0-701", 300)]);
        for (code, wanted) in minimum {
            assert!(
                sizes[code] >= wanted,
                "{code}: {} items, fewer than {wanted}",
                sizes[code]
            );
        }
    }

    #[test]
    fn every_exam_can_fill_a_full_length_mock() {
        assert_eq!(full_mock_shortfalls(&bank()), Vec::<String>::new());
    }

    #[test]
    fn the_loader_refuses_a_bank_that_breaks_the_standard_naming_each_breach() {
        let root = std::env::temp_dir().join(format!("ptp-seed-standard-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("exams")).unwrap();
        fs::create_dir_all(root.join("questions/ab-123")).unwrap();
        fs::write(
            root.join("exams/ab-123.toml"),
            r#"vendor = "V"
code = "AB-123"
name = "N"
version = "1"
question_count = 1
minutes = 10
score_min = 100
score_max = 900
passing_score = 700
raw_cut = 0.75
navigation = "review_allowed"
domains = [{ code = "1", name = "One", weight = 100, objectives = [{ code = "1.1", name = "One" }] }]"#,
        )
        .unwrap();
        let question = |n: u32| {
            format!(
                "[[questions]]\nid = \"ab-123-1-00{n}\"\ndomain = \"1\"\nobjective = \"1.1\"\ndifficulty = 2\n\
                 kind = \"single\"\nstem = \"Scenario {n} of its own, with words unlike the others {n}{n}.\"\n\
                 choices = [{{ id = \"a\", text = \"alpha\" }}, {{ id = \"b\", text = \"bravo\" }}]\n\
                 key = [\"a\"]\nexplanation = \"**A** yes. **B** no.\"\nreferences = [\"AB-123 1.1\"]\n"
            )
        };
        let file: String = (1..=3).map(question).collect();
        fs::write(root.join("questions/ab-123/1.toml"), file).unwrap();
        let refused = format!("{:#}", load(&root).err().expect("refused"));
        fs::remove_dir_all(&root).unwrap();
        assert!(
            refused.contains("the AB-123 bank breaks the bank standard"),
            "{refused}"
        );
        assert!(
            refused.contains("objective 1.1 has 3 items, fewer than 4"),
            "{refused}"
        );
        assert!(
            refused.contains("the key is the longest choice in 0 of 3 single-answer items"),
            "{refused}"
        );
    }

    #[test]
    fn broken_questions_are_refused_with_their_id() {
        let exam: ExamSeed = toml::from_str(
            r#"vendor = "V"
code = "AB-123"
name = "N"
version = "1"
question_count = 10
minutes = 10
score_min = 100
score_max = 900
passing_score = 700
raw_cut = 0.75
navigation = "review_allowed"
domains = [{ code = "1", name = "One", weight = 100, objectives = [{ code = "1.1", name = "One" }] }]"#,
        )
        .unwrap();
        let question = |key: &str, explanation: &str| QuestionSeed {
            id: "ab-123-1-001".into(),
            domain: "1".into(),
            objective: Some("1.1".into()),
            difficulty: Some(2),
            kind: "single".into(),
            stem: "Which one?".into(),
            choices: ["a", "b", "c", "d"]
                .iter()
                .map(|id| ChoiceSeed {
                    id: id.to_string(),
                    text: format!("choice {id}"),
                })
                .collect(),
            key: vec![key.into()],
            explanation: explanation.into(),
            references: vec!["AB-123 objective 1.1".into()],
        };
        let full = "**A** yes. **B** no. **C** no. **D** no.";
        assert!(check(&exam, &[question("a", full)]).is_ok());
        let wrong_key = check(&exam, &[question("e", full)]).unwrap_err();
        assert!(
            format!("{wrong_key:#}").contains("ab-123-1-001"),
            "{wrong_key:#}"
        );
        assert!(
            check(&exam, &[question("a", "**A** only")]).is_err(),
            "every option discussed"
        );
        let mut twice = vec![question("a", full), question("a", full)];
        twice[1].id = "ab-123-1-002".into();
        assert!(check(&exam, &twice).is_err(), "same stem twice");
    }
}
