//! The Workers runtime: `#[event]` entry points and the ports implemented on the bindings that
//! wrangler.toml declares. Kept thin; everything it calls is tested natively.

mod assets;
mod fetch;

use std::sync::Arc;

use tower_service::Service;
use worker::{Context, Env, HttpRequest, event};

use crate::config::{ConfigError, DatabaseConfig};
use crate::db::Database;
use crate::ports::Platform;
use assets::R2Assets;
use fetch::FetchTransport;

/// Binding names, as declared in wrangler.toml.
const SESSION_STORE: &str = "SESSION_STORE";
const TASK_QUEUE: &str = "TASK_QUEUE";
const ASSETS: &str = "ASSETS";

#[derive(Clone)]
pub struct WorkerPlatform {
    env: Env,
    database: Result<Arc<Database<FetchTransport>>, ConfigError>,
    assets: R2Assets,
}

impl WorkerPlatform {
    fn new(env: Env) -> Self {
        let lookup = |name: &str| env.var(name).ok().map(|value| value.to_string());
        let database = DatabaseConfig::from_lookup(lookup)
            .map(|config| Arc::new(Database::new(FetchTransport, &config)));
        let assets = R2Assets::new(env.bucket(ASSETS).map_err(|err| err.to_string()));
        Self {
            env,
            database,
            assets,
        }
    }
}

impl Platform for WorkerPlatform {
    type Transport = FetchTransport;
    type Assets = R2Assets;

    fn database(&self) -> Result<&Database<FetchTransport>, ConfigError> {
        self.database.as_deref().map_err(Clone::clone)
    }

    fn assets(&self) -> &R2Assets {
        &self.assets
    }

    fn probe_kv(&self) -> impl Future<Output = Result<(), String>> + Send {
        let env = self.env.clone();
        worker::send::SendFuture::new(async move {
            let kv = env.kv(SESSION_STORE).map_err(|err| err.to_string())?;
            kv.get("health:probe")
                .text()
                .await
                .map(|_| ())
                .map_err(|err| err.to_string())
        })
    }

    fn probe_queue(&self) -> impl Future<Output = Result<(), String>> + Send {
        let present = self
            .env
            .queue(TASK_QUEUE)
            .map(|_| ())
            .map_err(|err| err.to_string());
        async move { present }
    }

    fn now_millis(&self) -> u64 {
        worker::Date::now().as_millis()
    }
}

#[event(fetch)]
async fn fetch(
    request: HttpRequest,
    env: Env,
    _ctx: Context,
) -> worker::Result<axum::http::Response<axum::body::Body>> {
    let mut app = crate::app::router(WorkerPlatform::new(env));
    Ok(app.call(request).await?)
}
