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

/// How long connections may take, against clients that open connections
/// and never finish a request (slowloris) or sit on them idle.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// From the moment a connection can send a request — right after it
    /// opens, or after its last response — to the end of the request's
    /// headers. An idle keep-alive connection is closed after this too.
    pub header_read_timeout: std::time::Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_read_timeout: std::time::Duration::from_secs(15),
        }
    }
}

/// Serves until ctrl-c, then lets open requests finish.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    serve_with(listener, state, ConnectionLimits::default()).await
}

/// [`serve`] with other connection limits (tests use short ones).
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    state: AppState,
    limits: ConnectionLimits,
) -> std::io::Result<()> {
    use axum::extract::ConnectInfo;
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;

    let app = router(state);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(tokio::signal::ctrl_c());
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, say: wait instead of spinning.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(
            move |mut request: hyper::Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(ConnectInfo::<SocketAddr>(peer));
                app.clone().oneshot(request)
            },
        );
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read_timeout)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
