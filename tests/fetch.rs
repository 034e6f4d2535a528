//! Fetching profiles from a running service: the real binary against a real
//! HTTP (and HTTPS) server that each test starts on 127.0.0.1, on a port the
//! system picks (`tests/common/http.rs`). The server only ever listens on
//! loopback, lives at most two minutes and stops when its test ends;
//! nothing here touches the network.

mod common;

use common::http::{Request, Response, Server};
use common::tmux::{Launch, tmux_available};
use ppt::fetch::{Source, SourceOptions, adjust_url};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const HEAP: &str = "tests/fixtures/go/heap.pprof";
const CPU: &str = "tests/fixtures/go/cpu.pprof";

// ---------------------------------------------------------------------------
// The test server: what a Go service with net/http/pprof answers, and the
// ways a fetch goes wrong.

fn routes(request: &Request) -> Response {
    let fixture = |p: &str| std::fs::read(fixture_path(p)).expect("fixture reads");
    let pprof_error = |status: &str, body: &[u8]| {
        Response::new(status, body.to_vec())
            .header("Content-Type", "text/plain; charset=utf-8")
            .header("X-Go-Pprof", "1")
    };
    match request.path() {
        "/debug/pprof/heap" => Response::profile(fixture(HEAP)),
        "/debug/pprof/profile" => Response::profile(fixture(CPU)),
        "/slow" => {
            // Answers after ms= milliseconds.
            let ms: u64 = request
                .param("ms")
                .and_then(|v| v.parse().ok())
                .unwrap_or(15_000);
            Response::profile(fixture(HEAP)).after(Duration::from_millis(ms.min(20_000)))
        }
        "/error" => pprof_error(
            "500 Internal Server Error",
            b"profile duration exceeds server's WriteTimeout\n",
        ),
        "/debug/pprof/nope" => pprof_error("404 Not Found", b"Unknown profile\n"),
        "/proxy-error" => Response::new(
            "502 Bad Gateway",
            b"<html><body>Bad Gateway</body></html>\n".to_vec(),
        )
        .header("Content-Type", "text/html"),
        "/hostile-error" => Response::new(
            "400 Bad Request",
            b"\n  bad \x1b]0;pwned\x07 request\nsecond line\n".to_vec(),
        )
        .header("Content-Type", "text/plain"),
        "/text" => Response::new("200 OK", b"hello, this is not a profile\n".to_vec())
            .header("Content-Type", "text/plain"),
        "/garbage" => {
            // A gzip header, then noise.
            let mut body = vec![0x1f, 0x8b, 0x08, 0x00];
            body.extend((0u32..4000).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
            Response::profile(body)
        }
        "/redirect" => {
            Response::new("302 Found", Vec::new()).header("Location", "/debug/pprof/heap")
        }
        // No Content-Length: the size is only known by reading.
        "/unsized" => Response::profile(fixture(HEAP)).without_length(),
        _ => Response::new("404 Not Found", b"404 page not found\n".to_vec())
            .header("Content-Type", "text/plain"),
    }
}

fn start() -> Server {
    Server::start(routes)
}

// ---------------------------------------------------------------------------
// Running ppt.

fn ppt(args: &[&str]) -> Output {
    ppt_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn ppt_in(dir: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ppt"));
    command.current_dir(dir).args(args);
    // Loopback only: no proxy may stand in between.
    for var in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        command.env_remove(var);
    }
    command.output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn fixture_path(p: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(p)
        .to_string_lossy()
        .into_owned()
}

/// Runs ppt and expects exit status 1 with one `ppt: ...` line naming the
/// source; returns that line.
fn expect_error(args: &[&str], source: &str) -> String {
    let out = ppt(args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
    assert!(out.stdout.is_empty(), "{args:?}");
    let line = err
        .lines()
        .find(|l| l.starts_with("ppt: "))
        .unwrap_or_else(|| panic!("{args:?}: no error line in {err:?}"))
        .to_string();
    assert!(
        line.starts_with(&format!("ppt: {source}: ")),
        "{args:?}: the error names {source}: {line}"
    );
    line
}

/// A scratch directory, removed when dropped.
fn scratch() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("ppt-fetch-")
        .tempdir()
        .expect("a scratch directory")
}

// ---------------------------------------------------------------------------
// Success.

#[test]
fn top_via_url_equals_top_via_file() {
    let server = start();
    for (path, file) in [("/debug/pprof/heap", HEAP), ("/debug/pprof/profile", CPU)] {
        let url = server.url(path);
        let remote = ppt(&["--top", &url]);
        let local = ppt(&["--top", file]);
        assert!(remote.status.success(), "{}", stderr(&remote));
        assert!(!remote.stdout.is_empty());
        assert_eq!(stdout(&remote), stdout(&local), "{url}");
        assert!(
            stderr(&remote).contains(&format!("Fetching profile over HTTP from {url}\n")),
            "{}",
            stderr(&remote)
        );
    }
    // Options apply to a fetched profile as to a file.
    let args = ["--top", "--sample-index=alloc_space", "--cum"];
    let remote = ppt(&[&args[..], &[&server.url("/debug/pprof/heap")]].concat());
    let local = ppt(&[&args[..], &[HEAP]].concat());
    assert_eq!(stdout(&remote), stdout(&local));
}

#[test]
fn bare_host_port_fetches_the_cpu_profile() {
    let server = start();
    let out = ppt(&["--top", &server.authority()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), stdout(&ppt(&["--top", CPU])));
    assert_eq!(server.requests(), ["/debug/pprof/profile"]);
    let url = format!("http://{}/debug/pprof/profile", server.authority());
    assert!(stderr(&out).contains(&url), "{}", stderr(&out));

    // host:port/path keeps the path.
    let out = ppt(&["--top", &format!("{}/debug/pprof/heap", server.authority())]);
    assert_eq!(stdout(&out), stdout(&ppt(&["--top", HEAP])));
}

#[test]
fn seconds_go_into_the_query() {
    let server = start();
    let url = server.url("/debug/pprof/profile");
    let out = ppt(&["--top", "--seconds", "3", &url]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(server.requests(), ["/debug/pprof/profile?seconds=3"]);
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "Fetching profile over HTTP from {url}?seconds=3\n"
        )),
        "{err}"
    );
    assert!(err.contains("Please wait... (3s)\n"), "{err}");

    // pprof's spelling, replacing a seconds= already in the URL.
    let out = ppt(&["--top", "--seconds=7", &format!("{url}?seconds=1&debug=0")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        server.requests().last().unwrap(),
        "/debug/pprof/profile?debug=0&seconds=7"
    );
}

#[test]
fn redirects_are_followed() {
    let server = start();
    let out = ppt(&["--top", &server.url("/redirect")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), stdout(&ppt(&["--top", HEAP])));
    assert_eq!(server.requests(), ["/redirect", "/debug/pprof/heap"]);
}

#[test]
fn an_existing_file_wins_over_host_port() {
    let scratch = scratch();
    let dir = scratch.path();
    std::fs::copy(fixture_path(HEAP), dir.join("127.0.0.1:1")).unwrap();
    let out = ppt_in(dir, &["--top", "127.0.0.1:1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), stdout(&ppt(&["--top", HEAP])));
    assert!(!stderr(&out).contains("Fetching"), "{}", stderr(&out));
}

// ---------------------------------------------------------------------------
// Saving.

#[test]
fn save_writes_the_bytes_as_received() {
    let server = start();
    let scratch = scratch();
    let dir = scratch.path();
    let saved = dir.join("heap.pb.gz");
    let saved_arg = saved.to_str().unwrap();
    let out = ppt(&[
        "--top",
        "--save",
        saved_arg,
        &server.url("/debug/pprof/heap"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("Saved profile in {saved_arg}\n")),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read(&saved).unwrap(),
        std::fs::read(fixture_path(HEAP)).unwrap()
    );
    // The saved file reopens as the same profile.
    assert_eq!(stdout(&ppt(&["--top", saved_arg])), stdout(&out));

    // Saving again replaces the file; a file source saves too.
    let out = ppt(&["--top", "--save", saved_arg, CPU]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(&saved).unwrap(),
        std::fs::read(fixture_path(CPU)).unwrap()
    );
    // Nothing but the saved file is left behind.
    assert_eq!(std::fs::read_dir(dir).unwrap().count(), 1);
}

#[test]
fn nothing_is_saved_when_the_fetch_fails() {
    let server = start();
    let scratch = scratch();
    let dir = scratch.path();
    let saved = dir.join("x.pb.gz");
    let out = ppt(&[
        "--top",
        "--save",
        saved.to_str().unwrap(),
        &server.url("/text"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!saved.exists());
}

#[test]
fn save_into_a_missing_directory_is_an_error() {
    let server = start();
    let out = ppt(&[
        "--top",
        "--save",
        "/nonexistent-ppt-dir/heap.pb.gz",
        &server.url("/debug/pprof/heap"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("ppt: saving the profile to /nonexistent-ppt-dir/heap.pb.gz: "),
        "{}",
        stderr(&out)
    );
}

// ---------------------------------------------------------------------------
// Errors: one line that names the URL and says what went wrong.

#[test]
fn connection_refused() {
    // A port that was just free: bind, note it, close.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/debug/pprof/heap");
    let line = expect_error(&["--top", &url], &url);
    assert!(
        line.contains(&format!(
            "connection refused: nothing is listening on 127.0.0.1:{port}"
        )),
        "{line}"
    );
}

#[test]
fn timeout() {
    let server = start();
    let url = server.url("/slow?ms=15000");
    let start = Instant::now();
    let line = expect_error(&["--top", "--timeout", "1", &url], &url);
    let took = start.elapsed();
    assert!(
        line.contains("timed out: no complete response within 6s (--timeout 1s plus 5s of grace"),
        "{line}"
    );
    // pprof's 5 seconds of grace, and not much more.
    assert!(
        took >= Duration::from_secs(6) && took < Duration::from_secs(12),
        "{took:?}"
    );
}

#[test]
fn a_slow_answer_within_the_timeout_arrives() {
    let server = start();
    let out = ppt(&["--top", "--timeout", "1", &server.url("/slow?ms=1500")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), stdout(&ppt(&["--top", HEAP])));
}

#[test]
fn server_errors_show_the_servers_explanation() {
    let server = start();
    let url = server.url("/error");
    let line = expect_error(&["--top", &url], &url);
    assert_eq!(
        line,
        format!(
            "ppt: {url}: server answered 500 Internal Server Error: profile duration exceeds server's WriteTimeout"
        )
    );
    let url = server.url("/debug/pprof/nope");
    let line = expect_error(&["--top", &url], &url);
    assert_eq!(
        line,
        format!("ppt: {url}: server answered 404 Not Found: Unknown profile")
    );
    // An HTML page says nothing useful in its first line: status only.
    let url = server.url("/proxy-error");
    let line = expect_error(&["--top", &url], &url);
    assert_eq!(line, format!("ppt: {url}: server answered 502 Bad Gateway"));
    // The first non-blank line, with control characters made visible.
    let url = server.url("/hostile-error");
    let line = expect_error(&["--top", &url], &url);
    assert_eq!(
        line,
        format!("ppt: {url}: server answered 400 Bad Request: bad \\x1b]0;pwned\\x07 request")
    );
}

#[test]
fn a_body_that_is_not_a_profile() {
    let server = start();
    let url = server.url("/text");
    let line = expect_error(&["--top", &url], &url);
    assert!(line.contains("not a pprof profile"), "{line}");
    let url = server.url("/garbage");
    let line = expect_error(&["--top", &url], &url);
    assert!(line.contains("corrupt or truncated gzip data"), "{line}");
}

#[test]
fn the_download_is_capped() {
    let server = start();
    let size = std::fs::metadata(fixture_path(HEAP)).unwrap().len();
    let limit = (size - 1).to_string();
    // Refused from the Content-Length, and while reading when there is none.
    for path in ["/debug/pprof/heap", "/unsized"] {
        let url = server.url(path);
        let line = expect_error(&["--top", "--max-decompressed-size", &limit, &url], &url);
        assert!(
            line.contains(&format!(
                "the response is larger than {limit} bytes; if the profile is genuine, raise the limit with --max-decompressed-size"
            )),
            "{line}"
        );
    }
    // The same limit then bounds the decompressed size, as for a file.
    let url = server.url("/debug/pprof/heap");
    let line = expect_error(
        &["--top", "--max-decompressed-size", &size.to_string(), &url],
        &url,
    );
    assert!(
        line.contains("decompressed profile is larger than"),
        "{line}"
    );
    let file = expect_error(
        &["--top", "--max-decompressed-size", &size.to_string(), HEAP],
        HEAP,
    );
    assert_eq!(
        line.replacen(&url, "X", 1),
        file.replacen(HEAP, "X", 1),
        "the same error as for the file"
    );
}

#[test]
fn unfetchable_urls() {
    let line = expect_error(&["--top", "ftp://127.0.0.1/x"], "ftp://127.0.0.1/x");
    assert!(line.contains("cannot fetch ftp:// URLs"), "{line}");
    let line = expect_error(&["--top", "http:///x"], "http:///x");
    assert!(line.contains("no host"), "{line}");
    // Not a URL and not a file: the missing-file error, as before.
    let line = expect_error(&["--top", "no-such-profile.pprof"], "no-such-profile.pprof");
    assert!(line.contains("No such file"), "{line}");
}

// ---------------------------------------------------------------------------
// Progress on a terminal (tmux): a counter ticks while waiting, then goes.

#[test]
fn a_counter_ticks_on_a_terminal_while_waiting() {
    if !tmux_available() {
        return;
    }
    let server = start();
    let t = Launch::new("fetch").size(160, 20).shell();
    t.run(&format!(
        "{} --top --seconds 3 '{}' > /dev/null",
        env!("CARGO_BIN_EXE_ppt"),
        server.url("/slow?ms=3500")
    ));
    let wait = Duration::from_secs(15);
    let screen = t.wait_for_text("Waiting for the profile... 2s of 3s", wait);
    assert!(screen.contains("Please wait... (3s)"), "{screen}");
    let screen = t.wait_for_text("exit=0", wait);
    // The counter is erased; pprof's lines stay.
    assert!(!screen.contains("Waiting for the profile"), "{screen}");
    assert!(
        screen.contains("Fetching profile over HTTP from"),
        "{screen}"
    );
}

// ---------------------------------------------------------------------------
// HTTPS (rustls): a server with a self-signed certificate for localhost.

#[test]
fn https_works_and_checks_certificates() {
    let server = Server::start_tls(routes);
    let port = server.port();
    let url = format!("https://localhost:{port}/debug/pprof/heap");
    let line = expect_error(&["--top", &url], &url);
    assert!(
        line.contains("TLS: invalid peer certificate: UnknownIssuer (to skip the certificate check, as pprof, use https+insecure://)"),
        "a self-signed certificate is refused: {line}"
    );
    // pprof's https+insecure:// skips the check.
    let insecure = format!("https+insecure://localhost:{port}/debug/pprof/heap");
    let out = ppt(&["--top", &insecure]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), stdout(&ppt(&["--top", HEAP])));
    assert!(
        stderr(&out).contains(&format!("from {url}\n")),
        "{}",
        stderr(&out)
    );
}

#[test]
fn http_to_a_tls_port_fails_cleanly() {
    let server = Server::start_tls(routes);
    let url = format!("http://{}/debug/pprof/heap", server.authority());
    let line = expect_error(&["--top", "--timeout", "2", &url], &url);
    assert!(!line.contains("panic"), "{line}");
}

// ---------------------------------------------------------------------------
// What the messages show of a URL.

/// A password in the URL is shown as `xxxxx` (Go's `url.Redacted`), in the
/// `Fetching` line and in errors, never as typed.
#[test]
fn a_password_in_the_url_is_never_printed() {
    let server = start();
    let url = format!("http://user:s3cret@{}/debug/pprof/heap", server.authority());
    let shown = format!("http://user:xxxxx@{}/debug/pprof/heap", server.authority());
    let out = ppt(&["--top", &url]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("Fetching profile over HTTP from {shown}\n")),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("s3cret"), "{}", stderr(&out));
    drop(server);

    // Nothing listens there any more: the error names the URL, redacted.
    let line = expect_error(&["--top", &url], &shown);
    assert!(line.contains("connection refused"), "{line}");
    assert!(!line.contains("s3cret"), "{line}");
    let line = expect_error(
        &["--top", "http://user:s3cret@h:99999/x"],
        "http://user:xxxxx@h:99999/x",
    );
    assert!(!line.contains("s3cret"), "{line}");
}

/// A port past 65535 is a bad URL, said so, not a refused connection.
#[test]
fn a_port_out_of_range_is_a_bad_url() {
    for (source, shown) in [
        ("localhost:70000", "localhost:70000"),
        (
            "http://127.0.0.1:65536/debug/pprof/heap",
            "http://127.0.0.1:65536/debug/pprof/heap",
        ),
    ] {
        let line = expect_error(&["--top", source], shown);
        assert!(line.contains("bad URL: port"), "{line}");
        assert!(line.contains("out of range (0 to 65535)"), "{line}");
    }
}

/// The URL in the `Fetching` line is escaped like names.
#[test]
fn the_fetching_line_is_escaped() {
    let server = start();
    let url = format!(
        "http://{}/debug/pprof/heap?x=\x1b]0;pwned\x07",
        server.authority()
    );
    let out = ppt(&["--top", &url]);
    let err = stderr(&out);
    let fetching = err
        .lines()
        .find(|l| l.starts_with("Fetching"))
        .unwrap_or_else(|| panic!("no Fetching line: {err:?}"));
    assert!(fetching.contains("x=\\x1b]0;pwned\\x07"), "{fetching:?}");
    assert!(!err.contains(['\x1b', '\x07']), "{err:?}");
}

// ---------------------------------------------------------------------------
// Options.

#[test]
fn refresh_and_timeout_are_parsed() {
    for good in [
        ["--refresh", "30s"],
        ["--refresh", "2m"],
        ["--timeout", "90"],
    ] {
        let out = ppt(&[&good[..], &["--top", HEAP]].concat());
        assert!(out.status.success(), "{good:?}: {}", stderr(&out));
    }
    for bad in [
        ["--refresh", "0s"],
        ["--refresh", "soon"],
        ["--timeout", "1y"],
    ] {
        let out = ppt(&[&bad[..], &["--top", HEAP]].concat());
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(stderr(&out).contains(bad[0]), "{bad:?}: {}", stderr(&out));
    }
}

/// Durations past a week are refused on the command line with a clear
/// message, before anything is fetched: they used to overflow when added
/// to the clock (`--seconds 9223372036854775807` panicked).
#[test]
fn durations_out_of_range_are_refused_not_panics() {
    let server = start();
    let url = server.url("/debug/pprof/heap");
    for bad in [
        ["--seconds", "9223372036854775807"],
        ["--seconds", "18446744073709551615"],
        ["--seconds", "604801"],
        ["--timeout", "9000000000000000s"],
        ["--timeout", "1e300"],
        ["--refresh", "9000000000000000s"],
        ["--refresh", "169h"],
    ] {
        let out = ppt(&[&bad[..], &["--top", &url]].concat());
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{bad:?}: {err}");
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {err}");
        assert!(
            err.contains(bad[0]) && (err.contains("a week") || err.contains("e.g.")),
            "{bad:?}: {err}"
        );
    }
    assert!(server.requests().is_empty(), "nothing is fetched");
    let out = ppt(&["--seconds", "604800", "--timeout", "1s", "--top", &url]);
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}

// ---------------------------------------------------------------------------
// The library: what the explorer's refresh and save key use.

fn quiet() -> SourceOptions {
    SourceOptions::default()
}

#[test]
fn a_source_loads_again_on_each_call() {
    let server = start();
    let source = Source::new(&server.url("/debug/pprof/heap"), quiet()).unwrap();
    assert!(source.is_remote() && source.can_reload());
    assert_eq!(source.name(), server.url("/debug/pprof/heap"));
    let first = source.load().unwrap();
    let second = source.load().unwrap();
    assert_eq!(server.requests().len(), 2);
    assert_eq!(first.bytes, std::fs::read(fixture_path(HEAP)).unwrap());
    assert_eq!(first.bytes, second.bytes);
    assert!(second.fetched_at >= first.fetched_at);
    assert_eq!(
        first.profile.sample_type_names(),
        second.profile.sample_type_names()
    );

    // A library save writes what was loaded.
    let scratch = scratch();
    let dir = scratch.path();
    let path = dir.join("saved.pprof");
    ppt::fetch::save(&path, &first.bytes).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), first.bytes);
}

#[test]
fn a_source_names_its_url_in_errors() {
    let server = start();
    let source = Source::new(&format!("{}/error", server.authority()), quiet()).unwrap();
    let err = source.load().unwrap_err();
    assert_eq!(err.source_name, server.url("/error"));
    assert!(matches!(err.kind, ppt::fetch::SourceErrorKind::Fetch(_)));
    let source = Source::new(&server.url("/text"), quiet()).unwrap();
    let err = source.load().unwrap_err();
    assert!(matches!(err.kind, ppt::fetch::SourceErrorKind::Profile(_)));
}

#[test]
fn file_and_stdin_sources() {
    let source = Source::new(&fixture_path(HEAP), quiet()).unwrap();
    assert!(!source.is_remote() && source.can_reload());
    let loaded = source.load().unwrap();
    assert_eq!(loaded.bytes, std::fs::read(fixture_path(HEAP)).unwrap());
    let stdin = Source::new("-", quiet()).unwrap();
    assert!(!stdin.can_reload());
}

#[test]
fn host_port_defaulting() {
    let remote = adjust_url("localhost:6060", None, None).unwrap().unwrap();
    assert_eq!(remote.url, "http://localhost:6060/debug/pprof/profile");
    assert_eq!(remote.timeout, Duration::from_secs(60));
    let remote = adjust_url("localhost:6060/debug/pprof/heap", Some(30), None)
        .unwrap()
        .unwrap();
    assert_eq!(
        remote.url,
        "http://localhost:6060/debug/pprof/heap?seconds=30"
    );
    assert_eq!(remote.timeout, Duration::from_secs(45));
    assert_eq!(remote.deadline(), Duration::from_secs(50));
    assert_eq!(adjust_url("heap.pprof", None, None).unwrap(), None);
}

/// A list of URLs (a fleet's pods) is fetched concurrently, at most 64 at
/// once as pprof fetches them, and merged: each answer waits a while, so
/// that fetches in turn would take a hundred times as long.
#[test]
fn many_urls_are_fetched_at_once_within_a_bound() {
    use ppt::fetch::Sources;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    let body = std::fs::read(fixture_path(HEAP)).expect("fixture reads");
    let (in_flight, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let server = {
        let (in_flight, most) = (in_flight.clone(), most.clone());
        Server::start(move |_| {
            let now = in_flight.fetch_add(1, SeqCst) + 1;
            most.fetch_max(now, SeqCst);
            std::thread::sleep(Duration::from_millis(400));
            in_flight.fetch_sub(1, SeqCst);
            Response::profile(body.clone())
        })
    };
    let pods = 100;
    let urls: Vec<String> = (0..pods)
        .map(|i| server.url(&format!("/debug/pprof/heap?pod={i}")))
        .collect();
    let sources = Sources::from_args(&urls, &[], &[], false, SourceOptions::default())
        .expect("the URLs are sources");
    let started = Instant::now();
    let combined = sources.load().expect("every pod loads");
    let took = started.elapsed();
    assert_eq!(combined.merged, pods);
    assert_eq!(server.requests().len(), pods);
    let most = most.load(SeqCst);
    assert!(most <= 64, "{most} fetches at once");
    assert!(most >= 16, "only {most} fetches at once");
    assert!(took < Duration::from_secs(20), "{took:?}");
    // The merge: every value a hundred times the pod's.
    let pod = ppt::profile::load(&fixture_path(HEAP), &Default::default()).expect("loads");
    let totals = |p: &ppt::profile::Profile| -> Vec<i64> {
        (0..p.sample_types.len())
            .map(|k| (0..p.samples.len()).map(|s| p.samples.values(s)[k]).sum())
            .collect()
    };
    let one = totals(&pod);
    let all: Vec<i64> = one.iter().map(|v| v * pods as i64).collect();
    assert_eq!(totals(&combined.profile), all);
}
