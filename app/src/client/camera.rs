//! The camera half of badge scanning: `getUserMedia` for the picture and
//! the browser's `BarcodeDetector` for reading QR codes in it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// How often a frame is read.
const FRAME_MS: u32 = 200;
/// The same code read again within this long is the same badge still held up.
const SAME_CODE_MS: f64 = 4_000.0;

#[wasm_bindgen]
extern "C" {
    type BarcodeDetector;

    #[wasm_bindgen(constructor, catch)]
    fn new(options: &JsValue) -> Result<BarcodeDetector, JsValue>;

    #[wasm_bindgen(method)]
    fn detect(this: &BarcodeDetector, source: &JsValue) -> js_sys::Promise;
}

pub fn available() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    js_sys::Reflect::has(&window, &JsValue::from_str("BarcodeDetector")).unwrap_or(false)
        && window.navigator().media_devices().is_ok()
}

/// Shows the camera in `video` and reads QR codes until `running` is
/// false; then the camera is switched off.
pub fn scan(video: web_sys::HtmlVideoElement, running: RwSignal<bool>, on_code: Callback<String>) {
    spawn_local(async move {
        if let Err(e) = read_codes(&video, running, on_code).await {
            leptos::logging::warn!("camera scanning stopped: {e:?}");
        }
        // The view may be gone (paired, or another page opened): then the
        // signal is too, and the camera is switched off all the same.
        running.try_set(false);
        if let Some(stream) = video.src_object()
            && let Ok(stream) = stream.dyn_into::<web_sys::MediaStream>()
        {
            for track in stream.get_tracks() {
                if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                    track.stop();
                }
            }
        }
        video.set_src_object(None);
    });
}

async fn read_codes(
    video: &web_sys::HtmlVideoElement,
    running: RwSignal<bool>,
    on_code: Callback<String>,
) -> Result<(), JsValue> {
    let options = js_sys::Object::new();
    let formats = js_sys::Array::of1(&JsValue::from_str("qr_code"));
    js_sys::Reflect::set(&options, &JsValue::from_str("formats"), &formats)?;
    let detector = BarcodeDetector::new(&options)?;
    let constraints = web_sys::MediaStreamConstraints::new();
    let facing = js_sys::Object::new();
    js_sys::Reflect::set(
        &facing,
        &JsValue::from_str("facingMode"),
        &JsValue::from_str("environment"),
    )?;
    constraints.set_video(&facing);
    let devices = web_sys::window()
        .ok_or_else(|| JsValue::from_str("no window"))?
        .navigator()
        .media_devices()?;
    let stream = wasm_bindgen_futures::JsFuture::from(
        devices.get_user_media_with_constraints(&constraints)?,
    )
    .await?;
    let stream: web_sys::MediaStream = stream.dyn_into()?;
    video.set_src_object(Some(&stream));
    let _ = wasm_bindgen_futures::JsFuture::from(video.play()?).await;
    let mut last: Option<(String, f64)> = None;
    while running.try_get_untracked().unwrap_or(false) {
        let found = wasm_bindgen_futures::JsFuture::from(detector.detect(video.as_ref())).await?;
        let code = js_sys::Array::from(&found).iter().find_map(|b| {
            js_sys::Reflect::get(&b, &JsValue::from_str("rawValue"))
                .ok()?
                .as_string()
        });
        if let Some(code) = code {
            let now = js_sys::Date::now();
            let again = last
                .as_ref()
                .is_some_and(|(seen, at)| *seen == code && now - at < SAME_CODE_MS);
            if !again {
                on_code.run(code.clone());
            }
            last = Some((code, now));
        }
        super::sleep(FRAME_MS).await;
    }
    Ok(())
}
