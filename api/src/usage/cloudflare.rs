//! The account's Cloudflare usage for a day, from the GraphQL Analytics API: one query over the
//! datasets that bill (Workers invocations, Durable Objects, KV, R2, Queues). Account-wide on
//! purpose: the Workers Paid allowances are the account's, so staging and previews spend from
//! the same month as production.

use ptp_domain::costs::Usage;
use serde_json::{Value, json};

use super::{UsageError, UsageReader, count, fetch, json as parse_json};
use crate::config::CloudflareUsage;
use crate::http::{HttpClient, OutboundRequest};

const SOURCE: &str = super::CLOUDFLARE;

/// Groups per dataset: without dimensions a dataset answers one group, with `actionType` a
/// handful; the limit only keeps an unexpected answer bounded.
pub const QUERY: &str = "query Usage($account: string!, $date: Date!) { viewer { \
accounts(filter: { accountTag: $account }) { \
workersInvocationsAdaptive(limit: 1000, filter: { date: $date }) { sum { requests cpuTimeUs } } \
durableObjectsInvocationsAdaptiveGroups(limit: 1000, filter: { date: $date }) { sum { requests } } \
durableObjectsPeriodicGroups(limit: 1000, filter: { date: $date }) { sum { activeTime } } \
kvOperationsAdaptiveGroups(limit: 1000, filter: { date: $date }) { sum { requests } dimensions { actionType } } \
r2OperationsAdaptiveGroups(limit: 1000, filter: { date: $date }) { sum { requests } dimensions { actionType } } \
queueMessageOperationsAdaptiveGroups(limit: 1000, filter: { date: $date }) { sum { billableOperations } } \
} } }";

/// Durable Object duration is billed as if each object had 128 MB: GB-s per active second.
const DO_GB_PER_OBJECT: f64 = 0.125;

/// R2's operation classes (developers.cloudflare.com/r2/pricing): class B reads; deletes and
/// aborts are free; everything else, and any operation new to this list, is priced as the
/// dearer class A so a gap here over- rather than under-states the bill.
const R2_CLASS_B: &[&str] = &[
    "HeadBucket",
    "HeadObject",
    "GetObject",
    "UsageSummary",
    "GetBucketEncryption",
    "GetBucketLocation",
    "GetBucketCors",
    "GetBucketLifecycleConfiguration",
];
const R2_FREE: &[&str] = &[
    "DeleteObject",
    "DeleteObjects",
    "DeleteBucket",
    "AbortMultipartUpload",
];

pub struct Cloudflare<H> {
    http: H,
    settings: CloudflareUsage,
}

impl<H: HttpClient> Cloudflare<H> {
    pub fn new(http: H, settings: CloudflareUsage) -> Self {
        Self { http, settings }
    }

    pub fn request(&self, day: &str) -> OutboundRequest {
        let body = json!({
            "query": QUERY,
            "variables": { "account": self.settings.account_id, "date": day },
        });
        OutboundRequest::post_json(
            format!("{}/graphql", self.settings.api_url),
            body.to_string(),
        )
        .header(
            "authorization",
            format!("Bearer {}", self.settings.token.expose()),
        )
        .timeout(super::USAGE_TIMEOUT)
    }
}

impl<H: HttpClient> UsageReader for Cloudflare<H> {
    fn source(&self) -> &'static str {
        SOURCE
    }

    async fn read(&self, day: &str, _next_day: &str) -> Result<Usage, UsageError> {
        let body = fetch(&self.http, SOURCE, self.request(day)).await?;
        parse(&body)
    }
}

fn malformed(detail: impl Into<String>) -> UsageError {
    UsageError::Malformed {
        service: SOURCE,
        detail: detail.into(),
    }
}

/// The groups of `dataset` in the account's answer.
fn groups<'a>(account: &'a Value, dataset: &str) -> Result<&'a Vec<Value>, UsageError> {
    account[dataset]
        .as_array()
        .ok_or_else(|| malformed(format!("no {dataset} in the answer")))
}

/// The sum of `field` over every group of `dataset` whose `actionType` `keep` accepts (`None`
/// for a dataset queried without that dimension).
fn total(
    account: &Value,
    dataset: &str,
    field: &str,
    keep: Option<&dyn Fn(&str) -> bool>,
) -> Result<f64, UsageError> {
    let mut sum = 0.0;
    for group in groups(account, dataset)? {
        let kept = match keep {
            None => true,
            Some(keep) => match group["dimensions"]["actionType"].as_str() {
                Some(action) => keep(action),
                None => return Err(malformed(format!("a {dataset} group has no actionType"))),
            },
        };
        if kept {
            sum += count(SOURCE, &group["sum"][field], &format!("{dataset}.{field}"))?;
        }
    }
    Ok(sum)
}

/// A GraphQL error answer: the API reports its rate limit this way too, inside a 200, and that
/// one is worth a later try.
fn refusal(errors: &[Value]) -> UsageError {
    let messages: Vec<&str> = errors
        .iter()
        .filter_map(|e| e["message"].as_str())
        .collect();
    let detail = super::shortened(&messages.join("; "));
    let throttled = errors.iter().any(|e| {
        e["extensions"]["code"] == "rate_limited"
            || e["message"].as_str().is_some_and(|m| {
                let m = m.to_ascii_lowercase();
                m.contains("rate limit") || m.contains("budget depleted")
            })
    });
    if throttled {
        UsageError::Unreachable {
            service: SOURCE,
            detail,
        }
    } else {
        UsageError::Refused {
            service: SOURCE,
            detail,
        }
    }
}

const KV_ACTIONS: [&str; 4] = ["read", "write", "delete", "list"];

/// Reads the GraphQL answer into the price table's meters.
pub fn parse(body: &str) -> Result<Usage, UsageError> {
    let doc = parse_json(SOURCE, body)?;
    if let Some(errors) = doc["errors"].as_array().filter(|e| !e.is_empty()) {
        return Err(refusal(errors));
    }
    let account = match doc["data"]["viewer"]["accounts"].as_array() {
        Some(accounts) if accounts.len() == 1 => &accounts[0],
        Some(_) => return Err(malformed("the token does not see exactly this one account")),
        None => return Err(malformed("no data.viewer.accounts")),
    };
    // Every KV operation is one of the four priced ones; a new kind must not pass as free.
    let kv_known = |a: &str| KV_ACTIONS.iter().any(|k| k.eq_ignore_ascii_case(a));
    let unknown = |a: &str| !kv_known(a);
    if total(
        account,
        "kvOperationsAdaptiveGroups",
        "requests",
        Some(&unknown),
    )? > 0.0
    {
        return Err(malformed("an unknown KV operation in the answer"));
    }
    let requests = total(account, "workersInvocationsAdaptive", "requests", None)?;
    let cpu_us = total(account, "workersInvocationsAdaptive", "cpuTimeUs", None)?;
    let do_active_us = total(account, "durableObjectsPeriodicGroups", "activeTime", None)?;
    let kv = |action: &'static str| {
        let keep = move |a: &str| a.eq_ignore_ascii_case(action);
        total(
            account,
            "kvOperationsAdaptiveGroups",
            "requests",
            Some(&keep),
        )
    };
    let r2 = "r2OperationsAdaptiveGroups";
    let class_a = |a: &str| !R2_CLASS_B.contains(&a) && !R2_FREE.contains(&a);
    let class_b = |a: &str| R2_CLASS_B.contains(&a);
    let meters = [
        ("worker_requests", requests),
        ("worker_cpu_ms", cpu_us / 1000.0),
        // The Worker writes one data point per request it answers; Analytics Engine publishes
        // no usage dataset of its own.
        ("analytics_data_points", requests),
        (
            "do_requests",
            total(
                account,
                "durableObjectsInvocationsAdaptiveGroups",
                "requests",
                None,
            )?,
        ),
        ("do_gb_seconds", do_active_us / 1e6 * DO_GB_PER_OBJECT),
        ("kv_reads", kv("read")?),
        ("kv_writes", kv("write")?),
        ("kv_deletes", kv("delete")?),
        ("kv_lists", kv("list")?),
        (
            "r2_class_a",
            total(account, r2, "requests", Some(&class_a))?,
        ),
        (
            "r2_class_b",
            total(account, r2, "requests", Some(&class_b))?,
        ),
        (
            "queue_operations",
            total(
                account,
                "queueMessageOperationsAdaptiveGroups",
                "billableOperations",
                None,
            )?,
        ),
    ];
    Ok(Usage {
        units: meters
            .into_iter()
            .map(|(name, units)| (name.to_string(), units))
            .collect(),
        openrouter_usd: 0.0,
    })
}
