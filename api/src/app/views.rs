//! The one place where what the store read becomes what the API sends: exams, their domains and
//! questions as learners see them, accounts as their owners and admins see them.

use ptp_domain::content::{Content, Rendered};
use ptp_domain::lifecycle;
use ptp_domain::question::{ChoiceId, QuestionKind};
use ptp_shared as wire;

use crate::store::authoring::Authored;
use crate::store::catalog::{ExamRecord, QuestionRecord};
use crate::store::users::UserRecord;

pub fn exam_summary(exam: &ExamRecord) -> wire::ExamSummary {
    let rules = &exam.rules;
    wire::ExamSummary {
        code: exam.code().to_string(),
        vendor: exam.vendor.clone(),
        name: exam.name.clone(),
        version: exam.version.clone(),
        question_count: rules.question_count,
        minutes: rules.minutes,
        score_min: rules.scale.min,
        score_max: rules.scale.max,
        passing_score: rules.scale.pass,
        navigation: rules.navigation,
        bank_size: exam.bank_size,
        mock_kinds: exam.mock_kinds.clone(),
    }
}

pub fn exam_detail(exam: &ExamRecord) -> wire::ExamDetail {
    wire::ExamDetail {
        summary: exam_summary(exam),
        domains: exam
            .domains
            .iter()
            .map(|d| wire::ExamDomain {
                code: d.code.clone(),
                name: d.name.clone(),
                weight: d.weight,
                bank_size: d.bank_size,
            })
            .collect(),
    }
}

pub fn solution(question: &QuestionRecord) -> wire::Solution {
    solution_of(&question.content, &question.html)
}

fn solution_of(content: &Content, html: &Rendered) -> wire::Solution {
    wire::Solution {
        key: content.key.clone(),
        explanation: content.explanation.clone(),
        explanation_html: html.explanation.clone(),
        references: content.references.clone(),
        references_html: html.references.clone(),
    }
}

/// The question as learners see it; the solution only when `reveal`.
pub fn question_view(question: &QuestionRecord, reveal: bool) -> wire::QuestionView {
    let picks = match question.content.kind {
        QuestionKind::Multi => question.key.picks() as u32,
        _ => 0,
    };
    view_of(
        (
            question.id.as_str(),
            &question.exam,
            &question.domain,
            question.version,
        ),
        &question.content,
        &question.html,
        picks,
        reveal,
    )
}

/// `(id, exam, domain, version)`, the content and its rendering as learners see them.
fn view_of(
    (id, exam, domain, version): (&str, &str, &str, u32),
    content: &Content,
    html: &Rendered,
    multi_picks: u32,
    reveal: bool,
) -> wire::QuestionView {
    wire::QuestionView {
        id: id.to_string(),
        exam: exam.to_string(),
        domain: domain.to_string(),
        kind: content.kind,
        stem: content.stem.clone(),
        stem_html: html.stem.clone(),
        // A stored key was checked against the choices as read, and a preview's choices are
        // bounded by the choice ids, so every choice shown has an id; the rendering has as many
        // choices as the content.
        choices: (0..)
            .map_while(ChoiceId::nth)
            .zip(content.choices.iter().zip(&html.choices))
            .map(|(id, (text, html))| wire::Choice {
                id: id.to_string(),
                text: text.clone(),
                html: html.clone(),
            })
            .collect(),
        picks: match content.kind {
            QuestionKind::Single => 1,
            QuestionKind::Multi => multi_picks,
            QuestionKind::Ordering => content.choices.len() as u32,
        },
        version,
        solution: reveal.then(|| solution_of(content, html)),
    }
}

pub fn question_content(content: &Content) -> wire::QuestionContent {
    wire::QuestionContent {
        kind: content.kind,
        stem: content.stem.clone(),
        choices: content.choices.clone(),
        key: content.key.clone(),
        explanation: content.explanation.clone(),
        references: content.references.clone(),
    }
}

/// A draft as learners would see it once answered, whether or not it keeps the rules yet.
pub fn preview(exam: &str, domain: &str, content: &Content) -> wire::QuestionView {
    let html = content.render();
    let picks = content.key.len() as u32;
    view_of(("preview", exam, domain, 0), content, &html, picks, true)
}

pub fn admin_question(question: &Authored) -> wire::AdminQuestion {
    let record = &question.record;
    wire::AdminQuestion {
        id: record.id.to_string(),
        exam: record.exam.clone(),
        domain: record.domain.clone(),
        status: question.status,
        version: record.version,
        source: question.source.clone(),
        content: question_content(&record.content),
        view: question_view(record, true),
        updated_by: question.updated_by.clone(),
        updated_at: question.updated_at.clone(),
        next: lifecycle::next(question.status),
        open_reports: question.open_reports,
    }
}

pub fn me(user: &UserRecord) -> wire::Me {
    wire::Me {
        id: user.id.to_string(),
        kind: user.kind,
        role: user.role,
        email: user.email.clone(),
        name: user.google_name.clone(),
        display_name: user.display_name.clone(),
        avatar_url: user.avatar_url.clone(),
        target_exam: user.target_exam.clone(),
        daily_goal: user.daily_goal,
        created_at: user.created_at.clone(),
    }
}

pub fn user_summary(user: &UserRecord) -> wire::UserSummary {
    wire::UserSummary {
        id: user.id.to_string(),
        kind: user.kind,
        role: user.role,
        email: user.email.clone(),
        name: user
            .display_name
            .clone()
            .or_else(|| user.google_name.clone()),
        created_at: user.created_at.clone(),
        last_seen_at: user.last_seen_at.clone(),
    }
}
