//! Passwords: argon2id hashes (the `argon2` crate, default parameters: 19 MiB, two
//! passes), made and checked off the async threads under a small semaphore.
//!
//! Why the semaphore: every check allocates argon2's 19 MiB. Without a bound, 200
//! logins at once took the server from 27 MB to about 2 GB. With [`HashingPool`] at most
//! one check per core runs; the others wait up to [`HASHING_WAIT`] for a turn and are then
//! told to come back (503 with `Retry-After`). The permit travels into the blocking task,
//! so a client that hangs up cannot free a turn while its hash is still running.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::Argon2;
use tokio::sync::Semaphore;

/// The longest a password check waits for a turn before the client is told to retry.
pub const HASHING_WAIT: Duration = Duration::from_secs(2);
/// The most checks at once, whatever the number of cores (19 MiB each).
pub const MAX_HASHING_PERMITS: usize = 8;
/// What a client told "too busy" is asked to wait (`Retry-After`).
pub const BUSY_RETRY_AFTER: Duration = Duration::from_secs(2);

/// Hash a password for storage (argon2id, random salt, PHC string).
pub fn hash_password(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| format!("wachtwoord kon niet versleuteld worden: {e}"))
}

/// Whether `password` matches the PHC string `phc`.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash of a random password, verified for unknown names so they cost the same time.
pub fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&super::auth::random_token()).unwrap_or_default())
}

/// Why a hashing job did not run to the end.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HashingError {
    /// No turn within [`HASHING_WAIT`].
    #[error("too many password checks at once")]
    Busy,
    /// The blocking task panicked or was cancelled.
    #[error("password task failed: {0}")]
    Task(String),
}

/// Runs argon2 work on the blocking threads, at most `permits` at a time.
#[derive(Debug)]
pub struct HashingPool {
    permits: Arc<Semaphore>,
    size: usize,
    wait: Duration,
}

impl HashingPool {
    pub fn new(permits: usize, wait: Duration) -> HashingPool {
        let size = permits.max(1);
        HashingPool {
            permits: Arc::new(Semaphore::new(size)),
            size,
            wait,
        }
    }

    /// One permit per core, at most [`MAX_HASHING_PERMITS`].
    pub fn sized_to_cores() -> HashingPool {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        HashingPool::new(cores.min(MAX_HASHING_PERMITS), HASHING_WAIT)
    }

    /// How many jobs may run at once.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Run `job` on a blocking thread once a permit is free; [`HashingError::Busy`] when
    /// none came free within the wait.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashingError> {
        let permit = tokio::time::timeout(self.wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| HashingError::Busy)?
            .map_err(|e| HashingError::Task(e.to_string()))?;
        tokio::task::spawn_blocking(move || {
            let out = job();
            drop(permit);
            out
        })
        .await
        .map_err(|e| HashingError::Task(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterz", &h));
    }

    #[tokio::test]
    async fn no_more_jobs_run_than_permits() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let pool = Arc::new(HashingPool::new(2, Duration::from_secs(30)));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let jobs: Vec<_> = (0..8)
            .map(|_| {
                let (pool, running, most) = (pool.clone(), running.clone(), most.clone());
                tokio::spawn(async move {
                    pool.run(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(20));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
                })
            })
            .collect();
        for j in jobs {
            j.await.unwrap().unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_job_that_finds_no_turn_is_busy() {
        let pool = Arc::new(HashingPool::new(1, Duration::from_millis(50)));
        let (started, wait_started) = tokio::sync::oneshot::channel();
        let (release, released) = std::sync::mpsc::channel::<()>();
        let holder = {
            let pool = pool.clone();
            tokio::spawn(async move {
                pool.run(move || {
                    let _ = started.send(());
                    let _ = released.recv();
                })
                .await
            })
        };
        wait_started.await.unwrap();
        assert!(matches!(pool.run(|| ()).await, Err(HashingError::Busy)));
        release.send(()).unwrap();
        holder.await.unwrap().unwrap();
        assert!(pool.run(|| ()).await.is_ok(), "free again");
    }
}
