//! The real binary in a real terminal: a tmux server of the test's own
//! (its own socket), running either a shell that commands are typed into
//! ([`Terminal::start`]) or `ppt` itself ([`Launch::ppt`]), whose exit
//! status and signal can then be read.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Whether tmux is installed. Without it the calling test is skipped with
/// a note, except under CI (CI set), where it fails so the check cannot
/// silently disappear.
pub fn tmux_available() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "tmux is required under CI"
        );
        eprintln!("note: tmux is not installed, skipping an end-to-end test");
    }
    found
}

/// The prompt of the shell [`Terminal::start`] runs.
pub const PROMPT: &str = "e2e$ ";

/// How long [`Terminal::wait_for`] waits: far more than anything takes on
/// an idle machine, enough for one that builds in parallel.
pub const WAIT: Duration = Duration::from_secs(20);

/// Proxy variables: the tests talk to loopback servers, and no proxy may
/// stand in between.
const PROXIES: [&str; 6] = [
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
];

/// How a [`Terminal`] starts: its size, environment and directory.
pub struct Launch {
    name: String,
    width: u16,
    height: u16,
    env: Vec<(String, String)>,
    dir: PathBuf,
}

impl Launch {
    /// A 120x32 terminal in the crate's directory, with `NO_COLOR` empty
    /// (colours on). `name` goes into the socket's name.
    pub fn new(name: &str) -> Launch {
        Launch {
            name: name.to_string(),
            width: 120,
            height: 32,
            env: vec![("NO_COLOR".to_string(), String::new())],
            dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        }
    }

    /// Columns and rows.
    pub fn size(mut self, width: u16, height: u16) -> Launch {
        (self.width, self.height) = (width, height);
        self
    }

    /// Sets `key` to `value` in the terminal's environment.
    pub fn env(mut self, key: &str, value: &str) -> Launch {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// The working directory of what runs in the terminal.
    pub fn dir(mut self, dir: &Path) -> Launch {
        self.dir = dir.to_path_buf();
        self
    }

    /// A shell with the prompt [`PROMPT`], on a clear screen.
    pub fn shell(self) -> Terminal {
        let t = self.spawn(&["sh"]);
        // Shells pick their own prompt for root: set one to look for.
        t.type_text(&format!("PS1='{PROMPT}'"));
        t.keys(&["Enter"]);
        t.type_text("clear");
        t.keys(&["Enter"]);
        t.wait_for("shell prompt", |s| {
            s.trim_start().starts_with(PROMPT.trim_end())
        });
        t
    }

    /// The ppt binary under test with `args`, as the terminal's only
    /// process (the shell that starts it replaces itself with ppt, so
    /// [`Terminal::kill`] signals ppt). The pane stays when ppt exits, for
    /// [`Terminal::wait_exit`] and [`Terminal::output`].
    pub fn ppt(self, args: &[&str]) -> Terminal {
        // ppt starts once the pane is ready, on the Enter sent below:
        // what a process writes in its first milliseconds, before tmux
        // has set the pane up, can be lost.
        // A file, not a key: a key sent before the shell reads it can be
        // lost, and ppt would never start.
        let go = tempfile::Builder::new()
            .prefix("ppt-go-")
            .tempdir()
            .expect("a scratch directory");
        let go_file = go.path().join("go");
        let wait = format!(
            "while [ ! -e '{}' ]; do sleep 0.02; done; exec \"$0\" \"$@\"",
            go_file.display()
        );
        let mut command = vec!["sh", "-c", &wait, env!("CARGO_BIN_EXE_ppt")];
        command.extend_from_slice(args);
        let mut t = self.spawn(&command);
        std::fs::write(&go_file, b"").expect("the go file");
        t._go = Some(go);
        t
    }

    fn spawn(self, command: &[&str]) -> Terminal {
        let config = tempfile::Builder::new()
            .prefix("ppt-tmux-")
            .tempdir()
            .expect("a scratch directory");
        let config_file = config.path().join("tmux.conf");
        // A dead pane stays (its exit status is read from it), and
        // nothing of the user's own configuration applies.
        std::fs::write(&config_file, "set -g remain-on-exit on\n").expect("tmux.conf");
        let t = Terminal {
            socket: format!("ppt-test-{}-{}", self.name, std::process::id()),
            _config: config,
            _go: None,
        };
        let mut tmux = Command::new("tmux");
        tmux.args(["-L", &t.socket, "-f"])
            .arg(&config_file)
            .args(["new-session", "-d", "-x", &self.width.to_string()])
            .args(["-y", &self.height.to_string(), "-c"])
            .arg(&self.dir);
        // No config file of the user's (`~/.config/ppt`) changes ppt's keys:
        // the scratch directory holds none, unless a test sets its own.
        if !self.env.iter().any(|(key, _)| key == "XDG_CONFIG_HOME") {
            let home = format!("XDG_CONFIG_HOME={}", t._config.path().display());
            tmux.args(["-e", &home]);
        }
        for (key, value) in &self.env {
            tmux.args(["-e", &format!("{key}={value}")]);
        }
        // The server inherits this environment: no proxy reaches ppt.
        for var in PROXIES {
            tmux.env_remove(var);
        }
        let ok = tmux.args(command).status().is_ok_and(|s| s.success());
        assert!(ok, "tmux starts");
        t
    }
}

/// A tmux server of its own (unique socket), killed when dropped.
pub struct Terminal {
    pub socket: String,
    /// Holds the configuration file until the server is gone.
    _config: tempfile::TempDir,
    /// Holds the file that starts ppt (see [`Launch::ppt`]).
    _go: Option<tempfile::TempDir>,
}

/// How the process in a [`Terminal`] ended.
#[derive(Debug, Clone, Copy)]
pub enum Exit {
    /// It exited with this status.
    Code(i32),
    /// A signal (by number) killed it.
    Signal(i32),
    /// It ended, but tmux lost how: tmux 3.3 on a loaded machine sometimes
    /// marks a pane dead without its status (`pane_dead_status` stays
    /// empty). It compares equal to any ending, so that a test checks the
    /// status wherever tmux kept it, and that the process ended always.
    Lost,
}

impl PartialEq for Exit {
    fn eq(&self, other: &Exit) -> bool {
        match (self, other) {
            (Exit::Lost, _) | (_, Exit::Lost) => true,
            (Exit::Code(a), Exit::Code(b)) | (Exit::Signal(a), Exit::Signal(b)) => a == b,
            _ => false,
        }
    }
}

impl Terminal {
    /// A 120x32 shell (see [`Launch::shell`]).
    pub fn start(name: &str) -> Terminal {
        Launch::new(name).shell()
    }

    /// Runs a tmux command on this server; its standard output.
    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Types `text` literally (no key names).
    pub fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-l", text]);
    }

    /// Presses tmux key names (`Enter`, `BSpace`, `q`, `C-c`).
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    /// The screen, once two captures in a row agree: the explorer redraws
    /// (the header's "fetched … ago" ticks), and a capture taken while a
    /// frame is being written shows half of it.
    pub fn screen(&self) -> String {
        let mut last = self.capture();
        for _ in 0..50 {
            std::thread::sleep(Duration::from_millis(15));
            let now = self.capture();
            if now == last {
                break;
            }
            last = now;
        }
        last
    }

    /// The screen as it is this instant.
    pub fn capture(&self) -> String {
        self.tmux(&["capture-pane", "-p"])
    }

    /// The screen with wrapped lines joined (long report lines).
    pub fn joined_screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-J"])
    }

    /// Everything written to the terminal that is still kept, the lines
    /// scrolled off the top included, wrapped lines joined: what a process
    /// printed before it exited (tmux scrolls a line off to say that the
    /// pane is dead).
    pub fn output(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-J", "-S", "-"])
    }

    /// Polls the screen until `ready` holds; fails after [`WAIT`] with the
    /// screen in the message.
    pub fn wait_for(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        self.wait_until(what, WAIT, ready)
    }

    /// [`Terminal::wait_for`] with a timeout of its own.
    pub fn wait_until(
        &self,
        what: &str,
        timeout: Duration,
        ready: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out after {timeout:?} waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen (wrapped lines joined) contains `text`; fails
    /// after `timeout` with the screen in the message.
    pub fn wait_for_text(&self, text: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.joined_screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out after {timeout:?} waiting for {text:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A tmux format of the pane (`#{alternate_on}`, `#{cursor_flag}`...).
    pub fn format(&self, format: &str) -> String {
        self.tmux(&["display-message", "-p", format])
            .trim()
            .to_string()
    }

    /// Resizes the window (tmux keeps the size until told otherwise).
    pub fn resize(&self, width: u16, height: u16) {
        self.tmux(&[
            "resize-window",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
        ]);
    }

    /// Runs `command` at the shell prompt, then prints its exit status
    /// as `exit=N`.
    pub fn run(&self, command: &str) {
        self.type_text(&format!("{command}; echo exit=$?"));
        self.keys(&["Enter"]);
    }

    pub fn alternate_screen(&self) -> bool {
        self.format("#{alternate_on}") == "1"
    }

    /// The process id of the pane's process: ppt under [`Launch::ppt`],
    /// the shell under [`Launch::shell`].
    pub fn pid(&self) -> u32 {
        let pid = self.format("#{pane_pid}");
        pid.parse()
            .unwrap_or_else(|_| panic!("no pane process: {pid:?}"))
    }

    /// Sends `signal` (`TERM`, `INT`, `HUP`, `KILL`...) to the pane's
    /// process (see [`Terminal::pid`]).
    pub fn kill(&self, signal: &str) {
        let ok = Command::new("kill")
            .args(["-s", signal, &self.pid().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "kill -s {signal} reaches the pane's process");
    }

    /// How the pane's process ended, if it has.
    pub fn exit(&self) -> Option<Exit> {
        let dead = self.format("#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}");
        let mut parts = dead.split(':');
        if parts.next() != Some("1") {
            return None;
        }
        let (status, signal) = (parts.next()?, parts.next()?);
        match (status.parse(), signal.parse()) {
            (_, Ok(signal)) => Some(Exit::Signal(signal)),
            (Ok(code), _) => Some(Exit::Code(code)),
            _ => Some(Exit::Lost),
        }
    }

    /// Waits for the pane's process to end (see [`Launch::ppt`]); fails
    /// after `timeout` with the screen in the message.
    pub fn wait_exit(&self, timeout: Duration) -> Exit {
        let deadline = Instant::now() + timeout;
        let mut lost_since = None;
        loop {
            match self.exit() {
                // Dead without a status: tmux may still be filling it in.
                Some(Exit::Lost) => {
                    let since = *lost_since.get_or_insert_with(Instant::now);
                    if since.elapsed() > Duration::from_secs(1) {
                        return Exit::Lost;
                    }
                }
                Some(exit) => return exit,
                None => {}
            }
            assert!(
                Instant::now() < deadline,
                "still running after {timeout:?}; screen:\n{}",
                self.capture()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}
