//! Units and numbers, below both analysis and reports (pprof's
//! `measurement` package).
//!
//! pprof's number formatting: unit scaling (`measurement.Scale`), value
//! labels (`ScaledLabel`) and percentages (`Percentage`), digit for digit.

/// A unit and how many base units it holds.
struct Unit {
    name: &'static str,
    aliases: &'static [&'static str],
    factor: f64,
}

/// A family of convertible units (memory, time, GCU) and the unit used when
/// a value fits none of them.
struct UnitType {
    units: &'static [Unit],
    default_name: &'static str,
    default_factor: f64,
}

const fn unit(name: &'static str, aliases: &'static [&'static str], factor: f64) -> Unit {
    Unit {
        name,
        aliases,
        factor,
    }
}

const KIB: f64 = 1024.0;
const UNIT_TYPES: [UnitType; 3] = [
    UnitType {
        units: &[
            unit("B", &["b", "byte"], 1.0),
            unit("kB", &["kb", "kbyte", "kilobyte"], KIB),
            unit("MB", &["mb", "mbyte", "megabyte"], KIB * KIB),
            unit("GB", &["gb", "gbyte", "gigabyte"], KIB * KIB * KIB),
            unit("TB", &["tb", "tbyte", "terabyte"], KIB * KIB * KIB * KIB),
            unit(
                "PB",
                &["pb", "pbyte", "petabyte"],
                KIB * KIB * KIB * KIB * KIB,
            ),
        ],
        default_name: "B",
        default_factor: 1.0,
    },
    UnitType {
        units: &[
            unit("ns", &["ns", "nanosecond"], 1.0),
            unit("us", &["μs", "us", "microsecond"], 1e3),
            unit("ms", &["ms", "millisecond"], 1e6),
            unit("s", &["s", "sec", "second"], 1e9),
            unit("hrs", &["hour", "hr"], 3600e9),
        ],
        default_name: "s",
        default_factor: 1e9,
    },
    UnitType {
        units: &[
            unit("n*GCU", &["nanogcu"], 1e-9),
            unit("u*GCU", &["microgcu"], 1e-6),
            unit("m*GCU", &["milligcu"], 1e-3),
            unit("GCU", &["gcu"], 1.0),
            unit("k*GCU", &["kilogcu"], 1e3),
            unit("M*GCU", &["megagcu"], 1e6),
            unit("G*GCU", &["gigagcu"], 1e9),
            unit("T*GCU", &["teragcu"], 1e12),
            unit("P*GCU", &["petagcu"], 1e15),
        ],
        default_name: "GCU",
        default_factor: 1.0,
    },
];

/// Where a value is scaled to: the best unit for it, or a named unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputUnit {
    /// pprof's `minimum`/`auto`: the largest unit the value is at least 1 of.
    Auto,
    /// A unit name as in the profile or as chosen for a report.
    Named(String),
}

impl UnitType {
    /// pprof's `sniffUnit`: lower case, a plural `s` dropped (on names longer
    /// than two bytes), then an alias lookup.
    fn sniff(&self, name: &str) -> Option<&'static Unit> {
        let lower = name.to_lowercase();
        let singular = if lower.len() > 2 {
            lower.strip_suffix('s').unwrap_or(&lower)
        } else {
            &lower
        };
        self.units.iter().find(|u| u.aliases.contains(&singular))
    }

    fn auto_scale(&self, value: f64) -> Option<(f64, &'static str)> {
        let mut best: Option<&Unit> = None;
        for u in self.units {
            if u.factor >= best.map_or(0.0, |b| b.factor) && value / u.factor >= 1.0 {
                best = Some(u);
            }
        }
        best.map(|u| (value / u.factor, u.name))
    }

    fn convert(&self, value: i64, from: &str, to: &OutputUnit) -> Option<(f64, String)> {
        let from = self.sniff(from)?;
        let v = value as f64 * from.factor;
        let fallback = || (v / self.default_factor, self.default_name.to_string());
        Some(match to {
            OutputUnit::Auto => self
                .auto_scale(v)
                .map(|(v, name)| (v, name.to_string()))
                .unwrap_or_else(fallback),
            OutputUnit::Named(to) => match self.sniff(to) {
                Some(u) => (v / u.factor, u.name.to_string()),
                None => fallback(),
            },
        })
    }
}

/// The units values of unit `sample_unit` can be printed in (`B`, `kB`,
/// `MB`... for bytes), smallest first; none for a unit of no known family
/// (counts).
pub fn convertible_units(sample_unit: &str) -> Vec<&'static str> {
    UNIT_TYPES
        .iter()
        .find(|t| t.sniff(sample_unit).is_some())
        .map(|t| t.units.iter().map(|u| u.name).collect())
        .unwrap_or_default()
}

/// pprof's `measurement.Scale`: `value` in unit `from`, expressed in `to`.
/// Returns the scaled number and the unit suffix to print (empty for counts).
pub fn scale(value: i64, from: &str, to: &OutputUnit) -> (f64, String) {
    if value < 0 && value != i64::MIN {
        let (v, u) = scale(-value, from, to);
        return (-v, u);
    }
    for unit_type in &UNIT_TYPES {
        if let Some(scaled) = unit_type.convert(value, from, to) {
            return scaled;
        }
    }
    match to {
        OutputUnit::Auto => (value as f64, String::new()),
        OutputUnit::Named(to)
            if matches!(
                to.as_str(),
                "count" | "sample" | "unit" | "minimum" | "auto"
            ) =>
        {
            (value as f64, String::new())
        }
        OutputUnit::Named(to) => (value as f64, to.clone()),
    }
}

/// [`scale`]'s number for many values into one unit: the unit names are
/// looked up once (`scale` lower-cases both names at every call, which a
/// report of a million values pays a million times).
#[derive(Debug, Clone)]
pub struct Scaler {
    /// `from`'s factor and the target's, when the target is a named unit.
    factors: Option<(f64, f64)>,
    from: String,
    to: OutputUnit,
}

impl Scaler {
    /// Scales values of unit `from` to `to`.
    pub fn new(from: &str, to: &OutputUnit) -> Scaler {
        let factors = match to {
            // The unit is chosen per value.
            OutputUnit::Auto => None,
            OutputUnit::Named(name) => Some(
                UNIT_TYPES
                    .iter()
                    .find_map(|t| {
                        let from = t.sniff(from)?;
                        let to = t.sniff(name).map_or(t.default_factor, |u| u.factor);
                        Some((from.factor, to))
                    })
                    // No family: the value as it is.
                    .unwrap_or((1.0, 1.0)),
            ),
        };
        Scaler {
            factors,
            from: from.to_string(),
            to: to.clone(),
        }
    }

    /// `scale(value, from, to).0`, with the same floating-point steps.
    pub fn scale(&self, value: i64) -> f64 {
        match self.factors {
            Some((from, to)) if value < 0 && value != i64::MIN => {
                -(value.wrapping_neg() as f64 * from / to)
            }
            Some((from, to)) => value as f64 * from / to,
            None => scale(value, &self.from, &self.to).0,
        }
    }
}

/// Whether two unit names belong to one family (both memory, both time, or
/// both GCU) as pprof's `compatibleValueTypes` sniffs them: such sample types
/// can be merged after scaling to the finer unit.
pub fn same_unit_family(a: &str, b: &str) -> bool {
    UNIT_TYPES
        .iter()
        .any(|t| t.sniff(a).is_some() && t.sniff(b).is_some())
}

/// pprof's `ScaledLabel`: `%.2f` without a trailing `.00`, then the unit;
/// anything that rounds to zero prints `0`.
pub fn scaled_label(value: i64, from: &str, to: &OutputUnit) -> String {
    let (v, unit) = scale(value, from, to);
    let text = format!("{v:.2}");
    let text = text.strip_suffix(".00").unwrap_or(&text);
    if text == "0" || text == "-0" {
        return "0".to_string();
    }
    format!("{text}{unit}")
}

/// pprof's `Percentage`: `  100%` near 100, `%5.2f%%` from 1, and Go's
/// `%5.2g%%` below 1 (`0.098%`, `    0%`, `1.2e-05%`).
pub fn percentage(value: i64, total: i64) -> String {
    let ratio = if total != 0 {
        (value as f64 / total as f64).abs() * 100.0
    } else {
        0.0
    };
    if (99.95..=100.05).contains(&ratio) {
        "  100%".to_string()
    } else if ratio >= 1.0 {
        format!("{ratio:5.2}%")
    } else {
        format!("{:>5}%", go_format_g2(ratio))
    }
}

/// Go's `%.2g` for a finite, non-negative number: two significant digits,
/// trailing zeros dropped, exponent form below 1e-4.
fn go_format_g2(x: f64) -> String {
    if x == 0.0 {
        return "0".to_string();
    }
    // Rust's `{:.1e}` rounds exactly as Go does (to the nearest, ties to
    // even on the exact binary value); take its digits and exponent.
    let e_form = format!("{x:.1e}");
    let (mantissa, exponent) = e_form.split_once('e').expect("exponent form has an e");
    let exp: i32 = exponent.parse().expect("exponent is a number");
    let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    let nd = digits.len() as i32;
    let dp = exp + 1;
    let mut eprec = 2;
    if eprec > nd && nd >= dp {
        eprec = nd;
    }
    if exp < -4 || exp >= eprec {
        let mut out = String::new();
        out.push(digits[0] as char);
        if nd > 1 {
            out.push('.');
            out.extend(digits[1..].iter().map(|&d| d as char));
        }
        let sign = if exp < 0 { '-' } else { '+' };
        out.push_str(&format!("e{sign}{:02}", exp.abs()));
        return out;
    }
    let prec = if 2 > dp { nd } else { 2 };
    let decimals = (prec - dp).max(0);
    let digit_at = |i: i32| {
        if i >= 0 && i < nd {
            digits[i as usize] as char
        } else {
            '0'
        }
    };
    let mut out = String::new();
    if dp <= 0 {
        out.push('0');
    } else {
        (0..dp).for_each(|i| out.push(digit_at(i)));
    }
    if decimals > 0 {
        out.push('.');
        (0..decimals).for_each(|i| out.push(digit_at(dp + i)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(u: &str) -> OutputUnit {
        OutputUnit::Named(u.to_string())
    }

    #[test]
    fn scaler_matches_scale() {
        let values = [
            0,
            1,
            -1,
            7,
            1023,
            1024,
            -5000,
            123_456_789,
            i64::MAX,
            i64::MIN,
            i64::MIN + 1,
        ];
        for from in ["bytes", "nanoseconds", "count", "", "GCU", "ms"] {
            for to in ["B", "kB", "MB", "s", "ms", "minimum", "count", "furlong"] {
                let to = named(to);
                let scaler = Scaler::new(from, &to);
                for v in values {
                    assert_eq!(
                        scaler.scale(v).to_bits(),
                        scale(v, from, &to).0.to_bits(),
                        "{v} {from} -> {to:?}"
                    );
                }
            }
            let scaler = Scaler::new(from, &OutputUnit::Auto);
            for v in values {
                assert_eq!(scaler.scale(v), scale(v, from, &OutputUnit::Auto).0);
            }
        }
    }

    #[test]
    fn g2_matches_go() {
        // Printed by Go's fmt.Sprintf("%5.2g", v).
        for (v, want) in [
            (0.0, "    0"),
            (1e-07, "1e-07"),
            (1.234e-05, "1.2e-05"),
            (0.00001, "1e-05"),
            (0.000123, "0.00012"),
            (0.0012, "0.0012"),
            (0.0017, "0.0017"),
            (0.00999, " 0.01"),
            (0.0099, "0.0099"),
            (0.05, " 0.05"),
            (0.099, "0.099"),
            (0.0996, "  0.1"),
            (0.125, " 0.12"),
            (0.5, "  0.5"),
            (0.95, " 0.95"),
            (0.995, " 0.99"),
            (0.9951, "    1"),
            (0.999, "    1"),
            (0.1, "  0.1"),
            (0.25, " 0.25"),
            (0.0625, "0.062"),
            (3.0517578125e-05, "3.1e-05"),
        ] {
            assert_eq!(format!("{:>5}", go_format_g2(v)), want, "{v}");
        }
    }

    #[test]
    fn percentages() {
        assert_eq!(percentage(1, 1), "  100%");
        assert_eq!(percentage(9996, 10000), "  100%");
        assert_eq!(percentage(9994, 10000), "99.94%");
        assert_eq!(percentage(3680, 10000), "36.80%");
        assert_eq!(percentage(99, 100000), "0.099%");
        assert_eq!(percentage(0, 100), "    0%");
        assert_eq!(percentage(5, 0), "    0%");
        assert_eq!(percentage(-50, 100), "50.00%");
    }

    #[test]
    fn labels_scale_like_pprof() {
        assert_eq!(scaled_label(1536, "bytes", &OutputUnit::Auto), "1.50kB");
        assert_eq!(scaled_label(4520 * 1024, "bytes", &named("kB")), "4520kB");
        assert_eq!(
            scaled_label(10_000_000, "nanoseconds", &OutputUnit::Auto),
            "10ms"
        );
        assert_eq!(
            scaled_label(1_000_000_000, "nanoseconds", &named("s")),
            "1s"
        );
        assert_eq!(scaled_label(3, "nanoseconds", &named("s")), "0");
        assert_eq!(scaled_label(0, "bytes", &OutputUnit::Auto), "0");
        assert_eq!(scaled_label(42, "count", &named("count")), "42");
        assert_eq!(scaled_label(42, "widgets", &named("widgets")), "42widgets");
        assert_eq!(scaled_label(-2048, "bytes", &OutputUnit::Auto), "-2kB");
        assert_eq!(
            scaled_label(7200 * 1_000_000_000, "nanoseconds", &OutputUnit::Auto),
            "2hrs"
        );
        // "μs" is three bytes long, so pprof strips its "s" and fails to find
        // it; the value keeps no time unit.
        assert_eq!(scale(5, "μs", &OutputUnit::Auto).1, "");
    }
}
