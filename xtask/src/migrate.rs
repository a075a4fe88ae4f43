//! Numbered SQL migrations (`migrations/NNNN_name.sql`), applied in order, each in one transaction
//! together with its row in `_migrations` (version, name, SHA-256). A migration edited after it was
//! applied is refused, never silently re-run. Works on any libSQL URL: the local sqld or Turso.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    pub version: u32,
    pub file: String,
    pub sql: String,
    pub checksum: String,
}

/// A row of `_migrations`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub version: u32,
    pub file: String,
    pub checksum: String,
}

/// Reads and validates the directory: every `.sql` file must be named `NNNN_snake_name.sql`,
/// versions must be unique. Returned in version order.
pub fn load(dir: &Path) -> Result<Vec<Migration>> {
    let mut migrations = vec![];
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let file = entry?.file_name().to_string_lossy().into_owned();
        if !file.ends_with(".sql") {
            continue;
        }
        let version = parse_name(&file).with_context(|| {
            format!("{file}: migration files are named NNNN_lowercase_name.sql")
        })?;
        let sql = fs::read_to_string(dir.join(&file)).with_context(|| format!("reading {file}"))?;
        if let Some((line, _)) = sql
            .lines()
            .enumerate()
            .find(|(_, line)| line.split_once("--").is_some_and(|(_, c)| c.contains(';')))
        {
            // The libSQL client splits a batch at every ';', comments included, and the server
            // then answers with an unrelated error ("interrupted").
            bail!(
                "{file}:{}: a comment contains ';', which the libSQL client mistakes for the end of a statement",
                line + 1
            );
        }
        let checksum = format!("{:x}", Sha256::digest(sql.as_bytes()));
        migrations.push(Migration {
            version,
            file,
            sql,
            checksum,
        });
    }
    migrations.sort_by_key(|m| m.version);
    if let Some(pair) = migrations
        .windows(2)
        .find(|pair| pair[0].version == pair[1].version)
    {
        bail!(
            "{} and {} share version {}",
            pair[0].file,
            pair[1].file,
            pair[0].version
        );
    }
    Ok(migrations)
}

fn parse_name(file: &str) -> Option<u32> {
    let stem = file.strip_suffix(".sql")?;
    let (number, name) = stem.split_once('_')?;
    let valid_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    (number.len() == 4 && number.chars().all(|c| c.is_ascii_digit()) && valid_name)
        .then(|| number.parse().ok())?
}

/// What to apply, or why the database and the files disagree.
pub fn plan<'a>(files: &'a [Migration], applied: &[Applied]) -> Result<Vec<&'a Migration>> {
    for done in applied {
        let Some(file) = files.iter().find(|m| m.version == done.version) else {
            bail!(
                "the database has migration {} ({}) but migrations/ has no file with that version; \
                 was it deleted or renumbered?",
                done.version,
                done.file
            );
        };
        if file.checksum != done.checksum {
            bail!(
                "migrations/{} was changed after it was applied to this database (applied sha256 {}, \
                 file now {}). Applied migrations are immutable: revert the edit and add a new migration.",
                file.file,
                &done.checksum[..12.min(done.checksum.len())],
                &file.checksum[..12]
            );
        }
    }
    let newest_applied = applied.iter().map(|a| a.version).max();
    let pending: Vec<&Migration> = files
        .iter()
        .filter(|m| !applied.iter().any(|a| a.version == m.version))
        .collect();
    if let (Some(newest), Some(first)) = (newest_applied, pending.first())
        && first.version < newest
    {
        bail!(
            "migrations/{} is numbered below {newest}, which is already applied; give it a number above {newest}",
            first.file
        );
    }
    Ok(pending)
}

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS _migrations (\
    version INTEGER PRIMARY KEY, \
    file TEXT NOT NULL, \
    checksum TEXT NOT NULL, \
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))";

/// Applies pending migrations and returns how many ran.
pub fn apply(dir: &Path, url: &str, token: &str) -> Result<usize> {
    let files = load(dir)?;
    crate::remote_db::with_connection(url, token, async |conn| {
        conn.execute(CREATE_TABLE, ())
            .await
            .context("creating _migrations")?;
        let mut rows = conn
            .query(
                "SELECT version, file, checksum FROM _migrations ORDER BY version",
                (),
            )
            .await?;
        let mut applied = vec![];
        while let Some(row) = rows.next().await? {
            applied.push(Applied {
                version: row.get::<u32>(0)?,
                file: row.get(1)?,
                checksum: row.get(2)?,
            });
        }
        let pending = plan(&files, &applied)?;
        for migration in &pending {
            // Version, file name and checksum are validated digits, [a-z0-9_] and hex: safe inline.
            let record = format!(
                "INSERT INTO _migrations (version, file, checksum) VALUES ({}, '{}', '{}');",
                migration.version, migration.file, migration.checksum
            );
            conn.execute_transactional_batch(&format!("{}\n;\n{record}", migration.sql))
                .await
                .with_context(|| format!("applying migrations/{}", migration.file))?;
            eprintln!("    applied {}", migration.file);
        }
        Ok(pending.len())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn migration(version: u32, file: &str, sql: &str) -> Migration {
        Migration {
            version,
            file: file.into(),
            sql: sql.into(),
            checksum: format!("{:x}", Sha256::digest(sql.as_bytes())),
        }
    }

    fn applied(m: &Migration) -> Applied {
        Applied {
            version: m.version,
            file: m.file.clone(),
            checksum: m.checksum.clone(),
        }
    }

    #[test]
    fn a_semicolon_in_a_comment_is_refused_before_it_reaches_the_database() {
        let dir = std::env::temp_dir().join(format!("ptp-migrate-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(
            dir.join("0001_a.sql"),
            "CREATE TABLE a (\n  x TEXT -- one; two\n);\n",
        )
        .unwrap();
        let err = load(&dir).unwrap_err().to_string();
        assert!(err.contains("0001_a.sql:2"), "{err}");
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn names_must_be_four_digits_and_a_snake_case_name() {
        assert_eq!(parse_name("0001_users.sql"), Some(1));
        assert_eq!(parse_name("0042_exam_domains_2.sql"), Some(42));
        for bad in [
            "1_users.sql",
            "0001-users.sql",
            "0001_.sql",
            "0001_Users.sql",
            "00001_users.sql",
            "abcd_x.sql",
        ] {
            assert_eq!(parse_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn applies_only_what_is_new_in_order() {
        let files = [
            migration(1, "0001_a.sql", "A"),
            migration(2, "0002_b.sql", "B"),
            migration(3, "0003_c.sql", "C"),
        ];
        let pending = plan(&files, &[applied(&files[0])]).unwrap();
        assert_eq!(
            pending.iter().map(|m| m.version).collect::<Vec<_>>(),
            [2, 3]
        );
        assert!(
            plan(&files, &files.iter().map(applied).collect::<Vec<_>>())
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn an_edited_applied_migration_is_refused_with_its_name() {
        let original = migration(1, "0001_a.sql", "CREATE TABLE a (id INTEGER);");
        let edited = migration(1, "0001_a.sql", "CREATE TABLE a (id INTEGER, x TEXT);");
        let err = plan(&[edited], &[applied(&original)])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("migrations/0001_a.sql was changed after it was applied"),
            "{err}"
        );
    }

    #[test]
    fn a_deleted_or_renumbered_migration_is_refused() {
        let a = migration(1, "0001_a.sql", "A");
        let err = plan(&[], &[applied(&a)]).unwrap_err().to_string();
        assert!(err.contains("has no file with that version"), "{err}");

        let b = migration(2, "0002_b.sql", "B");
        let late = migration(1, "0001_late.sql", "L");
        let err = plan(&[late, b.clone()], &[applied(&b)])
            .unwrap_err()
            .to_string();
        assert!(err.contains("numbered below 2"), "{err}");
    }

    #[test]
    fn the_repository_migrations_are_well_formed() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
        let migrations = load(&dir).unwrap();
        assert!(!migrations.is_empty());
        for (index, m) in migrations.iter().enumerate() {
            assert_eq!(
                m.version as usize,
                index + 1,
                "{} breaks the 0001, 0002, … sequence",
                m.file
            );
        }
    }
}
