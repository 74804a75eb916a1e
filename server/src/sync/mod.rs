//! Applying pushes and building pulls.

pub mod cursor;
pub mod push;
