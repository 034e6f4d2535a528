//! Large arrays read in random order, on 2 MB pages where the system
//! allows it.
//!
//! The explorer's passes jump around arrays of tens of megabytes (the
//! stacks, their values, the index of samples by node). With 4 kB pages
//! nearly every such read also misses the TLB, and a page walk costs as
//! much as the read, more so under virtualization. Linux backs memory with
//! 2 MB pages when asked (transparent huge pages in `madvise` mode, the
//! common default); elsewhere this does nothing.

/// A vector of `len` zeros, asking for 2 MB pages before its memory is
/// first written (pages are only backed when touched).
pub(super) fn zeroed<T: Copy + Default>(len: usize) -> Vec<T> {
    let v = vec![T::default(); len];
    advise(&v);
    v
}

#[cfg(target_os = "linux")]
fn advise<T>(v: &[T]) {
    const HUGE_PAGE: usize = 2 << 20;
    let start = v.as_ptr() as usize;
    let end = start + std::mem::size_of_val(v);
    let (from, to) = (
        start.next_multiple_of(HUGE_PAGE),
        end / HUGE_PAGE * HUGE_PAGE,
    );
    if from < to {
        // SAFETY: the range lies within `v`'s allocation, which stays
        // mapped while `v` lives; MADV_HUGEPAGE only changes how the
        // kernel backs the pages, never their contents. A failure (no
        // transparent huge pages) leaves things as they were.
        unsafe {
            libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn advise<T>(_: &[T]) {}
