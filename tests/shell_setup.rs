//! `--completions SHELL` and `--man` need no profile, print what the
//! shell and man(1) read, and refuse to be mixed with a profile.

use std::process::Command;

fn ppt(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ppt"))
        .args(args)
        .output()
        .expect("ppt runs")
}

#[test]
fn completions_and_man_page_without_a_profile() {
    for (shell, start) in [
        ("bash", "_ppt() {"),
        ("zsh", "#compdef ppt"),
        ("fish", "complete -c ppt "),
    ] {
        let out = ppt(&["--completions", shell]);
        assert!(out.status.success(), "{shell}: {out:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.starts_with(start), "{shell}: {text}");
        assert!(text.contains("diff-base"), "{shell}: {text}");
    }
    let out = ppt(&["--man"]);
    assert!(out.status.success(), "{out:?}");
    let man = String::from_utf8_lossy(&out.stdout);
    assert!(man.contains(".TH ppt 1"), "{man}");
    assert!(man.contains("\\-\\-sample\\-index"), "{man}");
}

#[test]
fn completions_are_not_mixed_with_a_profile() {
    let out = ppt(&["--completions", "bash", "heap.pprof"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let out = ppt(&["--completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    // Without either, the profile is still required.
    let out = ppt(&[]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("<PROFILE>"));
}
