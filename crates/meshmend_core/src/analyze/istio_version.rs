//! Which Istio release the simulation follows (`--istio-version`), and the
//! istiod behaviours that differ between the releases meshmend models.
//!
//! Everything version-dependent is data in this file: [`CHANGES`] lists each
//! behaviour change with the patch releases that carry it (a fix is often
//! backported to several release branches), and [`RULE_VERSIONS`] says for
//! which releases each rule's semantics hold. `meshmend rules` and
//! `meshmend explain` print the latter.

use std::fmt;

/// The oldest minor release (`1.x`) whose istiod source the model was checked against.
pub const OLDEST_MINOR: u16 = 22;
/// The newest release modelled; the default.
pub const NEWEST: IstioVersion = IstioVersion {
    minor: 30,
    patch: Some(3),
};

/// An Istio release `1.<minor>[.<patch>]`. Without a patch it stands for the
/// newest patch of that minor release (what an install of "1.28" gets today).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IstioVersion {
    /// `1.<minor>`.
    pub minor: u16,
    /// `1.<minor>.<patch>`; `None` = the newest patch.
    pub patch: Option<u16>,
}

impl Default for IstioVersion {
    fn default() -> Self {
        NEWEST
    }
}

impl fmt::Display for IstioVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.patch {
            Some(patch) => write!(f, "1.{}.{patch}", self.minor),
            None => write!(f, "1.{}", self.minor),
        }
    }
}

impl std::str::FromStr for IstioVersion {
    type Err = String;

    /// `1.28`, `1.27.4`, `v1.28.1`. Releases older than 1.[`OLDEST_MINOR`]
    /// are refused (their istiod was not checked); newer ones than
    /// [`NEWEST`] are accepted and behave like it.
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "invalid Istio version `{text}`: expected 1.MINOR or 1.MINOR.PATCH, such as \
                 `1.28` or `1.27.4`"
            )
        };
        let trimmed = text.trim();
        let trimmed = trimmed.strip_prefix('v').unwrap_or(trimmed);
        let parts: Vec<&str> = trimmed.split('.').collect();
        let number = |s: &str| -> Option<u16> {
            if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            s.parse().ok()
        };
        let (major, minor, patch) = match parts.as_slice() {
            [major, minor] => (number(major), number(minor), None),
            [major, minor, patch] => (number(major), number(minor), Some(number(patch))),
            _ => return Err(bad()),
        };
        let (Some(major), Some(minor)) = (major, minor) else {
            return Err(bad());
        };
        let patch = match patch {
            Some(Some(p)) => Some(p),
            Some(None) => return Err(bad()),
            None => None,
        };
        if major != 1 {
            return Err(format!(
                "unsupported Istio version `{text}`: meshmend models Istio 1.{OLDEST_MINOR} to {NEWEST}"
            ));
        }
        if minor < OLDEST_MINOR {
            return Err(format!(
                "Istio {text} is older than meshmend models (1.{OLDEST_MINOR} to {NEWEST}); \
                 its istiod was not checked"
            ));
        }
        Ok(IstioVersion { minor, patch })
    }
}

/// One istiod behaviour change, with the releases that have it.
#[derive(Clone, Copy, Debug)]
pub struct Change {
    /// Stable identifier.
    pub id: &'static str,
    /// What changed, for docs.
    pub summary: &'static str,
    /// Upstream reference.
    pub reference: &'static str,
    /// `(minor, first patch with the change)` per release branch it landed
    /// on, ascending; every minor after the last entry has it.
    pub since: &'static [(u16, u16)],
}

/// A plain-text server that comes after TLS servers on a port becomes the
/// port's plaintext server; every later TLS server on that port and bind is
/// then rejected with "conflict with existing server". Before, the plaintext
/// server joined the TLS servers as one more filter chain and later TLS
/// servers were still added. istio/istio#57707 (`addPlainTextServer` in
/// `pilot/pkg/model/gateway.go`), backported as #58205 (1.26.8), #58206
/// (1.27.4) and #58207 (1.28.1); user report istio/istio#58700.
pub const PLAINTEXT_AFTER_TLS_TAKES_PORT: Change = Change {
    id: "plaintext-after-tls-takes-port",
    summary: "a plain-text server after TLS servers on a port becomes the port's plaintext \
              server: later TLS servers on that port and bind are rejected (`conflict with \
              existing server`), later HTTP servers merge into its route table",
    reference: "istio/istio#57707 (backports #58205, #58206, #58207; report #58700)",
    since: &[(26, 8), (27, 4), (28, 1), (29, 0)],
};

/// Every modelled behaviour change.
pub const CHANGES: &[Change] = &[PLAINTEXT_AFTER_TLS_TAKES_PORT];

impl IstioVersion {
    /// True when this release has `change`.
    pub fn has(self, change: Change) -> bool {
        let Some(&(last_minor, _)) = change.since.last() else {
            return false;
        };
        if self.minor > last_minor {
            return true;
        }
        match change.since.iter().find(|(minor, _)| *minor == self.minor) {
            // Without a patch: the newest patch, which has it.
            Some(&(_, first_patch)) => self.patch.is_none_or(|p| p >= first_patch),
            None => false,
        }
    }
}

/// For which Istio releases each rule's semantics hold, by rule code. Rules
/// not listed hold for every modelled release.
pub const RULE_VERSIONS: &[(&str, &str)] = &[
    (
        "MM101",
        "1.22 to 1.30, release-dependent: a plain-text server after TLS servers on one port \
         takes the port from 1.26.8, 1.27.4, 1.28.1 and 1.29 (later TLS servers on it are \
         dropped, istio/istio#57707); up to 1.26.7, 1.27.0-1.27.3 and 1.28.0 it is one more \
         filter chain and a second one is dropped",
    ),
    (
        "MM103",
        "1.22 to 1.30, release-dependent: plain-HTTP servers after a TLS-first port's first \
         plain-text server merge into its route table from 1.26.8, 1.27.4, 1.28.1 and 1.29 \
         (before, they were dropped: MM101)",
    ),
    (
        "MM104",
        "1.22 to 1.30, release-dependent: from 1.26.8, 1.27.4, 1.28.1 and 1.29 TLS servers \
         after a plain-text server on the port are dropped (MM101) instead of becoming SNI \
         filter chains",
    ),
];

/// The releases every rule holds for unless [`RULE_VERSIONS`] says more.
pub const ALL_RELEASES: &str = "1.22 to 1.30, the same in every modelled release";

/// The version note of rule `code`.
pub fn rule_versions(code: &str) -> &'static str {
    RULE_VERSIONS
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(code))
        .map_or(ALL_RELEASES, |(_, note)| note)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> IstioVersion {
        text.parse().unwrap()
    }

    #[test]
    fn parses_minor_and_patch_releases() {
        assert_eq!(
            v("1.28"),
            IstioVersion {
                minor: 28,
                patch: None
            }
        );
        assert_eq!(
            v("v1.27.4"),
            IstioVersion {
                minor: 27,
                patch: Some(4)
            }
        );
        assert_eq!(v("1.31.0").to_string(), "1.31.0");
    }

    #[test]
    fn refuses_garbage_and_unmodelled_releases() {
        for bad in [
            "", "1", "1.", "1.x", "latest", "1.28.1.2", "2.0", "1.28.-1", "1.99999",
        ] {
            assert!(bad.parse::<IstioVersion>().is_err(), "{bad}");
        }
        let old = "1.21.6".parse::<IstioVersion>().unwrap_err();
        assert!(old.contains("older than meshmend models"), "{old}");
    }

    #[test]
    fn backported_change_holds_from_each_branch_patch() {
        let change = PLAINTEXT_AFTER_TLS_TAKES_PORT;
        for (text, expected) in [
            ("1.22", false),
            ("1.25.5", false),
            ("1.26.7", false),
            ("1.26.8", true),
            ("1.26", true),
            ("1.27.3", false),
            ("1.27.4", true),
            ("1.28.0", false),
            ("1.28.1", true),
            ("1.28", true),
            ("1.29.0", true),
            ("1.30.3", true),
            ("1.31", true),
        ] {
            assert_eq!(v(text).has(change), expected, "{text}");
        }
    }
}
