//! The local stand-in for OpenRouter: PyPI's `fakellm` (OpenAI-compatible chat completions at
//! `/v1/chat/completions`) answering by the rules of `xtask/fakellm.yaml`, on a free port. The
//! Worker finds it through `OPENROUTER_BASE_URL`; `GET /_fakellm/stats` counts the calls each
//! rule answered, which is how a test sees how many times the model was asked.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use nix::sys::signal::Signal;

use crate::bootstrap::{Tools, pip_install};
use crate::paths::Paths;
use crate::process::{Service, free_port};
use crate::steps::Steps;

const FAKELLM: &str = "fakellm==0.3.5";
const VENV: &str = "fakellm";

/// `fakellm` in a venv of its own under `.local/`.
pub fn ensure(paths: &Paths, steps: &Steps) -> Result<(PathBuf, String)> {
    let binary = paths.local().join(VENV).join("bin").join("fakellm");
    let stamp = paths.local().join(VENV).join(".ptp-requirement");
    if binary.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(FAKELLM) {
        return Ok((binary, "in place".into()));
    }
    pip_install(paths, steps, VENV, FAKELLM)?;
    std::fs::write(&stamp, FAKELLM)?;
    Ok((binary, format!("installed {FAKELLM}")))
}

pub struct Model {
    /// The OpenAI-compatible base URL (`…/v1`), as `OPENROUTER_BASE_URL` wants it.
    pub base_url: String,
    /// Where its statistics are (`/_fakellm/stats`).
    pub url: String,
    pub service: Service,
}

pub fn start(tools: &Tools, log: &Path) -> Result<Model> {
    let port = free_port()?;
    let url = format!("http://127.0.0.1:{port}");
    let mut command = crate::cmd::command(&tools.fakellm);
    command
        .current_dir(&tools.paths.root)
        .args(["serve", "--host", "127.0.0.1", "--port", &port.to_string()])
        .arg("--config")
        .arg(tools.paths.root.join("xtask/fakellm.yaml"));
    let mut service = Service::spawn("fakellm", &mut command, Some(log), Signal::SIGINT)?;
    service.wait_for_http(
        &format!("{url}/_fakellm/stats"),
        |status| status == 200,
        Duration::from_secs(30),
    )?;
    Ok(Model {
        base_url: format!("{url}/v1"),
        url,
        service,
    })
}
