//! Signals never leave the terminal broken: the real explorer in tmux,
//! killed by TERM, HUP, INT, QUIT or USR1, gives the terminal back (no
//! alternate screen, cursor shown, no mouse tracking, echo and canonical
//! mode back in `stty`) and ends with the conventional status (128 + n);
//! stopped by SIGTSTP or C-z, it gives the terminal back to the shell and
//! takes it again, redrawn, on `fg`.
//!
//! Needs tmux; without it the tests are skipped with a note, except under
//! CI (CI set), where they fail so the check cannot silently disappear.

mod common;

use common::{PROMPT, Terminal, tmux_available};
use std::process::Command;
use std::time::{Duration, Instant};

/// The explorer on the heap profile in a fresh terminal, its process id.
fn open(name: &str) -> (Terminal, u32) {
    let t = Terminal::start(name);
    // No core file from SIGQUIT.
    t.type_text("ulimit -c 0");
    t.keys(&["Enter"]);
    t.run(&format!(
        "{} {}/assets/heap.pprof",
        env!("CARGO_BIN_EXE_ppt"),
        env!("CARGO_MANIFEST_DIR")
    ));
    t.wait_for("the explorer", |s| {
        s.contains("Top ·") && s.contains("main.sortWork")
    });
    assert!(t.alternate_screen());
    let pid = explorer_pid(&t);
    (t, pid)
}

/// The shell's child: ppt.
fn explorer_pid(t: &Terminal) -> u32 {
    let shell = t.format("#{pane_pid}");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let children = std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children"))
            .unwrap_or_default();
        if let Some(pid) = children.split_whitespace().next() {
            return pid.parse().unwrap();
        }
        assert!(Instant::now() < deadline, "no child of the shell {shell}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn kill(pid: u32, signal: &str) {
    let ok = Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "kill -{signal} {pid}");
}

/// The terminal as the shell needs it: out of the alternate screen, the
/// cursor shown, no mouse tracking, and `stty` showing echo and canonical
/// input (typed with the prompt back, so the check runs in the shell).
fn assert_terminal_given_back(t: &Terminal, what: &str) {
    assert!(
        !t.alternate_screen(),
        "{what}: still in the alternate screen"
    );
    assert_eq!(t.format("#{cursor_flag}"), "1", "{what}: cursor hidden");
    let mouse =
        t.format("#{mouse_any_flag}#{mouse_button_flag}#{mouse_standard_flag}#{mouse_sgr_flag}");
    assert_eq!(mouse, "0000", "{what}: mouse tracking left on");
    t.type_text("clear; stty -a | tr ' ;' '\\n\\n' | grep -x -e echo -e icanon -e -echo -e -icanon | sort | tr '\\n' ' '; echo stty-done");
    t.keys(&["Enter"]);
    let screen = t.wait_for("stty", |s| {
        s.contains("stty-done\n") || s.lines().any(|l| l.ends_with("stty-done"))
    });
    assert!(
        screen.contains("echo icanon stty-done"),
        "{what}: the terminal modes were not restored:\n{screen}"
    );
}

#[test]
fn ending_signals_give_the_terminal_back_with_the_conventional_status() {
    if !tmux_available() {
        return;
    }
    for (signal, number) in [
        ("TERM", 15),
        ("HUP", 1),
        ("QUIT", 3),
        ("USR1", 10),
        ("INT", 2),
    ] {
        let (t, pid) = open(&format!("sig{signal}"));
        kill(pid, signal);
        // An interactive shell abandons the rest of the line when a
        // command dies of SIGINT, as when C-c is typed: ask for $? then.
        let screen = if signal == "INT" {
            t.wait_for("the prompt", |s| {
                !s.contains("Top ·") && s.trim_end().ends_with(PROMPT.trim_end())
            });
            t.type_text("echo exit=$?");
            t.keys(&["Enter"]);
            t.wait_for("the status", |s| s.contains("exit=1"))
        } else {
            t.wait_for("the status", |s| s.contains("exit="))
        };
        let want = format!("exit={}", 128 + number);
        assert!(
            screen.contains(&want),
            "SIG{signal}: {want} expected:\n{screen}"
        );
        assert!(
            !screen.contains("Top ·"),
            "SIG{signal}: the explorer is still on screen:\n{screen}"
        );
        assert_terminal_given_back(&t, &format!("SIG{signal}"));
    }
}

#[test]
fn a_stop_gives_the_terminal_back_and_fg_takes_it_again() {
    if !tmux_available() {
        return;
    }
    for how in ["SIGTSTP", "C-z"] {
        let (t, pid) = open(&format!("stop{}", how.len()));
        if how == "C-z" {
            t.keys(&["C-z"]);
        } else {
            kill(pid, "TSTP");
        }
        t.wait_for("the shell's job notice", |s| s.contains("Stopped"));
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let state = state.rsplit(") ").next().unwrap_or_default().chars().next();
        assert_eq!(state, Some('T'), "{how}: ppt is stopped");
        assert_terminal_given_back(&t, how);

        t.type_text("fg");
        t.keys(&["Enter"]);
        let screen = t.wait_for("the explorer again", |s| {
            s.contains("Top ·") && s.contains("main.sortWork") && s.contains("Callers")
        });
        assert!(t.alternate_screen(), "{how}: full screen again:\n{screen}");
        assert_ne!(
            t.format("#{mouse_any_flag}#{mouse_sgr_flag}"),
            "00",
            "{how}: the mouse is captured again"
        );
        // Raw mode again: a key acts at once (no Enter), and is not echoed.
        t.keys(&["j"]);
        t.wait_for("the second row", |s| s.contains("2/76"));
        t.keys(&["q"]);
        t.wait_for("the prompt", |s| !s.contains("Top ·"));
        t.type_text("echo exit=$?");
        t.keys(&["Enter"]);
        t.wait_for("the status", |s| s.contains("exit=0"));
        assert_terminal_given_back(&t, &format!("{how}, fg, q"));
    }
}
