//! What a deploy needs to know about an environment, read from wrangler.toml (one definition of
//! names, buckets and datasets). A pull request's preview is its own Worker, `pingtopass-pr-N`
//! on `pr-N.preview…`, with its own `SITE_URL` (so sign-in returns to that host), bucket and
//! queues; its wrangler configuration is derived from `[env.preview]` and written under target/.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use toml::{Table, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    Preview,
    Staging,
    Production,
}

impl Target {
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Preview => "preview",
            Target::Staging => "staging",
            Target::Production => "production",
        }
    }
}

#[derive(Debug, Clone)]
pub struct EnvConfig {
    pub target: Target,
    pub pr: Option<u32>,
    /// The wrangler configuration file to pass with `--config`.
    pub config: PathBuf,
    /// The Worker's name.
    pub worker: String,
    pub site_url: String,
    /// The `ASSETS` bucket.
    pub bucket: String,
    /// The `ANALYTICS` dataset the gate reads.
    pub dataset: String,
    /// Queues the deploy makes sure exist (a pull request's own).
    pub queues: Vec<String>,
    /// The environment's `[vars]`.
    pub vars: std::collections::BTreeMap<String, String>,
}

impl EnvConfig {
    pub fn read(root: &Path, target: Target, pr: Option<u32>) -> Result<Self> {
        let path = root.join("wrangler.toml");
        let mut config: Table = std::fs::read_to_string(&path)?
            .parse()
            .context("parsing wrangler.toml")?;
        match (target, pr) {
            (Target::Preview, None) => bail!("a preview belongs to a pull request: pass --pr N"),
            (Target::Preview, Some(0)) => bail!("--pr must be a pull request number"),
            (Target::Staging | Target::Production, Some(_)) => {
                bail!("--pr applies to previews only")
            }
            _ => {}
        }
        let env = config
            .get_mut("env")
            .and_then(|envs| envs.get_mut(target.as_str()))
            .and_then(Value::as_table_mut)
            .with_context(|| format!("wrangler.toml has no [env.{}]", target.as_str()))?;
        let mut queues = vec![];
        let file = match pr {
            Some(n) => {
                queues = personalise(env, n)?;
                let derived = root
                    .join("target/release")
                    .join(format!("wrangler.pr-{n}.toml"));
                config.insert(
                    "main".into(),
                    Value::String(root.join("api/build/index.js").display().to_string()),
                );
                std::fs::create_dir_all(derived.parent().expect("has a parent"))?;
                write_whole(&derived, &toml::to_string(&config)?)?;
                derived
            }
            None => path,
        };
        let env = &config["env"][target.as_str()];
        let vars = env
            .as_table()
            .map(super::secrets::toml_vars)
            .unwrap_or_default();
        let text = |value: Option<&Value>, what: &str| {
            value
                .and_then(Value::as_str)
                .map(str::to_string)
                .with_context(|| format!("[env.{}] has no {what}", target.as_str()))
        };
        Ok(Self {
            target,
            pr,
            config: file,
            worker: text(env.get("name"), "name")?,
            site_url: text(env.get("vars").and_then(|v| v.get("SITE_URL")), "SITE_URL")?,
            bucket: text(
                env.get("r2_buckets")
                    .and_then(|b| b.get(0)?.get("bucket_name")),
                "ASSETS bucket",
            )?,
            dataset: text(
                env.get("analytics_engine_datasets")
                    .and_then(|d| d.get(0)?.get("dataset")),
                "ANALYTICS dataset",
            )?,
            queues,
            vars,
        })
    }

    /// Production moves traffic in steps behind health gates; the others switch at once.
    pub fn gradual(&self) -> bool {
        self.target == Target::Production
    }

    /// `--env X --config F`, the arguments every wrangler command for this environment takes.
    pub fn wrangler_args(&self) -> Vec<String> {
        vec![
            "--env".into(),
            self.target.as_str().into(),
            "--config".into(),
            self.config.display().to_string(),
        ]
    }

    pub fn describe(&self) -> String {
        match self.pr {
            Some(n) => format!(
                "preview of pull request #{n} ({}, {})",
                self.worker, self.site_url
            ),
            None => format!(
                "{} ({}, {})",
                self.target.as_str(),
                self.worker,
                self.site_url
            ),
        }
    }
}

/// Turns `[env.preview]` into pull request `n`'s own: name, host, SITE_URL, bucket and queues.
/// Returns the queues it names.
fn personalise(env: &mut Table, n: u32) -> Result<Vec<String>> {
    let suffix = format!("pr-{n}");
    env.insert("name".into(), Value::String(format!("pingtopass-{suffix}")));
    let route = env
        .get("routes")
        .and_then(|r| r.get(0))
        .and_then(Value::as_table)
        .context("[env.preview] needs a wildcard route like *.preview.example.com/*")?
        .clone();
    let pattern = route
        .get("pattern")
        .and_then(Value::as_str)
        .filter(|p| p.starts_with("*."))
        .context("[env.preview]'s route must start with *.")?;
    let host = pattern
        .trim_start_matches('*')
        .trim_end_matches("/*")
        .to_string();
    let mut own = route.clone();
    own.insert("pattern".into(), Value::String(format!("{suffix}{host}/*")));
    env.insert("routes".into(), Value::Array(vec![Value::Table(own)]));
    env.get_mut("vars")
        .and_then(Value::as_table_mut)
        .context("[env.preview] has no vars")?
        .insert(
            "SITE_URL".into(),
            Value::String(format!("https://{suffix}{host}")),
        );
    if let Some(bucket) = env
        .get_mut("r2_buckets")
        .and_then(|b| b.get_mut(0))
        .and_then(Value::as_table_mut)
    {
        bucket.insert(
            "bucket_name".into(),
            Value::String(format!("pingtopass-assets-{suffix}")),
        );
    }
    // A queue has one consumer Worker, so each preview consumes queues of its own.
    let tasks = format!("pingtopass-tasks-{suffix}");
    let dead = format!("{tasks}-dlq");
    let queues = env
        .get_mut("queues")
        .and_then(Value::as_table_mut)
        .context("[env.preview] has no queues")?;
    for producer in queues
        .get_mut("producers")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(Value::as_table_mut)
    {
        producer.insert("queue".into(), Value::String(tasks.clone()));
    }
    for consumer in queues
        .get_mut("consumers")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(Value::as_table_mut)
    {
        let is_dead = consumer
            .get("queue")
            .and_then(Value::as_str)
            .is_some_and(|q| q.ends_with("-dlq"));
        consumer.insert(
            "queue".into(),
            Value::String(if is_dead { dead.clone() } else { tasks.clone() }),
        );
        if consumer.contains_key("dead_letter_queue") {
            consumer.insert("dead_letter_queue".into(), Value::String(dead.clone()));
        }
    }
    Ok(vec![tasks, dead])
}

/// Writes `text` to `path` through a file of this writer's own, renamed into place: two
/// writers of one PR's config (two deploys, or parallel tests) never let a reader see half a
/// file, which a truncating write in place does.
fn write_whole(path: &std::path::Path, text: &str) -> Result<()> {
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let staged = path.with_extension(format!("{}.{n}.tmp", std::process::id()));
    std::fs::write(&staged, text)?;
    std::fs::rename(&staged, path)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap()
            .to_path_buf()
    }

    #[test]
    fn production_reads_its_names_from_wrangler_toml() {
        let env = EnvConfig::read(&root(), Target::Production, None).unwrap();
        assert_eq!(env.worker, "pingtopass-production");
        assert_eq!(env.site_url, "https://pingtopass.com");
        assert_eq!(env.bucket, "pingtopass-assets");
        assert_eq!(env.dataset, "pingtopass_analytics");
        assert!(env.gradual());
        assert!(
            !EnvConfig::read(&root(), Target::Staging, None)
                .unwrap()
                .gradual()
        );
    }

    #[test]
    fn a_pull_requests_preview_is_a_worker_of_its_own_on_its_own_host() {
        let env = EnvConfig::read(&root(), Target::Preview, Some(42)).unwrap();
        assert_eq!(env.worker, "pingtopass-pr-42");
        assert_eq!(env.site_url, "https://pr-42.preview.pingtopass.com");
        assert_eq!(env.bucket, "pingtopass-assets-pr-42");
        assert_eq!(
            env.queues,
            ["pingtopass-tasks-pr-42", "pingtopass-tasks-pr-42-dlq"]
        );
        let derived: Table = std::fs::read_to_string(&env.config)
            .unwrap()
            .parse()
            .unwrap();
        let preview = &derived["env"]["preview"];
        assert_eq!(
            preview["routes"][0]["pattern"].as_str(),
            Some("pr-42.preview.pingtopass.com/*")
        );
        let consumers = preview["queues"]["consumers"].as_array().unwrap();
        assert_eq!(
            consumers[0]["queue"].as_str(),
            Some("pingtopass-tasks-pr-42")
        );
        assert_eq!(
            consumers[0]["dead_letter_queue"].as_str(),
            Some("pingtopass-tasks-pr-42-dlq")
        );
        assert_eq!(
            consumers[1]["queue"].as_str(),
            Some("pingtopass-tasks-pr-42-dlq")
        );
        assert!(
            Path::new(derived["main"].as_str().unwrap()).is_absolute(),
            "the derived file lives under target/, so the entry point must not be relative"
        );
    }

    #[test]
    fn a_previews_sign_in_returns_through_the_relay_staging_keeps_for_every_preview_host() {
        let preview = EnvConfig::read(&root(), Target::Preview, Some(42)).unwrap();
        let staging = EnvConfig::read(&root(), Target::Staging, None).unwrap();
        assert_eq!(
            preview.vars["GOOGLE_REDIRECT_VIA"],
            format!("{}/api/v1/auth/google/relay", staging.site_url)
        );
        let relayed = &staging.vars["GOOGLE_RELAY_FOR"];
        let host = preview.site_url.trim_start_matches("https://");
        assert_eq!(
            host.split_once('.').map(|(_, domain)| domain),
            Some(relayed.as_str())
        );
    }

    #[test]
    fn previews_need_a_pull_request_and_nothing_else_takes_one() {
        assert!(EnvConfig::read(&root(), Target::Preview, None).is_err());
        assert!(EnvConfig::read(&root(), Target::Preview, Some(0)).is_err());
        assert!(EnvConfig::read(&root(), Target::Production, Some(3)).is_err());
    }
}
