//! The order of a release and its gradual rollout, over [`Cloud`] so the same code runs for
//! real, as a dry run and against a scripted cloud in the tests below.

use std::time::Duration;

use anyhow::{Result, bail};

use super::gate::{self, Thresholds, Verdict};
use super::{Cloud, EnvConfig, VersionId};

/// What the uploaded version is called: the commit's short hash and subject.
pub struct Label {
    pub tag: String,
    pub message: String,
}

/// How production moves: the traffic steps and how long each gate watches.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Percentages of traffic the new version gets, in order; the last is 100.
    pub steps: Vec<u8>,
    /// How long a step runs before its first verdict (Analytics Engine needs about a minute to
    /// show a data point, and a verdict wants real traffic at that share).
    pub soak: Duration,
    /// How often a step with too little traffic is looked at again.
    pub poll: Duration,
    /// How long a step may wait for enough traffic before the rollout gives up and rolls back.
    pub max_wait: Duration,
    pub thresholds: Thresholds,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            steps: vec![10, 25, 50, 100],
            soak: Duration::from_secs(300),
            poll: Duration::from_secs(60),
            max_wait: Duration::from_secs(900),
            thresholds: Thresholds::default(),
        }
    }
}

/// What a finished release left running.
#[derive(Debug, PartialEq)]
pub struct Released {
    pub version: VersionId,
    /// The version traffic moved away from, if there was one.
    pub previous: Option<VersionId>,
}

/// Migrations, assets, the version, then traffic. Migrations run first, while the previous
/// version still serves: they must keep it working (add, never drop or rename, in one release).
pub fn release(
    cloud: &mut impl Cloud,
    env: &EnvConfig,
    policy: &Policy,
    label: &Label,
) -> Result<Released> {
    cloud.ensure_resources(env)?;
    cloud.migrate(env)?;
    cloud.put_assets(env)?;
    // Staging and previews switch at once; so does a first production deploy, which has nothing
    // to fall back to. `wrangler deploy` also applies Durable Object migrations, which a version
    // upload refuses.
    let previous = match env.gradual() {
        true => cloud.serving(env)?,
        false => None,
    };
    let Some(previous) = previous else {
        let version = cloud.deploy_at_once(env, label)?;
        return Ok(Released {
            version,
            previous: None,
        });
    };
    let version = cloud.upload_version(env, label)?;
    for &step in &policy.steps {
        let split = if step >= 100 {
            vec![(version.clone(), 100)]
        } else {
            vec![(version.clone(), step), (previous.clone(), 100 - step)]
        };
        cloud.route(env, &split, &label.message)?;
        if let Err(why) = watch(cloud, env, policy, &version, step) {
            let reason = format!("{version} at {step} %: {why}");
            cloud.route(
                env,
                &[(previous.clone(), 100)],
                &format!("automatic rollback: {reason}"),
            )?;
            bail!("rolled back to {previous}: {reason}");
        }
    }
    Ok(Released {
        version,
        previous: Some(previous),
    })
}

/// Watches one step until its gate passes (`Ok`) or fails (`Err` with the reasons).
fn watch(
    cloud: &mut impl Cloud,
    env: &EnvConfig,
    policy: &Policy,
    version: &VersionId,
    step: u8,
) -> Result<(), String> {
    cloud.pause(policy.soak);
    let mut watched = policy.soak;
    loop {
        let metrics = cloud
            .metrics(env, version, watched.as_secs())
            .map_err(|err| format!("its metrics could not be read: {err:#}"))?;
        match gate::judge(&metrics, &policy.thresholds) {
            Verdict::Healthy => {
                cloud.report(&format!(
                    "gate at {step} %: healthy ({:.0} requests, {:.2} % errors, p95 {:.0} ms)",
                    metrics.requests,
                    100.0 * metrics.server_errors / metrics.requests.max(1.0),
                    metrics.p95_ms
                ));
                return Ok(());
            }
            Verdict::Unhealthy(reasons) => return Err(reasons.join("; ")),
            Verdict::TooLittleTraffic { requests } => {
                if watched >= policy.max_wait {
                    return Err(format!(
                        "only {requests:.0} requests in {} s, fewer than the {:.0} a verdict needs",
                        watched.as_secs(),
                        policy.thresholds.min_requests
                    ));
                }
                cloud.report(&format!(
                    "gate at {step} %: {requests:.0} requests so far, waiting for {:.0}",
                    policy.thresholds.min_requests
                ));
                cloud.pause(policy.poll);
                watched += policy.poll;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use super::super::Target;
    use super::super::cloud::tests::Scripted;
    use super::super::gate::fixture;
    use super::*;

    fn production() -> EnvConfig {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap();
        EnvConfig::read(root, Target::Production, None).unwrap()
    }

    fn label() -> Label {
        Label {
            tag: "abc123".into(),
            message: "Ship it".into(),
        }
    }

    fn run(metrics: &[&str]) -> (Result<Released>, Scripted) {
        let mut cloud = Scripted::new(
            metrics
                .iter()
                .map(|name| fixture(name))
                .collect::<VecDeque<_>>(),
        );
        let outcome = release(&mut cloud, &production(), &Policy::default(), &label());
        (outcome, cloud)
    }

    #[test]
    fn a_healthy_version_moves_through_every_step_in_order() {
        let (outcome, cloud) = run(&["healthy.json"; 4]);
        let released = outcome.unwrap();
        assert_eq!(released.version, Scripted::new_version());
        assert_eq!(released.previous, Some(Scripted::old_version()));
        assert_eq!(
            cloud.routes(),
            ["new@10 old@90", "new@25 old@75", "new@50 old@50", "new@100"]
        );
        assert_eq!(
            cloud.calls[..4],
            ["ensure resources", "migrate", "put assets", "serving"]
        );
    }

    #[test]
    fn an_erroring_step_routes_everything_back_and_says_why() {
        let (outcome, cloud) = run(&["healthy.json", "erroring.json"]);
        let err = format!("{:#}", outcome.unwrap_err());
        assert!(err.contains("at 25 %: error rate 8.0 % > 5 %"), "{err}");
        assert_eq!(
            cloud.routes(),
            ["new@10 old@90", "new@25 old@75", "old@100"]
        );
    }

    #[test]
    fn a_slow_first_step_never_reaches_a_quarter_of_the_traffic() {
        let (outcome, cloud) = run(&["slow.json"]);
        assert!(format!("{:#}", outcome.unwrap_err()).contains("p95 742 ms > 500 ms"));
        assert_eq!(cloud.routes(), ["new@10 old@90", "old@100"]);
    }

    #[test]
    fn a_quiet_step_waits_for_traffic_then_gives_up_and_rolls_back() {
        let quiet = vec!["quiet.json"; 20];
        let (outcome, cloud) = run(&quiet);
        let err = format!("{:#}", outcome.unwrap_err());
        assert!(err.contains("only 37 requests in 900 s"), "{err}");
        assert_eq!(cloud.routes(), ["new@10 old@90", "old@100"]);
        // Soak 300 s, then one look a minute until 900 s: 11 looks in all.
        assert_eq!(cloud.looks, 11);
    }

    #[test]
    fn a_quiet_step_that_gets_its_traffic_goes_on() {
        let (outcome, cloud) = run(&[
            "quiet.json",
            "quiet.json",
            "healthy.json",
            "healthy.json",
            "healthy.json",
            "healthy.json",
        ]);
        assert!(outcome.is_ok());
        assert_eq!(cloud.routes().len(), 4);
    }

    #[test]
    fn unreadable_metrics_roll_back_rather_than_go_on_blind() {
        let (outcome, cloud) = run(&[]);
        assert!(format!("{:#}", outcome.unwrap_err()).contains("could not be read"));
        assert_eq!(cloud.routes(), ["new@10 old@90", "old@100"]);
    }

    #[test]
    fn staging_and_a_first_deploy_switch_at_once() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap();
        let staging = EnvConfig::read(root, Target::Staging, None).unwrap();
        let mut cloud = Scripted::new(VecDeque::new());
        release(&mut cloud, &staging, &Policy::default(), &label()).unwrap();
        assert_eq!(
            cloud.calls,
            ["ensure resources", "migrate", "put assets", "deploy"]
        );
        let mut first = Scripted::new(VecDeque::new()).with_nothing_serving();
        let released = release(&mut first, &production(), &Policy::default(), &label()).unwrap();
        assert_eq!(released.previous, None);
        assert!(first.routes().is_empty());
        assert_eq!(first.calls.last().unwrap(), "deploy");
    }
}
