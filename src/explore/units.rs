//! The unit values are printed in, and [`Command::CycleUnit`]: `auto` by
//! default in the explorer (each value in its own best unit: `4.34s`, not
//! pprof's one-unit-for-all `4343883.87us` once every row is shown),
//! pprof's `minimum`, or a fixed unit. The text reports keep pprof's rules;
//! only how the explorer prints changes.
//!
//! [`Command::CycleUnit`]: super::Command::CycleUnit

use super::session::Session;
use crate::measurement::convertible_units;

impl Session {
    /// The unit setting shown: `auto`, `minimum` or a unit's name.
    pub fn unit(&self) -> &str {
        self.table_options.unit.as_deref().unwrap_or("minimum")
    }

    /// The units [`Command::CycleUnit`](super::Command::CycleUnit) goes
    /// through for the sample type shown.
    pub fn unit_choices(&self) -> Vec<String> {
        let mut choices = vec!["auto".to_string(), "minimum".to_string()];
        choices.extend(
            convertible_units(&self.view.scale.sample_unit)
                .into_iter()
                .map(str::to_string),
        );
        choices
    }

    pub(super) fn cycle_unit(&mut self) {
        let choices = self.unit_choices();
        let now = self.unit().to_string();
        let next = choices
            .iter()
            .position(|c| c.eq_ignore_ascii_case(&now))
            .map_or(0, |i| (i + 1) % choices.len());
        let unit = choices[next].clone();
        self.table_options.unit = Some(unit.clone());
        let profile = self.profile.clone();
        let options = self.table_options.clone();
        let sample = self.view.table.sample;
        self.view.rescale(&profile, &self.scales[sample], &options);
        for view in self.views.iter_mut().flatten() {
            let sample = view.table.sample;
            view.rescale(&profile, &self.scales[sample], &options);
        }
        self.say(format!("unit: {unit}"));
    }
}
