//! The allowlist: values that look like secrets but are not. Applied to the
//! captured value only, never to the line, so one placeholder on a line does
//! not hide a real secret next to it.

const PLACEHOLDER_WORDS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "changeit",
    "change_it",
    "replace_me",
    "replaceme",
    "replace-me",
    "replace_with",
    "replace-with",
    "your_",
    "your-",
    "yourpassword",
    "yoursecret",
    "yourtoken",
    "example",
    "dummy",
    "placeholder",
    "redacted",
    "****",
    "....",
    "todo",
    "fixme",
    "sample",
    "insert_",
    "insert-",
    "set_me",
    "set-me",
    "notasecret",
    "not-a-secret",
    "not_a_secret",
    "fake",
    "not_a_real",
    "not-a-real",
    "notareal",
    "not_real",
    "not-real",
];

const EXACT: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "secret",
    "secrets",
    "token",
    "apikey",
    "api_key",
    "key",
    "admin",
    "root",
    "test",
    "testing",
    "none",
    "null",
    "nil",
    "empty",
    "default",
    "string",
    "value",
    "undefined",
    "unset",
    "foo",
    "bar",
    "foobar",
    "baz",
    "qux",
    "tbd",
    "n/a",
    "na",
    "guest",
    "user",
    "username",
    "required",
    "optional",
    "generated",
    "random",
    "auto",
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "~",
    "-",
    "*",
    "enabled",
    "disabled",
];

/// Placeholders, templates and variable references: `${VAR}`, `$(VAR)`,
/// `{{ .Values.x }}`, `<your-key>`, `changeme`, `REPLACE_ME`, `***`,
/// `…EXAMPLE`, our own `__REDACTED_…__` tokens.
pub(crate) fn is_placeholder(value: &str) -> bool {
    let v = value.trim().trim_matches(|c| c == '"' || c == '\'');
    if v.is_empty() {
        return true;
    }
    if v.contains("__REDACTED_") || v.contains("X19SRURBQ1RF") {
        return true;
    }
    if ["${", "$(", "<%", "%{", "#{", "@@"]
        .iter()
        .any(|m| v.contains(m))
    {
        return true;
    }
    // `{{ … }}` only when it closes: `m{{h}…` is a password with braces.
    if let Some(at) = v.find("{{")
        && v[at..].contains("}}")
    {
        return true;
    }
    // `$1` (a script's positional argument), `[PASSWORD]` (a doc's blank).
    if let Some(rest) = v.strip_prefix('$')
        && !rest.is_empty()
        && rest.bytes().all(|b| b.is_ascii_digit())
    {
        return true;
    }
    if let Some(inner) = v.strip_prefix('[').and_then(|r| r.strip_suffix(']'))
        && !inner.is_empty()
        && inner
            .bytes()
            .all(|b| b.is_ascii_uppercase() || matches!(b, b'_' | b'-' | b' '))
    {
        return true;
    }
    if v.contains('<') && v.contains('>') {
        return true;
    }
    let bytes = v.as_bytes();
    // `$VAR`, `%VAR%`, `@VAR@`
    if let Some(rest) = v.strip_prefix('$')
        && is_identifier(rest)
    {
        return true;
    }
    for delim in ['%', '@'] {
        if let Some(inner) = v.strip_prefix(delim).and_then(|r| r.strip_suffix(delim))
            && is_identifier(inner)
        {
            return true;
        }
    }
    // One repeated character: `xxxxxx`, `******`, `000000`.
    if bytes.len() >= 3 && bytes.iter().all(|&b| b == bytes[0]) {
        return true;
    }
    // SOPS ciphertext: `ENC[AES256_GCM,data:…,iv:…,tag:…,type:str]`.
    if v.starts_with("ENC[") && v.ends_with(']') {
        return true;
    }
    if has_filler_tail(v) {
        return true;
    }
    if v.ends_with("EXAMPLE") || v.ends_with("EXAMPLEKEY") {
        return true;
    }
    // `xxxx`/`XXXX` as typed filler; `Xxxx` inside a random token is chance.
    if v.contains("xxxx") || v.contains("XXXX") {
        return true;
    }
    // Terraform references: `var.db_password`, `local.creds`, `module.db.pw`.
    if let Some((head, rest)) = v.split_once('.')
        && matches!(head, "var" | "local" | "module" | "data")
        && rest.split('.').all(is_identifier)
    {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    if EXACT.contains(&lower.as_str()) {
        return true;
    }
    is_sequential(&lower)
}

/// A vendor prefix followed by filler: `sk_live_AAAAAAAAAAAAAAAA`,
/// `glc_1111…`, `ghp_0123456789abcdef…`. The tail (after the last `_`, `-`
/// or `.` in the first 20 bytes) is one repeated character for at least half
/// its length, or repeats a pattern of at most 10 characters three times. Random tokens
/// never look like this; PEM bodies (runs of `A`) are longer than 256 bytes.
fn has_filler_tail(v: &str) -> bool {
    if v.len() > 256 {
        return false;
    }
    let head = &v.as_bytes()[..v.len().min(20)];
    let cut = head
        .iter()
        .rposition(|&b| matches!(b, b'_' | b'-' | b'.'))
        .map_or(0, |i| i + 1);
    let tail = &v.as_bytes()[cut..];
    if tail.len() < 12 {
        return false;
    }
    let mut longest = 1;
    let mut run = 1;
    for w in tail.windows(2) {
        run = if w[0] == w[1] { run + 1 } else { 1 };
        longest = longest.max(run);
    }
    if longest * 2 >= tail.len() {
        return true;
    }
    let periodic =
        (1..=10).any(|p| tail.len() >= 3 * p && tail.iter().skip(p).zip(tail).all(|(a, b)| a == b));
    periodic || is_sequential(&String::from_utf8_lossy(tail).to_ascii_lowercase())
}

/// `abcdef…`, `123456…`: keyboard-walk placeholders.
fn is_sequential(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() >= 6 && b.windows(2).all(|w| w[1] == w[0].wrapping_add(1))
}

fn is_identifier(v: &str) -> bool {
    let mut bytes = v.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

const PREFIXES: &[&str] = &[
    "os.environ",
    "process.env",
    "env:",
    "env.",
    "vault:",
    "vault://",
    "ref+",
    "secretsmanager:",
    "secretsmanager://",
    "ssm:",
    "awssm:",
    "sm://",
    "k8s:",
    "k8s://",
    "secret:",
    "secretref:",
    "file:",
    "gcp:",
    "gcpsm://",
    "projects/",
    "azurekeyvault",
    "akv:",
    "kv:",
    "/",
    "./",
    "../",
    "~/",
    "arn:",
    "var.",
    "local.",
    "module.",
    "sha256:",
    "sha1:",
    "sha512:",
    "md5:",
];

/// Pointers to a secret rather than the secret: vault paths, env lookups,
/// file paths, `namespace/name` references, secret-store URIs.
pub(crate) fn is_reference(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    if PREFIXES.iter().any(|p| lower.starts_with(p)) {
        return true;
    }
    // A URL without credentials (credentials in a URL have their own rule),
    // unless it carries a token in its path or query (a webhook URL).
    if let Some(at) = lower.find("://")
        && at > 0
        && lower[..at]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'))
    {
        return !url_carries_token(&v[at + 3..]);
    }
    is_kubernetes_reference(v)
}

/// A path segment or query value of 16+ characters with letters and digits:
/// `https://chat.example/hooks/incoming/Kq8vT2zLm4Rx9Wp1Yb6N`.
fn url_carries_token(rest: &str) -> bool {
    let Some(path_at) = rest.find(['/', '?']) else {
        return false;
    };
    rest[path_at..]
        .split(['/', '?', '&', '=', '#'])
        .any(|part| {
            part.len() >= 16
                && part.bytes().any(|b| b.is_ascii_digit())
                && part.bytes().any(|b| b.is_ascii_alphabetic())
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
        })
}

const REFERENCE_WORDS: &[&str] = &[
    "secret",
    "secrets",
    "creds",
    "credentials",
    "credential",
    "token",
    "tokens",
    "password",
    "passwords",
    "key",
    "keys",
    "auth",
    "tls",
    "cert",
    "certs",
];

/// `my-db-secret`, `prod/postgres-credentials`: names of Kubernetes objects
/// that hold the secret. Only lower-case DNS names (with at most one `/`)
/// that contain a word saying what they point at.
fn is_kubernetes_reference(v: &str) -> bool {
    if v.is_empty()
        || !v.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'.' | b'/')
        })
        || v.matches('/').count() > 1
        || !(v.contains('-') || v.contains('/'))
    {
        return false;
    }
    // `key-3ax6xnjp29jd6fds4gc373sgvjxteol1` is a Mailgun key, not a name.
    if v.split(['-', '.', '/'])
        .any(|part| part.len() >= 16 && part.bytes().any(|b| b.is_ascii_digit()))
    {
        return false;
    }
    v.split(['-', '.', '/'])
        .any(|part| REFERENCE_WORDS.contains(&part))
}

/// Non-secret literals under a secret-sounding key: numbers, booleans, null.
pub(crate) fn is_literal(value: &str) -> bool {
    let v = value.trim();
    crate::numeric::is_float(v)
        || matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~" | ""
        )
}

/// Public material: certificates and public keys are not secrets.
pub(crate) fn is_public_material(value: &str) -> bool {
    value.contains("-----BEGIN CERTIFICATE")
        || value.contains("PUBLIC KEY-----")
        || value.contains("-----BEGIN X509 CRL")
        || value.contains("ssh-rsa ")
        || value.contains("ssh-ed25519 ")
}

/// Can a value under a secret-sounding key be a secret? Not empty, not a
/// literal, placeholder, reference or public certificate. No entropy floor:
/// human passwords have low entropy. Numbers of six digits or more are
/// secrets here (PINs, numeric tokens); shorter ones are settings.
pub(crate) fn keyed_value_is_secret(value: &str) -> bool {
    let v = value.trim();
    let numeric_secret = v.len() >= 6 && v.bytes().all(|b| b.is_ascii_digit());
    v.len() >= 4
        && (!is_literal(v) || numeric_secret)
        && !is_placeholder(v)
        && !is_reference(v)
        && !is_public_material(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_references_are_not_secrets() {
        for value in [
            "${DB_PASSWORD}",
            "$(POSTGRES_PASSWORD)",
            "{{ .Values.db.password }}",
            "<your-api-key>",
            "changeme",
            "REPLACE_ME",
            "xxxxxxxx",
            "AKIAIOSFODNN7EXAMPLE",
            "__REDACTED_PASSWORD_1__",
            "os.environ/OPENAI_API_KEY",
            "vault:secret/data/db#password",
            "db-credentials",
            "prod/postgres-secret",
            "sha256:0a1b2c",
            "https://vault.example.internal:8200",
            "8080",
            "true",
            "",
        ] {
            assert!(!keyed_value_is_secret(value), "{value}");
        }
    }

    #[test]
    fn human_passwords_are_secrets() {
        for value in [
            "hunter2!",
            "Summer2024",
            "s3cr3t-Pa55",
            "my-db-pass",
            "d41d8cd98f00",
        ] {
            assert!(keyed_value_is_secret(value), "{value}");
        }
    }
}
