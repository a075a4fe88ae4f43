//! What statements carry and results hold: positional parameters in, rows read by column name
//! out.

use libsql_hrana::proto::{Stmt, StmtResult, Value};

use super::DbError;

/// A statement with positional (`?`) parameters, expecting rows back.
pub fn stmt(sql: &str, params: impl IntoIterator<Item = Value>) -> Stmt {
    let mut stmt = Stmt::new(sql, true);
    for value in params {
        stmt.bind(value);
    }
    stmt
}

pub fn text(value: impl AsRef<str>) -> Value {
    Value::Text {
        value: value.as_ref().into(),
    }
}

pub fn opt_text(value: Option<impl AsRef<str>>) -> Value {
    value.map_or(Value::Null, text)
}

pub fn int(value: i64) -> Value {
    Value::Integer { value }
}

pub fn real(value: f64) -> Value {
    Value::Float { value }
}

/// One result row, read by column name.
pub struct Row<'a> {
    cols: &'a [libsql_hrana::proto::Col],
    values: &'a [Value],
}

/// The rows of a result, in order.
pub fn rows(result: &StmtResult) -> impl Iterator<Item = Row<'_>> {
    result.rows.iter().map(|row| Row {
        cols: &result.cols,
        values: &row.values,
    })
}

impl Row<'_> {
    fn value(&self, column: &str) -> Result<&Value, DbError> {
        self.cols
            .iter()
            .position(|col| col.name.as_deref() == Some(column))
            .and_then(|index| self.values.get(index))
            .ok_or_else(|| DbError::Protocol(format!("no column {column} in the result")))
    }

    pub fn opt_text(&self, column: &str) -> Result<Option<String>, DbError> {
        match self.value(column)? {
            Value::Null => Ok(None),
            Value::Text { value } => Ok(Some(value.to_string())),
            other => Err(DbError::Protocol(format!(
                "{column} is not text: {other:?}"
            ))),
        }
    }

    pub fn text(&self, column: &str) -> Result<String, DbError> {
        self.opt_text(column)?
            .ok_or_else(|| DbError::Protocol(format!("{column} is NULL")))
    }

    pub fn opt_int(&self, column: &str) -> Result<Option<i64>, DbError> {
        match self.value(column)? {
            Value::Null => Ok(None),
            Value::Integer { value } => Ok(Some(*value)),
            other => Err(DbError::Protocol(format!(
                "{column} is not an integer: {other:?}"
            ))),
        }
    }

    /// A REAL column (integers are widened: SQLite may store 1.0 as 1).
    pub fn value_f64(&self, column: &str) -> Result<Option<f64>, DbError> {
        match self.value(column)? {
            Value::Null => Ok(None),
            Value::Float { value } => Ok(Some(*value)),
            Value::Integer { value } => Ok(Some(*value as f64)),
            other => Err(DbError::Protocol(format!(
                "{column} is not a number: {other:?}"
            ))),
        }
    }

    pub fn int(&self, column: &str) -> Result<i64, DbError> {
        self.opt_int(column)?
            .ok_or_else(|| DbError::Protocol(format!("{column} is NULL")))
    }
}
