//! The exploration session: everything the explorer knows and computes,
//! without a terminal.
//!
//! A [`Session`] owns the profile explored (an `Arc`, shared with the
//! background worker and replaced whole by a refresh), the user's choices
//! (sample index, sort, granularity, filters), the tables and the calls
//! they give, the selection, the history, the searches, and the worker
//! that computes the slow parts. It changes only through
//! [`Session::apply`] (a [`Command`]) and [`Session::tick`] (results of
//! the worker, slices of a search), and it answers queries: the rows of
//! the table with their numbers ([`Session::rows`]), the calls of the
//! selected function ([`Session::calls`]), the state of background work
//! ([`Session::busy`], [`Session::waiting_for_table`]), what it has to say
//! ([`Session::notice`]).
//!
//! - [`session`]: the state and its queries; [`command`]: what can be
//!   asked of it;
//! - [`aggregate`]: the nodes and their numbers (rebuilt on filter or
//!   granularity change); [`view`] and [`table`]: the table of one sample
//!   index and sort (rebuilt when those change); [`calls`]: callers and
//!   callees of the selected function;
//! - `recompute`, `navigate`, `search`: what commands do; `jobs` and
//!   `worker`: the background work and its bookkeeping;
//! - [`finder`] (ranked by [`score`]) and [`history`]: search and
//!   back/forward;
//! - `units`: the unit values are printed in, cycled; [`refine`]: filters
//!   from the selection, undone, and the toggles of inlined frames and of
//!   the node fraction;
//! - [`refresh`]: loading the source again and reopening on the new
//!   profile with the user's choices kept;
//! - [`source`] and [`tags`]: the source view's annotated listing and the
//!   tags view's label breakdown, with `--list`'s and `--tags`' numbers.
//! - [`compare`]: a comparison with a base (from the command line, or
//!   taken while exploring): base and new values beside the deltas;
//!   `compare_sides`: the two profiles apart, and what each column means.
//! - [`trees`]: the flame graph's and call trees' state and moves (their
//!   trees built by `tree_build`), [`flame`]: the flame graph's layout,
//!   `sandwich`: a function's callers and callees.
//!
//! # Adding a view
//!
//! A view of the profile (a flame graph, a call tree, the source of a
//! function, the tags, a comparison) is two things:
//! 1. a query here: a method of [`Session`] (in a file of its own when it
//!    is more than a few lines) that answers what the view shows from the
//!    aggregate, the table or the selection, computing what is slow in the
//!    worker as the tables and calls do (a job in `worker`, its request
//!    and result in `jobs`), and commands for what the view lets the user
//!    do;
//! 2. one file under `src/tui/ui/` that draws the answer: a `prepare`
//!    that, before the frame, keeps its scroll position in view and tells
//!    the session what the frame will show (as the table does with
//!    [`Session::want_marks`]), and a `draw` that only reads.
//!
//! Nothing here names a terminal library or the explorer's screen, so
//! sessions are driven in tests with commands alone.

pub mod aggregate;
pub mod calls;
pub mod command;
pub mod compare;
mod compare_sides;
mod dispose;
pub mod finder;
pub mod flame;
pub mod history;
mod jobs;
mod navigate;
mod recompute;
pub mod refine;
pub mod refresh;
mod sandwich;
pub mod score;
mod search;
pub mod session;
pub mod source;
pub mod table;
pub mod tags;
mod tree_build;
pub mod trees;
mod units;
pub mod view;
mod worker;

pub use aggregate::{Aggregate, Base};
pub use calls::Calls;
pub use command::Command;
pub use compare::{Change, CompareError, Comparison};
pub use jobs::SLICE;
pub use refine::Refinement;
pub use refresh::{Carry, FetchState, Fetched, Fetcher, Plan};
pub use search::LastSearch;
pub use session::{Hint, Notice, Row, Session, Settings};
pub use source::{LineRow, SourceListing, SourcePaths, SourceRow, SourceViewError};
pub use table::{Table, TableOptions};
pub use tags::{TagFocusError, TagsView};
pub use trees::{FrameInfo, TreeRow, TreeStep, TreeView};
pub use view::{Identity, Scale, View};
