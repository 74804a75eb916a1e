//! One module per screen.

pub mod program;
pub mod session;
