//! Small views used by several pages.

pub mod badge_qr;
pub mod camera;
pub mod register;
pub mod session_card;
pub mod sync_badge;
