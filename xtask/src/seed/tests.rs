//! The shipped bank against every rule and the standard, and broken banks refused.

use super::*;
use ptp_domain::draw::allocate;
use ptp_shared::bank::ChoiceSeed;
use std::collections::BTreeSet;

/// An exam of one domain and one objective, for the tests of broken banks.
const TINY_EXAM: &str = r#"vendor = "V"
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
domains = [{ code = "1", name = "One", weight = 100, objectives = [{ code = "1.1", name = "One" }] }]"#;

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
    load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../seed")).expect("the shipped bank is sound")
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
    fs::write(root.join("exams/ab-123.toml"), TINY_EXAM).unwrap();
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
    let exam: ExamSeed = toml::from_str(TINY_EXAM).unwrap();
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
