//! One module per screen.

pub mod agenda;
pub mod badge;
pub mod changes;
pub mod growth;
pub mod kiosk;
pub mod mentoring;
pub mod program;
pub mod session;
pub mod signin;
