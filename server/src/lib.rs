//! The Hallpass server as a library: the binary in `main.rs` parses the
//! command line and calls into it, and the black-box tests start it the same
//! way on a loopback port.

// The app's views are deeply nested types, laid out here for server rendering.
#![recursion_limit = "256"]

pub mod backup;
pub mod badge;
pub mod demo;
pub mod http;
pub mod import;
pub mod kiosks;
pub mod mail;
pub mod organizers;
pub mod report;
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

/// How connections are served.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// From the moment a connection can send a request — right after it
    /// opens, or after its last response — to the end of the request's
    /// headers. Against clients that open connections and never finish a
    /// request (slowloris); an idle keep-alive connection is closed too.
    pub header_read_timeout: std::time::Duration,
    /// Reverse proxies in front of the server (Caddy, nginx): for a
    /// connection from one of them, the client is the last address in
    /// `X-Forwarded-For` that is not a proxy itself. Without this every
    /// client would be the proxy, and the per-address sign-in limits would
    /// lock out everyone at once. From anyone else the header is ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            header_read_timeout: std::time::Duration::from_secs(15),
            trusted_proxies: Vec::new(),
        }
    }
}

/// The client behind a request from `peer` (see
/// [`ServeOptions::trusted_proxies`]).
pub fn client_address(
    peer: SocketAddr,
    headers: &axum::http::HeaderMap,
    trusted: &[std::net::IpAddr],
) -> SocketAddr {
    if !trusted.contains(&peer.ip()) {
        return peer;
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    forwarded
        .iter()
        .rev()
        .map(|a| a.trim().parse::<std::net::IpAddr>())
        .find(|a| a.as_ref().map_or(true, |ip| !trusted.contains(ip)))
        .and_then(Result::ok)
        .map_or(peer, |ip| SocketAddr::new(ip, 0))
}

/// Serves until ctrl-c, then lets open requests finish.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    serve_with(listener, state, ServeOptions::default()).await
}

/// [`serve`] with other options (tests use short timeouts).
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    state: AppState,
    options: ServeOptions,
) -> std::io::Result<()> {
    use axum::extract::ConnectInfo;
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;

    let app = router(state);
    let trusted: std::sync::Arc<[std::net::IpAddr]> = options.trusted_proxies.into();
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
        let trusted = std::sync::Arc::clone(&trusted);
        let service = hyper::service::service_fn(
            move |mut request: hyper::Request<hyper::body::Incoming>| {
                let client = client_address(peer, request.headers(), &trusted);
                request
                    .extensions_mut()
                    .insert(ConnectInfo::<SocketAddr>(client));
                app.clone().oneshot(request)
            },
        );
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(options.header_read_timeout)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_is_the_last_forwarded_address_that_is_not_a_proxy() {
        let proxy: std::net::IpAddr = [10, 0, 0, 1].into();
        let inner: std::net::IpAddr = [10, 0, 0, 2].into();
        let peer = SocketAddr::new(proxy, 5000);
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "198.51.100.9, 203.0.113.7, 10.0.0.2".parse().unwrap(),
        );
        let client = client_address(peer, &headers, &[proxy, inner]);
        assert_eq!(
            client.ip(),
            std::net::IpAddr::from([203, 0, 113, 7]),
            "what the client wrote itself is ignored"
        );
        // No proxy trusted: the peer, whatever the header says.
        assert_eq!(client_address(peer, &headers, &[]), peer);
        // A trusted proxy with no header: the proxy.
        assert_eq!(
            client_address(peer, &axum::http::HeaderMap::new(), &[proxy]),
            peer
        );
    }
}
