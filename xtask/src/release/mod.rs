//! The release path of `../shared/reference/deployment-architecture.md`:
//! `cargo xtask deploy --env preview|staging|production [--dry-run]` and `cargo xtask rollback`.
//!
//! A deploy builds, applies migrations to the environment's Turso database, puts the SPA and
//! `static/` into its R2 bucket (new files first, `index.html` last, old hashed files kept so open
//! tabs keep working), uploads a Worker version and routes traffic to it. Production moves
//! gradually, 10 → 25 → 50 → 100 %, and after each step a health gate ([`gate`]) reads the new
//! version's own metrics: a failing gate routes everything back to the previous version and the
//! deploy exits non-zero saying why. Everything the cloud does goes through [`Cloud`]: the real
//! form runs wrangler and the Analytics Engine SQL API, `--dry-run` prints each command and gate.

mod cloud;
pub mod commands;
mod config;
mod dry_run;
pub mod gate;
pub mod rehearsal;
mod rollout;
mod secrets;

use std::time::Instant;

use anyhow::{Result, bail};

use crate::bootstrap::{self, Needs};
use crate::build;

pub use cloud::Cloud;
pub use config::{EnvConfig, Target};
pub use rollout::Policy;

/// A Worker version's id, as Cloudflare prints it (a UUID); the gate puts it into SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionId(String);

impl VersionId {
    pub fn parse(value: &str) -> Result<Self> {
        let value = value.trim();
        let uuid_like = value.len() == 36
            && value.chars().enumerate().all(|(i, c)| match i {
                8 | 13 | 18 | 23 => c == '-',
                _ => c.is_ascii_hexdigit(),
            });
        if !uuid_like {
            bail!("{value:?} is not a Worker version id");
        }
        Ok(Self(value.to_ascii_lowercase()))
    }

    /// A stand-in the dry run prints where the real run would have an id.
    fn placeholder(label: &str) -> Self {
        Self(format!("<{label}>"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for VersionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub struct DeployOptions {
    pub target: Target,
    /// Preview only: the pull request this preview belongs to.
    pub pr: Option<u32>,
    pub dry_run: bool,
}

pub fn deploy(options: DeployOptions) -> Result<()> {
    let started = Instant::now();
    let tools = bootstrap::ensure(Needs { test_tools: false })?;
    let env = EnvConfig::read(&tools.paths.root, options.target, options.pr)?;
    build::all(&tools)?;
    let built = started.elapsed();
    let label = version_label(&tools.paths.root);
    let policy = Policy::default();
    let outcome = if options.dry_run {
        rollout::release(
            &mut dry_run::DryRun::new(&tools, true),
            &env,
            &policy,
            &label,
        )
    } else {
        rollout::release(&mut cloud::Wrangler::new(&tools)?, &env, &policy, &label)
    };
    eprintln!(
        "\n  deploy {}{}: built in {:.1}s, {:.1}s in all",
        env.describe(),
        if options.dry_run { " (dry run)" } else { "" },
        built.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    outcome.map(drop)
}

/// The dry run of a release to `target`, built already: its transcript, for the test run.
pub fn rehearse(tools: &crate::bootstrap::Tools, target: Target) -> Result<Vec<String>> {
    let pr = (target == Target::Preview).then_some(1);
    let env = EnvConfig::read(&tools.paths.root, target, pr)?;
    let mut dry = dry_run::DryRun::new(tools, false);
    rollout::release(
        &mut dry,
        &env,
        &Policy::default(),
        &version_label(&tools.paths.root),
    )?;
    Ok(dry.transcript)
}

pub struct RollbackOptions {
    pub target: Target,
    pub pr: Option<u32>,
    /// The version to go back to; default: the one deployed before the current deployment.
    pub to: Option<String>,
    pub dry_run: bool,
}

pub fn rollback(options: RollbackOptions) -> Result<()> {
    let tools = bootstrap::ensure(Needs { test_tools: false })?;
    let env = EnvConfig::read(&tools.paths.root, options.target, options.pr)?;
    let to = options.to.as_deref().map(VersionId::parse).transpose()?;
    let reason = "rolled back by hand (cargo xtask rollback)";
    if options.dry_run {
        dry_run::DryRun::new(&tools, true).roll_back(&env, to.as_ref(), reason)
    } else {
        cloud::Wrangler::new(&tools)?.roll_back(&env, to.as_ref(), reason)
    }
}

/// `cargo xtask secrets check --env …`: which of the Worker's secrets an environment lacks.
/// development: the local stack's (`.dev.vars` and what xtask gives the Worker itself);
/// preview: this process's environment, which a preview's deploy uploads; staging and
/// production: `wrangler secret list`. Exits non-zero when something is missing.
pub fn secrets_check(env_name: &str, dry_run: bool) -> Result<()> {
    use std::collections::BTreeSet;
    let paths = crate::paths::Paths::discover();
    let (label, mut held, vars): (String, BTreeSet<String>, _) = match env_name {
        "development" => {
            let config: toml::Table =
                std::fs::read_to_string(paths.root.join("wrangler.toml"))?.parse()?;
            let env = config["env"]["development"]
                .as_table()
                .cloned()
                .unwrap_or_default();
            let file = std::fs::read_to_string(paths.root.join(".dev.vars"))
                .or_else(|_| std::fs::read_to_string(paths.root.join(".dev.vars.example")))?;
            let mut held = secrets::file_names(&file);
            // The local stack hands the Worker its database and sign-in stand-in itself.
            held.extend(crate::stack::INJECTED.iter().map(|n| n.to_string()));
            (
                "development (the local stack)".into(),
                held,
                secrets::toml_vars(&env),
            )
        }
        "preview" | "staging" | "production" => {
            let target = match env_name {
                "preview" => Target::Preview,
                "staging" => Target::Staging,
                _ => Target::Production,
            };
            let env = EnvConfig::read(
                &paths.root,
                target,
                (target == Target::Preview).then_some(1),
            )?;
            let held = if target == Target::Preview {
                secrets::present().iter().map(|n| n.to_string()).collect()
            } else {
                let args = commands::secret_list(&env);
                if dry_run {
                    println!("  $ {}", commands::shell_line("wrangler", &args));
                    return Ok(());
                }
                let tools = bootstrap::ensure(Needs { test_tools: false })?;
                let out = crate::cmd::output(crate::wrangler::wrangler(&tools).args(&args))?;
                secrets::listed_names(&out)?
            };
            (env_name.to_string(), held, env.vars.clone())
        }
        other => bail!("unknown environment {other}: development, preview, staging or production"),
    };
    held.extend(vars.keys().cloned());
    let payments = vars.get("PAYMENTS").is_some_and(|v| v == "on");
    let report = secrets::judge(&held, payments, env_name == "production");
    secrets::print(&label, &report);
    if !report.is_ok() {
        bail!("{label}: {}", report.problems().join("; "));
    }
    println!("  = nothing missing");
    Ok(())
}

/// `cargo xtask retire --pr N`: a closed pull request's preview goes away.
pub fn retire(pr: u32, dry_run: bool) -> Result<()> {
    let tools = bootstrap::ensure(Needs { test_tools: false })?;
    let env = EnvConfig::read(&tools.paths.root, Target::Preview, Some(pr))?;
    if dry_run {
        dry_run::DryRun::new(&tools, true).retire(&env)
    } else {
        cloud::Wrangler::new(&tools)?.retire(&env)
    }
}

/// The version's tag and message: the commit it was built from.
fn version_label(root: &std::path::Path) -> rollout::Label {
    let git = |args: &[&str]| {
        crate::cmd::output(crate::cmd::command("git").current_dir(root).args(args))
            .map(|out| out.trim().to_string())
            .unwrap_or_default()
    };
    let commit = git(&["rev-parse", "--short=12", "HEAD"]);
    let subject = git(&["log", "-1", "--format=%s"]);
    rollout::Label {
        tag: if commit.is_empty() {
            "unknown".into()
        } else {
            commit
        },
        message: subject.chars().take(100).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::VersionId;

    #[test]
    fn version_ids_are_uuids_and_nothing_else_reaches_the_gates_sql() {
        assert!(VersionId::parse("0F3C1A2B-4d5e-4f60-8a7b-9c0d1e2f3a4b").is_ok());
        for bad in [
            "",
            "latest",
            "0f3c1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4",
            "0f3c1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4b' OR 1=1 --",
            "0f3c1a2b04d5e04f6008a7b09c0d1e2f3a4b",
        ] {
            assert!(VersionId::parse(bad).is_err(), "{bad:?}");
        }
    }
}
