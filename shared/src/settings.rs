//! The secrets a deployment must hold: the contract between the Worker, which validates them
//! when an isolate starts (`api/src/config`), and the tools that deploy it and check an
//! environment before a release (`cargo xtask secrets check`). Names only, never values.

/// When an environment must hold a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Every environment.
    Always,
    /// Wherever payments are on (`PAYMENTS=on`).
    WithPayments,
    /// Optional; used when present.
    Optional,
    /// Optional outside production; in production its presence is an error.
    NeverInProduction,
}

/// A secret the Worker reads, with when it is needed and what it is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretSpec {
    pub name: &'static str,
    pub need: Need,
    pub purpose: &'static str,
}

const fn spec(name: &'static str, need: Need, purpose: &'static str) -> SecretSpec {
    SecretSpec {
        name,
        need,
        purpose,
    }
}

/// Every secret, in the order an operator sets them.
pub const SECRETS: &[SecretSpec] = &[
    spec(
        "TURSO_DATABASE_URL",
        Need::Always,
        "libsql://<env>-pingtopass-<org>.turso.io",
    ),
    spec("TURSO_AUTH_TOKEN", Need::Always, "the database's token"),
    spec(
        "JWT_SECRET",
        Need::Always,
        "signs sessions (HS256, >= 32 random characters)",
    ),
    spec(
        "API_KEY_SECRET",
        Need::Always,
        "keys stored API-key hashes (>= 32 random characters)",
    ),
    spec(
        "GOOGLE_CLIENT_ID",
        Need::Always,
        "Google sign-in's OAuth client id",
    ),
    spec(
        "GOOGLE_CLIENT_SECRET",
        Need::Always,
        "Google sign-in's OAuth client secret",
    ),
    spec(
        "OPENROUTER_API_KEY",
        Need::Always,
        "AI drafting and explanations (OpenRouter)",
    ),
    spec(
        "LANGCHAIN_API_KEY",
        Need::Optional,
        "LangChain tracing of AI calls",
    ),
    spec(
        "X_BEARER_TOKEN",
        Need::Optional,
        "the hourly exam trends' X API v2 recent search (app-only bearer token)",
    ),
    spec(
        "STRIPE_SECRET_KEY",
        Need::WithPayments,
        "Stripe API key (sk_live_ in production, sk_test_ elsewhere)",
    ),
    spec(
        "STRIPE_WEBHOOK_SECRET",
        Need::WithPayments,
        "verifies Stripe's webhooks (whsec_)",
    ),
    spec(
        "CLOUDFLARE_ANALYTICS_TOKEN",
        Need::Optional,
        "the cost tracker's Cloudflare usage (Account Analytics: Read; with CLOUDFLARE_ACCOUNT_ID)",
    ),
    spec(
        "TURSO_PLATFORM_TOKEN",
        Need::Optional,
        "the cost tracker's Turso usage (a Platform API token; with TURSO_ORG)",
    ),
    spec(
        "LOAD_TEST_TOKEN",
        Need::NeverInProduction,
        "lets the load suite past the per-address limit",
    ),
];
