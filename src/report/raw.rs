//! `-raw`: the profile as text, as pprof's `Profile.String` writes it:
//! header fields, every sample (all values, location ids, labels), every
//! location with its lines, every mapping.
//!
//! pprof prints the profile as it holds it after loading (merged and
//! renumbered, see [`Profile::merged`]) and after the filters, which drop
//! samples, shorten stacks, remove lines from locations and label keys
//! from samples, but leave every location and mapping in the list. No
//! granularity applies (pprof forces addresses and keeps inlined frames),
//! and every sample value is printed, whatever the sample index.

use super::chunks::{push_decimal, push_hex, render_in_order};
use super::header::civil_from_days;
use super::{ReportError, ReportOptions};
use crate::analysis::Filtered;
use crate::analysis::tags::{is_numeric_label, is_string_label};
use crate::profile::{Label, LocationIdx, Profile, StrId};
use std::io::Write;
use std::ops::Range;

/// Writes the `-raw` report of `profile` to `out`.
pub fn raw(
    profile: &Profile,
    options: &ReportOptions,
    out: &mut dyn Write,
) -> Result<(), ReportError> {
    let merged = profile.merged();
    let profile: &Profile = &merged;
    let filtered = Filtered::new(profile, &options.filters, true);
    let text = |id: StrId| profile.strings.get(id);
    let mut o: Vec<u8> = Vec::with_capacity(1 << 16);
    for &c in &profile.comments {
        o.extend_from_slice(b"Comment: ");
        o.extend_from_slice(text(c));
        o.push(b'\n');
    }
    // pprof's decoder always gives a profile a period type, empty if need be.
    let (kind, unit) = profile
        .period_type
        .map_or((StrId::EMPTY, StrId::EMPTY), |pt| (pt.kind, pt.unit));
    o.extend_from_slice(b"PeriodType: ");
    o.extend_from_slice(text(kind));
    o.push(b' ');
    o.extend_from_slice(text(unit));
    o.push(b'\n');
    writeln!(o, "Period: {}", profile.period)?;
    if profile.time_nanos != 0 {
        writeln!(o, "Time: {}", go_time_utc(profile.time_nanos))?;
    }
    if profile.duration_nanos != 0 {
        // `%.4v` of a time.Duration: its text cut to four characters.
        let duration: String = go_duration(profile.duration_nanos)
            .chars()
            .take(4)
            .collect();
        writeln!(o, "Duration: {duration}")?;
    }
    o.extend_from_slice(b"Samples:\n");
    let mut types = Vec::new();
    for t in &profile.sample_types {
        types.extend_from_slice(text(t.kind));
        types.push(b'/');
        types.extend_from_slice(text(t.unit));
        if t.kind == profile.default_sample_type {
            types.extend_from_slice(b"[dflt]");
        }
        types.push(b' ');
    }
    o.extend_from_slice(types.trim_ascii());
    o.push(b'\n');

    out.write_all(&o)?;
    o.clear();
    let samples: Vec<usize> = filtered.samples().collect();
    let render = |labels: &mut Vec<Label>, items: Range<usize>, buf: &mut Vec<u8>| {
        for &s in &samples[items] {
            for &v in profile.samples.values(s) {
                buf.push(b' ');
                push_decimal(buf, v, 10);
            }
            buf.extend_from_slice(b": ");
            for l in filtered.stack(s) {
                push_decimal(buf, profile.locations[l as usize].id as i64, 0);
                buf.push(b' ');
            }
            buf.push(b'\n');
            labels.clear();
            labels.extend(filtered.labels(s).copied());
            if !labels.is_empty() {
                write_labels(profile, labels, buf);
            }
        }
    };
    render_in_order(samples.len(), Vec::new, render, out)?;

    o.extend_from_slice(b"Locations\n");
    let mut prefix = Vec::new();
    for (l, loc) in profile.locations.iter().enumerate() {
        prefix.clear();
        push_decimal(&mut prefix, loc.id as i64, 6);
        prefix.extend_from_slice(b": ");
        push_hex(&mut prefix, loc.address);
        prefix.push(b' ');
        if let Some(m) = loc.mapping {
            prefix.extend_from_slice(b"M=");
            push_decimal(&mut prefix, profile.mappings[m as usize].id as i64, 0);
            prefix.push(b' ');
        }
        if loc.is_folded {
            prefix.extend_from_slice(b"[F] ");
        }
        let lines = filtered.lines(l as LocationIdx);
        if lines.len() == 0 {
            o.extend_from_slice(&prefix);
            o.push(b'\n');
        }
        for (i, line) in lines.enumerate() {
            if i == 0 {
                o.extend_from_slice(&prefix);
            } else {
                // Later lines of a location are indented, without details.
                o.extend_from_slice(&[b' '; 13]);
            }
            let f = &profile.functions[line.function as usize];
            o.extend_from_slice(text(f.name));
            o.push(b' ');
            o.extend_from_slice(text(f.filename));
            o.push(b':');
            push_decimal(&mut o, line.line, 0);
            o.extend_from_slice(b" s=");
            push_decimal(&mut o, f.start_line, 0);
            if f.name != f.system_name {
                o.push(b'(');
                o.extend_from_slice(text(f.system_name));
                o.push(b')');
            }
            o.push(b'\n');
        }
        if o.len() >= 1 << 16 {
            out.write_all(&o)?;
            o.clear();
        }
    }

    o.extend_from_slice(b"Mappings\n");
    for m in &profile.mappings {
        write!(
            o,
            "{}: {:#x}/{:#x}/{:#x} ",
            m.id, m.start, m.limit, m.offset
        )?;
        o.extend_from_slice(text(m.file));
        o.push(b' ');
        o.extend_from_slice(text(m.build_id));
        o.push(b' ');
        for (set, bit) in [
            (m.has.functions, "[FN]"),
            (m.has.filenames, "[FL]"),
            (m.has.line_numbers, "[LN]"),
            (m.has.inline_frames, "[IN]"),
        ] {
            if set {
                o.extend_from_slice(bit.as_bytes());
            }
        }
        o.push(b'\n');
    }
    out.write_all(&o)?;
    Ok(())
}

/// A sample's label lines: string labels as `key:[v1 v2]`, then numeric
/// ones as `key:[v1 v2]`, or `key:[v1 unit1 v2 unit2]` when some value of
/// the key has a unit; each list sorted as text, behind 16 spaces.
fn write_labels(profile: &Profile, labels: &[Label], o: &mut Vec<u8>) {
    let text = |id: StrId| profile.strings.get(id);
    let mut keys: Vec<StrId> = Vec::new();
    let mut group = |numeric: bool| -> Vec<Vec<u8>> {
        keys.clear();
        let kind = |l: &Label| match numeric {
            true => is_numeric_label(l),
            false => is_string_label(l),
        };
        for l in labels.iter().filter(|l| kind(l)) {
            if !keys.contains(&l.key) {
                keys.push(l.key);
            }
        }
        let mut entries: Vec<Vec<u8>> = keys
            .iter()
            .map(|&key| {
                let values: Vec<&Label> =
                    labels.iter().filter(|l| l.key == key && kind(l)).collect();
                let with_units = numeric && values.iter().any(|l| !l.num_unit.is_empty());
                let mut entry = text(key).to_vec();
                entry.extend_from_slice(b":[");
                for (i, l) in values.iter().enumerate() {
                    if i > 0 {
                        entry.push(b' ');
                    }
                    if !numeric {
                        entry.extend_from_slice(text(l.str));
                    } else {
                        entry.extend_from_slice(l.num.to_string().as_bytes());
                        if with_units {
                            entry.push(b' ');
                            entry.extend_from_slice(text(l.num_unit));
                        }
                    }
                }
                entry.push(b']');
                entry
            })
            .collect();
        entries.sort();
        entries
    };
    for numeric in [false, true] {
        let entries = group(numeric);
        if entries.is_empty() {
            continue;
        }
        o.extend_from_slice(&[b' '; 16]);
        o.extend_from_slice(&entries.join(&b' '));
        o.push(b'\n');
    }
}

/// Go's `time.Time` `%v` (`2006-01-02 15:04:05.999999999 -0700 MST`), in UTC.
fn go_time_utc(nanos: i64) -> String {
    let secs = nanos.div_euclid(1_000_000_000);
    let frac = nanos.rem_euclid(1_000_000_000);
    let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
    let of_day = secs.rem_euclid(86_400);
    let mut fraction = String::new();
    if frac != 0 {
        fraction = format!(".{frac:09}");
        while fraction.ends_with('0') {
            fraction.pop();
        }
    }
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}{fraction} +0000 UTC",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

/// Go's `time.Duration.String`: `1h2m3.5s`, `1.5ms`, `2µs`, `0s`.
pub(super) fn go_duration(nanos: i64) -> String {
    let negative = nanos < 0;
    let u = nanos.unsigned_abs();
    let mut text = if u == 0 {
        "0s".to_string()
    } else if u < 1_000_000_000 {
        let (unit, prec) = if u < 1_000 {
            ("ns", 0)
        } else if u < 1_000_000 {
            ("µs", 3)
        } else {
            ("ms", 6)
        };
        let (int, frac) = split_fraction(u, prec);
        format!("{int}{frac}{unit}")
    } else {
        let (secs, frac) = split_fraction(u, 9);
        let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
        match (h, m) {
            (0, 0) => format!("{s}{frac}s"),
            (0, _) => format!("{m}m{s}{frac}s"),
            _ => format!("{h}h{m}m{s}{frac}s"),
        }
    };
    if negative {
        text.insert(0, '-');
    }
    text
}

/// `v / 10^prec` and its fraction as `.123` without trailing zeros (empty
/// when zero), as Go's `fmtFrac`.
fn split_fraction(v: u64, prec: u32) -> (u64, String) {
    let scale = 10u64.pow(prec);
    let (int, frac) = (v / scale, v % scale);
    if frac == 0 {
        return (int, String::new());
    }
    let mut digits = format!(".{frac:0width$}", width = prec as usize);
    while digits.ends_with('0') {
        digits.pop();
    }
    (int, digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_like_go() {
        // time.Duration(n).String() in Go 1.19.
        for (n, want) in [
            (0, "0s"),
            (1, "1ns"),
            (999, "999ns"),
            (1_500, "1.5µs"),
            (1_000_000, "1ms"),
            (2_500_000, "2.5ms"),
            (4_139_000_000, "4.139s"),
            (60_000_000_000, "1m0s"),
            (3_723_500_000_000, "1h2m3.5s"),
            (-1_500_000, "-1.5ms"),
        ] {
            assert_eq!(go_duration(n), want, "{n}");
        }
    }

    #[test]
    fn times_like_go() {
        assert_eq!(
            go_time_utc(1_506_718_679_257_235_370),
            "2017-09-29 20:57:59.25723537 +0000 UTC"
        );
        assert_eq!(go_time_utc(0), "1970-01-01 00:00:00 +0000 UTC");
    }
}
