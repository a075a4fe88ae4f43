//! Scheduled jobs and the tasks they queue, over the platform ports so `cargo test` runs them.
//!
//! A cron event only puts its tasks on TASK_QUEUE (`schedule`); the queue consumer runs each
//! (`run`). Tasks have deterministic ids (`rollup:2026-11-25`), and a task that has run is recorded in
//! `task_runs`, so a message delivered twice — or a cron fired twice — does its work once.
//! A transient failure is retried with backoff; a permanent one, or the last retry, ends in the
//! dead-letter queue, whose consumer records the task as dead and logs an error (`bury`).

use ptp_domain::jobs::Job;
use ptp_domain::{DAY_MS, HOUR_MS};

use crate::db::DbError;
use crate::observe::{Level, line};
use crate::ports::Platform;
use crate::store::{StoreError, items, jobs as store};
use crate::tasks::{Task, Work};
use crate::time;

mod costs;
mod drafts;
mod trends;

/// Idle guests removed per transaction, and transactions per run: bounded work, brief locks.
const CLEANUP_BATCH: u32 = 200;
const CLEANUP_MAX_BATCHES: u32 = 50;

/// Guests idle this long are removed by the weekly cleanup (their sessions have expired).
pub const IDLE_GUEST_DAYS: u64 = 30;

/// The tasks a job's cron queues when it fires at `scheduled_ms`. The daily job closes the day
/// twice over, as two tasks that fail and retry on their own: the learning rollup and the
/// costs (whose usage APIs may be down while the database is not).
pub fn tasks_for(job: Job, scheduled_ms: u64) -> Vec<Task> {
    // Fired at midnight: the day that just ended (any time in the next hour counts).
    let yesterday = || time::day(scheduled_ms.saturating_sub(HOUR_MS));
    let work = match job {
        Job::Trends => vec![Work::GatherTrends {
            hour: time::rfc3339(scheduled_ms)[..13].to_string(),
        }],
        Job::Rollup => vec![
            Work::RollupDay { day: yesterday() },
            Work::CloseCosts { day: yesterday() },
        ],
        Job::Cleanup => vec![Work::CleanUp {
            before: time::day(scheduled_ms.saturating_sub(IDLE_GUEST_DAYS * DAY_MS)),
        }],
    };
    work.into_iter()
        .map(|work| {
            let (name, key) = match &work {
                Work::GatherTrends { hour } => (job.name(), hour),
                Work::RollupDay { day } => (job.name(), day),
                Work::CloseCosts { day } => ("costs", day),
                Work::CleanUp { before } => (job.name(), before),
                Work::DraftQuestions { request } => ("drafts", request),
            };
            Task {
                id: format!("{name}:{key}"),
                work,
            }
        })
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("no job is scheduled as {0:?}")]
    UnknownCron(String),
    /// Worth another try: the database or a binding was unavailable.
    #[error("transient: {0}")]
    Transient(String),
    /// Retrying cannot help.
    #[error("permanent: {0}")]
    Permanent(String),
}

impl From<StoreError> for JobError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Database(DbError::Unavailable(_)) => JobError::Transient(err.to_string()),
            other => JobError::Permanent(other.to_string()),
        }
    }
}

fn log<P: Platform>(platform: &P, level: Level, message: &str, task: &Task) {
    platform.log(level, &line(level, message, task));
}

/// The cron event: queues the tasks of the job `cron` names.
pub async fn schedule<P: Platform>(
    platform: &P,
    cron: &str,
    scheduled_ms: u64,
) -> Result<Vec<Task>, JobError> {
    let job = Job::from_cron(cron).ok_or_else(|| JobError::UnknownCron(cron.to_string()))?;
    let tasks = tasks_for(job, scheduled_ms);
    for task in &tasks {
        platform
            .enqueue(task)
            .await
            .map_err(|err| JobError::Transient(format!("queueing {}: {err}", task.id)))?;
        log(
            platform,
            Level::Info,
            &format!("scheduled {}", job.name()),
            task,
        );
    }
    Ok(tasks)
}

/// How running a task ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ran {
    Done,
    /// It had run before; nothing was done again.
    AlreadyDone,
}

/// The queue consumer: runs `task` once.
pub async fn run<P: Platform>(platform: &P, task: &Task) -> Result<Ran, JobError> {
    let db = platform
        .database()
        .map_err(|err| JobError::Permanent(err.to_string()))?;
    if store::finished(db, &task.id).await? {
        log(platform, Level::Info, "task already done", task);
        return Ok(Ran::AlreadyDone);
    }
    let detail = match &task.work {
        Work::GatherTrends { hour } => trends::gather(platform, hour).await?,
        Work::RollupDay { day } => {
            let start = time::parse(&format!("{day}T00:00:00.000Z"))
                .ok_or_else(|| JobError::Permanent(format!("not a day: {day}")))?;
            store::roll_up(db, day, &time::day(start + DAY_MS)).await?;
            // The item analysis as of the day's end, exam by exam.
            let computed_at = time::rfc3339(start + DAY_MS);
            let mut analysed = 0;
            for exam in store::exam_codes(db).await? {
                analysed += items::refresh(db, &exam, &computed_at).await?;
            }
            format!("rolled up {day}; analysed {analysed} question versions")
        }
        Work::CloseCosts { day } => costs::close(platform, db, day).await?,
        Work::DraftQuestions { request } => drafts::draft(platform, request).await?,
        Work::CleanUp { before } => {
            let mut removed = 0;
            let mut batches = 0;
            let rest = loop {
                let went = store::remove_idle_guests(db, before, CLEANUP_BATCH).await?;
                removed += went;
                batches += 1;
                if went < u64::from(CLEANUP_BATCH) {
                    break "";
                }
                if batches == CLEANUP_MAX_BATCHES {
                    break "; more remain for the next run";
                }
            };
            store::forget_task_runs(db, before).await?;
            format!("removed {removed} idle guests in {batches} batches{rest}")
        }
    };
    store::record(db, &task.id, task.work.kind(), "done", &detail).await?;
    log(platform, Level::Info, &format!("task done: {detail}"), task);
    Ok(Ran::Done)
}

/// What the consumer does with a message after running its task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disposition {
    Ack,
    /// Run it again after this many seconds.
    Retry {
        delay_secs: u64,
        reason: String,
    },
    /// Retrying cannot help: record it as dead now.
    Bury {
        reason: String,
    },
}

/// `outcome` of a task first sent `age_secs` ago: done is acked, a transient failure retried
/// with backoff (the queue's `max_retries` then hands it to the dead letters), anything else
/// buried at once.
pub fn disposition(outcome: Result<Ran, JobError>, age_secs: u64) -> Disposition {
    match outcome {
        Ok(_) => Disposition::Ack,
        Err(JobError::Transient(reason)) => Disposition::Retry {
            delay_secs: ptp_domain::jobs::retry_delay_secs(age_secs),
            reason,
        },
        Err(err) => Disposition::Bury {
            reason: err.to_string(),
        },
    }
}

/// The dead-letter consumer: `task` failed for good; an operator must look.
pub async fn bury<P: Platform>(platform: &P, task: &Task, reason: &str) -> Result<(), JobError> {
    log(
        platform,
        Level::Error,
        &format!("task dead: {reason}"),
        task,
    );
    let db = platform
        .database()
        .map_err(|err| JobError::Permanent(err.to_string()))?;
    store::record(db, &task.id, task.work.kind(), "dead", reason).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{FakePlatform, block_on};

    const MIDNIGHT_NOV_26: u64 = 1_795_651_200_000; // 2026-11-26T00:00:00Z

    #[test]
    fn each_cron_queues_its_task_with_an_id_that_names_the_period() {
        let daily = tasks_for(Job::Rollup, MIDNIGHT_NOV_26);
        let ids: Vec<&str> = daily.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["rollup:2026-11-25", "costs:2026-11-25"]);
        let rollup = daily[0].clone();
        assert_eq!(
            rollup.work,
            Work::RollupDay {
                day: "2026-11-25".into()
            }
        );
        assert_eq!(
            daily[1].work,
            Work::CloseCosts {
                day: "2026-11-25".into()
            }
        );
        assert_eq!(
            tasks_for(Job::Trends, MIDNIGHT_NOV_26)[0].id,
            "trends:2026-11-26T00"
        );
        assert_eq!(
            tasks_for(Job::Cleanup, MIDNIGHT_NOV_26)[0].work,
            Work::CleanUp {
                before: "2026-10-27".into()
            }
        );
        let json = serde_json::to_value(&rollup).unwrap();
        assert_eq!(json["work"]["kind"], "rollup_day");
        assert_eq!(serde_json::from_value::<Task>(json).unwrap(), rollup);
    }

    #[test]
    fn a_cron_no_job_has_queues_nothing() {
        let platform = FakePlatform::healthy();
        let err = block_on(schedule(&platform, "*/5 * * * *", MIDNIGHT_NOV_26)).unwrap_err();
        assert!(matches!(err, JobError::UnknownCron(_)));
        assert!(platform.queued.lock().unwrap().is_empty());
        block_on(schedule(&platform, "0 0 * * *", MIDNIGHT_NOV_26)).unwrap();
        let queued: Vec<String> = platform
            .queued
            .lock()
            .unwrap()
            .iter()
            .map(|t| t.id.clone())
            .collect();
        assert_eq!(queued, ["rollup:2026-11-25", "costs:2026-11-25"]);
    }

    #[test]
    fn done_is_acked_transient_is_retried_later_and_the_rest_is_buried() {
        assert_eq!(disposition(Ok(Ran::AlreadyDone), 0), Disposition::Ack);
        assert_eq!(
            disposition(Err(JobError::Transient("db down".into())), 40),
            Disposition::Retry {
                delay_secs: 40,
                reason: "db down".into()
            }
        );
        assert_eq!(
            disposition(Err(JobError::Permanent("bad row".into())), 0),
            Disposition::Bury {
                reason: "permanent: bad row".into()
            }
        );
    }

    #[test]
    fn an_unavailable_database_is_worth_a_retry_and_a_broken_one_is_not() {
        let transient: JobError = StoreError::Database(DbError::Unavailable("down".into())).into();
        assert!(matches!(transient, JobError::Transient(_)));
        let permanent: JobError = StoreError::Database(DbError::Protocol("bug".into())).into();
        assert!(matches!(permanent, JobError::Permanent(_)));
        let platform = FakePlatform::healthy().with_database_down();
        let task = tasks_for(Job::Rollup, MIDNIGHT_NOV_26).remove(0);
        assert!(matches!(
            block_on(run(&platform, &task)),
            Err(JobError::Transient(_))
        ));
    }
}
