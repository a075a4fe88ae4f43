//! [`AssetStore`] on the R2 bucket `ASSETS`.

use axum::body::Body;
use worker::{Bucket, Conditional, send::SendFuture};

use crate::ports::{AssetLookup, AssetMeta, AssetStore};

#[derive(Clone)]
pub struct R2Assets(Result<Bucket, String>);

impl R2Assets {
    pub fn new(bucket: Result<Bucket, String>) -> Self {
        Self(bucket)
    }
}

fn meta(object: &worker::Object) -> AssetMeta {
    AssetMeta {
        content_type: object.http_metadata().content_type,
        etag: object.etag(),
        size: object.size(),
    }
}

impl AssetStore for R2Assets {
    fn lookup(
        &self,
        key: &str,
        if_none_match: Option<&str>,
        head: bool,
    ) -> impl Future<Output = Result<AssetLookup, String>> + Send {
        let bucket = self.0.clone();
        let (key, if_none_match) = (key.to_string(), if_none_match.map(str::to_string));
        SendFuture::new(async move {
            let bucket = bucket?;
            let failed = |err: worker::Error| err.to_string();
            if head {
                let Some(object) = bucket.head(key).await.map_err(failed)? else {
                    return Ok(AssetLookup::Missing);
                };
                let meta = meta(&object);
                let unchanged = if_none_match.as_deref() == Some(meta.etag.as_str());
                return Ok(if unchanged {
                    AssetLookup::NotModified(meta)
                } else {
                    AssetLookup::Head(meta)
                });
            }
            let mut get = bucket.get(key);
            if let Some(etag) = if_none_match {
                get = get.only_if(Conditional {
                    etag_does_not_match: Some(etag),
                    ..Conditional::default()
                });
            }
            let Some(object) = get.execute().await.map_err(failed)? else {
                return Ok(AssetLookup::Missing);
            };
            let meta = meta(&object);
            // R2 leaves out the body when the precondition (the ETag still matches) fails.
            Ok(match object.body() {
                None => AssetLookup::NotModified(meta),
                Some(body) => {
                    let stream = match body.response_body().map_err(failed)? {
                        worker::ResponseBody::Stream(stream) => stream,
                        _ => return Err("R2 returned a body that is not a stream".to_string()),
                    };
                    AssetLookup::Found(meta, Body::new(worker::Body::new(stream)))
                }
            })
        })
    }
}
