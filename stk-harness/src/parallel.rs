//! The multi-threaded driver: runs the core's alignment tasks on rayon threads.

use rayon::prelude::*;
use stk_core::{Executor, Task};

use crate::Result;
use crate::error::Error;

/// Runs each pass of a fit on a rayon thread pool of its own.
///
/// The core splits the data into one task per thread; results are bit-identical for any
/// number of threads, because every datum is aligned alone and cluster sums are exact.
#[derive(Debug)]
pub struct RayonExecutor {
    pool: rayon::ThreadPool,
}

impl RayonExecutor {
    /// Builds a pool of `n_threads` threads; 0 means one per available core.
    ///
    /// # Errors
    ///
    /// [`Error::Thread`] if the operating system refuses the threads.
    pub fn new(n_threads: usize) -> Result<Self> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(n_threads)
            .thread_name(|i| format!("stk-worker-{i}"))
            .build()
            .map_err(|e| Error::Thread(e.to_string()))?;
        Ok(Self { pool })
    }

    /// Returns the number of threads.
    #[must_use]
    pub fn n_threads(&self) -> usize {
        self.pool.current_num_threads()
    }
}

impl Executor for RayonExecutor {
    fn n_workers(&self) -> usize {
        self.n_threads()
    }

    fn run(&self, tasks: &mut [Task<'_>]) {
        self.pool
            .install(|| tasks.par_iter_mut().for_each(|task| task.run()));
    }
}
