//! A real libSQL server (sqld) standing in for Turso: same Hrana HTTP protocol, same EdDSA JWT
//! authentication, so the Worker runs exactly as in production.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{EncodePrivateKey, EncodePublicKey};
use nix::sys::signal::Signal;

use crate::process::{Service, free_port};

pub struct Sqld {
    binary: PathBuf,
    dir: PathBuf,
    port: u16,
    service: Option<Service>,
}

impl Sqld {
    /// Prepares `dir` (data, keys, log) and picks a port; the data survives restarts.
    pub fn new(binary: &Path, dir: &Path) -> Result<Self> {
        fs::create_dir_all(dir)?;
        let private = dir.join("jwt-private.pem");
        if !private.exists() {
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed).context("reading the OS random number generator")?;
            let key = SigningKey::from_bytes(&seed);
            fs::write(
                &private,
                key.to_pkcs8_pem(LineEnding::LF)
                    .context("encoding the private key")?
                    .as_bytes(),
            )?;
            let public = key
                .verifying_key()
                .to_public_key_pem(LineEnding::LF)
                .context("encoding the public key")?;
            fs::write(dir.join("jwt-public.pem"), public)?;
        }
        Ok(Self {
            binary: binary.to_path_buf(),
            dir: dir.to_path_buf(),
            port: free_port()?,
            service: None,
        })
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A token like Turso's: EdDSA-signed, read-write, valid for a week.
    pub fn token(&self) -> Result<String> {
        token_for(&self.dir)
    }

    /// Where a running instance can be found by other commands (`xtask admin`).
    fn url_file(dir: &Path) -> PathBuf {
        dir.join("url")
    }

    pub fn pid(&self) -> Option<u32> {
        self.service.as_ref().map(Service::pid)
    }

    /// Starts sqld and waits until it answers `/health`.
    pub fn start(&mut self) -> Result<()> {
        if self.service.is_some() {
            return Ok(());
        }
        let mut command = crate::cmd::command(&self.binary);
        command
            .current_dir(&self.dir)
            .arg("--no-welcome")
            .arg("--db-path")
            .arg(self.dir.join("data"))
            .args(["--http-listen-addr", &format!("127.0.0.1:{}", self.port)])
            .arg("--auth-jwt-key-file")
            .arg(self.dir.join("jwt-public.pem"));
        let mut service = Service::spawn(
            "sqld",
            &mut command,
            Some(&self.dir.join("sqld.log")),
            Signal::SIGTERM,
        )?;
        service.wait_for_http(
            &format!("{}/health", self.url()),
            |status| status == 200,
            Duration::from_secs(30),
        )?;
        self.service = Some(service);
        fs::write(Self::url_file(&self.dir), self.url())?;
        Ok(())
    }

    pub fn stop(&mut self) {
        if let Some(mut service) = self.service.take() {
            service.stop(Duration::from_secs(5));
        }
        let _ = fs::remove_file(Self::url_file(&self.dir));
    }

    /// `Some` when sqld died on its own.
    pub fn exited(&mut self) -> Option<String> {
        let service = self.service.as_mut()?;
        service
            .exited()
            .map(|status| format!("sqld exited ({status})\n{}", service.log_tail(20)))
    }
}

fn token_for(dir: &Path) -> Result<String> {
    let pem = fs::read(dir.join("jwt-private.pem")).context("reading the sqld signing key")?;
    let key =
        jsonwebtoken::EncodingKey::from_ed_pem(&pem).context("reading the sqld signing key")?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let claims = serde_json::json!({ "a": "rw", "iat": now, "exp": now + 7 * 24 * 3600 });
    Ok(jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA),
        &claims,
        &key,
    )?)
}

/// URL and a fresh token for the sqld a running stack started from `dir`.
pub fn running(dir: &Path) -> Result<(String, String)> {
    let url = fs::read_to_string(Sqld::url_file(dir))
        .map(|url| url.trim().to_string())
        .map_err(|_| anyhow::anyhow!("the local database is not running: start `cargo xtask dev` first, or pass --url and --token"))?;
    Ok((url, token_for(dir)?))
}
