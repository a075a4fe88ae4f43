//! A small catalogue for tests on the in-memory database: TINY-1 (review allowed, two domains
//! weighted 60/40, ten published questions of every kind) and FWD-1 (forward-only, one domain).

use super::sqlite::SqliteTransport;

/// One question of the fixture: id, exam, domain, kind, choice count and key.
pub struct Item {
    pub id: &'static str,
    pub exam: &'static str,
    pub domain: &'static str,
    pub kind: &'static str,
    pub choices: usize,
    pub key: &'static [&'static str],
}

const fn item(
    id: &'static str,
    exam: &'static str,
    domain: &'static str,
    kind: &'static str,
    choices: usize,
    key: &'static [&'static str],
) -> Item {
    Item {
        id,
        exam,
        domain,
        kind,
        choices,
        key,
    }
}

pub const ITEMS: &[Item] = &[
    item("tiny-1-001", "TINY-1", "1", "single", 4, &["a"]),
    item("tiny-1-002", "TINY-1", "1", "single", 4, &["b"]),
    item("tiny-1-003", "TINY-1", "1", "single", 4, &["c"]),
    item("tiny-1-004", "TINY-1", "1", "multi", 5, &["a", "e"]),
    item("tiny-1-005", "TINY-1", "1", "single", 4, &["d"]),
    item("tiny-1-006", "TINY-1", "1", "ordering", 3, &["c", "a", "b"]),
    item("tiny-2-001", "TINY-1", "2", "single", 4, &["b"]),
    item("tiny-2-002", "TINY-1", "2", "multi", 4, &["a", "c"]),
    item("tiny-2-003", "TINY-1", "2", "single", 4, &["d"]),
    item("tiny-2-004", "TINY-1", "2", "single", 4, &["a"]),
    item("fwd-1-001", "FWD-1", "1", "single", 4, &["a"]),
    item("fwd-1-002", "FWD-1", "1", "single", 4, &["b"]),
    item("fwd-1-003", "FWD-1", "1", "single", 4, &["c"]),
    item("fwd-1-004", "FWD-1", "1", "single", 4, &["d"]),
];

/// The fixture's question `id`.
pub fn find(id: &str) -> &'static Item {
    ITEMS
        .iter()
        .find(|item| item.id == id)
        .unwrap_or_else(|| panic!("{id} is not in the fixture"))
}

/// The key of question `id`, as an answer body's list.
pub fn key(id: &str) -> Vec<String> {
    find(id).key.iter().map(|id| id.to_string()).collect()
}

/// An answer to question `id` that fits it and earns no credit: the key reversed (ordering),
/// or as many choices as the key holds, all outside it.
pub fn wrong(id: &str) -> Vec<String> {
    let item = find(id);
    let mut answer = key(id);
    if item.kind == "ordering" {
        answer.reverse();
        return answer;
    }
    let outside: Vec<String> = (b'a'..b'a' + item.choices as u8)
        .map(|c| (c as char).to_string())
        .filter(|c| !answer.contains(c))
        .take(answer.len())
        .collect();
    assert_eq!(
        outside.len(),
        answer.len(),
        "{id} has too few choices outside its key"
    );
    outside
}

/// Loads both exams and every question, published.
pub fn load(db: &SqliteTransport) {
    db.run(
        "INSERT INTO exams (code, vendor, name, version, question_count, minutes, score_min, \
         score_max, passing_score, raw_cut, navigation) VALUES \
         ('TINY-1', 'Test', 'Tiny exam', '1', 4, 20, 100, 900, 700, 0.7, 'review_allowed'), \
         ('FWD-1', 'Test', 'Forward exam', '1', 3, 6, 100, 900, 700, 0.7, 'forward_only');
         INSERT INTO exam_domains (exam_code, code, name, weight, position) VALUES \
         ('TINY-1', '1', 'One', 60, 1), ('TINY-1', '2', 'Two', 40, 2), \
         ('FWD-1', '1', 'Only', 100, 1);",
    );
    for item in ITEMS {
        let choices: Vec<String> = (0..item.choices)
            .map(|i| format!("Choice {} of {}", i + 1, item.id))
            .collect();
        // Every choice discussed, as `content::Content` demands of a published question.
        let explanation: String = (0..item.choices)
            .map(|i| format!("**{}** is choice {}. ", (b'A' + i as u8) as char, i + 1))
            .collect();
        let sql = format!(
            "INSERT INTO questions (id, exam_code, domain_code, kind, stem, choices, answer_key, \
             explanation, refs, status, source, created_by, updated_by) VALUES \
             ('{id}', '{exam}', '{domain}', '{kind}', 'What does {id} ask?', '{choices}', \
             '{key}', '{explanation}', '[\"Ref {id}\"]', 'published', 'authored', 'seed', 'seed')",
            id = item.id,
            exam = item.exam,
            domain = item.domain,
            kind = item.kind,
            choices = serde_json::to_string(&choices).unwrap(),
            key = serde_json::to_string(item.key).unwrap(),
            explanation = explanation.trim(),
        );
        db.run(&sql);
    }
}
