//! Tells admins, on every page, when this month's running costs pass 80 % of the budget or the
//! cost tracker could not read a platform's usage (`GET /api/v1/admin/costs`).

use ptp_shared::{CostReport, Role};
use yew::prelude::*;

use crate::api;
use crate::remote::{Remote, use_remote};
use crate::session::{Identity, use_session};

/// The banner's lines for `report`: the alert, then what the latest closed day left out.
pub fn notices(report: &CostReport) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(alert) = &report.alert {
        let month = report.month.as_deref().unwrap_or("this month");
        lines.push(format!("Budget alert ({month}): {alert}."));
    }
    if let Some(latest) = report.days.first().filter(|day| !day.gaps.is_empty()) {
        lines.push(format!(
            "Cost tracking for {} is incomplete: {}.",
            latest.day,
            latest.gaps.join("; ")
        ));
    }
    lines
}

#[component(CostBanner)]
pub fn cost_banner() -> Html {
    let session = use_session();
    let admin = matches!(&session.identity, Identity::Member(me) if me.role == Role::Admin);
    let (report, _) = use_remote(admin, |admin| async move {
        if admin {
            api::costs().await.map(Some)
        } else {
            Ok(None)
        }
    });
    // A failed read says nothing here: the admin pages report their own errors.
    let Remote::Ready(Some(report)) = &*report else {
        return Html::default();
    };
    let lines = notices(report);
    if lines.is_empty() {
        return Html::default();
    }
    html! {
        <aside class="cost-banner" role="alert" aria-label="Running costs">
            { for lines.iter().map(|line| html! { <p>{ line.clone() }</p> }) }
        </aside>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ptp_shared::DailyCost;

    fn report(alert: Option<&str>, gaps: &[&str]) -> CostReport {
        CostReport {
            budget_usd: 50.0,
            alert_at_usd: 40.0,
            month: Some("2026-11".into()),
            month_to_date_usd: 41.11,
            alert: alert.map(str::to_string),
            days: vec![DailyCost {
                day: "2026-11-25".into(),
                cost_usd: 5.12,
                month_to_date_usd: 41.11,
                openrouter_usd: 5.0,
                usage: Default::default(),
                gaps: gaps.iter().map(|g| g.to_string()).collect(),
            }],
        }
    }

    #[test]
    fn the_banner_names_the_month_over_budget_and_what_tracking_missed() {
        assert!(notices(&report(None, &[])).is_empty());
        assert_eq!(
            notices(&report(
                Some("Spending is at $41.11 this month, 82 % of the $50 budget"),
                &["turso: not configured"]
            )),
            [
                "Budget alert (2026-11): Spending is at $41.11 this month, 82 % of the $50 budget.",
                "Cost tracking for 2026-11-25 is incomplete: turso: not configured."
            ]
        );
    }
}
