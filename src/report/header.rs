//! The lines above a report's rows: pprof's `ProfileLabels` and
//! `reportLabels`.

use super::Report;
use crate::analysis::Filters;
use crate::gopath;
use crate::measurement as units;
use crate::report::OutputUnit;

/// What the trimming step reports about the rows shown.
pub(super) struct Shown {
    /// Sum of the flat values of the rows.
    pub flat_sum: i64,
    /// Rows shown.
    pub count: usize,
    /// Rows before `--node-count` cut.
    pub before_count_cut: usize,
    /// Rows dropped by `--node-fraction`.
    pub dropped: usize,
    /// The node fraction used.
    pub node_fraction: f64,
    /// Edges dropped by the edge fraction (only `-dot` says so).
    pub dropped_edges: usize,
    /// The edge fraction used.
    pub edge_fraction: f64,
}

/// The header lines, each without its newline (bytes: names are raw).
pub(super) fn header(report: &Report, filters: &Filters, shown: &Shown) -> Vec<Vec<u8>> {
    let mut lines = profile_labels(report);
    report_labels(report, filters, shown, &mut lines);
    lines
}

/// pprof's `ProfileLabels`: the lines about the profile (binary, comments,
/// type, time, duration), the whole header of `-traces`.
pub(super) fn profile_labels(report: &Report) -> Vec<Vec<u8>> {
    let p = report.profile;
    let mut lines: Vec<Vec<u8>> = Vec::new();
    if let Some(main) = p.mappings.first() {
        if !main.file.is_empty() {
            lines.push([b"File: ", gopath::base(p.strings.get(main.file))].concat());
        }
        if !main.build_id.is_empty() {
            lines.push([b"Build ID: ", p.strings.get(main.build_id)].concat());
        }
    }
    for &c in &p.comments {
        let text = p.strings.get(c);
        if !text.starts_with(b"#") {
            lines.push(text.to_vec());
        }
    }
    if !report.sample_type.is_empty() {
        lines.push(format!("Type: {}", report.sample_type).into_bytes());
    }
    if p.time_nanos != 0 {
        lines.push(format!("Time: {}", format_time_utc(p.time_nanos)).into_bytes());
    }
    if p.duration_nanos != 0 {
        let duration = units::scaled_label(p.duration_nanos, "nanoseconds", &OutputUnit::Auto);
        let (total_nanos, total_unit) = units::scale(
            report.total,
            &report.sample_unit,
            &OutputUnit::Named("nanoseconds".into()),
        );
        let ratio = if total_unit == "ns" && total_nanos != 0.0 {
            format!(
                "({})",
                units::percentage(total_nanos as i64, p.duration_nanos)
            )
        } else {
            String::new()
        };
        lines.push(
            format!(
                "Duration: {duration}, Total samples = {} {ratio}",
                report.format_value(report.total)
            )
            .into_bytes(),
        );
    }
    lines
}

/// The rest of pprof's `reportLabels`: active filters, what is shown.
fn report_labels(report: &Report, filters: &Filters, shown: &Shown, lines: &mut Vec<Vec<u8>>) {
    let legend = filters.legend();
    if !legend.is_empty() {
        lines.push(b"Active filters:".to_vec());
        for (name, value) in legend {
            let mut text = format!("{name}={value}").into_bytes();
            if text.len() > 80 {
                // pprof cuts at 80 bytes, even inside a character.
                text.truncate(80);
                text.extend_from_slice("…".as_bytes());
            }
            lines.push([b"   ", &text[..]].concat());
        }
    }
    lines.push(
        format!(
            "Showing nodes accounting for {}, {} of {} total",
            report.format_value(shown.flat_sum),
            units::percentage(shown.flat_sum, report.total).trim(),
            report.format_value(report.total)
        )
        .into_bytes(),
    );
    if report.total != 0 {
        if shown.dropped > 0 {
            let cutoff = ((report.total as f64) * shown.node_fraction) as i64;
            lines.push(
                format!(
                    "Dropped {} node{} (cum <= {})",
                    shown.dropped,
                    if shown.dropped > 1 { "s" } else { "" },
                    report.format_value(cutoff.wrapping_abs())
                )
                .into_bytes(),
            );
        }
        if shown.dropped_edges > 0 {
            let cutoff = ((report.total as f64) * shown.edge_fraction) as i64;
            lines.push(
                format!(
                    "Dropped {} edge{} (freq <= {})",
                    shown.dropped_edges,
                    if shown.dropped_edges > 1 { "s" } else { "" },
                    report.format_value(cutoff.wrapping_abs())
                )
                .into_bytes(),
            );
        }
        if shown.count > 0 && shown.count < shown.before_count_cut {
            lines.push(
                format!(
                    "Showing top {} nodes out of {}",
                    shown.count, shown.before_count_cut
                )
                .into_bytes(),
            );
        }
    }
}

/// Go 1.19 pprof's time layout, `Jan 2, 2006 at 3:04pm (MST)`, in UTC.
pub fn format_time_utc(nanos: i64) -> String {
    let secs = nanos.div_euclid(1_000_000_000);
    let days = secs.div_euclid(86_400);
    let of_day = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let (hour, minute) = (of_day / 3600, of_day % 3600 / 60);
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (h12, half) = match hour {
        0 => (12, "am"),
        1..=11 => (hour, "am"),
        12 => (12, "pm"),
        _ => (hour - 12, "pm"),
    };
    format!(
        "{} {day}, {year} at {h12}:{minute:02}{half} (UTC)",
        MONTHS[(month - 1) as usize]
    )
}

/// A time in nanoseconds since 1970 as its UTC date and clock time:
/// (`2024-05-01`, `14:02:11`).
pub fn date_and_clock_utc(nanos: i64) -> (String, String) {
    let secs = nanos.div_euclid(1_000_000_000);
    let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
    let of_day = secs.rem_euclid(86_400);
    (
        format!("{year:04}-{month:02}-{day:02}"),
        format!(
            "{:02}:{:02}:{:02}",
            of_day / 3600,
            of_day % 3600 / 60,
            of_day % 60
        ),
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian
/// (Howard Hinnant's algorithm).
pub(super) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_like_go_1_19() {
        // Times printed by pprof in the fixtures (TZ=UTC).
        assert_eq!(
            format_time_utc(1_487_351_700_000_000_000),
            "Feb 17, 2017 at 5:15pm (UTC)"
        );
        assert_eq!(format_time_utc(0), "Jan 1, 1970 at 12:00am (UTC)");
        assert_eq!(
            format_time_utc(1_506_718_620_000_000_000),
            "Sep 29, 2017 at 8:57pm (UTC)"
        );
    }
}
