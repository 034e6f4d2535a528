//! pprof's filters on labels: `-tagfocus` and `-tagignore` keep or drop
//! samples; `-tagshow` and `-taghide` keep or drop label keys
//! ([`shows_label_key`]).
//!
//! A filter value is `KEY=VALUE` or a bare `VALUE` (an empty `KEY`, as in
//! `=VALUE`, counts as bare). `VALUE` is read as a numeric range when it has
//! one of the shapes `N`, `N:`, `:N` or `N:M` (each number an optional sign,
//! digits and an optional run of ASCII letters as its unit, e.g. `64kb`);
//! otherwise it is a comma-separated list of regular expressions.
//!
//! - A range only ever looks at numeric labels: with a key, at that key's
//!   values; bare, at every numeric label. A value passes when, converted
//!   from the unit of its *key* to the range's unit, it lands in the range.
//!   The unit of a key is the profile-wide one pprof infers before filtering
//!   (see [`num_label_units`]), not the unit written on the value itself.
//! - Regexes only ever look at string labels. Bare, *every* regex of the list
//!   must match `key:value` of some string label of the sample. With a key,
//!   the sample passes when *any* regex matches *any* value of that key.
//!
//! All tests are "some label passes", so the order in which Go walks its
//! label maps never changes a result. The only order-dependent output is the
//! unit-conflict warning (Go prints one line per key in map order); see
//! [`unit_conflicts`].
//!
//! How the flags combine (pprof's `FilterSamplesByTag`): a sample is kept when
//! it matches tagfocus (or there is none) and does not match tagignore (or
//! there is none).

use super::filter::{FilterError, Pattern};
use crate::measurement::{OutputUnit, scale};
use crate::profile::{Label, Profile, StrId};
use regex::Regex;
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::LazyLock;

/// One `-tagfocus` or `-tagignore` flag, compiled against a profile.
///
/// The filter holds string ids of the profile it was built for; use it only
/// with that profile.
#[derive(Debug, Clone)]
pub struct TagFilter {
    /// The flag's text as given.
    source: String,
    /// `Some` when the value was read as a range: the notice pprof prints.
    notice: Option<String>,
    test: Test,
}

#[derive(Debug, Clone)]
enum Test {
    /// An empty flag value: pprof sets no filter, so the sample is kept by
    /// focus (`true`) and not dropped by ignore (`false`).
    Inactive(bool),
    /// A key the profile never names (as a label key): no sample has it.
    Nothing,
    /// A numeric range over the numeric labels of `key` (all keys if `None`).
    /// `units` maps every numeric key whose unit converts to the range's unit
    /// to that key's unit; keys missing from it never pass. `target` is the
    /// range's unit, as `scale` takes it.
    Range {
        key: Option<StrId>,
        range: NumRange,
        target: OutputUnit,
        units: FxHashMap<StrId, String>,
    },
    /// With a key: some value of `key` matches some pattern.
    KeyRegexes { key: StrId, patterns: Vec<Pattern> },
    /// Bare: every pattern matches `key:value` of some string label.
    AllRegexes(Vec<Pattern>),
}

/// Which side(s) of a range are bounded; `Exact` is `lo == hi`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Bounds {
    Exact(f64),
    AtLeast(f64),
    AtMost(f64),
    Between(f64, f64),
}

#[derive(Debug, Clone, PartialEq)]
struct NumRange {
    /// The unit values are converted to before comparing: the canonical name
    /// when the range's unit is a known one (`kB`, `ms`, ...), else the text
    /// as typed (or empty).
    unit: String,
    bounds: Bounds,
}

impl NumRange {
    fn contains(&self, value: f64) -> bool {
        match self.bounds {
            Bounds::Exact(v) => value == v,
            Bounds::AtLeast(lo) => value >= lo,
            Bounds::AtMost(hi) => value <= hi,
            Bounds::Between(lo, hi) => value >= lo && value <= hi,
        }
    }
}

/// A signed number with an optional unit; pprof finds at most two of them.
static RANGE_PART: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("([+-]?[[:digit:]]+)([[:alpha:]]+)?").expect("valid regex"));

/// Why a range could not be built although the text looked like one.
#[derive(Debug)]
struct BadNumber(String);

/// Reads `text` as a range the way pprof's `parseTagFilterRange` does.
/// `Ok(None)`: not a range (the caller falls back to regexes).
/// `Err`: a number does not fit in an i64, where pprof panics.
fn parse_range(text: &str) -> Result<Option<NumRange>, BadNumber> {
    let parts: Vec<regex::Captures<'_>> = RANGE_PART.captures_iter(text).take(2).collect();
    let Some(first) = parts.first() else {
        return Ok(None);
    };
    let whole = |c: &regex::Captures<'_>| c.get(0).map_or("", |m| m.as_str()).to_string();
    let number = |c: &regex::Captures<'_>| -> Result<i64, BadNumber> {
        let digits = c.get(1).map_or("", |m| m.as_str());
        digits.parse::<i64>().map_err(|_| {
            BadNumber(format!(
                "failed to parse int {digits}: strconv.ParseInt: parsing {digits:?}: value out of range"
            ))
        })
    };
    let unit_of = |c: &regex::Captures<'_>| c.get(2).map_or("", |m| m.as_str()).to_string();

    // pprof parses the first number before looking at the overall shape.
    let v = number(first)?;
    let typed_unit = unit_of(first);
    let (low, unit) = scale(v, &typed_unit, &OutputUnit::Named(typed_unit.clone()));
    let first_text = whole(first);
    if parts.len() == 1 {
        let bounds = if text == first_text {
            Bounds::Exact(low)
        } else if text == format!("{first_text}:") {
            Bounds::AtLeast(low)
        } else if text == format!(":{first_text}") {
            Bounds::AtMost(low)
        } else {
            return Ok(None);
        };
        return Ok(Some(NumRange { unit, bounds }));
    }
    let second = &parts[1];
    if text != format!("{first_text}:{}", whole(second)) {
        return Ok(None);
    }
    let v2 = number(second)?;
    // The upper bound is converted to the lower bound's unit; when that is
    // impossible, the text is not a range.
    let (high, unit2) = scale(v2, &unit_of(second), &OutputUnit::Named(unit.clone()));
    if unit2 != unit {
        return Ok(None);
    }
    Ok(Some(NumRange {
        unit,
        bounds: Bounds::Between(low, high),
    }))
}

/// Whether pprof's decoder keeps `label` as a numeric label.
pub fn is_numeric_label(label: &Label) -> bool {
    label.str.is_empty() && (label.num != 0 || !label.num_unit.is_empty())
}

/// Whether pprof's decoder keeps `label` as a string label.
pub fn is_string_label(label: &Label) -> bool {
    !label.str.is_empty()
}

use is_numeric_label as is_numeric;
use is_string_label as is_string;

/// The unit of every numeric label key, as pprof's `NumLabelUnits` infers it:
/// the first non-empty unit written on a value of the key (samples in order,
/// labels in order); for keys never given one, `bytes` for `alignment` and
/// `request` and the key's own name for the others.
pub fn num_label_units(profile: &Profile) -> FxHashMap<StrId, String> {
    num_label_units_and_conflicts(profile).0
}

/// Units seen per key, the first one winning; plus the later different ones.
fn num_label_units_and_conflicts(
    profile: &Profile,
) -> (FxHashMap<StrId, String>, FxHashMap<StrId, Vec<StrId>>) {
    let mut first: FxHashMap<StrId, StrId> = FxHashMap::default();
    let mut others: FxHashMap<StrId, Vec<StrId>> = FxHashMap::default();
    let mut keys: FxHashSet<StrId> = FxHashSet::default();
    for s in 0..profile.samples.len() {
        for label in profile.samples.labels(s).iter().filter(|l| is_numeric(l)) {
            keys.insert(label.key);
            if label.num_unit.is_empty() {
                continue;
            }
            let wanted = *first.entry(label.key).or_insert(label.num_unit);
            if wanted != label.num_unit {
                let seen = others.entry(label.key).or_default();
                if !seen.contains(&label.num_unit) {
                    seen.push(label.num_unit);
                }
            }
        }
    }
    let units = keys
        .into_iter()
        .map(|key| {
            let unit = match first.get(&key) {
                Some(&unit) => profile.strings.text(unit).into_owned(),
                None => match profile.strings.get(key) {
                    b"alignment" | b"request" => "bytes".to_string(),
                    _ => profile.strings.text(key).into_owned(),
                },
            };
            (key, unit)
        })
        .collect();
    (units, others)
}

/// pprof's warnings for numeric label keys written with more than one unit:
/// `For tag KEY used unit UNIT, also encountered unit(s) U1, U2`, the other
/// units sorted. pprof prints them (to stderr, before any report) in Go map
/// order, which is random; here they come sorted by key.
pub fn unit_conflicts(profile: &Profile) -> Vec<String> {
    let (units, others) = num_label_units_and_conflicts(profile);
    let mut lines: Vec<(Vec<u8>, String)> = others
        .into_iter()
        .map(|(key, extra)| {
            let mut extra: Vec<String> = extra
                .into_iter()
                .map(|u| profile.strings.text(u).into_owned())
                .collect();
            extra.sort();
            let line = format!(
                "For tag {} used unit {}, also encountered unit(s) {}",
                profile.strings.text(key),
                units[&key],
                extra.join(", ")
            );
            (profile.strings.get(key).to_vec(), line)
        })
        .collect();
    lines.sort();
    lines.into_iter().map(|(_, line)| line).collect()
}

/// Tag filters of one profile are the same when their texts are.
impl PartialEq for TagFilter {
    fn eq(&self, other: &TagFilter) -> bool {
        self.source == other.source
    }
}

impl TagFilter {
    /// Compiles one flag. `what` is `tagfocus` or `tagignore` (it names the
    /// flag in errors and notices, and decides what an empty value means);
    /// `value` is the flag's text. `profile` is the profile as loaded, before
    /// any filtering: pprof infers the units of numeric keys from all of it.
    pub fn new(what: &str, value: &str, profile: &Profile) -> Result<TagFilter, FilterError> {
        let make = |notice, test| TagFilter {
            source: value.to_string(),
            notice,
            test,
        };
        if value.is_empty() {
            return Ok(make(None, Test::Inactive(what != "tagignore")));
        }
        let (key, rest) = match value.split_once('=') {
            Some((key, rest)) if !key.is_empty() => (Some(key), rest),
            Some((_, rest)) => (None, rest),
            None => (None, value),
        };
        // `None`: bare; `Some(None)`: a key the profile's strings lack, so
        // no label has it.
        let key_id: Option<Option<StrId>> = key.map(|key| profile.strings.find(key.as_bytes()));

        let range = parse_range(rest).map_err(|BadNumber(reason)| FilterError {
            what: what.to_string(),
            pattern: rest.to_string(),
            reason,
        })?;
        if let Some(range) = range {
            let notice = Some(format!("{what}:Interpreted '{rest}' as range, not regexp"));
            let key = match key_id {
                None => None,
                Some(None) => return Ok(make(notice, Test::Nothing)),
                Some(Some(id)) => Some(id),
            };
            let target = OutputUnit::Named(range.unit.clone());
            let units = num_label_units(profile)
                .into_iter()
                .filter(|(label_key, _)| key.is_none_or(|want| want == *label_key))
                // The unit a conversion lands in does not depend on the value.
                .filter(|(_, unit)| scale(1, unit, &target).1 == range.unit)
                .collect();
            return Ok(make(
                notice,
                Test::Range {
                    key,
                    range,
                    target,
                    units,
                },
            ));
        }

        let patterns = rest
            .split(',')
            .map(|p| Pattern::new(what, p))
            .collect::<Result<Vec<_>, _>>()?;
        let test = match key_id {
            None => Test::AllRegexes(patterns),
            Some(None) => Test::Nothing,
            Some(Some(key)) => Test::KeyRegexes { key, patterns },
        };
        Ok(make(None, test))
    }

    /// The flag's value as given (pprof lists it as `tagfocus=VALUE` under
    /// "Active filters:").
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// When the value was read as a numeric range, the line pprof prints to
    /// stderr about it, e.g. `tagfocus:Interpreted '1kb:64kb' as range, not
    /// regexp` (the value without its `KEY=`).
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// Whether sample `sample` of `profile` matches the filter.
    pub fn matches(&self, profile: &Profile, sample: usize) -> bool {
        let labels = profile.samples.labels(sample);
        match &self.test {
            Test::Inactive(keep) => *keep,
            Test::Nothing => false,
            Test::Range {
                key,
                range,
                target,
                units,
            } => labels.iter().any(|l| {
                if !is_numeric(l) || key.is_some_and(|want| want != l.key) {
                    return false;
                }
                let Some(unit) = units.get(&l.key) else {
                    return false;
                };
                range.contains(scale(l.num, unit, target).0)
            }),
            Test::KeyRegexes { key, patterns } => labels
                .iter()
                .filter(|l| l.key == *key && is_string(l))
                .any(|l| {
                    let value = profile.strings.get(l.str);
                    patterns.iter().any(|p| p.is_match(value))
                }),
            Test::AllRegexes(patterns) => {
                let key_values: Vec<Vec<u8>> = labels
                    .iter()
                    .filter(|l| is_string(l))
                    .map(|l| {
                        let (key, value) = (profile.strings.get(l.key), profile.strings.get(l.str));
                        let mut text = Vec::with_capacity(key.len() + 1 + value.len());
                        text.extend_from_slice(key);
                        text.push(b':');
                        text.extend_from_slice(value);
                        text
                    })
                    .collect();
                patterns
                    .iter()
                    .all(|p| key_values.iter().any(|kv| p.is_match(kv)))
            }
        }
    }
}

/// pprof's `FilterSamplesByTag` over the samples `alive` still keeps (after
/// focus/ignore/hide/show and show_from): for each sample, whether it stays,
/// plus whether tagfocus matched any of those samples and whether tagignore
/// did (pprof warns `TagFocus expression matched no samples` /
/// `TagIgnore expression matched no samples` when a set filter did not).
pub fn filter_samples_by_tag(
    profile: &Profile,
    focus: Option<&TagFilter>,
    ignore: Option<&TagFilter>,
    alive: impl Fn(usize) -> bool,
) -> (Vec<bool>, bool, bool) {
    let mut keep = vec![false; profile.samples.len()];
    let (mut focus_matched, mut ignore_matched) = (false, false);
    for (s, kept) in keep.iter_mut().enumerate() {
        if !alive(s) {
            continue;
        }
        let focused = focus.is_none_or(|f| f.matches(profile, s));
        let ignored = ignore.is_some_and(|f| f.matches(profile, s));
        focus_matched |= focused;
        ignore_matched |= ignored;
        *kept = focused && !ignored;
    }
    (keep, focus_matched, ignore_matched)
}

/// pprof's `FilterTagsByName` for one key: `-tagshow` and `-taghide` are
/// unanchored patterns on label keys (string and numeric alike); a key
/// stays when it matches tagshow (or there is none) and does not match
/// taghide.
pub fn shows_label_key(show: Option<&Pattern>, hide: Option<&Pattern>, key: &[u8]) -> bool {
    show.is_none_or(|p| p.is_match(key)) && !hide.is_some_and(|p| p.is_match(key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::pb;

    /// A label as written in a test: string, or number with optional unit.
    enum L<'a> {
        S(&'a str, &'a str),
        N(&'a str, i64, &'a str),
    }
    use L::{N, S};

    /// One sample per entry (value 1 each, no stack).
    fn profile(samples: &[&[L<'_>]]) -> Profile {
        let mut table: Vec<Vec<u8>> = vec![Vec::new()];
        let mut s = |text: &str| -> i64 {
            if text.is_empty() {
                return 0;
            }
            match table.iter().position(|t| t == text.as_bytes()) {
                Some(i) => i as i64,
                None => {
                    table.push(text.as_bytes().to_vec());
                    table.len() as i64 - 1
                }
            }
        };
        let sample_type = vec![pb::ValueType {
            r#type: s("samples"),
            unit: s("count"),
        }];
        let sample = samples
            .iter()
            .map(|labels| pb::Sample {
                value: vec![1],
                label: labels
                    .iter()
                    .map(|l| match *l {
                        S(key, value) => pb::Label {
                            key: s(key),
                            str: s(value),
                            ..Default::default()
                        },
                        N(key, number, unit) => pb::Label {
                            key: s(key),
                            num: number,
                            num_unit: s(unit),
                            ..Default::default()
                        },
                    })
                    .collect(),
                ..Default::default()
            })
            .collect();
        Profile::from_wire(pb::Profile {
            sample_type,
            sample,
            string_table: table,
            ..Default::default()
        })
        .expect("valid test profile")
    }

    /// The indices of the samples `value` (as tagfocus) keeps.
    fn kept(p: &Profile, value: &str) -> Vec<usize> {
        let f = TagFilter::new("tagfocus", value, p).expect("filter compiles");
        (0..p.samples.len()).filter(|&s| f.matches(p, s)).collect()
    }

    fn range(text: &str) -> Option<NumRange> {
        parse_range(text).expect("numbers fit")
    }

    fn named(unit: &str, bounds: Bounds) -> Option<NumRange> {
        Some(NumRange {
            unit: unit.to_string(),
            bounds,
        })
    }

    #[test]
    fn range_shapes() {
        use Bounds::*;
        assert_eq!(range("64kb"), named("kB", Exact(64.0)));
        assert_eq!(range("100kb:"), named("kB", AtLeast(100.0)));
        assert_eq!(range(":2mb"), named("MB", AtMost(2.0)));
        assert_eq!(range("1kb:64kb"), named("kB", Between(1.0, 64.0)));
        // The upper bound is converted to the lower bound's unit.
        assert_eq!(range("1kb:2mb"), named("kB", Between(1.0, 2048.0)));
        assert_eq!(range("5"), named("", Exact(5.0)));
        assert_eq!(range("-5"), named("", Exact(-5.0)));
        assert_eq!(range("+5:"), named("", AtLeast(5.0)));
        assert_eq!(range("3MS"), named("ms", Exact(3.0)));
        assert_eq!(range("2hours"), named("hrs", Exact(2.0)));
        assert_eq!(range("7widgets"), named("widgets", Exact(7.0)));
        // A unitless upper bound takes the lower bound's unit as is.
        assert_eq!(range("1kb:64"), named("kB", Between(1.0, 64.0)));
        assert_eq!(range("1foo:64"), named("foo", Between(1.0, 64.0)));
        // Units that do not convert: not a range.
        assert_eq!(range("1:64kb"), None);
        assert_eq!(range("1ms:5kb"), None);
        // Other shapes: not a range.
        for text in [
            "", ":", "us", "v1", "1.5kb", "1:2:3", "5-3", "5 kb", "0x10", "1kb::2kb", "kb1", "5µs",
            "1kb,2kb",
        ] {
            assert_eq!(range(text), None, "{text}");
        }
        // pprof panics on numbers beyond i64, even when the text would
        // otherwise not be a range; the second number only after the shape
        // check.
        assert!(parse_range("99999999999999999999").is_err());
        assert!(parse_range("v99999999999999999999").is_err());
        assert!(parse_range("1:99999999999999999999").is_err());
        assert_eq!(parse_range("1-99999999999999999999").unwrap(), None);
        assert_eq!(
            range("9223372036854775807"),
            named("", Exact(9.223372036854776e18))
        );
    }

    #[test]
    fn inferred_units() {
        let p = profile(&[
            &[N("bytes", 1, ""), N("lat", 5, "")],
            &[
                N("bytes", 2, "kilobytes"),
                N("lat", 7, "ms"),
                N("lat", 8, "us"),
            ],
            &[
                N("bytes", 3, "bytes"),
                N("request", 4, ""),
                N("alignment", 8, ""),
            ],
            &[N("objects", 9, ""), S("region", "us"), N("zero", 0, "")],
            &[N("unitzero", 0, "s"), N("lat", 9, "s")],
        ]);
        let units = num_label_units(&p);
        let unit = |key: &str| units.get(&p.strings.find(key.as_bytes()).unwrap()).cloned();
        assert_eq!(unit("bytes").as_deref(), Some("kilobytes"));
        assert_eq!(unit("lat").as_deref(), Some("ms"));
        assert_eq!(unit("request").as_deref(), Some("bytes"));
        assert_eq!(unit("alignment").as_deref(), Some("bytes"));
        assert_eq!(unit("objects").as_deref(), Some("objects"));
        assert_eq!(unit("unitzero").as_deref(), Some("s"));
        // A string label and an all-empty label make no numeric key.
        assert_eq!(unit("region"), None);
        assert_eq!(unit("zero"), None);
        assert_eq!(
            unit_conflicts(&p),
            vec![
                "For tag bytes used unit kilobytes, also encountered unit(s) bytes",
                "For tag lat used unit ms, also encountered unit(s) s, us",
            ]
        );
    }

    #[test]
    fn numeric_filters_use_the_key_unit() {
        let p = profile(&[
            /* 0 */ &[N("bytes", 1024, "bytes")],
            /* 1 */ &[N("bytes", 32768, "bytes"), S("region", "eu")],
            /* 2 */ &[N("bytes", 1_000_000, "bytes")],
            /* 3 */ &[N("bytes", 64, "bytes"), N("latency", 1500, "microseconds")],
            /* 4 */ &[N("latency", 20, "milliseconds")],
            /* 5 */ &[],
            // Written in kB, but the key's unit is bytes: read as 2 bytes.
            /* 6 */
            &[N("bytes", 2, "kilobytes")],
        ]);
        assert_eq!(kept(&p, "bytes=1kb:64kb"), [0, 1]);
        assert_eq!(kept(&p, "bytes=100kb:"), [2]);
        assert_eq!(kept(&p, "bytes=:100"), Vec::<usize>::new());
        assert_eq!(kept(&p, "bytes=:100b"), [3, 6]);
        assert_eq!(kept(&p, "bytes=2b"), [6]);
        assert_eq!(kept(&p, "bytes=2"), Vec::<usize>::new());
        assert_eq!(kept(&p, "bytes=2kb"), Vec::<usize>::new());
        assert_eq!(kept(&p, "1kb"), [0]);
        // latency's unit is microseconds (seen first); 20 is read as 20us.
        assert_eq!(kept(&p, "latency=1ms:"), [3]);
        assert_eq!(kept(&p, "latency=:1ms"), [4]);
        assert_eq!(kept(&p, "20us"), [4]);
        // Bare ranges look at every key whose unit converts.
        assert_eq!(kept(&p, ":1500"), Vec::<usize>::new());
        assert_eq!(kept(&p, "1ms:2ms"), [3]);
        assert_eq!(kept(&p, "1500ns:"), [3, 4]);
        // A unitless number never matches a key with a known unit.
        assert_eq!(kept(&p, "1024"), Vec::<usize>::new());
        // Ranges never look at string labels, nor keys missing from samples.
        assert_eq!(kept(&p, "region=1:"), Vec::<usize>::new());
        assert_eq!(kept(&p, "nosuchkey=1:"), Vec::<usize>::new());
        let f = TagFilter::new("tagfocus", "bytes=1kb:64kb", &p).unwrap();
        assert_eq!(
            f.notice(),
            Some("tagfocus:Interpreted '1kb:64kb' as range, not regexp")
        );
        assert_eq!(f.as_str(), "bytes=1kb:64kb");
    }

    #[test]
    fn numeric_filters_on_unitless_keys() {
        let p = profile(&[
            /* 0 */ &[N("request", 2048, "")],
            /* 1 */ &[N("objects", 5, "")],
            /* 2 */ &[N("count", 5, "")],
            /* 3 */ &[N("gc", -3, "")],
            /* 4 */ &[N("t", 0, "s")],
            /* 5 */ &[N("zero", 0, "")],
        ]);
        // request defaults to bytes.
        assert_eq!(kept(&p, "request=2kb"), [0]);
        assert_eq!(kept(&p, "request=2048"), Vec::<usize>::new());
        // Other unitless keys have their own name as unit, which is unknown:
        // numbers compare as they are against unitless ranges.
        assert_eq!(kept(&p, "5"), [1, 2]);
        assert_eq!(kept(&p, "objects=5"), [1]);
        // ... and against ranges in units nothing knows either.
        assert_eq!(kept(&p, "objects=5foo"), [1]);
        assert_eq!(kept(&p, "5foo"), [1, 2]);
        assert_eq!(kept(&p, "gc=-3"), [3]);
        assert_eq!(kept(&p, ":-1"), [3]);
        // A zero with a unit is a numeric label; zero without one is not.
        assert_eq!(kept(&p, "0ms"), [4]);
        assert_eq!(kept(&p, "zero=0"), Vec::<usize>::new());
    }

    #[test]
    fn regex_filters() {
        let p = profile(&[
            /* 0 */ &[S("region", "us"), N("bytes", 1024, "bytes")],
            /* 1 */ &[S("region", "eu")],
            /* 2 */ &[S("region", "us"), S("region", "ap")],
            /* 3 */ &[S("region", "eu"), S("thread", "main")],
            /* 4 */ &[S("thread", "main")],
            /* 5 */ &[],
        ]);
        assert_eq!(kept(&p, "region=us"), [0, 2]);
        assert_eq!(kept(&p, "eu"), [1, 3]);
        // With a key: any pattern, any value.
        assert_eq!(kept(&p, "region=ap,eu"), [1, 2, 3]);
        assert_eq!(kept(&p, "region=^u"), [0, 2]);
        // Without a key: every pattern, each against some `key:value`.
        assert_eq!(kept(&p, "region:eu,thread"), [3]);
        assert_eq!(kept(&p, "us,ap"), [2]);
        assert_eq!(kept(&p, "^region:us$"), [0, 2]);
        assert_eq!(kept(&p, "^us"), Vec::<usize>::new());
        // With a key, the pattern sees the value alone.
        assert_eq!(kept(&p, "region=region"), Vec::<usize>::new());
        // `:` is in every key:value; an empty pattern matches anything.
        assert_eq!(kept(&p, ":"), [0, 1, 2, 3, 4]);
        assert_eq!(kept(&p, "us,"), [0, 2]);
        assert_eq!(kept(&p, "region="), [0, 1, 2, 3]);
        // An empty key is no key.
        assert_eq!(kept(&p, "=main"), [3, 4]);
        // Numeric labels are invisible to patterns.
        assert_eq!(kept(&p, "bytes"), Vec::<usize>::new());
        assert_eq!(kept(&p, "bytes=."), Vec::<usize>::new());
        // Only the first `=` splits.
        assert_eq!(kept(&p, "a=b=c"), Vec::<usize>::new());
        // Text with digits that is not a range shape is a pattern.
        let q = profile(&[&[S("v", "v1")], &[S("v", "1.5kb")]]);
        assert_eq!(kept(&q, "v1"), [0]);
        assert_eq!(kept(&q, "v=1.5kb"), [1]);
        assert_eq!(kept(&q, "v=1"), Vec::<usize>::new());
    }

    #[test]
    fn label_with_string_and_number_is_a_string_label() {
        let mut table: Vec<Vec<u8>> = vec![Vec::new(), b"samples".to_vec(), b"count".to_vec()];
        table.extend([b"k".to_vec(), b"v".to_vec(), b"bytes".to_vec()]);
        let p = Profile::from_wire(pb::Profile {
            sample_type: vec![pb::ValueType { r#type: 1, unit: 2 }],
            sample: vec![pb::Sample {
                value: vec![1],
                label: vec![pb::Label {
                    key: 3,
                    str: 4,
                    num: 7,
                    num_unit: 5,
                }],
                ..Default::default()
            }],
            string_table: table,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(kept(&p, "k=v"), [0]);
        assert_eq!(kept(&p, "k=7"), Vec::<usize>::new());
        assert!(num_label_units(&p).is_empty());
    }

    #[test]
    fn errors_and_empty_values() {
        let p = profile(&[&[S("region", "us")]]);
        let e = TagFilter::new("tagignore", "region=us,(", &p).unwrap_err();
        assert_eq!((e.what.as_str(), e.pattern.as_str()), ("tagignore", "("));
        let e = TagFilter::new("tagfocus", "id=123456789012345678901", &p).unwrap_err();
        assert_eq!(e.pattern, "123456789012345678901");
        // Empty: no filter (keeps everything as focus, drops nothing as ignore).
        assert!(TagFilter::new("tagfocus", "", &p).unwrap().matches(&p, 0));
        assert!(!TagFilter::new("tagignore", "", &p).unwrap().matches(&p, 0));
    }

    #[test]
    fn label_keys_by_tagshow_and_taghide() {
        let p = |rx: &str| Pattern::new("t", rx).unwrap();
        assert!(shows_label_key(None, None, b"bytes"));
        assert!(shows_label_key(Some(&p("byt")), None, b"bytes"));
        assert!(!shows_label_key(Some(&p("^x")), None, b"bytes"));
        assert!(!shows_label_key(Some(&p("b")), Some(&p("s$")), b"bytes"));
        assert!(!shows_label_key(None, Some(&p("")), b"bytes"));
    }

    #[test]
    fn focus_and_ignore_combine() {
        let p = profile(&[
            &[S("region", "us")],
            &[S("region", "eu")],
            &[S("region", "us"), S("thread", "main")],
            &[],
        ]);
        let focus = TagFilter::new("tagfocus", "region=us", &p).unwrap();
        let ignore = TagFilter::new("tagignore", "thread=main", &p).unwrap();
        let (keep, fm, im) = filter_samples_by_tag(&p, Some(&focus), Some(&ignore), |_| true);
        assert_eq!(keep, [true, false, false, false]);
        assert!(fm && im);
        // Samples already filtered out do not count towards "matched".
        let (keep, fm, im) = filter_samples_by_tag(&p, Some(&focus), Some(&ignore), |s| s == 1);
        assert_eq!(keep, [false, false, false, false]);
        assert!(!fm && !im);
        let (keep, _, _) = filter_samples_by_tag(&p, None, Some(&ignore), |_| true);
        assert_eq!(keep, [true, true, false, true]);
    }

    /// The `-tagfocus`/`-tagignore` reports recorded from `go tool pprof`
    /// (tests/fixtures/extra/expected): which samples they keep.
    #[test]
    fn recorded_fixtures() {
        let load = |name: &str| {
            let path = format!("{}/tests/fixtures/extra/{name}", env!("CARGO_MANIFEST_DIR"));
            crate::profile::load(&path, &Default::default()).expect("fixture loads")
        };
        let labels = load("labels.pb");
        let keep = |p: &Profile, what: &str, value: &str| -> Vec<usize> {
            let f = TagFilter::new(what, value, p).unwrap();
            let (focus, ignore) = if what == "tagfocus" {
                (Some(&f), None)
            } else {
                (None, Some(&f))
            };
            let (keep, _, _) = filter_samples_by_tag(p, focus, ignore, |_| true);
            (0..keep.len()).filter(|&s| keep[s]).collect()
        };
        // Samples of labels.pb: 0 us/1kB, 1 eu/32kB, 2 us+ap/1000000B,
        // 3 eu/64B/1500us, 4 thread=main/20ms, 5 nothing.
        assert_eq!(keep(&labels, "tagfocus", "region=us"), [0, 2]);
        assert_eq!(keep(&labels, "tagfocus", "eu"), [1, 3]);
        assert_eq!(keep(&labels, "tagignore", "region=eu"), [0, 2, 4, 5]);
        assert_eq!(keep(&labels, "tagfocus", "bytes=1kb:64kb"), [0, 1]);
        assert_eq!(keep(&labels, "tagfocus", "bytes=100kb:"), [2]);
        let noloc = load("noloc.pb");
        assert_eq!(keep(&noloc, "tagfocus", "kind=gc"), [3]);
        assert_eq!(
            unit_conflicts(&labels),
            ["For tag latency used unit microseconds, also encountered unit(s) milliseconds"]
        );
    }
}
