//! Plain, log-friendly progress: one line per step with its duration.

use std::time::Instant;

use anyhow::Result;

/// A titled group of steps (`▸ bootstrap`), each printed as `  ✓ name  1.2s  note`.
pub struct Steps {
    started: Instant,
}

impl Steps {
    pub fn begin(title: &str) -> Self {
        eprintln!("▸ {title}");
        Self {
            started: Instant::now(),
        }
    }

    /// Runs one step. The closure returns a short note (what it found or did); a failure is
    /// printed as `✗` and returned.
    pub fn run<T>(&self, name: &str, step: impl FnOnce() -> Result<(T, String)>) -> Result<T> {
        let started = Instant::now();
        match step() {
            Ok((value, note)) => {
                eprintln!(
                    "  ✓ {name:<34} {:>6.1}s  {note}",
                    started.elapsed().as_secs_f64()
                );
                Ok(value)
            }
            Err(err) => {
                eprintln!("  ✗ {name:<34} {:>6.1}s", started.elapsed().as_secs_f64());
                Err(err.context(format!("step `{name}` failed")))
            }
        }
    }

    /// Announces a long step before it starts, so its own output has a heading.
    pub fn announce(&self, what: &str) {
        eprintln!("  … {what}");
    }

    pub fn finish(self, summary: &str) {
        eprintln!(
            "  = {summary} in {:.1}s",
            self.started.elapsed().as_secs_f64()
        );
    }
}
