//! The explorer's source and tags views, as the session answers them:
//! every number equals what `go tool pprof` printed for `-list` and
//! `-tags` on the same profile and options (recorded under
//! `tests/fixtures/*/expected*`), and choosing a tag value gives the table
//! of `-top -tagfocus`.

#[path = "common/explorer.rs"]
mod explorer;

use explorer::{profile, selected_name, table_lines};
use ppt::analysis::{Filters, Pattern, TagFilter};
use ppt::explore::{Command, Session, Settings, SourceListing, SourcePaths, SourceRow, TagsView};
use ppt::report::write_tags;
use std::collections::BTreeMap;

const GO: &str = "tests/fixtures/go";
const EXTRA: &str = "tests/fixtures/extra";

fn fixture(dir: &str, file: &str) -> String {
    format!("{}/{dir}/{file}", env!("CARGO_MANIFEST_DIR"))
}

fn expected(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A session on `dir/file` whose source view looks where the recorded
/// `-list` looked.
fn session(dir: &str, file: &str, edit: impl FnOnce(&mut Settings)) -> Session {
    let p = profile(&format!("{dir}/{file}"));
    let mut settings = Settings::new(&p, file);
    edit(&mut settings);
    Session::new(p, settings)
}

fn paths(source_path: &str, trim_path: Option<&str>) -> SourcePaths {
    SourcePaths {
        source_path: Some(source_path.to_string()),
        trim_path: trim_path.map(str::to_string),
        go_roots: None,
    }
}

/// Selects the function printed as `name`.
fn select(session: &mut Session, name: &str) {
    let row = (0..session.row_count())
        .find(|&r| {
            session
                .rows(r..r + 1)
                .any(|row| session.name(row.node) == name)
        })
        .unwrap_or_else(|| panic!("{name} is in the table"));
    session.apply(Command::SelectRow(row));
    assert_eq!(selected_name(session), name);
}

/// Tabs of a source line of `-list` (after the 29 columns of numbers)
/// expanded to 4 columns, as the view shows source text (ASCII).
fn expand_tabs(line: &str) -> String {
    if line.len() < 29 || !line.is_char_boundary(29) {
        return line.to_string();
    }
    let (numbers, text) = line.split_at(29);
    let mut out = String::new();
    for c in text.chars() {
        if c == '\t' {
            let n = 4 - out.chars().count() % 4;
            out.extend(std::iter::repeat_n(' ', n));
        } else {
            out.push(c);
        }
    }
    format!("{numbers}{out}")
}

/// The recorded `-list` output by routine: `ROUTINE ... in FILE` header
/// line to the lines before the next one, tabs expanded; and the `Total:`
/// line.
fn routines(text: &str) -> (String, BTreeMap<String, Vec<String>>) {
    let mut lines = text.lines();
    let total = lines.next().expect("a Total line").to_string();
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in lines {
        if let Some(rest) = line.strip_prefix("ROUTINE ======================== ") {
            current = Some(rest.to_string());
            out.insert(rest.to_string(), Vec::new());
        } else if let Some(c) = &current {
            out.get_mut(c).expect("opened").push(expand_tabs(line));
        }
    }
    (total, out)
}

/// The source view's routines printed as `-list` prints them, from the
/// rows the view shows.
fn printed(listing: &SourceListing) -> BTreeMap<String, Vec<String>> {
    let value = |v: i64| match v {
        0 => ".".to_string(),
        v => listing.scale.format_value(v),
    };
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current = None;
    for row in &listing.rows {
        match row {
            SourceRow::Routine { file, flat, cum } => {
                let key = format!("{} in {file}", listing.function);
                out.insert(
                    key.clone(),
                    vec![format!(
                        "{:>10} {:>10} (flat, cum) {} of Total",
                        listing.scale.format_value(*flat),
                        listing.scale.format_value(*cum),
                        ppt::report::percentage(*cum, listing.total)
                    )],
                );
                current = Some(key);
            }
            SourceRow::Line(line) => {
                let c = current.as_ref().expect("a routine first");
                out.get_mut(c).expect("opened").push(format!(
                    "{:>10} {:>10} {:>6}:{}",
                    value(line.flat),
                    value(line.cum),
                    line.number,
                    line.text
                ));
            }
            SourceRow::Missing(message) => {
                let c = current.as_ref().expect("a routine first");
                out.get_mut(c)
                    .expect("opened")
                    .push(format!(" Error: {message}"));
            }
            SourceRow::Tried(_) | SourceRow::NoSource => {}
        }
    }
    out
}

/// Opens the source of every function the recorded listing has, and
/// checks that the view's routines are pprof's, line for line. Returns the
/// number of routines compared.
fn check_listing(session: &mut Session, recorded: &str) -> usize {
    check_listing_as(session, recorded, ("", ""))
}

/// [`check_listing`], with `as_recorded.0` written `as_recorded.1` in the
/// view's messages (the search path, absolute here, relative in pprof's
/// run).
fn check_listing_as(session: &mut Session, recorded: &str, as_recorded: (&str, &str)) -> usize {
    let (total, want) = routines(&expected(recorded));
    let functions: Vec<String> = want
        .keys()
        .map(|k| k.split(" in ").next().expect("a name").to_string())
        .collect();
    let mut compared = 0;
    for function in functions.iter().collect::<std::collections::BTreeSet<_>>() {
        select(session, function);
        session.apply(Command::OpenSource);
        let listing = match session.source_listing() {
            Some(Ok(listing)) => listing.clone(),
            other => panic!("{function}: {other:?}"),
        };
        assert_eq!(
            total,
            format!("Total: {}", listing.scale.format_value(listing.total)),
            "{recorded}: {function}"
        );
        for (routine, mut lines) in printed(&listing) {
            if !as_recorded.0.is_empty() {
                for line in &mut lines {
                    *line = line.replace(as_recorded.0, as_recorded.1);
                }
            }
            assert_eq!(
                Some(&lines),
                want.get(&routine),
                "{recorded}: routine {routine}"
            );
            compared += 1;
        }
        session.apply(Command::CloseSource);
        assert!(session.source_listing().is_none());
    }
    assert_eq!(compared, want.len(), "{recorded}: every routine shown");
    compared
}

#[test]
fn source_view_numbers_are_pprofs_list_go_profiles() {
    let src = fixture(GO, "expected2/src");
    for file in ["cpu.pprof", "heap.pprof"] {
        let mut s = session(GO, file, |settings| {
            settings.source_paths = paths(&src, Some("/srv/shop:/usr/local/go/src"));
        });
        let n = check_listing(&mut s, &format!("{GO}/expected2/{file}.list.txt"));
        assert!(n >= 3, "{file}: {n} routines");
    }
}

#[test]
fn source_view_numbers_are_pprofs_list_inlining_units_sample_index() {
    let src = fixture(EXTRA, "src/inl");
    let trimmed = |settings: &mut Settings| {
        settings.source_paths = paths(&src, Some("/srv/inl"));
    };
    let mut s = session(EXTRA, "inline.pb.gz", trimmed);
    let n = check_listing_as(
        &mut s,
        &format!("{EXTRA}/expected/inline.pb.gz.list.txt"),
        (&src, "src/inl"),
    );
    assert!(n >= 6, "{n} routines");

    let mut s = session(EXTRA, "inline.pb.gz", |settings| {
        trimmed(settings);
        settings.inline_frames = false;
    });
    check_listing_as(
        &mut s,
        &format!("{EXTRA}/expected/inline.pb.gz.noinlines.list.txt"),
        (&src, "src/inl"),
    );

    let mut s = session(EXTRA, "inline.pb.gz", |settings| {
        trimmed(settings);
        settings.sample_index = 0;
        settings.table.unit = Some("ms".into());
    });
    check_listing_as(
        &mut s,
        &format!("{EXTRA}/expected/inline.pb.gz.si0.unit.list.txt"),
        (&src, "src/inl"),
    );

    // pprof's heuristic for a file named by its full recorded path.
    let mut s = session(EXTRA, "inline.pb.gz", |settings| {
        settings.source_paths = paths(&src, None);
    });
    check_listing_as(
        &mut s,
        &format!("{EXTRA}/expected/inline.pb.gz.heuristic.list.txt"),
        (&src, "src/inl"),
    );
}

#[test]
fn a_file_not_found_says_pprofs_error_and_every_path_tried() {
    let mut s = session(GO, "cpu.pprof", |settings| {
        settings.source_paths = paths("nosuchdir", Some("/srv/shop:/usr/local/go/src"));
    });
    check_listing(&mut s, &format!("{GO}/expected2/cpu.pprof.list.nosrc.txt"));
    select(&mut s, "main.fib");
    s.apply(Command::OpenSource);
    let Some(Ok(listing)) = s.source_listing() else {
        panic!("a listing");
    };
    let tried: Vec<&str> = listing
        .rows
        .iter()
        .filter_map(|r| match r {
            SourceRow::Tried(path) => Some(path.as_str()),
            _ => None,
        })
        .collect();
    // The trimmed name under the search directory and each of its parents
    // (nosuchdir, then .), then the Go roots.
    assert!(tried.len() >= 2, "{tried:?}");
    assert!(tried[0].starts_with("nosuchdir/"), "{tried:?}");
    assert!(tried.iter().all(|t| t.ends_with(".go")), "{tried:?}");
}

#[test]
fn the_source_view_opens_at_the_hottest_line_and_marks_inlined_calls() {
    let src = fixture(EXTRA, "src/inl");
    let mut s = session(EXTRA, "inline.pb.gz", |settings| {
        settings.source_paths = paths(&src, Some("/srv/inl"));
    });
    select(&mut s, "main.outer");
    s.apply(Command::OpenSource);
    let Some(Ok(listing)) = s.source_listing() else {
        panic!("a listing");
    };
    let SourceRow::Line(start) = &listing.rows[listing.start] else {
        panic!("opens on a line");
    };
    let lines = listing.rows.iter().filter_map(|r| match r {
        SourceRow::Line(l) => Some(l),
        _ => None,
    });
    let best = lines.clone().map(|l| (l.flat, l.cum)).max().expect("lines");
    assert_eq!((start.flat, start.cum), best);
    assert_eq!(start.heat, 3, "the hottest line is hot");
    let inlined: Vec<_> = lines.filter(|l| !l.inlined.is_empty()).collect();
    assert!(
        inlined
            .iter()
            .any(|l| l.inlined.iter().any(|f| f == "main.mid")),
        "main.mid is inlined into main.outer: {inlined:?}"
    );
    assert!(start.path.ends_with("outer.go"), "{:?}", start.path);
}

#[test]
fn a_file_granularity_row_has_no_source() {
    let mut s = session(GO, "cpu.pprof", |settings| {
        settings.granularity = ppt::analysis::Granularity::Files;
    });
    s.apply(Command::OpenSource);
    let Some(Err(why)) = s.source_listing() else {
        panic!("no listing for a file");
    };
    assert!(
        matches!(why, ppt::explore::SourceViewError::NotAFunction(_)),
        "{why}"
    );
    assert!(why.to_string().contains("not a function"), "{why}");
}

/// A change to a session's settings.
type Edit<'a> = Box<dyn Fn(&mut Settings) + 'a>;

fn tag_filter(p: &ppt::profile::Profile, what: &str, value: &str) -> TagFilter {
    TagFilter::new(what, value, p).expect("a tag filter")
}

fn tags_of(s: &mut Session) -> TagsView {
    s.apply(Command::OpenTags);
    match s.tags() {
        Some(Ok(view)) => view.clone(),
        other => panic!("{other:?}"),
    }
}

/// The tags view's rows as lines of `-tags` (whitespace collapsed).
fn row_lines(view: &TagsView) -> Vec<String> {
    let lines: Vec<String> = view
        .rows
        .iter()
        .map(|r| match r {
            ppt::explore::tags::TagRow::Key { name, total } => format!("{name}: Total {total}"),
            ppt::explore::tags::TagRow::Value {
                text, sum, share, ..
            } => match share {
                Some(share) => format!("{sum} ({share}): {text}"),
                None => format!("{sum}: {text}"),
            },
        })
        .collect();
    collapsed(&lines.join("\n"))
}

fn collapsed(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .map(|l| l.replace("( ", "("))
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn tags_view_numbers_are_pprofs_tags() {
    let mut checked = 0;
    for file in ["allocs.pprof", "heap.pprof"] {
        let p = profile(&format!("{GO}/{file}"));
        let cases: Vec<(&str, Filters)> = vec![
            ("tags.txt", Filters::default()),
            (
                "tags.f1.txt",
                Filters {
                    tag_focus: Some(tag_filter(&p, "tagfocus", "bytes=1kb:64kb")),
                    ..Filters::default()
                },
            ),
            (
                "tags.f2.txt",
                Filters {
                    tag_ignore: Some(tag_filter(&p, "tagignore", "bytes=:1kb")),
                    ..Filters::default()
                },
            ),
            (
                "tags.f3.txt",
                Filters {
                    tag_focus: Some(tag_filter(&p, "tagfocus", "bytes=160kb")),
                    ..Filters::default()
                },
            ),
            (
                "tags.f4.txt",
                Filters {
                    tag_show: Some(Pattern::new("tagshow", "bytes").expect("regex")),
                    ..Filters::default()
                },
            ),
        ];
        for (suffix, filters) in cases {
            let mut s = session(GO, file, |settings| settings.filters = filters);
            let view = tags_of(&mut s);
            let want = expected(&format!("{GO}/expected2/{file}.{suffix}"));
            assert_eq!(
                String::from_utf8_lossy(&write_tags(&view.breakdown)),
                want,
                "{file} {suffix}"
            );
            assert_eq!(row_lines(&view), collapsed(&want), "{file} {suffix}");
            checked += 1;
        }
    }
    let p = profile(&format!("{EXTRA}/labels.pb"));
    let cases: Vec<(&str, Edit)> = vec![
        ("labels.pb.tags.txt", Box::new(|_| {})),
        (
            "labels.pb.tags.tagshow_region.txt",
            Box::new(|s| s.filters.tag_show = Some(Pattern::new("tagshow", "region").unwrap())),
        ),
        (
            "labels.pb.tags.taghide_region.txt",
            Box::new(|s| s.filters.tag_hide = Some(Pattern::new("taghide", "region").unwrap())),
        ),
        (
            "labels.pb.tags.tagfocus_region_us.txt",
            Box::new(|s| s.filters.tag_focus = Some(tag_filter(&p, "tagfocus", "region=us"))),
        ),
        (
            "labels.pb.tags.unit_kb.txt",
            Box::new(|s| s.table.unit = Some("kb".into())),
        ),
        (
            "labels.pb.tags.sample_index_0.txt",
            Box::new(|s| s.sample_index = 0),
        ),
    ];
    for (file, edit) in cases {
        let mut s = session(EXTRA, "labels.pb", edit);
        let view = tags_of(&mut s);
        let want = expected(&format!("{EXTRA}/expected/{file}"));
        assert_eq!(
            String::from_utf8_lossy(&write_tags(&view.breakdown)),
            want,
            "{file}"
        );
        assert_eq!(row_lines(&view), collapsed(&want), "{file}");
        checked += 1;
        s.apply(Command::CloseTags);
        assert!(s.tags().is_none());
    }
    assert_eq!(checked, 16);
}

/// The recorded `-top` table's rows (after the `flat flat%` header).
fn recorded_rows(path: &str) -> Vec<String> {
    let text = expected(path);
    assert!(!text.contains("Dropped"), "{path}: pprof dropped no rows");
    text.lines()
        .skip_while(|l| !l.trim_start().starts_with("flat"))
        .skip(1)
        .map(str::to_string)
        .collect()
}

/// Finds value `text` of key `key` in the view.
fn value_of(view: &TagsView, key: &str, text: &str) -> (usize, usize) {
    let k = view
        .breakdown
        .keys
        .iter()
        .position(|k| k.key == key.as_bytes())
        .unwrap_or_else(|| panic!("key {key}"));
    let v = view.breakdown.keys[k]
        .values
        .iter()
        .position(|v| v.text == text.as_bytes())
        .unwrap_or_else(|| panic!("value {text}"));
    (k, v)
}

#[test]
fn choosing_a_number_gives_pprofs_top_with_that_tag_focus() {
    for file in ["allocs.pprof", "heap.pprof"] {
        let mut s = session(GO, file, |_| {});
        let view = tags_of(&mut s);
        let (key, value) = value_of(&view, "bytes", "160kB");
        let chosen = view.breakdown.keys[key].values[value].value;
        s.apply(Command::FocusTag { key, value });
        assert!(s.tags().is_none(), "the view closes");
        let focus = s.filters().tag_focus.as_ref().expect("a tag focus");
        assert_eq!(focus.as_str(), "bytes=163840bytes");
        assert_eq!(
            table_lines(&mut s),
            recorded_rows(&format!("{GO}/expected2/{file}.tags.f3.top.txt")),
            "{file}"
        );
        // The focus keeps exactly the samples counted under the value.
        let after = tags_of(&mut s);
        let bytes = &after.breakdown.keys[value_of(&after, "bytes", "160kB").0];
        assert_eq!(bytes.values.len(), 1);
        assert_eq!(bytes.values[0].value, chosen);
    }
}

#[test]
fn choosing_a_string_gives_pprofs_top_with_that_tag_focus() {
    let p = profile(&format!("{EXTRA}/labels.pb"));
    let mut s = session(EXTRA, "labels.pb", |_| {});
    let view = tags_of(&mut s);
    let (key, value) = value_of(&view, "region", "us");
    s.apply(Command::FocusTag { key, value });
    assert_eq!(
        s.filters().tag_focus.as_ref().map(TagFilter::as_str),
        Some("region=^us$")
    );
    // The same samples as pprof's unanchored `region=us` here.
    let mut unanchored = session(EXTRA, "labels.pb", |settings| {
        settings.filters.tag_focus = Some(tag_filter(&p, "tagfocus", "region=us"));
    });
    assert_eq!(table_lines(&mut s), table_lines(&mut unanchored));
    let after = tags_of(&mut s);
    assert_eq!(
        row_lines(&after),
        collapsed(&expected(&format!(
            "{EXTRA}/expected/labels.pb.tags.tagfocus_region_us.txt"
        )))
    );
}

#[test]
fn tag_focus_expressions_escape_what_a_tag_focus_reads() {
    let mut s = session(EXTRA, "labels.pb", |_| {});
    let view = tags_of(&mut s);
    let mut written = 0;
    for (k, key) in view.breakdown.keys.iter().enumerate() {
        for v in 0..key.values.len() {
            match (view.focus_expression(k, v), &key.unit) {
                (Ok(e), _) => {
                    assert!(e.starts_with(&format!("{}=", String::from_utf8_lossy(&key.key))));
                    written += 1;
                }
                // A number whose unit is not letters alone (the key's
                // name, `request_id`) has no range pprof would read.
                (Err(why), Some(unit)) => {
                    assert!(matches!(why, ppt::explore::TagFocusError::Unit(_)), "{why}");
                    assert!(!unit.bytes().all(|b| b.is_ascii_alphabetic()));
                }
                (Err(why), None) => panic!("a string value: {why}"),
            }
        }
    }
    assert!(written >= 4, "{written}");
    let (k, v) = value_of(&view, "region", "us");
    assert_eq!(view.focus_expression(k, v).as_deref(), Ok("region=^us$"));
    assert_eq!(
        view.focus_expression(99, 0),
        Err(ppt::explore::TagFocusError::NoSuchValue)
    );
}

#[test]
fn at_lines_granularity_the_view_opens_on_the_selected_line() {
    let src = fixture(GO, "expected2/src");
    let mut s = session(GO, "heap.pprof", |settings| {
        settings.source_paths = paths(&src, Some("/srv/shop:/usr/local/go/src"));
        settings.granularity = ppt::analysis::Granularity::Lines;
    });
    // Line 42 of main.sortWork, not its hottest (37).
    let row = (0..s.row_count())
        .find(|&r| {
            s.rows(r..r + 1).any(|row| {
                let name = s.name(row.node);
                name.starts_with("main.sortWork ") && name.ends_with("main.go:42")
            })
        })
        .expect("main.sortWork's line 42 is a row");
    s.apply(Command::SelectRow(row));
    s.apply(Command::OpenSource);
    let Some(Ok(listing)) = s.source_listing() else {
        panic!("a listing");
    };
    let SourceRow::Line(line) = &listing.rows[listing.start] else {
        panic!("opens on a line");
    };
    assert_eq!(line.number, 42);
    assert_eq!(listing.function, "main.sortWork");
}

#[test]
fn with_a_worker_the_listing_arrives_by_tick_and_is_the_same() {
    let src = fixture(GO, "expected2/src");
    let edit = |settings: &mut Settings| {
        settings.source_paths = paths(&src, Some("/srv/shop:/usr/local/go/src"));
    };
    let mut plain = session(GO, "cpu.pprof", edit);
    select(&mut plain, "main.sortWork");
    plain.apply(Command::OpenSource);
    let Some(Ok(want)) = plain.source_listing().cloned() else {
        panic!("a listing");
    };
    let mut s = session(GO, "cpu.pprof", edit);
    select(&mut s, "main.sortWork");
    let got = s.with_worker(|s| {
        s.apply(Command::OpenSource);
        assert!(s.busy(), "the listing is awaited");
        s.wait_idle();
        assert!(!s.source_pending());
        s.source_listing().cloned()
    });
    let Some(Ok(got)) = got else {
        panic!("a listing: {got:?}");
    };
    assert_eq!(got.rows, want.rows);
    assert_eq!(got.start, want.start);
    assert_eq!(got.total, want.total);
}
