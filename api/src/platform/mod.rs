//! The Workers runtime: `#[event]` entry points and the ports implemented on the bindings that
//! wrangler.toml declares. Kept thin; everything it calls is tested natively.

mod assets;
mod cache;
mod events;
mod fetch;
mod kv;
mod limiter;

use std::sync::Arc;

use ptp_domain::rate_limit::{Decision, Limit};
use tower_service::Service;
use worker::send::SendFuture;
use worker::{AnalyticsEngineDataPointBuilder, Cf, Context, Env, HttpRequest, event};

use crate::app::telemetry::Colo;
use crate::config::{ConfigError, DatabaseConfig, Settings};
use crate::db::Database;
use crate::observe::{self, CostRecord, Level, RequestRecord};
use crate::ports::Platform;
use crate::tasks::Task;
use crate::timing::Timings;
use assets::R2Assets;
use cache::WorkerCache;
use fetch::FetchTransport;
use kv::WorkerKv;

/// Binding names, as declared in wrangler.toml.
const SESSION_STORE: &str = "SESSION_STORE";
const CACHE_STORE: &str = "CACHE_STORE";
const TASK_QUEUE: &str = "TASK_QUEUE";
const ASSETS: &str = "ASSETS";
const ANALYTICS: &str = "ANALYTICS";
const VERSION_METADATA: &str = "CF_VERSION_METADATA";

#[derive(Clone)]
pub struct WorkerPlatform {
    env: Env,
    settings: Arc<Settings>,
    database: Result<Arc<Database<FetchTransport>>, ConfigError>,
    assets: R2Assets,
    sessions: WorkerKv,
    cache_store: WorkerKv,
    timings: Timings,
}

/// Milliseconds since the epoch; in Workers the clock advances across I/O only, which is what
/// timing I/O needs.
pub(crate) fn clock() -> u64 {
    worker::Date::now().as_millis()
}

thread_local! {
    /// The environment's settings and database configuration, parsed at an isolate's first
    /// request: an isolate runs one deployment, whose vars and secrets do not change under it,
    /// and reading and validating every one of them cost each request.
    static PARSED: std::cell::OnceCell<(Arc<Settings>, Result<DatabaseConfig, ConfigError>)> =
        const { std::cell::OnceCell::new() };
}

impl WorkerPlatform {
    fn new(env: Env) -> Self {
        let (settings, database_config) = PARSED.with(|parsed| {
            parsed
                .get_or_init(|| {
                    let lookup = |name: &str| env.var(name).ok().map(|value| value.to_string());
                    (
                        Arc::new(Settings::from_lookup(lookup)),
                        DatabaseConfig::from_lookup(lookup),
                    )
                })
                .clone()
        });
        let timings = Timings::default();
        let database = database_config.map(|config| {
            Arc::new(Database::new(FetchTransport, &config).observed(timings.clone(), clock))
        });
        let assets = R2Assets::new(env.bucket(ASSETS).map_err(|err| err.to_string()));
        let sessions = WorkerKv::bind(&env, SESSION_STORE, timings.clone());
        let cache_store = WorkerKv::bind(&env, CACHE_STORE, timings.clone())
            .remembering(std::time::Duration::from_secs(5));
        Self {
            env,
            settings,
            database,
            assets,
            sessions,
            cache_store,
            timings,
        }
    }
}

thread_local! {
    /// This isolate's Worker version id (the `version_metadata` binding), read once.
    static VERSION_ID: std::cell::OnceCell<String> = const { std::cell::OnceCell::new() };
}

impl WorkerPlatform {
    /// The version id Cloudflare gave this upload; `unknown` without the binding.
    fn version_id(&self) -> String {
        VERSION_ID.with(|id| {
            id.get_or_init(|| {
                use worker::js_sys::Reflect;
                Reflect::get(self.env.as_ref(), &VERSION_METADATA.into())
                    .and_then(|metadata| Reflect::get(&metadata, &"id".into()))
                    .ok()
                    .and_then(|id| id.as_string())
                    .unwrap_or_else(|| "unknown".into())
            })
            .clone()
        })
    }
}

impl Platform for WorkerPlatform {
    type Http = FetchTransport;
    type Assets = R2Assets;
    type Kv = WorkerKv;
    type Cache = WorkerCache;

    fn settings(&self) -> &Settings {
        &self.settings
    }

    fn database(&self) -> Result<&Database<FetchTransport>, ConfigError> {
        self.database.as_deref().map_err(Clone::clone)
    }

    fn http(&self) -> &FetchTransport {
        &FetchTransport
    }

    fn assets(&self) -> &R2Assets {
        &self.assets
    }

    fn sessions(&self) -> &WorkerKv {
        &self.sessions
    }

    fn cache_store(&self) -> &WorkerKv {
        &self.cache_store
    }

    fn response_cache(&self) -> &WorkerCache {
        &WorkerCache
    }

    fn timings(&self) -> &Timings {
        &self.timings
    }

    fn log(&self, level: Level, line: &str) {
        observe::write(level, line);
    }

    fn record_request(&self, record: &RequestRecord) {
        let Ok(dataset) = self.env.analytics_engine(ANALYTICS) else {
            return;
        };
        // blob1 route, blob2 method, blob3 colo, blob4 environment, blob5 Worker version (what
        // a gradual rollout's health gate splits by: `xtask/src/release/gate.rs`);
        // double1 status, double2 duration, double3 db time, double4 db round trips.
        let written = AnalyticsEngineDataPointBuilder::new()
            .indexes([record.route.as_str()])
            .add_blob(record.route.as_str())
            .add_blob(record.method.as_str())
            .add_blob(record.colo.as_str())
            .add_blob(record.environment.as_str())
            .add_blob(self.version_id())
            .add_double(f64::from(record.status))
            .add_double(record.duration_ms as f64)
            .add_double(record.db_ms as f64)
            .add_double(f64::from(record.db_calls))
            .write_to(&dataset);
        if let Err(err) = written {
            self.log_error(&format!("analytics data point lost: {err}"));
        }
    }

    fn record_cost(&self, record: &CostRecord) {
        let Ok(dataset) = self.env.analytics_engine(ANALYTICS) else {
            return;
        };
        // Index and blob1 `costs`, blob2 the day, blob4 environment; blob5 (the version a
        // rollout's gate reads) left empty so no gate counts a cost point as a request.
        // double1 the day's cost, double2 month to date, double3 its share of the budget,
        // double4 1 when that raised the alert.
        let written = AnalyticsEngineDataPointBuilder::new()
            .indexes(["costs"])
            .add_blob("costs")
            .add_blob(record.day.as_str())
            .add_blob("")
            .add_blob(record.environment.as_str())
            .add_blob("")
            .add_double(record.cost_usd)
            .add_double(record.month_to_date_usd)
            .add_double(record.budget_share)
            .add_double(if record.alert { 1.0 } else { 0.0 })
            .write_to(&dataset);
        if let Err(err) = written {
            self.log_error(&format!("cost data point lost: {err}"));
        }
    }

    fn enqueue(&self, task: &Task) -> impl Future<Output = Result<(), String>> + Send {
        let queue = self.env.queue(TASK_QUEUE).map_err(|err| err.to_string());
        let task = task.clone();
        SendFuture::new(async move { queue?.send(&task).await.map_err(|err| err.to_string()) })
    }

    fn probe_queue(&self) -> impl Future<Output = Result<(), String>> + Send {
        let present = self
            .env
            .queue(TASK_QUEUE)
            .map(|_| ())
            .map_err(|err| err.to_string());
        async move { present }
    }

    fn rate_limit(
        &self,
        client: &str,
        limit: Limit,
    ) -> impl Future<Output = Result<Decision, String>> + Send {
        limiter::check(&self.env, &self.timings, client, limit)
    }

    fn now_millis(&self) -> u64 {
        clock()
    }
}

#[event(fetch)]
async fn fetch(
    request: HttpRequest,
    env: Env,
    _ctx: Context,
) -> worker::Result<axum::http::Response<axum::body::Body>> {
    let mut request = request;
    if let Some(cf) = request.extensions().get::<Cf>() {
        let colo = Colo(cf.colo());
        request.extensions_mut().insert(colo);
    }
    request.extensions_mut().insert(WorkerPlatform::new(env));
    let mut app = ROUTER.with(Clone::clone);
    Ok(app.call(request).await?)
}

thread_local! {
    /// Built at an isolate's first request and shared by the rest: each request brings its own
    /// platform (see `app::current`).
    static ROUTER: axum::Router = crate::app::routes::<WorkerPlatform>();
}
