//! Colours of themes: white text must stay readable on them (WCAG 2, 4.5:1), checked
//! by the server when a theme is saved and shown live in the console while it is typed.

/// The smallest contrast ratio of white text on a theme colour (WCAG 2.1 AA, normal text).
pub const MIN_CONTRAST: f64 = 4.5;

/// Contrast ratio of white text on `#rrggbb` (WCAG 2 relative luminance); `None` when the
/// colour is not `#rrggbb`.
///
/// ```
/// use solidarites_domain::color::contrast_with_white;
/// assert!(contrast_with_white("#1D4ED8").unwrap() >= 4.5);
/// assert!(contrast_with_white("#FFFF00").unwrap() < 4.5);
/// assert_eq!(contrast_with_white("jaune"), None);
/// ```
#[must_use]
pub fn contrast_with_white(hex: &str) -> Option<f64> {
    let digits = hex.strip_prefix('#').filter(|d| d.len() == 6)?;
    let mut luminance = 0.0;
    for (i, weight) in [0.2126, 0.7152, 0.0722].into_iter().enumerate() {
        let v = f64::from(u8::from_str_radix(digits.get(i * 2..i * 2 + 2)?, 16).ok()?) / 255.0;
        let linear = if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        };
        luminance += weight * linear;
    }
    Some(1.05 / (luminance + 0.05))
}
