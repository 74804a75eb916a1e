//! The Hallpass server as a library: the binary in `main.rs` parses the
//! command line and calls into it, and the black-box tests start it the same
//! way on a loopback port.

// The app's views are deeply nested types, laid out here for server rendering.
#![recursion_limit = "256"]

pub mod badge;
pub mod demo;
pub mod http;
pub mod import;
pub mod kiosks;
pub mod mail;
pub mod organizers;
pub mod signin;
pub mod store;
pub mod sync;

use std::net::SocketAddr;
use std::path::Path;

use leptos::config::LeptosOptions;

pub use http::{AppState, router};
pub use store::Store;

/// Leptos's options from cargo-leptos's environment, with file hashing taken
/// from how the binary was built, so that the binary started by hand finds
/// the same files cargo-leptos wrote.
pub fn leptos_options(site_root: Option<&Path>) -> LeptosOptions {
    let mut options = leptos::config::get_configuration(None)
        .map(|c| c.leptos_options)
        .unwrap_or_else(|_| LeptosOptions::builder().output_name("hallpass").build());
    if option_env!("LEPTOS_HASH_FILES") == Some("true")
        && std::env::var_os("LEPTOS_HASH_FILES").is_none()
    {
        options.hash_files = true;
    }
    if options.output_name.is_empty() {
        options.output_name = "hallpass".into();
    }
    if let Some(root) = site_root {
        options.site_root = root.to_string_lossy().as_ref().into();
    }
    options
}

/// Serves until the listener fails or ctrl-c.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    let app = router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
