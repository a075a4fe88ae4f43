use super::*;

fn content(kind: QuestionKind, stem: &str, choices: &[&str], key: &[&str]) -> Content {
    Content {
        kind,
        stem: stem.into(),
        choices: choices.iter().map(|c| c.to_string()).collect(),
        key: key.iter().map(|k| k.to_string()).collect(),
        explanation: String::new(),
        references: vec![],
    }
}

fn blueprint() -> Blueprint {
    Blueprint {
        domains: vec![
            DomainWeight {
                code: "1".into(),
                weight: 50,
            },
            DomainWeight {
                code: "2".into(),
                weight: 50,
            },
        ],
        objectives: vec![("1.1".into(), "1".into()), ("2.1".into(), "2".into())],
        question_count: 2,
        mock_kinds: vec![QuestionKind::Single, QuestionKind::Multi],
    }
}

/// Four single items per domain, each with its own stem; key `b`, the longest choice in two
/// of the eight (25 %, like chance).
fn contents() -> Vec<Content> {
    (0..8)
        .map(|n| {
            let key = if n % 4 == 0 { "bbbbb" } else { "bbbb" };
            content(
                QuestionKind::Single,
                &format!("scenario number {n} asks about topic {n} in its own words"),
                &["aaaa", key, "cccc", "dddd"],
                &["b"],
            )
        })
        .collect()
}

fn items(contents: &[Content]) -> Vec<Item<'_>> {
    contents
        .iter()
        .enumerate()
        .map(|(n, content)| Item {
            id: ["q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9"][n],
            domain: if n < 4 { "1" } else { "2" },
            objective: if n < 4 { "1.1" } else { "2.1" },
            difficulty: Difficulty::parse([1, 2, 2, 3, 1, 2, 2, 3, 2, 2][n]).unwrap(),
            content,
        })
        .collect()
}

#[test]
fn a_bank_that_keeps_every_rule_has_no_violations_and_its_figures() {
    let contents = contents();
    let report = measure(&blueprint(), &items(&contents));
    assert_eq!(report.violations(), Vec::<String>::new());
    assert_eq!(report.objectives, [("1.1".into(), 4), ("2.1".into(), 4)]);
    assert_eq!(report.difficulty, [2, 4, 2]);
    assert_eq!(report.key_longest, 2);
    assert_eq!(report.domains[0].mock_items, 4);
    assert_eq!(report.domains[0].mock_needs, 3);
    let pair = report.largest_pair.unwrap();
    assert!(pair.similarity < NEAR_DUPLICATE, "{pair:?}");
}

#[test]
fn an_objective_under_four_items_and_a_lopsided_domain_are_refused() {
    let contents = contents();
    let mut items = items(&contents);
    items[3].domain = "2";
    items[3].objective = "2.1";
    let violations = measure(&blueprint(), &items).violations();
    assert_eq!(
        violations,
        [
            "domain 1 is 37.5 % of the bank, weight 50 % (±1)",
            "domain 2 is 62.5 % of the bank, weight 50 % (±1)",
            "objective 1.1 has 3 items, fewer than 4",
        ]
    );
}

#[test]
fn an_objective_of_another_domain_is_misfiled() {
    let contents = contents();
    let mut items = items(&contents);
    items[0].objective = "2.1";
    let violations = measure(&blueprint(), &items).violations();
    assert!(
        violations.contains(&"q0 (2.1 under 1): no such objective in that domain".to_string()),
        "{violations:?}"
    );
}

#[test]
fn keys_longer_than_every_distractor_count_ties_do_not() {
    let longest = content(
        QuestionKind::Single,
        "s",
        &["a", "bbbb", "cc", "ddd"],
        &["b"],
    );
    assert!(keys_are_longest(&longest));
    let tied = content(QuestionKind::Single, "s", &["aaaa", "bbbb", "cc"], &["b"]);
    assert!(!keys_are_longest(&tied));
    let multi = content(
        QuestionKind::Multi,
        "s",
        &["aaaaa", "bbbbb", "cc", "dd"],
        &["a", "b"],
    );
    assert!(keys_are_longest(&multi));
    let mixed = content(
        QuestionKind::Multi,
        "s",
        &["aaaaa", "b", "cc", "dd"],
        &["a", "b"],
    );
    assert!(!keys_are_longest(&mixed));
    let ordering = content(QuestionKind::Ordering, "s", &["aaaaa", "b"], &["a", "b"]);
    assert!(!keys_are_longest(&ordering));
}

#[test]
fn keys_longest_far_from_chance_either_way_are_refused() {
    let mut contents = contents();
    contents[1].choices[1] = "the longest choice".into();
    let report = measure(&blueprint(), &items(&contents));
    assert_eq!(report.key_longest, 3);
    assert_eq!(
        report.violations(),
        ["the key is the longest choice in 3 of 8 single-answer items (37.5 %, not 15–30 %)"]
    );
    contents[1].choices[1] = "bbbb".into();
    contents[0].choices[1] = "bbbb".into();
    assert_eq!(
        measure(&blueprint(), &items(&contents)).violations(),
        ["the key is the longest choice in 1 of 8 single-answer items (12.5 %, not 15–30 %)"],
        "a key that is never the longest is a cue too"
    );
}

#[test]
fn multi_keys_that_are_the_longest_choices_are_named() {
    let mut contents = contents();
    contents[1] = content(
        QuestionKind::Multi,
        "which two of these protocols encrypt their traffic by default",
        &["SSH version 2", "HTTPS with TLS", "FTP", "Telnet"],
        &["a", "b"],
    );
    let violations = measure(&blueprint(), &items(&contents)).violations();
    assert_eq!(violations, ["q1: its keys are exactly its longest choices"]);
}

#[test]
fn near_duplicate_stems_are_named_with_their_similarity() {
    let mut contents = contents();
    contents[5].stem = contents[1].stem.replace("words", "words.");
    let report = measure(&blueprint(), &items(&contents));
    assert_eq!(
        report.violations(),
        ["q1 and q5 have near-duplicate stems (Jaccard 1.00)"]
    );
    assert_eq!(report.largest_pair.unwrap().similarity, 1.0);
}

#[test]
fn ordering_items_do_not_count_toward_mocks_of_an_exam_without_them() {
    let mut contents = contents();
    contents[0].kind = QuestionKind::Ordering;
    contents[0].key = vec!["a".into(), "b".into(), "c".into(), "d".into()];
    contents[1].kind = QuestionKind::Ordering;
    contents[1].key = vec!["d".into(), "c".into(), "b".into(), "a".into()];
    let violations = measure(&blueprint(), &items(&contents)).violations();
    assert_eq!(
        violations,
        ["domain 1 has 2 items a mock may draw; 3 full mocks need 3"]
    );
}

#[test]
fn a_difficulty_outside_one_to_three_is_refused() {
    assert!(Difficulty::parse(0).is_err());
    assert!(Difficulty::parse(4).is_err());
    assert_eq!(Difficulty::parse(3).unwrap().get(), 3);
}

#[test]
fn a_lopsided_difficulty_spread_is_not_like_the_exam() {
    let contents = contents();
    let mut items = items(&contents);
    for item in &mut items {
        item.difficulty = Difficulty::parse(2).unwrap();
    }
    let mut report = measure(&blueprint(), &items);
    assert!(!report.difficulty_is_spread_like_the_exam());
    report.items = 100;
    report.difficulty = [21, 57, 22];
    assert!(report.difficulty_is_spread_like_the_exam());
    report.difficulty = [12, 66, 22];
    assert!(
        !report.difficulty_is_spread_like_the_exam(),
        "8 points under"
    );
}
