//! What a release asks of Cloudflare and Turso, as a port: [`Wrangler`] does it (wrangler, the
//! Analytics Engine SQL API, the migrator), [`super::dry_run::DryRun`] prints it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::commands::{self, ASSET_MANIFEST, shell_line};
use super::gate::{self, Metrics};
use super::rollout::Label;
use super::{EnvConfig, VersionId};
use crate::bootstrap::Tools;

pub trait Cloud {
    /// A pull request's own bucket and queues exist (nothing for the shared environments).
    fn ensure_resources(&mut self, env: &EnvConfig) -> Result<()>;
    fn migrate(&mut self, env: &EnvConfig) -> Result<()>;
    fn put_assets(&mut self, env: &EnvConfig) -> Result<()>;
    /// The version serving the most traffic now; `None` before the first deploy.
    fn serving(&mut self, env: &EnvConfig) -> Result<Option<VersionId>>;
    /// Uploads a version without traffic.
    fn upload_version(&mut self, env: &EnvConfig, label: &Label) -> Result<VersionId>;
    /// Uploads a version and gives it all traffic (`wrangler deploy`).
    fn deploy_at_once(&mut self, env: &EnvConfig, label: &Label) -> Result<VersionId>;
    fn route(&mut self, env: &EnvConfig, split: &[(VersionId, u8)], message: &str) -> Result<()>;
    /// `version`'s traffic over the last `seconds`.
    fn metrics(&mut self, env: &EnvConfig, version: &VersionId, seconds: u64) -> Result<Metrics>;
    fn pause(&mut self, duration: Duration);
    fn report(&mut self, line: &str);
    /// `to`, or the deployment before the current one, gets all traffic.
    fn roll_back(&mut self, env: &EnvConfig, to: Option<&VersionId>, reason: &str) -> Result<()>;
    /// Removes a closed pull request's preview.
    fn retire(&mut self, env: &EnvConfig) -> Result<()>;
}

/// Bucket key → (file, SHA-256) of everything a deploy puts into the assets bucket.
pub fn built_assets(tools: &Tools) -> Result<BTreeMap<String, (PathBuf, String)>> {
    let files = crate::wrangler::asset_files(&crate::wrangler::asset_sources(&tools.paths))?;
    files
        .into_iter()
        .map(|(key, path)| {
            let hash = format!("{:x}", Sha256::digest(std::fs::read(&path)?));
            Ok((key, (path, hash)))
        })
        .collect()
}

/// The real cloud. Needs `CLOUDFLARE_API_TOKEN` and `CLOUDFLARE_ACCOUNT_ID` (wrangler reads them
/// too), and for migrations the environment's `TURSO_DATABASE_URL` and `TURSO_AUTH_TOKEN`.
pub struct Wrangler<'a> {
    tools: &'a Tools,
    account: String,
    token: String,
    http: reqwest::blocking::Client,
}

/// A variable the real run cannot go without; named, never printed.
fn required(name: &str) -> Result<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
        .with_context(|| format!("{name} is not set (the real deploy needs it; try --dry-run)"))
}

impl<'a> Wrangler<'a> {
    pub fn new(tools: &'a Tools) -> Result<Self> {
        Ok(Self {
            tools,
            account: required("CLOUDFLARE_ACCOUNT_ID")?,
            token: required("CLOUDFLARE_API_TOKEN")?,
            http: reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()?,
        })
    }

    /// Runs wrangler; returns stdout and the entries it wrote to its output file.
    fn wrangler(&self, args: &[String]) -> Result<(String, Vec<Value>)> {
        eprintln!("  $ {}", shell_line("wrangler", args));
        let entries =
            std::env::temp_dir().join(format!("ptp-wrangler-{}.ndjson", std::process::id()));
        let _ = std::fs::remove_file(&entries);
        let stdout = crate::cmd::output(
            crate::wrangler::wrangler(self.tools)
                .args(args)
                .env("WRANGLER_OUTPUT_FILE_PATH", &entries),
        )?;
        let written = std::fs::read_to_string(&entries).unwrap_or_default();
        let _ = std::fs::remove_file(&entries);
        let parsed = written
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect();
        Ok((stdout, parsed))
    }

    fn manifest(&self, env: &EnvConfig) -> BTreeMap<String, String> {
        // A bucket that was never deployed to has no manifest: everything is new.
        self.wrangler(&commands::manifest_get(env))
            .ok()
            .and_then(|(stdout, _)| serde_json::from_str(&stdout).ok())
            .unwrap_or_default()
    }
}

/// An "already exists" refusal means the resource is there, which is all a deploy wants.
fn tolerate_existing(result: Result<(String, Vec<Value>)>) -> Result<()> {
    match result {
        Err(err) if format!("{err:#}").to_lowercase().contains("already exist") => Ok(()),
        other => other.map(drop),
    }
}

impl Cloud for Wrangler<'_> {
    fn ensure_resources(&mut self, env: &EnvConfig) -> Result<()> {
        if env.pr.is_none() {
            return Ok(());
        }
        tolerate_existing(self.wrangler(&commands::bucket_create(env)))?;
        for queue in &env.queues {
            tolerate_existing(self.wrangler(&commands::queue_create(env, queue)))?;
        }
        Ok(())
    }

    fn migrate(&mut self, _env: &EnvConfig) -> Result<()> {
        let url = required("TURSO_DATABASE_URL")?;
        let token = required("TURSO_AUTH_TOKEN")?;
        let applied = crate::migrate::apply(&self.tools.paths.migrations(), &url, &token)?;
        eprintln!("  migrations: {applied:?}");
        Ok(())
    }

    fn put_assets(&mut self, env: &EnvConfig) -> Result<()> {
        let files = built_assets(self.tools)?;
        let mut manifest = self.manifest(env);
        let order = commands::upload_order(&files, &manifest);
        for key in &order {
            let (path, hash) = &files[key];
            let content_type = crate::wrangler::content_type(path);
            self.wrangler(&commands::object_put(
                env,
                key,
                &path.display().to_string(),
                &content_type,
            ))?;
            manifest.insert(key.clone(), hash.clone());
        }
        if !order.is_empty() {
            let written = std::env::temp_dir().join("ptp-assets-manifest.json");
            std::fs::write(&written, serde_json::to_vec_pretty(&manifest)?)?;
            self.wrangler(&commands::object_put(
                env,
                ASSET_MANIFEST,
                &written.display().to_string(),
                "application/json",
            ))?;
        }
        eprintln!("  assets: {} of {} files put", order.len(), files.len());
        Ok(())
    }

    fn serving(&mut self, env: &EnvConfig) -> Result<Option<VersionId>> {
        match self.wrangler(&commands::deployments_status(env)) {
            Ok((stdout, _)) => serving_version(&stdout),
            Err(err) if format!("{err:#}").contains("has no deployments") => Ok(None),
            Err(err) => Err(err),
        }
    }

    fn upload_version(&mut self, env: &EnvConfig, label: &Label) -> Result<VersionId> {
        let (_, entries) = self.wrangler(&commands::versions_upload(env, label))?;
        reported_version(&entries, "version-upload")
    }

    fn deploy_at_once(&mut self, env: &EnvConfig, label: &Label) -> Result<VersionId> {
        let secrets = super::secrets::write_for(env)?;
        let deployed = self.wrangler(&commands::deploy(env, label));
        if let Some(file) = secrets {
            let _ = std::fs::remove_file(file);
        }
        reported_version(&deployed?.1, "deploy")
    }

    fn route(&mut self, env: &EnvConfig, split: &[(VersionId, u8)], message: &str) -> Result<()> {
        self.wrangler(&commands::versions_deploy(env, split, message))
            .map(drop)
    }

    fn metrics(&mut self, env: &EnvConfig, version: &VersionId, seconds: u64) -> Result<Metrics> {
        let url = format!(
            "https://api.cloudflare.com/client/v4/accounts/{}/analytics_engine/sql",
            self.account
        );
        let response = self
            .http
            .post(url)
            .bearer_auth(&self.token)
            .body(gate::query(&env.dataset, version, seconds))
            .send()?;
        let status = response.status();
        let body = response.text()?;
        if !status.is_success() {
            bail!(
                "the SQL API answered {status}: {}",
                body.chars().take(300).collect::<String>()
            );
        }
        gate::parse(&body)
    }

    fn pause(&mut self, duration: Duration) {
        std::thread::sleep(duration);
    }

    fn report(&mut self, line: &str) {
        eprintln!("  {line}");
    }

    fn roll_back(&mut self, env: &EnvConfig, to: Option<&VersionId>, reason: &str) -> Result<()> {
        self.wrangler(&commands::rollback(env, to, reason))
            .map(drop)
    }

    fn retire(&mut self, env: &EnvConfig) -> Result<()> {
        // Each step on its own: a queue already gone must not keep the Worker alive.
        let failures: Vec<String> = commands::retire(env)
            .iter()
            .filter_map(|step| self.wrangler(step).err().map(|err| format!("{err:#}")))
            .collect();
        if !failures.is_empty() {
            bail!(
                "retiring {} left work undone:\n{}",
                env.describe(),
                failures.join("\n")
            );
        }
        Ok(())
    }
}

/// The version id in wrangler's output entry of `kind`.
fn reported_version(entries: &[Value], kind: &str) -> Result<VersionId> {
    let id = entries
        .iter()
        .find(|entry| entry["type"] == kind)
        .and_then(|entry| entry["version_id"].as_str())
        .with_context(|| format!("wrangler reported no version id ({kind})"))?;
    VersionId::parse(id)
}

/// The version with the largest share in `wrangler deployments status --json`.
fn serving_version(status: &str) -> Result<Option<VersionId>> {
    let doc: Value = serde_json::from_str(status).context("deployments status: not JSON")?;
    let versions = doc["versions"]
        .as_array()
        .context("deployments status: no versions")?;
    versions
        .iter()
        .max_by(|a, b| {
            let share = |v: &Value| v["percentage"].as_f64().unwrap_or(0.0);
            share(a).total_cmp(&share(b))
        })
        .and_then(|v| v["version_id"].as_str())
        .map(VersionId::parse)
        .transpose()
}

/// Where `path` sits under the checkout, for shorter log lines.
pub fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
pub mod tests;
