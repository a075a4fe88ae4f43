//! What the daily cost job reads and writes: the closed days (`daily_costs`) and the AI spend
//! recorded per call (`ai_calls`). Each function is one round trip.

use std::collections::BTreeMap;

use ptp_domain::costs::Usage;
use ptp_shared::DailyCost;

use super::StoreError;
use crate::db::{Database, DbError, Row, real, rows, stmt, text};
use crate::http::HttpClient;

/// A day the job closed, as it is stored.
pub struct ClosedDay<'a> {
    pub day: &'a str,
    pub usage: &'a Usage,
    pub cost_usd: f64,
    pub month_to_date_usd: f64,
    pub gaps: &'a [String],
}

fn number(row: &Row<'_>, column: &str) -> Result<f64, StoreError> {
    row.value_f64(column)?
        .ok_or_else(|| StoreError::Corrupt(format!("{column} is missing")))
}

/// A stored `usage` column: meter names with counts. A meter the price table no longer has is
/// kept (and priced at nothing), so changing the table never breaks the month's earlier days.
fn usage_units(json: &str) -> Result<BTreeMap<String, f64>, StoreError> {
    let units: BTreeMap<String, f64> = serde_json::from_str(json)
        .map_err(|err| StoreError::Corrupt(format!("usage is not a meter map: {err}")))?;
    match units
        .iter()
        .find(|(_, units)| !units.is_finite() || **units < 0.0)
    {
        Some((name, _)) => Err(StoreError::Corrupt(format!("usage of {name}"))),
        None => Ok(units),
    }
}

/// What closing a day needs of the month before it.
pub struct MonthSoFar {
    /// The usage of the month's closed days before the day.
    pub before: Usage,
    /// Those days (`YYYY-MM-DD`).
    pub closed: Vec<String>,
    /// The AI calls' spend of the day itself.
    pub ai_usd: f64,
}

/// The month's closed days from `month_start` (inclusive) to `day` (exclusive), and the AI
/// calls of `[day, next_day)`.
pub async fn month_so_far(
    db: &Database<impl HttpClient>,
    month_start: &str,
    day: &str,
    next_day: &str,
) -> Result<MonthSoFar, StoreError> {
    let results = db
        .execute_all(vec![
            stmt(
                "SELECT day, usage, openrouter_usd FROM daily_costs WHERE day >= ? AND day < ? \
                 ORDER BY day",
                [text(month_start), text(day)],
            ),
            stmt(
                "SELECT coalesce(sum(cost_usd), 0.0) AS usd FROM ai_calls \
                 WHERE called_at >= ? AND called_at < ?",
                [text(day), text(next_day)],
            ),
        ])
        .await?;
    let [earlier, ai] = results.as_slice() else {
        return Err(DbError::Protocol("expected two results".into()).into());
    };
    let mut before = Usage::default();
    let mut closed = Vec::new();
    for row in rows(earlier) {
        closed.push(row.text("day")?);
        before = before.plus(&Usage {
            units: usage_units(&row.text("usage")?)?,
            openrouter_usd: number(&row, "openrouter_usd")?,
        });
    }
    let spend = match rows(ai).next() {
        Some(row) => number(&row, "usd")?,
        None => 0.0,
    };
    Ok(MonthSoFar {
        before,
        closed,
        ai_usd: spend,
    })
}

/// Stores a closed day, replacing an earlier run's row for it.
pub async fn save(
    db: &Database<impl HttpClient>,
    closed: &ClosedDay<'_>,
) -> Result<(), StoreError> {
    let usage = serde_json::to_string(&closed.usage.units)
        .map_err(|err| StoreError::Corrupt(err.to_string()))?;
    let gaps =
        serde_json::to_string(closed.gaps).map_err(|err| StoreError::Corrupt(err.to_string()))?;
    db.execute(stmt(
        "INSERT INTO daily_costs (day, usage, openrouter_usd, cost_usd, month_to_date_usd, gaps) \
         VALUES (?, ?, ?, ?, ?, ?) \
         ON CONFLICT (day) DO UPDATE SET usage = excluded.usage, \
           openrouter_usd = excluded.openrouter_usd, cost_usd = excluded.cost_usd, \
           month_to_date_usd = excluded.month_to_date_usd, gaps = excluded.gaps, \
           computed_at = excluded.computed_at",
        [
            text(closed.day),
            text(usage),
            real(closed.usage.openrouter_usd),
            real(closed.cost_usd),
            real(closed.month_to_date_usd),
            text(gaps),
        ],
    ))
    .await?;
    Ok(())
}

const DAY_COLUMNS: &str = "day, usage, openrouter_usd, cost_usd, month_to_date_usd, gaps";

/// The closed days from `from` (inclusive), newest first, and the newest closed day of all
/// (which the month's standing is read from, whatever the window).
pub async fn recent(
    db: &Database<impl HttpClient>,
    from: &str,
) -> Result<(Vec<DailyCost>, Option<DailyCost>), StoreError> {
    let results = db
        .execute_all(vec![
            stmt(
                &format!("SELECT {DAY_COLUMNS} FROM daily_costs WHERE day >= ? ORDER BY day DESC"),
                [text(from)],
            ),
            stmt(
                &format!("SELECT {DAY_COLUMNS} FROM daily_costs ORDER BY day DESC LIMIT 1"),
                [],
            ),
        ])
        .await?;
    let [window, newest] = results.as_slice() else {
        return Err(DbError::Protocol("expected two results".into()).into());
    };
    let days = rows(window)
        .map(|row| closed_day(&row))
        .collect::<Result<_, _>>()?;
    let latest = rows(newest)
        .next()
        .map(|row| closed_day(&row))
        .transpose()?;
    Ok((days, latest))
}

fn closed_day(row: &Row<'_>) -> Result<DailyCost, StoreError> {
    let gaps: Vec<String> = serde_json::from_str(&row.text("gaps")?)
        .map_err(|err| StoreError::Corrupt(format!("gaps: {err}")))?;
    Ok(DailyCost {
        day: row.text("day")?,
        cost_usd: number(row, "cost_usd")?,
        month_to_date_usd: number(row, "month_to_date_usd")?,
        openrouter_usd: number(row, "openrouter_usd")?,
        usage: usage_units(&row.text("usage")?)?,
        gaps,
    })
}
