//! The offline side of the site: which files make up this build, and the
//! service worker that precaches them. The worker's text carries the build
//! id, so every new build is a new worker with a new cache and the browser
//! drops the old one.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

use leptos::config::LeptosOptions;

/// Files from `public/` that the installed app needs offline.
pub const PUBLIC_ASSETS: [&str; 5] = [
    "/manifest.webmanifest",
    "/icons/icon.svg",
    "/icons/icon-192.png",
    "/icons/icon-512.png",
    "/icons/maskable-512.png",
];

const SW_TEMPLATE: &str = include_str!("../../../public/sw.js");

/// The files of the current front-end build and an id that changes with them.
#[derive(Debug, Clone)]
pub struct BuildAssets {
    pub id: String,
    /// URL paths of the js, wasm and css bundle.
    pub bundle: Vec<String>,
}

impl BuildAssets {
    /// Reads `hash.txt` (written beside the binary by cargo-leptos when file
    /// hashing is on), or hashes the bundle's bytes when it is off.
    pub fn discover(options: &LeptosOptions) -> Self {
        let name = options.output_name.to_string();
        let pkg = options.site_pkg_dir.to_string();
        let hashes = if options.hash_files {
            read_hash_file(options)
        } else {
            None
        };
        let (js, wasm, css) = match &hashes {
            Some(h) => (
                format!("{name}.{}.js", h.js),
                format!("{name}.{}.wasm", h.wasm),
                format!("{name}.{}.css", h.css),
            ),
            None => (
                format!("{name}.js"),
                format!("{name}.wasm"),
                format!("{name}.css"),
            ),
        };
        let bundle: Vec<String> = [js, wasm, css]
            .iter()
            .map(|f| format!("/{pkg}/{f}"))
            .collect();
        let mut hasher = DefaultHasher::new();
        SW_TEMPLATE.hash(&mut hasher);
        app::OFFLINE_ROUTES
            .iter()
            .for_each(|r| r.path.hash(&mut hasher));
        match &hashes {
            Some(h) => (&h.js, &h.wasm, &h.css).hash(&mut hasher),
            None => {
                for file in &bundle {
                    let path =
                        Path::new(options.site_root.as_ref()).join(file.trim_start_matches('/'));
                    std::fs::read(path).unwrap_or_default().hash(&mut hasher);
                }
            }
        }
        // Public files keep their names when they change: their bytes go
        // into the id, so that a changed one is precached anew.
        for asset in PUBLIC_ASSETS {
            let path = Path::new(options.site_root.as_ref()).join(asset.trim_start_matches('/'));
            std::fs::read(path).unwrap_or_default().hash(&mut hasher);
        }
        BuildAssets {
            id: format!("{:016x}", hasher.finish()),
            bundle,
        }
    }

    /// The service worker's source for this build.
    pub fn service_worker(&self) -> String {
        let mut precache: Vec<&str> = app::OFFLINE_ROUTES.iter().map(|r| r.path).collect();
        precache.extend(self.bundle.iter().map(String::as_str));
        precache.extend(PUBLIC_ASSETS);
        let routes: Vec<serde_json::Value> = app::OFFLINE_ROUTES
            .iter()
            .map(|r| serde_json::json!({ "pattern": r.pattern, "path": r.path }))
            .collect();
        SW_TEMPLATE
            .replace(
                "\"__BUILD_ID__\"",
                &serde_json::Value::from(self.id.as_str()).to_string(),
            )
            .replace(
                "[\"__PRECACHE__\"]",
                &serde_json::Value::from(precache).to_string(),
            )
            .replace(
                "[\"__ROUTES__\"]",
                &serde_json::Value::from(routes).to_string(),
            )
    }
}

struct Hashes {
    js: String,
    wasm: String,
    css: String,
}

fn read_hash_file(options: &LeptosOptions) -> Option<Hashes> {
    let dir = std::env::current_exe().ok()?.parent()?.to_path_buf();
    let text = std::fs::read_to_string(dir.join(options.hash_file.as_ref())).ok()?;
    let get = |key: &str| {
        text.lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim() == key)
            .map(|(_, v)| v.trim().to_owned())
    };
    Some(Hashes {
        js: get("js")?,
        wasm: get("wasm")?,
        css: get("css")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_lists_every_offline_route_and_the_bundle() {
        let assets = BuildAssets {
            id: "abc123".into(),
            bundle: vec!["/pkg/hallpass.x.js".into()],
        };
        let sw = assets.service_worker();
        assert!(sw.contains("\"abc123\""));
        assert!(!sw.contains("__"), "every placeholder is filled");
        for route in app::OFFLINE_ROUTES {
            assert!(sw.contains(&format!("\"{}\"", route.path)));
        }
        assert!(sw.contains("/pkg/hallpass.x.js"));
        assert!(sw.contains("/manifest.webmanifest"));
    }
}
