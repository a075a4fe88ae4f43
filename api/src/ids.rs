//! Unguessable identifiers and secrets from the platform's CSPRNG (`crypto.getRandomValues` in
//! Workers, the OS natively).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// `bytes` random bytes, base64url without padding.
pub fn random_token(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    getrandom::getrandom(&mut buffer).expect("the platform CSPRNG is available");
    URL_SAFE_NO_PAD.encode(buffer)
}

/// `N` random bytes (draw seeds).
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buffer = [0u8; N];
    getrandom::getrandom(&mut buffer).expect("the platform CSPRNG is available");
    buffer
}

/// A new row id: 128 random bits, 22 URL-safe characters.
pub fn new_id() -> String {
    random_token(16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_url_safe_and_distinct() {
        let (a, b) = (new_id(), new_id());
        assert_eq!(a.len(), 22);
        assert_ne!(a, b);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }
}
