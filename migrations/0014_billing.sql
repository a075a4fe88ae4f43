-- Payments through Stripe: each member's Stripe customer, their subscriptions as Stripe's
-- webhook events last described them, and every event received (so a replay changes nothing).

-- Created once, on a member's first checkout, and reused for every later one.
CREATE TABLE billing_customers (
    user_id     TEXT PRIMARY KEY REFERENCES users (id),
    customer_id TEXT NOT NULL UNIQUE,                  -- Stripe's cus_…
    created_at  TEXT NOT NULL
) STRICT;

-- The entitlement is decided from these rows alone (domain::billing), never from the client.
CREATE TABLE subscriptions (
    id                   TEXT PRIMARY KEY,             -- Stripe's sub_…
    user_id              TEXT NOT NULL REFERENCES users (id),
    customer_id          TEXT NOT NULL,
    status               TEXT NOT NULL,                -- Stripe's: active, past_due, canceled…
    interval             TEXT NOT NULL CHECK (interval IN ('monthly', 'annual')),
    price_id             TEXT NOT NULL,
    current_period_end   INTEGER NOT NULL,             -- unix seconds
    cancel_at_period_end INTEGER NOT NULL CHECK (cancel_at_period_end IN (0, 1)),
    -- The created time (unix s) of the event the state came from: an older event never
    -- overwrites a newer state.
    state_at             INTEGER NOT NULL,
    -- The first failed invoice since the last paid one (unix s), and the created time of the
    -- invoice event that last set or cleared it.
    payment_failed_at    INTEGER,
    payment_state_at     INTEGER NOT NULL DEFAULT 0,
    updated_at           TEXT NOT NULL
) STRICT;

CREATE INDEX subscriptions_by_user ON subscriptions (user_id);

-- Each event once: its id is the idempotency key of the webhook.
CREATE TABLE stripe_events (
    id          TEXT PRIMARY KEY,                      -- Stripe's evt_…
    type        TEXT NOT NULL,
    created     INTEGER NOT NULL,                      -- unix seconds, Stripe's
    outcome     TEXT NOT NULL CHECK (outcome IN ('applied', 'stale', 'ignored')),
    received_at TEXT NOT NULL
) STRICT;

-- The allowances count a learner's practice answers of the day and mocks of the week.
CREATE INDEX responses_by_user_time ON responses (user_id, answered_at);
