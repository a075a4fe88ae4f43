//! `cargo xtask admin grant EMAIL`: promotes a member (who has signed in at least once) to admin.

use anyhow::{Result, bail};

pub fn grant(url: &str, token: &str, email: &str) -> Result<String> {
    let email = email.trim();
    if !email.contains('@') {
        bail!("{email:?} is not an email address");
    }
    crate::remote_db::with_connection(url, token, async |conn| {
        let tx = conn.transaction().await?;
        // The audit log records the grant with the promotion, in one transaction; a member who
        // is an admin already changes nothing and adds no entry.
        tx.execute(
            "INSERT INTO audit_log (actor, action, target, diff) \
             SELECT 'cli', 'role_grant', 'user:' || id, \
             json_object('role', json_array(role, 'admin'), 'email', email) \
             FROM users WHERE email = ?1 AND kind = 'member' AND role != 'admin'",
            libsql::params![email],
        )
        .await?;
        let mut rows = tx
            .query(
                "UPDATE users SET role = 'admin' WHERE email = ?1 AND kind = 'member' RETURNING id",
                libsql::params![email],
            )
            .await?;
        let granted = match rows.next().await? {
            Some(row) => row.get::<String>(0)?,
            None => bail!(
                "no member with the email {email} has signed in yet; they must sign in once first"
            ),
        };
        drop(rows);
        tx.commit().await?;
        Ok(granted)
    })
}
