//! The glyph of each theme icon: one SVG path on a 24×24 grid, drawn white on the theme's
//! colour, in the map markers and next to the theme names (so that a theme is told by its
//! shape and its name, never by its colour alone). Paths use the even-odd fill rule.

/// Path of the icon named `name` (the `icon` of a theme); a plain dot for unknown names.
pub fn path(name: &str) -> &'static str {
    match name {
        "basket" => "M3 9h18v2h-1l-1.6 8.2a1 1 0 0 1-1 .8H6.6a1 1 0 0 1-1-.8L4 11H3zM7.4 8 10.6 3l1.7 1-2.6 4zm9.2 0-3.2-5-1.7 1 2.6 4z",
        "users" => "M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zm-7 9c0-3.9 3.1-7 7-7s7 3.1 7 7zm14.5-9a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm1 2c2.7.4 4.5 3.3 4.5 7h-4.5c0-2.7-.9-5.2-2.5-6.8.8-.2 1.7-.3 2.5-.2z",
        "heart-pulse" => "M12 21s-9-5.4-9-11.5A5 5 0 0 1 12 6.6a5 5 0 0 1 9 2.9C21 15.6 12 21 12 21z",
        "briefcase" => "M9 3h6a1 1 0 0 1 1 1v2h4a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h4V4a1 1 0 0 1 1-1zm1 2v1h4V5z",
        "home" => "M12 3 2 12h3v8h5v-5h4v5h5v-8h3z",
        "laptop" => "M5 4h14a1 1 0 0 1 1 1v10H4V5a1 1 0 0 1 1-1zm1 2v7h12V6zM2 16h20v1.5a1.5 1.5 0 0 1-1.5 1.5h-17A1.5 1.5 0 0 1 2 17.5z",
        "bus" => "M6 2h12a2 2 0 0 1 2 2v13a1 1 0 0 1-1 1v2h-3v-2H8v2H5v-2a1 1 0 0 1-1-1V4a2 2 0 0 1 2-2zm0 3v6h12V5zm1.5 8a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm9 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z",
        "school" => "M12 3 1 9l11 6 9-4.9V17h2V9zM5 13.2V17c0 1.7 3.1 3 7 3s7-1.3 7-3v-3.8l-7 3.8z",
        "file-text" => "M6 2h8l5 5v14a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1zm2 10v1.5h8V12zm0 4v1.5h8V16zm5-12v4h4z",
        "hand-heart" => "M12 13S6.5 9.7 6.5 6A3 3 0 0 1 12 4.3 3 3 0 0 1 17.5 6c0 3.7-5.5 7-5.5 7zM2 15h5l3 2h5.5a1.5 1.5 0 0 1 0 3H2z",
        "accessibility" => "M12 1.5a2.2 2.2 0 1 1 0 4.4 2.2 2.2 0 0 1 0-4.4zM4 7h16v2h-5.3v4l2.6 8.5h-2.4L12 15l-2.9 6.5H6.7L9.3 13V9H4z",
        "shield" => "M12 2 4 5v6c0 5 3.4 9.5 8 11 4.6-1.5 8-6 8-11V5z",
        "palette" => "M12 3a9 9 0 0 0 0 18c1.4 0 2-1 2-2 0-.6-.3-1-.6-1.4-.3-.4-.5-.8-.5-1.3 0-1 .8-1.8 1.8-1.8H17a4 4 0 0 0 4-4c0-4.2-4-7.5-9-7.5zM7 13.5a1.5 1.5 0 1 1 0-3 1.5 1.5 0 0 1 0 3zm3-4a1.5 1.5 0 1 1 0-3 1.5 1.5 0 0 1 0 3zm5 0a1.5 1.5 0 1 1 0-3 1.5 1.5 0 0 1 0 3z",
        "dots" => "M5 10a2 2 0 1 1 0 4 2 2 0 0 1 0-4zm7 0a2 2 0 1 1 0 4 2 2 0 0 1 0-4zm7 0a2 2 0 1 1 0 4 2 2 0 0 1 0-4z",
        _ => "M12 7a5 5 0 1 1 0 10 5 5 0 0 1 0-10z",
    }
}

#[cfg(test)]
mod tests {
    use super::path;

    #[test]
    fn every_default_theme_icon_has_its_own_glyph() {
        // The icons of the default themes (crates/server/src/storage/themes.rs).
        let names = [
            "basket",
            "users",
            "heart-pulse",
            "briefcase",
            "home",
            "laptop",
            "bus",
            "school",
            "file-text",
            "hand-heart",
            "accessibility",
            "shield",
            "palette",
            "dots",
        ];
        let fallback = path("unknown-icon");
        let mut seen = std::collections::HashSet::new();
        for name in names {
            let d = path(name);
            assert_ne!(d, fallback, "{name}");
            assert!(seen.insert(d), "{name} shares its glyph");
            assert!(d.starts_with('M') && d.is_ascii(), "{name}");
            // Safe inside an HTML attribute as is.
            assert!(!d.contains(['"', '<', '&']), "{name}");
        }
    }
}
