//! `cargo xtask <command>`: everything beyond `cargo build` — the offline toolchain bootstrap,
//! the SPA and Worker builds, the local stack, migrations and the full test run.

mod admin;
mod backup;
mod bench;
mod bootstrap;
mod build;
mod cmd;
mod contract;
mod control;
mod cron;
mod fakellm;
mod json_server;
mod langsmith_standin;
mod load;
mod loader;
mod migrate;
mod misconfigured;
mod node;
mod oidc;
mod paths;
mod process;
mod random;
mod release;
mod remote_db;
mod secrets;
mod seed;
mod smoke;
mod sqld;
mod stack;
mod standins;
mod steps;
mod stripe_standin;
mod tally;
mod testrun;
mod usage_standin;
mod wasm_std;
mod wrangler;
mod x_standin;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "PingToPass development tasks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Install what is missing, build, and run the whole app locally until Ctrl-C.
    Dev,
    /// Every check: fmt, clippy, native tests, then API and browser tests against a fresh stack.
    Test,
    /// Run the API and browser tests against a deployed URL (no local stack).
    E2e {
        /// Base URL of the deployment, e.g. https://staging.pingtopass.com
        #[arg(long)]
        url: String,
    },
    /// Benchmark the API (p50/p95/p99 under concurrent clients) on a fresh local stack.
    Bench {
        /// Benchmark this deployment instead of a local stack.
        #[arg(long)]
        url: Option<String>,
        /// Concurrent clients, one run each.
        #[arg(long, value_delimiter = ',', default_value = "50,200")]
        clients: Vec<usize>,
        /// How long each run sends requests.
        #[arg(long, default_value_t = 15)]
        seconds: u64,
    },
    /// The deployment document's k6 load test, on a fresh local stack or a deployment.
    Load {
        /// Load this deployment instead of a local stack.
        #[arg(long)]
        url: Option<String>,
        /// The same stages twelve times shorter (80 s).
        #[arg(long)]
        quick: bool,
    },
    /// The deployment smoke suite against any URL: seconds, non-zero exit on any failure.
    Smoke {
        /// Base URL, e.g. https://staging.pingtopass.com or the local stack's
        #[arg(long)]
        url: String,
    },
    /// Release to an environment: build, migrate, put assets, upload a version, route traffic
    /// (production: 10 → 25 → 50 → 100 % behind health gates, rolled back automatically).
    Deploy {
        #[arg(long = "env", value_enum)]
        target: release::Target,
        /// Preview: the pull request it belongs to (its own Worker on pr-N.preview…).
        #[arg(long)]
        pr: Option<u32>,
        /// Print every command and gate instead of running them (bundles the version offline).
        #[arg(long)]
        dry_run: bool,
    },
    /// Give all traffic back to an earlier version.
    Rollback {
        #[arg(long = "env", value_enum)]
        target: release::Target,
        #[arg(long)]
        pr: Option<u32>,
        /// The version id to go back to; default: the deployment before the current one.
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        dry_run: bool,
    },
    /// The Worker's secrets: `secrets check --env E` lists what an environment lacks.
    Secrets {
        #[command(subcommand)]
        action: SecretsAction,
    },
    /// Back up the database (SQL) and KV: the local dev stack's, or a deployment's into its
    /// backups bucket under today's date.
    Backup {
        #[arg(long = "env", value_enum)]
        target: Option<release::Target>,
        #[arg(long)]
        dry_run: bool,
    },
    /// Restore a backup into an empty database (and KV), checking every table against it.
    Restore {
        /// A backup directory (local), or a date YYYY-MM-DD (with --env).
        #[arg(long)]
        from: String,
        #[arg(long = "env", value_enum)]
        target: Option<release::Target>,
        /// Restore the database only, into this fresh one (a drill, or a new database).
        #[arg(long, requires = "token")]
        into: Option<String>,
        /// The `--into` database's token [env: TURSO_AUTH_TOKEN]
        #[arg(long, env = "TURSO_AUTH_TOKEN", hide_env_values = true)]
        token: Option<String>,
        #[arg(long)]
        dry_run: bool,
    },
    /// Remove a closed pull request's preview (its Worker and queues; its files expire).
    Retire {
        #[arg(long)]
        pr: u32,
        #[arg(long)]
        dry_run: bool,
    },
    /// Fire a cron on the running local stack, as if its time had come.
    Cron {
        schedule: cron::Schedule,
        /// The local stack (`cargo xtask dev` prints it).
        #[arg(long, default_value = "http://127.0.0.1:8787")]
        url: String,
        /// When it fires (RFC 3339); default now. `daily` rolls up the day before.
        #[arg(long)]
        at: Option<String>,
    },
    /// Install the toolchain and tools only.
    Bootstrap {
        /// Also install what the browser tests need (Chromium).
        #[arg(long)]
        browser: bool,
    },
    /// Build the SPA (dist in target/spa) and the Worker (api/build) for release.
    Build,
    /// Administer users: `admin grant EMAIL` makes a member an administrator.
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
    /// Print each exam's bank in seed/ against the vendor's blueprint: items per domain and
    /// objective, key-longest rate, difficulty spread, most similar stems, and any breach.
    Bank,
    /// Load the exams and question bank in seed/ into a database (Turso or any libSQL server).
    Seed {
        /// libsql://…, https://… or http://… [env: TURSO_DATABASE_URL]
        #[arg(long, env = "TURSO_DATABASE_URL")]
        url: String,
        /// Database auth token [env: TURSO_AUTH_TOKEN]
        #[arg(long, env = "TURSO_AUTH_TOKEN", hide_env_values = true)]
        token: String,
    },
    /// Apply migrations/ to a database (Turso or any libSQL server).
    Migrate {
        /// libsql://…, https://… or http://… [env: TURSO_DATABASE_URL]
        #[arg(long, env = "TURSO_DATABASE_URL")]
        url: String,
        /// Database auth token [env: TURSO_AUTH_TOKEN]
        #[arg(long, env = "TURSO_AUTH_TOKEN", hide_env_values = true)]
        token: String,
    },
}

#[derive(Subcommand)]
enum SecretsAction {
    /// Which required secrets the environment lacks (non-zero exit when any).
    Check {
        /// development, preview, staging or production
        #[arg(long = "env")]
        env: String,
        /// Print the wrangler command instead of running it (staging, production).
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum AdminAction {
    /// Promote the member with this email to admin.
    Grant {
        email: String,
        /// Database URL; default: the running `cargo xtask dev` stack's [env: TURSO_DATABASE_URL]
        #[arg(long, env = "TURSO_DATABASE_URL", requires = "token")]
        url: Option<String>,
        /// Database auth token [env: TURSO_AUTH_TOKEN]
        #[arg(long, env = "TURSO_AUTH_TOKEN", hide_env_values = true)]
        token: Option<String>,
    },
}

fn main() {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Dev => stack::dev(),
        Command::Test => testrun::test(),
        Command::E2e { url } => testrun::e2e(&url),
        Command::Bench {
            url,
            clients,
            seconds,
        } => bench::bench(bench::Options {
            url,
            clients,
            seconds,
        }),
        Command::Load { url, quick } => load::load(load::Options { url, quick }),
        Command::Deploy {
            target,
            pr,
            dry_run,
        } => release::deploy(release::DeployOptions {
            target,
            pr,
            dry_run,
        }),
        Command::Rollback {
            target,
            pr,
            to,
            dry_run,
        } => release::rollback(release::RollbackOptions {
            target,
            pr,
            to,
            dry_run,
        }),
        Command::Smoke { url } => smoke::smoke(&url),
        Command::Secrets {
            action: SecretsAction::Check { env, dry_run },
        } => release::secrets_check(&env, dry_run),
        Command::Backup { target, dry_run } => backup::backup(backup::Options {
            target,
            dry_run,
            into: None,
        }),
        Command::Restore {
            from,
            target,
            into,
            token,
            dry_run,
        } => backup::restore_from(
            &from,
            backup::Options {
                target,
                dry_run,
                into: into.zip(token),
            },
        ),
        Command::Retire { pr, dry_run } => release::retire(pr, dry_run),
        Command::Cron { schedule, url, at } => cron::trigger(&url, schedule, at.as_deref()),
        Command::Bootstrap { browser } => bootstrap::ensure(bootstrap::Needs {
            test_tools: browser,
        })
        .map(drop),
        Command::Build => build_only(),
        Command::Admin {
            action: AdminAction::Grant { email, url, token },
        } => admin_grant(&email, url, token),
        Command::Bank => {
            seed::print_reports(&paths::Paths::discover().root.join("seed")).and_then(|sound| {
                anyhow::ensure!(sound, "the bank breaks the standard (see above)");
                Ok(())
            })
        }
        Command::Seed { url, token } => {
            seed::apply(&paths::Paths::discover().root.join("seed"), &url, &token).map(|written| {
                println!(
                    "{}",
                    written.map_or("the bank is already up to date".into(), |n| format!(
                        "{n} questions written"
                    ))
                );
            })
        }
        Command::Migrate { url, token } => {
            migrate::apply(&paths::Paths::discover().migrations(), &url, &token).map(drop)
        }
    };
    if let Err(err) = outcome {
        eprintln!("\nerror: {err:#}");
        std::process::exit(1);
    }
}

fn admin_grant(email: &str, url: Option<String>, token: Option<String>) -> Result<()> {
    let (url, token) = match (url, token) {
        (Some(url), Some(token)) => (url, token),
        _ => sqld::running(&paths::Paths::discover().local().join("dev").join("sqld"))?,
    };
    let id = admin::grant(&url, &token, email)?;
    println!("{email} (user {id}) is now an administrator");
    Ok(())
}

fn build_only() -> Result<()> {
    let tools = bootstrap::ensure(bootstrap::Needs { test_tools: false })?;
    build::all(&tools).map(drop)
}
