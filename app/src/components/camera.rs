//! Scanning badges with the device's camera, where the browser has the
//! Barcode Detection API (Chrome on Android and ChromeOS, Safari on
//! macOS). Elsewhere the button never shows and a keyboard-wedge scanner
//! or the name search does the job.

use leptos::prelude::*;

/// A "Scan with camera" button and the camera's picture; every QR code read
/// is handed to `on_code` (the same code again only after a pause, so a
/// badge held up does not check in twice a second).
#[component]
pub fn CameraScan(on_code: Callback<String>) -> impl IntoView {
    // Known only in the browser, once mounted: the server's markup and
    // the first render in the browser have no button.
    let supported = RwSignal::new(false);
    let running = RwSignal::new(false);
    let video = NodeRef::<leptos::html::Video>::new();
    #[cfg(feature = "browser")]
    Effect::new(move |_| supported.set(crate::client::camera::available()));
    let toggle = move |_| {
        if running.get_untracked() {
            running.set(false);
            return;
        }
        #[cfg(feature = "browser")]
        if let Some(element) = video.get_untracked() {
            running.set(true);
            crate::client::camera::scan(element, running, on_code);
        }
        #[cfg(not(feature = "browser"))]
        let _ = on_code;
    };
    view! {
        {move || supported.get().then(|| view! {
            <button type="button" class="camera-toggle" data-action="camera" on:click=toggle>
                {move || if running.get() { "Stop the camera" } else { "Scan with the camera" }}
            </button>
        })}
        <video node_ref=video class="camera" hidden=move || !running.get() playsinline=true muted=true aria-label="Camera"></video>
    }
}
