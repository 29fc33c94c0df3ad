//! Where the work of a Lloyd pass runs: the core is single-threaded, callers bring threads.

use super::align::Task;

/// Runs the independent tasks of one pass of the clustering.
///
/// The data are split into [`n_workers`](Executor::n_workers) contiguous ranges, one task
/// each, and [`run`](Executor::run) must call [`Task::run`] exactly once on every task, in any
/// order and on any threads. Results do not depend on the number of workers or on the order:
/// each datum's alignment is computed alone, and cluster sums are exact integer (fixed-point)
/// sums, so merging them in any order gives the same bits.
///
/// # Examples
///
/// A caller with threads can run the tasks in parallel; with rayon:
///
/// ```text
/// fn run(&self, tasks: &mut [Task<'_>]) { self.pool.install(|| tasks.par_iter_mut().for_each(Task::run)) }
/// ```
pub trait Executor {
    /// Returns the number of tasks to split each pass into (at least 1); each task holds
    /// scratch buffers of its own, sized once per fit.
    fn n_workers(&self) -> usize;

    /// Runs every task once.
    fn run(&self, tasks: &mut [Task<'_>]);
}

/// Runs every task in order on the calling thread.
#[derive(Debug, Clone, Copy, Default)]
pub struct SerialExecutor;

impl Executor for SerialExecutor {
    fn n_workers(&self) -> usize {
        1
    }

    fn run(&self, tasks: &mut [Task<'_>]) {
        tasks.iter_mut().for_each(Task::run);
    }
}
