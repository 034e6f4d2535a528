//! The full-screen explorer.
