//! Writes a large, deterministic pprof heap profile shaped like the one a
//! long-running Go server serves on `/debug/pprof/heap`: for benchmarking ppt
//! against `go tool pprof` (see `scripts/compare_pprof.sh`).
//!
//! ```sh
//! cargo run --release --example gen_profile -- big.pb.gz            # ~40 MB raw, ~24 MB gzipped
//! cargo run --release --example gen_profile -- --scale 10 big10.pb.gz
//! ```
//!
//! The same options and seed always give the same bytes (own PRNG, no
//! hash-map iteration order, fixed time stamp, gzip header without mtime).
//!
//! Shape:
//! - sample types `alloc_objects/count`, `alloc_space/bytes`,
//!   `inuse_objects/count`, `inuse_space/bytes` (no `default_sample_type`, so
//!   the last one is shown), period type `space/bytes`, period 512 KiB;
//! - functions named like Go's (`github.com/acme/svc12/internal/pkg140.(*Blob).makeAddBh1234`,
//!   value methods, plain functions, closures) over `--packages` packages,
//!   some of them standard-library or module-cache ones, each with a file under
//!   a long `GOPATH`-style directory;
//! - one mapping (the binary), every location in it with its own address; a
//!   share of the locations (`--inline-fraction`) carries an inlined frame;
//! - every stack starts at one of a few roots (`runtime.goexit` ->
//!   `net/http.(*conn).serve` -> ..., `runtime.main` -> `main.main`, a gRPC
//!   stream handler, a background goroutine), then walks down a call graph
//!   where each call site prefers a few callees (Pareto-distributed choice), so
//!   stacks share prefixes; the allocating leaf is Zipf-distributed, so a few
//!   allocation sites dominate; some calls recurse directly;
//! - values: objects 1..1000 (log-uniform), bytes = objects * a Go size class
//!   (8..32768, fixed per allocation site); about half the samples are no
//!   longer in use; some samples carry the numeric label `bytes` (the size).

#[path = "../benches/support/synth.rs"]
mod synth;

use prost::Message;
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;
use synth::{Shape, generate};

const USAGE: &str = "\
usage: gen_profile [options] OUT

Writes a deterministic, gzipped pprof heap profile shaped like a Go server's.

options (defaults in brackets):
  --functions N        number of functions [60000]
  --locations N        number of locations [120000]
  --samples N          number of samples [600000]
  --min-depth N        shallowest stack, in frames [8]
  --max-depth N        deepest stack, in frames [24]
  --packages N         number of Go packages [300]
  --scale K            multiply functions, locations and samples by K [1]
  --seed S             PRNG seed [1]
  --inline-fraction F  share of locations with an inlined frame [0.15]
  --label-fraction F   share of samples with a numeric `bytes` label [0.3]
  --recursion F        chance of a direct recursive call at each frame [0.02]
  --level L            gzip level 0..9 [6]
  --raw                write the protobuf uncompressed
  -h, --help           this text
";

struct Options {
    shape: Shape,
    scale: u64,
    level: u32,
    raw: bool,
    out: String,
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        shape: Shape::default(),
        scale: 1,
        level: 6,
        raw: false,
        out: String::new(),
    };
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            print!("{USAGE}");
            std::process::exit(0);
        }
        if arg == "--raw" {
            o.raw = true;
            continue;
        }
        if !arg.starts_with("--") || arg == "-" {
            if out.replace(arg.clone()).is_some() {
                return Err(format!("more than one output file: {arg}"));
            }
            continue;
        }
        let (name, value) = match arg.split_once('=') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None => {
                let v = args.next().ok_or_else(|| format!("{arg} needs a value"))?;
                (arg.clone(), v)
            }
        };
        let int = |v: &str| {
            v.parse::<u64>()
                .map_err(|_| format!("{name}: not a non-negative integer: {v}"))
        };
        let frac = |v: &str| match v.parse::<f64>() {
            Ok(f) if (0.0..=1.0).contains(&f) => Ok(f),
            _ => Err(format!("{name}: not a number in [0, 1]: {v}")),
        };
        match name.as_str() {
            "--functions" => o.shape.functions = int(&value)?,
            "--locations" => o.shape.locations = int(&value)?,
            "--samples" => o.shape.samples = int(&value)?,
            "--min-depth" => o.shape.min_depth = int(&value)?,
            "--max-depth" => o.shape.max_depth = int(&value)?,
            "--packages" => o.shape.packages = int(&value)?,
            "--scale" => o.scale = int(&value)?,
            "--seed" => o.shape.seed = int(&value)?,
            "--inline-fraction" => o.shape.inline_fraction = frac(&value)?,
            "--label-fraction" => o.shape.label_fraction = frac(&value)?,
            "--recursion" => o.shape.recursion = frac(&value)?,
            "--level" => {
                o.level = int(&value)? as u32;
                if o.level > 9 {
                    return Err(format!("--level: not in 0..9: {value}"));
                }
            }
            _ => return Err(format!("unknown option: {name}")),
        }
    }
    o.out = out.ok_or("missing output file")?;
    if o.scale == 0 {
        return Err("--scale must be at least 1".into());
    }
    o.shape = o.shape.scaled(o.scale);
    let s = &o.shape;
    if s.functions < synth::MIN_FUNCTIONS {
        return Err(format!(
            "--functions must be at least {}",
            synth::MIN_FUNCTIONS
        ));
    }
    if s.locations < s.functions {
        return Err("--locations must be at least --functions".into());
    }
    if s.packages == 0 {
        return Err("--packages must be at least 1".into());
    }
    if s.min_depth == 0 || s.min_depth > s.max_depth {
        return Err("need 1 <= --min-depth <= --max-depth".into());
    }
    Ok(o)
}

fn run() -> Result<(), String> {
    let o = parse_args()?;
    let start = Instant::now();
    let profile = generate(&o.shape);
    let generated = start.elapsed();
    let raw = profile.encode_to_vec();
    drop(profile);
    let encoded = start.elapsed();
    let file = std::fs::File::create(&o.out).map_err(|e| format!("{}: {e}", o.out))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    let io_err = |e: std::io::Error| format!("{}: {e}", o.out);
    if o.raw {
        w.write_all(&raw).map_err(io_err)?;
    } else {
        // GzEncoder's header has no mtime or name: the output is reproducible.
        let mut gz = flate2::write::GzEncoder::new(&mut w, flate2::Compression::new(o.level));
        gz.write_all(&raw).map_err(io_err)?;
        gz.finish().map_err(io_err)?;
    }
    w.flush().map_err(io_err)?;
    drop(w);
    let written = std::fs::metadata(&o.out).map_err(io_err)?.len();
    eprintln!(
        "{}: {} functions, {} locations, {} samples; {:.1} MB raw, {:.1} MB written \
         (generate {:.2}s, encode {:.2}s, total {:.2}s)",
        o.out,
        o.shape.functions,
        o.shape.locations,
        o.shape.samples,
        raw.len() as f64 / 1e6,
        written as f64 / 1e6,
        generated.as_secs_f64(),
        (encoded - generated).as_secs_f64(),
        start.elapsed().as_secs_f64(),
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_profile: {e}");
            if e.contains("missing output") || e.contains("unknown option") {
                eprint!("{USAGE}");
                return ExitCode::from(2);
            }
            ExitCode::FAILURE
        }
    }
}
