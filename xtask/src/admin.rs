//! `cargo xtask admin grant EMAIL`: promotes a member (who has signed in at least once) to admin.

use anyhow::{Result, bail};

pub fn grant(url: &str, token: &str, email: &str) -> Result<String> {
    let email = email.trim();
    if !email.contains('@') {
        bail!("{email:?} is not an email address");
    }
    crate::remote_db::with_connection(url, token, async |conn| {
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
