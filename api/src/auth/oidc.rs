//! OpenID Connect with Google (or the local stand-in that speaks the same protocol): discovery,
//! the authorization URL with PKCE S256, the code exchange, and id_token verification against the
//! provider's keys. Discovery and keys are cached per isolate; keys are refetched when a token
//! names one we do not know (Google rotates them).

use std::collections::BTreeMap;
use std::sync::Mutex;

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use oauth2::basic::BasicClient;
use oauth2::{AuthUrl, ClientId, CsrfToken, PkceCodeChallenge, RedirectUrl};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::config::GoogleConfig;
use crate::error::ApiError;
use crate::http::{HttpClient, OutboundRequest};
use crate::ids::random_token;
use crate::store::users::GoogleIdentity;

/// Discovery is refetched after this long.
const DISCOVERY_TTL_MS: u64 = 3600 * 1000;
/// An unknown `kid` refetches the keys at most this often, so forged tokens cannot make us
/// hammer the provider.
const JWKS_REFRESH_MIN_MS: u64 = 60 * 1000;
/// Tolerated clock difference with the provider.
const LEEWAY_SECS: u64 = 60;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Provider {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
}

struct Cached {
    provider: Provider,
    fetched_ms: u64,
    keys: Option<(JwkSet, u64)>,
}

static CACHE: Mutex<BTreeMap<String, Cached>> = Mutex::new(BTreeMap::new());

fn cache() -> std::sync::MutexGuard<'static, BTreeMap<String, Cached>> {
    CACHE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

async fn fetch_json<T: DeserializeOwned>(http: &impl HttpClient, url: &str) -> Result<T, ApiError> {
    let reply = http
        .send(OutboundRequest::get(url))
        .await
        .map_err(|err| ApiError::Upstream(format!("{url}: {err}")))?;
    if reply.status != 200 {
        return Err(ApiError::Upstream(format!(
            "{url} answered HTTP {}",
            reply.status
        )));
    }
    serde_json::from_str(&reply.body).map_err(|err| ApiError::Upstream(format!("{url}: {err}")))
}

/// The provider's endpoints, from `<issuer>/.well-known/openid-configuration`.
pub async fn discover(
    http: &impl HttpClient,
    issuer: &str,
    now_ms: u64,
) -> Result<Provider, ApiError> {
    if let Some(cached) = cache().get(issuer)
        && now_ms.saturating_sub(cached.fetched_ms) < DISCOVERY_TTL_MS
    {
        return Ok(cached.provider.clone());
    }
    let provider: Provider =
        fetch_json(http, &format!("{issuer}/.well-known/openid-configuration")).await?;
    // OpenID Connect Discovery §4.3: the document must name the issuer it was fetched from.
    if provider.issuer.trim_end_matches('/') != issuer {
        return Err(ApiError::Upstream(format!(
            "discovery names issuer {} instead of {issuer}",
            provider.issuer
        )));
    }
    cache().insert(
        issuer.to_string(),
        Cached {
            provider: provider.clone(),
            fetched_ms: now_ms,
            keys: None,
        },
    );
    Ok(provider)
}

async fn key_for(
    http: &impl HttpClient,
    provider: &Provider,
    kid: &str,
    now_ms: u64,
) -> Result<DecodingKey, ApiError> {
    let lookup = |set: &JwkSet| set.find(kid).map(DecodingKey::from_jwk);
    let cached = cache()
        .get(&provider.issuer)
        .and_then(|entry| entry.keys.clone());
    if let Some((set, fetched_ms)) = &cached {
        if let Some(key) = lookup(set) {
            return key.map_err(|err| ApiError::Upstream(format!("unusable key {kid}: {err}")));
        }
        if now_ms.saturating_sub(*fetched_ms) < JWKS_REFRESH_MIN_MS {
            return Err(ApiError::BadRequest(
                "The sign-in token was signed with an unknown key.".into(),
            ));
        }
    }
    let set: JwkSet = fetch_json(http, &provider.jwks_uri).await?;
    let key = lookup(&set);
    if let Some(entry) = cache().get_mut(&provider.issuer) {
        entry.keys = Some((set, now_ms));
    }
    match key {
        Some(key) => key.map_err(|err| ApiError::Upstream(format!("unusable key {kid}: {err}"))),
        None => Err(ApiError::BadRequest(
            "The sign-in token was signed with an unknown key.".into(),
        )),
    }
}

/// Where to send the browser, and what to remember until it comes back.
pub struct AuthorizationRequest {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// Between a state's prefix (the host a relay sends the answer on to) and its random part,
/// which is URL-safe base64 and never holds it.
pub const STATE_SEPARATOR: char = '~';

pub fn authorization_request(
    provider: &Provider,
    client_id: &str,
    redirect_uri: &str,
    login_hint: Option<&str>,
    state_prefix: Option<&str>,
) -> Result<AuthorizationRequest, ApiError> {
    let auth_url = AuthUrl::new(provider.authorization_endpoint.clone())
        .map_err(|err| ApiError::Upstream(format!("authorization_endpoint: {err}")))?;
    let redirect = RedirectUrl::new(redirect_uri.to_string())
        .map_err(|err| ApiError::Upstream(format!("redirect URI {redirect_uri}: {err}")))?;
    let client = BasicClient::new(ClientId::new(client_id.to_string()))
        .set_auth_uri(auth_url)
        .set_redirect_uri(redirect);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let nonce = random_token(16);
    let mut request = client
        .authorize_url(|| match state_prefix {
            Some(prefix) => CsrfToken::new(format!(
                "{prefix}{STATE_SEPARATOR}{}",
                CsrfToken::new_random().secret()
            )),
            None => CsrfToken::new_random(),
        })
        .add_scope(oauth2::Scope::new("openid".into()))
        .add_scope(oauth2::Scope::new("email".into()))
        .add_scope(oauth2::Scope::new("profile".into()))
        .add_extra_param("nonce", nonce.clone())
        .set_pkce_challenge(challenge);
    if let Some(hint) = login_hint {
        request = request.add_extra_param("login_hint", hint.to_string());
    }
    let (url, state) = request.url();
    Ok(AuthorizationRequest {
        url: url.to_string(),
        state: state.secret().clone(),
        nonce,
        pkce_verifier: verifier.secret().clone(),
    })
}

#[derive(Deserialize)]
struct TokenResponse {
    id_token: String,
}

/// Trades the authorization code for the id_token (PKCE verifier and client secret included).
pub async fn exchange_code(
    http: &impl HttpClient,
    provider: &Provider,
    google: &GoogleConfig,
    code: &str,
    pkce_verifier: &str,
    redirect_uri: &str,
) -> Result<String, ApiError> {
    let request = OutboundRequest::post_form(
        &provider.token_endpoint,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("client_id", &google.client_id),
            ("client_secret", google.client_secret.expose()),
            ("code_verifier", pkce_verifier),
        ],
    )
    .header("accept", "application/json");
    let reply = http
        .send(request)
        .await
        .map_err(|err| ApiError::Upstream(format!("token endpoint: {err}")))?;
    match reply.status {
        200 => serde_json::from_str::<TokenResponse>(&reply.body)
            .map(|token| token.id_token)
            .map_err(|err| ApiError::Upstream(format!("token response: {err}"))),
        400..=499 => Err(ApiError::BadRequest(
            "The sign-in code was refused by the provider (expired or already used); sign in again.".into(),
        )),
        status => Err(ApiError::Upstream(format!("token endpoint answered HTTP {status}"))),
    }
}

#[derive(Deserialize)]
struct IdClaims {
    sub: String,
    exp: u64,
    email: Option<String>,
    /// Google sends a boolean; some providers a string.
    email_verified: Option<serde_json::Value>,
    name: Option<String>,
    picture: Option<String>,
    nonce: Option<String>,
}

/// Google's tokens name the issuer with or without the scheme.
fn accepted_issuers(issuer: &str) -> Vec<String> {
    let mut issuers = vec![issuer.to_string()];
    if let Some(bare) = issuer.strip_prefix("https://")
        && bare == "accounts.google.com"
    {
        issuers.push(bare.to_string());
    }
    issuers
}

fn refused(reason: &str) -> ApiError {
    ApiError::BadRequest(format!("The sign-in could not be verified: {reason}."))
}

/// Checks the id_token: RS256 signature by one of the provider's keys, issuer, audience (our
/// client id), expiry, the nonce we sent, and a verified email.
pub async fn verify_id_token(
    http: &impl HttpClient,
    provider: &Provider,
    client_id: &str,
    id_token: &str,
    expected_nonce: &str,
    now_ms: u64,
) -> Result<GoogleIdentity, ApiError> {
    let header = jsonwebtoken::decode_header(id_token).map_err(|_| refused("not a JWT"))?;
    if header.alg != Algorithm::RS256 {
        return Err(refused("unexpected signing algorithm"));
    }
    let kid = header.kid.ok_or_else(|| refused("no key id"))?;
    let key = key_for(http, provider, &kid, now_ms).await?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.algorithms = vec![Algorithm::RS256];
    validation.set_audience(&[client_id]);
    validation.set_issuer(&accepted_issuers(&provider.issuer));
    validation.validate_exp = false; // checked below against the platform clock
    validation.required_spec_claims = ["iss", "aud", "sub"]
        .into_iter()
        .map(String::from)
        .collect();
    let claims = crate::auth::jwt::decode::<IdClaims>(id_token, &key, &validation)
        .map_err(|err| refused(&format!("{:?}", err.kind())))?
        .claims;
    if claims.exp + LEEWAY_SECS <= now_ms / 1000 {
        return Err(refused("the token has expired"));
    }
    if claims.nonce.as_deref() != Some(expected_nonce) {
        return Err(refused("the nonce does not match this sign-in"));
    }
    let verified = matches!(claims.email_verified, Some(serde_json::Value::Bool(true)))
        || matches!(&claims.email_verified, Some(serde_json::Value::String(s)) if s == "true");
    let email = claims
        .email
        .filter(|_| verified)
        .ok_or_else(|| refused("the Google account has no verified email"))?;
    Ok(GoogleIdentity {
        subject: claims.sub,
        email,
        name: claims.name,
        picture: claims.picture,
    })
}

#[cfg(test)]
mod tests;
