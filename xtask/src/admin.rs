//! `cargo xtask admin grant EMAIL`: promotes a member (who has signed in at least once) to admin.

use anyhow::{Context, Result, bail};

pub fn grant(url: &str, token: &str, email: &str) -> Result<String> {
    let email = email.trim();
    if !email.contains('@') {
        bail!("{email:?} is not an email address");
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let db = libsql::Builder::new_remote(url.to_string(), token.to_string())
            .build()
            .await
            .with_context(|| format!("connecting to {url}"))?;
        let conn = db.connect()?;
        let mut rows = conn
            .query(
                "UPDATE users SET role = 'admin' WHERE email = ?1 AND kind = 'member' RETURNING id",
                libsql::params![email],
            )
            .await?;
        match rows.next().await? {
            Some(row) => Ok(row.get::<String>(0)?),
            None => bail!(
                "no member with the email {email} has signed in yet; they must sign in once first"
            ),
        }
    })
}
