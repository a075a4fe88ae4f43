//! Random secrets for generated local configuration.

use anyhow::{Context, Result};

pub fn hex(bytes: usize) -> Result<String> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).context("reading the OS random number generator")?;
    Ok(buffer.iter().map(|b| format!("{b:02x}")).collect())
}
