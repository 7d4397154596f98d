//! The outbox and its sender. Every message to a person is a row of `outbox`, written in the same D1 batch as
//! what it announces, and carried by a Cloudflare Queue after that batch commits. A D1 write and a queue send
//! are not atomic, so the row, not the queue message, is the truth: a message carries only the row's id, the
//! consumer re-reads the row and never sends one a provider has already accepted, and a cron sweep enqueues
//! again what is overdue (a Worker that died between the commit and the enqueue loses nothing).
//!
//! Delivery is at least once towards the provider only where it cannot be helped: a timeout after the request
//! left is retried, and may deliver twice (neither MSG91 nor Twilio takes an idempotency key).

pub mod dlr;
mod provider;
pub mod templates;

use crate::config::{now_secs, var};
use crate::credentials::Keys;
use crate::db::{Db, int, text};
use serde::Deserialize;
use templates::{Kind, Vars};
use worker::{Env, MessageBatch, MessageExt, Queue, QueueRetryOptionsBuilder};

/// The queue binding of the outbox (wrangler.toml), and the dead-letter queue's name.
pub const QUEUE: &str = "SMS_QUEUE";
const DEAD_LETTERS: &str = "enrol-sms-dlq";
/// At most this many messages per `send_batch` (the Queues limit).
const SEND_BATCH: usize = 100;

/// Retry timing: `SMS_RETRY_BASE_SECONDS` (30) doubled each attempt up to `SMS_RETRY_MAX_SECONDS` (1 hour),
/// for `SMS_GIVE_UP_SECONDS` (24 hours) after the row was written.
struct Timing {
    base: u64,
    max: u64,
    give_up: u64,
    /// A row in `sending` longer than this (`SMS_LEASE_SECONDS`, 120) belongs to a consumer that died.
    lease: u64,
    /// The validity a code's SMS states: the OTP settings' `OTP_SECONDS`, in whole minutes.
    code_minutes: u64,
}

impl Timing {
    fn from_env(env: &Env) -> Self {
        Self {
            base: var(env, "SMS_RETRY_BASE_SECONDS", 30),
            max: var(env, "SMS_RETRY_MAX_SECONDS", 3600u64).min(43_200),
            give_up: var(env, "SMS_GIVE_UP_SECONDS", 86_400),
            lease: var(env, "SMS_LEASE_SECONDS", 120u64).max(1),
            code_minutes: crate::config::Settings::from_env(env).otp.ttl_secs.div_ceil(60).max(1),
        }
    }

    fn delay(&self, attempts: i64) -> u64 {
        let doubling = u32::try_from(attempts.clamp(1, 30) - 1).unwrap_or(0);
        self.base.saturating_mul(1u64 << doubling).min(self.max)
    }
}

/// After the commit, puts the ids on the queue without holding up the answer. A failure here loses nothing:
/// the rows stay `pending`, and the cron sweep enqueues them again. `ENROL_TEST_SKIP_ENQUEUE=1` (tests
/// only) skips it, as a Worker that died right after the commit would.
pub fn enqueue_after_commit(env: &Env, ctx: &worker::Context, ids: Vec<i64>) {
    if ids.is_empty() || var(env, "ENROL_TEST_SKIP_ENQUEUE", 0u8) == 1 {
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

/// The cron sweep: every pending row that is overdue by `SMS_SWEEP_AFTER_SECONDS` (120), and every row left
/// in `sending` by a consumer that died, goes on the queue again.
pub async fn sweep(env: &Env) -> Result<usize, crate::error::ApiError> {
    #[derive(Deserialize)]
    struct Id {
        id: i64,
    }
    let db = Db::new(env)?;
    let now = now_secs() as i64;
    let after = var(env, "SMS_SWEEP_AFTER_SECONDS", 120i64);
    // Claimed by moving due_at on, so that the next sweep does not take them again before the queue has.
    let ids: Vec<Id> = db
        .all(
            "UPDATE outbox SET due_at = ?1 + ?2 WHERE id IN (
               SELECT id FROM outbox WHERE (state = 'pending' AND due_at <= ?1 - ?2)
                  OR (state = 'sending' AND updated_at <= ?1 - ?3) ORDER BY due_at LIMIT 5000)
             RETURNING id",
            &[int(now), int(after.max(1)), int(Timing::from_env(env).lease as i64)],
        )
        .await?;
    let ids: Vec<i64> = ids.into_iter().map(|i| i.id).collect();
    enqueue(env, &ids).await?;
    Ok(ids.len())
}

#[derive(Deserialize)]
struct Row {
    id: i64,
    channel: String,
    kind: String,
    recipient: String,
    locale: String,
    link_code: Option<String>,
    credential: Option<String>,
    attempts: i64,
    created_at: i64,
    name: Option<String>,
    user_name: Option<String>,
}

/// What became of one queue message.
enum Next {
    Ack,
    RetryIn(u64),
}

/// The queue consumer: each message is one outbox id. Messages of a batch go out together; each is acked or
/// retried on its own, and the handler never fails (a failed handler would retry the whole batch).
pub async fn consume(batch: MessageBatch<i64>, env: Env) {
    let Ok(db) = Db::new(&env) else {
        batch.retry_all();
        return;
    };
    let Ok(messages) = batch.messages() else {
        batch.retry_all();
        return;
    };
    if batch.queue() == DEAD_LETTERS {
        for m in &messages {
            let _ = give_up(&db, *m.body(), "the queue gave up on it after its retries").await;
            m.ack();
        }
        return;
    }
    let keys = Keys::from_env(&env).ok();
    let timing = Timing::from_env(&env);
    let ids: Vec<i64> = messages.iter().map(|m| *m.body()).collect();
    let results = deliver_all(&env, &db, keys.as_ref(), &timing, &ids).await;
    for (m, next) in messages.iter().zip(results) {
        match next {
            Next::Ack => m.ack(),
            Next::RetryIn(secs) => {
                m.retry_with_options(&QueueRetryOptionsBuilder::new().with_delay_seconds(secs as u32).build())
            }
        }
    }
}

/// Sends a batch's rows: claimed in one statement, sent together, and those the provider accepted recorded in
/// one statement. The answers are in the order of `ids`.
async fn deliver_all(env: &Env, db: &Db, keys: Option<&Keys>, timing: &Timing, ids: &[i64]) -> Vec<Next> {
    let claimed = match claim(db, timing, ids).await {
        Ok(rows) => rows,
        // D1 itself failed (busy, say): the statement took nothing; the whole batch is tried again soon.
        Err(e) => {
            worker::console_error!("outbox claim of {} rows: {}", ids.len(), e.code);
            return ids.iter().map(|_| Next::RetryIn(timing.base)).collect();
        }
    };
    let mut next: std::collections::HashMap<i64, Next> = std::collections::HashMap::with_capacity(ids.len());
    // Rows not claimed are sent, delivered or failed (nothing to do) or held by another consumer: looked at
    // again when its lease ends, so that a consumer that died holding one (a cancelled invocation) cannot
    // strand the message.
    if claimed.len() < ids.len() {
        #[derive(Deserialize)]
        struct State {
            id: i64,
            state: String,
        }
        let others: Vec<i64> = ids.iter().copied().filter(|id| !claimed.iter().any(|r| r.id == *id)).collect();
        let held = db
            .all::<State>(
                "SELECT id, state FROM outbox WHERE id IN (SELECT value FROM json_each(?1))",
                &[text(&serde_json::to_string(&others).unwrap_or_default())],
            )
            .await;
        for id in others {
            let sending = match &held {
                Ok(states) => states.iter().any(|s| s.id == id && s.state == "sending"),
                Err(_) => true,
            };
            next.insert(id, if sending { Next::RetryIn(timing.lease) } else { Next::Ack });
        }
    }
    let sent = futures_util::future::join_all(claimed.into_iter().map(|row| async move {
        let id = row.id;
        match try_deliver(env, db, keys, timing, row).await {
            Ok(sent) => (id, sent),
            // D1 itself failed: hand the row back if this attempt holds it, and try again soon. A row that cannot
            // even be handed back is taken up again when its lease runs out.
            Err(e) => {
                worker::console_error!("outbox {id}: {}", e.code);
                let _ = db
                    .run(
                        "UPDATE outbox SET state = 'pending', updated_at = unixepoch() WHERE id = ?1 AND state = 'sending'",
                        &[int(id)],
                    )
                    .await;
                (id, Sent::Next(Next::RetryIn(timing.base)))
            }
        }
    }))
    .await;
    let mut accepted = Vec::new();
    for (id, sent) in sent {
        match sent {
            Sent::Accepted(provider_id) => {
                accepted.push(serde_json::json!([id, provider_id]));
                next.insert(id, Next::Ack);
            }
            Sent::Next(n) => {
                next.insert(id, n);
            }
        }
    }
    record_sent(db, &accepted).await;
    ids.iter().map(|id| next.remove(id).unwrap_or(Next::Ack)).collect()
}

/// The claim: only a pending row (or one whose consumer died) is taken, and only by one consumer.
async fn claim(db: &Db, timing: &Timing, ids: &[i64]) -> Result<Vec<Row>, crate::error::ApiError> {
    let list = serde_json::to_string(ids).map_err(|e| crate::error::ApiError::internal(e.to_string()))?;
    db.all(
        "UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ?2
         WHERE id IN (SELECT value FROM json_each(?1))
           AND (state = 'pending' OR (state = 'sending' AND updated_at <= ?2 - ?3))
         RETURNING id, channel, kind, recipient, locale, link_code, credential, attempts, created_at,
           (SELECT name FROM users WHERE users.id = outbox.user_id) AS name,
           (SELECT user_name FROM users WHERE users.id = outbox.user_id) AS user_name",
        &[text(&list), int(now_secs() as i64), int(timing.lease as i64)],
    )
    .await
}

/// Records the messages the provider accepted (`[[id, provider id], ...]`), and erases their credentials: each
/// lives on only in the person's SMS. A D1 failure here must not hand the rows back as `pending` (they would
/// be sent twice), so the write is tried again (three tries in about 1.5 s). Should D1 fail all three, the
/// rows stay `sending`, and the sweep sends them again when their lease ends: the at-least-once case of this
/// module's comment.
async fn record_sent(db: &Db, accepted: &[serde_json::Value]) {
    if accepted.is_empty() {
        return;
    }
    let list = serde_json::Value::from(accepted.to_vec()).to_string();
    for pause_ms in [0u64, 300, 1200] {
        if pause_ms > 0 {
            worker::Delay::from(std::time::Duration::from_millis(pause_ms)).await;
        }
        let done = db
            .run(
                "UPDATE outbox SET state = 'sent', credential = NULL, provider_id = json_extract(j.value, '$[1]'),
                   last_error = NULL, updated_at = unixepoch()
                 FROM json_each(?1) j WHERE outbox.id = json_extract(j.value, '$[0]')",
                &[text(&list)],
            )
            .await;
        match done {
            Ok(_) => return,
            Err(e) => {
                worker::console_error!("{} outbox rows: sent, but recording it failed ({})", accepted.len(), e.code)
            }
        }
    }
}

/// What became of one claimed row: accepted by the provider (recorded with the batch's others), or done here.
enum Sent {
    Accepted(String),
    Next(Next),
}

async fn give_up(db: &Db, id: i64, why: &str) -> Result<(), crate::error::ApiError> {
    db.run(
        "UPDATE outbox SET state = 'failed', last_error = ?2, credential = NULL, updated_at = unixepoch()
         WHERE id = ?1 AND state IN ('pending', 'sending')",
        &[int(id), text(why)],
    )
    .await?;
    Ok(())
}

/// Sends one claimed outbox row.
async fn try_deliver(
    env: &Env,
    db: &Db,
    keys: Option<&Keys>,
    timing: &Timing,
    row: Row,
) -> Result<Sent, crate::error::ApiError> {
    let id = row.id;
    let now = now_secs() as i64;
    let Some(kind) = Kind::parse(&row.kind) else {
        give_up(db, id, "unknown message kind").await?;
        return Ok(Sent::Next(Next::Ack));
    };
    // A notice carries no credential: it points at the login page.
    let secret = match (kind, keys, &row.credential, &row.link_code) {
        (Kind::Notice, ..) => String::new(),
        (_, Some(k), Some(sealed), Some(link)) => match k.open_outbox(sealed, link) {
            Ok(s) => s,
            Err(_) => {
                give_up(db, id, "the credential does not open with OUTBOX_KEY").await?;
                return Ok(Sent::Next(Next::Ack));
            }
        },
        (_, None, _, _) => {
            give_up(db, id, "OTP_PEPPER or OUTBOX_KEY is not configured").await?;
            return Ok(Sent::Next(Next::Ack));
        }
        _ => {
            give_up(db, id, "the message has no credential to send").await?;
            return Ok(Sent::Next(Next::Ack));
        }
    };
    let link = match kind {
        Kind::Notice => format!("{}/login", provider::public_url(env)),
        _ => format!("{}/l/{}", provider::public_url(env), row.link_code.as_deref().unwrap_or("")),
    };
    let user = row.user_name.clone().unwrap_or_default();
    let name = row.name.clone().unwrap_or_default();
    let outgoing = provider::Outgoing {
        outbox_id: row.id,
        kind,
        locale: &row.locale,
        recipient: &row.recipient,
        vars: Vars { name: &name, link: &link, user: &user, secret: &secret, minutes: timing.code_minutes },
    };
    match provider::send(env, &row.channel, &outgoing, db).await {
        provider::Outcome::Accepted(provider_id) => Ok(Sent::Accepted(provider_id)),
        provider::Outcome::Refused(why) => {
            give_up(db, id, &why).await?;
            Ok(Sent::Next(Next::Ack))
        }
        provider::Outcome::Retry(why) => {
            if now - row.created_at >= timing.give_up as i64 {
                give_up(db, id, &format!("still failing after {} hours: {why}", timing.give_up / 3600)).await?;
                return Ok(Sent::Next(Next::Ack));
            }
            let delay = timing.delay(row.attempts);
            db.run(
                "UPDATE outbox SET state = 'pending', last_error = ?2, due_at = ?3, updated_at = unixepoch()
                 WHERE id = ?1 AND state = 'sending'",
                &[int(id), text(&why), int(now + delay as i64)],
            )
            .await?;
            Ok(Sent::Next(Next::RetryIn(delay)))
        }
    }
}
