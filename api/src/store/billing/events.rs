//! Each webhook event in one transaction: the state change, guarded so a replay does nothing
//! and an older event never overwrites a newer state, then the event itself (`RETURNING` its
//! outcome; no row means it was seen before). The caller answers 2xx only after this commits.

use ptp_domain::billing::SubscriptionState;

use super::{Outcome, Received, StoreError};
use crate::db::{Database, DbError, Stmt, Value, int, rows, stmt, text};
use crate::http::HttpClient;
use crate::time;

/// SQL true until this event is recorded (its id the parameter).
const UNSEEN: &str = "NOT EXISTS (SELECT 1 FROM stripe_events WHERE id = ?)";

/// The event's row, its outcome decided by `outcome_sql` (with `outcome_params`) after the
/// change ran.
fn event_row(received: &Received<'_>, outcome_sql: &str, outcome_params: Vec<Value>) -> Stmt {
    let mut params = vec![
        text(received.id),
        text(received.kind),
        int(received.created_s),
    ];
    params.extend(outcome_params);
    params.push(text(time::rfc3339(received.now_ms)));
    stmt(
        &format!(
            "INSERT INTO stripe_events (id, type, created, outcome, received_at) \
             VALUES (?, ?, ?, {outcome_sql}, ?) ON CONFLICT (id) DO NOTHING RETURNING outcome"
        ),
        params,
    )
}

async fn run(db: &Database<impl HttpClient>, statements: Vec<Stmt>) -> Result<Outcome, StoreError> {
    let results = db.transaction(statements).await?;
    let outcome = results
        .last()
        .and_then(|result| rows(result).next())
        .map(|row| row.text("outcome"))
        .transpose()?;
    Ok(match outcome.as_deref() {
        None => Outcome::Duplicate,
        Some("applied") => Outcome::Applied,
        Some("stale") => Outcome::Stale,
        Some("ignored") => Outcome::Ignored,
        Some(other) => {
            return Err(DbError::Protocol(format!("event outcome {other}")).into());
        }
    })
}

/// Stores the subscription's state for the member whose customer it is, unless a newer state
/// is held; a customer we never made is not ours (ignored).
pub async fn record_subscription(
    db: &Database<impl HttpClient>,
    received: &Received<'_>,
    state: &SubscriptionState,
) -> Result<Outcome, StoreError> {
    let upsert = stmt(
        &format!(
            "INSERT INTO subscriptions (id, user_id, customer_id, status, interval, price_id, \
             current_period_end, cancel_at_period_end, state_at, updated_at) \
             SELECT ?, c.user_id, c.customer_id, ?, ?, ?, ?, ?, ?, ? FROM billing_customers c \
             WHERE c.customer_id = ? AND {UNSEEN} \
             ON CONFLICT (id) DO UPDATE SET status = excluded.status, interval = excluded.interval, \
             price_id = excluded.price_id, current_period_end = excluded.current_period_end, \
             cancel_at_period_end = excluded.cancel_at_period_end, state_at = excluded.state_at, \
             updated_at = excluded.updated_at \
             WHERE excluded.state_at >= subscriptions.state_at"
        ),
        [
            text(&state.id),
            text(&state.status),
            text(state.interval.as_str()),
            text(&state.price_id),
            int(state.current_period_end),
            int(i64::from(state.cancel_at_period_end)),
            int(received.created_s),
            text(time::rfc3339(received.now_ms)),
            text(&state.customer),
            text(received.id),
        ],
    );
    let outcome = event_row(
        received,
        "CASE WHEN NOT EXISTS (SELECT 1 FROM billing_customers WHERE customer_id = ?) THEN 'ignored' \
         WHEN (SELECT state_at FROM subscriptions WHERE id = ?) > ? THEN 'stale' ELSE 'applied' END",
        vec![
            text(&state.customer),
            text(&state.id),
            int(received.created_s),
        ],
    );
    run(db, vec![upsert, outcome]).await
}

/// An invoice of `subscription` paid (clears a failed payment) or failed (starts the grace
/// period at its first failure), unless a newer invoice event is held.
pub async fn record_invoice(
    db: &Database<impl HttpClient>,
    received: &Received<'_>,
    subscription: &str,
    paid: bool,
) -> Result<Outcome, StoreError> {
    let failed_at = if paid {
        "NULL"
    } else {
        "coalesce(payment_failed_at, ?)"
    };
    let mut params = vec![];
    if !paid {
        params.push(int(received.created_s));
    }
    params.extend([
        int(received.created_s),
        text(time::rfc3339(received.now_ms)),
        text(subscription),
        int(received.created_s),
        text(received.id),
    ]);
    let update = stmt(
        &format!(
            "UPDATE subscriptions SET payment_failed_at = {failed_at}, payment_state_at = ?, \
             updated_at = ? WHERE id = ? AND payment_state_at <= ? AND {UNSEEN}"
        ),
        params,
    );
    let outcome = event_row(
        received,
        "CASE WHEN NOT EXISTS (SELECT 1 FROM subscriptions WHERE id = ?) THEN 'ignored' \
         WHEN (SELECT payment_state_at FROM subscriptions WHERE id = ?) > ? THEN 'stale' ELSE 'applied' END",
        vec![
            text(subscription),
            text(subscription),
            int(received.created_s),
        ],
    );
    run(db, vec![update, outcome]).await
}

/// An event we do not act on, kept so its replays are known too.
pub async fn record_ignored(
    db: &Database<impl HttpClient>,
    received: &Received<'_>,
) -> Result<Outcome, StoreError> {
    run(db, vec![event_row(received, "'ignored'", vec![])]).await
}
