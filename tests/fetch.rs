//! Fetching profiles from a running service: the real binary against a real
//! HTTP (and HTTPS) server that each test starts on 127.0.0.1, on a port the
//! system picks. The server only ever listens on loopback, lives at most a
//! minute and stops when its test ends; nothing here touches the network.

use ppt::fetch::{Source, SourceOptions, adjust_url};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

const HEAP: &str = "tests/fixtures/go/heap.pprof";
const CPU: &str = "tests/fixtures/go/cpu.pprof";
/// No server outlives this, whatever its test does.
const SERVER_LIFETIME: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------
// The test server.

struct Server {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    accept: Option<thread::JoinHandle<()>>,
}

type Tls = Option<Arc<rustls::ServerConfig>>;

impl Server {
    fn start() -> Server {
        Server::start_with(None)
    }

    fn start_tls() -> Server {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let certs = CertificateDer::pem_file_iter("tests/fixtures/tls/cert.pem")
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        let key = PrivateKeyDer::from_pem_file("tests/fixtures/tls/key.pem").unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap();
        Server::start_with(Some(Arc::new(config)))
    }

    fn start_with(tls: Tls) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let accept = {
            let (requests, stop) = (requests.clone(), stop.clone());
            thread::spawn(move || {
                let born = Instant::now();
                while !stop.load(Ordering::Relaxed) && born.elapsed() < SERVER_LIFETIME {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let (requests, stop, tls) =
                                (requests.clone(), stop.clone(), tls.clone());
                            thread::spawn(move || serve(stream, &requests, &stop, tls));
                        }
                        Err(_) => thread::sleep(Duration::from_millis(5)),
                    }
                }
            })
        };
        Server {
            addr,
            requests,
            stop,
            accept: Some(accept),
        }
    }

    /// `host:port`.
    fn authority(&self) -> String {
        self.addr.to_string()
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The request targets (path and query) seen so far.
    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

fn serve(stream: TcpStream, requests: &Mutex<Vec<String>>, stop: &AtomicBool, tls: Tls) {
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    match tls {
        None => handle(stream, requests, stop),
        Some(config) => {
            let Ok(conn) = rustls::ServerConnection::new(config) else {
                return;
            };
            handle(rustls::StreamOwned::new(conn, stream), requests, stop)
        }
    }
}

fn handle(stream: impl Read + Write, requests: &Mutex<Vec<String>>, stop: &AtomicBool) {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(n) if n > 2 => continue,
            Ok(_) => break,
            Err(_) => return,
        }
    }
    let target = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_string();
    requests.lock().unwrap().push(target.clone());
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let param = |name: &str| {
        query
            .split('&')
            .find_map(|p| p.strip_prefix(name)?.strip_prefix('='))
            .map(str::to_string)
    };
    let mut stream = reader.into_inner();
    let fixture = |p: &str| std::fs::read(p).unwrap();
    let octets = "application/octet-stream";
    let pprof_error = "text/plain; charset=utf-8\r\nX-Go-Pprof: 1";
    let (status, content_type, body): (&str, &str, Vec<u8>) = match path {
        "/debug/pprof/heap" => ("200 OK", octets, fixture(HEAP)),
        "/debug/pprof/profile" => ("200 OK", octets, fixture(CPU)),
        "/slow" => {
            // Answers after ms= milliseconds, unless the server stops first.
            let ms: u64 = param("ms").and_then(|v| v.parse().ok()).unwrap_or(15_000);
            let until = Instant::now() + Duration::from_millis(ms.min(20_000));
            while Instant::now() < until {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                thread::sleep(Duration::from_millis(20));
            }
            ("200 OK", octets, fixture(HEAP))
        }
        "/error" => (
            "500 Internal Server Error",
            pprof_error,
            b"profile duration exceeds server's WriteTimeout\n".to_vec(),
        ),
        "/debug/pprof/nope" => ("404 Not Found", pprof_error, b"Unknown profile\n".to_vec()),
        "/proxy-error" => (
            "502 Bad Gateway",
            "text/html",
            b"<html><body>Bad Gateway</body></html>\n".to_vec(),
        ),
        "/hostile-error" => (
            "400 Bad Request",
            "text/plain",
            b"\n  bad \x1b]0;pwned\x07 request\nsecond line\n".to_vec(),
        ),
        "/text" => (
            "200 OK",
            "text/plain",
            b"hello, this is not a profile\n".to_vec(),
        ),
        "/garbage" => {
            // A gzip header, then noise.
            let mut body = vec![0x1f, 0x8b, 0x08, 0x00];
            body.extend((0u32..4000).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
            ("200 OK", octets, body)
        }
        "/redirect" => {
            let _ = write!(
                stream,
                "HTTP/1.1 302 Found\r\nLocation: /debug/pprof/heap\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = stream.flush();
            return;
        }
        "/unsized" => {
            // No Content-Length: the size is only known by reading.
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: {octets}\r\nConnection: close\r\n\r\n"
            );
            let _ = stream.write_all(&fixture(HEAP));
            let _ = stream.flush();
            return;
        }
        _ => (
            "404 Not Found",
            "text/plain",
            b"404 page not found\n".to_vec(),
        ),
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
    let _ = stream.flush();
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

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ppt-fetch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

// ---------------------------------------------------------------------------
// Success.

#[test]
fn top_via_url_equals_top_via_file() {
    let server = Server::start();
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
    let server = Server::start();
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
    let server = Server::start();
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
    let server = Server::start();
    let out = ppt(&["--top", &server.url("/redirect")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), stdout(&ppt(&["--top", HEAP])));
    assert_eq!(server.requests(), ["/redirect", "/debug/pprof/heap"]);
}

#[test]
fn an_existing_file_wins_over_host_port() {
    let dir = temp_dir("file-wins");
    std::fs::copy(fixture_path(HEAP), dir.join("127.0.0.1:1")).unwrap();
    let out = ppt_in(&dir, &["--top", "127.0.0.1:1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), stdout(&ppt(&["--top", HEAP])));
    assert!(!stderr(&out).contains("Fetching"), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------
// Saving.

#[test]
fn save_writes_the_bytes_as_received() {
    let server = Server::start();
    let dir = temp_dir("save");
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
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn nothing_is_saved_when_the_fetch_fails() {
    let server = Server::start();
    let dir = temp_dir("save-fail");
    let saved = dir.join("x.pb.gz");
    let out = ppt(&[
        "--top",
        "--save",
        saved.to_str().unwrap(),
        &server.url("/text"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!saved.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn save_into_a_missing_directory_is_an_error() {
    let server = Server::start();
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
    let server = Server::start();
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
    let server = Server::start();
    let out = ppt(&["--top", "--timeout", "1", &server.url("/slow?ms=1500")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), stdout(&ppt(&["--top", HEAP])));
}

#[test]
fn server_errors_show_the_servers_explanation() {
    let server = Server::start();
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
    let server = Server::start();
    let url = server.url("/text");
    let line = expect_error(&["--top", &url], &url);
    assert!(line.contains("not a pprof profile"), "{line}");
    let url = server.url("/garbage");
    let line = expect_error(&["--top", &url], &url);
    assert!(line.contains("corrupt or truncated gzip data"), "{line}");
}

#[test]
fn the_download_is_capped() {
    let server = Server::start();
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

fn tmux_available() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(std::env::var("CI").is_err(), "tmux is required under CI");
        eprintln!("tmux not installed: skipping the terminal test");
    }
    found
}

struct Tmux(String);

impl Tmux {
    fn capture(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.0, "capture-pane", "-p", "-J"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let screen = self.capture();
            if screen.contains(text) || Instant::now() > deadline {
                return screen;
            }
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.0, "kill-server"])
            .status();
    }
}

#[test]
fn a_counter_ticks_on_a_terminal_while_waiting() {
    if !tmux_available() {
        return;
    }
    let server = Server::start();
    let command = format!(
        "env -u http_proxy -u HTTP_PROXY -u https_proxy -u HTTPS_PROXY -u all_proxy -u ALL_PROXY {} --top --seconds 3 '{}' > /dev/null; echo exit-$?; sleep 30",
        env!("CARGO_BIN_EXE_ppt"),
        server.url("/slow?ms=3500")
    );
    let tmux = Tmux(format!("ppt-fetch-{}", std::process::id()));
    let status = Command::new("tmux")
        .args(["-L", &tmux.0, "-f", "/dev/null", "new-session", "-d"])
        .args(["-x", "160", "-y", "20", &command])
        .status()
        .unwrap();
    assert!(status.success());
    let screen = tmux.wait_for("Waiting for the profile... 2s of 3s");
    assert!(
        screen.contains("Waiting for the profile... 2s of 3s"),
        "no counter:\n{screen}"
    );
    assert!(screen.contains("Please wait... (3s)"), "{screen}");
    let screen = tmux.wait_for("exit-0");
    assert!(screen.contains("exit-0"), "fetch did not finish:\n{screen}");
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
    let server = Server::start_tls();
    let port = server.addr.port();
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
    let server = Server::start_tls();
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
    let server = Server::start();
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
    let server = Server::start();
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
    let server = Server::start();
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
    let server = Server::start();
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
    let dir = temp_dir("lib-save");
    let path = dir.join("saved.pprof");
    ppt::fetch::save(&path, &first.bytes).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), first.bytes);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_source_names_its_url_in_errors() {
    let server = Server::start();
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
