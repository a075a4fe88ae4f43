//! Long-running services (sqld, wrangler) in their own process groups, so stopping one stops
//! everything it started (wrangler's workerd included) and a terminal Ctrl-C reaches only xtask,
//! which then shuts them down in order.

use std::fs::{self, File};
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use std::sync::{Mutex, OnceLock, mpsc};

use anyhow::{Context, Result, bail};
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// A port nobody listens on right now (the OS picks it).
pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).context("binding a free local port")?;
    Ok(listener.local_addr()?.port())
}

pub fn port_is_free(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_ok()
}

/// Signals a whole process group; a group that is already gone is fine.
pub fn kill_group(pgid: u32, signal: Signal) {
    if let Ok(pid) = i32::try_from(pgid) {
        let _ = killpg(Pid::from_raw(pid), signal);
    }
}

fn group_alive(pgid: u32) -> bool {
    i32::try_from(pgid).is_ok_and(|pid| killpg(Pid::from_raw(pid), None).is_ok())
}

pub struct Service {
    pub name: &'static str,
    child: Child,
    log: Option<PathBuf>,
    stop_signal: Signal,
}

impl Service {
    /// Starts `command` as the leader of a new process group. With `log`, its output goes there;
    /// without, it shares this terminal.
    pub fn spawn(
        name: &'static str,
        command: &mut Command,
        log: Option<&Path>,
        stop_signal: Signal,
    ) -> Result<Self> {
        command.stdin(Stdio::null()).process_group(0);
        if let Some(log) = log {
            // Appended: a restarted service keeps the earlier run's lines.
            let file = fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(log)
                .with_context(|| format!("opening {}", log.display()))?;
            command.stdout(file.try_clone()?).stderr(file);
        }
        let child = command
            .spawn()
            .with_context(|| format!("starting {name}"))?;
        Ok(Self {
            name,
            child,
            log: log.map(Path::to_path_buf),
            stop_signal,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `Some` once the service has exited on its own.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Asks the group to stop with the service's own signal, waits up to `grace`, then kills
    /// whatever is left of the group.
    pub fn stop(&mut self, grace: Duration) {
        let pgid = self.pid();
        if self.exited().is_none() {
            kill_group(pgid, self.stop_signal);
            let deadline = Instant::now() + grace;
            while self.exited().is_none() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        if group_alive(pgid) {
            kill_group(pgid, Signal::SIGKILL);
        }
        let _ = self.child.wait();
    }

    /// Polls `url` until it answers with a status `ready` accepts (reading each answer in full),
    /// failing early when the service exits or Ctrl-C comes, and after `within`.
    pub fn wait_for_http(
        &mut self,
        url: &str,
        ready: impl Fn(u16) -> bool,
        within: Duration,
    ) -> Result<u16> {
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()?;
        let deadline = Instant::now() + within;
        loop {
            if let Ok(response) = client.get(url).send() {
                let status = response.status().as_u16();
                // Hanging up mid-response makes workerd log a broken pipe.
                let _ = response.bytes();
                if ready(status) {
                    return Ok(status);
                }
            }
            if let Some(status) = self.exited() {
                bail!(
                    "{} exited ({status}) before answering {url}\n{}",
                    self.name,
                    self.log_tail(30)
                );
            }
            if Instant::now() > deadline {
                bail!(
                    "{} did not answer {url} within {within:?}\n{}",
                    self.name,
                    self.log_tail(30)
                );
            }
            if interrupted_within(Duration::from_millis(100)) {
                bail!("interrupted");
            }
        }
    }

    /// The last lines of its log, to show why it failed.
    pub fn log_tail(&self, lines: usize) -> String {
        let Some(path) = &self.log else {
            return String::new();
        };
        let Ok(file) = File::open(path) else {
            return String::new();
        };
        let all: Vec<String> = BufReader::new(file).lines().map_while(Result::ok).collect();
        let tail = all[all.len().saturating_sub(lines)..].join("\n");
        format!(
            "--- last lines of the {} log ({}) ---\n{tail}",
            self.name,
            path.display()
        )
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.stop(Duration::from_secs(5));
    }
}

/// Process groups a stack started, recorded so a run that was killed outright (no chance to
/// clean up) has its leftovers stopped by the next run.
pub struct PidFile(PathBuf);

impl PidFile {
    pub fn new(path: PathBuf) -> Self {
        Self(path)
    }

    /// Kills groups left by a previous run of this stack. Only called while holding the stack's
    /// lock, so nothing recorded there can belong to a live run.
    pub fn reap_leftovers(&self) -> usize {
        let Ok(text) = fs::read_to_string(&self.0) else {
            return 0;
        };
        let mut reaped = 0;
        for pgid in text
            .lines()
            .filter_map(|line| line.trim().parse::<u32>().ok())
        {
            let ours = fs::read_to_string(format!("/proc/{pgid}/cmdline")).is_ok_and(|cmd| {
                cmd.contains("sqld")
                    || cmd.contains("wrangler")
                    || cmd.contains("workerd")
                    || cmd.contains("oidc-provider")
            });
            if ours && group_alive(pgid) {
                kill_group(pgid, Signal::SIGKILL);
                reaped += 1;
            }
        }
        let _ = fs::remove_file(&self.0);
        reaped
    }

    pub fn record(&self, pgids: &[u32]) -> Result<()> {
        let text: String = pgids.iter().map(|p| format!("{p}\n")).collect();
        fs::write(&self.0, text).with_context(|| format!("writing {}", self.0.display()))
    }
}

/// Takes over Ctrl-C (and SIGTERM) so xtask can stop its services in order; call first thing.
pub fn interrupts() -> &'static Mutex<mpsc::Receiver<()>> {
    static RECEIVER: OnceLock<Mutex<mpsc::Receiver<()>>> = OnceLock::new();
    RECEIVER.get_or_init(|| {
        let (sender, receiver) = mpsc::channel();
        let _ = ctrlc::set_handler(move || {
            let _ = sender.send(());
        });
        Mutex::new(receiver)
    })
}

/// Waits up to `timeout` for Ctrl-C; true if it came.
pub fn interrupted_within(timeout: Duration) -> bool {
    interrupts()
        .lock()
        .is_ok_and(|receiver| receiver.recv_timeout(timeout).is_ok())
}
