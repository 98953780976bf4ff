//! The live status line: `GET /api/v1/health`, turned into a French sentence.
//!
//! Fetching needs a browser; everything else here is pure and unit-tested on the host.

use solidarites_api_types::{ErrorResponse, HealthResponse};

/// Where the API answers, relative to the site root (the server serves both).
pub const HEALTH_URL: &str = "/api/v1/health";

/// Why the status could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HealthError {
    /// The request did not reach the server (offline, DNS, CORS, server down…).
    Network,
    /// The server answered with an HTTP error; `message` is the API's own French
    /// message when the body was an [`ErrorResponse`].
    Http {
        status: u16,
        message: Option<String>,
    },
    /// The server answered 2xx but the body is not a [`HealthResponse`].
    InvalidBody,
}

/// How the status line should look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Pending,
    Ok,
    Warning,
    Error,
}

impl Tone {
    /// CSS class of the status line.
    pub fn class(self) -> &'static str {
        match self {
            Tone::Pending => "statut statut--attente",
            Tone::Ok => "statut statut--ok",
            Tone::Warning => "statut statut--alerte",
            Tone::Error => "statut statut--erreur",
        }
    }
}

/// What the status line shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLine {
    pub tone: Tone,
    pub text: String,
}

/// Shown while the request is under way.
pub fn pending() -> StatusLine {
    StatusLine {
        tone: Tone::Pending,
        text: "Vérification de l’état du service…".to_owned(),
    }
}

/// Turns the outcome of the health request into the sentence shown to people.
pub fn describe(outcome: &Result<HealthResponse, HealthError>) -> StatusLine {
    match outcome {
        Ok(health) => {
            let territory = match health.communes {
                0 => "aucun territoire n’est encore chargé".to_owned(),
                1 => "Territoire chargé\u{a0}: 1 commune".to_owned(),
                n => format!("Territoire chargé\u{a0}: {} communes", format_count(n)),
            };
            if health.status == "ok" {
                StatusLine {
                    tone: Tone::Ok,
                    text: format!("Service disponible. {}.", capitalize(&territory)),
                }
            } else {
                StatusLine {
                    tone: Tone::Warning,
                    text: format!(
                        "Le service fonctionne en mode dégradé. {}.",
                        capitalize(&territory)
                    ),
                }
            }
        }
        Err(HealthError::Network) => StatusLine {
            tone: Tone::Error,
            text: "Le service n’a pas pu être joint. Vérifiez votre connexion \
                   ou réessayez dans quelques instants."
                .to_owned(),
        },
        Err(HealthError::Http {
            message: Some(message),
            ..
        }) if !message.trim().is_empty() => StatusLine {
            tone: Tone::Error,
            text: message.trim().to_owned(),
        },
        Err(HealthError::Http { status, .. }) => StatusLine {
            tone: Tone::Error,
            text: format!(
                "L’état du service n’est pas disponible pour le moment (erreur\u{a0}{status}). \
                 Merci de réessayer dans quelques instants."
            ),
        },
        Err(HealthError::InvalidBody) => StatusLine {
            tone: Tone::Error,
            text: "La réponse du service est illisible. \
                   Merci de réessayer dans quelques instants."
                .to_owned(),
        },
    }
}

/// Formats a count the French way: groups of three digits separated by a narrow
/// no-break space (`36 529`).
pub fn format_count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Asks the server for its health.
pub async fn fetch_health() -> Result<HealthResponse, HealthError> {
    let response = gloo_net::http::Request::get(HEALTH_URL)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|_| HealthError::Network)?;
    if !response.ok() {
        let message = response
            .json::<ErrorResponse>()
            .await
            .ok()
            .map(|body| body.message);
        return Err(HealthError::Http {
            status: response.status(),
            message,
        });
    }
    response
        .json::<HealthResponse>()
        .await
        .map_err(|_| HealthError::InvalidBody)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn health(status: &str, communes: usize) -> HealthResponse {
        HealthResponse {
            status: status.to_owned(),
            version: "0.1.0".to_owned(),
            database: "sqlite".to_owned(),
            communes,
        }
    }

    #[test]
    fn counts_are_grouped_with_narrow_no_break_spaces() {
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(330), "330");
        assert_eq!(format_count(1000), "1\u{202f}000");
        assert_eq!(format_count(34_935), "34\u{202f}935");
        assert_eq!(format_count(1_234_567), "1\u{202f}234\u{202f}567");
    }

    #[test]
    fn healthy_server_shows_the_territory() {
        let line = describe(&Ok(health("ok", 330)));
        assert_eq!(line.tone, Tone::Ok);
        assert_eq!(
            line.text,
            "Service disponible. Territoire chargé\u{a0}: 330 communes."
        );
        assert!(describe(&Ok(health("ok", 1))).text.contains(": 1 commune."));
    }

    #[test]
    fn empty_territory_and_degraded_service_are_said_plainly() {
        let line = describe(&Ok(health("ok", 0)));
        assert_eq!(
            line.text,
            "Service disponible. Aucun territoire n’est encore chargé."
        );
        let line = describe(&Ok(health("degraded", 36_529)));
        assert_eq!(line.tone, Tone::Warning);
        assert!(line
            .text
            .starts_with("Le service fonctionne en mode dégradé."));
        assert!(line.text.contains("36\u{202f}529 communes"));
    }

    #[test]
    fn errors_are_polite_and_prefer_the_api_message() {
        let network = describe(&Err(HealthError::Network));
        assert_eq!(network.tone, Tone::Error);
        assert!(network.text.contains("n’a pas pu être joint"));

        let not_found = describe(&Err(HealthError::Http {
            status: 404,
            message: None,
        }));
        assert!(not_found.text.contains("(erreur\u{a0}404)"));
        assert!(not_found.text.contains("Merci de réessayer"));

        let api = describe(&Err(HealthError::Http {
            status: 503,
            message: Some("La base de données ne répond pas.".to_owned()),
        }));
        assert_eq!(api.text, "La base de données ne répond pas.");

        let blank = describe(&Err(HealthError::Http {
            status: 500,
            message: Some("  ".to_owned()),
        }));
        assert!(blank.text.contains("(erreur\u{a0}500)"));

        assert!(describe(&Err(HealthError::InvalidBody))
            .text
            .contains("illisible"));
    }

    #[test]
    fn every_tone_has_a_css_class() {
        for tone in [Tone::Pending, Tone::Ok, Tone::Warning, Tone::Error] {
            assert!(tone.class().starts_with("statut statut--"));
        }
        assert_eq!(pending().tone, Tone::Pending);
    }
}
