//! Timestamps as the database stores them: RFC 3339 UTC with milliseconds.

use chrono::{DateTime, SecondsFormat};

pub fn rfc3339(millis: u64) -> String {
    DateTime::from_timestamp_millis(i64::try_from(millis).unwrap_or(i64::MAX))
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Milliseconds since the epoch, for a timestamp this API wrote.
pub fn parse(text: &str) -> Option<u64> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .and_then(|t| u64::try_from(t.timestamp_millis()).ok())
}

/// The UTC day (`YYYY-MM-DD`).
pub fn day(millis: u64) -> String {
    rfc3339(millis)[..10].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip() {
        let ms = 1_795_608_000_123;
        assert_eq!(rfc3339(ms), "2026-11-25T12:00:00.123Z");
        assert_eq!(parse(&rfc3339(ms)), Some(ms));
        assert_eq!(day(ms), "2026-11-25");
        assert_eq!(parse("yesterday"), None);
    }
}
