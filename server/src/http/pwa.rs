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
    /// URL paths of every script, wasm chunk and stylesheet of the build,
    /// sorted: the first chunk and every route's chunk (`--split`).
    pub bundle: Vec<String>,
}

/// What the browser runs or applies. The build's other files are its
/// compressed copies (the same URL, by `Accept-Encoding`), TypeScript
/// declarations and the split manifest the server reads.
const BUNDLE_EXTENSIONS: [&str; 3] = ["js", "wasm", "css"];

impl BuildAssets {
    /// Lists the bundle's files under the site's `pkg` directory and hashes
    /// their names and bytes, with the worker's template, the offline routes
    /// and the public files, into the build id. A missing directory (a
    /// server started without a front-end build) is an empty bundle.
    pub fn discover(options: &LeptosOptions) -> Self {
        let site = Path::new(options.site_root.as_ref());
        let pkg = options.site_pkg_dir.to_string();
        let mut bundle = Vec::new();
        list_bundle(&site.join(&pkg), &format!("/{pkg}"), &mut bundle);
        bundle.sort();
        let mut hasher = DefaultHasher::new();
        SW_TEMPLATE.hash(&mut hasher);
        app::OFFLINE_ROUTES
            .iter()
            .for_each(|r| r.path.hash(&mut hasher));
        // Public files keep their names when they change, and a build
        // without file hashing keeps the bundle's: their bytes go into the
        // id, so that a changed one is precached anew.
        for file in bundle.iter().map(String::as_str).chain(PUBLIC_ASSETS) {
            file.hash(&mut hasher);
            let path = site.join(file.trim_start_matches('/'));
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

/// Adds to `out` the URL path (under `url`) of every bundle file in `dir`
/// and its subdirectories (wasm-bindgen's `snippets/`).
fn list_bundle(dir: &Path, url: &str, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            list_bundle(&path, &format!("{url}/{name}"), out);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| BUNDLE_EXTENSIONS.contains(&e))
        {
            out.push(format!("{url}/{name}"));
        }
    }
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
        for placeholder in ["__BUILD_ID__", "__PRECACHE__", "__ROUTES__"] {
            assert!(!sw.contains(placeholder), "{placeholder} is filled");
        }
        for route in app::OFFLINE_ROUTES {
            assert!(sw.contains(&format!("\"{}\"", route.path)));
        }
        assert!(sw.contains("/pkg/hallpass.x.js"));
        assert!(sw.contains("/manifest.webmanifest"));
    }

    /// A split build's directory: the first chunk, a route's chunk, the
    /// split loader, a snippet, and the files that are not the bundle.
    fn site_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
        let site = tempfile::tempdir().expect("a temporary directory");
        for (name, bytes) in files {
            let path = site.path().join(name);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("a directory");
            std::fs::write(path, bytes).expect("a file");
        }
        site
    }

    const SPLIT_BUILD: [(&str, &[u8]); 10] = [
        ("pkg/hallpass.AAA.js", b"main js"),
        ("pkg/hallpass.BBB.wasm", b"main wasm"),
        ("pkg/hallpass.BBB.wasm.br", b"compressed"),
        ("pkg/hallpass.BBB.wasm.gz", b"compressed"),
        ("pkg/hallpass.CCC.css", b"css"),
        ("pkg/__wasm_split.DDD.js", b"loader"),
        ("pkg/split_mentoring.EEE.wasm", b"a route's chunk"),
        ("pkg/__wasm_split_manifest.FFF.json", b"{}"),
        ("pkg/hallpass.d.GGG.ts", b"types"),
        ("pkg/snippets/x-1/inline0.js", b"snippet"),
    ];

    #[test]
    fn the_bundle_is_every_script_chunk_and_stylesheet_of_the_build() {
        let site = site_with(&SPLIT_BUILD);
        let assets = BuildAssets::discover(&crate::leptos_options(Some(site.path())));
        assert_eq!(
            assets.bundle,
            [
                "/pkg/__wasm_split.DDD.js",
                "/pkg/hallpass.AAA.js",
                "/pkg/hallpass.BBB.wasm",
                "/pkg/hallpass.CCC.css",
                "/pkg/snippets/x-1/inline0.js",
                "/pkg/split_mentoring.EEE.wasm",
            ]
        );
    }

    #[test]
    fn a_changed_chunk_is_a_new_build_and_the_same_files_the_same_build() {
        let id = |files: &[(&str, &[u8])]| {
            let site = site_with(files);
            BuildAssets::discover(&crate::leptos_options(Some(site.path()))).id
        };
        let mut changed = SPLIT_BUILD;
        changed[6].1 = b"the same name, other bytes";
        assert_eq!(id(&SPLIT_BUILD), id(&SPLIT_BUILD));
        assert_ne!(id(&SPLIT_BUILD), id(&changed));
        assert_ne!(
            id(&SPLIT_BUILD),
            id(&SPLIT_BUILD[..6]),
            "a chunk more or less"
        );
    }
}
