//! Why a caller could not be identified.

/// Why a caller could not be identified. Each gets its own message; none says more than the
/// caller needs (a wrong key and a tampered token are both just "not valid").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFailure {
    /// No session cookie and no API key.
    Missing,
    /// Not a token we issued, a wrong signature or algorithm, or an `Authorization` header that is
    /// not `Bearer ptp_…`.
    Invalid,
    Expired,
    /// Signed out, signed out everywhere, or the API key was revoked.
    Revoked,
}
