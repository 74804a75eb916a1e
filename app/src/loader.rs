//! The script that starts the app on a server-rendered page.
//!
//! Leptos's `HydrationScripts` preloads the bundle from the document's
//! head, so half a megabyte of wasm shares a slow link with the page's own
//! first paint, and runs it as soon as it arrives. Hallpass mounts rather
//! than hydrates (`hydrate` in lib.rs), so that is right only where the
//! server rendered a placeholder and the app draws the page. Where the
//! server rendered the page itself (the program, a session), that page is
//! complete to look at: the bundle is asked for only once it has painted
//! (Lighthouse's LCP, BENCHMARKS.md).

use leptos::prelude::*;

/// Starts the app: at once on a placeholder; on a rendered page after its
/// first frame (a tab opened in the background paints no frame, so a timer
/// starts it there).
const START: &str = r#"(function (js, wasm, rendered) {
	let started = false;
	const start = () => {
		if (started) return;
		started = true;
		import(js).then((app) => app.default({ module_or_path: wasm }).then(() => app.hydrate()));
	};
	if (!rendered) return start();
	requestAnimationFrame(() => setTimeout(start, 0));
	setTimeout(start, 1000);
})"#;

/// The bundle's script and wasm file names as cargo-leptos wrote them:
/// `hallpass.<hash>` from its hash file beside the server's executable
/// when it hashes file names, as Leptos's own `HashedStylesheet` reads it.
fn bundle_names(options: &LeptosOptions) -> (String, String) {
    let name = options.output_name.to_string();
    let hashes = options
        .hash_files
        .then(|| {
            let exe = std::env::current_exe().ok()?;
            std::fs::read_to_string(exe.parent()?.join(options.hash_file.as_ref())).ok()
        })
        .flatten();
    let Some(hashes) = hashes else {
        // Built without cargo-leptos (API tests): wasm-bindgen's own names.
        let wasm = if option_env!("LEPTOS_OUTPUT_NAME").is_some() {
            name.clone()
        } else {
            format!("{name}_bg")
        };
        return (name, wasm);
    };
    let hash = |file: &str| {
        hashes.lines().find_map(|line| {
            let (key, hash) = line.split_once(':')?;
            (key.trim() == file).then(|| format!("{name}.{}", hash.trim()))
        })
    };
    (
        hash("js").unwrap_or_else(|| name.clone()),
        hash("wasm").unwrap_or_else(|| name.clone()),
    )
}

/// The module script that starts the app, under this response's nonce;
/// `rendered` when the server rendered the page itself rather than a
/// placeholder. A placeholder page preloads the bundle with the page.
#[component]
pub fn AppScript(options: LeptosOptions, rendered: bool) -> impl IntoView {
    // The names are the build's: read once per process.
    static NAMES: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    let (js, wasm) = NAMES.get_or_init(|| bundle_names(&options));
    let pkg = options.site_pkg_dir_route_base();
    let js = format!("{pkg}{js}.js");
    let wasm = format!("{pkg}{wasm}.wasm");
    // `anonymous`: the credentials mode of the module import and of the
    // glue's `fetch`, so the browser uses what it preloaded.
    let preloads = (!rendered).then(|| {
        view! {
            <link rel="modulepreload" href=js.clone() crossorigin="anonymous"/>
            <link rel="preload" href=wasm.clone() r#as="fetch" r#type="application/wasm" crossorigin="anonymous"/>
        }
    });
    view! {
        {preloads}
        <script type="module" nonce=leptos::nonce::use_nonce()>
            {format!("{START}({js:?}, {wasm:?}, {rendered});")}
        </script>
    }
}
