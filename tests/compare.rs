//! Comparing and merging profiles against what `go tool pprof` printed.
//!
//! `tests/fixtures/go/expected2/MANIFEST.compare.tsv` lists pprof runs on
//! the profiles of `tests/fixtures/go` with those of `tests/fixtures/go2` (a
//! second run of the same program): `-diff_base`, `-base`, `-normalize`,
//! `-drop_negative` and several profiles merged, and the errors when they
//! cannot be. `record_compare.sh` beside it records them again.
//!
//! Two checks read it:
//! - every line is run through the `ppt` binary with pprof's own spellings,
//!   and stdout and the exit status must be pprof's (`Time:` lines and
//!   trailing spaces aside); a line asking for a report ppt does not have
//!   yet (`--help` does not list it) is left out, and says so;
//! - the `-raw` lines (pprof's dump of the merged profile: samples in order
//!   with their values, location ids and labels, locations, mappings) are
//!   compared with the profile ppt's loader builds, so the merge is checked
//!   to the sample and id, whatever the reports built on it.

use ppt::fetch::{SourceOptions, Sources};
use ppt::profile::Profile;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The directories with a manifest of comparisons, and the manifest.
const MANIFESTS: [(&str, &str); 2] = [
    ("go", "expected2/MANIFEST.compare.tsv"),
    ("compare", "expected/MANIFEST.tsv"),
];

struct Case {
    dir: PathBuf,
    manifest: &'static str,
    profiles: Vec<String>,
    args: Vec<String>,
    expected: String,
    exit: i32,
}

impl Case {
    fn expected_path(&self) -> PathBuf {
        let manifest = self.dir.join(self.manifest);
        manifest.parent().expect("a directory").join(&self.expected)
    }
}

/// Every line of every manifest. A line: profiles <TAB> pprof arguments <TAB>
/// expected file, then optional columns `exit=N` (pprof's exit status) and
/// `pprof=ARGS` (what pprof itself was run with, where its spelling differs;
/// only for recording).
fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (name, manifest) in MANIFESTS {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        let text = std::fs::read_to_string(dir.join(manifest)).expect("manifest");
        let d = dir.to_str().expect("a UTF-8 path");
        for line in text.lines().filter(|l| !l.is_empty()) {
            let fields: Vec<&str> = line.split('\t').collect();
            assert!(fields.len() >= 3, "bad manifest line {line:?}");
            let expand = |s: &str| s.replace("{DIR}", d);
            cases.push(Case {
                dir: dir.clone(),
                manifest,
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
                expected: fields[2].to_string(),
                exit: fields[3..]
                    .iter()
                    .find_map(|f| f.strip_prefix("exit="))
                    .map_or(0, |n| n.parse().expect("exit status")),
            });
        }
    }
    cases
}

fn normalize(text: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(text)
        .lines()
        .filter(|l| !l.starts_with("Time:"))
        .map(|l| l.trim_end().to_string())
        .collect()
}

/// The reports that other parts of ppt bring: a line asking for one that
/// `ppt --help` does not list is left out.
const REPORTS: [&str; 8] = [
    "traces",
    "raw",
    "tags",
    "tree",
    "dot",
    "callgrind",
    "list",
    "proto",
];

fn missing_report(case: &Case, help: &str) -> Option<&'static str> {
    REPORTS.into_iter().find(|r| {
        case.args.iter().any(|a| a == &format!("-{r}")) && !help.contains(&format!("--{r}"))
    })
}

fn run(case: &Case) -> Option<String> {
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
    let want = std::fs::read(case.expected_path()).expect("expected");
    let (got, want) = (normalize(&output.stdout), normalize(&want));
    if got == want {
        return None;
    }
    let line = (0..got.len().max(want.len()))
        .find(|&i| got.get(i) != want.get(i))
        .unwrap_or(0);
    Some(format!(
        "{label}: line {}:\n   got: {}\n  want: {}",
        line + 1,
        got.get(line).map_or("", String::as_str),
        want.get(line).map_or("", String::as_str)
    ))
}

#[test]
fn reports_of_compared_and_merged_profiles_match_pprof() {
    let help = Command::new(env!("CARGO_BIN_EXE_ppt"))
        .arg("--help")
        .output()
        .expect("ppt --help");
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    let cases = cases();
    let (runnable, waiting): (Vec<&Case>, Vec<&Case>) = cases
        .iter()
        .partition(|c| missing_report(c, &help).is_none());
    for c in &waiting {
        eprintln!(
            "note: ppt has no --{} yet: {} left out",
            missing_report(c, &help).unwrap_or_default(),
            c.expected
        );
    }
    assert!(runnable.len() >= 60, "only {} cases run", runnable.len());
    let failures: Vec<String> = std::thread::scope(|scope| {
        let halves: Vec<_> = runnable
            .chunks(runnable.len().div_ceil(2))
            .map(|chunk| {
                scope.spawn(move || chunk.iter().filter_map(|c| run(c)).collect::<Vec<_>>())
            })
            .collect();
        halves
            .into_iter()
            .flat_map(|h| h.join().expect("worker"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} reports differ from go tool pprof:\n{}",
        failures.len(),
        runnable.len(),
        failures.join("\n")
    );
    println!(
        "{} reports identical to go tool pprof ({} wait for their report)",
        runnable.len(),
        waiting.len()
    );
}

/// Loads a manifest line's profiles as the command line would.
fn load(case: &Case) -> Profile {
    let (mut base, mut diff_base, mut normalize) = (Vec::new(), Vec::new(), false);
    let path = |p: &str| case.dir.join(p).to_str().expect("UTF-8").to_string();
    for a in &case.args {
        if let Some(b) = a.strip_prefix("-base=") {
            base.push(path(b));
        } else if let Some(b) = a.strip_prefix("-diff_base=") {
            diff_base.push(path(b));
        } else if a == "-normalize" {
            normalize = true;
        }
    }
    let options = SourceOptions::default();
    let sources =
        Sources::from_args(&case.profiles, &base, &diff_base, normalize, options).expect("sources");
    sources.load().expect("load").profile
}

type Grouped = Vec<(String, Vec<String>)>;

/// Go's `time.Time.String()` in UTC: `2023-11-14 22:13:15.123456789 +0000
/// UTC` (trailing zeros of the fraction dropped).
fn go_time_utc(nanos: i64) -> String {
    let (secs, frac) = (
        nanos.div_euclid(1_000_000_000),
        nanos.rem_euclid(1_000_000_000),
    );
    let (days, rem) = (secs.div_euclid(86400), secs.rem_euclid(86400));
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let mut fraction = format!(".{frac:09}");
    while fraction.ends_with('0') {
        fraction.pop();
    }
    if fraction == "." {
        fraction.clear();
    }
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}{fraction} +0000 UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// pprof's `Profile.String()` (what `-raw` prints), but for the line
/// `Duration:` (Go's own format, cut to four characters) and the mapping
/// flags (`[FN]`..., which the model does not keep).
fn pprof_dump(p: &Profile) -> Vec<String> {
    let text = |id| p.strings.text(id).into_owned();
    let mut out: Vec<String> = p
        .comments
        .iter()
        .map(|&c| format!("Comment: {}", text(c)))
        .collect();
    let (kind, unit) = p.period_type.map_or((String::new(), String::new()), |t| {
        (text(t.kind), text(t.unit))
    });
    out.push(format!("PeriodType: {kind} {unit}"));
    out.push(format!("Period: {}", p.period));
    if p.time_nanos != 0 {
        out.push(format!("Time: {}", go_time_utc(p.time_nanos)));
    }
    out.push("Samples:".into());
    let types: Vec<String> = p
        .sample_types
        .iter()
        .map(|t| {
            let default = if t.kind == p.default_sample_type {
                "[dflt]"
            } else {
                ""
            };
            format!("{}/{}{default}", text(t.kind), text(t.unit))
        })
        .collect();
    out.push(types.join(" "));
    for i in 0..p.samples.len() {
        let mut line = String::new();
        for v in p.samples.values(i) {
            line += &format!(" {v:10}");
        }
        line += ": ";
        for &l in p.samples.stack(i) {
            line += &format!("{} ", p.locations[l as usize].id);
        }
        out.push(line.trim_end().to_string());
        // Per key, its values in order: string labels, then numeric ones.
        let (mut strs, mut nums): (Grouped, Grouped) = (Vec::new(), Vec::new());
        for l in p.samples.labels(i) {
            let (list, value) = match l.str.is_empty() {
                false => (&mut strs, text(l.str)),
                true if l.num_unit.is_empty() => (&mut nums, l.num.to_string()),
                true => (&mut nums, format!("{} {}", l.num, text(l.num_unit))),
            };
            match list.iter_mut().find(|(k, _)| *k == text(l.key)) {
                Some((_, values)) => values.push(value),
                None => list.push((text(l.key), vec![value])),
            }
        }
        for list in [strs, nums] {
            let mut shown: Vec<String> = list
                .into_iter()
                .map(|(k, v)| format!("{k}:[{}]", v.join(" ")))
                .collect();
            shown.sort();
            if !shown.is_empty() {
                out.push(format!("                {}", shown.join(" ")));
            }
        }
    }
    out.push("Locations".into());
    for (i, loc) in p.locations.iter().enumerate() {
        let mut head = format!("{:6}: {:#x} ", loc.id, loc.address);
        if let Some(m) = loc.mapping {
            head += &format!("M={} ", p.mappings[m as usize].id);
        }
        let lines = p.location_lines(i as u32);
        if lines.is_empty() {
            out.push(head.trim_end().to_string());
        }
        for line in lines {
            let f = &p.functions[line.function as usize];
            let mut shown = format!(
                "{head}{} {}:{} s={}",
                text(f.name),
                text(f.filename),
                line.line,
                f.start_line
            );
            if f.name != f.system_name {
                shown += &format!("({})", text(f.system_name));
            }
            out.push(shown);
            head = " ".repeat(13);
        }
    }
    out.push("Mappings".into());
    for m in &p.mappings {
        let shown = format!(
            "{}: {:#x}/{:#x}/{:#x} {} {}",
            m.id,
            m.start,
            m.limit,
            m.offset,
            text(m.file),
            text(m.build_id)
        );
        out.push(shown.trim_end().to_string());
    }
    out
}

/// pprof's `-raw` output, without what [`pprof_dump`] leaves out.
fn recorded_dump(text: &str) -> Vec<String> {
    let mut in_mappings = false;
    text.lines()
        .filter(|l| !l.starts_with("Duration:"))
        .map(|l| {
            in_mappings |= l == "Mappings";
            let l = l.trim_end();
            let mut l = l;
            while in_mappings
                && let Some(rest) = ["[FN]", "[FL]", "[LN]", "[IN]"]
                    .iter()
                    .find_map(|bit| l.strip_suffix(bit))
            {
                l = rest;
            }
            l.trim_end().to_string()
        })
        .collect()
}

#[test]
fn merged_profiles_are_pprofs_to_the_sample_and_id() {
    let cases: Vec<Case> = cases()
        .into_iter()
        .filter(|c| c.exit == 0 && c.args.first().is_some_and(|a| a == "-raw"))
        .collect();
    assert!(cases.len() >= 18, "only {} -raw cases", cases.len());
    for case in &cases {
        let want = std::fs::read_to_string(case.expected_path()).expect("expected");
        let (got, want) = (pprof_dump(&load(case)), recorded_dump(&want));
        let line = (0..got.len().max(want.len())).find(|&i| got.get(i) != want.get(i));
        if let Some(i) = line {
            panic!(
                "{}: line {}:\n   got: {}\n  want: {}",
                case.expected,
                i + 1,
                got.get(i).map_or("", String::as_str),
                want.get(i).map_or("", String::as_str)
            );
        }
    }
}
