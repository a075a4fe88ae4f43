//! A libSQL database as SQL text, and each table's fingerprint (rows and a SHA-256 over them in a
//! fixed order) so a restore can prove it brought back exactly what was dumped.
//!
//! The dump is plain SQLite SQL: the tables' `CREATE` statements, one `INSERT` per row, then
//! indexes, triggers and views. Every `INSERT` is one line (control characters in text become
//! `char(n)`), which lets a restore send the rows in chunks at line boundaries; the server's own
//! SQLite parses every statement, so no SQL is ever split by hand.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::{Context, Result, bail};
use libsql::{Connection, Value};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One table's fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableSum {
    pub rows: u64,
    pub sha256: String,
}

pub type Sums = BTreeMap<String, TableSum>;

/// The dump's three parts, in the order a restore runs them.
pub struct Dump {
    pub tables: String,
    /// One `INSERT …;` per line.
    pub rows: String,
    pub indexes: String,
    pub sums: Sums,
}

impl Dump {
    /// The whole dump as one SQL file.
    pub fn sql(&self, header: &str) -> String {
        format!(
            "-- {header}\nPRAGMA foreign_keys=OFF;\n-- tables\n{}-- rows\n{}-- indexes, triggers, views\n{}",
            self.tables, self.rows, self.indexes
        )
    }
}

/// Objects of the schema worth keeping: SQLite's and libSQL's own are recreated by them.
const SCHEMA: &str = "SELECT type, name, sql FROM sqlite_schema \
     WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'libsql_%' \
     AND name NOT LIKE '_litestream%' ORDER BY rowid";

pub struct SchemaObject {
    pub kind: String,
    pub name: String,
    pub sql: String,
}

pub async fn schema(conn: &Connection) -> Result<Vec<SchemaObject>> {
    let mut rows = conn.query(SCHEMA, ()).await?;
    let mut objects = vec![];
    while let Some(row) = rows.next().await? {
        let object = SchemaObject {
            kind: row.get::<String>(0)?,
            name: row.get::<String>(1)?,
            sql: row.get::<String>(2)?,
        };
        if object.kind == "table" && object.sql.to_ascii_uppercase().contains("VIRTUAL TABLE") {
            bail!(
                "{} is a virtual table, which this dump does not handle",
                object.name
            );
        }
        objects.push(object);
    }
    Ok(objects)
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Every row of `table` in a fixed order: by every column, so the order never depends on how
/// rows were inserted.
async fn each_row(
    conn: &Connection,
    table: &str,
    mut visit: impl FnMut(&[Value]) -> Result<()>,
) -> Result<()> {
    let mut columns = conn
        .query(&format!("SELECT * FROM {} LIMIT 0", quoted(table)), ())
        .await?;
    let count = columns.column_count();
    drop(columns.next().await?);
    let order: Vec<String> = (1..=count).map(|i| i.to_string()).collect();
    let mut rows = conn
        .query(
            &format!(
                "SELECT * FROM {} ORDER BY {}",
                quoted(table),
                order.join(", ")
            ),
            (),
        )
        .await
        .with_context(|| format!("reading {table}"))?;
    let mut values = Vec::with_capacity(count as usize);
    while let Some(row) = rows.next().await? {
        values.clear();
        for i in 0..count {
            values.push(row.get_value(i)?);
        }
        visit(&values)?;
    }
    Ok(())
}

/// A value as a SQL literal on one line.
pub fn literal(value: &Value) -> String {
    match value {
        Value::Null => "NULL".into(),
        Value::Integer(n) => n.to_string(),
        Value::Real(x) if x.is_finite() => {
            let text = format!("{x:?}");
            if text.contains(['.', 'e', 'E']) {
                text
            } else {
                format!("{text}.0")
            }
        }
        Value::Real(x) if x.is_nan() => "NULL".into(),
        Value::Real(x) => if *x > 0.0 { "9e999" } else { "-9e999" }.into(),
        Value::Text(text) => {
            let mut out = String::from("'");
            for c in text.chars() {
                match c {
                    '\'' => out.push_str("''"),
                    c if (c as u32) < 0x20 => {
                        let _ = write!(out, "'||char({})||'", c as u32);
                    }
                    c => out.push(c),
                }
            }
            out.push('\'');
            out
        }
        Value::Blob(bytes) => {
            let mut out = String::from("X'");
            for b in bytes {
                let _ = write!(out, "{b:02X}");
            }
            out.push('\'');
            out
        }
    }
}

/// Feeds a value into a table's fingerprint: a type tag, then the value's bytes.
fn fingerprint(hasher: &mut Sha256, value: &Value) {
    match value {
        Value::Null => hasher.update([0]),
        Value::Integer(n) => {
            hasher.update([1]);
            hasher.update(n.to_le_bytes());
        }
        Value::Real(x) => {
            hasher.update([2]);
            hasher.update(x.to_le_bytes());
        }
        Value::Text(text) => {
            hasher.update([3]);
            hasher.update((text.len() as u64).to_le_bytes());
            hasher.update(text.as_bytes());
        }
        Value::Blob(bytes) => {
            hasher.update([4]);
            hasher.update((bytes.len() as u64).to_le_bytes());
            hasher.update(bytes);
        }
    }
}

/// Reads the whole database.
pub async fn dump(conn: &Connection) -> Result<Dump> {
    let objects = schema(conn).await?;
    let mut dump = Dump {
        tables: String::new(),
        rows: String::new(),
        indexes: String::new(),
        sums: Sums::new(),
    };
    for object in &objects {
        if object.kind != "table" {
            let _ = writeln!(dump.indexes, "{};", object.sql);
            continue;
        }
        let _ = writeln!(dump.tables, "{};", object.sql);
        let mut hasher = Sha256::new();
        let mut count = 0u64;
        let insert = format!("INSERT INTO {} VALUES(", quoted(&object.name));
        each_row(conn, &object.name, |values| {
            count += 1;
            dump.rows.push_str(&insert);
            for (i, value) in values.iter().enumerate() {
                if i > 0 {
                    dump.rows.push(',');
                }
                dump.rows.push_str(&literal(value));
                fingerprint(&mut hasher, value);
            }
            dump.rows.push_str(");\n");
            Ok(())
        })
        .await?;
        dump.sums.insert(
            object.name.clone(),
            TableSum {
                rows: count,
                sha256: format!("{:x}", hasher.finalize()),
            },
        );
    }
    Ok(dump)
}

/// The fingerprints of a database as it is now (a restore's check).
pub async fn sums(conn: &Connection) -> Result<Sums> {
    let mut sums = Sums::new();
    for object in schema(conn).await?.iter().filter(|o| o.kind == "table") {
        let mut hasher = Sha256::new();
        let mut count = 0u64;
        each_row(conn, &object.name, |values| {
            count += 1;
            values.iter().for_each(|v| fingerprint(&mut hasher, v));
            Ok(())
        })
        .await?;
        sums.insert(
            object.name.clone(),
            TableSum {
                rows: count,
                sha256: format!("{:x}", hasher.finalize()),
            },
        );
    }
    Ok(sums)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_one_line_and_exact() {
        assert_eq!(literal(&Value::Null), "NULL");
        assert_eq!(literal(&Value::Integer(-7)), "-7");
        assert_eq!(literal(&Value::Real(2.0)), "2.0");
        assert_eq!(literal(&Value::Real(0.1)), "0.1");
        assert_eq!(literal(&Value::Real(1e300)), "1e300");
        assert_eq!(
            literal(&Value::Text("it's\nfine; really".into())),
            "'it''s'||char(10)||'fine; really'"
        );
        assert_eq!(literal(&Value::Blob(vec![0, 255, 16])), "X'00FF10'");
    }
}
