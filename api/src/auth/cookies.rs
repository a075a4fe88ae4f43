//! The API's cookies: each `__Host-` prefixed (Secure, `Path=/`, no `Domain`, so no subdomain or
//! plain-HTTP page can set or shadow it), `HttpOnly` and `SameSite=Lax`.

use axum::http::{HeaderMap, HeaderValue, header};

/// A cookie that lives `max_age` seconds (0 tells the browser to forget it).
pub fn set(name: &str, value: &str, max_age: u64) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{name}={value}; Max-Age={max_age}; Path=/; HttpOnly; Secure; SameSite=Lax"
    ))
    .expect("cookie names and values are header-safe tokens")
}

/// Tells the browser to forget the cookie `name`.
pub fn clear(name: &str) -> HeaderValue {
    set(name, "", 0)
}

/// The value of the cookie `name` in the `Cookie` header(s), if any and not empty.
pub fn read<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(found, _)| *found == name)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_host_only_secure_http_only_and_lax() {
        let value = set("__Host-x", "abc", 600);
        assert_eq!(
            value.to_str().unwrap(),
            "__Host-x=abc; Max-Age=600; Path=/; HttpOnly; Secure; SameSite=Lax"
        );
        assert!(clear("__Host-x").to_str().unwrap().contains("Max-Age=0"));
    }

    #[test]
    fn a_cookie_is_found_among_others_and_an_empty_one_is_none() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; __Host-x=tok.en; x=1"),
        );
        assert_eq!(read(&headers, "__Host-x"), Some("tok.en"));
        assert_eq!(read(&headers, "x"), Some("1"));
        assert_eq!(read(&headers, "y"), None);
        headers.clear();
        headers.append(header::COOKIE, HeaderValue::from_static("__Host-x="));
        assert_eq!(read(&headers, "__Host-x"), None);
    }
}
