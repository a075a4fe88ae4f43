//! The contract's own checks: the committed document is the generated one, and every operation
//! is fully described, uniquely named, classed for caching and free of dangling references.

use super::*;
use serde_json::Value;

fn generated() -> String {
    document().to_pretty_json().expect("serializes") + "\n"
}

#[test]
fn the_committed_document_is_what_the_code_generates() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    let fresh = generated();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    assert!(
        COMMITTED == fresh,
        "api/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test -p ptp-api openapi` and review the diff"
    );
}

fn operations() -> Vec<(String, String, Value)> {
    let doc: Value = serde_json::from_str(&generated()).unwrap();
    let mut found = vec![];
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            found.push((method.clone(), path.clone(), operation.clone()));
        }
    }
    found
}

#[test]
fn the_worker_reads_each_operations_security_as_the_annotations_declare_it() {
    let mut with_keys = 0;
    for (method, path, operation) in operations() {
        let method = match method.as_str() {
            "get" => HttpMethod::Get,
            "put" => HttpMethod::Put,
            "post" => HttpMethod::Post,
            "delete" => HttpMethod::Delete,
            "patch" => HttpMethod::Patch,
            other => panic!("{other} {path}: a method the Worker does not route"),
        };
        let declared: Option<Security> =
            serde_json::from_value(operation["security"].clone()).unwrap();
        let read = committed_security(&path, &method);
        assert_eq!(read, declared, "{path}");
        with_keys += usize::from(read.is_some_and(|s| s.iter().any(|r| r.contains_key("api_key"))));
    }
    // Not vacuous: several operations take API keys.
    assert!(with_keys >= 5, "{with_keys} operations take API keys");
}

#[test]
fn it_is_openapi_3_1_and_every_operation_is_fully_described() {
    let doc: Value = serde_json::from_str(&generated()).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let operations = operations();
    assert!(operations.len() >= 14);
    for (method, path, operation) in operations {
        let what = format!("{method} {path}");
        let id = operation["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{what} has no operationId"));
        assert!(
            id.starts_with(&format!("{method}_")),
            "{what}: operationId {id} is not <verb>_<resource>"
        );
        assert!(
            id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "{what}: operationId {id} is not snake_case"
        );
        assert!(
            operation["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{what} has no summary"
        );
        assert!(
            operation["security"].is_array(),
            "{what} does not state its auth scheme"
        );
        let responses = operation["responses"].as_object().unwrap();
        let errors: Vec<&String> = responses
            .keys()
            .filter(|code| code.starts_with('4') || code.starts_with('5'))
            .collect();
        assert!(!errors.is_empty(), "{what} documents no error response");
        for code in errors {
            let schema = &responses[code]["content"]["application/json"]["schema"]["$ref"];
            // Health answers 503 with its full report, which says what failed.
            let expected = if id == "get_health" {
                "#/components/schemas/HealthResponse"
            } else {
                "#/components/schemas/ErrorBody"
            };
            assert_eq!(schema, expected, "{what} {code}");
        }
    }
}

/// Every `$ref` in `value`, wherever it stands.
fn references<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                found.push(target);
            }
            map.values().for_each(|v| references(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, found)),
        _ => {}
    }
}

#[test]
fn every_reference_names_a_schema_the_document_defines() {
    let doc: Value = serde_json::from_str(&generated()).unwrap();
    let mut found = vec![];
    references(&doc, &mut found);
    assert!(found.len() > 50, "{} references", found.len());
    let dangling: Vec<&str> = found
        .into_iter()
        .filter(|target| {
            let name = target.strip_prefix("#/components/schemas/");
            name.is_none_or(|name| doc["components"]["schemas"].get(name).is_none())
        })
        .collect();
    assert_eq!(dangling, Vec::<&str>::new());
}

#[test]
fn operation_ids_are_unique() {
    let mut ids: Vec<String> = operations()
        .iter()
        .map(|(_, _, op)| op["operationId"].as_str().unwrap().to_string())
        .collect();
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count);
}

#[test]
fn every_operation_has_one_of_the_four_caching_classes() {
    use crate::app::caching::{LIVE, PRIVATE, PUBLIC, STATIC};
    for (method, path, operation) in operations() {
        let class = operation["x-cache-control"].as_str().unwrap_or_default();
        assert!(
            [STATIC, PUBLIC, PRIVATE, LIVE].contains(&class),
            "{method} {path} has no caching class (give it one in documented!)"
        );
        if method != "get" {
            assert_eq!(class, LIVE, "{method} {path}: writes are never cached");
        }
    }
}
