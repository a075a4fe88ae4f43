//! The settings' parsing: names and reasons reported, values never.
use super::*;

#[test]
fn turso_urls_become_https_pipeline_endpoints() {
    let url = DatabaseUrl::parse("libsql://ptp-prod-acme.turso.io").unwrap();
    assert_eq!(
        url.pipeline_endpoint(),
        "https://ptp-prod-acme.turso.io/v3/pipeline"
    );
    let local = DatabaseUrl::parse("http://127.0.0.1:8080/").unwrap();
    assert_eq!(
        local.pipeline_endpoint(),
        "http://127.0.0.1:8080/v3/pipeline"
    );
}

#[test]
fn refuses_urls_that_are_not_bare_hosts() {
    for bad in [
        "",
        "127.0.0.1:8080",
        "ftp://x",
        "https://user:pw@x",
        "https://x/db",
        "https://",
    ] {
        assert!(DatabaseUrl::parse(bad).is_err(), "{bad:?} was accepted");
    }
}

#[test]
fn missing_settings_are_named_and_secrets_never_printed() {
    let err = DatabaseConfig::from_lookup(|_| None).unwrap_err();
    assert_eq!(err.to_string(), "TURSO_DATABASE_URL is not set");
    let config = DatabaseConfig::from_lookup(|name| match name {
        "TURSO_DATABASE_URL" => Some("libsql://db.turso.io".into()),
        "TURSO_AUTH_TOKEN" => Some("eyJ.secret.sig".into()),
        _ => None,
    })
    .unwrap();
    assert!(!format!("{config:?}").contains("eyJ"));
    let blank = DatabaseConfig::from_lookup(|name| match name {
        "TURSO_DATABASE_URL" => Some("libsql://db.turso.io".into()),
        _ => Some("  ".into()),
    });
    assert_eq!(blank.unwrap_err(), ConfigError::Missing("TURSO_AUTH_TOKEN"));
}

#[test]
fn the_site_origin_is_normalised_and_must_be_bare() {
    assert_eq!(
        SiteOrigin::parse("https://PingToPass.com/")
            .unwrap()
            .as_str(),
        "https://pingtopass.com"
    );
    assert_eq!(
        SiteOrigin::parse("http://127.0.0.1:8787")
            .unwrap()
            .url("/api"),
        "http://127.0.0.1:8787/api"
    );
    for bad in ["pingtopass.com", "ftp://x", "https://x/app", "https://"] {
        assert!(SiteOrigin::parse(bad).is_err(), "{bad}");
    }
}

/// A production environment with every setting present and valid, payments on.
fn complete(name: &str) -> Option<String> {
    Some(
        match name {
            "ENVIRONMENT" => "production",
            "SITE_URL" => "https://pingtopass.com",
            "TURSO_DATABASE_URL" => "libsql://prod-pingtopass-acme.turso.io",
            "TURSO_AUTH_TOKEN" => "eyJ.token.sig",
            "JWT_SECRET" | "API_KEY_SECRET" => "0123456789abcdef0123456789abcdef",
            "GOOGLE_CLIENT_ID" => "client.apps.googleusercontent.com",
            "GOOGLE_CLIENT_SECRET" => "s3cret",
            "OPENROUTER_API_KEY" => "sk-or-v1-abc",
            "PAYMENTS" => "on",
            "STRIPE_SECRET_KEY" => "sk_live_123",
            "STRIPE_WEBHOOK_SECRET" => "whsec_456",
            "STRIPE_PRICE_PRO_MONTHLY" => "price_1ProMonthly",
            "STRIPE_PRICE_PRO_ANNUAL" => "price_1ProAnnual",
            "PRO_MONTHLY_AMOUNT" => "1500",
            "PRO_ANNUAL_AMOUNT" => "12000",
            _ => return None,
        }
        .to_string(),
    )
}

fn problems_with(lookup: impl Fn(&str) -> Option<String> + Copy) -> Vec<String> {
    let settings = Settings::from_lookup(lookup);
    let database = DatabaseConfig::from_lookup(lookup).err();
    settings
        .problems(database.as_ref())
        .iter()
        .map(|problem| problem.to_string())
        .collect()
}

#[test]
fn every_secret_of_the_deployment_contract_is_checked_by_name() {
    use ptp_shared::settings::{Need, SECRETS};
    assert!(
        problems_with(complete).is_empty(),
        "{:?}",
        problems_with(complete)
    );
    for secret in SECRETS {
        let without = move |name: &str| (name != secret.name).then(|| complete(name)).flatten();
        let problems = problems_with(without);
        match secret.need {
            Need::Always | Need::WithPayments => assert_eq!(
                problems,
                [format!("{} is not set", secret.name)],
                "{} is part of the contract",
                secret.name
            ),
            Need::Optional | Need::NeverInProduction => {
                assert!(problems.is_empty(), "{}: {problems:?}", secret.name)
            }
        }
    }
    let with_token = |name: &str| match name {
        "LOAD_TEST_TOKEN" => Some("t".repeat(40)),
        other => complete(other),
    };
    assert_eq!(
        problems_with(with_token),
        ["LOAD_TEST_TOKEN is invalid: must not be set in production"]
    );
}

#[test]
fn the_load_test_token_is_refused_in_production_and_must_be_strong() {
    let settings = |environment: &'static str, token: Option<&'static str>| {
        Settings::from_lookup(move |name| match name {
            "ENVIRONMENT" => Some(environment.into()),
            "LOAD_TEST_TOKEN" => token.map(str::to_string),
            _ => None,
        })
        .load_test
    };
    let strong = "0123456789abcdef0123456789abcdef";
    assert!(matches!(settings("staging", Some(strong)), Ok(Some(_))));
    assert!(matches!(settings("staging", None), Ok(None)));
    assert_eq!(
        settings("production", Some(strong))
            .unwrap_err()
            .to_string(),
        "LOAD_TEST_TOKEN is invalid: must not be set in production"
    );
    assert!(matches!(settings("production", None), Ok(None)));
    assert!(settings("preview", Some("short")).is_err());
}

#[test]
fn auth_secrets_must_be_long_enough() {
    let lookup = |jwt: &'static str| {
        move |name: &str| match name {
            "JWT_SECRET" => Some(jwt.to_string()),
            "API_KEY_SECRET" => Some("k".repeat(64)),
            _ => None,
        }
    };
    assert!(AuthConfig::from_lookup(lookup("0123456789abcdef0123456789abcdef")).is_ok());
    let short = AuthConfig::from_lookup(lookup("short")).unwrap_err();
    assert_eq!(
        short.to_string(),
        "JWT_SECRET is invalid: must be at least 32 characters of random data"
    );
}

#[test]
fn google_defaults_to_accounts_google_com_and_refuses_plain_http_elsewhere() {
    let with = |issuer: Option<&'static str>| {
        move |name: &str| match name {
            "GOOGLE_ISSUER" => issuer.map(str::to_string),
            "GOOGLE_CLIENT_ID" => Some("client.apps.googleusercontent.com".into()),
            "GOOGLE_CLIENT_SECRET" => Some("s3cret".into()),
            _ => None,
        }
    };
    assert_eq!(
        GoogleConfig::from_lookup(with(None)).unwrap().issuer,
        "https://accounts.google.com"
    );
    assert_eq!(
        GoogleConfig::from_lookup(with(Some("http://127.0.0.1:9000/")))
            .unwrap()
            .issuer,
        "http://127.0.0.1:9000"
    );
    assert!(GoogleConfig::from_lookup(with(Some("http://idp.example"))).is_err());
}

#[test]
fn environment_names_round_trip() {
    for name in ["development", "preview", "staging", "production"] {
        assert_eq!(Environment::parse(name).unwrap().as_str(), name);
    }
    assert!(Environment::parse("prod").is_err());
}

#[test]
fn a_sign_in_relay_is_an_https_url_and_a_relayed_domain_a_domain_name() {
    let google = |name: &'static str, value: &'static str| {
        Settings::from_lookup(move |key| {
            if key == name {
                Some(value.to_string())
            } else {
                complete(key)
            }
        })
        .google
        .map(|google| (google.redirect_via, google.relay_for))
        .map_err(|err| err.to_string())
    };
    assert_eq!(
        google(
            "GOOGLE_REDIRECT_VIA",
            "https://staging.example.com/api/v1/auth/google/relay/"
        ),
        Ok((
            Some("https://staging.example.com/api/v1/auth/google/relay".into()),
            None
        ))
    );
    assert_eq!(
        google("GOOGLE_REDIRECT_VIA", "http://staging.example.com/relay"),
        Err("GOOGLE_REDIRECT_VIA is invalid: must be an https:// URL".into())
    );
    assert_eq!(
        google("GOOGLE_RELAY_FOR", "Preview.Example.com"),
        Ok((None, Some("preview.example.com".into())))
    );
    assert_eq!(
        google("GOOGLE_RELAY_FOR", "https://preview.example.com"),
        Err("GOOGLE_RELAY_FOR is invalid: expected a domain name like preview.example.com".into())
    );
}
