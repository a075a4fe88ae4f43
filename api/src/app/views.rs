//! The one place where what the store read becomes what the API sends: exams, their domains and
//! questions as learners see them, accounts as their owners and admins see them.

use ptp_domain::question::{ChoiceId, QuestionKind};
use ptp_shared as wire;

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
    let content = &question.content;
    wire::Solution {
        key: content.key.clone(),
        explanation: content.explanation.clone(),
        explanation_html: question.html.explanation.clone(),
        references: content.references.clone(),
        references_html: question.html.references.clone(),
    }
}

/// The question as learners see it; the solution only when `reveal`.
pub fn question_view(question: &QuestionRecord, reveal: bool) -> wire::QuestionView {
    let content = &question.content;
    wire::QuestionView {
        id: question.id.to_string(),
        exam: question.exam.clone(),
        domain: question.domain.clone(),
        kind: content.kind,
        stem: content.stem.clone(),
        stem_html: question.html.stem.clone(),
        // The key was checked against the choices as read, so every choice has an id; the
        // rendering has as many choices as the content (checked as read).
        choices: (0..)
            .map_while(ChoiceId::nth)
            .zip(content.choices.iter().zip(&question.html.choices))
            .map(|(id, (text, html))| wire::Choice {
                id: id.to_string(),
                text: text.clone(),
                html: html.clone(),
            })
            .collect(),
        picks: match content.kind {
            QuestionKind::Single => 1,
            QuestionKind::Multi => question.key.picks() as u32,
            QuestionKind::Ordering => content.choices.len() as u32,
        },
        version: question.version,
        solution: reveal.then(|| solution(question)),
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
