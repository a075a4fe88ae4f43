//! The whole app on 127.0.0.1: sqld (the database), migrations, the SPA in local R2, and the
//! Worker under `wrangler dev`. `cargo xtask dev` runs one until Ctrl-C; the test run starts a
//! fresh one on free ports.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::bootstrap::{self, Needs, Tools};
use crate::paths::Paths;
use crate::process::{PidFile, Service, free_port, interrupted_within, interrupts, port_is_free};
use crate::secrets::{dev_vars, generate_secrets, write_private};
use crate::sqld::Sqld;
use crate::standins::StandIns;
use crate::steps::Steps;
use crate::{build, migrate, oidc, random, wrangler};

const DEFAULT_PORT: u16 = 8787;

/// The settings a local stack gives its Worker itself (`runtime.vars`), on top of `.dev.vars`.
pub const INJECTED: &[&str] = &[
    "TURSO_DATABASE_URL",
    "TURSO_AUTH_TOKEN",
    "SITE_URL",
    "GOOGLE_ISSUER",
    "GOOGLE_CLIENT_ID",
    "GOOGLE_CLIENT_SECRET",
    "CLOUDFLARE_API_URL",
    "CLOUDFLARE_ACCOUNT_ID",
    "CLOUDFLARE_ANALYTICS_TOKEN",
    "TURSO_API_URL",
    "TURSO_ORG",
    "TURSO_PLATFORM_TOKEN",
    "OPENROUTER_BASE_URL",
    "LANGCHAIN_API_KEY",
    "LANGCHAIN_ENDPOINT",
    "LANGCHAIN_PROJECT",
    "X_API_URL",
    "X_BEARER_TOKEN",
    "PAYMENTS",
    "STRIPE_API_URL",
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "STRIPE_PRICE_PRO_MONTHLY",
    "STRIPE_PRICE_PRO_ANNUAL",
    "PRO_MONTHLY_AMOUNT",
    "PRO_ANNUAL_AMOUNT",
    "PRICE_CURRENCY",
];

/// Where one stack keeps its state, held exclusively (a lock file) while it runs.
pub struct StackDir {
    pub dir: PathBuf,
    _lock: File,
    pids: PidFile,
}

impl StackDir {
    pub fn claim(dir: PathBuf) -> Result<Self> {
        fs::create_dir_all(&dir)?;
        let lock = File::create(dir.join("lock"))?;
        if lock.try_lock().is_err() {
            let url = fs::read_to_string(dir.join("url")).unwrap_or_default();
            bail!(
                "another stack is already running from {} {}— stop it (Ctrl-C in its terminal) first",
                dir.display(),
                if url.is_empty() {
                    String::new()
                } else {
                    format!("at {} ", url.trim())
                }
            );
        }
        let pids = PidFile::new(dir.join("pids"));
        let reaped = pids.reap_leftovers();
        if reaped > 0 {
            eprintln!(
                "  (stopped {reaped} process group(s) left behind by an earlier run that was killed)"
            );
        }
        Ok(Self {
            dir,
            _lock: lock,
            pids,
        })
    }
}

pub struct Stack {
    pub url: String,
    /// Shared with the test run's database fault switch.
    pub sqld: Arc<Mutex<Sqld>>,
    pub oidc: oidc::Provider,
    /// Usage, OpenRouter, LangSmith, X and Stripe, serving while the stack runs.
    pub standins: StandIns,
    pub worker: Service,
    state: StackDir,
}

pub struct StackOptions {
    pub port: u16,
    /// Secrets file for the Worker (`.dev.vars` for dev, a generated one for tests).
    pub secrets: PathBuf,
    /// Worker output in this terminal (dev) or in `<dir>/wrangler.log` (tests).
    pub worker_log_to_file: bool,
}

impl Stack {
    pub fn start(tools: &Tools, state: StackDir, options: &StackOptions) -> Result<Self> {
        let steps = Steps::begin("stack");
        let dir = state.dir.clone();
        let sqld = steps.run("sqld (libSQL server)", || {
            let mut sqld = Sqld::new(&tools.sqld, &dir.join("sqld"))?;
            sqld.start()?;
            let url = sqld.url();
            Ok((sqld, url))
        })?;
        let (db_url, db_token) = (sqld.url(), sqld.token()?);
        steps.run("migrations", || {
            let count = migrate::apply(&tools.paths.migrations(), &db_url, &db_token)?;
            Ok((
                (),
                if count == 0 {
                    "up to date".into()
                } else {
                    format!("applied {count}")
                },
            ))
        })?;
        steps.run("exams and question bank", || {
            let written = crate::seed::apply(&tools.paths.root.join("seed"), &db_url, &db_token)?;
            Ok((
                (),
                written.map_or("up to date".into(), |n| format!("{n} questions loaded")),
            ))
        })?;
        let provider = steps.run("Google sign-in stand-in (OIDC)", || {
            let provider = oidc::start(tools, &dir.join("oidc-provider.log"))?;
            let issuer = provider.issuer.clone();
            Ok((provider, issuer))
        })?;
        let url = format!("http://127.0.0.1:{}", options.port);
        let standins = StandIns::start(&steps, tools, &dir, &url)?;
        let persist = dir.join("wrangler");
        fs::create_dir_all(&persist)?;
        steps.run("SPA into local R2", || {
            let (uploaded, total) = wrangler::upload_assets(tools, &persist)?;
            Ok(((), format!("{uploaded} of {total} files changed")))
        })?;

        // The Worker finds the database and each outside service only here, as in production.
        let runtime_vars = dir.join("runtime.vars");
        write_private(
            &runtime_vars,
            &format!(
                "TURSO_DATABASE_URL={db_url}\nTURSO_AUTH_TOKEN={db_token}\nSITE_URL={url}\n\
                 GOOGLE_ISSUER={}\nGOOGLE_CLIENT_ID={}\nGOOGLE_CLIENT_SECRET={}\n{}",
                provider.issuer,
                oidc::CLIENT_ID,
                random::hex(16)?,
                standins.settings()
            ),
        )?;
        let log = dir.join("wrangler.log");
        let worker = steps.run("Worker (wrangler dev)", || {
            let mut worker = wrangler::start(
                tools,
                &wrangler::DevOptions {
                    port: options.port,
                    inspector_port: free_port()?,
                    persist: &persist,
                    env_files: vec![options.secrets.clone(), runtime_vars.clone()],
                    log: options.worker_log_to_file.then_some(log.as_path()),
                    name: None,
                },
            )?;
            state.pids.record(&[
                sqld.pid().unwrap_or_default(),
                provider.service.pid(),
                standins.model.service.pid(),
                worker.pid(),
            ])?;
            // Any answer will do (a 503 is one: the footer and the tests report it).
            let status = worker.wait_for_http(
                &format!("{url}/api/health"),
                |_| true,
                Duration::from_secs(90),
            )?;
            Ok((worker, format!("{url} (health {status})")))
        })?;
        fs::write(dir.join("url"), &url)?;
        steps.finish("stack up");
        Ok(Self {
            url,
            sqld: Arc::new(Mutex::new(sqld)),
            oidc: provider,
            standins,
            worker,
            state,
        })
    }

    /// Why the stack broke on its own, if it did.
    pub fn failure(&mut self) -> Option<String> {
        if let Some(status) = self.worker.exited() {
            return Some(format!(
                "wrangler exited ({status})\n{}",
                self.worker.log_tail(30)
            ));
        }
        if let Some(status) = self.standins.model.service.exited() {
            return Some(format!(
                "the OpenRouter stand-in exited ({status})\n{}",
                self.standins.model.service.log_tail(20)
            ));
        }
        if let Some(status) = self.oidc.service.exited() {
            return Some(format!(
                "the OIDC provider exited ({status})\n{}",
                self.oidc.service.log_tail(20)
            ));
        }
        self.sqld.lock().ok()?.exited()
    }

    pub fn dir(&self) -> &Path {
        &self.state.dir
    }

    /// Worker first (it may still be talking to the database), then sqld.
    pub fn stop(mut self) {
        self.worker.stop(Duration::from_secs(10));
        self.oidc.service.stop(Duration::from_secs(5));
        self.standins.model.service.stop(Duration::from_secs(5));
        if let Ok(mut sqld) = self.sqld.lock() {
            sqld.stop();
        }
        let _ = fs::remove_file(self.state.dir.join("url"));
        let _ = fs::remove_file(self.state.dir.join("pids"));
    }
}

pub fn dev() -> Result<()> {
    let port = match std::env::var("PORT") {
        Ok(value) => value
            .parse::<u16>()
            .with_context(|| format!("PORT={value} is not a port number"))?,
        Err(_) => DEFAULT_PORT,
    };
    interrupts();
    let paths = Paths::discover();
    if !port_is_free(port) {
        let ours = fs::read_to_string(paths.local().join("dev/url"))
            .is_ok_and(|url| url.trim().ends_with(&format!(":{port}")));
        let who = if ours {
            "another `cargo xtask dev` is serving there"
        } else {
            "something else listens there"
        };
        bail!(
            "port {port} is taken on 127.0.0.1 ({who}); stop it or choose another port with PORT=…"
        );
    }
    let state = StackDir::claim(paths.local().join("dev"))?;
    let tools = bootstrap::ensure(Needs { test_tools: false })?;
    build::all(&tools)?;
    let secrets = dev_vars(&paths)?;
    let mut stack = Stack::start(
        &tools,
        state,
        &StackOptions {
            port,
            secrets,
            worker_log_to_file: false,
        },
    )?;
    println!(
        "\n  PingToPass is running at {}\n  Ctrl-C stops everything.\n",
        stack.url
    );
    let failure = loop {
        if interrupted_within(Duration::from_millis(500)) {
            break None;
        }
        if let Some(failure) = stack.failure() {
            break Some(failure);
        }
    };
    eprintln!("\nstopping…");
    stack.stop();
    match failure {
        Some(failure) => bail!("the stack stopped on its own: {failure}"),
        None => Ok(()),
    }
}

/// A throwaway stack for a test or benchmark run: fresh state in `.local/<purpose>/run-<pid>`,
/// generated secrets, free ports.
pub struct Scratch {
    pub stack: Stack,
    /// The Worker's session signing key, so tests can mint tokens.
    pub jwt_secret: String,
    /// The Worker's load-test token, so the API tests can check its budget.
    pub load_test_token: String,
}

impl Scratch {
    pub fn start(tools: &Tools, purpose: &str) -> Result<Self> {
        let dir = tools
            .paths
            .local()
            .join(purpose)
            .join(format!("run-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let state = StackDir::claim(dir.clone())?;
        let secrets = dir.join("secrets.vars");
        let example = fs::read_to_string(tools.paths.root.join(".dev.vars.example"))?;
        let generated = generate_secrets(&example)?;
        write_private(&secrets, &generated)?;
        let generated_value = |name: &str| {
            generated
                .lines()
                .find_map(|line| line.strip_prefix(&format!("{name}=")))
                .map(str::to_string)
                .with_context(|| format!(".dev.vars.example generates {name}"))
        };
        let jwt_secret = generated_value("JWT_SECRET")?;
        let load_test_token = generated_value("LOAD_TEST_TOKEN")?;
        let options = StackOptions {
            port: free_port()?,
            secrets,
            worker_log_to_file: true,
        };
        let stack = Stack::start(tools, state, &options).with_context(|| {
            format!("the stack did not start (state kept in {})", dir.display())
        })?;
        Ok(Self {
            stack,
            jwt_secret,
            load_test_token,
        })
    }

    /// Stops it; its state is removed unless `keep` (to read the logs of a failed run).
    pub fn stop(self, keep: bool) {
        let dir = self.stack.dir().to_path_buf();
        self.stack.stop();
        if keep {
            eprintln!("  logs of the failed run kept in {}", dir.display());
        } else {
            let _ = fs::remove_dir_all(&dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_claim_on_a_running_stack_is_refused() {
        let dir = std::env::temp_dir().join(format!("ptp-stack-lock-{}", std::process::id()));
        let first = StackDir::claim(dir.clone()).unwrap();
        let err = StackDir::claim(dir.clone())
            .err()
            .expect("second claim must fail")
            .to_string();
        assert!(err.contains("already running"), "{err}");
        drop(first);
        assert!(StackDir::claim(dir.clone()).is_ok());
        let _ = fs::remove_dir_all(dir);
    }
}
