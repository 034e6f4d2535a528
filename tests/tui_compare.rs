//! Comparisons in the real binary, in tmux: `ppt --diff-base` opens the
//! explorer on the comparison (the deltas, the base and new values, the
//! orders of change, a drill-down); the differential flame graph (moves,
//! a zoom, the change in the status line, a vanished frame reached);
//! several profiles open merged; and the live case: `--refresh 1s` against a loopback server whose heap profile
//! grows with every request, `b` to take a base, and the next refreshes
//! show the growth as positive deltas.

mod common;

use common::http::{Response, Server};
use common::tmux::{Exit, Launch, WAIT};
use common::{current, tmux_available};
use prost::Message;
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

const NEW: &str = "tests/fixtures/go/heap.pprof";
const BASE: &str = "tests/fixtures/go2/heap.pprof";

/// The table's data rows (between its column titles and its border).
fn table_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip_while(|l| !l.contains("Δ flat"))
        .skip(1)
        .take_while(|l| !l.starts_with('└'))
        .map(|l| {
            // The table's own cell, when the side pane is beside it.
            let row = l.trim_start_matches('│');
            row.split('│').next().unwrap_or("").to_string()
        })
        .collect()
}

#[test]
fn a_comparison_opens_with_deltas_flips_its_order_and_drills_down() {
    if !tmux_available() {
        return;
    }
    let t = Launch::new("compare")
        .size(120, 32)
        .env("NO_COLOR", "1")
        .ppt(&["--sample-index=inuse_space", "--diff-base", BASE, NEW]);
    let screen = t.wait_for("the comparison", |s| {
        s.contains("sort growth") && s.contains("main.sortWork")
    });
    assert!(
        screen.contains(
            "tests/fixtures/go/heap.pprof (2026-11-26 06:36:03) − base \
             tests/fixtures/go2/heap.pprof (2026-12-07 14:54:42 UTC)"
        ),
        "what is compared with what, and when each was taken:\n{screen}"
    );
    let rows = table_rows(&screen);
    // Δ flat, its share, base flat, new flat, Δ cum, in the explorer's
    // units: the change is what `go tool pprof -top -diff_base` prints
    // (20.62MB, 45.72%: tests/fixtures/go/expected2/heap.pprof.diff.top.txt),
    // the new value what it prints for tests/fixtures/go/heap.pprof alone
    // (36963.58kB, 36.10MB).
    let first: Vec<&str> = rows[0].split_whitespace().collect();
    assert_eq!(
        first,
        [
            "+20.62MB",
            "+45.72%",
            "15.47MB",
            "36.10MB",
            "+20.62MB",
            "main.sortWork"
        ],
        "{screen}"
    );
    assert!(rows[1].contains("21.01MB") && rows[1].contains("encoding/json.Marshal"));

    // The largest shrink first.
    t.keys(&["d"]);
    let screen = t.wait_for("the shrink order", |s| s.contains("sort shrink"));
    let rows = table_rows(&screen);
    let delta = |row: &str| row.split_whitespace().next().unwrap_or("").to_string();
    assert!(
        !delta(&rows[0]).starts_with('+'),
        "no growth first:\n{screen}"
    );
    assert!(screen.contains("largest shrink first"), "{screen}");
    assert!(
        screen.contains(" 1/"),
        "the cursor on the first row:\n{screen}"
    );

    // Back to growth through pprof's order.
    t.keys(&["d"]);
    t.wait_for("pprof's order", |s| s.contains("sort flat"));
    t.keys(&["d"]);
    let screen = t.wait_for("growth again", |s| s.contains("sort growth"));
    assert!(table_rows(&screen)[0].contains("main.sortWork"));

    // Drill down: the second row's callers and callees, with the change.
    t.keys(&["j", "Enter"]);
    let screen = t.wait_for("the calls of Marshal", |s| {
        current(s) == "encoding/json.Marshal" && s.contains("8.92MB → 21.01MB")
    });
    assert!(
        screen.contains("+12.26MB"),
        "the callers' change:\n{screen}"
    );
    t.keys(&["Enter"]);
    let screen = t.wait_for("one call down", |s| {
        current(s) != "encoding/json.Marshal" && !current(s).is_empty()
    });
    assert!(screen.contains("trail"), "{screen}");
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(WAIT), Exit::Code(0));
}

#[test]
fn several_profiles_open_merged_and_say_how_many() {
    if !tmux_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("a scratch directory");
    let at = |p: &str| format!("{}/{p}", env!("CARGO_MANIFEST_DIR"));
    let (new, base) = (at(NEW), at(BASE));
    let t = Launch::new("merged")
        .size(120, 32)
        .env("NO_COLOR", "1")
        .dir(dir.path())
        .ppt(&[&new, &base, &new]);
    let screen = t.wait_for("the merged profile", |s| s.contains("3 profiles merged"));
    assert!(
        screen.contains("Top ·") && screen.contains("main.sortWork"),
        "{screen}"
    );
    assert!(!screen.contains("Δ flat"), "no comparison:\n{screen}");
    // `w` saves the merged profile, which reads back as itself.
    t.keys(&["w"]);
    t.wait_for("the prompt", |s| {
        s.contains("save to: 3_profiles_merged.pb.gz")
    });
    t.keys(&["Enter"]);
    t.wait_for("the confirmation", |s| s.contains("saved the profile"));
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(WAIT), Exit::Code(0));
    let top = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ppt"))
            .arg("--top")
            .args(args)
            .output()
            .expect("ppt runs");
        assert!(out.status.success());
        String::from_utf8(out.stdout).expect("text")
    };
    let saved = dir.path().join("3_profiles_merged.pb.gz");
    let saved = saved.to_str().expect("a path");
    // The report's lines after File, Type and Time.
    let body = |report: String| report.lines().skip(3).collect::<Vec<_>>().join("\n");
    let merged = body(top(&[&new, &base, &new]));
    assert!(merged.contains("main.sortWork"));
    assert_eq!(body(top(&[saved])), merged);
}

/// tests/fixtures/go/heap.pprof with every value times `factor`,
/// gzipped as a server sends it.
fn heap_times(factor: i64) -> Vec<u8> {
    let gz = std::fs::read(format!("{}/{NEW}", env!("CARGO_MANIFEST_DIR"))).expect("fixture");
    let mut raw = Vec::new();
    flate2::read::MultiGzDecoder::new(&gz[..])
        .read_to_end(&mut raw)
        .expect("gunzip");
    let mut p = ppt::profile::pb::Profile::decode(&raw[..]).expect("a profile");
    for s in &mut p.sample {
        for v in &mut s.value {
            *v *= factor;
        }
    }
    p.encode_to_vec()
}

#[test]
fn watching_a_live_heap_grow_against_a_base_taken_with_b() {
    if !tmux_available() {
        return;
    }
    // Each request gets a heap a little bigger than the one before.
    let served = Arc::new(AtomicI64::new(0));
    let count = Arc::clone(&served);
    let server = Server::start(move |_| {
        let n = count.fetch_add(1, Ordering::SeqCst) + 1;
        Response::profile(heap_times(n))
    });
    let url = server.url("/debug/pprof/heap");
    let t = Launch::new("live")
        .size(120, 32)
        .env("NO_COLOR", "1")
        .ppt(&["--refresh", "1s", &url]);
    t.wait_for("the explorer", |s| {
        s.contains("Top ·") && s.contains("fetched")
    });
    t.keys(&["b"]);
    let screen = t.wait_for("the base taken", |s| s.contains("− base"));
    assert!(
        screen.contains("taken"),
        "when the base was taken:\n{screen}"
    );
    let taken = served.load(Ordering::SeqCst);
    // The next refreshes: the growth since the base, as positive deltas.
    let screen = t.wait_for("the growth", |s| {
        table_rows(s)
            .first()
            .is_some_and(|r| r.trim_start().starts_with('+') && r.contains("main.sortWork"))
    });
    assert!(served.load(Ordering::SeqCst) > taken, "a newer profile");
    let rows = table_rows(&screen);
    for row in rows.iter().take(5) {
        let delta = row.split_whitespace().next().unwrap_or("");
        assert!(delta.starts_with('+'), "growth everywhere:\n{screen}");
    }
    assert!(screen.contains("sort growth"), "{screen}");
    // It keeps growing: the delta of the first row goes up.
    let first = |s: &str| -> String {
        table_rows(s)
            .first()
            .and_then(|r| r.split_whitespace().next().map(str::to_string))
            .unwrap_or_default()
    };
    let before = first(&screen);
    t.wait_for("a larger delta", |s| {
        let now = first(s);
        !now.is_empty() && now != before && now.starts_with('+')
    });
    // `b` again: the profile alone.
    t.keys(&["b"]);
    let screen = t.wait_for("the base dropped", |s| {
        !s.contains("− base") && s.contains("flat%")
    });
    assert!(!screen.contains("Δ flat"), "{screen}");
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(WAIT), Exit::Code(0));
}

/// The info line of the flame graph (the frame selected), without borders.
fn flame_info(screen: &str) -> String {
    screen
        .lines()
        .rev()
        .nth(2)
        .unwrap_or_default()
        .trim_matches(['│', ' '])
        .to_string()
}

#[test]
fn the_differential_flame_graph_moves_zooms_and_reaches_a_vanished_frame() {
    if !tmux_available() {
        return;
    }
    let t = Launch::new("diff-flame")
        .size(120, 32)
        .env("NO_COLOR", "1")
        .ppt(&["--sample-index=inuse_space", "--diff-base", BASE, NEW]);
    t.wait_for("the comparison", |s| s.contains("sort growth"));

    // F: widths by the new profile, each frame's change in the status
    // line: main.storeWork.func1 grew from 27.52MB to 59.84MB (pprof's
    // -top of each profile alone: cum of the function).
    t.keys(&["F"]);
    let screen = t.wait_for("the flame graph", |s| {
        s.contains("flame graph · icicle · widths new (d: base)")
            && flame_info(s).starts_with("main.storeWork.func1 · new ")
    });
    let info = flame_info(&screen);
    assert!(
        info.contains("new 59.84MB · base 27.52MB · Δ +32.32MB (+117%)"),
        "{screen}"
    );
    // Without colour, every frame that grew says so.
    assert!(screen.contains("│+main.storeWork.func1"), "{screen}");

    // Down to the heaviest callee, right to its sibling, and zoom.
    t.keys(&["j"]);
    t.wait_for("Store.Decode", |s| {
        flame_info(s).contains("store.(*Store).Decode · new")
    });
    t.keys(&["l"]);
    t.wait_for("Store.Put", |s| {
        flame_info(s).contains("(*Store).Put · new")
    });
    t.keys(&["Enter"]);
    let zoomed = t.wait_for("the zoom", |s| {
        s.lines()
            .nth(5)
            .is_some_and(|l| l.trim_matches(['│', ' ']) == "+store.(*Store).Put")
    });
    assert!(flame_info(&zoomed).contains(" · Δ +"), "{zoomed}");

    // A frame that vanished: found by a search, in the stub of its narrow
    // siblings; its numbers say so.
    t.keys(&["/"]);
    t.wait_for("the prompt", |s| s.contains("search (regex):"));
    t.type_text("WriteByte");
    t.keys(&["Enter"]);
    // The matches in preorder (the search selects the first), the
    // vanished one among them.
    let mut last = flame_info(&t.wait_for("the first match", |s| {
        flame_info(s).contains("WriteByte · new")
    }));
    for _ in 0..8 {
        if last.contains("(vanished)") {
            break;
        }
        t.keys(&["n"]);
        let screen = t.wait_for("the next match", |s| {
            flame_info(s) != last && flame_info(s).contains("WriteByte · new")
        });
        last = flame_info(&screen);
    }
    t.wait_for("a vanished frame", |s| {
        flame_info(s).contains("bytes.(*Buffer).WriteByte · new 0 · base 650B · Δ -650B (vanished)")
    });

    // d: the base's widths, where it has its width (650B of 27.52MB: in
    // a stub still, selected), and a zoom draws it whole.
    t.keys(&["d"]);
    t.wait_for("the base's widths", |s| s.contains("widths base (d: new)"));
    t.keys(&["Enter"]);
    let screen = t.wait_for("the vanished frame drawn", |s| {
        s.contains("│-bytes.(*Buffer).WriteByte")
    });
    assert!(flame_info(&screen).contains("(vanished)"), "{screen}");
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(WAIT), Exit::Code(0));
}
