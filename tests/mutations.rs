//! Deterministic mutation testing of the whole pipeline, inside `cargo test`.
//!
//! Every fixture profile is broken thousands of ways — truncated at every
//! region, bits flipped, varints made overlong, wire types changed, length
//! prefixes inflated, ids and string indices pushed out of range, duplicated
//! or zeroed, value counts changed — and each result must either decode into
//! a profile whose reports print, or be refused with an error. Nothing may
//! panic, and nothing may take long.
//!
//! And the bombs of `tests/shapes` (deep recursion, huge strings, label
//! bombs), built from a few fixtures: valid, extreme, reported (label
//! filters included) and drawn by the explorer within a few seconds.

mod shapes;

use ppt::analysis::{Granularity, Pattern};
use ppt::profile::{DecodeOptions, decode, pb};
use ppt::report::{ReportOptions, peek, top};
use prost::Message;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

/// A small deterministic PRNG (splitmix64), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn fixtures() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    for dir in ["go", "extra", "pprof-testdata", "fuzz-regressions"] {
        let mut entries: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            // fuzz-regressions/ holds inputs the fuzz target once crashed on.
            let skip = path.is_dir()
                || name.ends_with(".txt")
                || name.ends_with(".md")
                || name.ends_with(".sh")
                || name.ends_with(".py")
                || name == "large.cpu"; // large: covered by the fuzz target instead
            if skip {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let raw = if bytes.starts_with(&[0x1f, 0x8b]) {
                let mut raw = Vec::new();
                flate2::read::MultiGzDecoder::new(&bytes[..])
                    .read_to_end(&mut raw)
                    .unwrap();
                raw
            } else {
                bytes
            };
            out.push((format!("{dir}/{name}"), raw));
        }
    }
    assert!(out.len() >= 25, "fixtures missing: {}", out.len());
    out
}

/// Runs the pipeline on one input; panics (failing the test) if anything
/// inside panics. Returns whether it decoded.
fn exercise(bytes: &[u8]) -> bool {
    let options = DecodeOptions {
        max_decompressed: 64 << 20,
    };
    let Ok(profile) = decode(bytes, &options) else {
        return false;
    };
    for granularity in [
        Granularity::Functions,
        Granularity::Lines,
        Granularity::Addresses,
    ] {
        let report = ReportOptions {
            granularity,
            node_fraction: 0.0,
            ..ReportOptions::default()
        };
        let _ = top(&profile, &report);
    }
    let _ = top(
        &profile,
        &ReportOptions {
            cum: true,
            node_count: Some(3),
            ..ReportOptions::default()
        },
    );
    let _ = peek(
        &profile,
        &ReportOptions::default(),
        &Pattern::new("peek", ".").unwrap(),
    );
    true
}

/// The top-level fields of a message: (start, tag length, end).
fn top_level_fields(raw: &[u8]) -> Vec<(usize, usize, usize)> {
    let mut fields = Vec::new();
    let mut i = 0;
    let varint = |i: &mut usize| -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *raw.get(*i)?;
            *i += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    };
    while i < raw.len() {
        let start = i;
        let Some(tag) = varint(&mut i) else { break };
        let tag_len = i - start;
        let end = match tag & 7 {
            0 => varint(&mut i).map(|_| i),
            2 => varint(&mut i).map(|len| i + len as usize),
            1 => Some(i + 8),
            5 => Some(i + 4),
            _ => None,
        };
        match end {
            Some(end) if end <= raw.len() => {
                fields.push((start, tag_len, end));
                i = end;
            }
            _ => break,
        }
    }
    fields
}

/// Byte-level mutations of an encoded profile.
fn byte_mutations(raw: &[u8], rng: &mut Rng) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    // Truncation at every region: evenly spaced cuts and every field boundary.
    let step = (raw.len() / 150).max(1);
    for cut in (0..raw.len()).step_by(step) {
        out.push(raw[..cut].to_vec());
    }
    let fields = top_level_fields(raw);
    for &(start, tag_len, end) in fields.iter().take(60) {
        out.push(raw[..start + tag_len].to_vec());
        out.push(raw[..end - 1].to_vec());
    }
    // Bit flips.
    for _ in 0..300 {
        let mut m = raw.to_vec();
        if m.is_empty() {
            break;
        }
        let i = rng.below(m.len());
        m[i] ^= 1 << rng.below(8);
        out.push(m);
    }
    for &(start, tag_len, end) in fields.iter().take(80) {
        // Wrong wire type on a field tag.
        let mut m = raw.to_vec();
        m[start] = (m[start] & !7) | (rng.below(6) as u8);
        out.push(m);
        // An overlong varint (11 continuation bytes) after the tag.
        let mut m = raw[..start + tag_len].to_vec();
        m.extend_from_slice(&[0xff; 11]);
        m.extend_from_slice(&raw[start + tag_len..]);
        out.push(m);
        // A length prefix claiming far more data than there is.
        if raw[start] & 7 == 2 {
            let mut m = raw[..start + tag_len].to_vec();
            m.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0x0f]);
            m.extend_from_slice(&raw[start + tag_len..end.min(start + tag_len + 64)]);
            out.push(m);
        }
        // The field duplicated (repeated messages: duplicated ids).
        let mut m = raw.to_vec();
        m.extend_from_slice(&raw[start..end]);
        out.push(m);
    }
    out
}

/// Structure-aware mutations: decode, break one reference, encode.
fn structural_mutations(raw: &[u8], rng: &mut Rng) -> Vec<Vec<u8>> {
    let Ok(good) = pb::Profile::decode(raw) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let huge = [u64::MAX, i64::MAX as u64, 1 << 40, 0];
    for round in 0..40 {
        let mut p = good.clone();
        let pick = huge[round % huge.len()];
        match round % 10 {
            0 if !p.sample.is_empty() => {
                let s = rng.below(p.sample.len());
                p.sample[s].location_id.push(pick);
            }
            1 if !p.location.is_empty() => {
                let l = rng.below(p.location.len());
                p.location[l].mapping_id = pick;
            }
            2 if !p.location.is_empty() => {
                let l = rng.below(p.location.len());
                p.location[l].line.push(pb::Line {
                    function_id: pick,
                    line: -1,
                    column: 0,
                });
            }
            3 if !p.function.is_empty() => {
                let f = rng.below(p.function.len());
                p.function[f].name = pick as i64;
                p.function[f].filename = -(rng.below(5) as i64) - 1;
            }
            4 if p.location.len() > 1 => {
                p.location[1].id = p.location[0].id; // duplicated id
            }
            5 if !p.function.is_empty() => {
                p.function[0].id = 0; // reserved id
            }
            6 if !p.sample.is_empty() => {
                let s = rng.below(p.sample.len());
                p.sample[s].value.push(7); // value count mismatch
            }
            7 => {
                p.sample_type.clear();
            }
            8 if !p.sample.is_empty() => {
                // Huge repeated counts: one sample with a very deep stack
                // and many labels.
                let ids: Vec<u64> = p.location.iter().map(|l| l.id).collect();
                if !ids.is_empty() {
                    p.sample[0].location_id = (0..50_000).map(|i| ids[i % ids.len()]).collect();
                }
                p.sample[0].label = vec![
                    pb::Label {
                        key: 1,
                        str: 1,
                        num: 3,
                        num_unit: 0
                    };
                    10_000
                ];
            }
            _ => {
                p.default_sample_type = pick as i64;
                p.drop_frames = rng.below(p.string_table.len().max(1)) as i64;
                p.mapping.iter_mut().for_each(|m| m.memory_limit = pick);
            }
        }
        out.push(p.encode_to_vec());
    }
    out
}

#[test]
fn mutated_fixtures_never_panic_or_hang() {
    let fixtures = fixtures();
    let slowest_allowed = Duration::from_secs(2);
    let results: Vec<(usize, usize, Duration, String)> = std::thread::scope(|scope| {
        let workers: Vec<_> = fixtures
            .chunks(fixtures.len().div_ceil(2))
            .enumerate()
            .map(|(w, chunk)| {
                scope.spawn(move || {
                    let mut rng = Rng(0x5eed + w as u64);
                    let (mut total, mut decoded) = (0, 0);
                    let (mut slowest, mut slowest_name) = (Duration::ZERO, String::new());
                    for (name, raw) in chunk {
                        let mut cases = byte_mutations(raw, &mut rng);
                        cases.extend(structural_mutations(raw, &mut rng));
                        for case in &cases {
                            let start = Instant::now();
                            decoded += usize::from(exercise(case));
                            let took = start.elapsed();
                            if took > slowest {
                                (slowest, slowest_name) = (took, name.clone());
                            }
                        }
                        total += cases.len();
                    }
                    (total, decoded, slowest, slowest_name)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("no panic"))
            .collect()
    });
    let total: usize = results.iter().map(|r| r.0).sum();
    let decoded: usize = results.iter().map(|r| r.1).sum();
    let (slowest, name) = results.iter().map(|r| (r.2, r.3.clone())).max().unwrap();
    println!(
        "{total} mutations of {} fixtures: {decoded} decoded and reported, the rest refused; slowest {slowest:?} ({name})",
        fixtures.len()
    );
    assert!(total > 10_000, "too few mutations: {total}");
    assert!(
        slowest < slowest_allowed,
        "a mutation of {name} took {slowest:?}"
    );
}

/// Runs the reports with label filters and the explorer (one frame) on a
/// valid profile.
fn exercise_everything(bytes: &[u8]) {
    use ppt::analysis::{Filters, TagFilter};
    use ppt::explore::{Session, Settings};
    use ppt::tui::App;
    use ppt::tui::theme::Theme;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let options = DecodeOptions {
        max_decompressed: 64 << 20,
    };
    let profile = decode(bytes, &options).expect("a shape is a valid profile");
    assert!(exercise(bytes));
    for (focus, ignore) in [
        ("key1=key1", "size=1:2"),
        ("own3", "key3=0:10kb"),
        ("huge=v", ""),
    ] {
        let filters = Filters {
            tag_focus: TagFilter::new("tagfocus", focus, &profile).ok(),
            tag_ignore: TagFilter::new("tagignore", ignore, &profile).ok(),
            ..Filters::default()
        };
        let report = ReportOptions {
            filters,
            node_fraction: 0.0,
            ..ReportOptions::default()
        };
        let _ = top(&profile, &report);
    }
    let profile = std::sync::Arc::new(profile);
    let settings = Settings::new(&profile, "shape.pb");
    let mut app = App::new(Session::new(profile, settings), Theme { color: true });
    let mut terminal = Terminal::new(TestBackend::new(120, 32)).unwrap();
    terminal.draw(|frame| app.render(frame)).unwrap();
}

#[test]
fn bombs_decode_report_and_draw_quickly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let bases = ["go/heap.pprof", "extra/labels.pb", "extra/inline.pb.gz"];
    let sizes = [
        ("deep recursion", 50_000),
        ("huge strings", 1 << 20),
        ("label bombs", 20_000),
    ];
    let mut slowest = (Duration::ZERO, String::new());
    for base in bases {
        let bytes = std::fs::read(root.join(base)).unwrap();
        let raw = if bytes.starts_with(&[0x1f, 0x8b]) {
            let mut raw = Vec::new();
            flate2::read::MultiGzDecoder::new(&bytes[..])
                .read_to_end(&mut raw)
                .unwrap();
            raw
        } else {
            bytes
        };
        let good = pb::Profile::decode(&raw[..]).unwrap();
        for ((name, shape), (_, size)) in shapes::SHAPES.iter().zip(sizes) {
            let bomb = shape(&good, size).encode_to_vec();
            let start = Instant::now();
            exercise_everything(&bomb);
            let took = start.elapsed();
            println!("{name} of {size} on {base}: {took:?}");
            if took > slowest.0 {
                slowest = (took, format!("{name} on {base}"));
            }
        }
    }
    let (took, what) = slowest;
    // Debug build: generous, but far below what a cost quadratic in the
    // depth, the string or the labels would take.
    assert!(took < Duration::from_secs(30), "{what} took {took:?}");
}

#[test]
fn fuzz_regressions_run_clean() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz-regressions");
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        exercise(&std::fs::read(entry.path()).unwrap());
    }
}
