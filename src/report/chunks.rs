//! Printing a long report on two threads: the items (samples) are rendered
//! in chunks, alternately by this thread and a worker, and written in
//! order. The reports that print every sample (`-traces`, `-raw`) make
//! hundreds of megabytes of text from a large profile, and most of their
//! time goes into copying frame names, which two cores do twice as fast.
//! Also fast decimal numbers for them (`core::fmt` is slow per call).

use std::io::Write;
use std::ops::Range;
use std::sync::mpsc;

/// Items per chunk: large enough that handing chunks over costs nothing,
/// small enough that a chunk's text stays a few megabytes.
const CHUNK: usize = 4096;

/// Renders items `0..count` in order with `render(state, items, buffer)`
/// (each thread with its own `state` from `new_state`) and writes the text
/// to `out` as it is done.
pub(super) fn render_in_order<S>(
    count: usize,
    new_state: impl Fn() -> S + Sync,
    render: impl Fn(&mut S, Range<usize>, &mut Vec<u8>) + Sync,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    if count <= CHUNK {
        let mut buf = Vec::new();
        render(&mut new_state(), 0..count, &mut buf);
        return out.write_all(&buf);
    }
    let (new_state, render) = (&new_state, &render);
    std::thread::scope(|scope| {
        let (jobs, worker_jobs) = mpsc::channel::<(Range<usize>, Vec<u8>)>();
        let (worker_done, done) = mpsc::channel::<Vec<u8>>();
        scope.spawn(move || {
            let mut state = new_state();
            for (items, mut buf) in worker_jobs {
                buf.clear();
                render(&mut state, items, &mut buf);
                if worker_done.send(buf).is_err() {
                    break;
                }
            }
        });
        let mut state = new_state();
        let (mut mine, mut spare) = (Vec::new(), Vec::new());
        let mut start = 0;
        while start < count {
            // This thread takes the first chunk of each pair, the worker
            // the second.
            let middle = (start + CHUNK).min(count);
            let end = (middle + CHUNK).min(count);
            let theirs = middle < end;
            if theirs
                && jobs
                    .send((middle..end, std::mem::take(&mut spare)))
                    .is_err()
            {
                return Err(std::io::Error::other("the report's worker thread stopped"));
            }
            mine.clear();
            render(&mut state, start..middle, &mut mine);
            out.write_all(&mine)?;
            if theirs {
                let buf = done
                    .recv()
                    .map_err(|_| std::io::Error::other("the report's worker thread stopped"))?;
                out.write_all(&buf)?;
                spare = buf;
            }
            start = end;
        }
        Ok(())
    })
}

/// Appends `v` in decimal, right-aligned in `width` columns.
pub(super) fn push_decimal(out: &mut Vec<u8>, v: i64, width: usize) {
    let mut digits = [0u8; 20];
    let mut n = v.unsigned_abs();
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let len = digits.len() - i + usize::from(v < 0);
    out.extend(std::iter::repeat_n(b' ', width.saturating_sub(len)));
    if v < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[i..]);
}

/// Appends `v` as Go's `%#x` prints it (`0x0` for zero).
pub(super) fn push_hex(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(b"0x");
    let mut digits = [0u8; 16];
    let mut n = v;
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b"0123456789abcdef"[(n & 15) as usize];
        n >>= 4;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_go_prints_them() {
        let mut out = Vec::new();
        for (v, w) in [(0, 0), (7, 3), (-42, 5), (i64::MIN, 0), (1234567, 10)] {
            push_decimal(&mut out, v, w);
            out.push(b'|');
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("0|  7|  -42|{}|   1234567|", i64::MIN)
        );
        let mut out = Vec::new();
        for v in [0u64, 0x4e6c8b, u64::MAX] {
            push_hex(&mut out, v);
            out.push(b'|');
        }
        assert_eq!(out, b"0x0|0x4e6c8b|0xffffffffffffffff|");
    }

    #[test]
    fn chunks_come_out_in_order() {
        for count in [0, 1, CHUNK, CHUNK + 1, 5 * CHUNK + 17] {
            let mut out = Vec::new();
            render_in_order(
                count,
                || 0usize,
                |calls, items, buf| {
                    *calls += 1;
                    for i in items {
                        buf.extend_from_slice(format!("{i}\n").as_bytes());
                    }
                },
                &mut out,
            )
            .unwrap();
            let want: String = (0..count).map(|i| format!("{i}\n")).collect();
            assert_eq!(String::from_utf8(out).unwrap(), want);
        }
    }
}
