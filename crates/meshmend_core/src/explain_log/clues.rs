//! What a log line names: cut out of the fixed message shapes, no regex.

use crate::Diagnostic;

/// The gateway, resource, port and hosts a line names (each when present).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Clues {
    /// The Gateway, `namespace/name` or a bare name (istiod's Info lines).
    pub gateway: Option<String>,
    /// Another resource the line is about: `(kind, namespace/name or name)`.
    pub resource: Option<(String, String)>,
    /// A port number (Gateway server port, listener port or nodePort).
    pub port: Option<u32>,
    /// Host names.
    pub hosts: Vec<String>,
}

impl Clues {
    /// Reads the clues out of one line.
    pub fn of(line: &str) -> Self {
        let mut clues = Clues::default();
        // istiod: `skipping server on gateway ns/name, …` or `… gateway name port …`.
        if let Some(rest) = after(line, "skipping server on gateway ") {
            clues.gateway = Some(word(rest, b", ").to_string());
        }
        // istioctl: `Error [IST0145] (Gateway ns/name) …`, `(VirtualService ns/vs) …`.
        if let Some(rest) = after(line, "] (") {
            let inside = word(rest, b")");
            if let Some((kind, name)) = inside.split_once(' ') {
                if kind == "Gateway" {
                    clues.gateway = Some(name.to_string());
                } else {
                    clues.resource = Some((kind.to_string(), name.to_string()));
                }
            }
        }
        // `Referenced gateway not found: "name"`.
        if let Some(rest) = after(line, "Referenced gateway not found: \"") {
            clues.gateway = Some(word(rest, b"\"").to_string());
        }
        // API server: `Service "name" is invalid: …`.
        if let Some(rest) = after(line, "Service \"") {
            clues.resource = Some(("Service".to_string(), word(rest, b"\"").to_string()));
        }
        clues.port = port(line);
        clues.hosts = hosts(line);
        clues
    }

    /// True when the finding does not contradict any clue.
    pub(super) fn agree(&self, d: &Diagnostic) -> bool {
        let names = |wanted: &str, kind: &str| {
            d.resource.as_ref().is_some_and(|r| {
                r.kind == kind
                    && match wanted.split_once('/') {
                        Some((ns, name)) => r.namespace == ns && r.name == name,
                        None => r.name == wanted,
                    }
            }) || (wanted.contains('/') && d.message.contains(wanted))
        };
        self.gateway.as_deref().is_none_or(|g| names(g, "Gateway"))
            && self
                .resource
                .as_ref()
                .is_none_or(|(kind, name)| names(name, kind))
            && self.port.is_none_or(|p| has_number(&d.message, p))
            && (self.hosts.is_empty() || self.hosts.iter().any(|h| d.message.contains(h.as_str())))
    }
}

/// The text after the first occurrence of `marker`.
fn after<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    line.find(marker).map(|i| &line[i + marker.len()..])
}

// The helpers below work on ASCII bytes, each written once: every distinct
// `split(closure)` would be another copy of the searcher in the page's wasm.

/// The text up to the first byte in `stops` (ASCII, so a char boundary).
fn word<'a>(text: &'a str, stops: &[u8]) -> &'a str {
    let end = text
        .bytes()
        .position(|b| stops.contains(&b))
        .unwrap_or(text.len());
    &text[..end]
}

/// `text` cut at every byte in `stops`, empty pieces dropped.
fn pieces<'a>(mut text: &'a str, stops: &[u8]) -> Vec<&'a str> {
    let mut out = Vec::new();
    while !text.is_empty() {
        let piece = word(text, stops);
        if !piece.is_empty() {
            out.push(piece);
        }
        text = text.get(piece.len() + 1..).unwrap_or_default();
    }
    out
}

/// The value of the digits `text` starts with.
fn digits(text: &str) -> Option<u32> {
    let mut value: Option<u32> = None;
    for b in text.bytes().take_while(u8::is_ascii_digit) {
        value = Some(
            value
                .unwrap_or(0)
                .saturating_mul(10)
                .saturating_add(u32::from(b - b'0')),
        );
    }
    value
}

/// A port number at the start of `text`.
fn leading_number(text: &str) -> Option<u32> {
    digits(text).filter(|&n| (1..=65_535).contains(&n))
}

/// The port a line is about, by message shape.
fn port(line: &str) -> Option<u32> {
    // istiod Info: `… port https.443.HTTPS: conflict with existing server 443.HTTPS`.
    // API server: `spec.ports[0].nodePort: Invalid value: 31390: …`.
    for marker in ["existing server ", "Invalid value: "] {
        if let Some(n) = after(line, marker).and_then(leading_number) {
            return Some(n);
        }
    }
    // istioctl: `(… port 80, hosts …)`, IST0162 `target port (port 8080)`.
    if let Some(n) = line
        .match_indices("port ")
        .find_map(|(i, _)| leading_number(&line[i + 5..]))
    {
        return Some(n);
    }
    // Envoy: listener `0.0.0.0_443`, `cannot bind '0.0.0.0:443'`, access log `10.1.2.3:8443`.
    pieces(line, WORD_STOPS).into_iter().find_map(address_port)
}

const WORD_STOPS: &[u8] = b" \t'\"";

/// The port of `1.2.3.4:443` or a listener name `0.0.0.0_443`.
fn address_port(token: &str) -> Option<u32> {
    let token = token.trim_end_matches([':', ',', ';', '.', ')']);
    let at = token.bytes().rposition(|b| b == b'_' || b == b':')?;
    let address = &token[..at];
    let ipv4 = address.bytes().filter(|&b| b == b'.').count() == 3
        && address.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    let number = &token[at + 1..];
    if ipv4 && number.bytes().all(|b| b.is_ascii_digit()) {
        leading_number(number)
    } else {
        None
    }
}

/// Host names, by message shape.
fn hosts(line: &str) -> Vec<String> {
    let list = |text: &str, separator: u8| -> Vec<String> {
        pieces(text, &[separator])
            .into_iter()
            .map(|h| h.trim().to_string())
            .collect()
    };
    // istiod and IST0132: Go slices `[a b]`.
    for marker in ["duplicate host names: [", "host ["] {
        if let Some(rest) = after(line, marker) {
            return list(word(rest, b"]"), b' ');
        }
    }
    // IST0145: `(workload selector …, port 80, hosts a,b).`
    if let Some(rest) = after(line, ", hosts ") {
        return list(word(rest, b")"), b',');
    }
    // Envoy access log (Istio's default format): the requested server name
    // follows the downstream local and remote addresses.
    if line.contains("filter_chain_not_found") {
        let tokens = pieces(line, b" \t");
        let mut addresses = tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| address_port(t).is_some())
            .map(|(i, _)| i);
        if let Some(sni) = addresses
            .nth(1)
            .and_then(|remote| tokens.get(remote + 1))
            .filter(|t| t.contains('.') && **t != "-")
        {
            return vec![(*sni).to_string()];
        }
    }
    Vec::new()
}

/// `number` occurs in `text` as a whole number.
fn has_number(text: &str, number: u32) -> bool {
    let bytes = text.as_bytes();
    (0..bytes.len())
        .any(|i| (i == 0 || !bytes[i - 1].is_ascii_digit()) && digits(&text[i..]) == Some(number))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_come_from_every_message_shape() {
        assert_eq!(
            port(
                "skipping server on gateway gw port tcp.443.TCP: conflict with existing server 443.HTTPS"
            ),
            Some(443)
        );
        assert_eq!(
            port(
                "spec.ports[0].nodePort: Invalid value: 31390: provided port is already allocated"
            ),
            Some(31390)
        );
        assert_eq!(
            port("listener '0.0.0.0_8443' failed to bind or apply socket options"),
            Some(8443)
        );
        assert_eq!(
            port("cannot bind '0.0.0.0:80': Address already in use"),
            Some(80)
        );
        assert_eq!(port("no port here"), None);
        assert_eq!(
            port("is listening on a target port (port 8080) that"),
            Some(8080)
        );
        assert_eq!(
            port(
                "[2024-01-15T03:41:05.123Z] \"- - -\" 0 NR filter_chain_not_found - 10.0.0.5:8443 10.0.0.1:5000 a.example.com -"
            ),
            Some(8443)
        );
        assert_eq!(port("listener 'x_99999'"), None);
    }

    #[test]
    fn numbers_match_whole() {
        assert!(has_number("port 443 `https`", 443));
        assert!(has_number("listener 0.0.0.0_8443", 8443));
        assert!(!has_number("listener 0.0.0.0_8443", 443));
    }
}
