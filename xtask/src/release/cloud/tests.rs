//! A scripted cloud for the rollout's tests, and the parsing of what wrangler prints.
use std::collections::VecDeque;

use super::*;

#[test]
fn the_version_id_comes_from_wranglers_output_entries() {
    let entries: Vec<Value> = [
        r#"{"type":"wrangler-session","version":1}"#,
        r#"{"type":"version-upload","version":1,"version_id":"11111111-2222-4333-8444-555555555555"}"#,
    ]
    .iter()
    .map(|line| serde_json::from_str(line).unwrap())
    .collect();
    assert_eq!(
        reported_version(&entries, "version-upload").unwrap(),
        Scripted::new_version()
    );
    assert!(reported_version(&entries, "deploy").is_err());
}

#[test]
fn the_serving_version_is_the_one_with_the_largest_share() {
    let status = r#"{"id":"d1","source":"api","strategy":"percentage","versions":[
        {"version_id":"11111111-2222-4333-8444-555555555555","percentage":10},
        {"version_id":"66666666-7777-4888-8999-000000000000","percentage":90}]}"#;
    assert_eq!(
        serving_version(status).unwrap().unwrap().as_str(),
        "66666666-7777-4888-8999-000000000000"
    );
    assert!(serving_version("Not logged in").is_err());
}

/// A cloud that answers from a script: a fixed previous version, a fixed new one, and the
/// gate's metrics in order (none left: the SQL API is down).
pub struct Scripted {
    metrics: VecDeque<Metrics>,
    nothing_serving: bool,
    pub calls: Vec<String>,
    pub looks: usize,
}

impl Scripted {
    pub fn new(metrics: VecDeque<Metrics>) -> Self {
        Self {
            metrics,
            nothing_serving: false,
            calls: vec![],
            looks: 0,
        }
    }

    pub fn with_nothing_serving(mut self) -> Self {
        self.nothing_serving = true;
        self
    }

    pub fn new_version() -> VersionId {
        VersionId::parse("11111111-2222-4333-8444-555555555555").unwrap()
    }

    pub fn old_version() -> VersionId {
        VersionId::parse("66666666-7777-4888-8999-000000000000").unwrap()
    }

    /// Each `route` call as `new@10 old@90`.
    pub fn routes(&self) -> Vec<String> {
        self.calls
            .iter()
            .filter_map(|call| call.strip_prefix("route "))
            .map(str::to_string)
            .collect()
    }
}

impl Cloud for Scripted {
    fn ensure_resources(&mut self, _: &EnvConfig) -> Result<()> {
        self.calls.push("ensure resources".into());
        Ok(())
    }
    fn migrate(&mut self, _: &EnvConfig) -> Result<()> {
        self.calls.push("migrate".into());
        Ok(())
    }
    fn put_assets(&mut self, _: &EnvConfig) -> Result<()> {
        self.calls.push("put assets".into());
        Ok(())
    }
    fn serving(&mut self, _: &EnvConfig) -> Result<Option<VersionId>> {
        self.calls.push("serving".into());
        Ok((!self.nothing_serving).then(Self::old_version))
    }
    fn upload_version(&mut self, _: &EnvConfig, _: &Label) -> Result<VersionId> {
        self.calls.push("upload".into());
        Ok(Self::new_version())
    }
    fn deploy_at_once(&mut self, _: &EnvConfig, _: &Label) -> Result<VersionId> {
        self.calls.push("deploy".into());
        Ok(Self::new_version())
    }
    fn route(&mut self, _: &EnvConfig, split: &[(VersionId, u8)], _: &str) -> Result<()> {
        let name = |v: &VersionId| {
            if *v == Self::new_version() {
                "new"
            } else {
                "old"
            }
        };
        let text: Vec<String> = split
            .iter()
            .map(|(v, p)| format!("{}@{p}", name(v)))
            .collect();
        self.calls.push(format!("route {}", text.join(" ")));
        Ok(())
    }
    fn metrics(&mut self, _: &EnvConfig, _: &VersionId, _: u64) -> Result<Metrics> {
        self.looks += 1;
        self.metrics.pop_front().context("the SQL API is down")
    }
    fn pause(&mut self, duration: Duration) {
        self.calls.push(format!("pause {}", duration.as_secs()));
    }
    fn report(&mut self, _: &str) {}
    fn roll_back(&mut self, _: &EnvConfig, _: Option<&VersionId>, _: &str) -> Result<()> {
        self.calls.push("roll back".into());
        Ok(())
    }
    fn retire(&mut self, _: &EnvConfig) -> Result<()> {
        self.calls.push("retire".into());
        Ok(())
    }
}
