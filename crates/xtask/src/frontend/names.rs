//! Content-hashed file names in `frontend/dist/`.
//!
//! Every file the app loads by URL, except the page (`index.html`), the service worker,
//! the web app manifest and its icons (named by fixed URLs), gets a hash of its bytes in its
//! name: `style.css` → `style.<16 hex>.css`. A name then never stands for two contents,
//! so the server lets browsers keep these files for a year without asking again
//! (`crates/server/src/routes/frontend.rs`), and a new build only costs the files that
//! changed.
//!
//! Files name each other, so they are renamed leaves first: the offline queue, then the
//! snippets (`offline.js` imports the queue), the split modules and the main `.wasm`, the
//! stylesheets. The JS glue and the split loader import each other (the glue imports the
//! loader, the loader imports the glue to reach the main module's exports): they share one
//! hash, of both their contents with the leaves' names written in.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{bail, Context, Result};

use super::{
    relative_files, tag_offline_queue_import, url_path, CONSOLE_CSS, OFFLINE_QUEUE_DIST, OUT_NAME,
    SPLIT_LINK,
};
use crate::util;

/// What each file of the build is called in `dist/`: its name out of wasm-bindgen and
/// wasm-split (`style.css`, `split_area_home_12.wasm`, `snippets/…/js/carte.js`) → its
/// content-hashed name, both relative to `dist/` with `/` separators.
#[derive(Debug, Default)]
pub struct Names(BTreeMap<String, String>);

impl Names {
    /// The hashed name of `original`.
    pub fn get(&self, original: &str) -> Result<&str> {
        self.0
            .get(original)
            .map(String::as_str)
            .with_context(|| format!("no hashed name for {original}"))
    }

    /// Records that `original` is called `hashed`.
    pub fn insert(&mut self, original: &str, hashed: &str) {
        self.0.insert(original.to_owned(), hashed.to_owned());
    }

    /// Every `(original, hashed)` pair, sorted by original name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(a, b)| (a.as_str(), b.as_str()))
    }
}

/// `name` with the hash of `bytes` before its extension: `style.css` →
/// `style.0123456789abcdef.css`. The server recognises such names (16 lower-case hex
/// digits between the last two dots) as never changing.
pub fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let hash = format!("{:016x}", util::fnv1a(bytes));
    let (dir, file) = name.rsplit_once('/').map_or(("", name), |(d, f)| (d, f));
    let file = match file.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{file}.{hash}"),
    };
    if dir.is_empty() {
        file
    } else {
        format!("{dir}/{file}")
    }
}

/// Renames every file the app loads by URL in `dist/` after its content, rewriting the
/// names files use for each other. `public_url` prefixes the offline queue's import (the
/// only absolute URL written into a file).
pub fn name_by_content(dist: &Path, public_url: &str) -> Result<Names> {
    let mut names = Names::default();
    let queue = rename(dist, &mut names, OFFLINE_QUEUE_DIST)?;
    tag_offline_queue_import(dist, public_url, &queue)?;
    let snippets = dist.join("snippets");
    let mut snippet_names = Vec::new();
    if snippets.is_dir() {
        for relative in relative_files(&snippets)? {
            let original = format!("snippets/{}", url_path(&relative));
            rename(dist, &mut names, &original)?;
            snippet_names.push(original);
        }
    }
    let main_wasm = format!("{OUT_NAME}_bg.wasm");
    let mut split_modules = Vec::new();
    for relative in relative_files(dist)? {
        let original = url_path(&relative);
        if !original.contains('/') && original.ends_with(".wasm") && original != main_wasm {
            rename(dist, &mut names, &original)?;
            split_modules.push(original);
        }
    }
    rename(dist, &mut names, &main_wasm)?;
    for name in ["style.css", CONSOLE_CSS] {
        rename(dist, &mut names, name)?;
    }

    let glue_name = format!("{OUT_NAME}.js");
    let glue = read(dist, &glue_name)?;
    let loader = read(dist, SPLIT_LINK)?;
    let glue = import_snippets_by_hashed_name(&glue, &snippet_names, &names)?;
    let mut loader = loader;
    for module in &split_modules {
        let from = format!("\"./{module}\"");
        if !loader.contains(&from) {
            bail!("{SPLIT_LINK} does not load {from}");
        }
        loader = loader.replace(&from, &format!("\"./{}\"", names.get(module)?));
    }
    // One hash for the pair that imports each other.
    let hash = format!(
        "{:016x}",
        util::fnv1a(format!("{glue}\0{loader}").as_bytes())
    );
    let glue_hashed = format!("{OUT_NAME}.{hash}.js");
    let loader_hashed = SPLIT_LINK.replace(".js", &format!(".{hash}.js"));
    let glue = replace_imports(&glue, SPLIT_LINK, &loader_hashed)?;
    let main_import = format!("\"./{glue_name}\"");
    if !loader.contains(&main_import) {
        bail!("{SPLIT_LINK} does not import {main_import}");
    }
    let loader = loader.replace(&main_import, &format!("\"./{glue_hashed}\""));
    for (original, hashed, text) in [
        (glue_name.as_str(), glue_hashed, glue),
        (SPLIT_LINK, loader_hashed, loader),
    ] {
        fs::write(dist.join(&hashed), text)
            .with_context(|| format!("cannot write {hashed} in {}", dist.display()))?;
        fs::remove_file(dist.join(original))?;
        names.insert(original, &hashed);
    }
    Ok(names)
}

fn read(dist: &Path, name: &str) -> Result<String> {
    let path = dist.join(name);
    fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))
}

/// Renames `dist/<original>` to its hashed name and records it; returns the new name.
fn rename(dist: &Path, names: &mut Names, original: &str) -> Result<String> {
    let from = dist.join(original);
    let bytes = fs::read(&from).with_context(|| format!("cannot read {}", from.display()))?;
    let hashed = hashed_name(original, &bytes);
    fs::rename(&from, dist.join(&hashed))
        .with_context(|| format!("cannot rename {}", from.display()))?;
    names.insert(original, &hashed);
    Ok(hashed)
}

/// The glue with its `import … from "./snippets/…"` statements naming the hashed files.
fn import_snippets_by_hashed_name(
    glue: &str,
    snippets: &[String],
    names: &Names,
) -> Result<String> {
    let mut glue = glue.to_owned();
    for snippet in snippets {
        if snippet.ends_with(".js") {
            glue = replace_imports(&glue, snippet, names.get(snippet)?)?;
        }
    }
    Ok(glue)
}

/// `js` with its `from "./<name>"` statements (either quote, with or without the space that
/// terser leaves out) naming `./<hashed>` instead.
/// Only those: wasm-bindgen's glue also uses the same string as the key of the module's
/// imports object, which must keep matching the import names inside the `.wasm`.
fn replace_imports(js: &str, name: &str, hashed: &str) -> Result<String> {
    let mut out = js.to_owned();
    let mut found = false;
    for space in [" ", ""] {
        for quote in ['"', '\''] {
            let from = format!("from{space}{quote}./{name}{quote}");
            if out.contains(&from) {
                found = true;
                out = out.replace(&from, &format!("from{space}{quote}./{hashed}{quote}"));
            }
        }
    }
    if !found {
        bail!("the JS glue does not import ./{name}");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_keep_the_folder_and_the_extension() {
        let a = hashed_name("style.css", b"body{}");
        assert!(a.starts_with("style.") && a.ends_with(".css"), "{a}");
        assert_eq!(a.len(), "style.css".len() + 17);
        assert_ne!(a, hashed_name("style.css", b"body{ }"));
        let s = hashed_name("snippets/x-1/js/carte.js", b"x");
        assert!(
            s.starts_with("snippets/x-1/js/carte.") && s.ends_with(".js"),
            "{s}"
        );
        assert_eq!(
            hashed_name("split_area_home_12.wasm", b"\0asm"),
            format!("split_area_home_12.{:016x}.wasm", util::fnv1a(b"\0asm"))
        );
    }

    #[test]
    fn only_import_statements_are_rewritten() {
        let glue = "import * as a from \"./__wasm_split.js\";\nimports['./__wasm_split.js'] = a;\n";
        let out = replace_imports(glue, "__wasm_split.js", "__wasm_split.00.js").unwrap();
        assert_eq!(
            out,
            "import * as a from \"./__wasm_split.00.js\";\nimports['./__wasm_split.js'] = a;\n"
        );
        assert!(replace_imports(glue, "other.js", "x").is_err());
        // As terser writes it.
        let minified = "import*as a from\"./__wasm_split.js\";const i={\"./__wasm_split.js\":a};";
        assert_eq!(
            replace_imports(minified, "__wasm_split.js", "__wasm_split.00.js").unwrap(),
            "import*as a from\"./__wasm_split.00.js\";const i={\"./__wasm_split.js\":a};"
        );
    }

    #[test]
    fn the_glue_and_the_loader_name_each_other_by_their_hashes() {
        let dist = std::env::temp_dir().join(format!("xtask-names-{}", std::process::id()));
        let snippet_dir = dist.join("snippets/solidarites-frontend-abc/js");
        fs::create_dir_all(&snippet_dir).unwrap();
        let write = |name: &str, text: &str| fs::write(dist.join(name), text).unwrap();
        write(
            "solidarites.js",
            "import { a } from './snippets/solidarites-frontend-abc/js/offline.js';\n\
             import * as s from './__wasm_split.js';\n",
        );
        write(
            "__wasm_split.js",
            "import { initSync } from \"./solidarites.js\";\n\
             const c = fetch(new URL(\"./chunk_1.wasm\", import.meta.url));\n",
        );
        write("chunk_1.wasm", "\0asm1");
        write("solidarites_bg.wasm", "\0asm0");
        write("style.css", "body{}");
        write("console.css", "main{}");
        write("offline-queue.js", "export {};");
        fs::write(
            snippet_dir.join("offline.js"),
            "const QUEUE_MODULE = \"/offline-queue.js\";\n",
        )
        .unwrap();

        let names = name_by_content(&dist, "/").unwrap();
        let glue = names.get("solidarites.js").unwrap().to_owned();
        let loader = names.get("__wasm_split.js").unwrap().to_owned();
        assert_eq!(
            glue.trim_start_matches("solidarites."),
            loader.trim_start_matches("__wasm_split."),
            "one hash for both"
        );
        let glue_text = fs::read_to_string(dist.join(&glue)).unwrap();
        let loader_text = fs::read_to_string(dist.join(&loader)).unwrap();
        assert!(
            glue_text.contains(&format!("from './{loader}'")),
            "{glue_text}"
        );
        let offline = names
            .get("snippets/solidarites-frontend-abc/js/offline.js")
            .unwrap();
        assert!(
            glue_text.contains(&format!("from './{offline}'")),
            "{glue_text}"
        );
        assert!(
            loader_text.contains(&format!("\"./{glue}\"")),
            "{loader_text}"
        );
        let chunk = names.get("chunk_1.wasm").unwrap();
        assert!(
            loader_text.contains(&format!("\"./{chunk}\"")),
            "{loader_text}"
        );
        let queue = names.get("offline-queue.js").unwrap();
        let offline_text = fs::read_to_string(dist.join(offline)).unwrap();
        assert!(
            offline_text.contains(&format!("\"/{queue}\"")),
            "{offline_text}"
        );
        // Only hashed names are left.
        for relative in relative_files(&dist).unwrap() {
            let name = url_path(&relative);
            assert!(names.iter().any(|(_, hashed)| hashed == name), "{name}");
        }
        fs::remove_dir_all(dist).unwrap();
    }
}
