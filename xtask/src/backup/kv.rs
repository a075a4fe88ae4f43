//! Both KV namespaces (sessions and the read cache) as one JSON document:
//! `{"SESSION_STORE": [{"key", "value" (base64), "expiration"?, "metadata"?}], "CACHE_STORE": …}`.
//! A local stack's go through its wrangler state (`xtask/kv-backup.mjs`); a deployment's
//! through Cloudflare's REST API.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use base64::Engine as _;
use serde_json::{Value, json};

use crate::bootstrap::Tools;

pub enum Kv<'a> {
    Local { tools: &'a Tools, persist: PathBuf },
    Remote(Remote),
}

pub struct Remote {
    pub account: String,
    pub token: String,
    /// (binding, namespace id) from wrangler.toml.
    pub namespaces: Vec<(String, String)>,
    pub http: reqwest::blocking::Client,
}

impl Kv<'_> {
    /// Runs `xtask/kv-backup.mjs` on the local stack's state; `file` is what it reads or writes.
    fn local(tools: &Tools, persist: &Path, action: &str, file: Option<&Path>) -> Result<()> {
        let node = crate::node::bin_dir(&tools.paths).join("node");
        let mut command = crate::node::tool(&tools.paths, node);
        command
            .current_dir(&tools.paths.root)
            .arg("xtask/kv-backup.mjs")
            .arg(persist)
            .arg(crate::wrangler::ENVIRONMENT)
            .arg(action)
            .args(file);
        crate::cmd::output(&mut command).map(drop)
    }

    fn scratch(persist: &Path) -> PathBuf {
        persist.with_file_name(format!("kv-transfer-{}.json", std::process::id()))
    }

    pub fn export(&self) -> Result<Value> {
        match self {
            Kv::Local { tools, persist } => {
                let file = Self::scratch(persist);
                Self::local(tools, persist, "export", Some(&file))?;
                let keys = serde_json::from_slice(&std::fs::read(&file)?)?;
                let _ = std::fs::remove_file(&file);
                Ok(keys)
            }
            Kv::Remote(remote) => remote.export(),
        }
    }

    pub fn import(&self, backup: &Value) -> Result<()> {
        let live = without_expired(backup);
        match self {
            Kv::Local { tools, persist } => {
                let file = Self::scratch(persist);
                crate::secrets::write_private(&file, &serde_json::to_string(&live)?)?;
                let imported = Self::local(tools, persist, "import", Some(&file));
                let _ = std::fs::remove_file(&file);
                imported
            }
            Kv::Remote(remote) => remote.import(&live),
        }
    }

    /// Deletes every key: the test run's "the data is gone" before a restore.
    pub fn wipe(&self) -> Result<()> {
        match self {
            Kv::Local { tools, persist } => Self::local(tools, persist, "wipe", None),
            Kv::Remote(_) => bail!("a deployment's KV is never wiped by xtask"),
        }
    }
}

/// How many keys each namespace holds in a backup.
pub fn counts(backup: &Value) -> Vec<(String, usize)> {
    backup
        .as_object()
        .map(|namespaces| {
            namespaces
                .iter()
                .map(|(name, entries)| (name.clone(), entries.as_array().map_or(0, Vec::len)))
                .collect()
        })
        .unwrap_or_default()
}

/// Keys with less than this left to live are not restored.
const RESTORE_MARGIN_SECS: u64 = 300;

/// KV refuses an expiration less than a minute ahead *when each key is put*, and putting takes
/// a while (the local import first starts a runtime): a key that passed a one-minute filter
/// could be refused seconds later, and once was. Keys with under five
/// minutes to live are left out instead; they would be gone before anyone missed them.
fn without_expired(backup: &Value) -> Value {
    let soon = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        + RESTORE_MARGIN_SECS;
    let mut live = backup.clone();
    if let Some(namespaces) = live.as_object_mut() {
        for entries in namespaces.values_mut() {
            if let Some(list) = entries.as_array_mut() {
                list.retain(|e| e["expiration"].as_u64().is_none_or(|at| at > soon));
            }
        }
    }
    live
}

const API: &str = "https://api.cloudflare.com/client/v4/accounts";

impl Remote {
    fn namespace_url(&self, id: &str) -> String {
        format!("{API}/{}/storage/kv/namespaces/{id}", self.account)
    }

    fn export(&self) -> Result<Value> {
        let mut out = serde_json::Map::new();
        for (binding, id) in &self.namespaces {
            let mut entries = vec![];
            let mut cursor = String::new();
            loop {
                let page: Value = self
                    .http
                    .get(format!("{}/keys", self.namespace_url(id)))
                    .bearer_auth(&self.token)
                    .query(&[("limit", "1000"), ("cursor", cursor.as_str())])
                    .send()?
                    .error_for_status()?
                    .json()?;
                for key in page["result"].as_array().context("KV list: no result")? {
                    let name = key["name"]
                        .as_str()
                        .context("KV list: a key without name")?;
                    let value = self
                        .http
                        .get(format!(
                            "{}/values/{}",
                            self.namespace_url(id),
                            urlencode(name)
                        ))
                        .bearer_auth(&self.token)
                        .send()?;
                    if value.status() == 404 {
                        continue; // expired between the list and the read
                    }
                    let bytes = value.error_for_status()?.bytes()?;
                    let mut entry = json!({
                        "key": name,
                        "value": base64::engine::general_purpose::STANDARD.encode(&bytes),
                    });
                    if let Some(at) = key["expiration"].as_u64() {
                        entry["expiration"] = json!(at);
                    }
                    if !key["metadata"].is_null() {
                        entry["metadata"] = key["metadata"].clone();
                    }
                    entries.push(entry);
                }
                cursor = page["result_info"]["cursor"]
                    .as_str()
                    .unwrap_or("")
                    .to_string();
                if cursor.is_empty() {
                    break;
                }
            }
            out.insert(binding.clone(), Value::Array(entries));
        }
        Ok(Value::Object(out))
    }

    fn import(&self, backup: &Value) -> Result<()> {
        for (binding, id) in &self.namespaces {
            let entries = backup[binding].as_array().cloned().unwrap_or_default();
            // The bulk write takes up to 10 000 pairs.
            for batch in entries.chunks(10_000) {
                let pairs: Vec<Value> = batch
                    .iter()
                    .map(|e| {
                        let mut pair =
                            json!({"key": e["key"], "value": e["value"], "base64": true});
                        if !e["expiration"].is_null() {
                            pair["expiration"] = e["expiration"].clone();
                        }
                        if !e["metadata"].is_null() {
                            pair["metadata"] = e["metadata"].clone();
                        }
                        pair
                    })
                    .collect();
                self.http
                    .put(format!("{}/bulk", self.namespace_url(id)))
                    .bearer_auth(&self.token)
                    .timeout(Duration::from_secs(120))
                    .json(&pairs)
                    .send()?
                    .error_for_status()
                    .with_context(|| format!("writing {binding}"))?;
            }
        }
        Ok(())
    }
}

fn urlencode(key: &str) -> String {
    key.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_about_to_expire_are_not_restored() {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let backup = json!({"SESSION_STORE": [
            {"key": "gone", "value": "", "expiration": 1},
            {"key": "in two minutes", "value": "", "expiration": now + 120},
            {"key": "in ten minutes", "value": "", "expiration": now + 600},
            {"key": "kept", "value": "", "expiration": 4_000_000_000u64},
            {"key": "forever", "value": ""}
        ]});
        let live = without_expired(&backup);
        let keys: Vec<&str> = live["SESSION_STORE"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["key"].as_str().unwrap())
            .collect();
        assert_eq!(keys, ["in ten minutes", "kept", "forever"]);
        assert_eq!(counts(&live), [("SESSION_STORE".to_string(), 3)]);
    }

    #[test]
    fn key_names_are_escaped_in_urls() {
        assert_eq!(urlencode("session:ab/c d"), "session%3Aab%2Fc%20d");
    }
}
