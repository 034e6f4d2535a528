//! The exploration engine: the aggregate and the tables of the profile
//! explored, the background worker computing them, search and history.
//! Nothing here names a terminal library.

pub mod aggregate;
pub mod calls;
pub mod finder;
pub mod history;
pub mod score;
pub mod table;
pub mod view;
pub(crate) mod worker;

pub use aggregate::{Aggregate, Base};
pub use calls::Calls;
pub use table::{Table, TableOptions};
pub use view::{Identity, View};
