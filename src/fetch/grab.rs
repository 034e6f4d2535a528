//! The pool of threads that reads, decodes and combines the profiles of a
//! command line (`sources.rs`): pprof's `chunkedGrab` over
//! `concurrentGrab`, with the decoding and the merging of each chunk on
//! every core.
//!
//! - Items (sources, then bases) are taken in order by the workers: one per
//!   core for files, up to [`CHUNK`] at once when some are URLs (pprof
//!   fetches a chunk of 64 at once; a fetch mostly waits);
//! - the worker that decodes the last item of a chunk merges the chunk
//!   (`combine_chunk`), so that chunks merge on all cores while the next
//!   ones are read;
//! - this thread folds the merged chunks in command-line order (`fold`):
//!   the result is pprof's whatever order the workers finished in;
//! - decoding runs at most one chunk ahead of the chunk folded next, so
//!   that a fleet of a thousand profiles is never held whole.

use super::{Source, SourceError, SourceErrorKind, progress};
use crate::profile::Unfinished;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError, mpsc};

/// How many profiles pprof merges at once (`chunkedGrab`), and fetches at
/// once.
pub(super) const CHUNK: usize = 64;

/// An item's outcome: its profile, or why it was left out.
pub(super) type Grabbed = Result<Unfinished, SourceError>;

/// Reads and decodes every item of `chunks` (group, item range; in order,
/// covering every item) on a pool of threads; each chunk, once decoded, is
/// merged by `combine_chunk` on the thread that decoded its last item, and
/// handed to `fold` on this thread, in chunk order. Stops at the first
/// error `fold` returns.
pub(super) fn grab<C: Send, E>(
    items: &[&Source],
    chunks: &[(usize, Range<usize>)],
    combine_chunk: impl Fn(usize, Vec<(usize, Grabbed)>) -> C + Sync,
    mut fold: impl FnMut(C) -> Result<(), E>,
) -> Result<(), E> {
    let n = items.len();
    if n == 0 {
        return Ok(());
    }
    let remote = items.iter().any(|s| s.is_remote());
    let announce = items.iter().any(|s| s.options().progress);
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let workers = if remote { CHUNK } else { cores }.min(n);
    let mut chunk_of = vec![0usize; n];
    for (k, (_, range)) in chunks.iter().enumerate() {
        chunk_of[range.clone()].fill(k);
    }
    let chunk_of = &chunk_of;
    let left: Vec<AtomicUsize> = chunks.iter().map(|c| AtomicUsize::new(c.1.len())).collect();
    let slots: Mutex<Vec<Option<Grabbed>>> = Mutex::new((0..n).map(|_| None).collect());
    // Items below `allowed` may be decoded: the chunk folded next and the
    // one after it.
    let allowed_while = |k: usize| chunks.get(k + 1).map_or(n, |c| c.1.end);
    let allowed = Mutex::new(allowed_while(0));
    let more = Condvar::new();
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<(usize, C)>();
    let combine_chunk = &combine_chunk;
    let (left, slots) = (&left, &slots);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (allowed, more, next, stop) = (&allowed, &more, &next, &stop);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    let mut limit = allowed.lock().unwrap_or_else(PoisonError::into_inner);
                    while i >= *limit && !stop.load(Ordering::Relaxed) {
                        limit = more.wait(limit).unwrap_or_else(PoisonError::into_inner);
                    }
                    drop(limit);
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    // Several at once: the fetch is announced, without the
                    // counter one fetch alone shows.
                    let mut quiet = items[i].clone();
                    quiet.set_progress(false);
                    let grabbed = grab_one(&quiet, announce);
                    let k = chunk_of[i];
                    let (group, range) = &chunks[k];
                    let loaded = {
                        let mut slots = slots.lock().unwrap_or_else(PoisonError::into_inner);
                        slots[i] = Some(grabbed);
                        // The last of its chunk: the chunk is this
                        // thread's to merge.
                        (left[k].fetch_sub(1, Ordering::AcqRel) == 1).then(|| {
                            range
                                .clone()
                                .filter_map(|j| slots[j].take().map(|r| (j, r)))
                                .collect::<Vec<_>>()
                        })
                    };
                    if let Some(loaded) = loaded
                        && tx.send((k, combine_chunk(*group, loaded))).is_err()
                    {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut arrived: Vec<Option<C>> = (0..chunks.len()).map(|_| None).collect();
        let mut result = Ok(());
        for k in 0..chunks.len() {
            *allowed.lock().unwrap_or_else(PoisonError::into_inner) = allowed_while(k);
            more.notify_all();
            while arrived[k].is_none() {
                match rx.recv() {
                    Ok((j, merged)) => arrived[j] = Some(merged),
                    // Every worker is gone: only after a panic, which the
                    // scope passes on.
                    Err(_) => break,
                }
            }
            let Some(merged) = arrived[k].take() else {
                break;
            };
            if let Err(e) = fold(merged) {
                result = Err(e);
                break;
            }
        }
        stop.store(true, Ordering::Relaxed);
        more.notify_all();
        drop(rx);
        result
    })
}

/// Reads and decodes item `i`. Mappings without a file name or build id
/// of a profile fetched over HTTP are named after the URL until the merge
/// is done (pprof's `collectMappingSources`), so that such mappings of
/// different services stay apart.
fn grab_one(source: &Source, announce: bool) -> Grabbed {
    let error = |kind: SourceErrorKind| SourceError {
        source_name: source.name().to_string(),
        kind,
    };
    if announce && let Some(remote) = source.remote() {
        progress::announce(remote);
    }
    let mut u = source.decode_unfinished().map_err(error)?;
    if let Some(remote) = source.remote() {
        let p = &mut u.profile;
        let url = p.strings.intern(remote.url.as_bytes());
        for m in &mut p.mappings {
            if m.file.is_empty() && m.build_id.is_empty() {
                m.file = url;
            }
        }
    }
    Ok(u)
}
