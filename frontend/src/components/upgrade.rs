//! What a refused call shows. A plan's spent allowance ([`ApiFailure::limit_reached`]) is the
//! upgrade prompt on Free — what was used, when it renews in the reader's own time, and a link
//! to `/pricing` — or a calm note on Pro, where there is nothing to upgrade to; any other
//! failure is its message. Every page shows failures through [`FailureNotice`], so a 402 is
//! never an error or a crash wherever it comes back.

use ptp_shared::Plan;
use yew::prelude::*;
use yew_router::prelude::*;

use super::allowance::{MeteredWords, plan_name};
use crate::Route;
use crate::api::{ApiFailure, LimitReached};
use ptp_shared::Metered;

/// "You've used today's 25 practice answers on the Free plan. They renew at <renews>." —
/// `renews` already in the reader's time; the server's own message for an allowance this build
/// cannot name.
pub fn spent_sentence(limit: &LimitReached, renews: &str) -> String {
    let Some(metered) = Metered::parse(&limit.allowance).ok() else {
        return limit.message.clone();
    };
    let whose = match metered {
        Metered::Mocks => "this week's",
        Metered::PracticeAnswers | Metered::AiExplanations => "today's",
    };
    let on_plan = limit
        .plan
        .map(|plan| format!(" on the {} plan", plan_name(plan)))
        .unwrap_or_default();
    let used = format!(
        "You've used {whose} {} {}{on_plan}.",
        limit.limit,
        metered.noun(limit.limit)
    );
    match (renews, limit.limit) {
        ("", _) => used,
        (at, 1) => format!("{used} It renews at {at}."),
        (at, _) => format!("{used} They renew at {at}."),
    }
}

/// What Pro would change, after the link "Upgrade to Pro".
pub fn upgrade_reason(allowance: &str) -> &'static str {
    match Metered::parse(allowance).ok() {
        Some(Metered::PracticeAnswers) => " for unlimited practice.",
        Some(Metered::Mocks) => " for unlimited mock exams.",
        Some(Metered::AiExplanations) => " for more AI explanations a day.",
        None => " to lift the Free plan's limits.",
    }
}

#[derive(Properties, PartialEq)]
pub struct UpgradeProps {
    pub limit: LimitReached,
}

#[component(UpgradePrompt)]
pub fn upgrade_prompt(props: &UpgradeProps) -> Html {
    let limit = &props.limit;
    let renews = match limit.renews_at.as_str() {
        "" => String::new(),
        at => crate::dom::local_time(at),
    };
    let sentence = spent_sentence(limit, &renews);
    if limit.plan != Some(Plan::Free) {
        return html! { <p class="form-error" role="alert">{ sentence }</p> };
    }
    html! {
        <div class="upgrade-prompt" role="alert" data-testid="upgrade-prompt">
            <p>{ sentence }</p>
            <p>
                <Link<Route> to={Route::Pricing}>{ "Upgrade to Pro" }</Link<Route>>
                { upgrade_reason(&limit.allowance) }
            </p>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct FailureProps {
    pub failure: ApiFailure,
}

/// A failed call as the learner should read it: the upgrade prompt for a plan's limit, the
/// message otherwise.
#[component(FailureNotice)]
pub fn failure_notice(props: &FailureProps) -> Html {
    match props.failure.limit_reached() {
        Some(limit) => html! { <UpgradePrompt {limit} /> },
        None => {
            html! { <p class="form-error" role="alert">{ props.failure.message.clone() }</p> }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(allowance: &str, n: u32, plan: Plan) -> LimitReached {
        LimitReached {
            allowance: allowance.into(),
            feature: None,
            limit: n,
            renews_at: "2026-11-26T00:00:00Z".into(),
            plan: Some(plan),
            message: "Your plan's allowance is used up.".into(),
        }
    }

    #[test]
    fn the_prompt_says_what_was_used_and_when_it_renews() {
        let at = "26 Nov 2026, 01:00";
        assert_eq!(
            spent_sentence(&limit("practice_answers", 25, Plan::Free), at),
            "You've used today's 25 practice answers on the Free plan. They renew at 26 Nov 2026, 01:00."
        );
        assert_eq!(
            spent_sentence(&limit("mocks", 1, Plan::Free), at),
            "You've used this week's 1 mock exam on the Free plan. It renews at 26 Nov 2026, 01:00."
        );
        assert_eq!(
            spent_sentence(&limit("ai_explanations", 50, Plan::Pro), ""),
            "You've used today's 50 AI explanations on the Pro plan."
        );
    }

    #[test]
    fn an_allowance_this_build_cannot_name_shows_the_server_s_words() {
        assert_eq!(
            spent_sentence(&limit("exports", 2, Plan::Free), "soon"),
            "Your plan's allowance is used up."
        );
        assert_eq!(
            upgrade_reason("exports"),
            " to lift the Free plan's limits."
        );
        assert_eq!(
            upgrade_reason("practice_answers"),
            " for unlimited practice."
        );
    }
}
