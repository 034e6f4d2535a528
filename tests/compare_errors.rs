//! Comparing and merging, the cases that go wrong: profiles that cannot be
//! merged get pprof's message naming both, exit status 1 and nothing on
//! stdout or on disk; sources that cannot be loaded are left out as pprof
//! leaves them out; the options are checked as pprof checks them. And the
//! sources that are not files: standard input and URLs (fetched at once).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Runs ppt in `tests/fixtures` (so that file names in messages are short).
fn ppt(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ppt"))
        .args(args)
        .current_dir(fixtures())
        .env("TZ", "UTC")
        .output()
        .expect("run ppt")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exit status 1, nothing on stdout, one line on stderr with every one of
/// `parts` in it.
fn assert_fails(args: &[&str], parts: &[&str]) {
    let out = ppt(args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
    assert!(out.stdout.is_empty(), "{args:?}: wrote a report");
    assert_eq!(err.lines().count(), 1, "{args:?}: one line expected: {err}");
    for part in parts {
        assert!(err.contains(part), "{args:?}: {part:?} not in {err:?}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_cpu_profile_and_a_heap_profile_cannot_be_merged() {
    assert_fails(
        &["--top", "go/cpu.pprof", "go/heap.pprof"],
        &[
            "ppt: go/cpu.pprof and go/heap.pprof cannot be merged: ",
            "problem fetching source profiles: period type: incompatible types: {cpu nanoseconds 0 0} {space bytes 0 0}",
        ],
    );
    // The first file incompatible with the first is named, wherever it is.
    assert_fails(
        &[
            "--top",
            "go/heap.pprof",
            "go2/heap.pprof",
            "go/goroutine.pprof",
        ],
        &["go/heap.pprof and go/goroutine.pprof cannot be merged: "],
    );
}

#[test]
fn a_heap_profile_cannot_be_compared_with_a_cpu_profile() {
    for option in ["--diff-base", "--base"] {
        assert_fails(
            &["--top", option, "go/heap.pprof", "go/cpu.pprof"],
            &[
                "ppt: go/cpu.pprof and base go/heap.pprof cannot be compared: ",
                "period type: incompatible types: {cpu nanoseconds 0 0} {space bytes 0 0}",
            ],
        );
    }
    // -normalize checks first, with its own message.
    assert_fails(
        &[
            "--top",
            "--normalize",
            "-diff_base=go/heap.pprof",
            "go/cpu.pprof",
        ],
        &["incompatible period types &{cpu nanoseconds 0 0} and &{space bytes 0 0}"],
    );
}

#[test]
fn sample_types_must_agree() {
    assert_fails(
        &["--top", "compare/ms.pb", "compare/three.pb"],
        &["inconsistent samples type count: 2 != 3"],
    );
    assert_fails(
        &["--top", "compare/ms.pb", "compare/objects.pb"],
        &["sample types: incompatible types: {samples count 0 0} {objects count 0 0}"],
    );
    // `sample` and `samples` pass the unit check but not the merge.
    assert_fails(
        &["--top", "compare/ms.pb", "compare/sample.pb"],
        &[
            "compare/ms.pb and compare/sample.pb",
            "incompatible sample types",
        ],
    );
    assert_fails(
        &[
            "--top",
            "--base",
            "compare/ms.pb",
            "--base",
            "compare/sample.pb",
            "compare/ms.pb",
        ],
        &[
            "bases compare/ms.pb and compare/sample.pb cannot be merged",
            "problem fetching base profiles",
        ],
    );
}

#[test]
fn options_are_checked_as_pprof_checks_them() {
    assert_fails(
        &[
            "--top",
            "--base",
            "go2/heap.pprof",
            "--diff-base",
            "go2/heap.pprof",
            "go/heap.pprof",
        ],
        &["-base and -diff_base flags cannot both be specified"],
    );
    assert_fails(
        &["--top", "--normalize", "go/heap.pprof"],
        &["must have base profile to normalize by"],
    );
}

#[test]
fn nothing_is_written_when_profiles_cannot_be_merged() {
    let dir = std::env::temp_dir().join(format!("ppt-compare-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let saved = dir.join("merged.pb.gz");
    let saved_arg = saved.to_str().expect("UTF-8");
    for args in [
        vec![
            "--top",
            "--save",
            saved_arg,
            "go/cpu.pprof",
            "go/heap.pprof",
        ],
        // --save keeps a profile as it came: there is none for several.
        vec![
            "--top",
            "--save",
            saved_arg,
            "go/heap.pprof",
            "go2/heap.pprof",
        ],
        vec![
            "--top",
            "--save",
            saved_arg,
            "--diff-base",
            "go2/heap.pprof",
            "go/heap.pprof",
        ],
    ] {
        let out = ppt(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty());
        assert!(!saved.exists(), "{args:?} wrote {}", saved.display());
    }
    assert_eq!(std::fs::read_dir(&dir).expect("dir").count(), 0);
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[test]
fn a_source_that_cannot_be_loaded_is_left_out() {
    let alone = ppt(&["--top", "go/heap.pprof"]);
    let garbage = std::env::temp_dir().join(format!("ppt-garbage-{}.pb", std::process::id()));
    std::fs::write(&garbage, b"\x1f\x8b not really gzip").expect("write");
    let garbage_arg = garbage.to_str().expect("UTF-8");
    for (args, skipped) in [
        (
            vec!["--top", "go/heap.pprof", "no/such.pprof"],
            "no/such.pprof: ",
        ),
        (
            vec!["--top", garbage_arg, "go/heap.pprof"],
            "corrupt or truncated gzip",
        ),
    ] {
        let out = ppt(&args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{err}");
        // As pprof: the report of what could be loaded.
        assert_eq!(out.stdout, alone.stdout, "{args:?}");
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 2, "{err}");
        assert!(lines[0].contains(skipped), "{err}");
        assert_eq!(lines[1], "Fetched 1 source profiles out of 2");
    }
    std::fs::remove_file(&garbage).expect("clean up");
}

#[test]
fn nothing_loaded_is_an_error() {
    let out = ppt(&["--top", "no/such.pprof", "no/such2.pprof"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(lines[0].starts_with("no/such.pprof: "), "{err}");
    assert!(lines[1].starts_with("no/such2.pprof: "), "{err}");
    assert_eq!(lines[2], "ppt: failed to fetch any source profiles");

    let out = ppt(&["--top", "--diff-base", "no/such.pprof", "go/heap.pprof"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.ends_with("ppt: failed to fetch any base profiles\n"),
        "{err}"
    );
}

#[test]
fn standard_input_is_one_of_the_sources() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ppt"))
        .args(["--top", "-", "go/cpu.pprof"])
        .current_dir(fixtures())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let bytes = std::fs::read(fixtures().join("go/cpu.pprof")).expect("profile");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&bytes)
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let want =
        std::fs::read_to_string(fixtures().join("go/expected2/compare.cpu.self.merge.top.txt"))
            .expect("expected");
    let got = String::from_utf8_lossy(&out.stdout);
    let strip = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| !l.starts_with("Time:"))
            .map(|l| l.trim_end().to_string())
            .collect()
    };
    assert_eq!(strip(&got), strip(&want));
}

/// Serves `go/heap.pprof` at `/heap`, `go2/heap.pprof` at `/heap2` and 404
/// elsewhere, answering only once `together` requests are waiting (or after
/// a few seconds), so that a test can see they were made at once.
fn serve(together: usize) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let waiting = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let barrier = Arc::new(Barrier::new(together));
    let most_seen = most.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (waiting, most, barrier) = (waiting.clone(), most.clone(), barrier.clone());
            std::thread::spawn(move || answer(stream, &waiting, &most, &barrier));
        }
    });
    (format!("http://{addr}"), most_seen)
}

fn answer(mut stream: TcpStream, waiting: &AtomicUsize, most: &AtomicUsize, barrier: &Barrier) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let now = waiting.fetch_add(1, Ordering::SeqCst) + 1;
    most.fetch_max(now, Ordering::SeqCst);
    barrier.wait();
    let path = request.split(' ').nth(1).unwrap_or_default();
    let file = match path {
        "/heap" => Some("go/heap.pprof"),
        "/heap2" => Some("go2/heap.pprof"),
        _ => None,
    };
    let response = match file {
        Some(f) => {
            let mut body = Vec::new();
            std::fs::File::open(fixtures().join(f))
                .and_then(|mut file| file.read_to_end(&mut body))
                .expect("profile");
            let mut r = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )
            .into_bytes();
            r.extend(body);
            r
        }
        None => {
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\nConnection: close\r\n\r\nnot found\n"
                .to_vec()
        }
    };
    let _ = stream.write_all(&response);
}

#[test]
fn urls_are_fetched_at_once_and_merged() {
    let (url, most) = serve(3);
    let (heap, heap2, missing) = (
        format!("{url}/heap"),
        format!("{url}/heap2"),
        format!("{url}/nothing"),
    );
    // A short timeout: fetched one after the other, they would wait.
    let out = ppt(&["--top", "--timeout", "3", &heap, &heap2, &missing]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    // All three were waiting for an answer at the same time.
    assert_eq!(most.load(Ordering::SeqCst), 3, "{err}");
    let files = ppt(&["--top", "go/heap.pprof", "go2/heap.pprof"]);
    assert_eq!(out.stdout, files.stdout);
    for line in [
        format!("Fetching profile over HTTP from {heap}"),
        format!("Fetching profile over HTTP from {heap2}"),
        format!("{missing}: server answered 404 Not Found: not found"),
        "Fetched 2 source profiles out of 3".to_string(),
    ] {
        assert!(err.lines().any(|l| l == line), "{line:?} not in {err}");
    }
}
