//! What running the product costs: a day's usage of every metered service priced with the one
//! price table ([`prices::PRICES`]), monthly allowances used up first, a month-to-date total,
//! and the budget alert at 80 % of $50 a month. Pure: the daily job reads the usage (through a
//! port) and stores the result.

pub mod prices;

use std::collections::BTreeMap;

/// One metered quantity: `included` units a month free, then `usd_per_million` per million.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Meter {
    pub name: &'static str,
    pub included: f64,
    pub usd_per_million: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PriceTable {
    /// Subscriptions charged each month whatever the usage.
    pub base_usd: f64,
    pub meters: &'static [Meter],
}

/// Usage by meter name, over a day or a month so far. OpenRouter is billed per call, so it
/// comes in dollars already (`openrouter_usd`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Usage {
    pub units: BTreeMap<String, f64>,
    pub openrouter_usd: f64,
}

impl Usage {
    pub fn of(&self, meter: &str) -> f64 {
        self.units.get(meter).copied().unwrap_or(0.0)
    }

    /// This usage and `other` together.
    pub fn plus(&self, other: &Usage) -> Usage {
        let mut units = self.units.clone();
        for (name, amount) in &other.units {
            *units.entry(name.clone()).or_default() += amount;
        }
        Usage {
            units,
            openrouter_usd: self.openrouter_usd + other.openrouter_usd,
        }
    }
}

/// One line of a bill: what was used of a meter, what was past its allowance, what that cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub meter: &'static str,
    pub used: f64,
    pub billable: f64,
    pub usd: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bill {
    pub lines: Vec<Line>,
    pub openrouter_usd: f64,
    pub base_usd: f64,
    pub total_usd: f64,
}

/// The month's bill for `month` (its usage so far).
pub fn bill(table: &PriceTable, month: &Usage) -> Bill {
    let lines: Vec<Line> = table
        .meters
        .iter()
        .map(|meter| {
            let used = month.of(meter.name).max(0.0);
            let billable = (used - meter.included).max(0.0);
            Line {
                meter: meter.name,
                used,
                billable,
                usd: billable / 1_000_000.0 * meter.usd_per_million,
            }
        })
        .collect();
    let metered: f64 = lines.iter().map(|l| l.usd).sum();
    Bill {
        total_usd: table.base_usd + metered + month.openrouter_usd,
        lines,
        openrouter_usd: month.openrouter_usd,
        base_usd: table.base_usd,
    }
}

/// What `day` added to the month's bill, given the month's usage `before` it: allowances are
/// used up by the earliest days, so the same usage costs nothing early and its price late.
/// The base subscriptions are not a day's cost.
pub fn day_cost(table: &PriceTable, before: &Usage, day: &Usage) -> f64 {
    bill(table, &before.plus(day)).total_usd - bill(table, before).total_usd
}

/// The monthly budget and the share of it that raises the alert.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    pub monthly_usd: f64,
    pub alert_at: f64,
}

pub const BUDGET: Budget = Budget {
    monthly_usd: 50.0,
    alert_at: 0.8,
};

/// The alert a month-to-date total raises, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub month_to_date_usd: f64,
    pub share: f64,
    pub message: String,
}

pub fn alert(budget: &Budget, month_to_date_usd: f64) -> Option<Alert> {
    let share = month_to_date_usd / budget.monthly_usd;
    (share >= budget.alert_at).then(|| Alert {
        month_to_date_usd,
        share,
        message: format!(
            "Spending is at ${month_to_date_usd:.2} this month, {:.0} % of the ${:.0} budget",
            share * 100.0,
            budget.monthly_usd
        ),
    })
}

/// A day closed by the daily cost job: what it added, where the month stands, and the alert
/// that standing raises.
#[derive(Debug, Clone, PartialEq)]
pub struct DayCost {
    pub cost_usd: f64,
    /// The month's bill so far, this day and the base subscriptions included.
    pub month_to_date_usd: f64,
    pub alert: Option<Alert>,
}

/// Closes `day`, given the usage of the month's earlier days (`before`).
pub fn close_day(table: &PriceTable, budget: &Budget, before: &Usage, day: &Usage) -> DayCost {
    let month_to_date_usd = bill(table, &before.plus(day)).total_usd;
    DayCost {
        cost_usd: day_cost(table, before, day),
        month_to_date_usd,
        alert: alert(budget, month_to_date_usd),
    }
}

/// Whether `name` is a meter of `table` (what a usage reader may report).
pub fn is_meter(table: &PriceTable, name: &str) -> bool {
    table.meters.iter().any(|meter| meter.name == name)
}

#[cfg(test)]
mod tests {
    use super::prices::PRICES;
    use super::*;

    fn usage(pairs: &[(&str, f64)], openrouter_usd: f64) -> Usage {
        Usage {
            units: pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            openrouter_usd,
        }
    }

    /// A busy day of the product: 400 000 requests, each ~3 ms of CPU, a limiter consult per
    /// 40 requests, a data point each, two Turso statements each.
    fn busy_day() -> Usage {
        usage(
            &[
                ("worker_requests", 400_000.0),
                ("worker_cpu_ms", 1_200_000.0),
                ("kv_reads", 300_000.0),
                ("kv_writes", 20_000.0),
                ("do_requests", 10_000.0),
                ("analytics_data_points", 400_000.0),
                ("turso_rows_read", 40_000_000.0),
                ("turso_rows_written", 200_000.0),
                ("queue_operations", 300.0),
            ],
            0.85,
        )
    }

    #[test]
    fn every_meter_of_the_table_is_named_once() {
        let mut names: Vec<&str> = PRICES.meters.iter().map(|m| m.name).collect();
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count);
        assert!(
            PRICES
                .meters
                .iter()
                .all(|m| m.usd_per_million > 0.0 && m.included >= 0.0)
        );
    }

    #[test]
    fn usage_within_every_allowance_costs_the_base_and_the_ai_calls_only() {
        let bill = bill(&PRICES, &busy_day());
        assert!(bill.lines.iter().all(|l| l.usd == 0.0), "{:?}", bill.lines);
        assert!(
            (bill.total_usd - (9.99 + 0.85)).abs() < 1e-9,
            "{}",
            bill.total_usd
        );
    }

    #[test]
    fn past_an_allowance_each_unit_costs_its_price() {
        // 12 M requests: 2 M past the 10 M included, at $0.30 a million.
        let month = usage(
            &[
                ("worker_requests", 12_000_000.0),
                ("kv_writes", 1_500_000.0),
            ],
            0.0,
        );
        let bill = bill(&PRICES, &month);
        let line = |name| bill.lines.iter().find(|l| l.meter == name).unwrap().usd;
        assert!((line("worker_requests") - 0.60).abs() < 1e-9);
        assert!((line("kv_writes") - 2.50).abs() < 1e-9);
        assert!((bill.total_usd - (9.99 + 0.60 + 2.50)).abs() < 1e-9);
    }

    #[test]
    fn a_day_costs_what_it_adds_once_earlier_days_used_the_allowance() {
        let day = busy_day();
        let early = day_cost(&PRICES, &Usage::default(), &day);
        assert!((early - 0.85).abs() < 1e-9, "only the AI calls: {early}");
        // By day 26 the month has used 26 × 400 000 = 10.4 M requests: this day's requests
        // are past the 10 M and cost $0.30 a million.
        let mut before = Usage::default();
        for _ in 0..25 {
            before = before.plus(&day);
        }
        let late = day_cost(&PRICES, &before, &day);
        let requests_past = 26.0 * 400_000.0 - 10_000_000.0;
        assert!(late > early);
        assert!(late - early >= requests_past / 1e6 * 0.30 - 1e-9, "{late}");
    }

    #[test]
    fn closing_a_day_adds_it_to_the_month_and_alerts_once_the_month_passes_40_dollars() {
        let quiet = close_day(&PRICES, &BUDGET, &Usage::default(), &busy_day());
        assert!((quiet.cost_usd - 0.85).abs() < 1e-9);
        assert!((quiet.month_to_date_usd - (9.99 + 0.85)).abs() < 1e-9);
        assert_eq!(quiet.alert, None);
        // 22 M requests this day on top of a month that used its allowance: $6.60 more, and
        // $30 of AI calls before it bring the month to $46.59, 93 % of the budget.
        let before = usage(&[("worker_requests", 10_000_000.0)], 30.0);
        let heavy = usage(&[("worker_requests", 22_000_000.0)], 0.0);
        let closed = close_day(&PRICES, &BUDGET, &before, &heavy);
        assert!((closed.cost_usd - 6.60).abs() < 1e-9, "{}", closed.cost_usd);
        assert!((closed.month_to_date_usd - 46.59).abs() < 1e-9);
        assert_eq!(
            closed.alert.map(|a| a.message),
            Some("Spending is at $46.59 this month, 93 % of the $50 budget".to_string())
        );
    }

    #[test]
    fn the_alert_fires_at_80_percent_of_50_dollars_and_not_before() {
        assert_eq!(alert(&BUDGET, 39.99), None);
        let fired = alert(&BUDGET, 40.0).unwrap();
        assert_eq!(
            fired.message,
            "Spending is at $40.00 this month, 80 % of the $50 budget"
        );
        assert!(alert(&BUDGET, 61.0).unwrap().share > 1.0);
    }
}
