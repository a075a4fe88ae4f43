//! The local stand-in for Google Sign-In: a real OpenID Connect provider (`xtask/oidc-provider.mjs`
//! on oauth2-mock-server) on a free port. The Worker finds it through `GOOGLE_ISSUER`.

use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use nix::sys::signal::Signal;

use crate::bootstrap::Tools;
use crate::process::{Service, free_port};

/// The client id the Worker presents locally (the stand-in accepts any).
pub const CLIENT_ID: &str = "pingtopass-local.apps.googleusercontent.com";

pub struct Provider {
    pub issuer: String,
    pub service: Service,
}

pub fn start(tools: &Tools, log: &Path) -> Result<Provider> {
    let port = free_port()?;
    let issuer = format!("http://127.0.0.1:{port}");
    let mut node = crate::node::tool(
        &tools.paths,
        crate::node::bin_dir(&tools.paths).join("node"),
    );
    node.current_dir(&tools.paths.root)
        .arg(tools.paths.root.join("xtask/oidc-provider.mjs"))
        .arg(port.to_string());
    let mut service = Service::spawn("oidc-provider", &mut node, Some(log), Signal::SIGTERM)?;
    let discovery = format!("{issuer}/.well-known/openid-configuration");
    service.wait_for_http(&discovery, |status| status == 200, Duration::from_secs(30))?;
    Ok(Provider { issuer, service })
}
