//! [`KeyValue`] on a Workers KV namespace, optionally remembering what it read for a few seconds
//! in the isolate.

use std::cell::RefCell;
use std::collections::HashMap;
use std::time::Duration;

use worker::send::SendFuture;
use worker::{Env, KvStore};

use crate::ports::{KeyValue, KvError};
use crate::timing::{Part, Timings};

/// Values remembered per isolate: `(binding/key) → (value, read at)`.
type Memo = HashMap<String, (Option<String>, u64)>;
/// Keys remembered at most; past that the memo starts over.
const MEMO_KEYS: usize = 1_000;

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(HashMap::new());
}

#[derive(Clone)]
pub struct WorkerKv {
    binding: String,
    store: Result<KvStore, String>,
    timings: Timings,
    /// How long a read value is served from the isolate's memory (`None`: never).
    remember_ms: Option<u64>,
}

impl WorkerKv {
    /// Every call's duration is recorded in `timings` (the request's).
    pub fn bind(env: &Env, binding: &str, timings: Timings) -> Self {
        Self {
            binding: binding.to_string(),
            store: env.kv(binding).map_err(|err| err.to_string()),
            timings,
            remember_ms: None,
        }
    }

    /// Serves what was read (or written here) for `ttl` from this isolate's memory. KV itself
    /// takes up to a minute to show a write in every location; this adds at most `ttl` for the
    /// isolates that did not write it.
    pub fn remembering(self, ttl: Duration) -> Self {
        Self {
            remember_ms: Some(ttl.as_millis() as u64),
            ..self
        }
    }

    fn memo_key(&self, key: &str) -> String {
        format!("{}/{key}", self.binding)
    }

    fn recall(&self, key: &str) -> Option<Option<String>> {
        let ttl = self.remember_ms?;
        let now = super::clock();
        MEMO.with(|memo| {
            memo.borrow()
                .get(&self.memo_key(key))
                .filter(|(_, read_at)| now.saturating_sub(*read_at) < ttl)
                .map(|(value, _)| value.clone())
        })
    }

    fn remember(&self, key: &str, value: Option<String>) {
        if self.remember_ms.is_none() {
            return;
        }
        remember(self.memo_key(key), value);
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

fn remember(key: String, value: Option<String>) {
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        if memo.len() >= MEMO_KEYS && !memo.contains_key(&key) {
            memo.clear();
        }
        memo.insert(key, (value, super::clock()));
    });
}

fn failed(err: impl ToString) -> KvError {
    KvError(err.to_string())
}

impl KeyValue for WorkerKv {
    fn get(&self, key: &str) -> impl Future<Output = Result<Option<String>, KvError>> + Send {
        let recalled = self.recall(key);
        let memo_key = self.remember_ms.map(|_| self.memo_key(key));
        let (store, key) = (self.store(), key.to_string());
        let timed = self.timed(async move { store?.get(&key).text().await.map_err(failed) });
        SendFuture::new(async move {
            if let Some(value) = recalled {
                return Ok(value);
            }
            let value = timed.await?;
            if let Some(memo_key) = memo_key {
                remember(memo_key, value.clone());
            }
            Ok(value)
        })
    }

    fn put(
        &self,
        key: &str,
        value: &str,
        ttl: Duration,
    ) -> impl Future<Output = Result<(), KvError>> + Send {
        self.remember(key, Some(value.to_string()));
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
        self.remember(key, None);
        let (store, key) = (self.store(), key.to_string());
        self.timed(async move { store?.delete(&key).await.map_err(failed) })
    }
}
