//! The Worker under `wrangler dev` (workerd with local KV, R2, Queues and Cache), and the SPA's
//! files put into its local R2 bucket.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use nix::sys::signal::Signal;
use sha2::{Digest, Sha256};

use crate::bootstrap::Tools;
use crate::cmd::output;
use crate::process::Service;

/// The wrangler.toml environment local stacks run.
pub const ENVIRONMENT: &str = "development";

/// Settings for everything that runs wrangler's code: no telemetry, no `Request.cf` download, and
/// no banner — the banner is what checks npm for a newer wrangler.
const QUIET_OFFLINE: &[(&str, &str)] = &[
    ("WRANGLER_SEND_METRICS", "false"),
    ("CLOUDFLARE_CF_FETCH_ENABLED", "false"),
    ("WRANGLER_HIDE_BANNER", "true"),
];

fn node_tool(tools: &Tools, program: &Path) -> std::process::Command {
    let mut command = crate::node::tool(&tools.paths, program);
    command
        .current_dir(&tools.paths.root)
        .envs(QUIET_OFFLINE.iter().copied())
        .env(
            "WRANGLER_LOG_PATH",
            tools.paths.local().join("wrangler-logs"),
        );
    command
}

pub(crate) fn wrangler(tools: &Tools) -> std::process::Command {
    node_tool(tools, &tools.wrangler)
}

/// `wrangler dev` of another Worker's config (the benchmark's baseline), offline and quiet.
pub fn dev_of(
    tools: &Tools,
    config: &Path,
    port: u16,
    persist: &Path,
) -> Result<std::process::Command> {
    let mut dev = wrangler(tools);
    dev.arg("dev")
        .arg("--config")
        .arg(config)
        .args(["--ip", "127.0.0.1", "--port", &port.to_string()])
        .args([
            "--inspector-port",
            &crate::process::free_port()?.to_string(),
        ])
        .arg("--persist-to")
        .arg(persist)
        .args([
            "--show-interactive-dev-session=false",
            "--log-level",
            "warn",
        ]);
    Ok(dev)
}

pub struct DevOptions<'a> {
    pub port: u16,
    pub inspector_port: u16,
    pub persist: &'a Path,
    /// Env files in order; later ones override earlier ones.
    pub env_files: Vec<PathBuf>,
    /// `None`: share this terminal (xtask dev); `Some`: write output there (tests).
    pub log: Option<&'a Path>,
    /// Another Worker name than the config's: a second local Worker beside a running one must
    /// not share its name, which wrangler's local dev registry keys Workers by.
    pub name: Option<&'a str>,
}

pub fn start(tools: &Tools, options: &DevOptions) -> Result<Service> {
    let mut dev = wrangler(tools);
    dev.args(["dev", "--env", ENVIRONMENT, "--ip", "127.0.0.1"])
        .args(["--port", &options.port.to_string()])
        .args(["--inspector-port", &options.inspector_port.to_string()])
        .arg("--persist-to")
        .arg(options.persist)
        .args([
            "--test-scheduled",
            "--show-interactive-dev-session=false",
            // `log` rather than `info`: the Worker's console.log lines (its info-level JSON log)
            // sit at wrangler's `log` level.
            "--log-level",
            "log",
        ]);
    for file in &options.env_files {
        dev.arg("--env-file").arg(file);
    }
    if let Some(name) = options.name {
        dev.args(["--name", name]);
    }
    // SIGINT is what wrangler handles to stop its workerd children cleanly.
    Service::spawn("wrangler", &mut dev, options.log, Signal::SIGINT)
}

/// The environments wrangler.toml declares.
pub fn environments(root: &Path) -> Result<Vec<String>> {
    let config: toml::Table = fs::read_to_string(root.join("wrangler.toml"))?
        .parse()
        .context("parsing wrangler.toml")?;
    let envs = config
        .get("env")
        .and_then(|e| e.as_table())
        .context("wrangler.toml has no [env.*]")?;
    Ok(envs.keys().cloned().collect())
}

/// Bundles the built Worker for `env` exactly as `wrangler deploy` would, without uploading:
/// proves the configuration and every binding are accepted.
pub fn dry_run(tools: &Tools, env: &str) -> Result<String> {
    let out = tools.paths.root.join("target/wrangler-dry-run").join(env);
    output(
        wrangler(tools)
            .args(["deploy", "--dry-run", "--env", env, "--outdir"])
            .arg(out),
    )
}

/// `Content-Type` recorded with each object; the Worker serves it as stored.
pub fn content_type(path: &Path) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let essence = match mime.essence_str() {
        "application/javascript" => "text/javascript",
        other => other,
    };
    let textual = essence.starts_with("text/")
        || matches!(
            essence,
            "image/svg+xml" | "application/json" | "application/manifest+json"
        );
    if textual {
        format!("{essence}; charset=utf-8")
    } else {
        essence.to_string()
    }
}

/// Bucket key → file, from `(directory, key prefix)` pairs; no key may come from two places.
pub fn asset_files(sources: &[(PathBuf, &str)]) -> Result<BTreeMap<String, PathBuf>> {
    let mut files = BTreeMap::new();
    for (dir, prefix) in sources {
        for entry in walk(dir)? {
            let relative = entry
                .strip_prefix(dir)?
                .to_string_lossy()
                .replace('\\', "/");
            let key = format!("{prefix}{relative}");
            if let Some(previous) = files.insert(key.clone(), entry) {
                bail!(
                    "{key} comes both from {} and from {}",
                    previous.display(),
                    dir.display()
                );
            }
        }
    }
    Ok(files)
}

/// What goes into the `ASSETS` bucket: the SPA, `static/` and the API docs page.
pub fn asset_sources(paths: &crate::paths::Paths) -> Vec<(PathBuf, &'static str)> {
    vec![
        (paths.spa_dist(), ""),
        (paths.static_dir(), ""),
        (paths.api_docs_dist(), "api-docs/"),
    ]
}

fn walk(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = vec![];
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            found.extend(walk(&path)?)
        } else {
            found.push(path)
        }
    }
    Ok(found)
}

/// Puts every changed file into the local bucket (a manifest of content hashes next to the
/// persisted state skips the unchanged ones) in one Node process. Returns (uploaded, total).
pub fn upload_assets(tools: &Tools, persist: &Path) -> Result<(usize, usize)> {
    let files = asset_files(&asset_sources(&tools.paths))?;
    let manifest_path = persist.join("assets-manifest.json");
    let mut manifest: BTreeMap<String, String> = fs::read(&manifest_path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    let mut changed = vec![];
    for (key, path) in &files {
        let hash = format!("{:x}", Sha256::digest(fs::read(path)?));
        if manifest.get(key) != Some(&hash) {
            changed.push((key.clone(), path.clone(), hash));
        }
    }
    if changed.is_empty() {
        return Ok((0, files.len()));
    }
    let request: Vec<serde_json::Value> = changed
        .iter()
        .map(|(key, path, _)| serde_json::json!({ "key": key, "file": path, "contentType": content_type(path) }))
        .collect();
    let mut upload = node_tool(tools, &crate::node::bin_dir(&tools.paths).join("node"));
    upload
        .arg(tools.paths.root.join("xtask/r2-upload.mjs"))
        .arg(persist)
        .arg(ENVIRONMENT);
    crate::cmd::output_with_input(&mut upload, &serde_json::to_vec(&request)?)?;
    for (key, _, hash) in changed.iter() {
        manifest.insert(key.clone(), hash.clone());
    }
    fs::write(&manifest_path, serde_json::to_vec_pretty(&manifest)?)?;
    Ok((changed.len(), files.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_are_what_browsers_need() {
        for (file, expected) in [
            ("ptp-frontend-ab12_bg.wasm", "application/wasm"),
            ("ptp-frontend-ab12.js", "text/javascript; charset=utf-8"),
            ("index.html", "text/html; charset=utf-8"),
            ("style-ab12.css", "text/css; charset=utf-8"),
            ("icon.svg", "image/svg+xml; charset=utf-8"),
            ("favicon.ico", "image/x-icon"),
            ("robots.txt", "text/plain; charset=utf-8"),
        ] {
            assert_eq!(content_type(Path::new(file)), expected, "{file}");
        }
    }
}

#[cfg(test)]
mod config_tests {
    use std::path::Path;

    fn config() -> toml::Table {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        std::fs::read_to_string(root.join("wrangler.toml"))
            .unwrap()
            .parse()
            .unwrap()
    }

    fn bindings<'a>(env: &'a toml::Value, key: &str) -> Vec<&'a str> {
        env.get(key)
            .and_then(|v| v.as_array())
            .map(|list| {
                list.iter()
                    .filter_map(|b| b.get("binding")?.as_str())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Named environments inherit no bindings, so each must declare the seed's full set.
    #[test]
    fn every_environment_declares_every_binding() {
        let config = config();
        let envs = config["env"].as_table().unwrap();
        let names: Vec<&str> = envs.keys().map(String::as_str).collect();
        assert_eq!(names, ["development", "preview", "production", "staging"]);
        for (name, env) in envs {
            assert_eq!(
                env["vars"]["ENVIRONMENT"].as_str(),
                Some(name.as_str()),
                "{name}"
            );
            assert!(env["vars"]["SITE_URL"].as_str().is_some(), "{name}");
            assert!(env["vars"]["LOG_LEVEL"].as_str().is_some(), "{name}");
            assert_eq!(
                bindings(env, "kv_namespaces"),
                ["SESSION_STORE", "CACHE_STORE"],
                "{name}"
            );
            assert_eq!(bindings(env, "r2_buckets"), ["ASSETS"], "{name}");
            assert_eq!(
                bindings(env, "analytics_engine_datasets"),
                ["ANALYTICS"],
                "{name}"
            );
            assert_eq!(
                env["version_metadata"]["binding"].as_str(),
                Some("CF_VERSION_METADATA"),
                "{name}: the rollout gate splits metrics by version"
            );
            let queues = &env["queues"];
            assert_eq!(bindings(queues, "producers"), ["TASK_QUEUE"], "{name}");
            let producer = queues["producers"][0]["queue"].as_str();
            assert_eq!(
                queues["consumers"][0]["queue"].as_str(),
                producer,
                "{name} consumes its own queue"
            );
            assert_eq!(
                env["observability"]["enabled"].as_bool(),
                Some(true),
                "{name}"
            );
            let crons = env["triggers"]["crons"].as_array().unwrap();
            let expected = if name == "preview" { 0 } else { 3 };
            assert_eq!(crons.len(), expected, "{name} crons");
        }
        assert_eq!(
            envs["production"]["observability"]["head_sampling_rate"].as_float(),
            Some(0.1)
        );
    }

    #[test]
    fn no_secret_has_a_value_in_the_config() {
        let config = config();
        for (name, env) in config["env"].as_table().unwrap() {
            let vars = env["vars"].as_table().unwrap();
            for secret in [
                "TURSO_AUTH_TOKEN",
                "TURSO_DATABASE_URL",
                "JWT_SECRET",
                "GOOGLE_CLIENT_SECRET",
            ] {
                assert!(
                    !vars.contains_key(secret),
                    "{name} sets the secret {secret} as a plain var"
                );
            }
        }
    }
}
