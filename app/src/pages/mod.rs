//! One module per screen.

pub mod agenda;
pub mod badge;
pub mod changes;
pub mod kiosk;
pub mod program;
pub mod session;
pub mod signin;
