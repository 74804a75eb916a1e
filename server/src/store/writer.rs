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
//!
//! The write-ahead log stays bounded because the writer resets it. A
//! checkpoint on another thread copies the log into the database while
//! writes go on, but under steady load it never catches up with the last
//! commit, and SQLite starts the log over only once a checkpoint has
//! copied all of it and no reader still needs it: the log would grow for
//! as long as the load lasts. So after a group commits, when the log has
//! passed [`RESTART_FRAMES`], the writer itself runs a RESTART checkpoint
//! between two groups, where no commit can slip in: it copies what is
//! left, waits briefly for the readers that began before it, and the next
//! group writes the log from its start (`journal_size_limit` then trims
//! the file). The thread and the restarts take turns ([`CheckpointTurn`]),
//! so that a restart waits for the thread's copy instead of failing, and
//! then has only the last few milliseconds' commits to copy. Where Litestream replicates the database it does its own
//! checkpoints and the writer leaves the log alone.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, mpsc};

use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::oneshot;

use super::{Checkpoints, StoreError};
use crate::report::chain;

thread_local! {
    /// The last version handed out in the open transaction of this (the
    /// writer's) thread; `None` outside one.
    static VERSION: Cell<Option<i64>> = const { Cell::new(None) };
    /// Frames in the write-ahead log after this thread's last commit, as
    /// SQLite's WAL hook reports them.
    static WAL_FRAMES: Cell<i32> = const { Cell::new(0) };
}

/// The log's size, in frames (pages of 4 KiB), past which the writer
/// restarts it: 16 MiB.
pub const RESTART_FRAMES: i32 = 4096;

/// How long the restart waits for readers that began before it. They are
/// short; one that is not (a large export) only postpones the restart to a
/// later group.
const RESTART_PATIENCE: std::time::Duration = std::time::Duration::from_millis(20);

/// The writer's usual wait for a lock (Litestream's own checkpoints take it).
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Frames (pages) written to the write-ahead log by every commit since the
/// writer started: what a mutation costs in bytes written.
static FRAMES_WRITTEN: AtomicU64 = AtomicU64::new(0);

fn note_wal_frames(_: &rusqlite::hooks::Wal, frames: std::ffi::c_int) -> rusqlite::Result<()> {
    let before = WAL_FRAMES.with(|f| f.replace(frames));
    // After a restart the log starts again from its first frame.
    let written = if frames >= before {
        frames - before
    } else {
        frames
    };
    FRAMES_WRITTEN.fetch_add(written as u64, Ordering::Relaxed);
    Ok(())
}

/// The right to checkpoint, shared by the checkpoint thread and the
/// writer's restarts. SQLite runs one checkpoint at a time and answers a
/// second with BUSY at once, without calling the busy handler: a restart
/// that found the thread's checkpoint running was postponed, and with the
/// thread running often the log grew to its limit (BENCHMARKS.md). Taking
/// turns makes the restart wait for that checkpoint instead, and then
/// copy only what was committed since.
#[derive(Clone, Default)]
pub struct CheckpointTurn(Arc<Mutex<()>>);

impl CheckpointTurn {
    pub fn take(&self) -> MutexGuard<'_, ()> {
        // It guards no data, so a checkpoint that panicked left nothing
        // half-done.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// After a commit: restarts the log if it has grown past [`RESTART_FRAMES`].
fn bound_the_log(conn: &Connection, turn: &CheckpointTurn, counts: &Counts) {
    let frames = WAL_FRAMES.with(Cell::get);
    if frames < RESTART_FRAMES {
        return;
    }
    let started = std::time::Instant::now();
    let _counted = Timed(&counts.restart_micros, started);
    counts.restarts.fetch_add(1, Ordering::Relaxed);
    let _turn = {
        let _waiting = Timed(&counts.turn_wait_micros, std::time::Instant::now());
        turn.take()
    };
    let outcome = conn.busy_timeout(RESTART_PATIENCE).and_then(|()| {
        conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })
    });
    if let Err(e) = conn.busy_timeout(BUSY_TIMEOUT) {
        tracing::error!(cause = %chain(&e), "cannot restore the writer's busy timeout");
    }
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    match outcome {
        // Done: the next commit writes the log from its start.
        Ok((0, _, _)) => {
            WAL_FRAMES.with(|f| f.set(0));
            tracing::debug!(frames, ms, "write-ahead log restarted");
        }
        // A reader from before is still at it: the next group tries again.
        Ok((_, log, copied)) => {
            counts.postponed.fetch_add(1, Ordering::Relaxed);
            tracing::debug!(frames, log, copied, ms, "log restart postponed")
        }
        Err(e) => {
            counts.postponed.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(cause = %chain(&e), frames, ms, "log restart failed")
        }
    }
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
        .map_err(|e| chain(&e))?;
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
        .map_err(|e| chain(&e))
}

/// How many queued jobs one transaction takes at most.
const MAX_GROUP: usize = 256;

/// How many jobs may wait for the writer. A reconnect storm of a few
/// thousand devices each pushing once fits; beyond it a push is answered
/// 503 `overloaded` at once (the device backs off and retries) instead of
/// piling up work whose callers have given up.
pub const QUEUE_CAPACITY: usize = 4096;

/// What a write job can fail with: the store, or the job's own verdict
/// (which rolls back only that job's savepoint).
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Rejected(String),
    /// The writer's queue is full: try again shortly.
    #[error("the writer is busy")]
    Overloaded,
    /// The job panicked; only its own request fails.
    #[error("a write job failed: {0}")]
    Panicked(String),
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
        // The caller gave up (its request timed out): the work is not done,
        // so that nothing is applied that was reported as a failure.
        if self.reply.is_closed() {
            self.outcome = Some(Err(WriteError::Store(StoreError::Commit(
                "the request was cancelled before its write ran".into(),
            ))));
            // Nothing written: the rest of the group commits as it is.
            return true;
        }
        let outcome = match catch_unwind(AssertUnwindSafe(|| (self.work)(conn))) {
            Ok(outcome) => outcome,
            Err(panic) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic".into());
                tracing::error!(panic = %what, "a write job panicked; its changes are rolled back");
                Err(WriteError::Panicked(what))
            }
        };
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
    queue: mpsc::SyncSender<Box<dyn Job>>,
    counts: Arc<Counts>,
}

/// What the writer has done since it started: how large its groups get and
/// how much of its time they take, for benchmarks and diagnosis.
#[derive(Debug, Default)]
struct Counts {
    groups: AtomicU64,
    jobs: AtomicU64,
    busy_micros: AtomicU64,
    commit_micros: AtomicU64,
    restarts: AtomicU64,
    postponed: AtomicU64,
    restart_micros: AtomicU64,
    turn_wait_micros: AtomicU64,
}

/// Adds the time from its start to when it is dropped to a counter.
struct Timed<'a>(&'a AtomicU64, std::time::Instant);

impl Drop for Timed<'_> {
    fn drop(&mut self) {
        self.0
            .fetch_add(self.1.elapsed().as_micros() as u64, Ordering::Relaxed);
    }
}

/// A reading of [`Counts`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriterStats {
    /// Transactions committed (or failed).
    pub groups: u64,
    /// Jobs run in them.
    pub jobs: u64,
    /// Time spent running groups, commits included.
    pub busy: std::time::Duration,
    /// Of that, in `COMMIT` (writing the log and its fsync).
    pub commit: std::time::Duration,
    /// Log restarts run between groups, and the time they took.
    pub restarts: u64,
    /// Of those, how many could not start the log over (a reader, or an
    /// error) and left it to a later group.
    pub postponed: u64,
    pub restart: std::time::Duration,
    /// Of that, waiting for the checkpoint thread to finish its turn.
    pub turn_wait: std::time::Duration,
    /// Pages of 4 KiB written to the write-ahead log, by every writer of
    /// this process (only counted where the server checkpoints itself).
    pub wal_pages: u64,
}

/// What was done between two readings.
impl std::ops::Sub for WriterStats {
    type Output = WriterStats;

    fn sub(self, before: WriterStats) -> WriterStats {
        WriterStats {
            groups: self.groups - before.groups,
            jobs: self.jobs - before.jobs,
            busy: self.busy - before.busy,
            commit: self.commit - before.commit,
            restarts: self.restarts - before.restarts,
            postponed: self.postponed - before.postponed,
            restart: self.restart - before.restart,
            turn_wait: self.turn_wait - before.turn_wait,
            wal_pages: self.wal_pages - before.wal_pages,
        }
    }
}

impl Writer {
    /// `turn` is shared with whoever else checkpoints in this process.
    pub fn spawn(
        conn: Connection,
        checkpoints: Checkpoints,
        turn: CheckpointTurn,
    ) -> Result<Self, StoreError> {
        Self::spawn_with_capacity(conn, QUEUE_CAPACITY, checkpoints, turn)
    }

    pub fn spawn_with_capacity(
        conn: Connection,
        capacity: usize,
        checkpoints: Checkpoints,
        turn: CheckpointTurn,
    ) -> Result<Self, StoreError> {
        let (queue, jobs) = mpsc::sync_channel::<Box<dyn Job>>(capacity);
        if checkpoints == Checkpoints::Server {
            conn.wal_hook(Some(note_wal_frames));
        }
        let counts = Arc::new(Counts::default());
        let counting = Arc::clone(&counts);
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || run(conn, jobs, checkpoints, &turn, &counting))
            .map_err(|e| StoreError::Commit(format!("cannot start the writer thread: {e}")))?;
        Ok(Writer { queue, counts })
    }

    pub fn stats(&self) -> WriterStats {
        WriterStats {
            groups: self.counts.groups.load(Ordering::Relaxed),
            jobs: self.counts.jobs.load(Ordering::Relaxed),
            busy: micros(&self.counts.busy_micros),
            commit: micros(&self.counts.commit_micros),
            restarts: self.counts.restarts.load(Ordering::Relaxed),
            postponed: self.counts.postponed.load(Ordering::Relaxed),
            restart: micros(&self.counts.restart_micros),
            turn_wait: micros(&self.counts.turn_wait_micros),
            wal_pages: FRAMES_WRITTEN.load(Ordering::Relaxed),
        }
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
        self.queue.try_send(job).map_err(|e| match e {
            mpsc::TrySendError::Full(_) => WriteError::Overloaded,
            mpsc::TrySendError::Disconnected(_) => WriteError::Store(StoreError::WriterGone),
        })?;
        answer.await.map_err(|_| StoreError::WriterGone)?
    }

    /// [`submit`](Self::submit) by value, for a task of its own.
    #[cfg(test)]
    pub async fn submit_owned<T, F>(self, work: F) -> Result<T, WriteError>
    where
        F: FnMut(&Connection) -> Result<T, WriteError> + Send + 'static,
        T: Send + 'static,
    {
        self.submit(work).await
    }
}

fn micros(counter: &AtomicU64) -> std::time::Duration {
    std::time::Duration::from_micros(counter.load(Ordering::Relaxed))
}

fn run(
    mut conn: Connection,
    jobs: mpsc::Receiver<Box<dyn Job>>,
    checkpoints: Checkpoints,
    turn: &CheckpointTurn,
    counts: &Counts,
) {
    while let Ok(first) = jobs.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let started = std::time::Instant::now();
        let committed = run_group(&mut conn, &mut group, counts);
        let took = started.elapsed();
        counts.groups.fetch_add(1, Ordering::Relaxed);
        counts.jobs.fetch_add(group.len() as u64, Ordering::Relaxed);
        counts
            .busy_micros
            .fetch_add(took.as_micros() as u64, Ordering::Relaxed);
        let ms = took.as_secs_f64() * 1000.0;
        match &committed {
            Ok(()) => tracing::trace!(jobs = group.len(), ms, "group committed"),
            Err(e) => {
                tracing::error!(error = %e, jobs = group.len(), ms, "write transaction failed")
            }
        }
        for job in group {
            job.finish(committed.clone());
        }
        // Between groups, after every caller has its answer.
        if checkpoints == Checkpoints::Server {
            bound_the_log(&conn, turn, counts);
        }
    }
}

fn run_group(
    conn: &mut Connection,
    group: &mut [Box<dyn Job>],
    counts: &Counts,
) -> Result<(), String> {
    let outcome = run_group_counting(conn, group, counts);
    VERSION.with(|v| v.set(None));
    outcome
}

fn run_group_counting(
    conn: &mut Connection,
    group: &mut [Box<dyn Job>],
    counts: &Counts,
) -> Result<(), String> {
    {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| chain(&e))?;
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
            let _counted = Timed(&counts.commit_micros, std::time::Instant::now());
            return tx.commit().map_err(|e| chain(&e));
        }
        // Dropping the transaction rolls everything back; run again, apart.
    }
    let mut tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| chain(&e))?;
    load_version(&tx)?;
    for job in group.iter_mut() {
        let savepoint = tx.savepoint().map_err(|e| chain(&e))?;
        if job.run(&savepoint) {
            savepoint.commit().map_err(|e| chain(&e))?;
        }
        // A dropped savepoint rolls back that job's changes only.
    }
    store_version(&tx)?;
    let _counted = Timed(&counts.commit_micros, std::time::Instant::now());
    tx.commit().map_err(|e| chain(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writer(capacity: usize) -> Writer {
        let conn = Connection::open_in_memory().expect("memory");
        conn.execute_batch(
            "CREATE TABLE meta (id INTEGER PRIMARY KEY, version INTEGER NOT NULL);
             INSERT INTO meta VALUES (1, 0);
             CREATE TABLE t (x INTEGER);",
        )
        .expect("schema");
        Writer::spawn_with_capacity(
            conn,
            capacity,
            Checkpoints::Server,
            CheckpointTurn::default(),
        )
        .expect("writer")
    }

    /// Keeps the writer busy in one job until the sender is used (or 10 s).
    async fn hold(
        w: &Writer,
    ) -> (
        std::sync::mpsc::Sender<()>,
        tokio::task::JoinHandle<Result<(), WriteError>>,
    ) {
        let (release, held) = std::sync::mpsc::channel::<()>();
        let held = std::sync::Mutex::new(held);
        let blocking = tokio::spawn(w.clone().submit_owned(move |_| {
            let _ = held
                .lock()
                .map(|h| h.recv_timeout(std::time::Duration::from_secs(10)));
            Ok(())
        }));
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        (release, blocking)
    }

    fn count(conn: &Connection) -> Result<i64, WriteError> {
        Ok(conn.query_row("SELECT count(*) FROM t", [], |r| r.get(0))?)
    }

    /// Frames in the log of the database at `path`, read from another
    /// connection.
    fn log_frames(path: &std::path::Path) -> i64 {
        let conn = super::super::open_connection(path).expect("open");
        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))
            .expect("checkpoint")
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_log_restart_waits_for_the_checkpoint_turn_and_then_starts_the_log_over() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("w.sqlite");
        let conn = super::super::open_connection(&path).expect("open");
        conn.execute_batch(
            "CREATE TABLE meta (id INTEGER PRIMARY KEY, version INTEGER NOT NULL);
             INSERT INTO meta VALUES (1, 0);
             CREATE TABLE t (x BLOB);",
        )
        .expect("schema");
        let turn = CheckpointTurn::default();
        let w = Writer::spawn_with_capacity(conn, 16, Checkpoints::Server, turn.clone())
            .expect("writer");
        // Another thread has the turn, as the checkpoint thread does while
        // it copies.
        let (taken, release) = (std::sync::mpsc::channel(), std::sync::mpsc::channel::<()>());
        let holder = std::thread::spawn(move || {
            let _turn = turn.take();
            let _ = taken.0.send(());
            let _ = release.1.recv();
        });
        taken.1.recv().expect("turn taken");
        // One write past the threshold: answered before the restart.
        let past = i64::from(RESTART_FRAMES + 1) * 4096;
        w.submit(move |c| Ok(c.execute("INSERT INTO t VALUES (randomblob(?1))", [past])?))
            .await
            .expect("large write");
        let next = tokio::spawn(
            w.clone()
                .submit_owned(|c| Ok(c.execute("INSERT INTO t VALUES (x'00')", [])?)),
        );
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert_eq!(w.stats().restarts, 1, "a restart was begun");
        assert!(
            !next.is_finished(),
            "the restart waits for its turn instead of giving up at once"
        );
        let _ = release.0.send(());
        holder.join().expect("holder");
        next.await.expect("task").expect("next write");
        let stats = w.stats();
        assert_eq!((stats.restarts, stats.postponed), (1, 0), "{stats:?}");
        assert!(
            log_frames(&path) < 16,
            "the write after the restart is at the start of the log"
        );
    }

    #[tokio::test]
    async fn a_job_that_panics_fails_alone_and_the_writer_goes_on() {
        let w = writer(16);
        let (a, b, c) = tokio::join!(
            w.submit(|conn| Ok(conn.execute("INSERT INTO t VALUES (1)", [])?)),
            w.submit(|conn| -> Result<(), WriteError> {
                conn.execute("INSERT INTO t VALUES (2)", [])?;
                panic!("a bug in one job")
            }),
            w.submit(|conn| Ok(conn.execute("INSERT INTO t VALUES (3)", [])?)),
        );
        assert!(a.is_ok() && c.is_ok());
        assert!(
            matches!(b, Err(WriteError::Panicked(ref m)) if m.contains("a bug")),
            "{b:?}"
        );
        assert_eq!(
            w.submit(count).await.expect("count"),
            2,
            "the panicking job left nothing"
        );
    }

    #[tokio::test]
    async fn a_full_queue_answers_overloaded_at_once() {
        let w = writer(2);
        // Hold the writer in one job while the queue fills.
        let (release, blocking) = hold(&w).await;
        let queued: Vec<_> = (0..2)
            .map(|_| tokio::spawn(w.clone().submit_owned(count)))
            .collect();
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(matches!(w.submit(count).await, Err(WriteError::Overloaded)));
        let _ = release.send(());
        assert!(blocking.await.expect("join").is_ok());
        for q in queued {
            assert!(q.await.expect("join").is_ok(), "the queued ones still run");
        }
    }

    #[tokio::test]
    async fn a_job_whose_caller_gave_up_is_not_run() {
        let w = writer(16);
        let (release, blocking) = hold(&w).await;
        // A request that times out while its write waits in the queue.
        let gave_up = tokio::time::timeout(
            std::time::Duration::from_millis(50),
            w.submit(|conn| Ok(conn.execute("INSERT INTO t VALUES (9)", [])?)),
        )
        .await;
        assert!(gave_up.is_err(), "timed out");
        let _ = release.send(());
        assert!(blocking.await.expect("join").is_ok());
        assert_eq!(w.submit(count).await.expect("count"), 0, "never applied");
    }
}
