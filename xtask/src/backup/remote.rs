//! Backups of a deployment: Turso and KV read with the environment's credentials, the files put
//! into its backups bucket under the day's date (`<date>/db.sql`, `kv.json`, `manifest.json`),
//! and a lifecycle rule on the bucket that deletes them after 30 days.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};

use super::kv::{Kv, Remote};
use super::{DB_FILE, KV_FILE, MANIFEST_FILE};
use crate::bootstrap::Tools;
use crate::release::Target;
use crate::release::commands::shell_line;

const RETENTION_DAYS: &str = "30";

fn bucket(target: Target) -> String {
    match target {
        Target::Production => "pingtopass-backups".into(),
        other => format!("pingtopass-backups-{}", other.as_str()),
    }
}

fn env_var(name: &str) -> Result<String> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .with_context(|| {
            format!("{name} is not set (a deployment's backup needs it; try --dry-run)")
        })
}

/// (binding, id) of the environment's KV namespaces, from wrangler.toml.
fn namespaces(root: &Path, target: Target) -> Result<Vec<(String, String)>> {
    let config: toml::Table = std::fs::read_to_string(root.join("wrangler.toml"))?.parse()?;
    Ok(config["env"][target.as_str()]["kv_namespaces"]
        .as_array()
        .context("no kv_namespaces")?
        .iter()
        .filter_map(|ns| {
            Some((
                ns.get("binding")?.as_str()?.to_string(),
                ns.get("id")?.as_str()?.to_string(),
            ))
        })
        .collect())
}

/// The environment's KV, through Cloudflare's API.
fn remote_kv(tools: &Tools, target: Target) -> Result<Kv<'static>> {
    Ok(Kv::Remote(Remote {
        account: env_var("CLOUDFLARE_ACCOUNT_ID")?,
        token: env_var("CLOUDFLARE_API_TOKEN")?,
        namespaces: namespaces(&tools.paths.root, target)?,
        http: reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()?,
    }))
}

struct Commands<'a> {
    tools: &'a Tools,
    dry_run: bool,
}

impl Commands<'_> {
    fn wrangler(&self, args: &[String]) -> Result<()> {
        println!("  $ {}", shell_line("wrangler", args));
        if self.dry_run {
            return Ok(());
        }
        crate::cmd::output(crate::wrangler::wrangler(self.tools).args(args)).map(drop)
    }
}

fn object(bucket: &str, date: &str, file: &str) -> String {
    format!("{bucket}/{date}/{file}")
}

pub fn backup(tools: &Tools, target: Target, dry_run: bool) -> Result<()> {
    let bucket = bucket(target);
    let date = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let dir = tools
        .paths
        .root
        .join("target/backups")
        .join(target.as_str())
        .join(&date);
    let run = Commands { tools, dry_run };
    println!("▸ backup of {} into {bucket}/{date}/", target.as_str());
    if dry_run {
        println!("  dump $TURSO_DATABASE_URL (schema and rows as SQL, a fingerprint per table)");
        println!(
            "  export KV {:?} through api.cloudflare.com (keys, values, expirations)",
            namespaces(&tools.paths.root, target)?
        );
    } else {
        let kv = remote_kv(tools, target)?;
        let manifest = super::take(
            &env_var("TURSO_DATABASE_URL")?,
            &env_var("TURSO_AUTH_TOKEN")?,
            &kv,
            &dir,
        )?;
        super::report(&manifest, &dir.display().to_string());
    }
    for file in [DB_FILE, KV_FILE, MANIFEST_FILE] {
        run.wrangler(&[
            "r2".into(),
            "object".into(),
            "put".into(),
            object(&bucket, &date, file),
            "--file".into(),
            dir.join(file).display().to_string(),
            "--remote".into(),
        ])?;
    }
    // Retention is the bucket's: a rule that already exists is kept as it is.
    let rule = run.wrangler(&[
        "r2".into(),
        "bucket".into(),
        "lifecycle".into(),
        "add".into(),
        bucket.clone(),
        format!("expire-after-{RETENTION_DAYS}-days"),
        String::new(),
        "--expire-days".into(),
        RETENTION_DAYS.into(),
        "--force".into(),
    ]);
    if let Err(err) = rule
        && !format!("{err:#}").to_lowercase().contains("already exist")
    {
        return Err(err);
    }
    Ok(())
}

/// Downloads the backup of `date` from the environment's bucket; returns its directory.
pub fn fetch(tools: &Tools, target: Target, date: &str, dry_run: bool) -> Result<PathBuf> {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").with_context(|| {
        format!("--from {date}: a deployment's backups are named by date, YYYY-MM-DD")
    })?;
    let bucket = bucket(target);
    let dir = tools
        .paths
        .root
        .join("target/restores")
        .join(target.as_str())
        .join(date);
    std::fs::create_dir_all(&dir)?;
    let run = Commands { tools, dry_run };
    for file in [DB_FILE, KV_FILE, MANIFEST_FILE] {
        run.wrangler(&[
            "r2".into(),
            "object".into(),
            "get".into(),
            object(&bucket, date, file),
            "--file".into(),
            dir.join(file).display().to_string(),
            "--remote".into(),
        ])?;
    }
    Ok(dir)
}

pub fn restore(tools: &Tools, target: Target, date: &str, dry_run: bool) -> Result<()> {
    println!(
        "▸ restore {}/{date}/ into the (empty) database at $TURSO_DATABASE_URL",
        bucket(target)
    );
    let dir = fetch(tools, target, date, dry_run)?;
    if dry_run {
        println!(
            "  then: the rows in chunks, the indexes, KV through the API, and every table checked"
        );
        return Ok(());
    }
    let kv = remote_kv(tools, target)?;
    let (tables, rows) = super::put_back(
        &dir,
        &env_var("TURSO_DATABASE_URL")?,
        &env_var("TURSO_AUTH_TOKEN")?,
        &kv,
    )?;
    println!("  restored {tables} tables, {rows} rows, and KV; every table matches the manifest");
    Ok(())
}
