//! A profile that changes under the explorer: a refresh keeps what the user
//! chose (sample type, filters, sort, selection), a failed one keeps the
//! data and says why, `w` saves the bytes as received; and the real binary
//! with `--refresh 1s` against a loopback HTTP server whose profile changes,
//! then fails (tmux).

mod common;

use common::{Terminal, current, tmux_available};
use ppt::analysis::order::SortKey;
use ppt::profile::{DecodeOptions, Profile, decode, pb};
use ppt::tui::app::Mode;
use ppt::tui::{Action, App, Settings};
use prost::Message;
use ratatui::Terminal as Screen;
use ratatui::backend::TestBackend;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

fn fixture_bytes(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).expect("fixture reads")
}

/// tests/fixtures/go/heap.pprof with every sample value doubled (same
/// functions, same order, other numbers), undecompressed.
fn doubled_heap() -> Vec<u8> {
    let gz = fixture_bytes("tests/fixtures/go/heap.pprof");
    let mut raw = Vec::new();
    flate2::read::MultiGzDecoder::new(&gz[..])
        .read_to_end(&mut raw)
        .expect("gunzip");
    let mut p = pb::Profile::decode(&raw[..]).expect("a profile");
    for s in &mut p.sample {
        for v in &mut s.value {
            *v *= 2;
        }
    }
    p.encode_to_vec()
}

fn profile(bytes: &[u8]) -> Profile {
    decode(bytes, &DecodeOptions::default()).expect("decodes")
}

fn selected_name(app: &App) -> String {
    app.name(app.selected().expect("a selection")).to_string()
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Action::Insert(c));
    }
}

#[test]
fn a_refresh_keeps_sample_type_filters_sort_and_selection() {
    let a = profile(&fixture_bytes("tests/fixtures/go/heap.pprof"));
    let b = profile(&doubled_heap());
    let mut app = App::new(&a, Settings::new(&a, "heap.pprof"));
    app.update(Action::PickSample(1)); // alloc_space
    app.update(Action::CycleSort); // cum
    app.update(Action::OpenFilter);
    app.update(Action::Down);
    app.update(Action::Down);
    type_text(&mut app, "store");
    app.update(Action::Confirm);
    assert_eq!(app.filters.focus.as_ref().unwrap().as_str(), "store");
    app.update(Action::Down);
    app.update(Action::Down);
    let name = selected_name(&app);
    let cursor = app.cursor;
    let total = app.view.report.total;

    let refreshed = app.reopen(&b);
    assert_eq!(refreshed.k, 1, "sample type kept");
    assert_eq!(refreshed.sort, SortKey::Cum, "sort kept");
    assert_eq!(refreshed.granularity, app.granularity, "granularity kept");
    assert_eq!(
        refreshed.filters.focus.as_ref().unwrap().as_str(),
        "store",
        "filters kept"
    );
    assert_eq!(selected_name(&refreshed), name, "selection kept");
    assert_eq!(refreshed.cursor, cursor);
    assert_eq!(refreshed.view.report.total, 2 * total, "the new numbers");
    assert!(
        !refreshed.waiting_for_edges(),
        "callers and callees computed"
    );
    assert_eq!(refreshed.calls.node, refreshed.selected());
}

#[test]
fn a_refresh_follows_the_function_by_name_when_rows_move() {
    let a = profile(&fixture_bytes("tests/fixtures/go/heap.pprof"));
    let mut app = App::new(&a, Settings::new(&a, "heap.pprof"));
    app.update(Action::End);
    let name = selected_name(&app);
    // Sorted by name in the new profile: the function is on another row.
    app.update(Action::CycleSort);
    app.update(Action::CycleSort);
    let row = app.cursor;
    let b = profile(&doubled_heap());
    let refreshed = app.reopen(&b);
    assert_eq!(selected_name(&refreshed), name);
    assert_eq!(refreshed.cursor, row);
    assert_eq!(refreshed.sort, SortKey::Name);
}

/// The explorer on `profile`, loaded just now.
fn fetched_now(profile: &Profile) -> App<'_> {
    let mut app = App::new(profile, Settings::new(profile, "heap.pprof"));
    app.set_fetched(
        Arc::from(fixture_bytes("tests/fixtures/go/heap.pprof")),
        SystemTime::now(),
    );
    app
}

#[test]
fn a_failed_refresh_keeps_the_data_and_says_why() {
    let a = profile(&fixture_bytes("tests/fixtures/go/heap.pprof"));
    let mut app = fetched_now(&a);
    app.update(Action::Down);
    let name = selected_name(&app);
    let total = app.view.report.total;
    app.refresh_failed(
        "http://127.0.0.1:1/debug/pprof/heap: server answered 500 Internal Server Error: \x1b[2Jboom\nsecond line",
    );
    let error = app.fetch.error.clone().expect("the error is kept");
    assert_eq!(
        error,
        "http://127.0.0.1:1/debug/pprof/heap: server answered 500 Internal Server Error: \\x1b[2Jboom"
    );
    let message = app.message.clone().expect("a message");
    assert!(message.error);
    assert!(
        message.text.contains("500 Internal Server Error"),
        "{message:?}"
    );
    assert!(!message.text.contains('\x1b'));
    assert_eq!(selected_name(&app), name, "same selection");
    assert_eq!(app.view.report.total, total, "same data");
    assert!(
        app.fetch.fetched_at.is_some(),
        "still says when it was fetched"
    );
    // The error stays after the next key, until a refresh succeeds.
    app.update(Action::Down);
    assert!(app.fetch.error.is_some());
    app.set_fetched(Arc::from(Vec::new()), SystemTime::now());
    assert!(app.fetch.error.is_none());
}

/// A periodic refresh that succeeds after one that failed: the failure
/// is not said any more (it stayed in the status line, carried over to the
/// new profile).
#[test]
fn a_refresh_that_succeeds_after_a_failure_clears_the_failure() {
    let a = profile(&fixture_bytes("tests/fixtures/go/heap.pprof"));
    let b = profile(&doubled_heap());
    let mut app = fetched_now(&a);
    app.refresh_failed(
        "http://127.0.0.1:1/debug/pprof/heap: server answered 500 Internal Server Error",
    );
    assert!(
        app.message
            .as_ref()
            .is_some_and(|m| m.text.contains("refresh failed"))
    );
    // What the event loop does when the next periodic load arrives.
    let mut next = App::resume(&b, app.carry());
    next.set_fetched(Arc::from(doubled_heap()), SystemTime::now());
    assert!(next.fetch.error.is_none());
    assert!(
        next.message
            .as_ref()
            .is_none_or(|m| !m.text.contains("refresh failed")),
        "{:?}",
        next.message
    );
    // A message that is not about the failure is kept.
    let mut app = fetched_now(&a);
    app.update(Action::Refresh);
    let said = app.message.clone();
    let mut next = App::resume(&b, app.carry());
    next.set_fetched(Arc::from(doubled_heap()), SystemTime::now());
    assert_eq!(next.message.map(|m| m.text), said.map(|m| m.text));
}

#[test]
fn r_without_a_source_to_load_again_says_so() {
    let a = profile(&fixture_bytes("tests/fixtures/go/heap.pprof"));
    let mut app = App::new(&a, Settings::new(&a, "heap.pprof"));
    app.update(Action::Refresh);
    assert!(app.message.as_ref().is_some_and(|m| m.error));
    assert!(!app.take_refresh_request());
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ppt-tui-refresh-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn w_saves_the_bytes_as_received() {
    let bytes = fixture_bytes("tests/fixtures/go/heap.pprof");
    let a = profile(&bytes);
    let mut app = App::new(&a, Settings::new(&a, "heap.pprof"));
    app.set_fetched(Arc::from(bytes.clone()), SystemTime::now());
    app.update(Action::Save);
    match &app.mode {
        Mode::Save(prompt) => assert!(prompt.path.starts_with("heap"), "{}", prompt.path),
        _ => panic!("the save prompt opens"),
    }
    let dir = temp_dir("save");
    let path = dir.join("saved.pb.gz");
    app.update(Action::ClearField);
    type_text(&mut app, path.to_str().unwrap());
    app.update(Action::Confirm);
    assert!(matches!(app.mode, Mode::Browse), "the prompt closes");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "identical bytes");
    let message = app.message.clone().unwrap();
    assert!(
        !message.error && message.text.contains("saved.pb.gz"),
        "{message:?}"
    );

    // An existing file: said first, overwritten on a second Enter.
    std::fs::write(&path, b"old").unwrap();
    app.update(Action::Save);
    app.update(Action::ClearField);
    type_text(&mut app, path.to_str().unwrap());
    app.update(Action::Confirm);
    assert!(matches!(app.mode, Mode::Save(_)), "still asking");
    assert!(app.message.as_ref().unwrap().text.contains("exists"));
    assert_eq!(std::fs::read(&path).unwrap(), b"old");
    app.update(Action::Confirm);
    assert!(matches!(app.mode, Mode::Browse));
    assert_eq!(std::fs::read(&path).unwrap(), bytes);

    // Esc leaves everything as it is.
    app.update(Action::Save);
    app.update(Action::Close);
    assert!(matches!(app.mode, Mode::Browse));
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- end to end: the real binary in tmux against a loopback server ----

/// What the server answers.
#[derive(Clone)]
enum Answer {
    Profile(Vec<u8>),
    Error,
}

/// An HTTP server on 127.0.0.1 answering every request with the current
/// [`Answer`].
struct Server {
    port: u16,
    answer: Arc<Mutex<Answer>>,
}

impl Server {
    fn start(answer: Answer) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let answer = Arc::new(Mutex::new(answer));
        let shared = Arc::clone(&answer);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                    if line == "\r\n" {
                        break;
                    }
                    line.clear();
                }
                let answer = shared.lock().unwrap().clone();
                let (status, body) = match answer {
                    Answer::Profile(bytes) => ("200 OK", bytes),
                    Answer::Error => (
                        "500 Internal Server Error",
                        b"profiling is broken today\n".to_vec(),
                    ),
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(&body);
            }
        });
        Server { port, answer }
    }

    fn set(&self, answer: Answer) {
        *self.answer.lock().unwrap() = answer;
    }
}

/// The header's total (` total 98.08MB · showing …`).
fn total(screen: &str) -> String {
    screen
        .lines()
        .find_map(|l| l.strip_prefix(" total "))
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn refresh_follows_the_server_and_keeps_the_selection() {
    if !tmux_available() {
        return;
    }
    let server = Server::start(Answer::Profile(fixture_bytes(
        "tests/fixtures/go/heap.pprof",
    )));
    let t = Terminal::start("follow");
    let command = format!(
        "{} --refresh 1s http://127.0.0.1:{}/debug/pprof/heap",
        env!("CARGO_BIN_EXE_ppt"),
        server.port
    );
    t.tmux(&["send-keys", "-l", &command]);
    t.keys(&["Enter"]);
    let first = t.wait_for("the explorer", |s| {
        s.contains("Top ·") && s.contains("main.sortWork") && s.contains("fetched ")
    });
    let total_a = total(&first);
    assert!(!total_a.is_empty(), "{first}");
    // Select the third row.
    t.keys(&["j", "j"]);
    let screen = t.wait_for("the third row selected", |s| {
        !current(s).is_empty() && !current(s).contains("sortWork")
    });
    let selected = current(&screen);

    server.set(Answer::Profile(doubled_heap()));
    let screen = t.wait_for("the new numbers", |s| {
        !total(s).is_empty() && total(s) != total_a
    });
    assert_eq!(current(&screen), selected, "same function:\n{screen}");
    let total_b = total(&screen);

    server.set(Answer::Error);
    let screen = t.wait_for("the error", |s| s.contains("500 Internal Server Error"));
    assert!(screen.contains("refresh failed"), "{screen}");
    assert_eq!(total(&screen), total_b, "the data stays:\n{screen}");
    assert_eq!(current(&screen), selected, "{screen}");
    assert!(screen.contains("Top ·"), "{screen}");

    // `r` fetches at once: the server is back.
    server.set(Answer::Profile(fixture_bytes(
        "tests/fixtures/go/heap.pprof",
    )));
    t.keys(&["r"]);
    let screen = t.wait_for("the first numbers again", |s| {
        total(s) == total_a && !s.contains("refresh failed")
    });
    assert_eq!(current(&screen), selected, "{screen}");
    t.keys(&["q"]);
    t.wait_for("the shell", |s| !s.contains("Top ·"));
}

#[test]
fn w_in_the_explorer_writes_what_the_server_sent() {
    if !tmux_available() {
        return;
    }
    let bytes = fixture_bytes("tests/fixtures/go/heap.pprof");
    let server = Server::start(Answer::Profile(bytes.clone()));
    let dir = temp_dir("e2e-save");
    let t = Terminal::start("save");
    let command = format!(
        "cd {} && {} http://127.0.0.1:{}/debug/pprof/heap",
        dir.display(),
        env!("CARGO_BIN_EXE_ppt"),
        server.port
    );
    t.tmux(&["send-keys", "-l", &command]);
    t.keys(&["Enter"]);
    t.wait_for("the explorer", |s| {
        s.contains("Top ·") && s.contains("main.sortWork")
    });
    t.keys(&["w"]);
    t.wait_for("the prompt", |s| s.contains("save to: heap.pb.gz"));
    t.keys(&["Enter"]);
    t.wait_for("the confirmation", |s| {
        s.contains("saved the profile in heap.pb.gz")
    });
    assert_eq!(std::fs::read(dir.join("heap.pb.gz")).unwrap(), bytes);
    t.keys(&["q"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The first line of `app` drawn `width` columns wide.
fn header_line(app: &mut App, width: u16) -> String {
    let mut terminal = Screen::new(TestBackend::new(width, 24)).unwrap();
    terminal.draw(|frame| app.render(frame)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..width)
        .map(|x| buffer[(x, 0)].symbol())
        .collect::<String>()
        .trim_end()
        .to_string()
}

#[test]
fn the_header_says_when_the_profile_was_read_and_drops_the_clock_before_cutting_it() {
    let a = profile(&fixture_bytes("tests/fixtures/go/heap.pprof"));
    let mut app = fetched_now(&a);
    let wide = header_line(&mut app, 200);
    assert!(wide.contains("· read ") && wide.ends_with(" UTC"), "{wide}");
    // At 120 columns the clock does not fit: the age alone is shown.
    let narrow = header_line(&mut app, 120);
    assert!(
        narrow.contains("· read ") && narrow.ends_with(" ago"),
        "{narrow}"
    );
}
