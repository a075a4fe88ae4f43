//! Lets the API tests act on the local stack from outside the Worker, so the Worker itself has
//! no test-only doors:
//! - `POST /database/stop|start`: take the database down and bring it back, to prove the Worker
//!   answers 503 (never hangs) and recovers;
//! - `POST /admin/grant?email=…`: promote an admin, exactly what `xtask admin grant` does;
//! - `POST /sessions/expire?id=…`: move an open mock's deadline into the past, as if its time
//!   had run out, to test the server-owned clock without waiting for it;
//! - `POST /users/idle?id=…`: make a guest look unseen for 40 days, for the weekly cleanup;
//! - `GET /worker/log`: what the Worker has logged so far, to prove no secret ever reaches it.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use anyhow::{Context, Result, bail};

use crate::sqld::Sqld;

pub struct ControlServer {
    pub url: String,
    server: Arc<tiny_http::Server>,
    thread: JoinHandle<()>,
}

/// The response body, or why the control failed.
type Outcome = std::result::Result<String, String>;

fn with_database(sqld: &Mutex<Sqld>, work: impl FnOnce(&str, &str) -> Result<()>) -> Outcome {
    let (url, token) = {
        let db = sqld.lock().map_err(|_| "poisoned".to_string())?;
        (db.url(), db.token().map_err(|err| format!("{err:#}"))?)
    };
    work(&url, &token)
        .map(|()| "ok".to_string())
        .map_err(|err| format!("{err:#}"))
}

/// Ends the time of the open timed session `id`: its deadline becomes a second ago.
fn expire_session(url: &str, token: &str, id: &str) -> Result<()> {
    crate::remote_db::with_connection(url, token, async |conn| {
        let changed = conn
            .execute(
                "UPDATE study_sessions SET deadline_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 seconds') \
                 WHERE id = ?1 AND deadline_at IS NOT NULL AND finished_at IS NULL",
                libsql::params![id],
            )
            .await
            .context("moving the deadline")?;
        if changed != 1 {
            bail!("no open timed session {id}");
        }
        Ok(())
    })
}

/// Backdates guest `id`'s last visit by 40 days (past the cleanup's 30).
fn idle_guest(url: &str, token: &str, id: &str) -> Result<()> {
    crate::remote_db::with_connection(url, token, async |conn| {
        let changed = conn
            .execute(
                "UPDATE users SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-40 days'), \
                 created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-40 days') \
                 WHERE id = ?1 AND kind = 'guest'",
                libsql::params![id],
            )
            .await
            .context("backdating the guest")?;
        if changed != 1 {
            bail!("no guest {id}");
        }
        Ok(())
    })
}

fn handle(sqld: &Mutex<Sqld>, log: &PathBuf, method: &tiny_http::Method, url: &str) -> Outcome {
    use tiny_http::Method::{Get, Post};
    match (method, url) {
        (Post, "/database/stop") => sqld
            .lock()
            .map(|mut db| db.stop())
            .map(|()| "ok".to_string())
            .map_err(|_| "poisoned".to_string()),
        (Post, "/database/start") => match sqld.lock() {
            Ok(mut db) => db
                .start()
                .map(|()| "ok".to_string())
                .map_err(|err| format!("{err:#}")),
            Err(_) => Err("poisoned".to_string()),
        },
        (Post, url) if url.starts_with("/users/idle?id=") => {
            let id = url.trim_start_matches("/users/idle?id=");
            with_database(sqld, |url, token| idle_guest(url, token, id))
        }
        (Get, "/worker/log") => {
            std::fs::read_to_string(log).map_err(|err| format!("reading {}: {err}", log.display()))
        }
        (Post, url) if url.starts_with("/admin/grant?email=") => {
            let email = url.trim_start_matches("/admin/grant?email=");
            with_database(sqld, |url, token| {
                crate::admin::grant(url, token, email).map(drop)
            })
        }
        (Post, url) if url.starts_with("/sessions/expire?id=") => {
            let id = url.trim_start_matches("/sessions/expire?id=");
            with_database(sqld, |url, token| expire_session(url, token, id))
        }
        _ => Err("unknown control".to_string()),
    }
}

impl ControlServer {
    /// `worker_log`: the file the Worker's output goes to.
    pub fn serve(sqld: Arc<Mutex<Sqld>>, worker_log: PathBuf) -> Result<Self> {
        let server = Arc::new(
            tiny_http::Server::http("127.0.0.1:0").map_err(|err| anyhow::anyhow!("{err}"))?,
        );
        let port = server
            .server_addr()
            .to_ip()
            .context("control server has an IP address")?
            .port();
        let serving = server.clone();
        let thread = std::thread::spawn(move || {
            for request in serving.incoming_requests() {
                let response = match handle(&sqld, &worker_log, request.method(), request.url()) {
                    Ok(body) => tiny_http::Response::from_string(body),
                    Err(err) => tiny_http::Response::from_string(err).with_status_code(500),
                };
                let _ = request.respond(response);
            }
        });
        Ok(Self {
            url: format!("http://127.0.0.1:{port}"),
            server,
            thread,
        })
    }

    pub fn shutdown(self) {
        self.server.unblock();
        let _ = self.thread.join();
    }
}
