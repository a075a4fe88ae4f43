//! `cargo xtask backup` and `cargo xtask restore --from …`: the database (schema and data as
//! SQL) and both KV namespaces, with a manifest of every table's rows and fingerprint.
//!
//! Locally (no `--env`) they work on the running `cargo xtask dev` stack and keep backups under
//! `.local/backups/<when>/`. For a deployment (`--env staging|production`) the database is the
//! environment's Turso (`TURSO_DATABASE_URL`, `TURSO_AUTH_TOKEN`), KV goes through Cloudflare's
//! API, and the files go to the environment's backups bucket under the day's date, which a
//! lifecycle rule keeps for 30 days. The daily run is `.github/workflows/backup.yml`.
//! A restore only ever goes into an empty database, and fails unless every table comes back
//! with exactly the rows and fingerprint the manifest recorded.

mod dump;
pub mod kv;
mod remote;
mod restore;
pub mod round_trip;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

pub use dump::Sums;
use kv::Kv;

/// What a backup holds, written beside it as `manifest.json`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub created_at: String,
    /// Where it was taken from (the database host), for the reader.
    pub source: String,
    pub tables: Sums,
    /// Keys per KV namespace.
    pub kv: Vec<(String, usize)>,
}

const DB_FILE: &str = "db.sql";
const KV_FILE: &str = "kv.json";
const MANIFEST_FILE: &str = "manifest.json";

fn host_of(url: &str) -> String {
    url.split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split('/')
        .next()
        .unwrap_or("")
        .to_string()
}

/// Takes a backup of the database at `url` and of `kv` into `dir`.
pub fn take(url: &str, token: &str, kv: &Kv, dir: &Path) -> Result<Manifest> {
    std::fs::create_dir_all(dir)?;
    let created_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let dump = crate::remote_db::with_connection(url, token, async |conn| dump::dump(&conn).await)?;
    let source = host_of(url);
    std::fs::write(
        dir.join(DB_FILE),
        dump.sql(&format!(
            "PingToPass database backup of {source}, {created_at}"
        )),
    )?;
    let keys = kv.export()?;
    crate::secrets::write_private(&dir.join(KV_FILE), &serde_json::to_string(&keys)?)?;
    let manifest = Manifest {
        created_at,
        source,
        tables: dump.sums,
        kv: kv::counts(&keys),
    };
    std::fs::write(
        dir.join(MANIFEST_FILE),
        serde_json::to_vec_pretty(&manifest)?,
    )?;
    Ok(manifest)
}

/// Restores the backup in `dir` into the empty database at `url` and into `kv`, and checks
/// every table against the manifest. Returns (tables, rows).
pub fn put_back(dir: &Path, url: &str, token: &str, kv: &Kv) -> Result<(usize, u64)> {
    let restored = put_back_database(dir, url, token)?;
    let keys: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join(KV_FILE))?)?;
    kv.import(&keys)?;
    Ok(restored)
}

/// The database part of [`put_back`].
pub fn put_back_database(dir: &Path, url: &str, token: &str) -> Result<(usize, u64)> {
    let manifest: Manifest = serde_json::from_slice(
        &std::fs::read(dir.join(MANIFEST_FILE))
            .with_context(|| format!("{} has no manifest", dir.display()))?,
    )?;
    let sql = std::fs::read_to_string(dir.join(DB_FILE))?;
    restore::restore(url, token, &sql, &manifest.tables)
}

pub struct Options {
    /// `None`: the local dev stack.
    pub target: Option<crate::release::Target>,
    pub dry_run: bool,
    /// Restore only: the database only, into this fresh one (URL, token), KV untouched — a
    /// restore drill, or a new database to switch to.
    pub into: Option<(String, String)>,
}

fn local_stack() -> Result<(String, String, PathBuf)> {
    let dev = crate::paths::Paths::discover().local().join("dev");
    let (url, token) = crate::sqld::running(&dev.join("sqld"))
        .context("no local stack is running: start `cargo xtask dev`, or pass --env")?;
    Ok((url, token, dev.join("wrangler")))
}

pub fn backup(options: Options) -> Result<()> {
    let tools = crate::bootstrap::ensure(crate::bootstrap::Needs { test_tools: false })?;
    match options.target {
        None => {
            let (url, token, persist) = local_stack()?;
            let stamp = chrono::Utc::now().format("%Y-%m-%dT%H%M%SZ").to_string();
            let dir = tools.paths.local().join("backups").join(stamp);
            let manifest = take(
                &url,
                &token,
                &Kv::Local {
                    tools: &tools,
                    persist,
                },
                &dir,
            )?;
            report(&manifest, &dir.display().to_string());
            Ok(())
        }
        Some(target) => remote::backup(&tools, target, options.dry_run),
    }
}

pub fn restore_from(from: &str, options: Options) -> Result<()> {
    let tools = crate::bootstrap::ensure(crate::bootstrap::Needs { test_tools: false })?;
    if let Some((url, token)) = &options.into {
        let dir = match options.target {
            None => PathBuf::from(from),
            Some(target) => remote::fetch(&tools, target, from, options.dry_run)?,
        };
        if options.dry_run {
            return Ok(());
        }
        let (tables, rows) = put_back_database(&dir, url, token)?;
        println!(
            "  restored {tables} tables, {rows} rows into {}; every table matches the manifest (KV untouched)",
            host_of(url)
        );
        return Ok(());
    }
    match options.target {
        None => {
            let (url, token, persist) = local_stack()?;
            let (tables, rows) = put_back(
                Path::new(from),
                &url,
                &token,
                &Kv::Local {
                    tools: &tools,
                    persist,
                },
            )?;
            println!(
                "  restored {tables} tables, {rows} rows, and KV; every table matches the manifest"
            );
            Ok(())
        }
        Some(target) => remote::restore(&tools, target, from, options.dry_run),
    }
}

fn report(manifest: &Manifest, place: &str) {
    let rows: u64 = manifest.tables.values().map(|t| t.rows).sum();
    println!(
        "  backed up {} tables ({rows} rows) and KV {:?} from {} to {place}",
        manifest.tables.len(),
        manifest.kv,
        manifest.source
    );
}
