//! The structural layer: secrets found by where they are, not what they look
//! like. Works on the YAML tree when a document parses and on lines when it
//! does not (Helm templates, broken pastes), and inside block scalars
//! (ConfigMap `application.properties`, `.env` files, embedded values.yaml).
//!
//! Rules (ids as reported in findings):
//! - `secret-data`: every value under `data`/`binaryData` of a `kind: Secret`
//!   (base64; replaced by the base64 of the placeholder so the Secret stays
//!   valid). Public certificates (`ca.crt`, `tls.crt`) are kept.
//! - `secret-string-data`: every `stringData` value, unless anchored rules
//!   find the secret inside it (then only that part).
//! - `keyed-secret`: a secret-sounding key (`password`, `apiKey`,
//!   `client_secret`, …) with a value that passes the gate.
//! - `env-secret`: `- name: DB_PASSWORD` / `value: …` pairs (also Argo CD
//!   Helm `parameters`).
//! - `config-line-secret`: `KEY=value`, `key: value`, `"key": "value"`,
//!   `<password>v</password>` lines inside block scalars, comments and text
//!   that does not parse.
//! - `cli-arg-secret`: `--password x`, `--token=x`, and the list item after
//!   a secret-sounding flag in `args:`.

use super::allow;
use super::{
    Candidate, DATA_PRIORITY, Encoding, KEYED_PRIORITY, Planned, Vault, decode_base64,
    scan_rules_in,
};
use crate::model::tree::{Document, NodeKind, NodeRef, ScalarStyle};
use crate::parse::{Limits, Stream, parse};
use crate::sort;
use crate::span::Span;

/// Runs the structural layer over one file.
pub(crate) fn scan(text: &str, stream: Option<&Stream>, out: &mut Vec<Candidate>) {
    let mut covered = Vec::new();
    if let Some(stream) = stream {
        for doc in &stream.documents {
            if let Some(root) = doc.root() {
                let mut walker = Walker { text, out };
                walker.node(root, None, false);
            }
            covered.push(doc.span);
        }
    }
    sort::by_key(&mut covered, |s| s.start);
    // Lines no parsed document covers (broken documents, Helm templates),
    // with the line scanner's YAML state (Secret data blocks, env pairs).
    let mut at = 0;
    for span in covered
        .iter()
        .chain(std::iter::once(&Span::empty(text.len())))
    {
        if span.start > at {
            let mut lines = LineScanner::new(text, out, true);
            lines.scan(Span::new(at, floor(text, span.start)));
        }
        at = at.max(floor(text, span.end.min(text.len())));
    }
    // Comment lines anywhere: `# password: hunter2`.
    let mut lines = LineScanner::new(text, out, false);
    lines.loose = true;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') {
            let offset = start + (line.len() - trimmed.len()) + 1;
            lines.line(Span::new(offset, start + line.trim_end().len()));
        }
        start += line.len();
    }
}

/// Splits a stream into document regions at `---` lines (the marker
/// belongs to the document it opens).
pub(crate) fn documents(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let b = line.as_bytes();
        if at > start && b.starts_with(b"---") && b.get(3).is_none_or(u8::is_ascii_whitespace) {
            out.push(Span::new(start, at));
            start = at;
        }
        at += line.len();
    }
    out.push(Span::new(start, text.len()));
    out
}

/// Whether a document needs the YAML tree: a quick line pass (the same
/// scanner used for text that does not parse) finds a secret, or a line with
/// a secret word whose value only the tree can read, or a `kind: Secret`.
/// Documents without any of these (most of a cluster dump) skip parsing.
pub(crate) fn worth_parsing(text: &str) -> bool {
    let mut scratch = Vec::new();
    let mut lines = LineScanner::new(text, &mut scratch, true);
    lines.scan(Span::new(0, text.len()));
    let needs_tree = lines.needs_tree;
    needs_tree || !scratch.is_empty()
}

/// The literal in a Helm `{{ .Values.x | default "literal" }}`: a template
/// is a placeholder, but its default value ships in the chart. Handles
/// `"…"`, `'…'` and `\"…\"` (inside a double-quoted YAML scalar).
fn template_default(text: &str, span: Span) -> Option<Span> {
    let value = &text[span.range()];
    if !value.contains("{{") {
        return None;
    }
    let at = value.find("default ")?;
    let rest = &value[at + "default ".len()..];
    let rest_trimmed = rest.trim_start();
    let mut start = span.start + at + "default ".len() + (rest.len() - rest_trimmed.len());
    let (open, close): (&str, &str) = if rest_trimmed.starts_with("\\\"") {
        ("\\\"", "\\\"")
    } else if rest_trimmed.starts_with('"') {
        ("\"", "\"")
    } else if rest_trimmed.starts_with('\'') {
        ("'", "'")
    } else {
        return None;
    };
    start += open.len();
    let len = text[start..span.end].find(close)?;
    let literal = Span::new(start, start + len);
    allow::keyed_value_is_secret(&text[literal.range()]).then_some(literal)
}

/// A literal secret inside or beside a template, under a secret key:
/// Helm's `default "lit"`, `{{ "lit" | b64enc }}`, shell's `${VAR:-lit}`,
/// and text outside the expressions (`{{ .Values.prefix }}Lantern-6610`).
/// The template itself stays, so the reader still sees where values come from.
fn template_literal(text: &str, span: Span) -> Option<Span> {
    if let Some(literal) = template_default(text, span) {
        return Some(literal);
    }
    let value = &text[span.range()];
    if !(value.contains("{{") || value.contains("${")) {
        return None;
    }
    let secret = |s: Span| allow::keyed_value_is_secret(&text[s.range()]).then_some(s);
    // `{{ "literal" | b64enc }}`
    if let Some(at) = value.find("{{") {
        let rest = &value[at + 2..];
        let trimmed = rest.trim_start_matches('-').trim_start();
        let open = at + 2 + (rest.len() - trimmed.len());
        let quote = if trimmed.starts_with("\\\"") {
            Some("\\\"")
        } else if trimmed.starts_with('"') {
            Some("\"")
        } else if trimmed.starts_with('\'') {
            Some("'")
        } else {
            None
        };
        if let Some(quote) = quote {
            let start = open + quote.len();
            if let Some(len) = value[start..].find(quote) {
                return secret(Span::new(span.start + start, span.start + start + len));
            }
        }
    }
    // `${VAR:-literal}` / `${VAR:=literal}`
    if let Some(at) = value.find("${")
        && let Some(close) = value[at..].find('}')
    {
        let inner = &value[at + 2..at + close];
        if let Some(d) = inner.find(":-").or_else(|| inner.find(":=")) {
            let start = at + 2 + d + 2;
            return secret(Span::new(span.start + start, span.start + at + close));
        }
    }
    // The longest piece outside `{{…}}` / `${…}`.
    let mut best = Span::empty(span.start);
    let mut at = 0;
    while at < value.len() {
        let next = [value[at..].find("{{"), value[at..].find("${")]
            .into_iter()
            .flatten()
            .min()
            .map_or(value.len(), |n| at + n);
        let piece = Span::new(span.start + at, span.start + next);
        if piece.len() > best.len() {
            best = piece;
        }
        let close = if value[next..].starts_with("{{") {
            "}}"
        } else {
            "}"
        };
        at = match value[next..].find(close) {
            Some(c) if next < value.len() => next + c + close.len(),
            _ => value.len(),
        };
    }
    let piece = &text[best.range()];
    let trimmed = piece.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | '-' | '_' | ':' | '/' | '.' | '@')
    });
    if trimmed.len() < 6 {
        return None;
    }
    let start = best.start + piece.find(trimmed).unwrap_or(0);
    secret(Span::new(start, start + trimmed.len()))
}

/// The value gate for a classified key: account ids are 12 digits (a
/// number, which the generic gate drops); everything else passes
/// [`allow::keyed_value_is_secret`].
fn value_passes(family: &str, value: &str) -> bool {
    if family == "AWS_ACCOUNT" {
        value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit())
    } else {
        allow::keyed_value_is_secret(value)
    }
}

/// Case-insensitive: does the line mention a word every secret-sounding key
/// contains? (A superset of [`classify_key`], so skipping on `false` is safe.)
fn has_secret_word(line: &str) -> bool {
    const WORDS: &[&[u8]] = &[
        b"pass",
        b"pwd",
        b"bindpw",
        b"secret",
        b"token",
        b"credential",
        b"key",
        b"auth",
        b"private",
        b"hmac",
        b"cookie",
        b"dsn",
        b"conn",
        b"account",
    ];
    let bytes = line.as_bytes();
    WORDS.iter().any(|w| {
        bytes
            .windows(w.len())
            .any(|window| window.eq_ignore_ascii_case(w))
    })
}

fn floor(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

const NOT_SECRET_SUFFIXES: &[&str] = &[
    "name",
    "names",
    "ref",
    "refs",
    "file",
    "files",
    "path",
    "paths",
    "id",
    "ids",
    "url",
    "uri",
    "urls",
    "endpoint",
    "length",
    "size",
    "ttl",
    "type",
    "types",
    "format",
    "algorithm",
    "algo",
    "policy",
    "policies",
    "enabled",
    "enable",
    "disabled",
    "mode",
    "version",
    "header",
    "headers",
    "field",
    "fields",
    "prefix",
    "suffix",
    "dir",
    "directory",
    "mount",
    "mountpath",
    "namespace",
    "expiry",
    "expiration",
    "expires",
    "seconds",
    "duration",
    "timeout",
    "interval",
    "period",
    "count",
    "label",
    "labels",
    "selector",
    "provider",
    "providers",
    "store",
    "location",
    "template",
    "source",
    "kind",
    "class",
    "audience",
    "audiences",
    "issuer",
    "lifetime",
    "validity",
    "max",
    "min",
    "limit",
    "retries",
    "port",
    "host",
    "hostname",
    "address",
    "email",
    "user",
    "username",
    "login",
    "owner",
    "group",
    "role",
    "bucket",
    "region",
    "zone",
    "project",
    "tenant",
    "domain",
    "realm",
    "cluster",
    "volume",
    "volumes",
    "secrets",
    "method",
    "methods",
    "scheme",
    "encoding",
    "required",
    "optional",
    "generate",
    "create",
    "managed",
    "immutable",
    "strategy",
    "rotation",
    "annotations",
    "key",
    "keys",
    "data",
    "env",
    "ca",
    "cert",
    "crt",
    "certificate",
    "pub",
    "public",
    "publickey",
    "hint",
    "usage",
    "usages",
    "scope",
    "scopes",
    "request",
    "requests",
    "review",
    "reviewer",
    "backend",
    "engine",
    "manager",
    "generator",
    "store",
    "config",
    "configuration",
    "properties",
    "sync",
    "hash",
    "hashes",
    "salt",
    "rounds",
    "policy",
    "complexity",
    "regex",
    "pattern",
    "format",
    "description",
    "help",
    "message",
    "text",
    "title",
    "annotation",
];

const NOT_SECRET_PREFIXES: &[&str] = &[
    "existing", "use", "is", "has", "enable", "disable", "show", "auto", "allow", "public",
];

/// Secret-sounding key → placeholder family; `None` for anything else.
///
/// The key is compared without case and punctuation (`DB_PASSWORD`,
/// `db.password`, `dbPassword` are one key). Keys that name, locate or
/// describe a secret (`passwordFile`, `secretName`, `tokenPath`,
/// `existingSecret`, `secretKeyRef`) are not secrets.
pub(crate) fn classify_key(key: &str) -> Option<&'static str> {
    // Fast reject without allocating: most keys (`name`, `image`, `port`)
    // contain none of the words below.
    if key.len() > 200 || !has_secret_word(key) {
        return None;
    }
    let lower = key.to_ascii_lowercase();
    // Annotations that name or hash a secret, never hold one: Helm's
    // `checksum/secret`, Vault agent's `vault.hashicorp.com/agent-inject-secret-db`
    // (a Vault path) and `…/role`.
    if lower.starts_with("checksum/") || lower.contains("vault.hashicorp.com/") {
        return None;
    }
    let norm: String = lower.chars().filter(char::is_ascii_alphanumeric).collect();
    if norm.is_empty() || norm.len() > 80 {
        return None;
    }
    let family = if norm.contains("secretaccesskey") || norm.contains("awssecretkey") {
        "AWS_SECRET_KEY"
    } else if norm.contains("sessiontoken") {
        "AWS_SESSION_TOKEN"
    } else if norm.ends_with("accountid") && (norm.contains("aws") || norm == "accountid") {
        "AWS_ACCOUNT"
    } else if norm.contains("accountkey") || norm.contains("storagekey") {
        "AZURE_STORAGE_KEY"
    } else if norm.contains("clientsecret") {
        "CLIENT_SECRET"
    } else if norm.contains("password")
        || norm.contains("passwd")
        || norm.contains("passphrase")
        || norm.ends_with("pass")
        || norm.ends_with("pwd")
        || norm == "requirepass"
        || norm == "masterauth"
        || norm == "bindpw"
    {
        "PASSWORD"
    } else if norm.contains("apikey")
        || norm.contains("routingkey")
        || norm.contains("integrationkey")
        || norm.contains("servicekey")
        || norm.contains("apptoken")
        || norm.contains("accesskey")
        || norm.contains("sdkkey")
        || norm.contains("licensekey")
        || norm.contains("writekey")
        || norm.contains("ingestkey")
        || norm.contains("appkey")
    {
        "API_KEY"
    } else if norm.contains("token") {
        "TOKEN"
    } else if norm.contains("privatekey")
        || norm.contains("signingkey")
        || norm.contains("encryptionkey")
        || norm.contains("masterkey")
        || norm.contains("hmac")
        || norm.contains("cookiesecret")
        || norm.contains("keydata")
        || norm.contains("jwtsecret")
        || has_key_extension(&lower)
    {
        "PRIVATE_KEY"
    } else if norm.contains("connectionstring") || norm.contains("connstr") || norm == "dsn" {
        "CONNECTION_STRING"
    } else if norm.contains("secret")
        || norm.contains("credential")
        || norm.contains("authkey")
        || norm.contains("cookie")
    {
        "SECRET"
    } else {
        return None;
    };
    // The suffix test runs on the normalised key, but only when the secret
    // word is not itself the suffix (`secretName` is a name, `clientSecret`
    // is not a `ret`).
    let exempt = family == "AWS_ACCOUNT" || has_key_extension(&lower);
    if !exempt
        && NOT_SECRET_SUFFIXES
            .iter()
            .any(|s| norm.ends_with(s) && !ends_with_secret_word(&norm, s))
    {
        return None;
    }
    // `isSecret`, `use_password`, `existingSecret`: switches and names.
    if NOT_SECRET_PREFIXES.iter().any(|p| {
        lower.starts_with(p)
            && key[p.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_uppercase() || matches!(c, '_' | '-' | '.'))
            || (*p == "existing" && lower.starts_with(p))
    }) {
        return None;
    }
    Some(family)
}

const WORDS: &[&str] = &[
    "apikey",
    "accesskey",
    "privatekey",
    "signingkey",
    "encryptionkey",
    "masterkey",
    "sdkkey",
    "licensekey",
    "writekey",
    "ingestkey",
    "appkey",
    "accountkey",
    "storagekey",
    "authkey",
    "secretkey",
    "routingkey",
    "integrationkey",
    "servicekey",
];

/// True when the suffix that matched is part of the secret word itself
/// (`apikey` ends with `key`, `bindpw`…).
fn ends_with_secret_word(norm: &str, suffix: &str) -> bool {
    (suffix == "key" && WORDS.iter().any(|w| norm.ends_with(w)))
        || (suffix == "data" && norm.ends_with("keydata"))
}

fn has_key_extension(lower: &str) -> bool {
    std::path::Path::new(lower)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("key"))
}

/// Keys below which values are references (`secretKeyRef`, `valueFrom`, …).
fn is_reference_key(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    lower.ends_with("ref")
        || lower.ends_with("refs")
        || lower == "valuefrom"
        || lower == "envfrom"
        || lower == "from"
}

/// The bytes of a scalar's content: inside quotes, without a block
/// scalar's header and trailing newlines.
fn content_span(text: &str, node: NodeRef<'_>) -> Option<Span> {
    let (_, style) = node.as_scalar()?;
    let span = node.span();
    if span.end > text.len() || span.start > span.end {
        return None;
    }
    let span = match style {
        ScalarStyle::Plain => span,
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            if span.len() < 2 {
                return None;
            }
            Span::new(span.start + 1, span.end - 1)
        }
        ScalarStyle::Literal | ScalarStyle::Folded => {
            let raw = &text[span.range()];
            Span::new(span.start, span.start + raw.trim_end().len())
        }
    };
    (text.is_char_boundary(span.start) && text.is_char_boundary(span.end)).then_some(span)
}

struct Walker<'t, 'o> {
    text: &'t str,
    out: &'o mut Vec<Candidate>,
}

impl Walker<'_, '_> {
    fn push(&mut self, span: Span, rule: &'static str, family: &'static str, scalar: Span) {
        self.out.push(Candidate {
            span,
            rule,
            family,
            priority: KEYED_PRIORITY,
            encoding: Encoding::Plain,
            identity: None,
            scalar: Some(scalar),
        });
    }

    fn node(&mut self, node: NodeRef<'_>, key: Option<&str>, in_ref: bool) {
        if node.is_alias() {
            return; // walked where the anchor is defined
        }
        match node.kind() {
            NodeKind::Mapping { .. } => self.mapping(node, in_ref),
            NodeKind::Sequence { .. } => self.sequence(node, in_ref),
            NodeKind::Scalar { .. } => self.scalar(node, key, in_ref),
            NodeKind::Alias(_) => {}
        }
    }

    fn mapping(&mut self, node: NodeRef<'_>, in_ref: bool) {
        let is_secret = node.get_str("kind") == Some("Secret");
        // `- name: DB_PASSWORD` / `value: …` (env, Argo CD parameters).
        let mut pair_value = None;
        if let (Some(name), Some(value)) = (node.get_str("name"), node.get("value"))
            && !in_ref
            && !value.is_alias()
            && let Some(family) = classify_key(name)
        {
            pair_value = Some(value.id());
            self.keyed(value, family, "env-secret");
        }
        for (k, v) in node.entries() {
            if pair_value == Some(v.id()) {
                continue;
            }
            let key = k.as_str();
            match key {
                Some("data" | "binaryData") if is_secret && v.is_mapping() => {
                    for (dk, dv) in v.entries() {
                        self.secret_data(dk.as_str().unwrap_or(""), dv);
                    }
                }
                Some("stringData") if is_secret && v.is_mapping() => {
                    for (dk, dv) in v.entries() {
                        self.string_data(dk.as_str().unwrap_or(""), dv);
                    }
                }
                _ => {
                    let child_ref = in_ref || key.is_some_and(is_reference_key);
                    self.node(v, key, child_ref);
                }
            }
        }
    }

    fn sequence(&mut self, node: NodeRef<'_>, in_ref: bool) {
        let items: Vec<NodeRef<'_>> = node.items().collect();
        let mut skip_next = false;
        for (index, item) in items.iter().enumerate() {
            if std::mem::take(&mut skip_next) || item.is_alias() {
                continue;
            }
            // `args: ["--requirepass", "hunter2"]`
            if let Some(flag) = item.as_str()
                && let Some(name) = flag.strip_prefix('-')
                && !name.contains(['=', ' '])
                && let Some(family) = classify_key(name.trim_start_matches('-'))
                && let Some(next) = items.get(index + 1)
                && next.as_str().is_some_and(|v| !v.starts_with('-'))
                && !next.is_alias()
            {
                self.keyed(*next, family, "cli-arg-secret");
                skip_next = true;
                continue;
            }
            self.node(*item, None, in_ref);
        }
    }

    fn scalar(&mut self, node: NodeRef<'_>, key: Option<&str>, in_ref: bool) {
        let Some((value, _)) = node.as_scalar() else {
            return;
        };
        if !in_ref
            && let Some(key) = key
            && let Some(family) = classify_key(key)
        {
            self.keyed(node, family, "keyed-secret");
            return;
        }
        let Some(content) = content_span(self.text, node) else {
            return;
        };
        let mut lines = LineScanner::new(self.text, self.out, false);
        // A plain scalar folds its lines (`.env` text pasted as YAML is one
        // scalar): scan the source lines, as in a `|` block.
        if value.contains('\n') || self.text[content.range()].contains('\n') {
            lines.scan(content);
        } else if (value.contains('=') || value.contains('-')) && !in_ref {
            lines.line(content);
        }
    }

    /// A value under a secret-sounding key: redact it whole, unless it is
    /// multi-line text (then look inside) or an anchored rule owns it.
    fn keyed(&mut self, node: NodeRef<'_>, family: &'static str, rule: &'static str) {
        let Some((value, _)) = node.as_scalar() else {
            if !node.is_alias() {
                self.node(node, None, false);
            }
            return;
        };
        let Some(content) = content_span(self.text, node) else {
            return;
        };
        if value.contains("PRIVATE KEY-----") {
            return; // the PEM rule keeps the BEGIN/END lines
        }
        if family == "AWS_ACCOUNT"
            && !(value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()))
        {
            return;
        }
        // Look inside first: a DSN or URI under a secret key keeps its host.
        let mut inner = Vec::new();
        if value.contains('\n') && !allow::is_public_material(value) {
            LineScanner::new(self.text, &mut inner, false).scan(content);
        }
        scan_rules_in(self.text, content, &mut inner);
        if !inner.is_empty() {
            self.out.extend(inner);
            return;
        }
        if let Some(literal) = template_literal(self.text, content) {
            self.push(literal, rule, family, node.span());
            return;
        }
        if family != "AWS_ACCOUNT" && !allow::keyed_value_is_secret(value) {
            return;
        }
        self.push(content, rule, family, node.span());
    }

    fn secret_data(&mut self, key: &str, node: NodeRef<'_>) {
        if node.is_alias() {
            return;
        }
        let Some(content) = content_span(self.text, node) else {
            return;
        };
        let raw = &self.text[content.range()];
        if allow::is_placeholder(raw) {
            return;
        }
        let Some(decoded) = decode_base64(raw) else {
            // Not base64 (invalid Secret, or a template): treat as keyed.
            if allow::keyed_value_is_secret(raw) {
                self.push(content, "secret-data", "SECRET_DATA", node.span());
            }
            return;
        };
        let plain = String::from_utf8(decoded).ok();
        if let Some(plain) = &plain
            && (plain.trim().is_empty()
                || allow::is_public_material(plain)
                || plain.contains("__REDACTED_")
                || (allow::is_placeholder(plain)
                    && !plain.contains('\n')
                    && !plain.starts_with('{'))
                || (is_descriptive_key(key) && classify_key(key).is_none() && {
                    let mut inner = Vec::new();
                    scan_rules_in(plain, Span::new(0, plain.len()), &mut inner);
                    inner.is_empty()
                }))
        {
            return;
        }
        let family = data_family(key, plain.as_deref());
        self.out.push(Candidate {
            span: content,
            rule: "secret-data",
            family,
            priority: DATA_PRIORITY,
            encoding: Encoding::Base64,
            identity: plain.or_else(|| Some(raw.to_string())),
            scalar: Some(node.span()),
        });
    }

    fn string_data(&mut self, key: &str, node: NodeRef<'_>) {
        if node.is_alias() {
            return;
        }
        let Some((value, _)) = node.as_scalar() else {
            return;
        };
        let Some(content) = content_span(self.text, node) else {
            return;
        };
        let multi_line = value.contains('\n');
        if value.trim().is_empty()
            || allow::is_public_material(value)
            || (!multi_line && allow::is_placeholder(value))
            || value.contains("PRIVATE KEY-----")
        {
            return;
        }
        let mut inner = Vec::new();
        if value.contains('\n') {
            LineScanner::new(self.text, &mut inner, false).scan(content);
        }
        scan_rules_in(self.text, content, &mut inner);
        if !inner.is_empty() {
            self.out.extend(inner);
            return;
        }
        if is_descriptive_key(key) && classify_key(key).is_none() {
            return; // `username`, `url`, `host`: tolerated, and useful to the reader
        }
        if multi_line || allow::keyed_value_is_secret(value) {
            let family = data_family(key, Some(value));
            self.push(content, "secret-string-data", family, node.span());
        }
    }
}

/// Secret keys whose values describe where or who, not how to get in:
/// `username`, `url`, `host`, `port`, `namespace`, `orgId`, `publicApiKey`.
/// Kept in Secrets (tolerated) unless an anchored rule fires inside.
fn is_descriptive_key(key: &str) -> bool {
    const SUFFIXES: &[&str] = &[
        "id",
        "url",
        "uri",
        "name",
        "user",
        "username",
        "login",
        "host",
        "hostname",
        "port",
        "server",
        "endpoint",
        "region",
        "zone",
        "email",
        "type",
        "namespace",
        "project",
        "database",
        "db",
        "dbname",
        "insecure",
        "scheme",
        "protocol",
        "address",
        "sslmode",
        "bucket",
        "path",
    ];
    let norm: String = key
        .to_ascii_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    norm.starts_with("public") || SUFFIXES.iter().any(|s| norm.ends_with(s))
}

/// Names the family of a Secret value from its key and decoded content.
fn data_family(key: &str, plain: Option<&str>) -> &'static str {
    let lower = key.to_ascii_lowercase();
    if lower == ".dockerconfigjson" || lower == ".dockercfg" {
        return "DOCKERCONFIG";
    }
    if let Some(plain) = plain {
        if plain.contains("PRIVATE KEY-----") {
            return if lower.ends_with("tls.key") {
                "TLS_KEY"
            } else {
                "PRIVATE_KEY"
            };
        }
        let mut found = Vec::new();
        scan_rules_in(plain, Span::new(0, plain.len()), &mut found);
        if let Some(first) = found.iter().min_by_key(|c| c.priority) {
            return first.family;
        }
    }
    classify_key(key).unwrap_or("SECRET_DATA")
}

/// Line-oriented scanning for text that is not (or not only) YAML.
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent per-line states of one scanner"
)]
struct LineScanner<'t, 'o> {
    text: &'t str,
    out: &'o mut Vec<Candidate>,
    /// Track `kind: Secret` `data:` blocks (for text that does not parse).
    yaml_state: bool,
    is_secret: bool,
    /// Indentation of an open `data:`/`stringData:` key, and whether base64.
    data_block: Option<(usize, bool)>,
    /// An env-style `name:` seen on a recent line, with its family.
    pending_name: Option<(&'static str, usize)>,
    /// Prose (comments): the key is the last word before `:` or `=`.
    loose: bool,
    /// Set when a line may hold a secret that only the YAML tree can see
    /// (multi-line or flow values under secret words, a Secret document).
    needs_tree: bool,
}

impl<'t, 'o> LineScanner<'t, 'o> {
    fn new(text: &'t str, out: &'o mut Vec<Candidate>, yaml_state: bool) -> Self {
        Self {
            text,
            out,
            yaml_state,
            is_secret: false,
            data_block: None,
            pending_name: None,
            loose: false,
            needs_tree: false,
        }
    }

    fn push(&mut self, span: Span, rule: &'static str, family: &'static str, encoding: Encoding) {
        if span.is_empty() {
            return;
        }
        let identity = if encoding == Encoding::Base64 {
            decode_base64(&self.text[span.range()]).and_then(|d| String::from_utf8(d).ok())
        } else {
            None
        };
        self.out.push(Candidate {
            span,
            rule,
            family,
            priority: if encoding == Encoding::Base64 {
                DATA_PRIORITY
            } else {
                KEYED_PRIORITY
            },
            encoding,
            identity,
            scalar: None,
        });
    }

    fn scan(&mut self, span: Span) {
        let mut start = span.start;
        for line in self.text[span.range()].split_inclusive('\n') {
            let end = start + line.trim_end_matches(['\n', '\r']).len();
            self.line(Span::new(start, end));
            start += line.len();
        }
    }

    fn line(&mut self, line: Span) {
        let raw = &self.text[line.range()];
        let indent = raw.len() - raw.trim_start().len();
        let body_start = line.start + indent;
        let mut body = &self.text[body_start..line.end];
        if body.is_empty() {
            return;
        }
        if self.yaml_state {
            if body == "---" || body.starts_with("--- ") {
                self.is_secret = false;
                self.data_block = None;
                self.pending_name = None;
                return;
            }
            if let Some((block_indent, _)) = self.data_block
                && indent <= block_indent
            {
                self.data_block = None;
            }
            if let Some(kind) = body.strip_prefix("kind:") {
                self.is_secret = kind.trim().trim_matches(['"', '\'']) == "Secret";
                self.needs_tree |= self.is_secret;
            }
        }
        // `- name: X` then `value: Y` (list marker stripped below).
        let mut offset = body_start;
        if let Some(rest) = body.strip_prefix("- ") {
            offset += 2;
            body = rest.trim_start();
            offset += rest.len() - body.len();
        }
        if body.starts_with("export ") {
            offset += 7;
        }
        if self.json_pairs(Span::new(offset, line.end)) {
            return;
        }
        if self.xml_pair(Span::new(offset, line.end)) {
            return;
        }
        let Some((key, value)) =
            split_key_value(self.text, Span::new(offset, line.end)).or_else(|| {
                self.loose
                    .then(|| loose_key_value(self.text, Span::new(offset, line.end)))
                    .flatten()
            })
        else {
            self.needs_tree |= has_secret_word(&self.text[offset..line.end]);
            self.cli(Span::new(offset, line.end));
            return;
        };
        let key_text = self.text[key.range()].trim_matches(['"', '\'']);
        // A flow, block, quoted multi-line or alias value: the tree decides.
        if value.is_empty()
            && !self.text[value.start..line.end].trim().is_empty()
            && has_secret_word(&self.text[offset..line.end])
        {
            self.needs_tree = true;
        }
        if self.yaml_state && value.is_empty() && self.is_secret {
            match key_text {
                "data" | "binaryData" => self.data_block = Some((indent, true)),
                "stringData" => self.data_block = Some((indent, false)),
                _ => {}
            }
            return;
        }
        let value_text = &self.text[value.range()];
        if let Some((_, base64)) = self.data_block
            && indent > self.data_block.map_or(0, |b| b.0)
        {
            if !base64 && let Some(literal) = template_literal(self.text, value) {
                let family = classify_key(key_text).unwrap_or("SECRET_DATA");
                self.push(literal, "secret-string-data", family, Encoding::Plain);
            } else if !allow::is_placeholder(value_text) && !allow::is_public_material(value_text) {
                if base64 {
                    if decode_base64(value_text).is_some_and(|d| {
                        !String::from_utf8_lossy(&d).contains("CERTIFICATE")
                            && !String::from_utf8_lossy(&d).contains("__REDACTED_")
                    }) {
                        self.push(value, "secret-data", "SECRET_DATA", Encoding::Base64);
                    }
                } else if allow::keyed_value_is_secret(value_text) {
                    let family = classify_key(key_text).unwrap_or("SECRET_DATA");
                    self.push(value, "secret-string-data", family, Encoding::Plain);
                }
            }
            return;
        }
        if key_text == "name" {
            self.pending_name = classify_key(value_text.trim_matches(['"', '\'']))
                .map(|family| (family, line.start));
            return;
        }
        if key_text == "value"
            && let Some((family, _)) = self.pending_name.take()
        {
            self.needs_tree |= value.is_empty();
            if let Some(literal) = template_literal(self.text, value) {
                self.push(literal, "env-secret", family, Encoding::Plain);
            } else if value_passes(family, value_text) {
                self.push(value, "env-secret", family, Encoding::Plain);
            }
            return;
        }
        if let Some(family) = classify_key(key_text) {
            self.needs_tree |= value.is_empty();
            if let Some(literal) = template_literal(self.text, value) {
                self.push(literal, "config-line-secret", family, Encoding::Plain);
            } else if value_passes(family, value_text) && !value_text.contains("PRIVATE KEY-----") {
                self.push(value, "config-line-secret", family, Encoding::Plain);
            }
            return;
        }
        self.cli(Span::new(offset, line.end));
    }

    /// `"key": "value"` pairs anywhere on the line (JSON, last-applied
    /// annotations). Returns true when the line had any such pair.
    fn json_pairs(&mut self, line: Span) -> bool {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut strings = Vec::new();
        let mut i = line.start;
        while i < line.end {
            if bytes[i] == b'"' {
                let start = i + 1;
                let mut j = start;
                while j < line.end && bytes[j] != b'"' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                if j >= line.end {
                    break;
                }
                strings.push(Span::new(start, j));
                i = j + 1;
            } else {
                i += 1;
            }
        }
        let mut any = false;
        for pair in strings.windows(2) {
            let between = &text[pair[0].end + 1..pair[1].start - 1];
            if between.trim() != ":" {
                continue;
            }
            any = true;
            let key = &text[pair[0].range()];
            let value = &text[pair[1].range()];
            if let Some(family) = classify_key(key)
                && allow::keyed_value_is_secret(value)
                && !value.contains("PRIVATE KEY-----")
            {
                self.push(pair[1], "config-line-secret", family, Encoding::Plain);
            }
        }
        any
    }

    /// `<password>value</password>`.
    fn xml_pair(&mut self, line: Span) -> bool {
        let body = &self.text[line.range()];
        let Some(rest) = body.strip_prefix('<') else {
            return false;
        };
        let Some(close) = rest.find('>') else {
            return false;
        };
        let tag = &rest[..close];
        if tag.is_empty()
            || !tag
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        {
            return false;
        }
        let value_start = 1 + close + 1;
        let end_tag = format!("</{tag}>");
        let Some(value_len) = body[value_start..].find(&end_tag) else {
            return false;
        };
        let value = &body[value_start..value_start + value_len];
        if let Some(family) = classify_key(tag)
            && allow::keyed_value_is_secret(value)
        {
            let start = line.start + value_start;
            self.push(
                Span::new(start, start + value_len),
                "config-line-secret",
                family,
                Encoding::Plain,
            );
        }
        true
    }

    /// `--password x`, `--token=x`, `-requirepass x` in a command line.
    fn cli(&mut self, line: Span) {
        let text = self.text;
        let body = &text[line.range()];
        if !body.contains('-') {
            return;
        }
        let mut words = Vec::new();
        let mut start = None;
        for (i, c) in body.char_indices() {
            if c.is_whitespace() {
                if let Some(s) = start.take() {
                    words.push(Span::new(line.start + s, line.start + i));
                }
            } else if start.is_none() {
                start = Some(i);
            }
        }
        if let Some(s) = start {
            words.push(Span::new(line.start + s, line.end));
        }
        for (index, word) in words.iter().enumerate() {
            let w = &text[word.range()];
            let Some(flag) = w.strip_prefix('-') else {
                continue;
            };
            let flag = flag.trim_start_matches('-');
            let (name, value) = match flag.find('=') {
                Some(eq) => {
                    let value_start = word.end - (flag.len() - eq - 1);
                    (&flag[..eq], Span::new(value_start, word.end))
                }
                None => match words.get(index + 1) {
                    Some(next) if !text[next.range()].starts_with('-') => (flag, *next),
                    _ => continue,
                },
            };
            // `--from-literal=api-token=value`: the key is inside the value.
            let (name, value) = if name == "from-literal"
                && let Some(eq) = text[value.range()].find('=')
            {
                (
                    &text[value.start..value.start + eq],
                    Span::new(value.start + eq + 1, value.end),
                )
            } else {
                (name, value)
            };
            if name.len() < 3 {
                continue;
            }
            let Some(family) = classify_key(name) else {
                continue;
            };
            let value = strip_quotes(text, value);
            let value_text = &text[value.range()];
            if allow::keyed_value_is_secret(value_text) {
                self.push(value, "cli-arg-secret", family, Encoding::Plain);
            }
        }
    }
}

/// Splits `key: value`, `key=value`, `key = "value"` into key and value
/// spans (value without quotes, trailing comment or separator).
fn split_key_value(text: &str, line: Span) -> Option<(Span, Span)> {
    let body = &text[line.range()];
    let bytes = body.as_bytes();
    let mut key_end = None;
    let mut value_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b':' if bytes.get(i + 1).is_none_or(|&n| n == b' ' || n == b'\t') => {
                key_end = Some(i);
                value_start = i + 1;
                break;
            }
            b'=' => {
                key_end = Some(i);
                value_start = i + 1;
                break;
            }
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'.' | b'"' | b'\'' | b'/' => {}
            b' ' | b'\t'
                if bytes[i + 1..].iter().find(|&&c| c != b' ' && c != b'\t') == Some(&b'=') => {}
            _ => return None,
        }
    }
    let key_end = key_end?;
    let key = body[..key_end].trim_end();
    if key.is_empty() {
        return None;
    }
    let mut value = &body[value_start..];
    let lead = value.len() - value.trim_start().len();
    value = value.trim_start();
    let mut start = line.start + value_start + lead;
    // Drop a trailing comment (` #…`) and separators.
    if value.starts_with('#') {
        value = "";
    }
    if let Some(hash) = value.find(" #") {
        value = &value[..hash];
    }
    value = value.trim_end().trim_end_matches([',', ';']);
    let mut end = start + value.len();
    if value.len() >= 2
        && (value.starts_with('"') && value.ends_with('"')
            || value.starts_with('\'') && value.ends_with('\''))
    {
        start += 1;
        end -= 1;
    } else if value.starts_with(['"', '\'', '|', '>', '{', '[', '&', '*', '!'])
        && !value.starts_with("{{")
    {
        return Some((
            Span::new(line.start, line.start + key.len()),
            Span::empty(start),
        ));
    }
    Some((
        Span::new(line.start, line.start + key.len()),
        Span::new(start, end),
    ))
}

/// In prose: `old admin password: hunter2` → (`password`, `hunter2`). The
/// key is the last word before the first `: ` or `=`, the value the next word.
fn loose_key_value(text: &str, line: Span) -> Option<(Span, Span)> {
    let body = &text[line.range()];
    let (sep, width) = match (body.find(": "), body.find('=')) {
        (Some(c), Some(e)) if e < c => (e, 1),
        (Some(c), _) => (c, 2),
        (None, Some(e)) => (e, 1),
        (None, None) => return None,
    };
    let before = body[..sep].trim_end();
    let key_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let rest = &body[sep + width..];
    let value_start = sep + width + (rest.len() - rest.trim_start().len());
    let value_len = body[value_start..]
        .find(char::is_whitespace)
        .unwrap_or(body.len() - value_start);
    let key = Span::new(line.start + key_start, line.start + before.len());
    let value = strip_quotes(
        text,
        Span::new(
            line.start + value_start,
            line.start + value_start + value_len,
        ),
    );
    (!key.is_empty()).then_some((key, value))
}

fn strip_quotes(text: &str, span: Span) -> Span {
    let v = &text[span.range()];
    if v.len() >= 2
        && (v.starts_with('"') && v.ends_with('"') || v.starts_with('\'') && v.ends_with('\''))
    {
        Span::new(span.start + 1, span.end - 1)
    } else {
        span
    }
}

/// The shape of a document: collection kinds, sizes and keys, scalar count.
/// Redaction must leave it unchanged.
fn fingerprint(doc: &Document) -> String {
    fn walk(node: NodeRef<'_>, out: &mut String, depth: usize) {
        if depth > 256 {
            return;
        }
        match node.kind() {
            NodeKind::Mapping { entries, .. } => {
                out.push_str(&format!("{{{}", entries.len()));
                for (k, v) in node.entries() {
                    match k.as_str() {
                        Some(key) => {
                            out.push_str(key);
                            out.push('\u{1}');
                        }
                        None => walk(k, out, depth + 1),
                    }
                    walk(v, out, depth + 1);
                }
                out.push('}');
            }
            NodeKind::Sequence { items, .. } => {
                out.push_str(&format!("[{}", items.len()));
                for item in node.items() {
                    walk(item, out, depth + 1);
                }
                out.push(']');
            }
            NodeKind::Scalar { .. } => out.push('s'),
            NodeKind::Alias(_) => out.push('*'),
        }
    }
    let mut out = String::new();
    if let Some(root) = doc.root() {
        walk(root, &mut out, 0);
    }
    out
}

fn shape(text: &str) -> Option<Vec<String>> {
    let stream = parse(text, &Limits::default()).ok()?;
    if !stream.errors.is_empty() {
        return None;
    }
    Some(stream.documents.iter().map(fingerprint).collect())
}

fn apply_local(slice: &str, base: usize, planned: &[&Planned]) -> String {
    let mut out = String::with_capacity(slice.len());
    let mut at = 0;
    for p in planned {
        let span = p.candidate.span;
        out.push_str(&slice[at..span.start - base]);
        out.push_str(&p.content);
        at = span.end - base;
    }
    out.push_str(&slice[at..]);
    out
}

/// Re-parses every edited document and compares its shape with the
/// original. An edit that changes it is widened to its whole scalar (the
/// structure-safe form) and noted.
pub(crate) fn check_structure(
    text: &str,
    documents: &[Span],
    planned: &mut [Planned],
    vault: &mut Vault,
    existing: &super::vault::Existing<'_>,
) {
    for doc in documents {
        let span = Span::new(floor(text, doc.start), floor(text, doc.end));
        let first = planned.partition_point(|p| p.candidate.span.start < span.start);
        let last = planned.partition_point(|p| p.candidate.span.end <= span.end);
        if first >= last {
            continue;
        }
        let slice = &text[span.range()];
        let Some(before) = shape(slice) else {
            continue;
        };
        let edits: Vec<&Planned> = planned[first..last].iter().collect();
        if shape(&apply_local(slice, span.start, &edits)).as_ref() == Some(&before) {
            continue;
        }
        for p in &mut planned[first..last] {
            if shape(&apply_local(slice, span.start, &[&*p])).as_ref() == Some(&before) {
                continue;
            }
            let scalar = p.candidate.scalar.or_else(|| {
                enclosing_scalar(
                    slice,
                    Span::new(
                        p.candidate.span.start - span.start,
                        p.candidate.span.end - span.start,
                    ),
                )
                .map(|s| Span::new(s.start + span.start, s.end + span.start))
            });
            if let Some(scalar) = scalar
                && span.contains(scalar)
                && scalar.contains(p.candidate.span)
            {
                let original = &text[scalar.range()];
                let (placeholder, content) = vault.assign(
                    original,
                    p.candidate.family,
                    original,
                    Encoding::Plain,
                    existing,
                );
                p.candidate.span = scalar;
                p.candidate.encoding = Encoding::Plain;
                p.placeholder = placeholder;
                p.content = content;
                p.note = Some("replaced the whole value to keep the YAML structure");
            } else {
                p.note = Some("the YAML structure may have changed here");
            }
        }
    }
}

/// The innermost scalar node of `text` whose span contains `span`.
fn enclosing_scalar(text: &str, span: Span) -> Option<Span> {
    let stream = parse(text, &Limits::default()).ok()?;
    stream
        .documents
        .iter()
        .flat_map(|doc| doc.nodes.iter())
        .filter(|n| matches!(n.kind, NodeKind::Scalar { .. }) && n.span.contains(span))
        .map(|n| n.span)
        .min_by_key(|s| s.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_classifier() {
        for key in [
            "password",
            "DB_PASSWORD",
            "postgresPassword",
            "admin.password",
            "client_secret",
            "apiKey",
            "AWS_SECRET_ACCESS_KEY",
            "GITHUB_TOKEN",
            "requirepass",
            "userPassword",
            "tls.key",
            "cookie-secret",
        ] {
            assert!(classify_key(key).is_some(), "{key}");
        }
        for key in [
            "passwordFile",
            "secretName",
            "existingSecret",
            "secretKeyRef",
            "tokenPath",
            "credentialName",
            "usePassword",
            "token_url",
            "secretRef",
            "name",
            "port",
            "key",
        ] {
            assert!(classify_key(key).is_none(), "{key}");
        }
    }

    #[test]
    fn helm_default_literals_are_secrets() {
        let text = r#"{{ .Values.db.password | default "Orchid-2294" | quote }}"#;
        let literal = template_default(text, Span::new(0, text.len())).unwrap();
        assert_eq!(literal.slice(text), "Orchid-2294");
        let text = r#"{{ .Values.db.password | default \"Orchid-2294\" }}"#;
        let literal = template_default(text, Span::new(0, text.len())).unwrap();
        assert_eq!(literal.slice(text), "Orchid-2294");
        let text = r#"{{ .Values.db.password | default "" }}"#;
        assert!(template_default(text, Span::new(0, text.len())).is_none());
        let text = r#"{{ .Values.db.password | default "changeme" }}"#;
        assert!(template_default(text, Span::new(0, text.len())).is_none());
    }

    #[test]
    fn key_value_split() {
        let text = "DB_PASSWORD=\"hunter2\" # prod";
        let (k, v) = split_key_value(text, Span::new(0, text.len())).unwrap();
        assert_eq!((k.slice(text), v.slice(text)), ("DB_PASSWORD", "hunter2"));
        let text = "spring.datasource.password = s3cret";
        let (_, v) = split_key_value(text, Span::new(0, text.len())).unwrap();
        assert_eq!(v.slice(text), "s3cret");
        let text = "image: nginx:1.25";
        let (_, v) = split_key_value(text, Span::new(0, text.len())).unwrap();
        assert_eq!(v.slice(text), "nginx:1.25");
    }
}

#[cfg(test)]
mod structure_tests {
    use super::*;
    use crate::model::SourceFile;
    use crate::redact::vault::existing_tokens;
    use crate::redact::{Candidate, Encoding, KEYED_PRIORITY, Planned};

    #[test]
    fn an_edit_that_changes_the_shape_is_widened_to_its_scalar_and_noted() {
        let text = "a: x1 y\nb: 2\n";
        let files: [SourceFile; 0] = [];
        let existing = existing_tokens(&files);
        let mut vault = Vault::default();
        // Simulate a replacement that would turn the plain scalar into a mapping.
        let mut planned = [Planned {
            candidate: Candidate {
                span: Span::new(3, 5),
                rule: "keyed-secret",
                family: "PASSWORD",
                priority: KEYED_PRIORITY,
                encoding: Encoding::Plain,
                identity: None,
                scalar: None,
            },
            placeholder: "t".into(),
            content: "k: v".into(),
            note: None,
        }];
        check_structure(text, &documents(text), &mut planned, &mut vault, &existing);
        let p = &planned[0];
        assert_eq!(p.candidate.span, Span::new(3, 7));
        assert_eq!(p.content, "__REDACTED_PASSWORD_1__");
        assert!(p.note.is_some());
    }
}
