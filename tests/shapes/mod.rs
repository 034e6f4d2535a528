//! Bombs built from a valid profile: shapes that are valid protobuf and
//! valid profiles, but extreme. Shared by `tests/mutations.rs` and the fuzz
//! target (`fuzz/fuzz_targets/decode_report.rs` includes this file), so the
//! fuzzer explores around them too.
//!
//! - deep recursion: one stack thousands of frames deep through a cycle of
//!   a few functions, and a location with hundreds of inlined frames;
//! - huge strings: a function name, a file name, a label value and a sample
//!   type of megabytes;
//! - label bombs: thousands of labels on a sample, distinct keys, numeric
//!   ones with conflicting units, and many samples each with labels of
//!   their own.
//!
//! Each shape takes a size, so the mutation test and the fuzzer can each
//! pick what their time budget allows.
#![allow(dead_code)]

use ppt::profile::pb;

/// A bomb built from a profile, of a size.
pub type Shape = fn(&pb::Profile, usize) -> pb::Profile;

/// The shapes, by name, for messages.
pub const SHAPES: [(&str, Shape); 3] = [
    ("deep recursion", deep_recursion),
    ("huge strings", huge_strings),
    ("label bombs", label_bombs),
];

/// Adds `text` to the string table; its index.
fn intern(p: &mut pb::Profile, text: Vec<u8>) -> i64 {
    if p.string_table.is_empty() {
        p.string_table.push(Vec::new());
    }
    p.string_table.push(text);
    p.string_table.len() as i64 - 1
}

/// A new function named `name`; its id.
fn function(p: &mut pb::Profile, name: Vec<u8>) -> u64 {
    let id = p.function.iter().map(|f| f.id).max().unwrap_or(0) + 1;
    let name = intern(p, name);
    p.function.push(pb::Function {
        id,
        name,
        system_name: name,
        ..Default::default()
    });
    id
}

/// A new location with these functions (innermost first); its id.
fn location(p: &mut pb::Profile, functions: &[u64]) -> u64 {
    let id = p.location.iter().map(|l| l.id).max().unwrap_or(0) + 1;
    p.location.push(pb::Location {
        id,
        line: functions
            .iter()
            .enumerate()
            .map(|(i, &function_id)| pb::Line {
                function_id,
                line: i as i64 + 1,
                column: 0,
            })
            .collect(),
        ..Default::default()
    });
    id
}

/// A sample with `stack` and the value 1 for every sample type.
fn sample(p: &pb::Profile, stack: Vec<u64>, label: Vec<pb::Label>) -> pb::Sample {
    pb::Sample {
        location_id: stack,
        value: vec![1; p.sample_type.len()],
        label,
    }
}

/// The profile with a sample `depth` frames deep through a cycle of three
/// functions (a -> b -> c -> a ...), one through direct recursion, and a
/// location holding `depth / 100` inlined frames of one function.
pub fn deep_recursion(good: &pb::Profile, depth: usize) -> pb::Profile {
    let mut p = good.clone();
    let cycle: Vec<u64> = (0..3)
        .map(|i| function(&mut p, format!("main.cycle{i}").into_bytes()))
        .collect();
    let locations: Vec<u64> = cycle.iter().map(|&f| location(&mut p, &[f])).collect();
    let deep = (0..depth).map(|i| locations[i % 3]).collect();
    p.sample.push(sample(&p, deep, Vec::new()));
    let direct = vec![locations[0]; depth];
    p.sample.push(sample(&p, direct, Vec::new()));
    let rec = function(&mut p, b"main.inlinedRecursion".to_vec());
    let inlined = location(&mut p, &vec![rec; (depth / 100).max(2)]);
    p.sample
        .push(sample(&p, vec![inlined, inlined, locations[1]], Vec::new()));
    p
}

/// The profile with strings of `size` bytes: a function name (of a frame
/// in a sample), its file name, a label value, and a new sample type's name
/// (each sample given a value for it).
pub fn huge_strings(good: &pb::Profile, size: usize) -> pb::Profile {
    let mut p = good.clone();
    let name: Vec<u8> = b"main.huge"
        .iter()
        .copied()
        .chain(std::iter::repeat_n(b'x', size))
        .collect();
    let f = function(&mut p, name);
    let file = intern(&mut p, vec![b'/'; size]);
    if let Some(func) = p.function.iter_mut().find(|func| func.id == f) {
        func.filename = file;
    }
    let loc = location(&mut p, &[f]);
    let key = intern(&mut p, b"huge".to_vec());
    let value = intern(&mut p, vec![b'v'; size]);
    let label = vec![pb::Label {
        key,
        str: value,
        ..Default::default()
    }];
    p.sample.push(sample(&p, vec![loc], label));
    let kind = intern(&mut p, vec![b't'; size]);
    let unit = intern(&mut p, vec![b'u'; size.min(1 << 16)]);
    p.sample_type.push(pb::ValueType { r#type: kind, unit });
    for s in &mut p.sample {
        s.value.push(7);
    }
    p
}

/// The profile with label bombs: one sample with `count` labels (string
/// and numeric, distinct keys, a key written with two units), and
/// `count / 10` samples each with a label key of its own.
pub fn label_bombs(good: &pb::Profile, count: usize) -> pb::Profile {
    let mut p = good.clone();
    let f = function(&mut p, b"main.labelled".to_vec());
    let loc = location(&mut p, &[f]);
    let bytes = intern(&mut p, b"bytes".to_vec());
    let seconds = intern(&mut p, b"seconds".to_vec());
    let shared = intern(&mut p, b"size".to_vec());
    let mut labels = Vec::with_capacity(count);
    for i in 0..count {
        let key = intern(&mut p, format!("key{i}").into_bytes());
        labels.push(if i % 2 == 0 {
            pb::Label {
                key,
                str: key,
                ..Default::default()
            }
        } else {
            pb::Label {
                key,
                num: i as i64 * 1_000_003,
                num_unit: if i % 3 == 0 { bytes } else { 0 },
                ..Default::default()
            }
        });
    }
    for (i, unit) in [bytes, seconds].into_iter().enumerate() {
        labels.push(pb::Label {
            key: shared,
            num: i as i64 + 1,
            num_unit: unit,
            ..Default::default()
        });
    }
    p.sample.push(sample(&p, vec![loc], labels));
    for i in 0..count / 10 {
        let key = intern(&mut p, format!("own{i}").into_bytes());
        let label = vec![pb::Label {
            key,
            num: i as i64,
            num_unit: seconds,
            ..Default::default()
        }];
        p.sample.push(sample(&p, vec![loc], label));
    }
    p
}
