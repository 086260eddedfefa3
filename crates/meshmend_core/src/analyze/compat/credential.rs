//! Credential validity as istioctl's `gateway.SecretAnalyzer` judges it
//! (`kube.ExtractCertInfo` + `xds.ValidateCertificate`): the Secret must hold
//! non-empty `cert`/`key` or `tls.crt`/`tls.key`, the certificate must be
//! PEM, its first block DER X.509, and every certificate in it valid now.
//!
//! Only what that check needs is decoded: the PEM armour, and the DER
//! structure up to `tbsCertificate.validity`. The clock is read only off
//! wasm (where `SystemTime::now` is unavailable); there expiry is not judged.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::model::tree::NodeRef;

/// The certificate bytes the Secret offers, as `ExtractCertInfo` picks them.
fn certificate(secret: NodeRef<'_>) -> Option<Vec<u8>> {
    let value = |key: &str| -> Option<Vec<u8>> {
        if let Some(data) = secret.get("data").and_then(|d| d.get(key)) {
            let text: String = data.as_str()?.split_whitespace().collect();
            return STANDARD.decode(text).ok();
        }
        let text = secret.get("stringData")?.get(key)?.as_str()?;
        Some(text.as_bytes().to_vec())
    };
    let present = |cert: &str, key: &str| {
        let cert = value(cert).filter(|v| !v.is_empty())?;
        value(key).filter(|v| !v.is_empty())?;
        Some(cert)
    };
    present("cert", "key").or_else(|| present("tls.crt", "tls.key"))
}

/// The body of the first PEM block (Go's `pem.Decode`, any block type).
fn pem_body(bytes: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let start = text.find("-----BEGIN ")?;
    let rest = &text[start..];
    let header_end = rest.find('\n')?;
    let body = &rest[header_end + 1..];
    let end = body.find("-----END ")?;
    let base64: String = body[..end]
        .lines()
        .filter(|line| !line.contains(':')) // PEM headers
        .flat_map(|line| line.chars().filter(|c| !c.is_whitespace()))
        .collect();
    STANDARD.decode(base64).ok()
}

/// One DER element: (tag, content, rest).
fn der(bytes: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = bytes.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let (len_bytes, tail) = rest.split_at(count);
        rest = tail;
        len_bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b))
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// `UTCTime` / `GeneralizedTime` as `YYYYMMDDHHMMSS` seconds since the epoch.
fn time(tag: u8, content: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(content).ok()?.strip_suffix('Z')?;
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (year, at) = match tag {
        0x17 if text.len() == 12 => {
            let yy = digits(0..2)?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, 2)
        }
        0x18 if text.len() == 14 => (digits(0..4)?, 4),
        _ => return None,
    };
    let (month, day) = (digits(at..at + 2)?, digits(at + 2..at + 4)?);
    let (hour, minute, second) = (
        digits(at + 4..at + 6)?,
        digits(at + 6..at + 8)?,
        digits(at + 8..at + 10)?,
    );
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second)
}

/// `notBefore`/`notAfter` of every certificate in `bytes` (DER, concatenated).
fn validities(mut bytes: &[u8]) -> Option<Vec<(i64, i64)>> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let (0x30, certificate, rest) = der(bytes)? else {
            return None;
        };
        bytes = rest;
        let (0x30, tbs, after_tbs) = der(certificate)? else {
            return None;
        };
        let (0x30, _, after_algorithm) = der(after_tbs)? else {
            return None;
        };
        let (0x03, _, _) = der(after_algorithm)? else {
            return None;
        };
        let mut fields = tbs;
        let (tag, _, rest) = der(fields)?;
        if tag == 0xa0 {
            fields = rest; // explicit version
        }
        let (0x02, _, rest) = der(fields)? else {
            return None; // serialNumber
        };
        let (0x30, _, rest) = der(rest)? else {
            return None; // signature algorithm
        };
        let (0x30, _, rest) = der(rest)? else {
            return None; // issuer
        };
        let (0x30, validity, _) = der(rest)? else {
            return None;
        };
        let (before_tag, before, rest) = der(validity)?;
        let (after_tag, after, _) = der(rest)?;
        out.push((time(before_tag, before)?, time(after_tag, after)?));
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(not(target_family = "wasm"))]
fn now() -> Option<i64> {
    let elapsed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    i64::try_from(elapsed.as_secs()).ok()
}

#[cfg(target_family = "wasm")]
fn now() -> Option<i64> {
    None
}

/// True when istioctl would accept the Secret as a gateway credential.
pub(super) fn is_valid(secret: NodeRef<'_>) -> bool {
    let Some(certificate) = certificate(secret) else {
        return false;
    };
    let Some(der) = pem_body(&certificate) else {
        return false;
    };
    let Some(validities) = validities(&der) else {
        return false;
    };
    now().is_none_or(|now| {
        validities
            .iter()
            .all(|&(not_before, not_after)| not_before <= now && now <= not_after)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asn1_times_convert_to_unix_seconds() {
        assert_eq!(time(0x17, b"700101000000Z"), Some(0));
        assert_eq!(time(0x17, b"230314025430Z"), Some(1_678_762_470));
        assert_eq!(time(0x18, b"21220218061836Z"), Some(4_800_838_716));
        assert_eq!(time(0x17, b"231314025430Z"), None);
        assert_eq!(time(0x17, b"garbage"), None);
    }

    #[test]
    fn der_lengths_are_bounded() {
        assert_eq!(
            der(&[0x30, 0x02, 1, 2, 3]),
            Some((0x30, &[1u8, 2][..], &[3u8][..]))
        );
        assert_eq!(der(&[0x30, 0x05, 1]), None);
        assert_eq!(der(&[0x30, 0x85, 1, 1, 1, 1, 1]), None);
        assert!(validities(b"not der").is_none());
    }

    #[test]
    fn pem_armour_is_required() {
        assert!(pem_body(b"hush hush hush\n").is_none());
        assert_eq!(
            pem_body(b"-----BEGIN CERTIFICATE-----\naGk=\n-----END CERTIFICATE-----\n"),
            Some(b"hi".to_vec())
        );
    }
}
