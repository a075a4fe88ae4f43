use super::*;
use crate::config::Secret;
use crate::testing::block_on;
use crate::testing::idp::{FakeIdp, KID, sign};

const NOW_MS: u64 = 1_795_608_000_000;
const NOW: u64 = NOW_MS / 1000;

/// Each test its own issuer: the provider cache is per process.
fn idp(name: &str) -> FakeIdp {
    FakeIdp::new(&format!("https://{name}.idp.test"))
}

fn provider(idp: &FakeIdp) -> Provider {
    block_on(discover(idp, &idp.issuer, NOW_MS)).unwrap()
}

fn verify(idp: &FakeIdp, token: &str) -> Result<GoogleIdentity, ApiError> {
    block_on(verify_id_token(
        idp,
        &provider(idp),
        "client-123",
        token,
        "nonce-1",
        NOW_MS,
    ))
}

fn refusal(result: Result<GoogleIdentity, ApiError>) -> String {
    match result {
        Err(ApiError::BadRequest(message)) => message,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn the_authorization_url_carries_pkce_s256_state_nonce_and_the_hint() {
    let idp = idp("authorize");
    let request = authorization_request(
        &provider(&idp),
        "client-123",
        "https://ptp.test/cb",
        Some("ada@example.com"),
        None,
    )
    .unwrap();
    let url = url::Url::parse(&request.url).unwrap();
    assert_eq!(url.path(), "/authorize");
    let params: BTreeMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(params["response_type"], "code");
    assert_eq!(params["client_id"], "client-123");
    assert_eq!(params["redirect_uri"], "https://ptp.test/cb");
    assert_eq!(params["scope"], "openid email profile");
    assert_eq!(params["state"], request.state);
    assert_eq!(params["nonce"], request.nonce);
    assert_eq!(params["code_challenge_method"], "S256");
    assert_eq!(params["login_hint"], "ada@example.com");
    use base64::Engine;
    use sha2::Digest;
    let expected = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(request.pkce_verifier.as_bytes()));
    assert_eq!(params["code_challenge"], expected);
    assert!(request.state.len() >= 16 && request.nonce.len() >= 16);
    assert!(!request.state.contains(STATE_SEPARATOR));
}

#[test]
fn a_relayed_sign_in_names_its_host_in_the_state() {
    let idp = idp("relayed");
    let request = authorization_request(
        &provider(&idp),
        "client-123",
        "https://relay.test/api/v1/auth/google/relay",
        None,
        Some("pr-7.preview.ptp.test"),
    )
    .unwrap();
    let (host, random) = request.state.split_once(STATE_SEPARATOR).unwrap();
    assert_eq!(host, "pr-7.preview.ptp.test");
    assert!(random.len() >= 16);
    let url = url::Url::parse(&request.url).unwrap();
    let params: BTreeMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(params["state"], request.state);
    assert_eq!(
        params["redirect_uri"],
        "https://relay.test/api/v1/auth/google/relay"
    );
}

#[test]
fn a_valid_id_token_yields_the_google_identity() {
    let idp = idp("valid");
    let identity = verify(
        &idp,
        &sign(&idp.claims("ada@example.com", "nonce-1", NOW), KID),
    )
    .unwrap();
    assert_eq!(identity.email, "ada@example.com");
    assert_eq!(identity.subject, "sub-ada@example.com");
    assert_eq!(identity.name.as_deref(), Some("Ada Lovelace"));
}

#[test]
fn wrong_audience_issuer_nonce_or_expiry_is_refused() {
    let idp = idp("claims");
    let with = |key: &str, value: serde_json::Value| {
        let mut claims = idp.claims("ada@example.com", "nonce-1", NOW);
        claims[key] = value;
        sign(&claims, KID)
    };
    assert!(refusal(verify(&idp, &with("aud", "someone-else".into()))).contains("InvalidAudience"));
    assert!(
        refusal(verify(&idp, &with("iss", "https://evil.test".into()))).contains("InvalidIssuer")
    );
    assert!(refusal(verify(&idp, &with("nonce", "replayed".into()))).contains("nonce"));
    assert!(refusal(verify(&idp, &with("exp", (NOW - 120).into()))).contains("expired"));
    assert!(
        refusal(verify(&idp, &with("email_verified", false.into()))).contains("verified email")
    );
}

#[test]
fn a_tampered_or_unsigned_token_is_refused() {
    let idp = idp("tamper");
    let token = sign(&idp.claims("ada@example.com", "nonce-1", NOW), KID);
    let (head, rest) = token.split_once('.').unwrap();
    let signature = rest.split_once('.').unwrap().1;
    let forged = sign(&idp.claims("mallory@example.com", "nonce-1", NOW), KID);
    let forged_payload = forged.split('.').nth(1).unwrap();
    assert!(verify(&idp, &format!("{head}.{forged_payload}.{signature}")).is_err());
    let hs256 = crate::auth::jwt::encode(
        &jsonwebtoken::Header::new(Algorithm::HS256),
        &idp.claims("ada@example.com", "nonce-1", NOW),
        &jsonwebtoken::EncodingKey::from_secret(b"guessable"),
    )
    .unwrap();
    assert!(refusal(verify(&idp, &hs256)).contains("algorithm"));
    assert!(verify(&idp, "garbage").is_err());
}

#[test]
fn an_unknown_key_id_refetches_the_keys_once_then_refuses() {
    let idp = idp("rotation");
    let provider = provider(&idp);
    let token = |kid: &str| sign(&idp.claims("ada@example.com", "nonce-1", NOW), kid);
    let check = |kid: &str, now_ms: u64| {
        block_on(verify_id_token(
            &idp,
            &provider,
            "client-123",
            &token(kid),
            "nonce-1",
            now_ms,
        ))
    };
    assert!(check(KID, NOW_MS).is_ok());
    assert_eq!(idp.count("/jwks"), 1);
    assert!(check(KID, NOW_MS).is_ok());
    assert_eq!(idp.count("/jwks"), 1, "known keys are cached");

    // The provider rotates: the new key id is fetched once a minute has passed since the last fetch.
    idp.published_kids.lock().unwrap().push("rotated".into());
    assert!(
        check("rotated", NOW_MS + 1_000).is_err(),
        "too soon to refetch"
    );
    assert!(check("rotated", NOW_MS + 61_000).is_ok());
    assert_eq!(idp.count("/jwks"), 2);
    assert!(check("never-published", NOW_MS + 62_000).is_err());
    assert_eq!(
        idp.count("/jwks"),
        2,
        "forged key ids do not hammer the provider"
    );
}

#[test]
fn the_code_exchange_sends_the_verifier_and_client_credentials() {
    let idp = idp("exchange");
    *idp.id_token.lock().unwrap() = "the-id-token".into();
    let google = GoogleConfig {
        issuer: idp.issuer.clone(),
        client_id: "client-123".into(),
        client_secret: Secret::parse("GOOGLE_CLIENT_SECRET", "s3cret").unwrap(),
        redirect_via: None,
        relay_for: None,
    };
    let token = block_on(exchange_code(
        &idp,
        &provider(&idp),
        &google,
        "code-1",
        "verifier-1",
        "https://ptp.test/cb",
    ))
    .unwrap();
    assert_eq!(token, "the-id-token");
    let sent = idp
        .seen
        .lock()
        .unwrap()
        .iter()
        .find(|r| r.url.ends_with("/token"))
        .cloned()
        .unwrap();
    let form: BTreeMap<String, String> = url::form_urlencoded::parse(sent.body.unwrap().as_bytes())
        .into_owned()
        .collect();
    assert_eq!(form["grant_type"], "authorization_code");
    assert_eq!(form["code"], "code-1");
    assert_eq!(form["code_verifier"], "verifier-1");
    assert_eq!(form["client_secret"], "s3cret");
    assert_eq!(form["redirect_uri"], "https://ptp.test/cb");
}

#[test]
fn discovery_must_name_the_issuer_it_came_from() {
    let idp = idp("liar");
    *idp.announced_issuer.lock().unwrap() = Some("https://accounts.google.com".into());
    match block_on(discover(&idp, &idp.issuer, NOW_MS)) {
        Err(ApiError::Upstream(reason)) => assert!(reason.contains("names issuer"), "{reason}"),
        other => panic!("a mismatched issuer must be refused, got {other:?}"),
    }
}
