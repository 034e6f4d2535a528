//! The real `ppt` binary in a real terminal (tmux): the source of a Go
//! fixture's function opened from the table, scrolled, handed to the
//! editor (`e`) and back; then a label value chosen in the tags view, after
//! which the table is `go tool pprof -top -tagfocus` of it (recorded).
//!
//! Needs tmux; without it the test is skipped with a note, except under CI.

mod common;

use common::{Terminal, tmux_available};
use std::time::Duration;

/// The recorded `-top` rows (after the `flat flat%` header).
fn recorded_rows(path: &str) -> Vec<String> {
    let text = std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR")))
        .expect("recorded output");
    text.lines()
        .skip_while(|l| !l.trim_start().starts_with("flat"))
        .skip(1)
        .map(|l| l.trim_end().to_string())
        .collect()
}

/// The table's rows on screen, without borders (the table is the first
/// pane; its rows start on the fifth line).
fn table_rows(screen: &str, n: usize) -> Vec<String> {
    screen
        .lines()
        .skip(4)
        .take(n)
        .map(|l| {
            l.split('│')
                .nth(1)
                .unwrap_or_default()
                .trim_end()
                .to_string()
        })
        .collect()
}

/// The `-list` line of `number` in `recorded` (numbers and line number,
/// without the `:` and the text).
fn listed(recorded: &str, number: i64) -> String {
    recorded
        .lines()
        .find(|l| {
            l.get(22..28)
                .is_some_and(|n| n.trim() == number.to_string())
                && l.get(28..29) == Some(":")
        })
        .map(|l| l[..28].to_string())
        .unwrap_or_else(|| panic!("line {number} is listed"))
}

#[test]
fn source_scrolled_edited_and_a_tag_focused() {
    if !tmux_available() {
        return;
    }
    let scratch = tempfile::tempdir().expect("a scratch directory");
    let args_file = scratch.path().join("editor-args");
    let editor = scratch.path().join("editor.sh");
    // An editor that notes its arguments and appends a comment to the
    // line it was given.
    std::fs::write(
        &editor,
        format!(
            "#!/bin/sh\necho \"$@\" > '{}'\nsed -i \"${{1#+}}s|\\$| // edited here|\" \"$2\"\n",
            args_file.display()
        ),
    )
    .expect("the editor script");
    // The sources in a scratch copy, which the editor changes.
    let src = scratch.path().join("src");
    std::fs::create_dir(&src).expect("src");
    std::fs::copy(
        format!(
            "{}/tests/fixtures/go/expected2/src/main.go",
            env!("CARGO_MANIFEST_DIR")
        ),
        src.join("main.go"),
    )
    .expect("main.go copied");
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("executable");
    let t: Terminal = common::tmux::Launch::new("source-tags")
        .env("VISUAL", "")
        .env("EDITOR", editor.to_str().expect("a UTF-8 path"))
        .ppt(&[
            "--source-path",
            src.to_str().expect("a UTF-8 path"),
            "--trim-path",
            "/srv/shop:/usr/local/go/src",
            "tests/fixtures/go/heap.pprof",
        ]);
    let screen = t.wait_for("the table", |s| s.contains("Top ·"));
    assert!(
        table_rows(&screen, 1)[0].ends_with("main.sortWork"),
        "{screen}"
    );

    // The source of the first row, opened at its hottest line, with the
    // numbers of `go tool pprof -list`.
    t.keys(&["l"]);
    let screen = t.wait_for("the source view", |s| {
        s.contains("Source · main.sortWork") && s.contains("xs := make([]int, n)")
    });
    let recorded = std::fs::read_to_string(format!(
        "{}/tests/fixtures/go/expected2/heap.pprof.list.txt",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("recorded -list");
    for number in 32..=47 {
        let want = listed(&recorded, number);
        assert!(
            screen.lines().any(|l| l.contains(&want)),
            "line {number}: {want:?} in\n{screen}"
        );
    }
    assert!(
        screen.contains("main.sortWork in main.go  flat 36.10MB cum 36.10MB (36.80% of total)"),
        "{screen}"
    );
    // Opened on line 37, the hottest: the 7th row of the listing.
    let counter = |s: &str| {
        s.lines()
            .next_back()
            .into_iter()
            .chain(s.lines())
            .find_map(|l| {
                l.contains("Source ·")
                    .then(|| l.rsplit(' ').nth(1).unwrap_or_default().to_string())
            })
            .unwrap_or_default()
    };
    let opened = counter(&screen);
    assert!(opened.starts_with("7/"), "{opened}");

    // Scrolled to the end and back up a page.
    t.keys(&["G"]);
    let total = opened.trim_start_matches("7/").to_string();
    t.wait_for("the last line", |s| {
        counter(s) == format!("{total}/{total}")
    });
    t.keys(&["k", "k"]);
    let screen = t.wait_for("two lines up", |s| {
        let n: usize = total.parse().unwrap_or(0);
        counter(s) == format!("{}/{total}", n - 2)
    });

    // The editor gets the file at the line under the cursor; the explorer
    // comes back as it was.
    t.keys(&["e"]);
    let mut args = String::new();
    for _ in 0..200 {
        args = std::fs::read_to_string(&args_file).unwrap_or_default();
        if !args.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    assert!(
        args.trim_end()
            .ends_with(&format!("{}", src.join("main.go").display())),
        "{args}"
    );
    let line: i64 = args
        .trim_start_matches('+')
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("+LINE in {args:?}"));
    // Back as it was (same line under the cursor), the file read again.
    let back = t.wait_for("the explorer again", |s| {
        s.contains("Source · main.sortWork")
            && counter(s) == counter(&screen)
            && s.contains("// edited here")
    });
    assert!(t.alternate_screen(), "full screen again");
    assert!(
        back.lines()
            .any(|l| l.contains(&format!(" {line} ")) && l.contains("// edited here")),
        "line {line} edited on screen:\n{back}"
    );

    // The tags view: pprof's numbers; Enter on the first value (160kB)
    // sets it as the tag focus, and the table is `-top -tagfocus`.
    t.keys(&["Escape"]);
    t.wait_for("the table", |s| s.contains("Top ·"));
    t.keys(&["#"]);
    let screen = t.wait_for("the tags view", |s| s.contains("Tags ·"));
    assert!(screen.contains("bytes: Total 98.1MB"), "{screen}");
    assert!(
        screen
            .lines()
            .any(|l| l.contains("36.1MB") && l.contains("36.80%") && l.contains("160kB")),
        "{screen}"
    );
    t.keys(&["Enter"]);
    let want = recorded_rows("tests/fixtures/go/expected2/heap.pprof.tags.f3.top.txt");
    // The filter is said at once; the table follows from the worker.
    let screen = t.wait_for("the tag focus", |s| {
        s.contains("tagfocus=bytes=163840bytes") && s.contains("Top ·") && !s.contains("computing…")
    });
    assert_eq!(table_rows(&screen, want.len()), want, "{screen}");
    t.keys(&["q"]);
}
