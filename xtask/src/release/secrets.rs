//! The Worker's secrets as a deploy sees them. A pull request's preview is a Worker of its own,
//! created by its first deploy, so it gets the preview environment's secrets uploaded with it
//! (`--secrets-file`, from this process's environment: the CI job's `preview` environment).

use std::path::PathBuf;

use anyhow::{Result, bail};

use super::EnvConfig;

/// Every secret the Worker needs; values are never printed, only names.
pub const WORKER_SECRETS: &[&str] = &[
    "TURSO_DATABASE_URL",
    "TURSO_AUTH_TOKEN",
    "JWT_SECRET",
    "API_KEY_SECRET",
    "GOOGLE_CLIENT_ID",
    "GOOGLE_CLIENT_SECRET",
];

/// Secrets a preview takes along when this process has them.
const OPTIONAL_SECRETS: &[&str] = &["LOAD_TEST_TOKEN"];

fn is_set(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.trim().is_empty())
}

/// The names of the Worker's secrets this process has a value for.
pub fn present() -> Vec<&'static str> {
    WORKER_SECRETS
        .iter()
        .chain(OPTIONAL_SECRETS)
        .copied()
        .filter(|name| is_set(name))
        .collect()
}

/// Where a preview's secrets file goes (git-ignored, under target/).
pub fn file_for(env: &EnvConfig) -> Option<PathBuf> {
    let n = env.pr?;
    Some(env.config.with_file_name(format!("secrets.pr-{n}.json")))
}

/// Writes the preview's secrets file, readable by its owner only; every secret must be set.
pub fn write_for(env: &EnvConfig) -> Result<Option<PathBuf>> {
    let Some(path) = file_for(env) else {
        return Ok(None);
    };
    let missing: Vec<&str> = WORKER_SECRETS
        .iter()
        .copied()
        .filter(|name| !is_set(name))
        .collect();
    if !missing.is_empty() {
        bail!("a new preview Worker needs these secrets in the environment: {missing:?}");
    }
    let values: serde_json::Map<String, serde_json::Value> = present()
        .iter()
        .map(|name| {
            let value = std::env::var(name).unwrap_or_default();
            (name.to_string(), serde_json::Value::String(value))
        })
        .collect();
    crate::secrets::write_private(&path, &serde_json::to_string(&values)?)?;
    Ok(Some(path))
}
