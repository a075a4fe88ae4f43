//! Who is calling. A browser carries a session cookie (a signed JWT backed by a KV record, for
//! members and guests alike); a third party sends `Authorization: Bearer ptp_…`. Handlers say
//! what they accept through the extractors in [`access`].

pub mod access;
pub mod api_keys;
pub mod cookies;
pub mod csrf;
pub mod identity;
pub mod jwt;
pub mod oidc;
pub mod session;
