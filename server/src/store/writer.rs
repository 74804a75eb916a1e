//! The one writer. A dedicated thread owns the write connection; async code
//! hands it closures and awaits the answer. Whatever is queued when the
//! thread becomes free runs in one `BEGIN IMMEDIATE` transaction (group
//! commit: one fsync for many requests).
//!
//! One failing closure must not undo the others. Savepoints give that, but
//! a savepoint copies every page it touches first, which made it the single
//! largest cost of a push. So the group first runs without them; only if a
//! closure fails is the transaction rolled back and the group run again,
//! each closure in its own savepoint. Closures may therefore run twice and
//! must only touch the database (they do: everything they compute comes
//! from the connection and what they captured).

use std::cell::Cell;
use std::sync::mpsc;

use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::oneshot;

use super::StoreError;

thread_local! {
    /// The last version handed out in the open transaction of this (the
    /// writer's) thread; `None` outside one.
    static VERSION: Cell<Option<i64>> = const { Cell::new(None) };
}

/// The next version, when called inside the writer's open transaction.
pub(super) fn take_version() -> Option<i64> {
    VERSION.with(|v| {
        let next = v.get()? + 1;
        v.set(Some(next));
        Some(next)
    })
}

/// Starts counting versions from what the database holds.
fn load_version(conn: &Connection) -> Result<(), String> {
    let version: i64 = conn
        .query_row("SELECT version FROM meta WHERE id = 1", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    VERSION.with(|v| v.set(Some(version)));
    Ok(())
}

/// Stores the counter in the transaction about to commit. Versions taken by
/// jobs rolled back are skipped, never reused: versions must only grow.
fn store_version(conn: &Connection) -> Result<(), String> {
    let Some(version) = VERSION.with(Cell::get) else {
        return Ok(());
    };
    conn.prepare_cached("UPDATE meta SET version = ?1 WHERE id = 1 AND version < ?1")
        .and_then(|mut stmt| stmt.execute([version]))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// How many queued jobs one transaction takes at most.
const MAX_GROUP: usize = 256;

/// What a write job can fail with: the store, or the job's own verdict
/// (which rolls back only that job's savepoint).
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Rejected(String),
}

impl From<rusqlite::Error> for WriteError {
    fn from(e: rusqlite::Error) -> Self {
        WriteError::Store(StoreError::Sqlite(e))
    }
}

trait Job: Send {
    /// Runs the work; `true` if it succeeded and its writes should be kept.
    fn run(&mut self, conn: &Connection) -> bool;
    /// Answers the caller once the outcome of the whole transaction is known.
    fn finish(self: Box<Self>, committed: Result<(), String>);
}

struct Typed<T, F> {
    work: F,
    outcome: Option<Result<T, WriteError>>,
    reply: oneshot::Sender<Result<T, WriteError>>,
}

impl<T, F> Job for Typed<T, F>
where
    F: FnMut(&Connection) -> Result<T, WriteError> + Send,
    T: Send,
{
    fn run(&mut self, conn: &Connection) -> bool {
        let outcome = (self.work)(conn);
        let ok = outcome.is_ok();
        self.outcome = Some(outcome);
        ok
    }

    fn finish(self: Box<Self>, committed: Result<(), String>) {
        let answer = match (committed, self.outcome) {
            (_, Some(Err(e))) => Err(e),
            (Ok(()), Some(Ok(value))) => Ok(value),
            (Err(e), Some(Ok(_))) => Err(WriteError::Store(StoreError::Commit(e))),
            (_, None) => Err(WriteError::Store(StoreError::Commit(
                "the job never ran".into(),
            ))),
        };
        // The caller may have gone away (request cancelled); nothing to do then.
        let _ = self.reply.send(answer);
    }
}

#[derive(Clone)]
pub struct Writer {
    queue: mpsc::Sender<Box<dyn Job>>,
}

impl Writer {
    pub fn spawn(conn: Connection) -> Result<Self, StoreError> {
        let (queue, jobs) = mpsc::channel::<Box<dyn Job>>();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || run(conn, jobs))
            .map_err(|e| StoreError::Commit(format!("cannot start the writer thread: {e}")))?;
        Ok(Writer { queue })
    }

    pub async fn submit<T, F>(&self, work: F) -> Result<T, WriteError>
    where
        F: FnMut(&Connection) -> Result<T, WriteError> + Send + 'static,
        T: Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Box::new(Typed {
            work,
            outcome: None,
            reply,
        });
        self.queue.send(job).map_err(|_| StoreError::WriterGone)?;
        answer.await.map_err(|_| StoreError::WriterGone)?
    }
}

fn run(mut conn: Connection, jobs: mpsc::Receiver<Box<dyn Job>>) {
    while let Ok(first) = jobs.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let committed = run_group(&mut conn, &mut group);
        if let Err(e) = &committed {
            tracing::error!(error = %e, jobs = group.len(), "write transaction failed");
        }
        for job in group {
            job.finish(committed.clone());
        }
    }
}

fn run_group(conn: &mut Connection, group: &mut [Box<dyn Job>]) -> Result<(), String> {
    let outcome = run_group_counting(conn, group);
    VERSION.with(|v| v.set(None));
    outcome
}

fn run_group_counting(conn: &mut Connection, group: &mut [Box<dyn Job>]) -> Result<(), String> {
    {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| e.to_string())?;
        load_version(&tx)?;
        let mut all_ok = true;
        for job in group.iter_mut() {
            if !job.run(&tx) {
                all_ok = false;
                break;
            }
        }
        if all_ok {
            store_version(&tx)?;
            return tx.commit().map_err(|e| e.to_string());
        }
        // Dropping the transaction rolls everything back; run again, apart.
    }
    let mut tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| e.to_string())?;
    load_version(&tx)?;
    for job in group.iter_mut() {
        let savepoint = tx.savepoint().map_err(|e| e.to_string())?;
        if job.run(&savepoint) {
            savepoint.commit().map_err(|e| e.to_string())?;
        }
        // A dropped savepoint rolls back that job's changes only.
    }
    store_version(&tx)?;
    tx.commit().map_err(|e| e.to_string())
}
