//! What the platform charges, in one place: each meter's monthly allowance and its price past
//! it. Prices as published by Cloudflare (developers.cloudflare.com, each product's "Pricing"
//! page: Workers Paid, KV, R2, Queues, Durable Objects, Workers Analytics Engine) and Turso
//! (turso.tech/pricing), read 2026-12-01. They change: check them against those pages, and
//! change them here only — the daily cost job and its tests read nothing else.

use super::{Meter, PriceTable};

const MILLION: f64 = 1_000_000.0;

const fn meter(name: &'static str, included: f64, usd_per_million: f64) -> Meter {
    Meter {
        name,
        included,
        usd_per_million,
    }
}

pub const PRICES: PriceTable = PriceTable {
    // Workers Paid ($5) and Turso's Developer plan ($4.99), whatever the usage.
    base_usd: 5.00 + 4.99,
    meters: &[
        meter("worker_requests", 10.0 * MILLION, 0.30),
        meter("worker_cpu_ms", 30.0 * MILLION, 0.02),
        meter("kv_reads", 10.0 * MILLION, 0.50),
        meter("kv_writes", 1.0 * MILLION, 5.00),
        meter("kv_deletes", 1.0 * MILLION, 5.00),
        meter("kv_lists", 1.0 * MILLION, 5.00),
        meter("r2_class_a", 1.0 * MILLION, 4.50),
        meter("r2_class_b", 10.0 * MILLION, 0.36),
        meter("queue_operations", 1.0 * MILLION, 0.40),
        meter("do_requests", 1.0 * MILLION, 0.15),
        // Durable Object duration: $12.50 per million GB-s past 400 000 GB-s.
        meter("do_gb_seconds", 400_000.0, 12.50),
        meter("do_rows_read", 25_000.0 * MILLION, 0.001),
        meter("do_rows_written", 50.0 * MILLION, 1.00),
        meter("analytics_data_points", 10.0 * MILLION, 0.25),
        meter("analytics_queries", 1.0 * MILLION, 1.00),
        // Turso: $1 per billion rows read, $1 per million rows written past the plan's.
        meter("turso_rows_read", 2_500.0 * MILLION, 0.001),
        meter("turso_rows_written", 25.0 * MILLION, 1.00),
    ],
};
