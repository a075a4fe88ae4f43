//! The pricing page's words: an amount in cents as money, the annual saving against twelve
//! monthly payments, and a plan's limits in plain words.

use ptp_shared::{BillingInterval, PlanLimits, PlanPrice};

use crate::components::allowance::MeteredWords;
use ptp_shared::Metered;

/// `amount` (the currency's smallest unit) as money: "$15.00"; a currency without a symbol
/// here is named by its code ("15.00 CHF").
pub fn money(amount: u32, currency: &str) -> String {
    let value = format!("{}.{:02}", amount / 100, amount % 100);
    match currency.to_ascii_lowercase().as_str() {
        "usd" => format!("${value}"),
        "eur" => format!("€{value}"),
        "gbp" => format!("£{value}"),
        other => format!("{value} {}", other.to_ascii_uppercase()),
    }
}

/// "$15.00 / month", "$120.00 / year".
pub fn price_line(price: &PlanPrice) -> String {
    let per = match price.interval {
        BillingInterval::Monthly => "month",
        BillingInterval::Annual => "year",
    };
    format!("{} / {per}", money(price.amount, &price.currency))
}

/// What paying annually saves against twelve monthly payments, when it saves anything and both
/// are in one currency.
pub fn annual_saving(prices: &[PlanPrice]) -> Option<String> {
    let of = |interval| prices.iter().find(|p| p.interval == interval);
    let (monthly, annual) = (of(BillingInterval::Monthly)?, of(BillingInterval::Annual)?);
    if !monthly.currency.eq_ignore_ascii_case(&annual.currency) {
        return None;
    }
    let saving = monthly.amount.checked_mul(12)?.checked_sub(annual.amount)?;
    (saving > 0).then(|| {
        format!(
            "Save {} a year compared with paying monthly",
            money(saving, &annual.currency)
        )
    })
}

/// A plan's limits, one line each: "25 practice answers a day", "Unlimited practice".
pub fn limit_lines(limits: &PlanLimits) -> Vec<String> {
    let counted = |metered: Metered, n: u32, per: &str| format!("{n} {} a {per}", metered.noun(n));
    vec![
        limits
            .practice_answers_per_day
            .map_or("Unlimited practice".into(), |n| {
                counted(Metered::PracticeAnswers, n, "day")
            }),
        limits
            .mocks_per_week
            .map_or("Unlimited mock exams".into(), |n| {
                counted(Metered::Mocks, n, "week")
            }),
        counted(
            Metered::AiExplanations,
            limits.ai_explanations_per_day,
            "day",
        ),
        if limits.readiness_history {
            "Readiness history".into()
        } else {
            "Today's readiness, without its history".into()
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn price(interval: BillingInterval, amount: u32) -> PlanPrice {
        PlanPrice {
            interval,
            amount,
            currency: "usd".into(),
        }
    }

    #[test]
    fn prices_read_as_money_per_period() {
        assert_eq!(
            price_line(&price(BillingInterval::Monthly, 1500)),
            "$15.00 / month"
        );
        assert_eq!(
            price_line(&price(BillingInterval::Annual, 12000)),
            "$120.00 / year"
        );
        assert_eq!(money(905, "chf"), "9.05 CHF");
    }

    #[test]
    fn the_annual_saving_is_against_twelve_monthly_payments() {
        let both = [
            price(BillingInterval::Monthly, 1500),
            price(BillingInterval::Annual, 12000),
        ];
        assert_eq!(
            annual_saving(&both).as_deref(),
            Some("Save $60.00 a year compared with paying monthly")
        );
        let dearer = [
            price(BillingInterval::Monthly, 1000),
            price(BillingInterval::Annual, 12000),
        ];
        assert_eq!(annual_saving(&dearer), None);
        assert_eq!(annual_saving(&both[..1]), None);
    }

    #[test]
    fn limits_read_in_plain_words() {
        let free = PlanLimits {
            practice_answers_per_day: Some(25),
            mocks_per_week: Some(1),
            ai_explanations_per_day: 3,
            readiness_history: false,
        };
        assert_eq!(
            limit_lines(&free),
            [
                "25 practice answers a day",
                "1 mock exam a week",
                "3 AI explanations a day",
                "Today's readiness, without its history"
            ]
        );
        let pro = PlanLimits {
            practice_answers_per_day: None,
            mocks_per_week: None,
            ai_explanations_per_day: 50,
            readiness_history: true,
        };
        assert_eq!(
            limit_lines(&pro),
            [
                "Unlimited practice",
                "Unlimited mock exams",
                "50 AI explanations a day",
                "Readiness history"
            ]
        );
    }
}
