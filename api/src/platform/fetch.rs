//! [`Transport`] on the Workers `fetch`, bounded by a timer that aborts the request.

use std::time::Duration;

use futures_util::future::{Either, select};
use worker::{
    AbortController, Delay, Fetch, Headers, Method, Request, RequestInit, send::SendFuture,
};

use crate::db::{HttpReply, Transport, TransportError};

#[derive(Clone, Copy)]
pub struct FetchTransport;

impl Transport for FetchTransport {
    fn post_json(
        &self,
        url: &str,
        authorization: &str,
        body: String,
        timeout: Duration,
    ) -> impl Future<Output = Result<HttpReply, TransportError>> + Send {
        let (url, authorization) = (url.to_string(), authorization.to_string());
        SendFuture::new(async move {
            let network = |err: worker::Error| TransportError::Network(err.to_string());
            let headers = Headers::new();
            headers
                .set("content-type", "application/json")
                .map_err(network)?;
            headers
                .set("authorization", &authorization)
                .map_err(network)?;
            let mut init = RequestInit::new();
            init.with_method(Method::Post)
                .with_headers(headers)
                .with_body(Some(body.into()));
            let request = Request::new_with_init(&url, &init).map_err(network)?;

            let controller = AbortController::default();
            let signal = controller.signal();
            let exchange = Box::pin(async move {
                let mut response = Fetch::Request(request).send_with_signal(&signal).await?;
                let status = response.status_code();
                let body = response.text().await?;
                Ok::<_, worker::Error>(HttpReply { status, body })
            });
            match select(exchange, Box::pin(Delay::from(timeout))).await {
                Either::Left((reply, _)) => reply.map_err(network),
                Either::Right(((), _)) => {
                    controller.abort();
                    Err(TransportError::Timeout(timeout))
                }
            }
        })
    }
}
