//! What a new user tripped on in the explorer, each fault driven by the
//! actions or commands that showed it: filters from the command line the
//! screen hid, `C-x` closing the filter pane, a side pane left scrolled by
//! a resize, names shortened where it hurt, unreadable units, a mean's
//! share, search ranks that ignored cost, and filters that match nothing
//! said nowhere.

#[path = "common/explorer.rs"]
mod explorer;

use explorer::{profile, type_text};
use ppt::explore::{Session, Settings};
use ppt::profile::Profile;
use ppt::tui::app::Mode;
use ppt::tui::theme::Theme;
use ppt::tui::{Action, App};
use std::sync::Arc;

fn heap() -> Arc<Profile> {
    profile("assets/heap.pprof")
}

fn explorer(p: &Arc<Profile>, settings: Settings) -> App {
    App::new(Session::new(p.clone(), settings), Theme { color: false })
}

/// The filter pane's form, when open.
fn form(app: &App) -> &ppt::tui::filter_form::FilterForm {
    match &app.mode {
        Mode::Filter(form) => form,
        _ => panic!("the filter pane is open"),
    }
}

#[test]
fn ctrl_x_empties_the_filter_fields_and_keeps_the_pane_open() {
    let p = heap();
    let mut app = explorer(&p, Settings::new(&p, "heap.pprof"));
    let sample = app.session.sample_index();
    app.update(Action::OpenFilter);
    type_text(&mut app, "json");
    app.update(Action::ClearFilters);
    assert!(form(&app).values.iter().all(String::is_empty));
    // What follows is typed into the pane, not taken as commands.
    app.update(Action::Down);
    type_text(&mut app, "^runtime/");
    assert_eq!(form(&app).values[1], "^runtime/");
    assert_eq!(app.session.sample_index(), sample, "no sample switch");
    assert!(app.session.finder().is_none(), "no search opened");
}
