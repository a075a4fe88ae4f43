//! The scheduled jobs and how background tasks are retried.
//!
//! Each cron of wrangler.toml names one job. Jobs do not work inside the cron event: they put a
//! task on the queue, whose consumer runs it with retries and a dead-letter queue behind it.

/// One of the scheduled jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Hourly: gather exam trends (from X, once the AI work fills it in).
    Trends,
    /// Daily: roll the day that just ended up into `daily_aggregates`.
    Rollup,
    /// Weekly: remove idle guests and old bookkeeping.
    Cleanup,
}

impl Job {
    pub const ALL: [Job; 3] = [Job::Trends, Job::Rollup, Job::Cleanup];

    /// The cron expression wrangler.toml schedules this job with.
    pub fn cron(self) -> &'static str {
        match self {
            Job::Trends => "0 * * * *",
            Job::Rollup => "0 0 * * *",
            Job::Cleanup => "0 2 * * 0",
        }
    }

    pub fn from_cron(cron: &str) -> Option<Job> {
        Job::ALL.into_iter().find(|job| job.cron() == cron.trim())
    }

    pub fn name(self) -> &'static str {
        match self {
            Job::Trends => "trends",
            Job::Rollup => "rollup",
            Job::Cleanup => "cleanup",
        }
    }
}

/// The shortest wait before a failed task runs again.
pub const MIN_RETRY_SECS: u64 = 10;
/// The longest: after this the queue's `max_retries` soon sends it to the dead letters.
pub const MAX_RETRY_SECS: u64 = 15 * 60;

/// How long a task that just failed waits before its next attempt, given how long ago it was
/// first sent. Waiting as long as it has already waited doubles its age at every attempt
/// (10 s, 20 s, 40 s, …): exponential backoff without counting attempts.
pub fn retry_delay_secs(age_secs: u64) -> u64 {
    age_secs.clamp(MIN_RETRY_SECS, MAX_RETRY_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cron_names_its_job_and_nothing_else_does() {
        for job in Job::ALL {
            assert_eq!(Job::from_cron(job.cron()), Some(job));
        }
        assert_eq!(Job::from_cron("*/5 * * * *"), None);
        assert_eq!(Job::from_cron(""), None);
    }

    #[test]
    fn retries_back_off_exponentially_within_bounds() {
        let mut age = 0;
        let mut delays = vec![];
        for _ in 0..6 {
            let delay = retry_delay_secs(age);
            delays.push(delay);
            age += delay;
        }
        assert_eq!(delays, [10, 10, 20, 40, 80, 160]);
        assert_eq!(retry_delay_secs(10_000), MAX_RETRY_SECS);
    }
}
