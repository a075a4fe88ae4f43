//! The readers against recorded answers of the real APIs (`fixtures/`).

use ptp_domain::costs::{is_meter, prices::PRICES};

use super::cloudflare::{self, Cloudflare};
use super::turso::{self, Turso};
use super::*;
use crate::config::{CloudflareUsage, Secret, TursoUsage};
use crate::http::{HttpMethod, TransportError};
use crate::testing::{ScriptedTransport, block_on};

const DAY: &str = include_str!("fixtures/cloudflare-day.json");
const REFUSED: &str = include_str!("fixtures/cloudflare-refused.json");
const DATABASES: &str = include_str!("fixtures/turso-databases.json");
const PRODUCTION: &str = include_str!("fixtures/turso-usage-production.json");
const STAGING: &str = include_str!("fixtures/turso-usage-staging.json");

fn cloudflare(http: ScriptedTransport) -> Cloudflare<ScriptedTransport> {
    Cloudflare::new(
        http,
        CloudflareUsage {
            api_url: "https://api.cloudflare.test/client/v4".into(),
            account_id: "0123456789abcdef0123456789abcdef".into(),
            token: Secret::parse("CLOUDFLARE_ANALYTICS_TOKEN", "cf-secret-token").unwrap(),
        },
    )
}

fn turso(http: ScriptedTransport) -> Turso<ScriptedTransport> {
    Turso::new(
        http,
        TursoUsage {
            api_url: "https://api.turso.test".into(),
            org: "acme".into(),
            token: Secret::parse("TURSO_PLATFORM_TOKEN", "turso-secret-token").unwrap(),
        },
    )
}

#[test]
fn a_cloudflare_day_becomes_the_price_tables_meters() {
    let http = ScriptedTransport::replying(200, DAY);
    let usage = block_on(cloudflare(http.clone()).read("2026-11-30", "2026-12-01")).unwrap();
    assert_eq!(usage.of("worker_requests"), 412_345.0);
    assert_eq!(usage.of("worker_cpu_ms"), 1_287_000.0);
    assert_eq!(usage.of("analytics_data_points"), 412_345.0);
    assert_eq!(usage.of("do_requests"), 10_250.0);
    // One hour of one object active: 3 600 s × 0.125 GB.
    assert_eq!(usage.of("do_gb_seconds"), 450.0);
    assert_eq!(
        (usage.of("kv_reads"), usage.of("kv_writes")),
        (301_200.0, 19_876.0)
    );
    assert_eq!((usage.of("kv_deletes"), usage.of("kv_lists")), (410.0, 3.0));
    // Gets and heads are class B; puts and lists class A; deletes are free.
    assert_eq!(usage.of("r2_class_b"), 53_800.0);
    assert_eq!(usage.of("r2_class_a"), 122.0);
    assert_eq!(usage.of("queue_operations"), 312.0);
    assert!(usage.units.keys().all(|name| is_meter(&PRICES, name)));

    let sent = http.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].url, "https://api.cloudflare.test/client/v4/graphql");
    let body: serde_json::Value = serde_json::from_str(sent[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(body["query"], cloudflare::QUERY);
    assert_eq!(body["variables"]["date"], "2026-11-30");
    assert_eq!(
        body["variables"]["account"],
        "0123456789abcdef0123456789abcdef"
    );
    assert!(
        sent[0]
            .headers
            .contains(&("authorization", "Bearer cf-secret-token".into()))
    );
}

#[test]
fn a_graphql_error_is_a_refusal_that_says_why_and_a_throttle_is_worth_a_retry() {
    let refused = block_on(
        cloudflare(ScriptedTransport::replying(200, REFUSED)).read("2026-11-30", "2026-12-01"),
    )
    .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "cloudflare refused the query: not authorized for that account"
    );
    assert!(!refused.is_transient());
    let throttled = block_on(
        cloudflare(ScriptedTransport::replying(429, "slow down")).read("2026-11-30", "2026-12-01"),
    )
    .unwrap_err();
    assert!(throttled.is_transient(), "{throttled}");
    let down = ScriptedTransport::failing(TransportError::Timeout(USAGE_TIMEOUT));
    assert!(
        block_on(cloudflare(down).read("2026-11-30", "2026-12-01"))
            .unwrap_err()
            .is_transient()
    );
}

#[test]
fn an_answer_missing_a_dataset_or_with_a_negative_count_is_malformed_never_zero() {
    let mut doc: serde_json::Value = serde_json::from_str(DAY).unwrap();
    let account = &mut doc["data"]["viewer"]["accounts"][0];
    account
        .as_object_mut()
        .unwrap()
        .remove("kvOperationsAdaptiveGroups");
    assert_eq!(
        cloudflare::parse(&doc.to_string()).unwrap_err().to_string(),
        "cloudflare answered in an unexpected shape: no kvOperationsAdaptiveGroups in the answer"
    );
    let negative = DAY.replace("\"requests\": 10250", "\"requests\": -1");
    assert!(matches!(
        cloudflare::parse(&negative),
        Err(UsageError::Malformed { .. })
    ));
    assert!(matches!(
        cloudflare::parse("<html>"),
        Err(UsageError::Malformed { .. })
    ));
    let unnamed = DAY.replace(
        r#""dimensions": { "actionType": "write" }"#,
        r#""dimensions": {}"#,
    );
    assert_eq!(
        cloudflare::parse(&unnamed).unwrap_err().to_string(),
        "cloudflare answered in an unexpected shape: a kvOperationsAdaptiveGroups group has no actionType"
    );
    let renamed = DAY.replace(r#""actionType": "list""#, r#""actionType": "bulk_get""#);
    assert!(matches!(
        cloudflare::parse(&renamed),
        Err(UsageError::Malformed { .. })
    ));
    let throttled = r#"{"data":null,"errors":[{"message":"rate limiter budget depleted, try again after 5 minutes"}]}"#;
    assert!(cloudflare::parse(throttled).unwrap_err().is_transient());
}

#[test]
fn turso_sums_every_database_of_the_organization_over_the_day() {
    let http = ScriptedTransport::replying(404, "{}")
        .at_url("/production-pingtopass/usage", 200, PRODUCTION)
        .at_url("/staging-pingtopass/usage", 200, STAGING)
        .at_url("/organizations/acme/databases", 200, DATABASES);
    let usage = block_on(turso(http.clone()).read("2026-11-30", "2026-12-01")).unwrap();
    assert_eq!(usage.of("turso_rows_read"), 41_250_000.0);
    assert_eq!(usage.of("turso_rows_written"), 199_200.0);
    let urls: Vec<String> = http.requests().into_iter().map(|r| r.url).collect();
    assert_eq!(
        urls,
        [
            "https://api.turso.test/v1/organizations/acme/databases",
            "https://api.turso.test/v1/organizations/acme/databases/production-pingtopass/usage?from=2026-11-30T00:00:00Z&to=2026-12-01T00:00:00Z",
            "https://api.turso.test/v1/organizations/acme/databases/staging-pingtopass/usage?from=2026-11-30T00:00:00Z&to=2026-12-01T00:00:00Z",
        ]
    );
    assert!(http.requests().iter().all(|r| {
        r.method == HttpMethod::Get
            && r.headers
                .contains(&("authorization", "Bearer turso-secret-token".into()))
    }));
}

#[test]
fn turso_refuses_names_it_cannot_put_in_a_path_and_too_many_databases() {
    assert!(turso::database_names(r#"{"databases":[{"Name":"../admin"}]}"#).is_err());
    let many = serde_json::json!({
        "databases": (0..=turso::MAX_DATABASES).map(|i| serde_json::json!({"Name": format!("db-{i}")})).collect::<Vec<_>>()
    });
    assert!(turso::database_names(&many.to_string()).is_err());
    assert_eq!(
        turso::database_usage(r#"{"error":"not found"}"#)
            .unwrap_err()
            .to_string(),
        "turso answered in an unexpected shape: no database.total"
    );
    let forbidden = block_on(
        turso(ScriptedTransport::replying(
            401,
            r#"{"error":"invalid token"}"#,
        ))
        .read("2026-11-30", "2026-12-01"),
    )
    .unwrap_err();
    assert_eq!(
        forbidden.to_string(),
        r#"turso refused the query: HTTP 401: {"error":"invalid token"}"#
    );
}
