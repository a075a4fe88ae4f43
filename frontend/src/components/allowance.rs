//! A plan and its metered allowances in words — "12 practice answers left today", the account's
//! "Practice answers today: 7 of 25 left — renews at 00:00 UTC" — and [`AllowanceLeft`], the
//! line shown beside whatever spends one. An allowance the plan does not list is unlimited, and
//! then the line says nothing.

use ptp_shared::{Allowance, Metered, Plan};
use yew::prelude::*;

use crate::billing::use_billing;

/// How a metered allowance reads in a sentence.
pub trait MeteredWords {
    /// What one or several of it are called in a sentence.
    fn noun(self, count: u32) -> &'static str;
    /// "today" or "this week": mocks are counted per ISO week, the rest per UTC day.
    fn period(self) -> &'static str;
    fn label(self) -> &'static str;
}

impl MeteredWords for Metered {
    fn noun(self, count: u32) -> &'static str {
        match (self, count == 1) {
            (Metered::PracticeAnswers, true) => "practice answer",
            (Metered::PracticeAnswers, false) => "practice answers",
            (Metered::Mocks, true) => "mock exam",
            (Metered::Mocks, false) => "mock exams",
            (Metered::AiExplanations, true) => "AI explanation",
            (Metered::AiExplanations, false) => "AI explanations",
        }
    }

    fn period(self) -> &'static str {
        match self {
            Metered::Mocks => "this week",
            Metered::PracticeAnswers | Metered::AiExplanations => "today",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Metered::PracticeAnswers => "Practice answers",
            Metered::Mocks => "Mock exams",
            Metered::AiExplanations => "AI explanations",
        }
    }
}

pub fn plan_name(plan: Plan) -> &'static str {
    match plan {
        Plan::Free => "Free",
        Plan::Pro => "Pro",
    }
}

/// What is left, short, for beside the button that spends it: "12 practice answers left
/// today", "1 mock left this week", "No AI explanations left today".
pub fn left_line(metered: Metered, allowance: &Allowance) -> String {
    let n = allowance.remaining;
    let noun = match (metered, n == 1) {
        (Metered::Mocks, true) => "mock",
        (Metered::Mocks, false) => "mocks",
        _ => metered.noun(n),
    };
    let period = metered.period();
    match n {
        0 => format!("No {noun} left {period}"),
        n => format!("{n} {noun} left {period}"),
    }
}

/// The account's line for one allowance; `None` is unlimited on the plan.
pub fn account_line(metered: Metered, allowance: Option<&Allowance>) -> String {
    let label = metered.label();
    let Some(a) = allowance else {
        return format!("{label}: unlimited");
    };
    let renews = match (utc(&a.renews_at), metered) {
        (Some((_, time)), Metered::PracticeAnswers | Metered::AiExplanations) => {
            format!(" — renews at {time} UTC")
        }
        (Some((day, time)), Metered::Mocks) => format!(" — renews on {day} at {time} UTC"),
        (None, _) => String::new(),
    };
    format!(
        "{label} {}: {} of {} left{renews}",
        metered.period(),
        a.remaining,
        a.limit
    )
}

/// The day and the time (`HH:MM`) of an RFC 3339 UTC time from the API, as written there.
fn utc(rfc3339: &str) -> Option<(&str, &str)> {
    Some((rfc3339.get(..10)?, rfc3339.get(11..16)?))
}

#[derive(Properties, PartialEq)]
pub struct AllowanceLeftProps {
    pub metered: Metered,
}

/// What is left of `metered` on the learner's plan; nothing when unlimited or unknown.
#[component(AllowanceLeft)]
pub fn allowance_left(props: &AllowanceLeftProps) -> Html {
    let billing = use_billing();
    let Some(allowance) = billing.allowance(props.metered.as_str()) else {
        return Html::default();
    };
    html! {
        <p class="allowance" data-testid={format!("allowance-{}", props.metered.as_str())}>
            { left_line(props.metered, allowance) }
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowance(name: &str, limit: u32, remaining: u32, renews_at: &str) -> Allowance {
        Allowance {
            name: name.into(),
            limit,
            used: limit - remaining,
            remaining,
            renews_at: renews_at.into(),
        }
    }

    #[test]
    fn the_short_line_counts_what_is_left_in_its_period() {
        let day = "2026-11-26T00:00:00Z";
        let practice = allowance("practice_answers", 25, 12, day);
        assert_eq!(
            left_line(Metered::PracticeAnswers, &practice),
            "12 practice answers left today"
        );
        let mocks = allowance("mocks", 1, 1, "2026-11-30T00:00:00Z");
        assert_eq!(left_line(Metered::Mocks, &mocks), "1 mock left this week");
        let spent = allowance("ai_explanations", 3, 0, day);
        assert_eq!(
            left_line(Metered::AiExplanations, &spent),
            "No AI explanations left today"
        );
    }

    #[test]
    fn the_account_line_says_when_it_renews_in_utc() {
        let practice = allowance("practice_answers", 25, 7, "2026-11-26T00:00:00Z");
        assert_eq!(
            account_line(Metered::PracticeAnswers, Some(&practice)),
            "Practice answers today: 7 of 25 left — renews at 00:00 UTC"
        );
        let mocks = allowance("mocks", 1, 0, "2026-11-30T00:00:00Z");
        assert_eq!(
            account_line(Metered::Mocks, Some(&mocks)),
            "Mock exams this week: 0 of 1 left — renews on 2026-11-30 at 00:00 UTC"
        );
        assert_eq!(
            account_line(Metered::PracticeAnswers, None),
            "Practice answers: unlimited"
        );
    }
}
