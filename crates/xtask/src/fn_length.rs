//! Function length limits of issue 16, checked by `cargo xtask test`: no Leptos
//! `#[component]` function of `frontend/src` over [`COMPONENT_MAX_LINES`] lines, and no
//! function of `crates/server/src` over [`SERVER_MAX_LINES`]. A function is counted from
//! its `fn` line to its closing brace, both included. There are no exceptions: split a
//! function that grows over its limit by concern.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::util::step;

/// Longest `#[component]` function allowed in `frontend/src`, in lines.
pub const COMPONENT_MAX_LINES: usize = 150;
/// Longest function allowed in `crates/server/src`, in lines.
pub const SERVER_MAX_LINES: usize = 80;

/// A function found in Rust source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    pub name: String,
    /// 1-based line of its `fn`.
    pub line: usize,
    /// From the `fn` line to the closing brace, both included.
    pub lines: usize,
    /// Whether `#[component]` is among its attributes.
    pub component: bool,
}

/// Fails when a frontend component is over [`COMPONENT_MAX_LINES`] lines.
pub fn check_components(root: &Path) -> Result<()> {
    step(&format!(
        "checking that no frontend component is over {COMPONENT_MAX_LINES} lines"
    ));
    let offenders = over_limit(root, "frontend/src", true, COMPONENT_MAX_LINES)?;
    if !offenders.is_empty() {
        bail!(
            "components too long: split them into smaller components or plain functions\n  {}",
            offenders.join("\n  ")
        );
    }
    Ok(())
}

/// Fails when a function of the server is over [`SERVER_MAX_LINES`] lines.
pub fn check_server_functions(root: &Path) -> Result<()> {
    step(&format!(
        "checking that no server function is over {SERVER_MAX_LINES} lines"
    ));
    let offenders = over_limit(root, "crates/server/src", false, SERVER_MAX_LINES)?;
    if !offenders.is_empty() {
        bail!(
            "server functions too long: split them by concern\n  {}",
            offenders.join("\n  ")
        );
    }
    Ok(())
}

/// The functions of `dir` (components only when `components_only`) over `limit` lines,
/// as lines of an error message.
fn over_limit(root: &Path, dir: &str, components_only: bool, limit: usize) -> Result<Vec<String>> {
    let mut offenders = Vec::new();
    for (file, function) in functions_under(&root.join(dir))? {
        if components_only && !function.component {
            continue;
        }
        let relative = file.strip_prefix(root).unwrap_or(&file);
        if function.lines > limit {
            offenders.push(format!(
                "{}:{}: {} is {} lines (at most {limit})",
                relative.display(),
                function.line,
                function.name,
                function.lines
            ));
        }
    }
    Ok(offenders)
}

/// `cargo xtask fn-lengths`: lists the frontend components over [`COMPONENT_MAX_LINES`]
/// lines and the server functions over [`SERVER_MAX_LINES`], longest first.
pub fn report(root: &Path) -> Result<()> {
    for (dir, limit, components_only) in [
        ("frontend/src", COMPONENT_MAX_LINES, true),
        ("crates/server/src", SERVER_MAX_LINES, false),
    ] {
        let mut long: Vec<(PathBuf, Function)> = functions_under(&root.join(dir))?
            .into_iter()
            .filter(|(_, f)| (f.component || !components_only) && f.lines > limit)
            .collect();
        long.sort_by_key(|(_, f)| std::cmp::Reverse(f.lines));
        println!(
            "{dir}: {} {} over {limit} lines",
            long.len(),
            if components_only {
                "components"
            } else {
                "functions"
            }
        );
        for (file, f) in long {
            let relative = file.strip_prefix(root).unwrap_or(&file);
            println!(
                "  {:>4}  {}:{} {}",
                f.lines,
                relative.display(),
                f.line,
                f.name
            );
        }
    }
    Ok(())
}

fn functions_under(dir: &Path) -> Result<Vec<(PathBuf, Function)>> {
    let mut found = Vec::new();
    for file in crate::checks::rust_files(dir)? {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        for function in functions(&text) {
            found.push((file.clone(), function));
        }
    }
    Ok(found)
}

/// Every function with a body in `source` (nested ones too).
pub fn functions(source: &str) -> Vec<Function> {
    let masked = mask(source);
    let lines: Vec<&str> = masked.lines().collect();
    let starts = line_starts(&masked);
    let mut found = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let Some(name) = fn_name(line) else {
            continue;
        };
        let Some(end) = body_end(&masked, starts[index]) else {
            continue; // a declaration without a body (trait, extern)
        };
        let last = starts.partition_point(|&s| s <= end) - 1;
        found.push(Function {
            name,
            line: index + 1,
            lines: last - index + 1,
            component: is_component(&lines[..index]),
        });
    }
    found
}

/// The byte offset where each line starts.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// The name of the function a line declares (`pub(crate) async fn name`), if any.
fn fn_name(line: &str) -> Option<String> {
    let words: Vec<&str> = line
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let position = words.iter().position(|w| *w == "fn")?;
    let qualifiers = [
        "pub", "crate", "super", "self", "in", "const", "async", "unsafe", "extern",
    ];
    if !words[..position].iter().all(|w| qualifiers.contains(w)) {
        return None;
    }
    let trimmed = line.trim_start();
    if !(trimmed.starts_with("fn ") || qualifiers.iter().any(|q| trimmed.starts_with(q))) {
        return None;
    }
    words.get(position + 1).map(|name| (*name).to_owned())
}

/// Whether the attributes right above a function (the last lines of `before`) include
/// `#[component]`.
fn is_component(before: &[&str]) -> bool {
    for line in before.iter().rev() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("#[") || line.ends_with(")]") {
            if line.starts_with("#[component") {
                return true;
            }
            continue;
        }
        return false;
    }
    false
}

/// Offset of the brace closing the body of the function declared at `from`; `None` when
/// its signature ends with `;` (no body).
fn body_end(masked: &str, from: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut opened = false;
    for (offset, byte) in masked.as_bytes()[from..].iter().enumerate() {
        match byte {
            b';' if !opened && depth == 0 => return None,
            b'{' => {
                depth += 1;
                opened = true;
            }
            b'}' => {
                depth = depth.checked_sub(1)?;
                if opened && depth == 0 {
                    return Some(from + offset);
                }
            }
            _ => {}
        }
    }
    None
}

/// `source` with comments, string and character literals replaced by spaces (line breaks
/// kept), so that their braces are not counted.
pub fn mask(source: &str) -> String {
    let bytes = source.as_bytes();
    let mut out = bytes.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for byte in &mut out[from..to.min(bytes.len())] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let after_ident = i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        if rest.starts_with(b"//") {
            let end = rest
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |p| i + p);
            blank(&mut out, i, end);
            i = end;
        } else if rest.starts_with(b"/*") {
            let (mut depth, mut j) = (0usize, i);
            while j < bytes.len() {
                if bytes[j..].starts_with(b"/*") {
                    depth += 1;
                    j += 2;
                } else if bytes[j..].starts_with(b"*/") {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            blank(&mut out, i, j);
            i = j;
        } else if let Some(len) = (!after_ident).then(|| raw_string_len(rest)).flatten() {
            blank(&mut out, i, i + len);
            i += len;
        } else if rest[0] == b'"' {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != b'"' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            blank(&mut out, i, j + 1);
            i = j + 1;
        } else if rest[0] == b'\'' {
            let len = char_literal_len(rest);
            blank(&mut out, i, i + len);
            i += len.max(1);
        } else {
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Length of a raw string literal (`r"…"`, `r#"…"#`, `br"…"`) at the start of `text`.
fn raw_string_len(text: &[u8]) -> Option<usize> {
    let start = if text.starts_with(b"br") {
        2
    } else if text.starts_with(b"r") {
        1
    } else {
        return None;
    };
    let hashes = text[start..].iter().take_while(|&&b| b == b'#').count();
    if text.get(start + hashes) != Some(&b'"') {
        return None;
    }
    let body = start + hashes + 1;
    let mut closing = vec![b'"'];
    closing.extend(std::iter::repeat_n(b'#', hashes));
    let end = text[body..]
        .windows(closing.len())
        .position(|w| w == closing.as_slice())?;
    Some(body + end + closing.len())
}

/// Length of a character literal at the start of `text` (`'a'`, `'\n'`, `'\u{a0}'`,
/// `'é'`), or 0 for a lifetime or label (`'a`, `'static`).
fn char_literal_len(text: &[u8]) -> usize {
    if text.get(1) == Some(&b'\\') {
        return text[2..]
            .iter()
            .position(|&b| b == b'\'')
            .map_or(0, |p| p + 3);
    }
    // One character (up to 4 bytes in UTF-8) then the closing quote.
    (2..=5)
        .find(|&close| {
            text.get(close) == Some(&b'\'')
                && std::str::from_utf8(&text[1..close]).is_ok_and(|c| c.chars().count() == 1)
        })
        .map_or(0, |close| close + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braces_in_strings_chars_and_comments_do_not_count() {
        let source = "#[component]\n\
                      pub fn Page() -> impl IntoView {\n\
                      \x20   let a = \"{\"; let b = '{'; let c = r#\"}\"#; // }\n\
                      \x20   /* { */ let d: &'static str = \"\\\"}\";\n\
                      \x20   view! { <p>{format!(\"{a}\")}</p> }\n\
                      }\n\
                      fn helper<'a>(x: &'a str) -> &'a str { x }\n\
                      fn declared();\n";
        assert_eq!(
            functions(source),
            vec![
                Function {
                    name: "Page".into(),
                    line: 2,
                    lines: 5,
                    component: true
                },
                Function {
                    name: "helper".into(),
                    line: 7,
                    lines: 1,
                    component: false
                },
            ]
        );
    }

    #[test]
    fn attributes_between_component_and_fn_are_skipped() {
        let source = "#[component]\n#[allow(clippy::too_many_lines)]\npub(crate) fn A() {\n}\n\
                      #[derive(Debug)]\nstruct S;\nfn b() {}\n";
        let found = functions(source);
        assert!(found[0].component);
        assert_eq!(found[0].lines, 2);
        assert!(!found[1].component);
    }

    #[test]
    fn the_frontend_components_hold_their_limit() {
        let root = crate::util::workspace_root().unwrap();
        check_components(&root).unwrap();
    }

    #[test]
    fn the_server_functions_hold_their_limit() {
        let root = crate::util::workspace_root().unwrap();
        check_server_functions(&root).unwrap();
    }

    #[test]
    fn a_function_over_the_limit_is_refused() {
        let dir = std::env::temp_dir().join(format!("fn-length-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("src")).unwrap();
        let body = "    let _x = 1;\n".repeat(10);
        std::fs::write(dir.join("src/a.rs"), format!("fn long() {{\n{body}}}\n")).unwrap();
        assert_eq!(over_limit(&dir, "src", false, 12).unwrap().len(), 0);
        let refused = over_limit(&dir, "src", false, 11).unwrap();
        assert_eq!(refused, ["src/a.rs:1: long is 12 lines (at most 11)"]);
        assert_eq!(
            over_limit(&dir, "src", true, 11).unwrap().len(),
            0,
            "not a component"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
