//! A fake OpenID Connect provider behind [`HttpClient`]: discovery, JWKS and a token endpoint
//! that returns an id_token signed with a fixed RSA test key (never used outside tests).

use std::sync::{Arc, Mutex};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::http::{HttpClient, HttpReply, OutboundRequest, TransportError};

pub const KID: &str = "test-key-1";
const N: &str = "z9NXi8pEuWo20-LkY8xSRO011QhhDvOarGx9rVzfhF9q2qXeu6grKhLP65DU6aa_6Re8mbuLFXMASbnM4qX3dThiKMHc8sxtmzzRxCPi0giceyGQoS8d7kDmP8RLyNAdGAePgUMj_qC2so-XH7WV_hx_evyqG6AJmvvR2tF9q4ANNwq1IMchCND-33PgJnnXQYvgQr-6Xi8z8a46rKJRBUAJUPIt1yOLWVYfyq6mNBi43BOfxNEkJVXyCDxdrj5_smAF4e33fH4OF5_F1tHz_04zrW3matQqmdfu96TKI1zWs4VBGtmDW52TSkLjUL2mR-6IkvjoEmP8AfVAEhRU-w";
/// A throwaway RSA key generated for these tests; it signs nothing outside `cargo test`.
const PRIVATE_PEM: &str = include_str!("idp-test-key.rsa");

/// Signs arbitrary claims with the test key (`kid` chosen by the caller).
pub fn sign(claims: &Value, kid: &str) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_string());
    let key = EncodingKey::from_rsa_pem(PRIVATE_PEM.as_bytes()).expect("test key parses");
    crate::auth::jwt::encode(&header, claims, &key).expect("signs")
}

#[derive(Clone)]
pub struct FakeIdp {
    pub issuer: String,
    /// Keys the JWKS endpoint publishes.
    pub published_kids: Arc<Mutex<Vec<String>>>,
    /// What the token endpoint returns as `id_token`.
    pub id_token: Arc<Mutex<String>>,
    /// Every request seen, for assertions.
    pub seen: Arc<Mutex<Vec<OutboundRequest>>>,
    /// The issuer its discovery document names (its own unless set).
    pub announced_issuer: Arc<Mutex<Option<String>>>,
}

impl FakeIdp {
    pub fn new(issuer: &str) -> Self {
        Self {
            issuer: issuer.to_string(),
            published_kids: Arc::new(Mutex::new(vec![KID.to_string()])),
            id_token: Arc::default(),
            seen: Arc::default(),
            announced_issuer: Arc::default(),
        }
    }

    pub fn count(&self, suffix: &str) -> usize {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.url.ends_with(suffix))
            .count()
    }

    /// Standard claims for `email`, as Google would send them.
    pub fn claims(&self, email: &str, nonce: &str, now: u64) -> Value {
        json!({
            "iss": self.issuer, "aud": "client-123", "sub": format!("sub-{email}"),
            "email": email, "email_verified": true, "name": "Ada Lovelace",
            "picture": "https://example.com/ada.png", "nonce": nonce,
            "iat": now, "exp": now + 3600,
        })
    }
}

impl HttpClient for FakeIdp {
    async fn send(&self, request: OutboundRequest) -> Result<HttpReply, TransportError> {
        self.seen.lock().unwrap().push(request.clone());
        let ok = |body: Value| Ok(HttpReply::new(200, body.to_string()));
        let path = request.url.strip_prefix(&self.issuer).unwrap_or("");
        match path {
            "/.well-known/openid-configuration" => ok(json!({
                "issuer": self.announced_issuer.lock().unwrap().clone().unwrap_or_else(|| self.issuer.clone()),
                "authorization_endpoint": format!("{}/authorize", self.issuer),
                "token_endpoint": format!("{}/token", self.issuer),
                "jwks_uri": format!("{}/jwks", self.issuer),
            })),
            "/jwks" => {
                let keys: Vec<Value> = self
                    .published_kids
                    .lock()
                    .unwrap()
                    .iter()
                    .map(|kid| json!({"kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid, "n": N, "e": "AQAB"}))
                    .collect();
                ok(json!({ "keys": keys }))
            }
            "/token" => ok(
                json!({"access_token": "at", "token_type": "Bearer", "id_token": *self.id_token.lock().unwrap()}),
            ),
            _ => Ok(HttpReply::new(404, String::new())),
        }
    }

    /// The provider is never asked again after a pause; nothing to wait for.
    async fn pause(&self, _delay: std::time::Duration) {}
}
