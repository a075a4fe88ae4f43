//! The four caching classes (each operation names its own in `app::documented!`).

/// Who may share a public response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The same for every caller.
    Everyone,
    /// The same for every anonymous caller; a signed-in caller's copy may differ (it can reveal
    /// what they answered), so theirs is private and never cached.
    Anonymous,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheClass {
    Static,
    Public(Audience),
    Private,
    Live,
}

pub const STATIC: &str = "public, max-age=31536000, immutable";
pub const PUBLIC: &str = "public, max-age=300, stale-while-revalidate=60";
pub const PRIVATE: &str = "private, no-cache, must-revalidate";
pub const LIVE: &str = "no-store";

impl CacheClass {
    pub fn cache_control(self) -> &'static str {
        match self {
            CacheClass::Static => STATIC,
            CacheClass::Public(_) => PUBLIC,
            CacheClass::Private => PRIVATE,
            CacheClass::Live => LIVE,
        }
    }
}
