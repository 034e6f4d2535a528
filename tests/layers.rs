//! The crate's layers (see the crate docs in `src/lib.rs`) hold: the core
//! names neither the terminal libraries nor the modules above it.
//!
//! - No file outside `src/tui`, `src/cli.rs`, `src/main.rs` and `src/lib.rs`
//!   (the profile model, analysis, measurement, reports, fetching, the
//!   exploration session, and the small helpers they share) names
//!   `ratatui`, `crossterm`, `crate::tui` or `crate::cli`.
//! - Nothing under `src/analysis` or `src/profile` names `crate::report`,
//!   `crate::fetch` or `crate::explore`.
//! - `src/profile` names no other layer of the crate, and
//!   `src/measurement.rs` none of analysis, report, fetch or explore.
//!
//! Code is read, not text: comments and string literals are skipped, and
//! paths are resolved as the compiler would (`super::super::tui`,
//! `crate::{analysis, tui::App}`, a `mod` nested in a file), so neither a
//! doc comment that mentions the TUI nor a grouped import slips through.

use std::path::{Path, PathBuf};

/// One rule: files whose module path starts with one of `modules` may not
/// name the crates `crates` or the crate's modules `forbidden`.
struct Rule {
    what: &'static str,
    applies: fn(&[String]) -> bool,
    crates: &'static [&'static str],
    forbidden: &'static [&'static str],
}

/// Everything but the screen, the command line and the binary's glue.
fn core(module: &[String]) -> bool {
    !matches!(
        module.first().map(String::as_str),
        None | Some("tui" | "cli" | "main")
    )
}

fn under(module: &[String], roots: &[&str]) -> bool {
    module.first().is_some_and(|m| roots.contains(&m.as_str()))
}

const RULES: &[Rule] = &[
    Rule {
        what: "the core knows no terminal, no TUI and no command line",
        applies: core,
        crates: &["ratatui", "crossterm"],
        forbidden: &["tui", "cli"],
    },
    Rule {
        what: "analysis and the profile model sit below reports, fetching and exploring",
        applies: |m| under(m, &["analysis", "profile"]),
        crates: &[],
        forbidden: &["report", "fetch", "explore"],
    },
    Rule {
        what: "the profile model sits on units alone (merging scales units as pprof's measurement package does)",
        applies: |m| under(m, &["profile"]),
        crates: &[],
        forbidden: &["analysis", "report", "fetch", "explore"],
    },
    Rule {
        what: "units are the bottom layer",
        applies: |m| under(m, &["measurement"]),
        crates: &[],
        forbidden: &["profile", "analysis", "report", "fetch", "explore"],
    },
];

#[test]
fn no_import_runs_upward() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = rust_files(&src);
    // The check covers what it claims to: each layer is found and read.
    for layer in ["profile", "analysis", "report", "fetch", "measurement"] {
        assert!(
            files
                .iter()
                .any(|f| module_of(&src, f).first().is_some_and(|m| m == layer)),
            "no file of {layer} found under src/"
        );
    }
    let mut violations = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("source file reads");
        let module = module_of(&src, file);
        let shown = file.strip_prefix(&src).unwrap_or(file).display();
        for v in violations_in(&module, &text) {
            violations.push(format!("src/{shown}: {v}"));
        }
    }
    assert!(
        violations.is_empty(),
        "imports that run against the layers (see src/lib.rs):\n{}",
        violations.join("\n")
    );
}

/// The violations of [`RULES`] in the source `text` of module `module`.
fn violations_in(module: &[String], text: &str) -> Vec<String> {
    let named = names(module, &tokens(text));
    let mut found = Vec::new();
    for rule in RULES.iter().filter(|r| (r.applies)(module)) {
        for name in &named {
            let bad = match name {
                Named::Crate(c) => rule.crates.contains(&c.as_str()),
                Named::Module(m) => rule.forbidden.contains(&m.as_str()),
            };
            if bad {
                found.push(format!("names {name} ({})", rule.what));
            }
        }
    }
    found
}

/// What a file refers to: an outside crate, or a top-level module of this
/// one.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Named {
    Crate(String),
    Module(String),
}

impl std::fmt::Display for Named {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Named::Crate(c) => write!(f, "the crate `{c}`"),
            Named::Module(m) => write!(f, "`crate::{m}`"),
        }
    }
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).expect("src/ lists") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The module path of `file` (`src/analysis/stacks/mod.rs`: analysis,
/// stacks); empty for `src/lib.rs`, `main` for `src/main.rs`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).unwrap_or(file).with_extension("");
    let mut module: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
        module.pop();
    }
    module
}

/// A token of Rust source: an identifier or keyword, `::`, or one
/// character of punctuation. Comments, strings and character literals are
/// left out.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    PathSep,
    Punct(char),
}

fn tokens(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && at(i + 1) == '*' {
            // Block comments nest.
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == '"' {
            i = skip_string(&chars, i + 1);
        } else if (c == 'r' || c == 'b' || c == 'c')
            && let Some(end) = raw_string_end(&chars, i)
        {
            i = end;
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{1F600}'), else a lifetime.
            if at(i + 1) == '\\' {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            // `b"..."`, `c"..."` and `b'x'` prefixes.
            if matches!(word.as_str(), "b" | "c") && matches!(at(i), '"' | '\'') {
                continue;
            }
            out.push(Token::Word(
                word.strip_prefix("r#").unwrap_or(&word).to_string(),
            ));
        } else if c == ':' && at(i + 1) == ':' {
            out.push(Token::PathSep);
            i += 2;
        } else {
            if !c.is_whitespace() {
                out.push(Token::Punct(c));
            }
            i += 1;
        }
    }
    out
}

/// Past the end of a string whose contents start at `i`.
fn skip_string(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// Past the end of a raw string (`r"…"`, `r#"…"#`, `br"…"`) starting at
/// `i`, if one does.
fn raw_string_end(chars: &[char], mut i: usize) -> Option<usize> {
    if matches!(chars.get(i), Some('b' | 'c')) {
        i += 1;
    }
    if chars.get(i) != Some(&'r') {
        return None;
    }
    i += 1;
    let mut hashes = 0;
    while chars.get(i) == Some(&'#') {
        hashes += 1;
        i += 1;
    }
    if chars.get(i) != Some(&'"') {
        return None;
    }
    i += 1;
    while i < chars.len() {
        if chars[i] == '"' && (1..=hashes).all(|h| chars.get(i + h) == Some(&'#')) {
            return Some(i + 1 + hashes);
        }
        i += 1;
    }
    Some(i)
}

/// The outside crates and the crate's top-level modules that `tokens`
/// (the source of module `module`) name.
fn names(module: &[String], tokens: &[Token]) -> Vec<Named> {
    let word = |i: usize| match tokens.get(i) {
        Some(Token::Word(w)) => Some(w.as_str()),
        _ => None,
    };
    let sep = |i: usize| tokens.get(i) == Some(&Token::PathSep);
    // Modules declared inline (`mod tests { … }`), with the brace depth
    // their body opened at.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Punct('{') => depth += 1,
            Token::Punct('}') => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d)| *d == depth + 1) {
                    inline.pop();
                }
            }
            Token::Word(w) if w == "mod" => {
                if let Some(name) = word(i + 1)
                    && tokens.get(i + 2) == Some(&Token::Punct('{'))
                {
                    inline.push((name.to_string(), depth + 1));
                }
            }
            Token::Word(w) if w == "ratatui" || w == "crossterm" => {
                found.push(Named::Crate(w.clone()));
            }
            // The start of a path (not a segment inside one).
            Token::Word(w) if matches!(w.as_str(), "crate" | "self" | "super") && sep(i + 1) => {
                if i > 0 && sep(i - 1) {
                    i += 1;
                    continue;
                }
                let mut path: Vec<String> = module.to_vec();
                path.extend(inline.iter().map(|(name, _)| name.clone()));
                if w == "crate" {
                    path.clear();
                }
                let mut j = i;
                // `super::super::…`, `self::…`.
                loop {
                    match word(j) {
                        Some("super") => {
                            path.pop();
                        }
                        Some("self" | "crate") => {}
                        _ => break,
                    }
                    if !sep(j + 1) {
                        break;
                    }
                    j += 2;
                }
                if !path.is_empty() {
                    found.push(Named::Module(path[0].clone()));
                } else if let Some(next) = word(j) {
                    found.push(Named::Module(next.to_string()));
                } else if tokens.get(j) == Some(&Token::Punct('{')) {
                    // `crate::{a, b::c, d::{e, f}}`: the first segment of
                    // each item of the group.
                    let mut level = 0;
                    let mut item_start = true;
                    for t in &tokens[j..] {
                        match t {
                            Token::Punct('{') => {
                                level += 1;
                                item_start = level == 1;
                            }
                            Token::Punct('}') => {
                                level -= 1;
                                if level == 0 {
                                    break;
                                }
                            }
                            Token::Punct(',') if level == 1 => item_start = true,
                            Token::Word(w) if item_start && level == 1 => {
                                if w != "self" {
                                    found.push(Named::Module(w.clone()));
                                }
                                item_start = false;
                            }
                            _ => item_start = false,
                        }
                    }
                }
                i = j;
            }
            _ => {}
        }
        i += 1;
    }
    found.retain(|n| !matches!(n, Named::Module(m) if m == "*"));
    found.dedup();
    found
}

// The checker itself, on planted violations.

fn module(path: &str) -> Vec<String> {
    path.split("::").map(str::to_string).collect()
}

#[test]
fn catches_planted_violations() {
    let analysis = module("analysis::stacks::sums");
    for planted in [
        "use crate::tui::App;",
        "use crate::{analysis::Graph, tui::App};",
        "use crate::{\n    cli::Args,\n};",
        "fn f() -> crate::cli::Args { todo!() }",
        "use ratatui::widgets::Table;",
        "use ::crossterm::event;",
        "use super::super::super::tui;",
        "mod inner { use super::super::super::super::cli::Args; }",
        "use crate::report::units;",
        "use crate::{measurement, report::top};",
        "use super::super::super::fetch::Source;",
    ] {
        assert!(
            !violations_in(&analysis, planted).is_empty(),
            "not caught in analysis: {planted}"
        );
    }
    let report = module("report::top");
    assert!(!violations_in(&report, "use crate::tui::theme;").is_empty());
    assert!(!violations_in(&report, "use super::super::cli;").is_empty());
    let explore = module("explore::session");
    assert!(!violations_in(&explore, "use ratatui::Frame;").is_empty());
    let profile = module("profile::model");
    assert!(!violations_in(&profile, "use crate::analysis::Graph;").is_empty());
    assert!(!violations_in(&module("measurement"), "use crate::report;").is_empty());
}

#[test]
fn leaves_allowed_code_alone() {
    let analysis = module("analysis::stacks::sums");
    for fine in [
        "use crate::profile::Profile;",
        "use crate::{measurement, profile::Profile};",
        "use super::Stacks;",
        "use super::super::graph::Graph;",
        "use self::inner::X;",
        "pub(crate) fn f() {}",
        "// the TUI (ratatui) draws this: crate::tui::App\nfn f() {}",
        "/* crate::cli::Args /* nested */ crate::tui */ fn f() {}",
        "const S: &str = \"crate::tui::App ratatui\";",
        "const S: &str = r#\"use crate::cli; \"quoted\" \"#;",
        "const C: char = '\"'; fn f<'a>(x: &'a str) -> &'a str { x }",
        "mod tests { use super::*; }",
    ] {
        assert_eq!(
            violations_in(&analysis, fine),
            Vec::<String>::new(),
            "{fine}"
        );
    }
    // The TUI and the command line may name everything.
    let tui = module("tui::app");
    assert!(violations_in(&tui, "use ratatui::Frame; use crate::cli::Args;").is_empty());
    assert!(violations_in(&module("cli"), "use crate::report::ReportOptions;").is_empty());
}
