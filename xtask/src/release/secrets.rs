//! The Worker's secrets as an operator meets them (`ptp_shared::settings::SECRETS` is the one
//! list): `cargo xtask secrets check --env …` says what an environment lacks before a release,
//! and a pull request's preview, a Worker created by its first deploy, gets the preview
//! environment's secrets uploaded with it (`--secrets-file`, from this process's environment:
//! the CI job's `preview` environment). Names are printed, values never.

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use ptp_shared::settings::{Need, SECRETS, SecretSpec};
use toml::Value;

use super::EnvConfig;

fn is_set(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.trim().is_empty())
}

/// The secrets this process has a value for.
pub fn present() -> Vec<&'static str> {
    SECRETS
        .iter()
        .map(|s| s.name)
        .filter(|name| is_set(name))
        .collect()
}

/// Where a preview's secrets file goes (git-ignored, under target/).
pub fn file_for(env: &EnvConfig) -> Option<PathBuf> {
    let n = env.pr?;
    Some(env.config.with_file_name(format!("secrets.pr-{n}.json")))
}

/// Writes the preview's secrets file, readable by its owner only; what the preview needs must
/// all be set.
pub fn write_for(env: &EnvConfig) -> Result<Option<PathBuf>> {
    let Some(path) = file_for(env) else {
        return Ok(None);
    };
    let held: BTreeSet<String> = present().iter().map(|n| n.to_string()).collect();
    let report = judge(
        &held,
        env.vars.get("PAYMENTS").is_some_and(|v| v == "on"),
        false,
    );
    if !report.is_ok() {
        bail!(
            "a new preview Worker needs: {}",
            report.problems().join("; ")
        );
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

/// One secret's state in an environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    Set,
    Missing,
    /// Not needed here (optional, or payments are off) and not set.
    NotNeeded,
    /// Set where it must not be (the load-test token in production).
    Forbidden,
}

pub struct Report(pub Vec<(SecretSpec, State)>);

impl Report {
    pub fn is_ok(&self) -> bool {
        self.0
            .iter()
            .all(|(_, state)| !matches!(state, State::Missing | State::Forbidden))
    }

    pub fn problems(&self) -> Vec<String> {
        self.0
            .iter()
            .filter_map(|(spec, state)| match state {
                State::Missing => Some(format!("{} is missing", spec.name)),
                State::Forbidden => Some(format!("{} must not be set here", spec.name)),
                _ => None,
            })
            .collect()
    }
}

/// What an environment holding `held` (names of its secrets and vars) lacks.
pub fn judge(held: &BTreeSet<String>, payments: bool, production: bool) -> Report {
    Report(
        SECRETS
            .iter()
            .map(|spec| {
                let set = held.contains(spec.name);
                let state = match (spec.need, set) {
                    (Need::NeverInProduction, true) if production => State::Forbidden,
                    (_, true) => State::Set,
                    (Need::Always, false) => State::Missing,
                    (Need::WithPayments, false) if payments => State::Missing,
                    _ => State::NotNeeded,
                };
                (*spec, state)
            })
            .collect(),
    )
}

/// The names `wrangler secret list --format json` printed.
pub fn listed_names(json: &str) -> Result<BTreeSet<String>> {
    let list: Vec<serde_json::Value> =
        serde_json::from_str(json).context("wrangler secret list: not a JSON list")?;
    Ok(list
        .iter()
        .filter_map(|entry| entry["name"].as_str().map(str::to_string))
        .collect())
}

/// Names an env file sets (`NAME=value` lines).
pub fn file_names(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(name, _)| name.trim().to_string())
        .collect()
}

/// The `[vars]` an environment declares in wrangler.toml, as text.
pub fn toml_vars(env: &toml::Table) -> std::collections::BTreeMap<String, String> {
    env.get("vars")
        .and_then(Value::as_table)
        .map(|vars| {
            vars.iter()
                .map(|(k, v)| (k.clone(), v.as_str().map_or(v.to_string(), str::to_string)))
                .collect()
        })
        .unwrap_or_default()
}

pub fn print(label: &str, report: &Report) {
    println!("▸ secrets of {label}");
    for (spec, state) in &report.0 {
        let shown = match state {
            State::Set => "set",
            State::Missing => "MISSING",
            State::NotNeeded => "not needed",
            State::Forbidden => "MUST NOT BE SET",
        };
        println!("  {:<22} {:<16} {}", spec.name, shown, spec.purpose);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    const ALWAYS: &[&str] = &[
        "TURSO_DATABASE_URL",
        "TURSO_AUTH_TOKEN",
        "JWT_SECRET",
        "API_KEY_SECRET",
        "GOOGLE_CLIENT_ID",
        "GOOGLE_CLIENT_SECRET",
        "OPENROUTER_API_KEY",
    ];

    #[test]
    fn an_environment_with_the_required_ones_passes_and_payments_add_stripes() {
        assert!(judge(&held(ALWAYS), false, true).is_ok());
        let with_payments = judge(&held(ALWAYS), true, true);
        assert_eq!(
            with_payments.problems(),
            [
                "STRIPE_SECRET_KEY is missing",
                "STRIPE_WEBHOOK_SECRET is missing"
            ]
        );
        let mut partial = held(ALWAYS);
        partial.remove("JWT_SECRET");
        assert_eq!(
            judge(&partial, false, false).problems(),
            ["JWT_SECRET is missing"]
        );
    }

    #[test]
    fn the_load_test_token_is_fine_in_staging_and_an_error_in_production() {
        let mut names = held(ALWAYS);
        names.insert("LOAD_TEST_TOKEN".into());
        assert!(judge(&names, false, false).is_ok());
        assert_eq!(
            judge(&names, false, true).problems(),
            ["LOAD_TEST_TOKEN must not be set here"]
        );
    }

    #[test]
    fn a_fresh_local_stack_holds_every_required_secret() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap();
        let example = std::fs::read_to_string(root.join(".dev.vars.example")).unwrap();
        let mut names = file_names(&example);
        names.extend(crate::stack::INJECTED.iter().map(|n| n.to_string()));
        let config: toml::Table = std::fs::read_to_string(root.join("wrangler.toml"))
            .unwrap()
            .parse()
            .unwrap();
        names.extend(toml_vars(config["env"]["development"].as_table().unwrap()).into_keys());
        let report = judge(&names, false, false);
        assert!(report.is_ok(), "{:?}", report.problems());
    }

    #[test]
    fn names_come_from_wranglers_list_and_from_env_files() {
        let listed = listed_names(r#"[{"name":"JWT_SECRET","type":"secret_text"},{"name":"TURSO_AUTH_TOKEN","type":"secret_text"}]"#).unwrap();
        assert_eq!(listed, held(&["JWT_SECRET", "TURSO_AUTH_TOKEN"]));
        assert!(listed_names("You are not logged in").is_err());
        assert_eq!(
            file_names("# JWT_SECRET=x\nAPI_KEY_SECRET=abc\nEMPTY=\n"),
            held(&["API_KEY_SECRET"])
        );
    }
}
