//! The test deployment's configuration: every var and secret present and valid, and a database
//! configuration that points nowhere (the fakes answer instead).

use std::time::Duration;

use crate::config::{DatabaseConfig, DatabaseUrl, Secret, Settings};

pub fn test_db_config() -> DatabaseConfig {
    DatabaseConfig {
        url: DatabaseUrl::parse("http://127.0.0.1:9").unwrap(),
        token: Secret::parse("TURSO_AUTH_TOKEN", "test-token").unwrap(),
        timeout: Duration::from_secs(5),
    }
}

pub const SITE: &str = "https://ptp.test";

pub fn test_settings() -> Settings {
    Settings::from_lookup(test_setting)
}

/// The test deployment's vars and secrets, all present and valid.
pub(super) fn test_setting(name: &str) -> Option<String> {
    match name {
        "ENVIRONMENT" => Some("development".into()),
        "SITE_URL" => Some(SITE.into()),
        "JWT_SECRET" => Some("j".repeat(32)),
        "API_KEY_SECRET" => Some("a".repeat(32)),
        "GOOGLE_ISSUER" => Some("https://idp.test".into()),
        "GOOGLE_CLIENT_ID" => Some("client-123".into()),
        "GOOGLE_CLIENT_SECRET" => Some("s3cret".into()),
        "OPENROUTER_API_KEY" => Some("sk-or-v1-test".into()),
        _ => None,
    }
}
