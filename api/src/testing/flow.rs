//! Whole flows through the router on the in-memory database: a stack with the fixture's
//! catalogue, callers (guests through the real sign-up, members and admins by their row), and
//! requests that read back status, headers and JSON.

use axum::http::HeaderMap;
use ptp_shared::UserKind;
use serde_json::Value;

use super::sqlite::SqliteTransport;
use super::{FakePlatform, SITE, bank, block_on, request, session_cookie};

pub struct Stack {
    pub platform: FakePlatform,
    pub db: SqliteTransport,
}

/// Who sends a request: a session cookie, or an API key.
#[derive(Clone)]
pub enum Caller {
    Cookie { user_id: String, cookie: String },
    Key(String),
}

impl Caller {
    pub fn user_id(&self) -> &str {
        match self {
            Caller::Cookie { user_id, .. } => user_id,
            Caller::Key(_) => panic!("a key caller's user is not known here"),
        }
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    /// The body, when it is JSON; `Null` otherwise.
    pub json: Value,
    pub text: String,
}

impl Reply {
    /// The error body's code (`"conflict"`…), or `None` for a success.
    pub fn code(&self) -> Option<&str> {
        self.json["error"]["code"].as_str()
    }
}

impl Default for Stack {
    fn default() -> Self {
        Self::new()
    }
}

impl Stack {
    /// A migrated database with the fixture's catalogue.
    pub fn new() -> Self {
        let db = SqliteTransport::migrated();
        bank::load(&db);
        let platform = FakePlatform::healthy().with_sqlite(&db);
        Self { platform, db }
    }

    /// A guest, signed up through `POST /api/v1/auth/guest` from `address`.
    pub fn guest_from(&self, address: &str) -> Caller {
        let response = block_on(request(
            self.platform.clone(),
            "POST",
            "/api/v1/auth/guest",
            &[
                ("origin", SITE),
                ("content-type", "application/json"),
                ("cf-connecting-ip", address),
            ],
            "{}",
        ));
        assert_eq!(response.status(), 201, "signing up a guest");
        let cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| {
                v.split(';')
                    .next()
                    .filter(|c| c.starts_with("__Host-ptp_session="))
            })
            .expect("the guest's session cookie")
            .to_string();
        let json: Value = super::read_json(response);
        Caller::Cookie {
            user_id: json["id"].as_str().expect("the guest's id").to_string(),
            cookie,
        }
    }

    pub fn guest(&self) -> Caller {
        self.guest_from("198.51.100.7")
    }

    /// A member (`admin`: with the admin role) with this email, signed in.
    pub fn member(&self, email: &str, admin: bool) -> Caller {
        let id = format!("member-{}", email.replace(['@', '.'], "-"));
        self.db.run(&format!(
            "INSERT INTO users (id, kind, google_sub, email, google_name, role) VALUES \
             ('{id}', 'member', 'sub-{id}', '{email}', 'Ada', '{}')",
            if admin { "admin" } else { "learner" }
        ));
        self.sign_in(&id, UserKind::Member)
    }

    /// A session cookie for the user `id` (of `kind`), in their current epoch.
    pub fn sign_in(&self, id: &str, kind: UserKind) -> Caller {
        let epoch: u32 = self
            .db
            .scalar(&format!(
                "SELECT session_epoch FROM users WHERE id = '{id}'"
            ))
            .and_then(|epoch| epoch.parse().ok())
            .expect("the user's epoch");
        let role = self
            .db
            .scalar(&format!("SELECT role FROM users WHERE id = '{id}'"))
            .and_then(|role| ptp_shared::Role::parse(&role).ok())
            .expect("the user's role");
        Caller::Cookie {
            user_id: id.to_string(),
            cookie: session_cookie(&self.platform, id, (kind, role), epoch),
        }
    }

    /// `method path` as `caller` (or anonymously), with a JSON `body` for writes.
    pub fn call(
        &self,
        caller: Option<&Caller>,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Reply {
        let body = body.map(|body| body.to_string());
        self.send(
            caller,
            method,
            path,
            body.as_deref().map(|body| ("application/json", body)),
        )
    }

    /// `method path` as `caller` (or anonymously), with a `(content type, body)` for writes.
    pub fn send(
        &self,
        caller: Option<&Caller>,
        method: &str,
        path: &str,
        body: Option<(&str, &str)>,
    ) -> Reply {
        let auth;
        let mut headers = vec![("origin", SITE), ("cf-connecting-ip", "198.51.100.7")];
        match caller {
            Some(Caller::Cookie { cookie, .. }) => headers.push(("cookie", cookie.as_str())),
            Some(Caller::Key(key)) => {
                auth = format!("Bearer {key}");
                headers.push(("authorization", auth.as_str()));
            }
            None => {}
        }
        if let Some((content_type, _)) = body {
            headers.push(("content-type", content_type));
        }
        let response = block_on(request(
            self.platform.clone(),
            method,
            path,
            &headers,
            body.map_or("", |(_, body)| body),
        ));
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = super::read_text(response);
        let is_json = headers
            .get("content-type")
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("application/json"));
        let json = if text.is_empty() || !is_json {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|err| panic!("{err}: {text}"))
        };
        Reply {
            status,
            headers,
            json,
            text,
        }
    }

    pub fn get(&self, caller: &Caller, path: &str) -> Reply {
        self.call(Some(caller), "GET", path, None)
    }

    pub fn post(&self, caller: &Caller, path: &str, body: Value) -> Reply {
        self.call(Some(caller), "POST", path, Some(body))
    }

    pub fn put(&self, caller: &Caller, path: &str, body: Value) -> Reply {
        self.call(Some(caller), "PUT", path, Some(body))
    }
}
