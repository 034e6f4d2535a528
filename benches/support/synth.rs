//! A deterministic generator of large pprof heap profiles shaped like a
//! long-running Go server's, shared by `examples/gen_profile.rs` (which
//! writes them to files) and the benchmarks (which build them in memory).
//! See the example's documentation for the shape.

// Each program that includes this uses part of it.
#![allow(dead_code)]

use ppt::profile::pb;
use std::collections::HashMap;

/// The knobs of a generated profile.
#[derive(Debug, Clone)]
pub struct Shape {
    pub functions: u64,
    pub locations: u64,
    pub samples: u64,
    pub min_depth: u64,
    pub max_depth: u64,
    pub packages: u64,
    pub seed: u64,
    pub inline_fraction: f64,
    pub label_fraction: f64,
    pub recursion: f64,
}

impl Default for Shape {
    /// The benchmark shape: 60k functions, 120k locations, 600k samples,
    /// stacks 8-24 deep: about 40 MB raw, 24 MB gzipped.
    fn default() -> Self {
        Shape {
            functions: 60_000,
            locations: 120_000,
            samples: 600_000,
            min_depth: 8,
            max_depth: 24,
            packages: 300,
            seed: 1,
            inline_fraction: 0.15,
            label_fraction: 0.3,
            recursion: 0.02,
        }
    }
}

/// Fewest functions a shape can have: one per root frame, plus one.
pub const MIN_FUNCTIONS: u64 = ROOTS.len() as u64 + 1;

impl Shape {
    /// The same shape with `k` times the functions, locations and samples.
    pub fn scaled(mut self, k: u64) -> Shape {
        self.functions *= k;
        self.locations *= k;
        self.samples *= k;
        self
    }
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// Zipf-like (s = 1) rank in `0..n`: P(r) ~ 1 / (r + 1.5).
    fn zipf(&mut self, n: u64) -> u64 {
        let r = (((n as f64) + 1.0).ln() * self.unit()).exp() as u64;
        r.saturating_sub(1).min(n - 1)
    }
    /// Pareto-like choice index: P(k >= x) = 1 / (x + 1), so k = 0 half the
    /// time, 1 a sixth of the time, with a long tail.
    fn pareto(&mut self) -> u64 {
        let u = 1.0 - self.unit(); // (0, 1]
        ((1.0 / u) - 1.0).min(1e15) as u64
    }
    /// Log-uniform integer in `lo..=hi`.
    fn log_uniform(&mut self, lo: u64, hi: u64) -> u64 {
        let (l, h) = ((lo as f64).ln(), ((hi + 1) as f64).ln());
        ((l + (h - l) * self.unit()).exp() as u64).clamp(lo, hi)
    }
}

/// SplitMix64's finalizer: a good 64-bit mixing function.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn mix2(seed: u64, a: u64, b: u64) -> u64 {
    mix(mix(seed ^ a.wrapping_mul(0x9E37_79B9_7F4A_7C15)) ^ b)
}

// ---------------------------------------------------------------------------
// Names.

const STD_PACKAGES: &[(&str, &str)] = &[
    // (import path, directory of its sources)
    ("bytes", "/usr/local/go/src/bytes"),
    ("strings", "/usr/local/go/src/strings"),
    ("bufio", "/usr/local/go/src/bufio"),
    ("encoding/json", "/usr/local/go/src/encoding/json"),
    ("encoding/base64", "/usr/local/go/src/encoding/base64"),
    ("reflect", "/usr/local/go/src/reflect"),
    ("compress/flate", "/usr/local/go/src/compress/flate"),
    ("compress/gzip", "/usr/local/go/src/compress/gzip"),
    ("crypto/tls", "/usr/local/go/src/crypto/tls"),
    ("net/textproto", "/usr/local/go/src/net/textproto"),
    ("net/url", "/usr/local/go/src/net/url"),
    ("sync", "/usr/local/go/src/sync"),
    ("sort", "/usr/local/go/src/sort"),
    ("regexp", "/usr/local/go/src/regexp"),
    ("fmt", "/usr/local/go/src/fmt"),
    ("time", "/usr/local/go/src/time"),
    ("io", "/usr/local/go/src/io"),
    (
        "google.golang.org/protobuf/internal/impl",
        "/home/build/go/pkg/mod/google.golang.org/protobuf@v1.31.0/internal/impl",
    ),
    (
        "google.golang.org/protobuf/proto",
        "/home/build/go/pkg/mod/google.golang.org/protobuf@v1.31.0/proto",
    ),
    (
        "google.golang.org/grpc/internal/transport",
        "/home/build/go/pkg/mod/google.golang.org/grpc@v1.56.2/internal/transport",
    ),
    (
        "github.com/prometheus/client_golang/prometheus",
        "/home/build/go/pkg/mod/github.com/prometheus/client_golang@v1.16.0/prometheus",
    ),
    (
        "go.uber.org/zap/zapcore",
        "/home/build/go/pkg/mod/go.uber.org/zap@v1.24.0/zapcore",
    ),
    (
        "github.com/jackc/pgx/v5/pgproto3",
        "/home/build/go/pkg/mod/github.com/jackc/pgx/v5@v5.4.2/pgproto3",
    ),
];

const APP_LAYOUT: &[&str] = &["internal", "pkg", "internal/storage", "internal/api", "cmd"];

const TYPES: &[&str] = &[
    "Blob",
    "Store",
    "Cache",
    "Index",
    "Buffer",
    "Conn",
    "Session",
    "Request",
    "Response",
    "Decoder",
    "Encoder",
    "Tree",
    "Node",
    "Batch",
    "Pool",
    "Queue",
    "Router",
    "Handler",
    "Writer",
    "Reader",
    "Segment",
    "Shard",
    "Ledger",
    "Txn",
    "Snapshot",
    "Registry",
    "Codec",
    "Table",
    "Row",
    "Column",
    "Iterator",
    "Compactor",
    "Manifest",
    "Tracker",
    "Limiter",
];

const VERBS: &[&str] = &[
    "make",
    "add",
    "get",
    "put",
    "load",
    "store",
    "decode",
    "encode",
    "read",
    "write",
    "flush",
    "merge",
    "split",
    "build",
    "parse",
    "scan",
    "alloc",
    "grow",
    "clone",
    "marshal",
    "unmarshal",
    "append",
    "insert",
    "lookup",
    "compact",
    "serve",
    "handle",
    "resolve",
    "apply",
    "collect",
    "emit",
    "fetch",
    "index",
    "prepare",
    "render",
    "rotate",
    "sync",
];

const NOUNS: &[&str] = &[
    "Add", "Entry", "Key", "Value", "Header", "Body", "Chunk", "Page", "Record", "Field", "Frame",
    "Token", "Span", "Event", "Meta", "Batch", "Block", "Slice", "Map", "Item", "Range", "Result",
    "Query", "Plan", "State", "Delta", "Bucket", "Label", "Metric",
];

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

struct Package {
    path: String,
    dir: String,
}

fn make_packages(n: u64) -> Vec<Package> {
    (0..n)
        .map(|i| {
            // One package in four is from the standard library or the module
            // cache (while they last); the rest belong to the application.
            let std_idx = i / 4;
            if i % 4 == 3 && (std_idx as usize) < STD_PACKAGES.len() {
                let (path, dir) = STD_PACKAGES[std_idx as usize];
                return Package {
                    path: path.to_string(),
                    dir: dir.to_string(),
                };
            }
            let layout = APP_LAYOUT[(mix(i) % APP_LAYOUT.len() as u64) as usize];
            let path = format!("github.com/acme/svc{}/{layout}/pkg{i}", i % 23);
            let dir = format!("/home/build/go/src/{path}");
            Package { path, dir }
        })
        .collect()
}

/// Strings, deduplicated, indices in order of first use.
struct Strings {
    table: Vec<Vec<u8>>,
    index: HashMap<String, i64>,
}

impl Strings {
    fn new() -> Self {
        let mut s = Strings {
            table: Vec::new(),
            index: HashMap::new(),
        };
        s.id("");
        s
    }
    fn id(&mut self, s: &str) -> i64 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.table.len() as i64;
        self.table.push(s.as_bytes().to_vec());
        self.index.insert(s.to_string(), i);
        i
    }
}

/// Fixed functions the stacks start from, outermost first within each root.
const ROOTS: &[(&str, &str)] = &[
    ("runtime.goexit", "/usr/local/go/src/runtime/asm_amd64.s"),
    (
        "net/http.(*conn).serve",
        "/usr/local/go/src/net/http/server.go",
    ),
    (
        "net/http.serverHandler.ServeHTTP",
        "/usr/local/go/src/net/http/server.go",
    ),
    (
        "net/http.(*ServeMux).ServeHTTP",
        "/usr/local/go/src/net/http/server.go",
    ),
    (
        "net/http.HandlerFunc.ServeHTTP",
        "/usr/local/go/src/net/http/server.go",
    ),
    ("runtime.main", "/usr/local/go/src/runtime/proc.go"),
    (
        "main.main",
        "/home/build/go/src/github.com/acme/svc0/cmd/server/main.go",
    ),
    (
        "google.golang.org/grpc.(*Server).serveStreams.func1.2",
        "/home/build/go/pkg/mod/google.golang.org/grpc@v1.56.2/server.go",
    ),
    (
        "google.golang.org/grpc.(*Server).handleStream",
        "/home/build/go/pkg/mod/google.golang.org/grpc@v1.56.2/server.go",
    ),
    (
        "google.golang.org/grpc.(*Server).processUnaryRPC",
        "/home/build/go/pkg/mod/google.golang.org/grpc@v1.56.2/server.go",
    ),
];

/// Root chains (indices into ROOTS, outermost first) and their weights.
const CHAINS: &[(&[usize], u64)] = &[
    (&[0, 1, 2, 3, 4], 45),
    (&[0, 7, 8, 9], 25),
    (&[5, 6], 10),
    (&[0], 20),
];

const SIZE_CLASSES: &[u64] = &[
    8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 288, 320, 352,
    384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280, 1408, 1536, 1792, 2048,
    2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528, 6784, 6912, 8192, 9472, 9728,
    10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072, 20480, 21760, 24576, 27264, 28672,
    32768,
];

// ---------------------------------------------------------------------------

/// Generates the profile described by `o`.
pub fn generate(o: &Shape) -> pb::Profile {
    let mut rng = Rng(mix(o.seed ^ 0x005E_ED0F_9F0F));
    let graph_seed = mix(o.seed.wrapping_add(0xCA11));
    let mut st = Strings::new();

    let sample_type = [
        "alloc_objects",
        "alloc_space",
        "inuse_objects",
        "inuse_space",
    ]
    .iter()
    .zip(["count", "bytes", "count", "bytes"])
    .map(|(t, u)| pb::ValueType {
        r#type: st.id(t),
        unit: st.id(u),
    })
    .collect::<Vec<_>>();
    let period_type = pb::ValueType {
        r#type: st.id("space"),
        unit: st.id("bytes"),
    };
    let bytes_key = st.id("bytes");

    // Functions: the fixed roots, then generated ones.
    let packages = make_packages(o.packages);
    let nf = o.functions as usize;
    let mut functions = Vec::with_capacity(nf);
    for (i, (name, file)) in ROOTS.iter().enumerate() {
        let name = st.id(name);
        functions.push(pb::Function {
            id: i as u64 + 1,
            name,
            system_name: name,
            filename: st.id(file),
            start_line: 100 + 37 * i as i64,
        });
    }
    for i in ROOTS.len()..nf {
        // Mildly skewed over packages: big packages and small ones.
        let p = if rng.chance(0.5) {
            rng.zipf(o.packages)
        } else {
            rng.below(o.packages)
        };
        let pkg = &packages[p as usize];
        let ty = TYPES[(mix2(graph_seed, p, rng.below(8)) % TYPES.len() as u64) as usize];
        let verb = VERBS[rng.below(VERBS.len() as u64) as usize];
        let noun = NOUNS[rng.below(NOUNS.len() as u64) as usize];
        let tag = [
            (b'A' + rng.below(26) as u8) as char,
            (b'a' + rng.below(26) as u8) as char,
        ];
        let exported = rng.chance(0.4);
        let method = if exported {
            format!("{}{noun}{}{}{i}", capitalize(verb), tag[0], tag[1])
        } else {
            format!("{verb}{noun}{}{}{i}", tag[0], tag[1])
        };
        let base = pkg.path.rsplit('/').next().unwrap_or(&pkg.path);
        let (name, file) = match rng.below(20) {
            0..=9 => (
                format!("{}.(*{ty}).{method}", pkg.path),
                format!("{}/{}.go", pkg.dir, ty.to_ascii_lowercase()),
            ),
            10..=12 => (
                format!("{}.{ty}.{method}", pkg.path),
                format!("{}/{}.go", pkg.dir, ty.to_ascii_lowercase()),
            ),
            13..=17 => (
                format!("{}.{method}", pkg.path),
                format!("{}/{base}.go", pkg.dir),
            ),
            _ => (
                format!("{}.(*{ty}).{method}.func{}", pkg.path, 1 + rng.below(4)),
                format!("{}/{}_util.go", pkg.dir, ty.to_ascii_lowercase()),
            ),
        };
        let name = st.id(&name);
        functions.push(pb::Function {
            id: i as u64 + 1,
            name,
            system_name: name,
            filename: st.id(&file),
            start_line: 20 + rng.below(3000) as i64,
        });
    }

    // Locations: one per root function, at least one per generated function,
    // the rest spread over the generated functions.
    let nl = o.locations as usize;
    let nroots = ROOTS.len();
    let gen_funcs = (nf - nroots) as u64;
    let mut locations = Vec::with_capacity(nl);
    let mut address = 0x40_1000u64;
    for i in 0..nl {
        let f = if i < nf {
            i
        } else {
            nroots + rng.below(gen_funcs) as usize
        };
        let func = &functions[f];
        address += 0x10 + 4 * rng.below(64);
        let mut line = Vec::with_capacity(2);
        if i >= nroots && rng.chance(o.inline_fraction) {
            // The inlined callee comes first, its caller last.
            let g = &functions[nroots + rng.below(gen_funcs) as usize];
            line.push(pb::Line {
                function_id: g.id,
                line: g.start_line + 1 + rng.below(15) as i64,
                column: 0,
            });
        }
        line.push(pb::Line {
            function_id: func.id,
            line: func.start_line + 1 + rng.below(250) as i64,
            column: 0,
        });
        locations.push(pb::Location {
            id: i as u64 + 1,
            mapping_id: 1,
            address,
            line,
            is_folded: false,
        });
    }
    let mapping = pb::Mapping {
        id: 1,
        memory_start: 0x40_0000,
        memory_limit: (address + 0x1000) & !0xfff,
        file_offset: 0,
        filename: st.id("/usr/local/bin/acme-server"),
        build_id: st.id("6f1c3a9e0b7d4c2f8e5a1b3c7d9e0f2a4b6c8d0e"),
        has_functions: true,
        has_filenames: true,
        has_line_numbers: true,
        has_inline_frames: true,
    };

    // Samples.
    let gen_locs = (nl - nroots) as u64;
    let chain_total: u64 = CHAINS.iter().map(|c| c.1).sum();
    let mut samples = Vec::with_capacity(o.samples as usize);
    let mut stack: Vec<u64> = Vec::with_capacity(o.max_depth as usize + 4);
    for _ in 0..o.samples {
        stack.clear();
        let mut pick = rng.below(chain_total);
        let chain = CHAINS
            .iter()
            .find(|c| {
                if pick < c.1 {
                    true
                } else {
                    pick -= c.1;
                    false
                }
            })
            .unwrap()
            .0;
        let depth = o.min_depth + rng.below(o.max_depth - o.min_depth + 1);
        // Location index i has id i + 1; root function r has location r.
        for &r in chain.iter().take(depth as usize - 1) {
            stack.push(r as u64);
        }
        // Walk down the call graph: call site `cur` calls its k-th preferred
        // callee, k Pareto-distributed, so stacks share prefixes near the
        // roots and fan out deeper down. Recursion repeats the frame.
        let mut cur = stack.last().copied().unwrap_or(chain[0] as u64);
        while (stack.len() as u64) < depth - 1 {
            if stack.len() > chain.len() && rng.chance(o.recursion) {
                let n = 1 + rng.below(3);
                for _ in 0..n {
                    if (stack.len() as u64) < depth - 1 {
                        stack.push(cur);
                    }
                }
                continue;
            }
            let k = rng.pareto();
            cur = nroots as u64 + mix2(graph_seed, cur, k) % gen_locs;
            stack.push(cur);
        }
        // The allocating leaf: a Zipf-distributed allocation site.
        let site = rng.zipf(gen_locs);
        let leaf = nroots as u64 + mix2(graph_seed ^ 0x1EAF, site, 0) % gen_locs;
        stack.push(leaf);

        let class = mix2(graph_seed ^ 0x517E, leaf, 0);
        // Small size classes are more common.
        let ci = ((class % 1000) as f64 / 1000.0).powi(2) * SIZE_CLASSES.len() as f64;
        let size = SIZE_CLASSES[(ci as usize).min(SIZE_CLASSES.len() - 1)];
        let objects = rng.log_uniform(1, 1000);
        let inuse = if rng.chance(0.5) {
            0
        } else {
            1 + rng.below(objects)
        };
        let label = if rng.chance(o.label_fraction) {
            vec![pb::Label {
                key: bytes_key,
                str: 0,
                num: size as i64,
                num_unit: 0,
            }]
        } else {
            Vec::new()
        };
        samples.push(pb::Sample {
            location_id: stack.iter().rev().map(|&i| i + 1).collect(),
            value: vec![
                objects as i64,
                (objects * size) as i64,
                inuse as i64,
                (inuse * size) as i64,
            ],
            label,
        });
    }

    pb::Profile {
        sample_type,
        sample: samples,
        mapping: vec![mapping],
        location: locations,
        function: functions,
        string_table: st.table,
        drop_frames: 0,
        keep_frames: 0,
        time_nanos: 1_700_000_000_000_000_000,
        duration_nanos: 0,
        period_type: Some(period_type),
        period: 512 * 1024,
        comment: Vec::new(),
        default_sample_type: 0,
        doc_url: 0,
    }
}
