//! The wasm32 standard library: rustup's target when the default toolchain has it; otherwise
//! Debian's rustc-web with its sources, the standard library built once for wasm32 into `/usr`
//! and linked into rustup as the `web` toolchain.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::bootstrap::{WASM_TARGET, ensure_packages};
use crate::cmd::{command, output, run};
use crate::paths::Paths;
use crate::steps::Steps;

const WEB_TOOLCHAIN: &str = "web";
const DEBIAN_WASM_PACKAGES: &[&str] = &["rustc-web", "cargo-web", "rust-web-src", "lld-19"];

fn has_std(libdir: &Path) -> bool {
    fs::read_dir(libdir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("libstd-"))
    })
}

fn target_libdir(toolchain: Option<&str>) -> Option<PathBuf> {
    let mut rustc = command("rustc");
    if let Some(toolchain) = toolchain {
        rustc.env("RUSTUP_TOOLCHAIN", toolchain);
    }
    let out = output(rustc.args(["--print", "target-libdir", "--target", WASM_TARGET])).ok()?;
    Some(PathBuf::from(out.trim()))
}

pub(crate) fn wasm_target(paths: &Paths, steps: &Steps) -> Result<(Option<String>, String)> {
    if target_libdir(None).is_some_and(|dir| has_std(&dir)) {
        return Ok((None, "the default toolchain has it".into()));
    }
    // Debian route: rustc-web 1.96 with its sources, std built once for wasm32 into /usr.
    let mut notes = vec![];
    let installed = ensure_packages(DEBIAN_WASM_PACKAGES, steps)?;
    notes.push(installed);
    let sysroot_lib = Path::new("/usr/lib/rustlib").join(WASM_TARGET).join("lib");
    let stamp = sysroot_lib.join(".ptp-built-by");
    let rustc_version = output(command("/usr/bin/rustc").arg("-vV"))?;
    let current = fs::read_to_string(&stamp).ok().as_deref() == Some(rustc_version.as_str())
        && has_std(&sysroot_lib);
    if !current {
        steps.announce("building the wasm32 standard library with Debian's rustc-web (once)");
        build_wasm_std(paths, &sysroot_lib, &rustc_version)?;
        notes.push("std built for wasm32".into());
    }
    let lld = Path::new("/usr/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld");
    if !lld.exists() {
        fs::create_dir_all(lld.parent().expect("has parent"))?;
        std::os::unix::fs::symlink("/usr/lib/llvm-19/bin/lld", lld)
            .context("linking rust-lld to lld-19")?;
    }
    let toolchains = output(command("rustup").args(["toolchain", "list"]))?;
    if !toolchains
        .lines()
        .any(|line| line.split_whitespace().next() == Some(WEB_TOOLCHAIN))
    {
        run(command("rustup").args(["toolchain", "link", WEB_TOOLCHAIN, "/usr"]))?;
        notes.push("linked rustup toolchain `web`".into());
    }
    if !target_libdir(Some(WEB_TOOLCHAIN)).is_some_and(|dir| has_std(&dir)) {
        bail!("the `web` toolchain still lacks {WASM_TARGET} after the build");
    }
    notes.retain(|n| !n.is_empty());
    let note = if notes.is_empty() {
        "Debian rustc-web (`web` toolchain)".to_string()
    } else {
        notes.join("; ")
    };
    Ok((Some(WEB_TOOLCHAIN.to_string()), note))
}

fn build_wasm_std(paths: &Paths, sysroot_lib: &Path, rustc_version: &str) -> Result<()> {
    let project = paths.local().join("wasm-std");
    fs::create_dir_all(project.join("src"))?;
    fs::write(
        project.join("Cargo.toml"),
        "[package]\nname = \"wasm-std\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )?;
    fs::write(project.join("src/lib.rs"), "")?;
    let path = format!("/usr/bin:{}", std::env::var("PATH").unwrap_or_default());
    run(command("/usr/bin/cargo")
        .current_dir(&project)
        .env("PATH", path)
        .env("RUSTC", "/usr/bin/rustc")
        .env("RUSTC_BOOTSTRAP", "1")
        // Trunk's LTO build needs bitcode in std ("Can't find section .llvmbc" otherwise).
        .env("RUSTFLAGS", "-Cembed-bitcode=yes")
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER", "wasm-ld-19")
        .args([
            "build",
            "--release",
            "-Zbuild-std=std,panic_abort",
            "--target",
            WASM_TARGET,
        ]))?;
    let deps = project
        .join("target")
        .join(WASM_TARGET)
        .join("release")
        .join("deps");
    fs::create_dir_all(sysroot_lib)?;
    for entry in fs::read_dir(sysroot_lib)?.flatten() {
        fs::remove_file(entry.path())?;
    }
    for entry in fs::read_dir(&deps)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".rlib") && !name.starts_with("libwasm_std") {
            fs::copy(entry.path(), sysroot_lib.join(&name))?;
        }
    }
    fs::write(sysroot_lib.join(".ptp-built-by"), rustc_version)?;
    Ok(())
}
