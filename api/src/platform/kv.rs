//! [`KeyValue`] on a Workers KV namespace.

use std::time::Duration;

use worker::send::SendFuture;
use worker::{Env, KvStore};

use crate::ports::{KeyValue, KvError};
use crate::timing::{Part, Timings};

#[derive(Clone)]
pub struct WorkerKv {
    store: Result<KvStore, String>,
    timings: Timings,
}

impl WorkerKv {
    /// Every call's duration is recorded in `timings` (the request's).
    pub fn bind(env: &Env, binding: &str, timings: Timings) -> Self {
        Self {
            store: env.kv(binding).map_err(|err| err.to_string()),
            timings,
        }
    }

    fn store(&self) -> Result<KvStore, KvError> {
        self.store.clone().map_err(KvError)
    }

    /// `call`, timed into the request's KV span.
    fn timed<T>(
        &self,
        call: impl Future<Output = Result<T, KvError>>,
    ) -> impl Future<Output = Result<T, KvError>> + Send {
        let timings = self.timings.clone();
        SendFuture::new(async move {
            let started = super::clock();
            let outcome = call.await;
            timings.add(Part::Kv, super::clock().saturating_sub(started));
            outcome
        })
    }
}

fn failed(err: impl ToString) -> KvError {
    KvError(err.to_string())
}

impl KeyValue for WorkerKv {
    fn get(&self, key: &str) -> impl Future<Output = Result<Option<String>, KvError>> + Send {
        let (store, key) = (self.store(), key.to_string());
        self.timed(async move { store?.get(&key).text().await.map_err(failed) })
    }

    fn put(
        &self,
        key: &str,
        value: &str,
        ttl: Duration,
    ) -> impl Future<Output = Result<(), KvError>> + Send {
        let (store, key, value) = (self.store(), key.to_string(), value.to_string());
        self.timed(async move {
            store?
                .put(&key, value)
                .map_err(failed)?
                .expiration_ttl(ttl.as_secs().max(60))
                .execute()
                .await
                .map_err(failed)
        })
    }

    fn delete(&self, key: &str) -> impl Future<Output = Result<(), KvError>> + Send {
        let (store, key) = (self.store(), key.to_string());
        self.timed(async move { store?.delete(&key).await.map_err(failed) })
    }
}
