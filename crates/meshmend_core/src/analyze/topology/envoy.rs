//! The two checks that stand in for Envoy: filter chains that make it
//! reject a whole listener.

use crate::hash::HashMap;

use super::server::{is_passthrough, is_tls_server, sni_name};
use super::{Listener, Nack, Outcome, ServerRef};
use crate::model::Gateway;
use crate::sort;

/// Marks servers whose filter chains make Envoy reject the listener: two
/// TLS chains with the same SNI, or a `*` TLS chain (no SNI match) next to a
/// plaintext chain. Passthrough servers are skipped: their chains come from
/// VirtualService `sniHosts`, and istiod drops duplicates there itself.
pub(super) fn check_envoy(listener: &mut Listener, gateways: &[Gateway]) {
    let mut sni: HashMap<String, ServerRef> = HashMap::default();
    let mut catch_all: Option<ServerRef> = None;
    let mut plain: Option<ServerRef> = None;
    for placed in &mut listener.servers {
        if matches!(placed.outcome, Outcome::Rejected { .. }) {
            continue;
        }
        let spec = &gateways[placed.server.gateway].servers[placed.server.server];
        if !is_tls_server(spec) {
            if let Some(with) = catch_all {
                placed.outcome = Outcome::NackRisk {
                    reason: Nack::CatchAllWithPlaintext,
                    with,
                };
            }
            plain.get_or_insert(placed.server);
            continue;
        }
        if is_passthrough(spec) {
            continue;
        }
        let mut names: Vec<&str> = placed.hosts.iter().map(|h| sni_name(h)).collect();
        sort::ascending(&mut names);
        names.dedup();
        if let Some((name, &with)) = names.iter().find_map(|n| sni.get(*n).map(|w| (n, w))) {
            placed.outcome = Outcome::NackRisk {
                reason: Nack::DuplicateSni {
                    sni: (*name).to_string(),
                },
                with,
            };
            continue;
        }
        for name in &names {
            sni.insert((*name).to_string(), placed.server);
        }
        if names.contains(&"*") {
            if let Some(with) = plain {
                placed.outcome = Outcome::NackRisk {
                    reason: Nack::CatchAllWithPlaintext,
                    with,
                };
                continue;
            }
            catch_all.get_or_insert(placed.server);
        }
    }
}
