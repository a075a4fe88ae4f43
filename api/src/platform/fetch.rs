//! [`HttpClient`] on the Workers `fetch`, bounded by a timer that aborts the request.

use std::time::Duration;

use futures_util::future::{Either, select};
use worker::{
    AbortController, Delay, Fetch, Headers, Method, Request, RequestInit, send::SendFuture,
};

use crate::http::{HttpClient, HttpMethod, HttpReply, OutboundRequest, TransportError};

#[derive(Clone, Copy)]
pub struct FetchTransport;

impl HttpClient for FetchTransport {
    fn send(
        &self,
        outbound: OutboundRequest,
    ) -> impl Future<Output = Result<HttpReply, TransportError>> + Send {
        SendFuture::new(async move {
            let network = |err: worker::Error| TransportError::Network(err.to_string());
            let headers = Headers::new();
            for (name, value) in &outbound.headers {
                headers.set(name, value).map_err(network)?;
            }
            let mut init = RequestInit::new();
            init.with_method(match outbound.method {
                HttpMethod::Get => Method::Get,
                HttpMethod::Post => Method::Post,
                HttpMethod::Delete => Method::Delete,
            })
            .with_headers(headers);
            if let Some(body) = outbound.body {
                init.with_body(Some(body.into()));
            }
            let request = Request::new_with_init(&outbound.url, &init).map_err(network)?;

            let controller = AbortController::default();
            let signal = controller.signal();
            let exchange = Box::pin(async move {
                let mut response = Fetch::Request(request).send_with_signal(&signal).await?;
                let status = response.status_code();
                let retry_after = response.headers().get("retry-after")?;
                let body = response.text().await?;
                Ok::<_, worker::Error>(HttpReply {
                    status,
                    body,
                    retry_after,
                })
            });
            let timeout = outbound.timeout;
            match select(exchange, Box::pin(Delay::from(timeout))).await {
                Either::Left((reply, _)) => reply.map_err(network),
                Either::Right(((), _)) => {
                    controller.abort();
                    Err(TransportError::Timeout(timeout))
                }
            }
        })
    }

    fn pause(&self, delay: Duration) -> impl Future<Output = ()> + Send {
        SendFuture::new(Delay::from(delay))
    }
}
