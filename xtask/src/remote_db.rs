//! One connection to a libSQL server (the local sqld or Turso) for a blocking xtask command.

use anyhow::{Context, Result};

/// Runs `work` on a fresh connection to `url`, on a single-threaded runtime of its own.
pub fn with_connection<T>(
    url: &str,
    token: &str,
    work: impl AsyncFnOnce(libsql::Connection) -> Result<T>,
) -> Result<T> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let db = libsql::Builder::new_remote(url.to_string(), token.to_string())
            .build()
            .await
            .with_context(|| format!("connecting to {url}"))?;
        work(db.connect()?).await
    })
}
