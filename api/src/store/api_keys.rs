//! `api_keys`: third-party access, stored as HMACs of the secrets.

use ptp_domain::ApiKeyName;
use ptp_domain::{KeyId, UserId};
use ptp_shared::{ApiKeyInfo, Scope};

use super::{Refusal, StoreError};
use crate::db::{Database, DbError, Row, int, rows, stmt, text};
use crate::http::HttpClient;
use crate::ids::new_id;
use crate::store::users::UserRecord;

const COLUMNS: &str = "id, name, hint, scopes, created_at, last_used_at, revoked_at";
/// Active keys one user may hold.
pub const MAX_ACTIVE: i64 = 20;

fn scopes_from(stored: &str) -> Result<Vec<Scope>, DbError> {
    stored
        .split_whitespace()
        .map(|name| {
            Scope::ALL
                .into_iter()
                .find(|scope| scope.as_str() == name)
                .ok_or_else(|| DbError::Protocol(format!("unknown scope {name} stored")))
        })
        .collect()
}

fn scopes_to(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn info(row: &Row) -> Result<ApiKeyInfo, DbError> {
    Ok(ApiKeyInfo {
        id: row.text("id")?,
        name: row.text("name")?,
        hint: row.text("hint")?,
        scopes: scopes_from(&row.text("scopes")?)?,
        created_at: row.text("created_at")?,
        last_used_at: row.opt_text("last_used_at")?,
        revoked_at: row.opt_text("revoked_at")?,
    })
}

pub async fn create(
    db: &Database<impl HttpClient>,
    user_id: &UserId,
    name: &ApiKeyName,
    scopes: &[Scope],
    hint: &str,
    secret_hash: &str,
) -> Result<ApiKeyInfo, StoreError> {
    // The limit check and the insert are one statement, so two racing requests cannot both pass.
    let sql = format!(
        "INSERT INTO api_keys (id, user_id, name, hint, secret_hash, scopes) \
         SELECT ?, ?, ?, ?, ?, ? WHERE (SELECT count(*) FROM api_keys WHERE user_id = ? AND revoked_at IS NULL) < ? \
         RETURNING {COLUMNS}"
    );
    let params = [
        text(new_id()),
        text(user_id),
        text(name.as_str()),
        text(hint),
        text(secret_hash),
        text(scopes_to(scopes)),
        text(user_id),
        int(MAX_ACTIVE),
    ];
    let result = db.execute(stmt(&sql, params)).await?;
    match rows(&result).next() {
        Some(row) => Ok(info(&row)?),
        None => Err(StoreError::Refused(Refusal::ActiveKeys { max: MAX_ACTIVE })),
    }
}

pub async fn list(
    db: &Database<impl HttpClient>,
    user_id: &UserId,
) -> Result<Vec<ApiKeyInfo>, StoreError> {
    let sql =
        format!("SELECT {COLUMNS} FROM api_keys WHERE user_id = ? ORDER BY created_at DESC, id");
    let result = db.execute(stmt(&sql, [text(user_id)])).await?;
    Ok(rows(&result)
        .map(|row| info(&row))
        .collect::<Result<_, _>>()?)
}

/// `true` when a key of this user was active and is now revoked.
pub async fn revoke(
    db: &Database<impl HttpClient>,
    user_id: &UserId,
    key_id: &KeyId,
) -> Result<bool, StoreError> {
    let sql = "UPDATE api_keys SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') \
               WHERE id = ? AND user_id = ? AND revoked_at IS NULL RETURNING id";
    let result = db.execute(stmt(sql, [text(key_id), text(user_id)])).await?;
    Ok(rows(&result).next().is_some())
}

/// What a presented secret turned out to be.
pub enum KeyLookup {
    Active {
        key_id: KeyId,
        scopes: Vec<Scope>,
        user: Box<UserRecord>,
        /// Its last recorded use is over a minute old (see [`record_use`]).
        stale_use: bool,
    },
    Revoked,
    Unknown,
}

/// The key with this hash and its owner, in one round trip that only reads: an invented or
/// revoked key costs no write.
pub async fn authenticate(
    db: &Database<impl HttpClient>,
    secret_hash: &str,
) -> Result<KeyLookup, StoreError> {
    let find = stmt(
        &format!(
            "SELECT k.id AS key_id, k.scopes AS key_scopes, k.revoked_at AS key_revoked_at, \
             (k.last_used_at IS NULL OR k.last_used_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-60 seconds')) AS stale_use, \
             {} FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.secret_hash = ?",
            crate::store::users::COLUMNS_AS_U
        ),
        [text(secret_hash)],
    );
    let result = db.execute(find).await?;
    let Some(row) = rows(&result).next() else {
        return Ok(KeyLookup::Unknown);
    };
    if row.opt_text("key_revoked_at")?.is_some() {
        return Ok(KeyLookup::Revoked);
    }
    Ok(KeyLookup::Active {
        key_id: KeyId::trusted(row.text("key_id")?),
        scopes: scopes_from(&row.text("key_scopes")?)?,
        user: Box::new(UserRecord::from_row(&row)?),
        stale_use: row.int("stale_use")? == 1,
    })
}

/// Records that an active key was used now (at most once a minute per key, so busy keys do not
/// turn every read into a write).
pub async fn record_use(db: &Database<impl HttpClient>, key_id: &KeyId) -> Result<(), StoreError> {
    db.execute(stmt(
        "UPDATE api_keys SET last_used_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') \
         WHERE id = ? AND revoked_at IS NULL",
        [text(key_id)],
    ))
    .await?;
    Ok(())
}

/// Revokes every active key of the user; returns how many there were.
pub async fn revoke_all(
    db: &Database<impl HttpClient>,
    user_id: &UserId,
) -> Result<u32, StoreError> {
    let result = db
        .execute(stmt(
            "UPDATE api_keys SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') \
             WHERE user_id = ? AND revoked_at IS NULL",
            [text(user_id)],
        ))
        .await?;
    Ok(u32::try_from(result.affected_row_count).unwrap_or(u32::MAX))
}
