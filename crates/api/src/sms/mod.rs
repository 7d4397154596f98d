//! The SMS (and email) outbox: every message to a person is a row of `outbox`, written in the same D1 batch
//! as what it announces, and sent through a Cloudflare Queue after that batch commits. A D1 write and a queue
//! send are not atomic, so the row, not the queue message, is the truth: a message carries only the row's id.

use worker::{Env, Queue};

/// The queue binding of the outbox (wrangler.toml).
pub const QUEUE: &str = "SMS_QUEUE";
/// At most this many messages per `send_batch` (the Queues limit).
const SEND_BATCH: usize = 100;

/// The associated data of an outbox row's sealed credential: a sealed value copied into another row does not open.
pub fn credential_context(link_code: &str) -> String {
    format!("outbox:{link_code}")
}

/// After the commit, puts the ids on the queue without holding up the answer. A failure here loses nothing:
/// the rows stay `pending`, and the cron sweep enqueues them again.
pub fn enqueue_after_commit(env: &Env, ctx: &worker::Context, ids: Vec<i64>) {
    if ids.is_empty() {
        return;
    }
    let env = env.clone();
    ctx.wait_until(async move {
        if let Err(e) = enqueue(&env, &ids).await {
            worker::console_error!("enqueue of {} outbox rows failed (the sweep will retry): {e}", ids.len());
        }
    });
}

/// Sends the ids to the queue, 100 at a time.
pub async fn enqueue(env: &Env, ids: &[i64]) -> worker::Result<()> {
    let queue: Queue = env.queue(QUEUE)?;
    for part in ids.chunks(SEND_BATCH) {
        queue.send_batch(part.to_vec()).await?;
    }
    Ok(())
}
