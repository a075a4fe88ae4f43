//! The JavaScript baseline (`baseline/worker.js`) under `wrangler dev` on the same workerd as the
//! Rust Worker, serving the catalogue the Rust Worker answered.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use nix::sys::signal::Signal;

use crate::bootstrap::Tools;
use crate::process::{Service, free_port};
use crate::wrangler;

const WORKER: &str = include_str!("baseline/worker.js");
const CONFIG: &str = include_str!("baseline/wrangler.toml");

pub struct Baseline {
    service: Service,
    pub url: String,
    dir: PathBuf,
}

impl Baseline {
    /// Writes the Worker with `catalog` (the JSON it serves) into `dir` and starts it.
    pub fn start(tools: &Tools, catalog: &[u8], dir: &Path) -> Result<Self> {
        let _ = fs::remove_dir_all(dir);
        fs::create_dir_all(dir)?;
        fs::write(dir.join("worker.js"), WORKER)?;
        fs::write(dir.join("wrangler.toml"), CONFIG)?;
        serde_json::from_slice::<serde_json::Value>(catalog).context("the catalogue is JSON")?;
        fs::write(dir.join("catalog.json"), catalog)?;
        let port = free_port()?;
        let mut dev =
            wrangler::dev_of(tools, &dir.join("wrangler.toml"), port, &dir.join("state"))?;
        let mut service = Service::spawn(
            "baseline",
            &mut dev,
            Some(&dir.join("wrangler.log")),
            Signal::SIGINT,
        )?;
        let url = format!("http://127.0.0.1:{port}");
        service
            .wait_for_http(
                &format!("{url}/floor"),
                |status| status == 200,
                Duration::from_secs(90),
            )
            .with_context(|| {
                format!(
                    "the baseline did not start; see {}",
                    dir.join("wrangler.log").display()
                )
            })?;
        Ok(Self {
            service,
            url,
            dir: dir.to_path_buf(),
        })
    }

    pub fn stop(mut self, keep: bool) {
        self.service.stop(Duration::from_secs(10));
        if keep {
            eprintln!("  baseline logs kept in {}", self.dir.display());
        }
    }
}
