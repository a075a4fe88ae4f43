//! The exact wrangler command lines of a release, built in one place so the dry run prints what
//! the real run executes; and the order assets go into the bucket.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::rollout::Label;
use super::{EnvConfig, VersionId};

/// The object in each assets bucket that records what was put there (key → SHA-256), so a
/// deploy puts only what changed. Under `.deploy/`, which the SPA never asks for.
pub const ASSET_MANIFEST: &str = ".deploy/assets.json";

fn with_env(env: &EnvConfig, args: &[&str]) -> Vec<String> {
    let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    all.extend(env.wrangler_args());
    all
}

pub fn deployments_status(env: &EnvConfig) -> Vec<String> {
    with_env(env, &["deployments", "status", "--json"])
}

pub fn versions_upload(env: &EnvConfig, label: &Label) -> Vec<String> {
    with_env(
        env,
        &[
            "versions",
            "upload",
            "--tag",
            &label.tag,
            "--message",
            &label.message,
        ],
    )
}

/// `wrangler deploy`: a new version with all traffic at once. A preview's own Worker takes its
/// secrets along (see `secrets`).
pub fn deploy(env: &EnvConfig, label: &Label) -> Vec<String> {
    let mut args = vec![
        "deploy".to_string(),
        "--tag".into(),
        label.tag.clone(),
        "--message".into(),
        label.message.clone(),
    ];
    if let Some(file) = super::secrets::file_for(env) {
        args.extend(["--secrets-file".into(), file.display().to_string()]);
    }
    args.extend(env.wrangler_args());
    args
}

/// Removing a closed pull request's preview: its Worker and queues go; its bucket's objects
/// expire the next day (a bucket must be empty to be deleted, and wrangler empties none).
pub fn retire(env: &EnvConfig) -> Vec<Vec<String>> {
    let mut steps = vec![with_env(env, &["delete", "--force"])];
    for queue in &env.queues {
        steps.push(with_env(env, &["queues", "delete", queue]));
    }
    steps.push(with_env(
        env,
        &[
            "r2",
            "bucket",
            "lifecycle",
            "add",
            &env.bucket,
            "retired",
            "",
            "--expire-days",
            "1",
            "--force",
        ],
    ));
    steps
}

/// `wrangler versions deploy new@10% old@90%`: traffic split between versions.
pub fn versions_deploy(env: &EnvConfig, split: &[(VersionId, u8)], message: &str) -> Vec<String> {
    let mut args = vec!["versions".to_string(), "deploy".to_string()];
    args.extend(split.iter().map(|(v, p)| format!("{v}@{p}%")));
    args.extend(["--message".into(), message.chars().take(100).collect()]);
    args.push("--yes".into());
    args.extend(env.wrangler_args());
    args
}

pub fn rollback(env: &EnvConfig, to: Option<&VersionId>, reason: &str) -> Vec<String> {
    let mut args = vec!["rollback".to_string()];
    args.extend(to.map(|v| v.to_string()));
    args.extend(["--message".into(), reason.into(), "--yes".into()]);
    args.extend(env.wrangler_args());
    args
}

pub fn manifest_get(env: &EnvConfig) -> Vec<String> {
    with_env(
        env,
        &[
            "r2",
            "object",
            "get",
            &format!("{}/{ASSET_MANIFEST}", env.bucket),
            "--pipe",
            "--remote",
        ],
    )
}

pub fn object_put(env: &EnvConfig, key: &str, file: &str, content_type: &str) -> Vec<String> {
    with_env(
        env,
        &[
            "r2",
            "object",
            "put",
            &format!("{}/{key}", env.bucket),
            "--file",
            file,
            "--content-type",
            content_type,
            "--remote",
        ],
    )
}

pub fn secret_list(env: &EnvConfig) -> Vec<String> {
    with_env(env, &["secret", "list", "--format", "json"])
}

pub fn bucket_create(env: &EnvConfig) -> Vec<String> {
    with_env(env, &["r2", "bucket", "create", &env.bucket])
}

pub fn queue_create(env: &EnvConfig, queue: &str) -> Vec<String> {
    with_env(env, &["queues", "create", queue])
}

/// The keys to put, in order: every file whose hash the bucket's manifest does not hold, pages
/// (`*.html`) last, so a page never points at a file that is not there yet. Nothing is deleted:
/// tabs still open on the previous page keep loading its hashed files.
pub fn upload_order(
    files: &BTreeMap<String, (PathBuf, String)>,
    manifest: &BTreeMap<String, String>,
) -> Vec<String> {
    let changed = files
        .iter()
        .filter(|(key, (_, hash))| manifest.get(*key) != Some(hash))
        .map(|(key, _)| key.clone());
    let (pages, rest): (Vec<String>, Vec<String>) = changed.partition(|key| key.ends_with(".html"));
    rest.into_iter().chain(pages).collect()
}

/// A command line as a shell would take it, for the dry run and the log.
pub fn shell_line(program: &str, args: &[String]) -> String {
    let quote = |arg: &String| {
        let plain = !arg.is_empty()
            && arg
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./@%:=<>".contains(c));
        if plain {
            arg.clone()
        } else {
            format!("'{}'", arg.replace('\'', r"'\''"))
        }
    };
    std::iter::once(program.to_string())
        .chain(args.iter().map(quote))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(entries: &[(&str, &str)]) -> BTreeMap<String, (PathBuf, String)> {
        entries
            .iter()
            .map(|(key, hash)| (key.to_string(), (PathBuf::from(key), hash.to_string())))
            .collect()
    }

    #[test]
    fn new_files_go_first_pages_last_and_unchanged_ones_not_at_all() {
        let built = files(&[
            ("index.html", "h2"),
            ("app-new.js", "a2"),
            ("app-new_bg.wasm", "w2"),
            ("favicon.ico", "f1"),
            ("api-docs/index.html", "d1"),
        ]);
        let manifest: BTreeMap<String, String> = [
            ("index.html", "h1"),
            ("app-old.js", "a1"),
            ("favicon.ico", "f1"),
            ("api-docs/index.html", "d1"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(
            upload_order(&built, &manifest),
            ["app-new.js", "app-new_bg.wasm", "index.html"]
        );
        assert!(
            upload_order(
                &built,
                &built
                    .iter()
                    .map(|(k, (_, h))| (k.clone(), h.clone()))
                    .collect()
            )
            .is_empty()
        );
    }

    #[test]
    fn a_gradual_step_names_both_versions_and_their_shares() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap();
        let env = EnvConfig::read(root, super::super::Target::Production, None).unwrap();
        let new = VersionId::parse("11111111-2222-4333-8444-555555555555").unwrap();
        let old = VersionId::parse("66666666-7777-4888-8999-000000000000").unwrap();
        let line = shell_line(
            "wrangler",
            &versions_deploy(&env, &[(new, 10), (old, 90)], "Ship it"),
        );
        assert!(
            line.starts_with(
                "wrangler versions deploy 11111111-2222-4333-8444-555555555555@10% 66666666-7777-4888-8999-000000000000@90% --message 'Ship it' --yes --env production --config "
            ),
            "{line}"
        );
    }
}
