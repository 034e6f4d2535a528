//! Splitting a pass over many items between threads.
//!
//! The machines ppt is made for have a few cores, and its passes (over
//! millions of frames, or tens of thousands of names) are bound by memory,
//! which two cores already share well.

use std::ops::Range;

/// How many threads a pass uses.
pub(super) const THREADS: usize = 2;

/// Runs `work` on each range at once, one thread per range (the first on
/// this thread: starting a thread costs about 50 µs here, which filters
/// that take a few passes would pay several times); returns the results
/// in range order.
pub(super) fn in_parallel<T: Send>(
    ranges: Vec<Range<usize>>,
    work: impl Fn(Range<usize>) -> T + Sync,
) -> Vec<T> {
    let work = &work;
    let mut ranges = ranges.into_iter();
    let Some(first) = ranges.next() else {
        return Vec::new();
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = ranges
            .map(|range| scope.spawn(move || work(range)))
            .collect();
        let mut results = Vec::with_capacity(handles.len() + 1);
        results.push(work(first));
        results.extend(handles.into_iter().map(|h| match h.join() {
            Ok(part) => part,
            Err(panic) => std::panic::resume_unwind(panic),
        }));
        results
    })
}

/// `0..len` in `parts` ranges of about equal length.
pub(super) fn even_split(len: usize, parts: usize) -> Vec<Range<usize>> {
    (0..parts)
        .map(|p| len * p / parts..len * (p + 1) / parts)
        .collect()
}
