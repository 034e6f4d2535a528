//! Writes the heap profiles of a fleet: one service (the same functions and
//! call graph, as `gen_profile` makes them) running in many pods, each pod's
//! profile with its own values, some stacks missing, and its own time. For
//! benchmarking `ppt pods/*.pb.gz`, which merges them (see BENCHMARKS.md).
//!
//! ```sh
//! cargo run --release --example gen_fleet -- --pods 1000 pods/
//! ```
//!
//! Deterministic: the same options give the same files.

#[path = "../benches/support/synth.rs"]
mod synth;

use prost::Message;
use std::io::Write;
use std::process::ExitCode;
use synth::{Shape, generate};

const USAGE: &str = "\
usage: gen_fleet [options] OUTDIR

Writes OUTDIR/pod-0000.pb.gz ...: gzipped heap profiles of one service.

options (defaults in brackets):
  --pods N        number of profiles [1000]
  --functions N   functions of the service [3000]
  --locations N   locations [6000]
  --samples N     samples of a pod, at most [4000]
  --seed S        the service (names, call graph) [1]
";

/// A small PRNG (splitmix64), so that the files do not depend on a crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn run() -> Result<(), String> {
    let mut shape = Shape {
        functions: 3000,
        locations: 6000,
        samples: 4000,
        ..Shape::default()
    };
    let (mut pods, mut out) = (1000u64, None);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            print!("{USAGE}");
            std::process::exit(0);
        }
        if !arg.starts_with("--") {
            out = Some(arg);
            continue;
        }
        let value = args.next().ok_or_else(|| format!("{arg} needs a value"))?;
        let n = value
            .parse::<u64>()
            .map_err(|_| format!("{arg}: not a non-negative integer: {value}"))?;
        match arg.as_str() {
            "--pods" => pods = n,
            "--functions" => shape.functions = n,
            "--locations" => shape.locations = n,
            "--samples" => shape.samples = n,
            "--seed" => shape.seed = n,
            _ => return Err(format!("unknown option: {arg}")),
        }
    }
    let out = out.ok_or("missing output directory")?;
    if shape.functions < synth::MIN_FUNCTIONS || shape.locations < shape.functions {
        return Err(format!(
            "need --functions >= {} and --locations >= --functions",
            synth::MIN_FUNCTIONS
        ));
    }
    std::fs::create_dir_all(&out).map_err(|e| format!("{out}: {e}"))?;
    let service = generate(&shape);
    let mut rng = Rng(shape.seed);
    let mut bytes = 0u64;
    for pod in 0..pods {
        let mut p = service.clone();
        // Each pod misses some stacks and has its own amounts of the others.
        p.sample.retain_mut(|s| {
            let factor = 0.25 + 1.5 * rng.unit();
            for v in &mut s.value {
                *v = (*v as f64 * factor).round() as i64;
            }
            rng.unit() < 0.9
        });
        p.time_nanos += pod as i64 * 1_000_000_007;
        let path = format!("{out}/pod-{pod:04}.pb.gz");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
        gz.write_all(&p.encode_to_vec())
            .and_then(|()| gz.finish())
            .and_then(|gz| {
                bytes += gz.len() as u64;
                std::fs::write(&path, gz)
            })
            .map_err(|e| format!("{path}: {e}"))?;
    }
    eprintln!(
        "{out}: {pods} profiles of {} functions, {} locations, up to {} samples; {:.1} MB gzipped",
        shape.functions,
        shape.locations,
        shape.samples,
        bytes as f64 / 1e6
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_fleet: {e}");
            ExitCode::FAILURE
        }
    }
}
