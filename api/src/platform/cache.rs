//! [`ResponseCache`] on the Workers Cache API (`caches.default`), keyed by URL.

use worker::send::SendFuture;
use worker::{Cache, Headers, Response};

use crate::ports::{CachedResponse, ResponseCache};

#[derive(Clone, Copy)]
pub struct WorkerCache;

fn failed(err: worker::Error) -> String {
    err.to_string()
}

impl ResponseCache for WorkerCache {
    fn get(
        &self,
        key: &str,
    ) -> impl Future<Output = Result<Option<CachedResponse>, String>> + Send {
        let key = key.to_string();
        SendFuture::new(async move {
            let Some(mut found) = Cache::default()
                .get(key.as_str(), false)
                .await
                .map_err(failed)?
            else {
                return Ok(None);
            };
            let headers = found.headers().entries().collect();
            Ok(Some(CachedResponse {
                status: found.status_code(),
                headers,
                body: found.bytes().await.map_err(failed)?,
            }))
        })
    }

    fn put(
        &self,
        key: &str,
        response: &CachedResponse,
    ) -> impl Future<Output = Result<(), String>> + Send {
        let key = key.to_string();
        let response = response.clone();
        SendFuture::new(async move {
            let headers: Headers = response.headers.iter().collect();
            let stored = Response::from_bytes(response.body)
                .map_err(failed)?
                .with_status(response.status)
                .with_headers(headers);
            Cache::default()
                .put(key.as_str(), stored)
                .await
                .map_err(failed)
        })
    }
}
