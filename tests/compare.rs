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
//!   trailing spaces aside);
//! - the `-raw` lines (pprof's dump of the merged profile: samples in order
//!   with their values, location ids and labels, locations, mappings) are
//!   compared with the profile ppt's loader builds (merged, as `-raw`
//!   prints it), so the merge is checked to the sample and id, whatever the
//!   reports built on it.

mod common;

use common::oracle::{
    Case, assert_all_match, check_case, first_difference, fixture_dir, manifest_cases, report_lines,
};
use ppt::fetch::{SourceOptions, Sources};
use ppt::profile::Profile;

/// The directories with a manifest of comparisons, and the manifest.
const MANIFESTS: [(&str, &str); 2] = [
    ("go", "expected2/MANIFEST.compare.tsv"),
    ("compare", "expected/MANIFEST.tsv"),
];

/// Every line of every manifest (see `common::oracle::manifest_cases`;
/// a `pprof=ARGS` column says what pprof itself was run with, where its
/// spelling differs, for recording only).
fn cases() -> Vec<Case> {
    MANIFESTS
        .iter()
        .flat_map(|(name, manifest)| manifest_cases(&fixture_dir(name), manifest))
        .collect()
}

#[test]
fn reports_of_compared_and_merged_profiles_match_pprof() {
    assert_all_match("comparisons", &cases(), 60, |c| check_case(c, report_lines));
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
        let want = std::fs::read_to_string(&case.expected).expect("expected");
        let bytes = |lines: Vec<String>| -> Vec<Vec<u8>> {
            lines.into_iter().map(String::into_bytes).collect()
        };
        // What `-raw` prints: the merged profile (a profile compared with
        // its diff base is merged only for the reports that show it).
        let (got, want) = (
            bytes(pprof_dump(&load(case).merged())),
            bytes(recorded_dump(&want)),
        );
        let label = case.expected.display().to_string();
        if let Some(difference) = first_difference(&label, &got, &want) {
            panic!("{difference}");
        }
    }
}

/// A profile compared with its diff base is not merged when the merge
/// would change no number (src/profile/merge/append.rs): every report of
/// it must then be what the same report of the merged profile is. (The
/// `-dot` of cpu.pprof against its base once panicked here: pprof orders
/// edges of opposite weights in no order, which Rust's sort refuses.)
#[test]
fn diff_bases_appended_report_as_merged() {
    use ppt::analysis::{Granularity, Pattern};
    use ppt::report::{ReportKind, ReportOptions, write_report};
    let dir = fixture_dir("go");
    let pattern = || Pattern::new("peek", "main|Put|Decode|runtime").expect("pattern");
    let kinds = [
        ReportKind::Top,
        ReportKind::Peek(pattern()),
        ReportKind::Tree,
        ReportKind::Dot,
        ReportKind::Callgrind,
        ReportKind::List(pattern()),
        ReportKind::Traces,
        ReportKind::Tags,
        ReportKind::Raw,
        ReportKind::Comments,
        ReportKind::Proto,
    ];
    let mut appended = 0;
    for name in [
        "allocs.pprof",
        "block.pprof",
        "cpu.pprof",
        "goroutine.pprof",
        "heap.pprof",
        "mutex.pprof",
        "threadcreate.pprof",
    ] {
        let path = |d: &str| dir.join(d).join(name).to_str().expect("UTF-8").to_string();
        let sources = Sources::from_args(
            &[path(".")],
            &[],
            &[path("../go2")],
            false,
            SourceOptions::default(),
        )
        .expect("sources");
        let profile = sources.load().expect("load").profile;
        appended += usize::from(profile.signs_apart);
        let merged = profile.merged().into_owned();
        assert!(merged.merged_on_load);
        for kind in &kinds {
            for options in [
                ReportOptions::default(),
                ReportOptions {
                    granularity: Granularity::Lines,
                    node_fraction: 0.0,
                    drop_negative: true,
                    ..ReportOptions::default()
                },
            ] {
                let print = |p: &Profile| {
                    let mut out = Vec::new();
                    write_report(kind, p, &options, &mut out).map(|()| out)
                };
                let (got, want) = (print(&profile), print(&merged));
                assert!(
                    got == want,
                    "{name}: {kind:?} differs from the merged profile's"
                );
            }
        }
    }
    assert!(appended >= 5, "only {appended} diff bases appended");
}

/// A fleet: more profiles than pprof merges at once (64). Chunks are
/// merged on the threads that decode them, in whatever order they finish,
/// and folded in command-line order: the result is pprof's `chunkedGrab`,
/// each chunk merged, then folded into what came before.
#[test]
fn a_fleet_merges_chunk_by_chunk_as_pprof() {
    use ppt::profile::{Unfinished, combine, decode_unfinished};
    use ppt::report::{ReportKind, ReportOptions, write_report};
    let dir = fixture_dir("go");
    let path = |i: usize| {
        let which = if i.is_multiple_of(3) {
            "../go2/heap.pprof"
        } else {
            "heap.pprof"
        };
        dir.join(which).to_str().expect("UTF-8").to_string()
    };
    let files: Vec<String> = (0..150).map(path).collect();
    let sources =
        Sources::from_args(&files, &[], &[], false, SourceOptions::default()).expect("sources");
    let combined = sources.load().expect("load");
    assert_eq!(combined.merged, files.len());

    let decoded: Vec<Unfinished> = files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(f).expect("reads");
            decode_unfinished(&bytes, &Default::default()).expect("decodes")
        })
        .collect();
    let (drop_frames, keep_frames) = (
        decoded[0].drop_frames.clone(),
        decoded[0].keep_frames.clone(),
    );
    let profiles: Vec<Profile> = decoded.into_iter().map(|u| u.profile).collect();
    let mut folded: Option<Profile> = None;
    for chunk in profiles.chunks(64) {
        let merged = combine(chunk.to_vec()).expect("a chunk merges");
        folded = Some(match folded {
            None => merged,
            Some(before) => combine(vec![before, merged]).expect("chunks fold"),
        });
    }
    let want = Unfinished {
        profile: folded.expect("merged"),
        drop_frames,
        keep_frames,
    }
    .finish()
    .expect("finishes");
    let raw = |p: &Profile| {
        let mut out = Vec::new();
        write_report(&ReportKind::Raw, p, &ReportOptions::default(), &mut out).expect("-raw");
        out
    };
    assert!(
        raw(&combined.profile) == raw(&want),
        "the fleet's -raw differs"
    );
}
