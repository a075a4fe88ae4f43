//! In-memory ports for native tests of the app.

pub mod bank;
pub mod flow;
pub mod idp;
pub mod scripted;
mod settings;
pub mod sqlite;
mod stores;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::Request;
use axum::response::Response;
use tower_service::Service;

use crate::config::{ConfigError, Settings};
use crate::db::Database;
use crate::http::{HttpClient, HttpReply, OutboundRequest, TransportError};
use crate::observe::{CostRecord, Level, RequestRecord};
use crate::ports::{AssetMeta, Platform};
use crate::tasks::Task;
use crate::timing::Timings;
use ptp_domain::limiter::{self, Isolate, Step, Tally};
use ptp_domain::rate_limit::{Decision, Limit};
pub use scripted::ScriptedTransport;
use settings::test_setting;
pub use settings::{SITE, test_db_config, test_settings};
pub use stores::{FakeAssets, FakeCache, FakeKv};

pub fn block_on<F: Future>(future: F) -> F::Output {
    futures_executor::block_on(future)
}

/// The fake platform's transport: scripted replies, or a real (in-memory) database.
#[derive(Clone)]
pub enum TestTransport {
    Scripted(ScriptedTransport),
    Sqlite(sqlite::SqliteTransport),
}

impl HttpClient for TestTransport {
    async fn send(&self, request: OutboundRequest) -> Result<HttpReply, TransportError> {
        match self {
            TestTransport::Scripted(scripted) => scripted.send(request).await,
            TestTransport::Sqlite(sqlite) => sqlite.send(request).await,
        }
    }

    async fn pause(&self, delay: std::time::Duration) {
        match self {
            TestTransport::Scripted(scripted) => scripted.pause(delay).await,
            TestTransport::Sqlite(sqlite) => sqlite.pause(delay).await,
        }
    }
}

const SELECT_ONE_OK: &str = r#"{"results":[{"type":"ok","response":{"type":"execute","result":{"cols":[],"rows":[],"affected_row_count":0,"last_insert_rowid":null}}},{"type":"ok","response":{"type":"close"}}]}"#;

#[derive(Clone)]
pub struct FakePlatform {
    settings: Arc<Settings>,
    database: Result<Arc<Database<TestTransport>>, ConfigError>,
    http: TestTransport,
    assets: FakeAssets,
    kv: FakeKv,
    cache_store: FakeKv,
    cache: FakeCache,
    timings: Timings,
    /// Log lines and data points written, in order.
    pub logs: Arc<Mutex<Vec<(Level, String)>>>,
    pub points: Arc<Mutex<Vec<RequestRecord>>>,
    pub cost_points: Arc<Mutex<Vec<CostRecord>>>,
    /// Tasks put on the queue.
    pub queued: Arc<Mutex<Vec<Task>>>,
    /// Each client's window, shared by clones like the Durable Objects are.
    /// One isolate and the counters it settles with, as in the Worker (`ptp_domain::limiter`).
    limits: Arc<Mutex<(Isolate, HashMap<String, Tally>)>>,
    /// The server's clock (milliseconds), shared by clones; tests move it on.
    clock: Arc<std::sync::atomic::AtomicU64>,
}

/// When every fake platform's clock starts: 2026-11-25T12:00:00Z.
pub const START_MS: u64 = 1_795_608_000_000;

impl FakePlatform {
    pub fn healthy() -> Self {
        let transport = TestTransport::Scripted(ScriptedTransport::replying(200, SELECT_ONE_OK));
        Self {
            settings: Arc::new(test_settings()),
            database: Ok(Arc::new(Database::new(
                transport.clone(),
                &test_db_config(),
            ))),
            http: transport,
            assets: FakeAssets::default(),
            kv: FakeKv::default(),
            cache_store: FakeKv::default(),
            cache: FakeCache::default(),
            timings: Timings::default(),
            logs: Arc::default(),
            points: Arc::default(),
            cost_points: Arc::default(),
            queued: Arc::default(),
            limits: Arc::new(Mutex::new((Isolate::new("test"), HashMap::new()))),
            clock: Arc::new(START_MS.into()),
        }
    }

    /// Moves the clock on by `ms`, for every clone of this platform.
    pub fn advance(&self, ms: u64) {
        self.clock
            .fetch_add(ms, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn with_database_down(self) -> Self {
        let transport =
            ScriptedTransport::failing(TransportError::Network("connection refused".into()));
        self.with_database(transport)
    }

    /// A database answering every pipeline with `transport`'s reply (see [`hrana`]).
    pub fn with_database(mut self, transport: ScriptedTransport) -> Self {
        let transport = TestTransport::Scripted(transport);
        self.database = Ok(Arc::new(Database::new(transport, &test_db_config())));
        self
    }

    /// A real database: `sqlite` runs every pipeline (see [`sqlite::SqliteTransport`]).
    pub fn with_sqlite(mut self, sqlite: &sqlite::SqliteTransport) -> Self {
        let transport = TestTransport::Sqlite(sqlite.clone());
        self.database = Ok(Arc::new(Database::new(transport, &test_db_config())));
        self
    }

    /// Outbound calls other than the database's (identity provider, usage APIs) answered by
    /// `transport`.
    pub fn with_http(mut self, transport: ScriptedTransport) -> Self {
        self.http = TestTransport::Scripted(transport);
        self
    }

    /// The test deployment with `extra` settings on top.
    pub fn with_settings(mut self, extra: &'static [(&'static str, &'static str)]) -> Self {
        self.settings = Arc::new(Settings::from_lookup(move |key| {
            extra
                .iter()
                .find(|(name, _)| *name == key)
                .map(|(_, value)| value.to_string())
                .or_else(|| test_setting(key))
        }));
        self
    }

    /// The test deployment with `name` unset (or set to `value`): a misconfigured one.
    pub fn with_setting(mut self, name: &'static str, value: Option<&'static str>) -> Self {
        self.settings = Arc::new(Settings::from_lookup(move |key| match key == name {
            true => value.map(str::to_string),
            false => test_setting(key),
        }));
        self
    }

    pub fn without_database(mut self) -> Self {
        self.database = Err(ConfigError::Missing("TURSO_DATABASE_URL"));
        self
    }

    pub fn with_kv_error(mut self, error: &str) -> Self {
        self.kv = FakeKv::failing(error);
        self
    }

    pub fn with_asset(mut self, key: &str, content_type: &str, body: &str) -> Self {
        let meta = AssetMeta {
            content_type: Some(content_type.to_string()),
            etag: format!("etag-{}-{}", key.len(), body.len()),
            size: body.len() as u64,
        };
        self.assets
            .0
            .insert(key.to_string(), (meta, body.as_bytes().to_vec()));
        self
    }
}

impl Platform for FakePlatform {
    type Http = TestTransport;
    type Assets = FakeAssets;
    type Kv = FakeKv;
    type Cache = FakeCache;

    fn settings(&self) -> &Settings {
        &self.settings
    }

    fn database(&self) -> Result<&Database<TestTransport>, ConfigError> {
        self.database.as_deref().map_err(Clone::clone)
    }

    fn http(&self) -> &TestTransport {
        &self.http
    }

    fn assets(&self) -> &FakeAssets {
        &self.assets
    }

    fn sessions(&self) -> &FakeKv {
        &self.kv
    }

    fn cache_store(&self) -> &FakeKv {
        &self.cache_store
    }

    fn response_cache(&self) -> &FakeCache {
        &self.cache
    }

    fn timings(&self) -> &Timings {
        &self.timings
    }

    fn log(&self, level: Level, line: &str) {
        self.logs.lock().unwrap().push((level, line.to_string()));
    }

    fn record_request(&self, record: &RequestRecord) {
        self.points.lock().unwrap().push(record.clone());
    }

    fn record_cost(&self, record: &CostRecord) {
        self.cost_points.lock().unwrap().push(record.clone());
    }

    async fn enqueue(&self, task: &Task) -> Result<(), String> {
        self.queued.lock().unwrap().push(task.clone());
        Ok(())
    }

    async fn probe_queue(&self) -> Result<(), String> {
        Ok(())
    }

    async fn rate_limit(&self, client: &str, limit: Limit) -> Result<Decision, String> {
        let now = self.now_millis();
        let mut guard = self.limits.lock().expect("not poisoned");
        let (isolate, counters) = &mut *guard;
        Ok(match isolate.step(client, limit, now) {
            Step::Decided(decision) => decision,
            Step::Settle(report) => {
                let (tally, verdict) =
                    limiter::settle(counters.remove(client), &report, limit, now);
                counters.insert(client.to_string(), tally);
                isolate.settled(client, limit, verdict, now)
            }
        })
    }

    fn now_millis(&self) -> u64 {
        self.clock.load(std::sync::atomic::Ordering::SeqCst)
    }
}

pub async fn request(
    platform: FakePlatform,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Response {
    let mut builder = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let mut app = crate::app::router(platform);
    app.call(builder.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap()
}

pub async fn get(platform: FakePlatform, path: &str) -> Response {
    request(platform, "GET", path, &[], "").await
}

/// The `Cookie` header value of a new browser session of user `id` (of its kind and role, in `epoch`), as
/// signing in would issue it.
pub fn session_cookie(
    platform: &FakePlatform,
    id: &str,
    standing: (ptp_shared::UserKind, ptp_shared::Role),
    epoch: u32,
) -> String {
    let secret = &platform.settings().auth.as_ref().unwrap().jwt_secret;
    let token = block_on(crate::auth::session::start(
        platform.sessions(),
        secret,
        &ptp_domain::UserId::trusted(id),
        standing,
        epoch,
        platform.now_secs(),
    ))
    .expect("a session");
    format!("{}={token}", crate::auth::session::COOKIE_NAME)
}

pub fn read_text(response: Response) -> String {
    let bytes = block_on(axum::body::to_bytes(response.into_body(), usize::MAX)).unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

pub fn read_json<T: serde::de::DeserializeOwned>(response: Response) -> T {
    let text = read_text(response);
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{err}: {text}"))
}

pub fn read_error(response: Response) -> ptp_shared::ErrorBody {
    read_json(response)
}

pub mod hrana;
