//! [`KeyValue`] on a Workers KV namespace.

use std::time::Duration;

use worker::send::SendFuture;
use worker::{Env, KvStore};

use crate::ports::{KeyValue, KvError};

#[derive(Clone)]
pub struct WorkerKv(Result<KvStore, String>);

impl WorkerKv {
    pub fn bind(env: &Env, binding: &str) -> Self {
        Self(env.kv(binding).map_err(|err| err.to_string()))
    }

    fn store(&self) -> Result<KvStore, KvError> {
        self.0.clone().map_err(KvError)
    }
}

fn failed(err: impl ToString) -> KvError {
    KvError(err.to_string())
}

impl KeyValue for WorkerKv {
    fn get(&self, key: &str) -> impl Future<Output = Result<Option<String>, KvError>> + Send {
        let (store, key) = (self.store(), key.to_string());
        SendFuture::new(async move { store?.get(&key).text().await.map_err(failed) })
    }

    fn put(
        &self,
        key: &str,
        value: &str,
        ttl: Duration,
    ) -> impl Future<Output = Result<(), KvError>> + Send {
        let (store, key, value) = (self.store(), key.to_string(), value.to_string());
        SendFuture::new(async move {
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
        SendFuture::new(async move { store?.delete(&key).await.map_err(failed) })
    }
}
