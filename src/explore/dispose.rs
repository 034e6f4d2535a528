//! Freeing what the session replaced, off the driver's thread.
//!
//! An aggregate of a very large profile holds millions of small
//! allocations (a name per node, the names' index, the table's rows):
//! freeing them as a new aggregate was installed held the screen for 0.2
//! to 0.7 s on the 10x benchmark profile. The worker may be busy for
//! seconds, so such a value gets a short-lived thread of its own; a small
//! one is freed where it is.

/// Nodes from which a replaced aggregate is freed on a thread of its own.
const APART_FROM_NODES: usize = 100_000;

/// Frees `value`, which holds about `nodes` nodes' worth of allocations:
/// on a thread of its own when that is many, else here (and here too if
/// no thread can be started).
pub(super) fn dispose<T: Send + 'static>(value: T, nodes: usize) {
    if nodes >= APART_FROM_NODES {
        let _ = std::thread::Builder::new()
            .name("dispose".into())
            .spawn(move || drop(value));
    }
}
