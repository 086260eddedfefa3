//! What a key says: one table of key words ([`KEY_WORDS`]) and the
//! functions that read it. The key classifier decides which values are
//! secrets by their key alone (`DB_PASSWORD`, `apiKey`), so these words are
//! the structural layer's rules: add a word to a row, and a fixture line
//! under `tests/redact/` that shows it.

use super::super::{allow, scan_rules_in};
use crate::span::Span;

/// Where in the key a word must stand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum At {
    /// Anywhere.
    Anywhere,
    /// At the end.
    End,
    /// At the end, with the given word somewhere before it.
    EndAfter(&'static str),
    /// At the start.
    Start,
    /// At the start, followed by a word break in the key as written (a
    /// capital, `_`, `-` or `.`): `isSecret`, `use_password`.
    StartWord,
    /// The whole key.
    Whole,
    /// As the key's file extension (`tls.key`).
    Extension,
}

/// What a word in a key says about its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Says {
    /// Every secret-sounding key contains one of these words (any case, on
    /// the raw line): a line without any skips the classifier.
    Mentions,
    /// A secret of this placeholder family. Compared with the key without
    /// case and punctuation; the first row that matches names the family.
    Secret(&'static str),
    /// A key that names, locates, counts or switches a secret rather than
    /// holding one (`secretName`, `tokenPath`, `existingSecret`), unless
    /// the word ending the key belongs to a longer secret word of an
    /// [`At::Anywhere`] row (`apiKey`).
    NotSecret,
    /// Values below this key are references (`secretKeyRef`, `valueFrom`):
    /// compared with the key in lower case, punctuation kept.
    Reference,
    /// In a Secret, a value that says where or who, not how to get in
    /// (`username`, `url`, `publicApiKey`): kept unless an anchored rule fires.
    Descriptive,
}

/// One row of [`KEY_WORDS`].
#[derive(Debug)]
pub(crate) struct KeyWords {
    /// What a match says.
    pub(crate) says: Says,
    /// Where the word must stand.
    pub(crate) at: At,
    /// Lower-case words.
    pub(crate) words: &'static [&'static str],
}

macro_rules! row {
    ($says:expr, $at:expr, [$($word:literal),+ $(,)?]) => {
        KeyWords { says: $says, at: $at, words: &[$($word),+] }
    };
}

use At::{Anywhere, End, EndAfter, Extension, Start, StartWord, Whole};
use Says::{Descriptive, Mentions, NotSecret, Reference, Secret};

/// Every key word of the structural layer. `Secret` rows are tried in
/// order, most specific family first.
#[rustfmt::skip]
pub(crate) const KEY_WORDS: &[KeyWords] = &[
    row!(Mentions, Anywhere, [
        "pass", "pwd", "bindpw", "secret", "token", "credential", "key", "auth", "private",
        "hmac", "cookie", "dsn", "conn", "account",
    ]),
    row!(Secret("AWS_SECRET_KEY"), Anywhere, ["secretaccesskey", "awssecretkey"]),
    row!(Secret("AWS_SESSION_TOKEN"), Anywhere, ["sessiontoken"]),
    row!(Secret("AWS_ACCOUNT"), Whole, ["accountid"]),
    row!(Secret("AWS_ACCOUNT"), EndAfter("aws"), ["accountid"]),
    row!(Secret("AZURE_STORAGE_KEY"), Anywhere, ["accountkey", "storagekey"]),
    row!(Secret("CLIENT_SECRET"), Anywhere, ["clientsecret"]),
    row!(Secret("PASSWORD"), Anywhere, ["password", "passwd", "passphrase"]),
    row!(Secret("PASSWORD"), End, ["pass", "pwd"]),
    row!(Secret("PASSWORD"), Whole, ["requirepass", "masterauth", "bindpw"]),
    row!(Secret("API_KEY"), Anywhere, [
        "apikey", "routingkey", "integrationkey", "servicekey", "apptoken", "accesskey", "sdkkey",
        "licensekey", "writekey", "ingestkey", "appkey",
    ]),
    row!(Secret("TOKEN"), Anywhere, ["token"]),
    row!(Secret("PRIVATE_KEY"), Anywhere, [
        "privatekey", "signingkey", "encryptionkey", "masterkey", "hmac", "cookiesecret",
        "keydata", "jwtsecret",
    ]),
    row!(Secret("PRIVATE_KEY"), Extension, ["key"]),
    row!(Secret("CONNECTION_STRING"), Anywhere, ["connectionstring", "connstr"]),
    row!(Secret("CONNECTION_STRING"), Whole, ["dsn"]),
    // `secretkey` changes no family (`secret` names it); it keeps `…SecretKey`
    // from ending in the not-secret `key`.
    row!(Secret("SECRET"), Anywhere, ["secret", "credential", "authkey", "cookie", "secretkey"]),
    row!(NotSecret, End, [
        "name", "names", "ref", "refs", "file", "files", "path", "paths", "id", "ids", "url",
        "uri", "urls", "endpoint", "length", "size", "ttl", "type", "types", "format", "algorithm",
        "algo", "policy", "policies", "enabled", "enable", "disabled", "mode", "version", "header",
        "headers", "field", "fields", "prefix", "suffix", "dir", "directory", "mount", "mountpath",
        "namespace", "expiry", "expiration", "expires", "seconds", "duration", "timeout",
        "interval", "period", "count", "label", "labels", "selector", "provider", "providers",
        "store", "location", "template", "source", "kind", "class", "audience", "audiences",
        "issuer", "lifetime", "validity", "max", "min", "limit", "retries", "port", "host",
        "hostname", "address", "email", "user", "username", "login", "owner", "group", "role",
        "bucket", "region", "zone", "project", "tenant", "domain", "realm", "cluster", "volume",
        "volumes", "secrets", "method", "methods", "scheme", "encoding", "required", "optional",
        "generate", "create", "managed", "immutable", "strategy", "rotation", "annotations", "key",
        "keys", "data", "env", "ca", "cert", "crt", "certificate", "pub", "public", "publickey",
        "hint", "usage", "usages", "scope", "scopes", "request", "requests", "review", "reviewer",
        "backend", "engine", "manager", "generator", "config", "configuration", "properties",
        "sync", "hash", "hashes", "salt", "rounds", "complexity", "regex", "pattern",
        "description", "help", "message", "text", "title", "annotation",
    ]),
    row!(NotSecret, StartWord, [
        "use", "is", "has", "enable", "disable", "show", "auto", "allow", "public",
    ]),
    row!(NotSecret, Start, ["existing"]),
    row!(Reference, End, ["ref", "refs"]),
    row!(Reference, Whole, ["valuefrom", "envfrom", "from"]),
    row!(Descriptive, End, [
        "id", "url", "uri", "name", "user", "username", "login", "host", "hostname", "port",
        "server", "endpoint", "region", "zone", "email", "type", "namespace", "project",
        "database", "db", "dbname", "insecure", "scheme", "protocol", "address", "sslmode",
        "bucket", "path",
    ]),
    row!(Descriptive, Start, ["public"]),
];

/// The rows that say `says` (any family for [`Says::Secret`]).
fn rows(says: fn(Says) -> bool) -> impl Iterator<Item = &'static KeyWords> {
    KEY_WORDS.iter().filter(move |row| says(row.says))
}

/// Does `word` stand `at` its place in `key`? (`raw` is the key as written,
/// for [`At::StartWord`]; `key` the form the row compares with.)
fn stands(at: At, word: &str, key: &str, raw: &str) -> bool {
    match at {
        Anywhere => key.contains(word),
        End => key.ends_with(word),
        EndAfter(before) => key
            .strip_suffix(word)
            .is_some_and(|rest| rest.contains(before)),
        Start => key.starts_with(word),
        StartWord => {
            key.starts_with(word)
                && raw[word.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_uppercase() || matches!(c, '_' | '-' | '.'))
        }
        Whole => key == word,
        Extension => std::path::Path::new(key)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(word)),
    }
}

/// Does some row saying `says` match `key`?
fn any_row(says: fn(Says) -> bool, key: &str, raw: &str) -> bool {
    rows(says).any(|row| row.words.iter().any(|w| stands(row.at, w, key, raw)))
}

/// Lower case, ASCII letters and digits only: `DB_PASSWORD`, `db.password`
/// and `dbPassword` are one key.
fn normalise(key: &str) -> String {
    key.to_ascii_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// The value gate for a classified key: account ids are 12 digits (a
/// number, which the generic gate drops); everything else passes
/// [`allow::keyed_value_is_secret`].
pub(super) fn value_passes(family: &str, value: &str) -> bool {
    if family == "AWS_ACCOUNT" {
        value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit())
    } else {
        allow::keyed_value_is_secret(value)
    }
}

/// Case-insensitive: does the line mention a word every secret-sounding key
/// contains? (A superset of [`classify_key`], so skipping on `false` is safe.)
pub(super) fn has_secret_word(line: &str) -> bool {
    let bytes = line.as_bytes();
    rows(|s| s == Mentions).flat_map(|row| row.words).any(|w| {
        bytes
            .windows(w.len())
            .any(|window| window.eq_ignore_ascii_case(w.as_bytes()))
    })
}

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
    let norm = normalise(&lower);
    if norm.is_empty() || norm.len() > 80 {
        return None;
    }
    let family = KEY_WORDS.iter().find_map(|row| match row.says {
        Secret(family)
            if row.words.iter().any(|w| {
                let form = if row.at == Extension { &lower } else { &norm };
                stands(row.at, w, form, key)
            }) =>
        {
            Some(family)
        }
        _ => None,
    })?;
    // The suffix test runs on the normalised key, but only when the secret
    // word is not itself the suffix (`secretName` is a name, `clientSecret`
    // is not a `ret`).
    let exempt = family == "AWS_ACCOUNT" || stands(Extension, "key", &lower, key);
    let not_secret_end = rows(|s| s == NotSecret)
        .filter(|row| row.at == End)
        .flat_map(|row| row.words)
        .any(|s| norm.ends_with(s) && !ends_with_secret_word(&norm, s));
    if !exempt && not_secret_end {
        return None;
    }
    // `isSecret`, `use_password`, `existingSecret`: switches and names.
    if rows(|s| s == NotSecret)
        .filter(|row| row.at != End)
        .any(|row| row.words.iter().any(|w| stands(row.at, w, &lower, key)))
    {
        return None;
    }
    Some(family)
}

/// True when the suffix that matched is the end of a longer secret word
/// found anywhere in keys (`apikey` ends with `key`, `keydata` with `data`).
fn ends_with_secret_word(norm: &str, suffix: &str) -> bool {
    rows(|s| matches!(s, Secret(_)))
        .filter(|row| row.at == Anywhere)
        .flat_map(|row| row.words)
        .any(|w| w.len() > suffix.len() && w.ends_with(suffix) && norm.ends_with(w))
}

/// Keys below which values are references (`secretKeyRef`, `valueFrom`, …).
pub(super) fn is_reference_key(key: &str) -> bool {
    any_row(|s| s == Reference, &key.to_ascii_lowercase(), key)
}

/// Secret keys whose values describe where or who, not how to get in:
/// `username`, `url`, `host`, `port`, `namespace`, `orgId`, `publicApiKey`.
/// Kept in Secrets (tolerated) unless an anchored rule fires inside.
pub(super) fn is_descriptive_key(key: &str) -> bool {
    any_row(|s| s == Descriptive, &normalise(key), key)
}

/// Names the family of a Secret value from its key and decoded content.
pub(super) fn data_family(key: &str, plain: Option<&str>) -> &'static str {
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

    /// [`has_secret_word`] skips lines before the classifier runs, so every
    /// secret word must contain a `Mentions` word; words are lower case.
    #[test]
    fn every_secret_word_is_mentioned_and_lower_case() {
        for row in KEY_WORDS {
            for word in row.words {
                assert_eq!(*word, word.to_ascii_lowercase(), "{word}");
                if matches!(row.says, Secret(_)) {
                    assert!(has_secret_word(word), "{word} escapes the prefilter");
                }
            }
        }
    }
}
