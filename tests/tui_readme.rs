//! The README's key table of the explorer says what the keymap does: every
//! line of the help overlay's "Browsing" section is a row of the table, and
//! every row of the table is such a line, so neither can drift. The other
//! screenshots and prompts are described in prose; their keys are checked to
//! be real bindings.

use ppt::tui::keymap::{Context, Keymap};

/// The README's "The explorer" section.
fn section() -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("\n## The explorer\n")
        .expect("README has a section \"The explorer\"");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    rest[..end].to_string()
}

/// The rows of the section's key table: (keys, what they do), keys as the
/// help overlay writes them (backticks and `<kbd>` removed).
fn table_rows(section: &str) -> Vec<(String, String)> {
    section
        .lines()
        .filter(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect::<Vec<_>>()
        })
        .filter(|cells| cells.len() == 2 && cells[0] != "key" && !cells[0].starts_with("--"))
        .map(|cells| {
            let keys = cells[0]
                .split('`')
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            (keys, cells[1].clone())
        })
        .collect()
}

fn expected_table(keymap: &Keymap) -> String {
    let mut out = String::from("| key | what it does |\n|---|---|\n");
    for (keys, help) in keymap.help(Context::Browse) {
        let keys: Vec<String> = keys.split(' ').map(|k| format!("`{k}`")).collect();
        out.push_str(&format!("| {} | {help} |\n", keys.join(" ")));
    }
    out
}

#[test]
fn readme_key_table_is_the_keymap() {
    let keymap = Keymap::default();
    let section = section();
    let rows = table_rows(&section);
    let help: Vec<(String, String)> = keymap
        .help(Context::Browse)
        .into_iter()
        .map(|(k, h)| (k, h.to_string()))
        .collect();
    assert_eq!(
        rows,
        help,
        "the README's key table differs from the keymap; it should be:\n{}",
        expected_table(&keymap)
    );
}

#[test]
fn readme_shows_the_screenshots() {
    let section = section();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/screenshots");
    let mut shots: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".png"))
        .collect();
    shots.sort();
    assert!(!shots.is_empty());
    // Screenshots of files ppt writes, and of comparisons, are shown in
    // their own sections.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for shot in shots {
        let shown_in = match shot.as_str() {
            "flamegraph-svg.png" | "compare.png" | "diff-flame.png" => &readme,
            _ => &section,
        };
        assert!(
            shown_in.contains(&format!("](screenshots/{shot})")),
            "screenshots/{shot} is not shown in the README's explorer section"
        );
    }
}

#[test]
fn readme_prompt_keys_are_bindings() {
    // Keys the prose names for the prompts, with the context they are in.
    let keymap = Keymap::default();
    let section = section();
    for (context, key, action_text) in [
        (Context::Search, "Enter", "jump to the chosen function"),
        (Context::Search, "Esc", "cancel"),
        (Context::Filter, "Enter", "apply the filters"),
        (Context::Filter, "Esc", "close without applying"),
        (Context::Filter, "C-x", "empty every field (Enter applies)"),
        (Context::Any, "C-c", "quit"),
    ] {
        assert!(
            keymap
                .help(context)
                .iter()
                .any(|(keys, help)| keys.split(' ').any(|k| k == key) && *help == action_text),
            "{key} does not mean {action_text:?} in {context:?}"
        );
        assert!(section.contains(&format!("`{key}`")), "README names {key}");
    }
}
