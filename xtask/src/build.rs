//! Release builds of the SPA (trunk) and the Worker (worker-build), one after the other: both
//! compile to wasm32 with the toolchain the bootstrap found, sharing the workspace target dir.

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::bootstrap::Tools;
use crate::cmd::{command, output, run};
use crate::steps::Steps;

/// Builds both and prints their gzip sizes (wasm + JS), the figures that matter for load time and
/// for the Workers script-size limit.
pub fn all(tools: &Tools) -> Result<()> {
    let steps = Steps::begin("build");
    steps.run("SPA (trunk, release)", || {
        spa(tools)?;
        let bytes = gzip_size(&tools.paths.spa_dist(), &["wasm", "js"])?;
        Ok(((), format!("{bytes} bytes gzip wasm+js")))
    })?;
    steps.run("Worker (worker-build, release)", || {
        worker(tools)?;
        let bytes = gzip_size(&tools.paths.root.join("api/build"), &["wasm", "js"])?;
        Ok(((), format!("{bytes} bytes gzip wasm+js")))
    })?;
    steps.finish("built");
    Ok(())
}

/// A command for a wasm32 build: the wasm toolchain, and the pinned tools first on PATH.
fn wasm_build(tools: &Tools, program: &Path) -> Command {
    let mut build = command(program);
    if let Some(toolchain) = &tools.wasm_toolchain {
        build.env("RUSTUP_TOOLCHAIN", toolchain);
    }
    let bindgen_dir = tools.wasm_bindgen.parent().expect("binary has a directory");
    let node_bin = tools.paths.root.join("node_modules/.bin");
    let path = std::env::join_paths([bindgen_dir.to_path_buf(), node_bin].into_iter().chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("PATH entries have no separators");
    build
        .env("PATH", path)
        .env("PTP_GIT_SHA", git_sha(&tools.paths.root));
    build
}

fn spa(tools: &Tools) -> Result<()> {
    run(wasm_build(tools, &tools.trunk)
        .current_dir(&tools.paths.root)
        .args(["--config", "Trunk.toml", "build", "--release", "--offline"]))
}

fn worker(tools: &Tools) -> Result<()> {
    run(wasm_build(tools, &tools.worker_build)
        .current_dir(tools.paths.root.join("api"))
        .env("WASM_BINDGEN_BIN", &tools.wasm_bindgen)
        .env("WASM_OPT_BIN", &tools.wasm_opt)
        .env("ESBUILD_BIN", &tools.esbuild)
        .arg("--release"))
}

/// Short commit id for the build's version string; empty outside a git checkout.
fn git_sha(root: &Path) -> String {
    output(
        command("git")
            .current_dir(root)
            .args(["rev-parse", "--short=8", "HEAD"]),
    )
    .map(|sha| sha.trim().to_string())
    .unwrap_or_default()
}

fn gzip_size(dir: &Path, extensions: &[&str]) -> Result<u64> {
    let mut total = 0;
    let mut any = false;
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if path.is_file() && extensions.contains(&ext) {
            let gz = command("gzip")
                .arg("-9")
                .arg("-c")
                .arg(&path)
                .output()
                .context("running gzip")?;
            total += gz.stdout.len() as u64;
            any = true;
        }
    }
    if !any {
        bail!("no {extensions:?} files in {}", dir.display());
    }
    Ok(total)
}
