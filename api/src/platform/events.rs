//! The cron and queue entry points: thin calls into [`crate::jobs`].

use worker::{
    Context, Env, MessageBatch, MessageExt, QueueRetryOptionsBuilder, ScheduleContext,
    ScheduledEvent, event,
};

use super::{WorkerPlatform, clock};
use crate::jobs::{self, Disposition};
use crate::ports::Platform;
use crate::tasks::Task;

/// Dead-letter queues are named after the queue they serve, with this suffix.
const DEAD_LETTERS: &str = "-dlq";

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let platform = WorkerPlatform::new(env);
    let scheduled_ms = event.schedule() as u64;
    if let Err(err) = jobs::schedule(&platform, &event.cron(), scheduled_ms).await {
        platform.log_error(&format!("cron {:?}: {err}", event.cron()));
    }
}

/// Never returns an error: that would crash the instance and redeliver the whole batch, acked
/// messages included. Each message is acked or retried on its own.
#[event(queue)]
async fn queue(batch: MessageBatch<Task>, env: Env, _ctx: Context) -> worker::Result<()> {
    let platform = WorkerPlatform::new(env);
    let dead_letters = batch.queue().ends_with(DEAD_LETTERS);
    for message in batch.raw_iter() {
        let task: Task = match serde_wasm_bindgen::from_value(message.body()) {
            Ok(task) => task,
            Err(err) => {
                // A body that is not a task can never run: dropped, loudly, alone.
                platform.log_error(&format!("unreadable task {} dropped: {err}", message.id()));
                message.ack();
                continue;
            }
        };
        if dead_letters {
            match jobs::bury(&platform, &task, "retries exhausted").await {
                Ok(()) => message.ack(),
                Err(_) => message.retry(),
            }
            continue;
        }
        let outcome = jobs::run(&platform, &task).await;
        let age_secs = clock().saturating_sub(message.timestamp().as_millis()) / 1000;
        match jobs::disposition(outcome, age_secs) {
            Disposition::Ack => message.ack(),
            Disposition::Retry { delay_secs, reason } => {
                platform.log_error(&format!(
                    "task {} failed, retrying in {delay_secs} s: {reason}",
                    task.id
                ));
                message.retry_with_options(
                    &QueueRetryOptionsBuilder::new()
                        .with_delay_seconds(u32::try_from(delay_secs).unwrap_or(u32::MAX))
                        .build(),
                );
            }
            Disposition::Bury { reason } => match jobs::bury(&platform, &task, &reason).await {
                Ok(()) => message.ack(),
                Err(_) => message.retry(),
            },
        }
    }
    Ok(())
}
