//! The daily cost job: reads a day's usage from the platforms (`crate::usage`), adds the AI
//! calls' spend, prices it (`ptp_domain::costs`), stores the day with the month to date, writes
//! a data point, and at 80 % of the budget logs the alert at error level (the admins' banner
//! reads the stored day: `GET /api/v1/admin/costs`).

use ptp_domain::DAY_MS;
use ptp_domain::costs::{BUDGET, Usage, close_day, prices::PRICES};
use serde_json::json;

use super::JobError;
use crate::db::Database;
use crate::observe::{CostRecord, Level, line};
use crate::ports::Platform;
use crate::store::costs::{self as store, ClosedDay};
use crate::time;
use crate::usage::{CLOUDFLARE, Readers, TURSO, UsageReader};

/// Adds what `reader` reports for the day to `usage`; a source that refused or answered
/// nonsense becomes a gap (the rest of the day still closes), one that is down fails the task
/// so the queue retries it later.
async fn read_into(
    reader: Option<&impl UsageReader>,
    name: &str,
    (day, next_day): (&str, &str),
    usage: &mut Usage,
    gaps: &mut Vec<String>,
) -> Result<(), JobError> {
    let Some(reader) = reader else {
        gaps.push(format!("{name}: not configured"));
        return Ok(());
    };
    match reader.read(day, next_day).await {
        Ok(read) => *usage = usage.plus(&read),
        Err(err) if err.is_transient() => return Err(JobError::Transient(err.to_string())),
        Err(err) => gaps.push(err.to_string()),
    }
    Ok(())
}

/// Earlier days of the month with no closed costs (a task that died, days before tracking
/// began): the month to date leaves them out, and the day says so.
fn unclosed_days(month_start: &str, day_ms: u64, closed: &[String]) -> Option<String> {
    let mut at = time::parse(&format!("{month_start}T00:00:00.000Z"))?;
    let mut missing = Vec::new();
    while at < day_ms {
        let day = time::day(at);
        if !closed.contains(&day) {
            missing.push(day);
        }
        at += DAY_MS;
    }
    match missing.len() {
        0 => None,
        n @ 1..=5 => Some(format!(
            "not closed earlier this month: {} ({n} days)",
            missing.join(", ")
        )),
        n => Some(format!(
            "not closed earlier this month: {}, … {} ({n} days)",
            missing[..4].join(", "),
            missing[n - 1]
        )),
    }
}

/// Closes `day` (`YYYY-MM-DD`); what it did, for the task's record.
pub async fn close<P: Platform>(
    platform: &P,
    db: &Database<P::Http>,
    day: &str,
) -> Result<String, JobError> {
    let start = time::parse(&format!("{day}T00:00:00.000Z"))
        .ok_or_else(|| JobError::Permanent(format!("not a day: {day}")))?;
    let next_day = time::day(start + DAY_MS);
    let config = platform
        .settings()
        .costs
        .as_ref()
        .map_err(|err| JobError::Permanent(err.to_string()))?;
    let readers = Readers::new(platform.http(), config);
    let mut usage = Usage::default();
    let mut gaps = Vec::new();
    let period = (day, next_day.as_str());
    read_into(
        readers.cloudflare.as_ref(),
        CLOUDFLARE,
        period,
        &mut usage,
        &mut gaps,
    )
    .await?;
    read_into(readers.turso.as_ref(), TURSO, period, &mut usage, &mut gaps).await?;

    let month_start = format!("{}-01", &day[..7]);
    let month = store::month_so_far(db, &month_start, day, &next_day).await?;
    usage.openrouter_usd = month.ai_usd;
    if let Some(gap) = unclosed_days(&month_start, start, &month.closed) {
        gaps.push(gap);
    }
    let closed = close_day(&PRICES, &BUDGET, &month.before, &usage);
    store::save(
        db,
        &ClosedDay {
            day,
            usage: &usage,
            cost_usd: closed.cost_usd,
            month_to_date_usd: closed.month_to_date_usd,
            gaps: &gaps,
        },
    )
    .await?;

    let environment = platform
        .settings()
        .environment
        .as_ref()
        .map_or("unknown", |env| env.as_str());
    platform.record_cost(&CostRecord {
        day: day.to_string(),
        cost_usd: closed.cost_usd,
        month_to_date_usd: closed.month_to_date_usd,
        budget_share: closed.month_to_date_usd / BUDGET.monthly_usd,
        alert: closed.alert.is_some(),
        environment: environment.to_string(),
    });
    let fields = json!({
        "day": day,
        "cost_usd": closed.cost_usd,
        "month_to_date_usd": closed.month_to_date_usd,
        "gaps": gaps,
    });
    if let Some(alert) = &closed.alert {
        let message = format!("cost alert: {}", alert.message);
        platform.log(Level::Error, &line(Level::Error, &message, &fields));
    }
    if !gaps.is_empty() {
        let message = "cost tracking incomplete: the day's cost leaves out what was not read";
        platform.log(Level::Warn, &line(Level::Warn, message, &fields));
    }
    Ok(format!(
        "closed costs of {day}: ${:.2}, ${:.2} this month{}",
        closed.cost_usd,
        closed.month_to_date_usd,
        if gaps.is_empty() {
            String::new()
        } else {
            format!(" (missing: {})", gaps.join("; "))
        }
    ))
}

#[cfg(test)]
mod tests;
