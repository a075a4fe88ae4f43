//! `--dry-run`: every command and gate a release would run, printed in order. What can be checked
//! offline is: the version is bundled by `wrangler versions upload --dry-run`, the migrations are
//! read and validated, and the assets are hashed. Gates are printed with their SQL and taken as
//! healthy, so the whole rollout shows.

use std::time::Duration;

use anyhow::Result;

use super::cloud::{Cloud, built_assets, relative};
use super::commands::{self, shell_line};
use super::gate::{self, Metrics};
use super::rollout::Label;
use super::{EnvConfig, VersionId};
use crate::bootstrap::Tools;

pub struct DryRun<'a> {
    tools: &'a Tools,
    /// Print each line as it comes (the command), or only keep it (the test run's rehearsal).
    echo: bool,
    pub transcript: Vec<String>,
}

impl<'a> DryRun<'a> {
    pub fn new(tools: &'a Tools, echo: bool) -> Self {
        Self {
            tools,
            echo,
            transcript: vec![],
        }
    }

    fn say(&mut self, line: String) {
        if self.echo {
            println!("{line}");
        }
        self.transcript.push(line);
    }

    fn print(&mut self, args: &[String]) {
        self.say(format!("  $ {}", shell_line("wrangler", args)));
    }

    /// Prints the upload and has wrangler bundle and check it with `--dry-run`, offline.
    fn bundle(&mut self, env: &EnvConfig, args: Vec<String>) -> Result<VersionId> {
        self.print(&args);
        let outdir = self
            .tools
            .paths
            .root
            .join("target/release/dry-run")
            .join(env.target.as_str());
        // The secrets file is written only by a real deploy, from the job's environment.
        let mut checked: Vec<String> = vec![];
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if arg == "--secrets-file" {
                args.next();
            } else {
                checked.push(arg);
            }
        }
        checked.extend([
            "--dry-run".into(),
            "--outdir".into(),
            outdir.display().to_string(),
        ]);
        crate::cmd::output(crate::wrangler::wrangler(self.tools).args(&checked))?;
        self.say("  (bundled and checked by wrangler's own --dry-run: accepted)".into());
        Ok(VersionId::placeholder("new version"))
    }
}

impl Cloud for DryRun<'_> {
    fn ensure_resources(&mut self, env: &EnvConfig) -> Result<()> {
        if env.pr.is_some() {
            self.say("▸ the pull request's own bucket and queues (an existing one is kept)".into());
            self.print(&commands::bucket_create(env));
            for queue in &env.queues {
                self.print(&commands::queue_create(env, queue));
            }
        }
        Ok(())
    }

    fn migrate(&mut self, env: &EnvConfig) -> Result<()> {
        let migrations = crate::migrate::load(&self.tools.paths.migrations())?;
        let set = |name: &str| std::env::var(name).is_ok_and(|v| !v.trim().is_empty());
        self.say(format!(
            "▸ migrations: apply what {} has not applied of {} ({} … {}), each in its own transaction",
            env.target.as_str(),
            relative(&self.tools.paths.root, &self.tools.paths.migrations()),
            migrations.first().map_or("none", |m| m.file.as_str()),
            migrations.last().map_or("none", |m| m.file.as_str()),
        ));
        self.say(format!(
            "  to $TURSO_DATABASE_URL with $TURSO_AUTH_TOKEN (set here: {}, {})",
            set("TURSO_DATABASE_URL"),
            set("TURSO_AUTH_TOKEN")
        ));
        Ok(())
    }

    fn put_assets(&mut self, env: &EnvConfig) -> Result<()> {
        let files = built_assets(self.tools)?;
        self.say(
            "▸ assets: put what the bucket's manifest does not hold, pages last, delete nothing"
                .into(),
        );
        self.print(&commands::manifest_get(env));
        // Offline the bucket's manifest is unknown: show the order for an empty bucket.
        let order = commands::upload_order(&files, &Default::default());
        for key in &order {
            let (path, _) = &files[key];
            self.print(&commands::object_put(
                env,
                key,
                &relative(&self.tools.paths.root, path),
                &crate::wrangler::content_type(path),
            ));
        }
        self.print(&commands::object_put(
            env,
            commands::ASSET_MANIFEST,
            "<updated manifest>",
            "application/json",
        ));
        self.say(format!(
            "  ({} files; a deploy that changed only the Worker puts none)",
            order.len()
        ));
        Ok(())
    }

    fn serving(&mut self, env: &EnvConfig) -> Result<Option<VersionId>> {
        self.say("▸ the version serving now (rolled back to if a gate fails)".into());
        self.print(&commands::deployments_status(env));
        Ok(Some(VersionId::placeholder("serving version")))
    }

    fn upload_version(&mut self, env: &EnvConfig, label: &Label) -> Result<VersionId> {
        self.say("▸ upload the Worker as a new version, with no traffic yet".into());
        self.bundle(env, commands::versions_upload(env, label))
    }

    fn deploy_at_once(&mut self, env: &EnvConfig, label: &Label) -> Result<VersionId> {
        self.say("▸ deploy the Worker: a new version with all traffic at once".into());
        if env.pr.is_some() {
            self.say(format!(
                "  with the preview environment's secrets (--secrets-file, from this process; set here: {:?})",
                super::secrets::present()
            ));
        }
        self.bundle(env, commands::deploy(env, label))
    }

    fn route(&mut self, env: &EnvConfig, split: &[(VersionId, u8)], message: &str) -> Result<()> {
        let shares: Vec<String> = split.iter().map(|(v, p)| format!("{v} {p} %")).collect();
        self.say(format!("▸ traffic: {}", shares.join(", ")));
        self.print(&commands::versions_deploy(env, split, message));
        Ok(())
    }

    fn metrics(&mut self, env: &EnvConfig, version: &VersionId, seconds: u64) -> Result<Metrics> {
        let thresholds = gate::Thresholds::default();
        self.say(
            "  gate: POST https://api.cloudflare.com/client/v4/accounts/$CLOUDFLARE_ACCOUNT_ID/analytics_engine/sql"
                .into(),
        );
        self.say(format!(
            "    {}",
            gate::query(&env.dataset, version, seconds)
        ));
        self.say(format!(
            "    roll back if error rate > {:.0} %, p95 > {:.0} ms or success < {:.0} %; wait while under {:.0} requests",
            thresholds.max_error_rate * 100.0,
            thresholds.max_p95_ms,
            thresholds.min_success_rate * 100.0,
            thresholds.min_requests
        ));
        self.say("    (dry run: taken as healthy)".into());
        Ok(Metrics {
            requests: thresholds.min_requests,
            server_errors: 0.0,
            turned_away: 0.0,
            p95_ms: 0.0,
        })
    }

    fn pause(&mut self, duration: Duration) {
        self.say(format!("  wait {} s", duration.as_secs()));
    }

    fn report(&mut self, _: &str) {}

    fn retire(&mut self, env: &EnvConfig) -> Result<()> {
        self.say(format!("▸ retire {}", env.describe()));
        for step in commands::retire(env) {
            self.print(&step);
        }
        Ok(())
    }

    fn roll_back(&mut self, env: &EnvConfig, to: Option<&VersionId>, reason: &str) -> Result<()> {
        self.say(format!("▸ roll back {}", env.describe()));
        self.print(&commands::rollback(env, to, reason));
        Ok(())
    }
}
