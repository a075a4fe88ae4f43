//! The security headers every response carries, errors and files included.
//!
//! One Content-Security-Policy everywhere: the SPA's scripts are files of its own origin
//! (`xtask build` moves trunk's inline loader into a hashed file), WebAssembly compiles under
//! `'wasm-unsafe-eval'`, and inline scripts are refused. Styles may be inline: Swagger UI and the
//! SPA's charts set `style` attributes. Stripe's checkout is allowed wherever payments run.
//! Development (plain http on 127.0.0.1) drops what needs HTTPS and accepts images from the
//! local services (the Google stand-in serves avatars over http).

use axum::http::{HeaderMap, HeaderName, HeaderValue};

use crate::config::Environment;

/// The policy's directives, shared by every environment.
const POLICY: &[&str] = &[
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval' https://js.stripe.com",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self'",
    "connect-src 'self' https://api.stripe.com",
    "frame-src https://js.stripe.com https://checkout.stripe.com",
    "form-action 'self' https://checkout.stripe.com",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
];

const IMAGES: &str = "img-src 'self' data: https:";
/// Where TLS is guaranteed, ask browsers to use nothing else.
const HTTPS_ONLY: &str = "upgrade-insecure-requests";
const LOCAL_IMAGES: &str = " http://127.0.0.1:*";

/// The Content-Security-Policy for `environment`; an unknown one gets production's.
pub fn content_security_policy(environment: Option<Environment>) -> String {
    let mut directives: Vec<String> = POLICY.iter().map(|d| d.to_string()).collect();
    if environment == Some(Environment::Development) {
        directives.push(format!("{IMAGES}{LOCAL_IMAGES}"));
    } else {
        directives.push(IMAGES.to_string());
        directives.push(HTTPS_ONLY.to_string());
    }
    directives.join("; ")
}

/// Sets the security headers on a response (replacing any a handler set).
pub fn apply(headers: &mut HeaderMap, environment: Option<Environment>) {
    let fixed: [(&str, &'static str); 6] = [
        ("x-content-type-options", "nosniff"),
        // No other origin's window keeps a handle on ours (Checkout is a redirect, not a popup).
        ("cross-origin-opener-policy", "same-origin"),
        ("x-frame-options", "DENY"),
        // Legacy, but the deployment's smoke test expects it; current browsers ignore it.
        ("x-xss-protection", "1; mode=block"),
        ("referrer-policy", "strict-origin-when-cross-origin"),
        (
            "permissions-policy",
            "camera=(), microphone=(), geolocation=()",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    if let Ok(policy) = HeaderValue::from_str(&content_security_policy(environment)) {
        headers.insert(HeaderName::from_static("content-security-policy"), policy);
    }
    if environment != Some(Environment::Development) {
        headers.insert(
            HeaderName::from_static("strict-transport-security"),
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
}

/// How long a served `security.txt` stays valid (RFC 9116 wants under a year).
const SECURITY_TXT_DAYS: u64 = 180;

/// `/.well-known/security.txt` (RFC 9116): where to report a vulnerability.
pub async fn security_txt<P: crate::ports::Platform>(
    crate::app::current::Current(platform): crate::app::current::Current<P>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let expires = crate::time::rfc3339(platform.now_millis() + SECURITY_TXT_DAYS * 86_400_000);
    let canonical = match &platform.settings().site {
        Ok(site) => format!("Canonical: {}\n", site.url("/.well-known/security.txt")),
        Err(_) => String::new(),
    };
    let body = format!(
        "Contact: mailto:security@pingtopass.com\nExpires: {expires}\n{canonical}Preferred-Languages: en\n"
    );
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/plain; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_are_never_inline_and_wasm_may_compile() {
        for env in [
            Some(Environment::Development),
            Some(Environment::Production),
            None,
        ] {
            let policy = content_security_policy(env);
            let scripts = policy
                .split("; ")
                .find(|d| d.starts_with("script-src "))
                .unwrap();
            assert!(scripts.contains("'wasm-unsafe-eval'"), "{scripts}");
            assert!(!scripts.contains("unsafe-inline"), "{scripts}");
            assert!(!scripts.contains("'unsafe-eval'"), "{scripts}");
            assert!(policy.contains("frame-ancestors 'none'"));
        }
    }

    #[test]
    fn development_differs_from_production_only_in_https_and_local_images() {
        let production = content_security_policy(Some(Environment::Production));
        let development = content_security_policy(Some(Environment::Development));
        assert_eq!(
            development.replace(LOCAL_IMAGES, "") + "; " + HTTPS_ONLY,
            production
        );
        assert!(production.contains("https://checkout.stripe.com"));
        assert_eq!(
            content_security_policy(None),
            production,
            "unknown is strict"
        );

        let mut headers = HeaderMap::new();
        apply(&mut headers, Some(Environment::Development));
        assert!(!headers.contains_key("strict-transport-security"));
        apply(&mut headers, Some(Environment::Staging));
        assert_eq!(
            headers["strict-transport-security"],
            "max-age=31536000; includeSubDomains"
        );
        assert_eq!(headers["x-frame-options"], "DENY");
    }
}
