//! Cookie-authenticated writes must come from the site itself. Browsers say where a request came
//! from in `Sec-Fetch-Site` (all current ones) or `Origin`; a request that says neither is
//! refused too, since only non-browser clients omit both and they should use API keys.

use axum::http::{HeaderMap, Method};

use crate::config::SiteOrigin;

pub fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

pub fn same_site(headers: &HeaderMap, site: &SiteOrigin) -> bool {
    if let Some(fetch_site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return fetch_site == "same-origin";
    }
    headers
        .get("origin")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|origin| origin.eq_ignore_ascii_case(site.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (k.parse().unwrap(), HeaderValue::from_static(v)))
            .collect()
    }

    #[test]
    fn only_same_origin_writes_pass() {
        let site = SiteOrigin::parse("https://pingtopass.com").unwrap();
        assert!(same_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            &site
        ));
        assert!(same_site(
            &headers(&[("origin", "https://pingtopass.com")]),
            &site
        ));
        assert!(!same_site(
            &headers(&[
                ("sec-fetch-site", "cross-site"),
                ("origin", "https://pingtopass.com")
            ]),
            &site
        ));
        assert!(!same_site(
            &headers(&[("sec-fetch-site", "same-site")]),
            &site
        ));
        assert!(!same_site(
            &headers(&[("origin", "https://evil.example")]),
            &site
        ));
        assert!(!same_site(&headers(&[("origin", "null")]), &site));
        assert!(!same_site(&headers(&[]), &site));
    }

    #[test]
    fn reads_are_never_checked() {
        assert!(!is_unsafe(&Method::GET));
        assert!(
            is_unsafe(&Method::POST) && is_unsafe(&Method::DELETE) && is_unsafe(&Method::PATCH)
        );
    }
}
