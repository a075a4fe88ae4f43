//! Release builds of the SPA (trunk) and the Worker (worker-build), one after the other: both
//! compile to wasm32 with the toolchain the bootstrap found, sharing the workspace target dir.
//! Each is skipped when a fingerprint of everything it is built from is unchanged: trunk and
//! worker-build re-run wasm-bindgen and wasm-opt every time, which dominates a warm start.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

use crate::bootstrap::Tools;
use crate::cmd::{command, output, run};
use crate::steps::Steps;

/// Builds both and prints their gzip sizes (wasm + JS), the figures that matter for load time and
/// for the Workers script-size limit.
pub fn all(tools: &Tools) -> Result<()> {
    let steps = Steps::begin("build");
    let packages = workspace_packages(tools)?;
    let sha = git_sha(&tools.paths.root);
    steps.run("SPA (trunk, release)", || {
        let inputs = Inputs::of(
            &packages,
            "ptp-frontend",
            &[
                &tools.paths.root.join("Trunk.toml"),
                &tools.paths.root.join("xtask/src/build.rs"),
            ],
        )?;
        let out = tools.paths.spa_dist();
        let skipped = inputs.build_once(tools, &sha, "spa", &out, || spa(tools, &sha))?;
        // Idempotent, so also right for a build from before the loader moved out.
        crate::loader::externalize(&out)?;
        let bytes = gzip_size(&out, &["wasm", "js"])?;
        Ok(((), format!("{bytes} bytes gzip wasm+js{skipped}")))
    })?;
    steps.run("Worker (worker-build, release)", || {
        // This recipe is an input too: a change to how the Worker is built rebuilds it.
        let inputs = Inputs::of(
            &packages,
            "ptp-api",
            &[&tools.paths.root.join("xtask/src/build.rs")],
        )?;
        let out = tools.paths.root.join("api/build");
        let skipped = inputs.build_once(tools, &sha, "worker", &out, || worker(tools, &sha))?;
        let bytes = gzip_size(&out, &["wasm", "js"])?;
        Ok(((), format!("{bytes} bytes gzip wasm+js{skipped}")))
    })?;
    steps.run("API docs page (Swagger UI)", || {
        api_docs(tools).map(|version| ((), format!("swagger-ui {version}")))
    })?;
    steps.finish("built");
    Ok(())
}

/// `target/api-docs`: our page and script (`api/docs/`) around the pinned npm Swagger UI, every
/// file but the page named by content or version, so R2 can serve them as immutable.
fn api_docs(tools: &Tools) -> Result<String> {
    let out = tools.paths.api_docs_dist();
    let _ = fs::remove_dir_all(&out);
    let swagger = tools.paths.root.join("node_modules/swagger-ui-dist");
    let package: serde_json::Value =
        serde_json::from_slice(&fs::read(swagger.join("package.json"))?)?;
    let version = package["version"]
        .as_str()
        .context("swagger-ui-dist has a version")?
        .to_string();
    let swagger_dir = format!("swagger-ui-{version}");
    fs::create_dir_all(out.join(&swagger_dir))?;
    for file in ["swagger-ui-bundle.js", "swagger-ui.css"] {
        fs::copy(swagger.join(file), out.join(&swagger_dir).join(file))
            .with_context(|| format!("copying {file}"))?;
    }
    let sources = tools.paths.root.join("api/docs");
    let script = fs::read(sources.join("docs.js"))?;
    let script_name = format!(
        "docs-{}.js",
        &format!("{:x}", Sha256::digest(&script))[..16]
    );
    fs::write(out.join(&script_name), script)?;
    let page = fs::read_to_string(sources.join("index.html"))?
        .replace("{{swagger}}", &swagger_dir)
        .replace("{{script}}", &script_name);
    fs::write(out.join("index.html"), page)?;
    Ok(version)
}

/// Workspace packages: name → (directory, names of the path dependencies it uses).
type Packages = BTreeMap<String, (PathBuf, Vec<String>)>;

fn workspace_packages(tools: &Tools) -> Result<Packages> {
    let metadata = output(command("cargo").current_dir(&tools.paths.root).args([
        "metadata",
        "--format-version",
        "1",
        "--no-deps",
    ]))?;
    let metadata: serde_json::Value =
        serde_json::from_str(&metadata).context("parsing cargo metadata")?;
    let mut packages = Packages::new();
    for package in metadata["packages"]
        .as_array()
        .context("cargo metadata lists packages")?
    {
        let name = package["name"].as_str().unwrap_or_default().to_string();
        let manifest = PathBuf::from(package["manifest_path"].as_str().unwrap_or_default());
        let dir = manifest
            .parent()
            .context("manifest has a directory")?
            .to_path_buf();
        let path_deps = package["dependencies"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|dep| dep["path"].is_string() && dep["kind"].is_null())
            .filter_map(|dep| dep["name"].as_str().map(str::to_string))
            .collect();
        packages.insert(name, (dir, path_deps));
    }
    Ok(packages)
}

/// Everything a wasm build reads from the checkout: the package's directory and those of its
/// path dependencies, the workspace manifest and lockfile, and any extra files.
struct Inputs(Vec<PathBuf>);

impl Inputs {
    fn of(packages: &Packages, package: &str, extra: &[&Path]) -> Result<Self> {
        let mut seen = BTreeSet::new();
        let mut queue = vec![package.to_string()];
        let mut paths: Vec<PathBuf> = extra.iter().map(|p| p.to_path_buf()).collect();
        while let Some(name) = queue.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            let (dir, deps) = packages
                .get(&name)
                .with_context(|| format!("{name} is not a workspace package"))?;
            paths.push(dir.clone());
            queue.extend(deps.iter().cloned());
        }
        let root = packages
            .get(package)
            .and_then(|(dir, _)| dir.parent())
            .context("package has a parent")?;
        paths.push(root.join("Cargo.toml"));
        paths.push(root.join("Cargo.lock"));
        Ok(Self(paths))
    }

    fn fingerprint(&self, tools: &Tools, sha: &str) -> Result<String> {
        let mut hasher = Sha256::new();
        // The tools and the commit (built into the version string) are inputs too.
        for part in [sha, tools.wasm_toolchain.as_deref().unwrap_or("default")] {
            hasher.update(part.as_bytes());
        }
        for tool in [&tools.wasm_bindgen, &tools.worker_build, &tools.trunk] {
            hasher.update(tool.as_os_str().as_encoded_bytes());
        }
        let mut files = vec![];
        for path in &self.0 {
            collect_files(path, &mut files)?;
        }
        files.sort();
        for file in files {
            hasher.update(file.as_os_str().as_encoded_bytes());
            hasher.update(fs::read(&file).with_context(|| format!("reading {}", file.display()))?);
        }
        Ok(format!("{:x}", hasher.finalize()))
    }

    /// Runs `build` unless the last successful one had the same inputs and its output is there;
    /// returns a note saying which.
    fn build_once(
        &self,
        tools: &Tools,
        sha: &str,
        name: &str,
        out: &Path,
        build: impl FnOnce() -> Result<()>,
    ) -> Result<&'static str> {
        let stamp = tools
            .paths
            .root
            .join("target/ptp-build")
            .join(format!("{name}.fingerprint"));
        let fingerprint = self.fingerprint(tools, sha)?;
        let built = out.is_dir() && fs::read_dir(out)?.next().is_some();
        if built && fs::read_to_string(&stamp).ok().as_deref() == Some(fingerprint.as_str()) {
            return Ok(" (unchanged, not rebuilt)");
        }
        let _ = fs::remove_file(&stamp);
        build()?;
        fs::create_dir_all(stamp.parent().expect("has parent"))?;
        fs::write(&stamp, fingerprint)?;
        Ok("")
    }
}

/// Source files under `path`, skipping build output and dependencies.
fn collect_files(path: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    if path.is_file() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    for entry in fs::read_dir(path).with_context(|| format!("reading {}", path.display()))? {
        let entry = entry?;
        let name = entry.file_name();
        let skip = matches!(
            name.to_str(),
            Some("target" | "build" | "node_modules" | "dist")
        ) || name.to_string_lossy().starts_with('.');
        if !skip {
            collect_files(&entry.path(), files)?;
        }
    }
    Ok(())
}

/// A command for a wasm32 build: the wasm toolchain, and the pinned tools first on PATH.
fn wasm_build(tools: &Tools, program: &Path) -> Command {
    let mut build = command(program);
    if let Some(toolchain) = &tools.wasm_toolchain {
        build.env("RUSTUP_TOOLCHAIN", toolchain);
    }
    let bindgen_dir = tools.wasm_bindgen.parent().expect("binary has a directory");
    build.env(
        "PATH",
        crate::node::search_path(&tools.paths, &[bindgen_dir.to_path_buf()]),
    );
    build
}

fn spa(tools: &Tools, sha: &str) -> Result<()> {
    run(wasm_build(tools, &tools.trunk)
        .env("PTP_GIT_SHA", sha)
        .current_dir(&tools.paths.root)
        .args(["--config", "Trunk.toml", "build", "--release", "--offline"]))
}

fn worker(tools: &Tools, sha: &str) -> Result<()> {
    run(wasm_build(tools, &tools.worker_build)
        .env("PTP_GIT_SHA", sha)
        .current_dir(tools.paths.root.join("api"))
        .env("WASM_BINDGEN_BIN", &tools.wasm_bindgen)
        .env("WASM_OPT_BIN", &tools.wasm_opt)
        .env("ESBUILD_BIN", &tools.esbuild)
        .arg("--release"))?;
    strip_names(tools, &tools.paths.root.join("api/build/index_bg.wasm"))
}

/// worker-build keeps the wasm `name` section (it passes wasm-opt `--debuginfo`): 430 KB of the
/// script, 110 KB gzipped, shipped and parsed by every isolate that starts. The named build is
/// kept in `target/worker-names/` to read a `wasm-function[N]` in a stack trace against; the
/// script that is served and deployed goes without.
fn strip_names(tools: &Tools, wasm: &Path) -> Result<()> {
    let kept = tools.paths.root.join("target/worker-names");
    fs::create_dir_all(&kept)?;
    fs::copy(wasm, kept.join("index_bg.wasm")).context("keeping the named Worker wasm")?;
    let stripped = wasm.with_extension("stripped.wasm");
    let mut strip = command(&tools.wasm_opt);
    // The features worker-build enables, so wasm-opt reads what it wrote.
    for feature in [
        "mutable-globals",
        "sign-ext",
        "nontrapping-float-to-int",
        "bulk-memory",
        "multivalue",
        "reference-types",
        "exception-handling",
    ] {
        strip.arg(format!("--enable-{feature}"));
    }
    run(strip
        .arg("--strip-debug")
        .arg(wasm)
        .arg("-o")
        .arg(&stripped))?;
    fs::rename(&stripped, wasm).context("replacing the Worker wasm with its stripped build")?;
    Ok(())
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
