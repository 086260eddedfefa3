//! Property tests of `fix` over generated conflict scenarios: Gateways on
//! one ingress workload with overlapping hosts, ports and certificates,
//! VirtualServices in every reference form, colliding nodePorts — written
//! in varied styles (indentation, dash placement, flow/block, quoting,
//! CRLF, comments).
//!
//! For every strategy: the output is valid YAML; findings left are ones the
//! input had; fixing again changes nothing; documents of resources no
//! change names are byte-identical; and for conflicts a strategy can
//! always solve (no protocol conflict for consolidate), verification holds.

use std::fmt::Write as _;

use meshmend_core::refactor::{
    FileStatus, FixOptions, FixOutcome, NodePortMode, Strategy as FixStrategy, fix,
};
use meshmend_core::{AnalyzeOptions, Bundle, LoadOptions, SourceFile, analyze};
use proptest::prelude::*;

#[derive(Clone, Debug)]
#[expect(clippy::struct_excessive_bools, reason = "independent style switches")]
struct Style {
    indent: usize,
    indentless: bool,
    flow_servers: bool,
    crlf: bool,
    quote_hosts: bool,
}

#[derive(Clone, Debug)]
struct ServerSpec {
    port: u32,
    https: bool,
    credential: usize,
    hosts: Vec<usize>,
}

#[derive(Clone, Debug)]
struct GatewaySpec {
    namespace: usize,
    timestamp: Option<u8>,
    servers: Vec<ServerSpec>,
}

#[derive(Clone, Debug)]
struct VsSpec {
    namespace: usize,
    gateway: usize,
    form: usize,
    host: usize,
}

const NAMESPACES: [&str; 3] = ["istio-system", "shop", "web"];
const HOSTS: [&str; 6] = [
    "a.example.com",
    "b.example.com",
    "c.example.com",
    "*.example.com",
    "./d.example.com",
    "e.example.com",
];
const CREDENTIALS: [&str; 3] = ["alpha-tls", "beta-tls", "gamma-tls"];

fn style() -> impl Strategy<Value = Style> {
    (
        prop_oneof![Just(2usize), Just(4)],
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(indent, indentless, flow_servers, crlf, quote_hosts)| Style {
                indent,
                indentless,
                flow_servers,
                crlf,
                quote_hosts,
            },
        )
}

fn server() -> impl Strategy<Value = ServerSpec> {
    (
        any::<bool>(),
        0..CREDENTIALS.len(),
        prop::collection::vec(0..HOSTS.len(), 1..3),
    )
        .prop_map(|(https, credential, mut hosts)| {
            hosts.sort_unstable();
            hosts.dedup();
            ServerSpec {
                port: if https { 443 } else { 80 },
                https,
                credential,
                hosts,
            }
        })
}

fn gateway() -> impl Strategy<Value = GatewaySpec> {
    (
        0..NAMESPACES.len(),
        prop::option::of(0u8..4),
        prop::collection::vec(server(), 1..3),
    )
        .prop_map(|(namespace, timestamp, servers)| GatewaySpec {
            namespace,
            timestamp,
            servers,
        })
}

fn scenario() -> impl Strategy<Value = (Style, Vec<GatewaySpec>, Vec<VsSpec>, Vec<u16>)> {
    (
        style(),
        prop::collection::vec(gateway(), 2..5),
        prop::collection::vec(
            (0..NAMESPACES.len(), 0usize..4, 0usize..4, 0..HOSTS.len()),
            0..4,
        ),
        prop::collection::vec(prop_oneof![Just(31380u16), Just(31390), Just(30000)], 0..3),
    )
        .prop_map(|(style, gateways, vs, node_ports)| {
            let n = gateways.len();
            let vs = vs
                .into_iter()
                .map(|(namespace, gateway, form, host)| VsSpec {
                    namespace,
                    gateway: gateway % n,
                    form,
                    host,
                })
                .collect();
            (style, gateways, vs, node_ports)
        })
}

/// Renders a scenario into files: gateways in one file, VirtualServices
/// and Services in another.
fn render(
    style: &Style,
    gateways: &[GatewaySpec],
    services: &[VsSpec],
    node_ports: &[u16],
) -> Vec<SourceFile> {
    let i = |n: usize| " ".repeat(style.indent * n);
    let host = |h: usize| {
        if style.quote_hosts || HOSTS[h].starts_with('*') {
            format!("\"{}\"", HOSTS[h])
        } else {
            HOSTS[h].to_string()
        }
    };
    let mut out = String::from("# generated ingress gateways\n");
    for (g, spec) in gateways.iter().enumerate() {
        if g > 0 {
            out.push_str("---\n");
        }
        let _ = writeln!(
            out,
            "apiVersion: networking.istio.io/v1beta1\nkind: Gateway\nmetadata:\n{}name: gw{g}\n{}namespace: {}",
            i(1),
            i(1),
            NAMESPACES[spec.namespace]
        );
        if let Some(ts) = spec.timestamp {
            let _ = writeln!(
                out,
                "{}creationTimestamp: \"2024-0{}-01T00:00:00Z\"",
                i(1),
                ts + 1
            );
        }
        let _ = writeln!(
            out,
            "spec:\n{}selector:\n{}istio: ingressgateway # shared",
            i(1),
            i(2)
        );
        if style.flow_servers {
            let servers: Vec<String> = spec
                .servers
                .iter()
                .enumerate()
                .map(|(s, server)| {
                    let hosts: Vec<String> = server.hosts.iter().map(|&h| host(h)).collect();
                    let tls = if server.https {
                        format!(
                            ", tls: {{mode: SIMPLE, credentialName: {}}}",
                            CREDENTIALS[server.credential]
                        )
                    } else {
                        String::new()
                    };
                    format!(
                        "{{port: {{number: {}, name: p{s}, protocol: {}}}, hosts: [{}]{tls}}}",
                        server.port,
                        if server.https { "HTTPS" } else { "HTTP" },
                        hosts.join(", ")
                    )
                })
                .collect();
            let _ = writeln!(out, "{}servers: [{}]", i(1), servers.join(", "));
            continue;
        }
        let _ = writeln!(out, "{}servers:", i(1));
        // Dash column, content column, nested-key and host-dash columns.
        let d = if style.indentless {
            style.indent
        } else {
            2 * style.indent
        };
        let c = d + 2;
        let nested = " ".repeat(c + style.indent);
        let body = " ".repeat(c);
        let host_dash = " ".repeat(if style.indentless {
            c
        } else {
            c + style.indent
        });
        for (s, server) in spec.servers.iter().enumerate() {
            let _ = writeln!(
                out,
                "{}- port:\n{nested}number: {}\n{nested}name: p{s}\n{nested}protocol: {}",
                " ".repeat(d),
                server.port,
                if server.https { "HTTPS" } else { "HTTP" }
            );
            let _ = writeln!(out, "{body}hosts:");
            for &h in &server.hosts {
                let _ = writeln!(out, "{host_dash}- {}", host(h));
            }
            if server.https {
                let _ = writeln!(
                    out,
                    "{body}tls:\n{nested}mode: SIMPLE\n{nested}credentialName: {}",
                    CREDENTIALS[server.credential]
                );
            }
        }
    }
    let mut other = String::new();
    for (v, spec) in services.iter().enumerate() {
        let gw = &gateways[spec.gateway];
        let gw_ns = NAMESPACES[gw.namespace];
        let ns = NAMESPACES[spec.namespace];
        let reference = match spec.form {
            0 if ns == gw_ns => format!("gw{}", spec.gateway),
            1 if ns == gw_ns => format!("./gw{}", spec.gateway),
            2 => format!("gw{}.{gw_ns}.svc.cluster.local", spec.gateway),
            _ => format!("{gw_ns}/gw{}", spec.gateway),
        };
        let vs_host = HOSTS[spec.host].trim_start_matches("./");
        let _ = write!(
            other,
            "apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata: {{name: vs{v}, namespace: {ns}}}\nspec:\n  hosts: [\"{vs_host}\"]\n  gateways:\n  - {reference}\n  http:\n  - route: [{{destination: {{host: app.{ns}.svc.cluster.local}}}}]\n---\n"
        );
    }
    for (s, port) in node_ports.iter().enumerate() {
        let _ = write!(
            other,
            "apiVersion: v1\nkind: Service\nmetadata: {{name: svc{s}, namespace: {}}}\nspec:\n  type: NodePort\n  selector: {{app: a{s}}}\n  ports:\n  - name: https\n    port: 443\n    nodePort: {port}   # pinned\n---\n",
            NAMESPACES[s % 3]
        );
    }
    let other = other.trim_end_matches("---\n").to_string();
    let convert = |text: String| {
        if style.crlf {
            text.replace('\n', "\r\n")
        } else {
            text
        }
    };
    let mut files = vec![SourceFile::new("deploy/gateways.yaml", convert(out))];
    if !other.is_empty() {
        files.push(SourceFile::new("deploy/routes.yaml", convert(other)));
    }
    files
}

/// Applies the hunks of one file's unified diff; `None` when they do not
/// match the text.
fn apply_unified(old: &str, hunks: &str) -> Option<String> {
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let raw: Vec<&str> = hunks.split_inclusive('\n').collect();
    // (kind, content) with the newline a "\ No newline" marker disowns removed.
    let mut lines: Vec<(char, String)> = Vec::new();
    for line in raw {
        if line.starts_with("\\ No newline") {
            let last = lines.last_mut()?;
            last.1.pop();
            continue;
        }
        let kind = line.chars().next()?;
        lines.push((kind, line.get(1..).unwrap_or_default().to_string()));
    }
    let mut out = String::new();
    let mut pos = 0;
    for (kind, content) in lines {
        match kind {
            '@' => {
                let old_range = content.split(' ').nth(1)?.strip_prefix('-')?;
                let (start, count) = match old_range.split_once(',') {
                    Some((s, c)) => (s.parse::<usize>().ok()?, c.parse::<usize>().ok()?),
                    None => (old_range.parse::<usize>().ok()?, 1),
                };
                let target = if count == 0 { start } else { start - 1 };
                out.extend(old_lines.get(pos..target)?.iter().copied());
                pos = target;
            }
            ' ' | '-' => {
                if *old_lines.get(pos)? != content {
                    return None;
                }
                if kind == ' ' {
                    out.push_str(&content);
                }
                pos += 1;
            }
            '+' => out.push_str(&content),
            _ => return None,
        }
    }
    out.extend(old_lines.get(pos..)?.iter().copied());
    Some(out)
}

fn reload(outcome: &FixOutcome) -> Bundle {
    let sources = outcome
        .files
        .iter()
        .filter(|f| f.status != FileStatus::Deleted)
        .map(|f| SourceFile::new(f.path.clone(), f.patched.clone().unwrap()))
        .collect();
    Bundle::load(sources, LoadOptions::default()).unwrap()
}

fn check(files: Vec<SourceFile>, strategy: FixStrategy) -> Result<(), TestCaseError> {
    let bundle = Bundle::load(files, LoadOptions::default()).unwrap();
    assert!(
        bundle.document_errors().next().is_none(),
        "generator wrote invalid YAML"
    );
    let before = analyze(&bundle, &AnalyzeOptions::default());
    let options = FixOptions {
        strategy,
        nodeport: NodePortMode::Pick,
        include_warnings: true,
        ..FixOptions::default()
    };
    let outcome = fix(&bundle, &options);
    let after = reload(&outcome);

    // Valid YAML.
    prop_assert!(
        after.document_errors().next().is_none(),
        "output does not parse:\n{}",
        outcome.diff
    );
    // Nothing new: every finding left was in the input.
    for d in &outcome.verification.remaining {
        prop_assert!(
            before
                .iter()
                .any(|b| b.code == d.code && b.resource == d.resource),
            "new finding {} {:?}: {}\n{}",
            d.code,
            d.resource,
            d.message,
            outcome.diff
        );
    }
    // The diff (hunks computed around the edits) applies to the input and
    // gives the output.
    for file in &outcome.files {
        if file.status != FileStatus::Modified {
            continue;
        }
        let header = format!("--- a/{}\n+++ b/{}\n", file.path, file.path);
        let start = outcome.diff.find(&header).expect("modified file in diff") + header.len();
        let section = &outcome.diff[start..];
        let end = ["\n--- a/", "\n--- /dev/null\n"]
            .iter()
            .filter_map(|h| section.find(h).map(|i| i + 1))
            .min()
            .unwrap_or(section.len());
        let applied = apply_unified(file.original.as_deref().unwrap(), &section[..end]);
        prop_assert_eq!(
            applied.as_deref(),
            file.patched.as_deref(),
            "diff:\n{}",
            outcome.diff
        );
    }
    // Idempotent.
    let again = fix(&after, &options);
    prop_assert!(
        !again.has_edits(),
        "second fix changes:\n{}\nafter first:\n{}",
        again.diff,
        outcome.diff
    );
    // Resources no change names keep their exact bytes.
    let named: Vec<_> = outcome
        .changes
        .iter()
        .filter_map(|c| c.resource.clone())
        .collect();
    for resource in &bundle.resources {
        if named.contains(&resource.reference()) {
            continue;
        }
        let text = resource.span.slice(bundle.text(resource.file));
        let patched = outcome.files[resource.file]
            .patched
            .as_deref()
            .unwrap_or_default();
        prop_assert!(
            patched.contains(text),
            "{} {} changed without a change naming it:\n{}",
            resource.kind.value,
            resource.full_name(),
            outcome.diff
        );
    }
    // Verification holds whenever the strategy can solve the conflicts.
    // (A VirtualService bound to a Gateway none of whose hosts it matches
    // becomes live when its reference follows a merge: rejected, rightly.)
    let protocol = before.iter().any(|d| d.name == "protocol-conflict");
    // Nor when a wildcard server host shadows or is shadowed by an exact
    // SNI name: a merge can then change which VirtualService answers.
    let wiring = before.iter().any(|d| d.code.starts_with("MM4"));
    // Nor when VirtualServices of different Gateways share a host: merging
    // Gateways merges their VirtualServices' scope (a human decision).
    let wildcard = bundle.model.gateways.iter().any(|g| {
        g.servers
            .iter()
            .any(|s| s.hosts.iter().any(|h| h.value.contains('*')))
    }) || bundle
        .model
        .virtual_services
        .iter()
        .enumerate()
        .any(|(i, a)| {
            a.hosts.iter().any(|h| h.value.contains('*'))
                || bundle.model.virtual_services[i + 1..].iter().any(|b| {
                    b.hosts
                        .iter()
                        .any(|h| a.hosts.iter().any(|x| x.value == h.value))
                })
        });
    if !wiring && !wildcard && (strategy != FixStrategy::Consolidate || !protocol) {
        prop_assert!(
            outcome.verification.ok,
            "not verified: {:?}\ninput:\n{}",
            outcome.verification.rejected,
            bundle
                .files
                .iter()
                .map(|f| f.text.as_str())
                .collect::<Vec<_>>()
                .join("\n=====\n")
        );
        for d in &outcome.verification.remaining {
            if strategy == FixStrategy::Renumber && !d.code.starts_with("MM2") {
                continue; // renumber only fixes nodePorts
            }
            prop_assert!(
                !d.fix_available,
                "fixable finding left: {} {}\n{}",
                d.code,
                d.message,
                outcome.diff
            );
        }
    }
    Ok(())
}

proptest! {
    // Fixed seed: CI runs the same 200 scenarios every time (no flakes);
    // `FIX_PROPS_CASES=5000 cargo test --release --test fix_props` digs
    // deeper (five runs of 2,000 passed when this was written).
    #![proptest_config(ProptestConfig {
        cases: std::env::var("FIX_PROPS_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(200),
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x6d65_7368_6d65_6e64),
        ..ProptestConfig::default()
    })]

    #[test]
    fn consolidate_holds((style, gateways, vs, ports) in scenario()) {
        check(render(&style, &gateways, &vs, &ports), FixStrategy::Consolidate)?;
    }

    #[test]
    fn isolate_holds((style, gateways, vs, ports) in scenario()) {
        check(render(&style, &gateways, &vs, &ports), FixStrategy::Isolate)?;
    }

    #[test]
    fn renumber_holds((style, gateways, vs, ports) in scenario()) {
        check(render(&style, &gateways, &vs, &ports), FixStrategy::Renumber)?;
    }
}
