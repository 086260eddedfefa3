//! The table: one row per log line meshmend can explain. Message formats are
//! Istio's and Kubernetes' own: istiod `pilot/pkg/model/gateway.go`
//! (`skipping server on gateway …`), `istioctl analyze`
//! `pkg/config/analysis/msg/messages.yaml`, Envoy's listener manager and
//! access-log response details, the API server's Service validation.
//! Rows are tried in order; more specific rows come first.

/// One recognisable log line.
#[derive(Debug)]
pub struct Pattern {
    /// Stable id (fixture file names use it).
    pub id: &'static str,
    /// Who writes the line.
    pub source: &'static str,
    /// Lower-case substrings that must all occur in the line.
    pub needles: &'static [&'static str],
    /// What the line means.
    pub meaning: &'static str,
    /// The meshmend rules that find the cause in manifests (empty: none can).
    pub rules: &'static [&'static str],
}

const BIND: &str = "Envoy could not open the listener's socket. istiod builds one listener per \
    address and port, so two Gateways never cause this: another listener or process holds the \
    port (a Gateway server on one of the proxy's own ports 15000-15090, or a hostNetwork \
    gateway sharing the node), or the proxy may not bind a port below 1024.";

/// Every pattern, most specific first.
pub static PATTERNS: &[Pattern] = &[
    Pattern {
        id: "duplicate-host",
        source: "istiod",
        needles: &["skipping server on gateway", "duplicate host names"],
        meaning: "istiod dropped a whole TLS server of this Gateway: one of its hosts is already \
                  served over TLS on the same port by an older Gateway of the same workload.",
        rules: &["MM102"],
    },
    Pattern {
        id: "protocol-conflict",
        source: "istiod",
        needles: &[
            "skipping server on gateway",
            "conflict with existing server",
        ],
        meaning: "istiod dropped a server whose protocol cannot share the port with the older \
                  server there (HTTP with TCP or TLS, two TCP servers).",
        rules: &["MM101"],
    },
    Pattern {
        id: "https-port-name",
        source: "istiod",
        needles: &["skipping server on gateway", "non unique port name"],
        meaning: "istiod dropped an HTTPS server whose port name another HTTPS server on the \
                  same port already uses.",
        rules: &["MM106"],
    },
    Pattern {
        id: "sni-chain-clash",
        source: "Envoy",
        needles: &["multiple filter chains with the same matching rules"],
        meaning: "Envoy rejected the listener update: two TLS servers became the same SNI match; \
                  the proxy keeps its previous listeners.",
        rules: &["MM104"],
    },
    Pattern {
        id: "bind-failed",
        source: "Envoy",
        needles: &["failed to bind"],
        meaning: BIND,
        rules: &[],
    },
    Pattern {
        id: "address-in-use",
        source: "Envoy",
        needles: &["address already in use"],
        meaning: BIND,
        rules: &[],
    },
    Pattern {
        id: "nodeport-allocated",
        source: "kube-apiserver",
        needles: &["provided port is already allocated"],
        meaning: "The API server refused the Service: its nodePort is already taken by another \
                  Service in the cluster.",
        rules: &["MM201"],
    },
    Pattern {
        id: "nodeport-range",
        source: "kube-apiserver",
        needles: &["provided port is not in the valid range"],
        meaning: "The API server refused the Service: its nodePort is outside the cluster's \
                  node-port range.",
        rules: &["MM202"],
    },
    Pattern {
        id: "filter-chain-not-found",
        source: "Envoy access log",
        needles: &["filter_chain_not_found"],
        meaning: "A TLS connection's SNI matched no filter chain of the listener (response flag \
                  NR): no kept server on that port serves the host. Its server was dropped, or no \
                  Gateway lists the host.",
        rules: &["MM102", "MM101", "MM104"],
    },
    Pattern {
        id: "gateway-not-found",
        source: "istioctl analyze (IST0101)",
        needles: &["referenced gateway not found"],
        meaning: "A VirtualService names a Gateway that does not exist: its routes are never \
                  installed.",
        rules: &["MM401"],
    },
    Pattern {
        id: "selector-not-found",
        source: "istioctl analyze (IST0101)",
        needles: &["referenced selector not found"],
        meaning: "A Gateway's selector matches no gateway pod: none of its servers is served.",
        rules: &["MM302"],
    },
    Pattern {
        id: "IST0145",
        source: "istioctl analyze",
        needles: &["ist0145"],
        meaning: "ConflictingGateways: Gateways of one workload list the same host on one port.",
        rules: &["MM102", "MM103"],
    },
    Pattern {
        id: "IST0132",
        source: "istioctl analyze",
        needles: &["ist0132"],
        meaning: "A VirtualService's hosts match none of the hosts of a Gateway it binds to.",
        rules: &["MM402"],
    },
    Pattern {
        id: "IST0162",
        source: "istioctl analyze",
        needles: &["ist0162"],
        meaning: "A Gateway server port is not exposed by the gateway's Service: unreachable.",
        rules: &["MM301"],
    },
    Pattern {
        id: "IST0138",
        source: "istioctl analyze",
        needles: &["ist0138"],
        meaning: "Gateways share one certificate: HTTP/2 connection reuse can send requests to \
                  the wrong server (404).",
        rules: &["MM105"],
    },
    Pattern {
        id: "IST0101",
        source: "istioctl analyze",
        needles: &["ist0101"],
        meaning: "ReferencedResourceNotFound: a referenced object does not exist. meshmend \
                  checks Gateway references (MM401) and selectors (MM302), not this kind.",
        rules: &[],
    },
    Pattern {
        id: "istioctl-other",
        source: "istioctl analyze",
        needles: &["[ist0"],
        meaning: "An istioctl analyze message about something meshmend does not model.",
        rules: &[],
    },
];
