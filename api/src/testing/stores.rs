//! The platform's stores in memory: KV, the asset bucket and the HTTP cache.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;

use crate::ports::{
    AssetLookup, AssetMeta, AssetStore, CachedResponse, KeyValue, KvError, ResponseCache,
};

/// KV in a map; TTLs are not enforced (tests control time through tokens instead).
#[derive(Clone, Default)]
pub struct FakeKv {
    entries: Arc<Mutex<HashMap<String, String>>>,
    failure: Option<String>,
}

impl FakeKv {
    pub fn failing(error: &str) -> Self {
        Self {
            entries: Arc::default(),
            failure: Some(error.to_string()),
        }
    }

    fn check(&self) -> Result<(), KvError> {
        self.failure.clone().map_or(Ok(()), |e| Err(KvError(e)))
    }
}

impl KeyValue for FakeKv {
    async fn get(&self, key: &str) -> Result<Option<String>, KvError> {
        self.check()?;
        Ok(self.entries.lock().unwrap().get(key).cloned())
    }

    async fn put(&self, key: &str, value: &str, _ttl: Duration) -> Result<(), KvError> {
        self.check()?;
        self.entries
            .lock()
            .unwrap()
            .insert(key.to_string(), value.to_string());
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<(), KvError> {
        self.check()?;
        self.entries.lock().unwrap().remove(key);
        Ok(())
    }
}

#[derive(Clone, Default)]
pub struct FakeAssets(pub(super) HashMap<String, (AssetMeta, Vec<u8>)>);

impl AssetStore for FakeAssets {
    async fn lookup(
        &self,
        key: &str,
        if_none_match: Option<&str>,
        head: bool,
    ) -> Result<AssetLookup, String> {
        let Some((meta, bytes)) = self.0.get(key) else {
            return Ok(AssetLookup::Missing);
        };
        Ok(if if_none_match == Some(meta.etag.as_str()) {
            AssetLookup::NotModified(meta.clone())
        } else if head {
            AssetLookup::Head(meta.clone())
        } else {
            AssetLookup::Found(meta.clone(), Body::from(bytes.clone()))
        })
    }
}

/// The cache in a map; entries never expire (tests are shorter than `max-age`).
#[derive(Clone, Default)]
pub struct FakeCache(Arc<Mutex<HashMap<String, CachedResponse>>>);

impl ResponseCache for FakeCache {
    async fn get(&self, key: &str) -> Result<Option<CachedResponse>, String> {
        Ok(self.0.lock().unwrap().get(key).cloned())
    }

    async fn put(&self, key: &str, response: &CachedResponse) -> Result<(), String> {
        self.0
            .lock()
            .unwrap()
            .insert(key.to_string(), response.clone());
        Ok(())
    }
}
