//! `ppt --flamegraph FILE.svg`: the file is well-formed XML (parsed
//! whole, and every character one XML 1.0 allows), titled with the
//! profile's name and sample type, holds the same total as `--folded`,
//! and is written safely (never over an existing file unasked, nothing
//! left behind on failure).

use quick_xml::Reader;
use quick_xml::events::Event;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ppt-flamegraph-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn ppt(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ppt"))
        .args(args)
        .output()
        .expect("run ppt")
}

/// Whether XML 1.0's `Char` production allows `c`.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

/// Parses `svg` as XML, failing on anything not well-formed; returns the
/// text of every `<title>` and `<text>` element.
fn parse_svg(svg: &[u8]) -> Vec<String> {
    let text = std::str::from_utf8(svg).expect("the SVG is UTF-8");
    if let Some(bad) = text.chars().find(|&c| !xml_char(c)) {
        panic!("character {bad:?} is not allowed in XML 1.0");
    }
    let mut reader = Reader::from_str(text);
    let mut open: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut texts = Vec::new();
    let mut current = String::new();
    loop {
        let event = reader.read_event().expect("well-formed XML");
        match event {
            Event::Start(e) => {
                for a in e.attributes() {
                    a.expect("well-formed attribute")
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .expect("attribute value");
                }
                if open.is_empty() {
                    roots += 1;
                }
                open.push(String::from_utf8(e.name().as_ref().to_vec()).unwrap());
                current.clear();
            }
            Event::Empty(e) => {
                for a in e.attributes() {
                    a.expect("well-formed attribute");
                }
                assert!(!open.is_empty(), "an element outside the root");
            }
            Event::End(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                assert_eq!(
                    open.pop().as_deref(),
                    Some(name.as_str()),
                    "unbalanced tags"
                );
                if name == "title" || name == "text" {
                    texts.push(std::mem::take(&mut current));
                }
            }
            Event::Text(t) => current.push_str(&t.decode().expect("text")),
            Event::CData(t) => current.push_str(&String::from_utf8_lossy(&t)),
            Event::GeneralRef(r) => {
                let name = r.decode().expect("reference").into_owned();
                let known = ["lt", "gt", "amp", "apos", "quot"].contains(&name.as_str());
                let char_ref = r.resolve_char_ref().ok().flatten().is_some();
                assert!(known || char_ref, "unknown entity &{name};");
                current.push('&');
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(open.is_empty(), "unclosed elements: {open:?}");
    assert_eq!(roots, 1, "one root element");
    texts
}

/// The sum of `--folded`'s values for the same arguments.
fn folded_total(args: &[&str], profile: &Path) -> i64 {
    let mut all = vec!["--folded"];
    all.extend_from_slice(args);
    all.push(profile.to_str().unwrap());
    let out = ppt(&all);
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.rsplit(' ').next().unwrap().parse::<i64>().unwrap())
        .sum()
}

#[test]
fn flamegraph_svg_is_valid_xml_titled_and_holds_the_total() {
    let dir = scratch("valid");
    let svg = dir.join("cpu.svg");
    let profile = fixture("go/cpu.pprof");
    let out = ppt(&[
        "--flamegraph",
        svg.to_str().unwrap(),
        profile.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Wrote a flame graph of"), "{stderr}");
    let texts = parse_svg(&std::fs::read(&svg).unwrap());
    assert!(texts.iter().any(|t| t == "cpu.pprof: cpu"), "{texts:?}");
    // inferno's root frame: `all (TOTAL nanoseconds, 100%)`.
    let total = folded_total(&[], &profile);
    let all = format!("all ({} nanoseconds, 100%)", with_commas(total));
    assert!(texts.contains(&all), "no {all:?} in {:?}", &texts[..5]);
    assert!(texts.iter().any(|t| t.starts_with("main.main (")));
    // Nothing else left in the directory (no temporary file).
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    std::fs::remove_dir_all(dir).unwrap();
}

fn with_commas(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Filters apply and are named in the subtitle; the sample index too.
#[test]
fn flamegraph_applies_filters_and_sample_index() {
    let dir = scratch("filters");
    let svg = dir.join("heap.svg");
    let profile = fixture("go/heap.pprof");
    let args = ["--focus=encoding/json", "--sample-index=alloc_space"];
    let mut all = vec!["--flamegraph", svg.to_str().unwrap()];
    all.extend_from_slice(&args);
    all.push(profile.to_str().unwrap());
    let out = ppt(&all);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let texts = parse_svg(&std::fs::read(&svg).unwrap());
    assert!(
        texts.iter().any(|t| t == "heap.pprof: alloc_space"),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t == "focus=encoding/json"),
        "{texts:?}"
    );
    let total = folded_total(&args, &profile);
    let all = format!("all ({} bytes, 100%)", with_commas(total));
    assert!(texts.contains(&all), "no {all:?}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// Names with control characters, escape sequences, invalid UTF-8 and
/// line breaks still make a file every XML parser reads.
#[test]
fn flamegraph_of_hostile_names_is_valid_xml() {
    let dir = scratch("hostile");
    for name in ["extra/hostile.pb", "extra/names.pb", "extra/unsym.pb"] {
        let svg = dir.join("out.svg");
        let _ = std::fs::remove_file(&svg);
        let out = ppt(&[
            "--flamegraph",
            svg.to_str().unwrap(),
            fixture(name).to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let texts = parse_svg(&std::fs::read(&svg).unwrap());
        assert!(texts.len() > 3, "{name}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// An existing file is kept (exit 1, a message naming it and `--force`);
/// `--force` replaces it.
#[test]
fn flamegraph_never_clobbers_unasked() {
    let dir = scratch("clobber");
    let svg = dir.join("keep.svg");
    std::fs::write(&svg, "precious").unwrap();
    let profile = fixture("go/heap.pprof");
    let (svg_arg, profile_arg) = (svg.to_str().unwrap(), profile.to_str().unwrap());
    let out = ppt(&["--flamegraph", svg_arg, profile_arg]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("keep.svg exists") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&svg).unwrap(), "precious");
    let out = ppt(&["--flamegraph", svg_arg, "--force", profile_arg]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    parse_svg(&std::fs::read(&svg).unwrap());
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    std::fs::remove_dir_all(dir).unwrap();
}

/// Nothing to draw: a clear error, and no file.
#[test]
fn flamegraph_without_samples_writes_nothing() {
    let dir = scratch("empty");
    let svg = dir.join("none.svg");
    let out = ppt(&[
        "--flamegraph",
        svg.to_str().unwrap(),
        fixture("go/threadcreate.pprof").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no stack has a positive value"), "{stderr}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    std::fs::remove_dir_all(dir).unwrap();
}
