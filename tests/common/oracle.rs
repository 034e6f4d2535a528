//! ppt against what `go tool pprof` printed: manifests of recorded
//! reports, ppt run as pprof ran, and the first line where they differ.

use std::path::{Path, PathBuf};
use std::process::Command;

/// One recorded report: ppt runs with `args` then `profiles`, in `dir`,
/// with `TZ=UTC`, and must exit with `exit` and print `expected`.
pub struct Case {
    pub dir: PathBuf,
    pub profiles: Vec<String>,
    pub args: Vec<String>,
    pub expected: PathBuf,
    pub exit: i32,
}

/// The fixture directory `name` under `tests/fixtures`.
pub fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The cases of `manifest` (a path relative to the fixture directory
/// `dir`). A line is `profiles <TAB> pprof arguments <TAB> expected file`,
/// then optional columns, among them `exit=N` (pprof's exit status, else
/// 0). `{DIR}` stands for `dir`; a profile without it is relative to `dir`,
/// the expected file to the manifest's directory.
pub fn manifest_cases(dir: &Path, manifest: &str) -> Vec<Case> {
    let path = dir.join(manifest);
    let text = std::fs::read_to_string(&path).expect("manifest");
    let home = path.parent().expect("the manifest's directory");
    let d = dir.to_str().expect("a UTF-8 path");
    let expand = |s: &str| s.replace("{DIR}", d);
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert!(fields.len() >= 3, "bad manifest line {line:?}");
            Case {
                dir: dir.to_path_buf(),
                profiles: fields[0]
                    .split(' ')
                    .map(|p| match p.starts_with("{DIR}") {
                        true => expand(p),
                        false => format!("{d}/{p}"),
                    })
                    .collect(),
                args: fields[1]
                    .split(' ')
                    .filter(|a| !a.is_empty())
                    .map(expand)
                    .collect(),
                expected: home.join(fields[2]),
                exit: fields[3..]
                    .iter()
                    .find_map(|f| f.strip_prefix("exit="))
                    .map_or(0, |n| n.parse().expect("exit=N")),
            }
        })
        .collect()
}

/// A report's lines as compared: `Time:` lines left out (their format
/// changed between pprof versions), trailing white space trimmed.
pub fn report_lines(text: &[u8]) -> Vec<Vec<u8>> {
    text.split(|&b| b == b'\n')
        .filter(|line| !line.starts_with(b"Time:"))
        .map(|line| line.trim_ascii_end().to_vec())
        .collect()
}

/// Runs `case`; `None` when ppt's exit status and output (compared as
/// `lines` makes them) are pprof's, else what differs.
pub fn check_case(case: &Case, lines: impl Fn(&[u8]) -> Vec<Vec<u8>>) -> Option<String> {
    let output = Command::new(env!("CARGO_BIN_EXE_ppt"))
        .args(&case.args)
        .args(&case.profiles)
        .current_dir(&case.dir)
        .env("TZ", "UTC")
        .output()
        .expect("run ppt");
    let label = format!("{} {}", case.args.join(" "), case.profiles.join(" "));
    let label = label.replace(case.dir.to_str().expect("UTF-8"), "{DIR}");
    let status = output.status.code().unwrap_or(-1);
    if status != case.exit {
        return Some(format!(
            "{label}: exit {status}, want {}: {}",
            case.exit,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let want = std::fs::read(&case.expected).expect("expected file");
    first_difference(&label, &lines(&output.stdout), &lines(&want))
}

/// The first line where `got` and `want` differ, said with `label`.
pub fn first_difference(label: &str, got: &[Vec<u8>], want: &[Vec<u8>]) -> Option<String> {
    if got == want {
        return None;
    }
    let line = (0..got.len().max(want.len()))
        .find(|&i| got.get(i) != want.get(i))
        .unwrap_or(0);
    let show = |v: Option<&Vec<u8>>| {
        v.map(|l| String::from_utf8_lossy(l).into_owned())
            .unwrap_or_default()
    };
    Some(format!(
        "{label}: line {}:\n   got: {}\n  want: {}",
        line + 1,
        show(got.get(line)),
        show(want.get(line))
    ))
}

/// Checks every case (at least `minimum` of them) on two threads (the
/// machines this runs on have two cores) and fails listing every one
/// that differs from pprof.
pub fn assert_all_match<C: Sync>(
    what: &str,
    cases: &[C],
    minimum: usize,
    check: impl Fn(&C) -> Option<String> + Sync,
) {
    assert!(cases.len() >= minimum, "{what}: only {} cases", cases.len());
    let check = &check;
    let failures: Vec<String> = std::thread::scope(|scope| {
        let halves: Vec<_> = cases
            .chunks(cases.len().div_ceil(2).max(1))
            .map(|chunk| scope.spawn(move || chunk.iter().filter_map(check).collect::<Vec<_>>()))
            .collect();
        halves
            .into_iter()
            .flat_map(|h| h.join().expect("worker"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{what}: {} of {} reports differ from go tool pprof:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    println!("{what}: {} reports identical to go tool pprof", cases.len());
}
