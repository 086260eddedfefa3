# ---------------------------------------------------------------- Gateway API
#
# Kubernetes Gateway API Gateways and ListenerSets of a class Istio owns.
# MM501/MM502: a listener that Istio marks Conflicted because an earlier
# listener of the same Gateway or of its ListenerSets holds its port
# (ComputeGatewayListenerConflicts). MM510: a listener of a Gateway in
# manual deployment (spec.addresses names an existing Service) becomes an
# internal Istio Gateway on that Service's pods and is merged with the
# Istio Gateways there (the merge above, with it included).

gateway_api_version(v) {
	startswith(v, "gateway.networking.k8s.io/")
}

gateway_api_version(v) {
	startswith(v, "gateway.networking.x-k8s.io/")
}

listener_set_kinds := {"ListenerSet", "XListenerSet"}

is_api_gateway(o) {
	o.kind == "Gateway"
	gateway_api_version(o.apiVersion)
}

is_listener_set(o) {
	listener_set_kinds[o.kind]
	gateway_api_version(o.apiVersion)
}

inventory_api_gateways := [g |
	g := data.inventory.namespace[_][gv].Gateway[_]
	gateway_api_version(gv)
	not same_object(g)
]

api_gateways := array.concat(inventory_api_gateways, [obj]) {
	is_api_gateway(obj)
} else = inventory_api_gateways {
	true
}

inventory_listener_sets := [s |
	s := data.inventory.namespace[_][gv][kind][_]
	listener_set_kinds[kind]
	gateway_api_version(gv)
	not same_object(s)
]

listener_sets := array.concat(inventory_listener_sets, [obj]) {
	is_listener_set(obj)
} else = inventory_listener_sets {
	true
}

# The class names that need no GatewayClass object (GetBuiltinGatewayClasses).
builtin_controllers := {
	"istio": "istio.io/gateway-controller",
	"istio-remote": "istio.io/unmanaged-gateway",
	"istio-waypoint": "istio.io/mesh-controller",
	"istio-east-west": "istio.io/eastwest-controller",
}

# The controllers that compute listener status (istio-remote does not).
status_controllers := {"istio.io/gateway-controller", "istio.io/mesh-controller", "istio.io/eastwest-controller"}

class_controllers(name) = {c |
	cls := data.inventory.cluster[gv].GatewayClass[name]
	gateway_api_version(gv)
	c := object.get(object.get(cls, "spec", {}), "controllerName", "")
}

# A GatewayClass object decides; else the built-in class names.
controller_of(gw) = c {
	cs := class_controllers(gw.spec.gatewayClassName)
	count(cs) > 0
	c := sort([x | cs[x]])[0]
} else = c {
	c := builtin_controllers[gw.spec.gatewayClassName]
} else = "" {
	true
}

addresses_of(gw) = a {
	a := gw.spec.addresses
	is_array(a)
} else = [] {
	true
}

# Automated deployment (IsManaged): no address, or one untyped or
# IPAddress one; Istio deploys pods of its own for the Gateway.
managed(gw) {
	count(addresses_of(gw)) == 0
}

managed(gw) {
	count(addresses_of(gw)) == 1
	object.get(addresses_of(gw)[0], "type", "IPAddress") == "IPAddress"
}

hostname_address(a) {
	object.get(a, "type", "Hostname") == "Hostname"
}

# Manual deployment with no Hostname address: Istio writes no listener status.
no_services(gw) {
	not managed(gw)
	count([a | a := addresses_of(gw)[_]; hostname_address(a)]) == 0
}

status_gateway(gw) {
	status_controllers[controller_of(gw)]
	not no_services(gw)
}

namespace_labels(ns) = l {
	n := data.inventory.cluster.v1.Namespace[ns]
	l := object.union(object.get(n.metadata, "labels", {}), {"kubernetes.io/metadata.name": ns})
} else = {"kubernetes.io/metadata.name": ns} {
	true
}

label_selector_matches(sel, labels) {
	subset(object.get(sel, "matchLabels", {}), labels)
	not failed_expression(sel, labels)
}

failed_expression(sel, labels) {
	e := sel.matchExpressions[_]
	not expression_holds(e, labels)
}

expression_holds(e, labels) {
	e.operator == "In"
	labels[e.key] == e.values[_]
}

expression_holds(e, labels) {
	e.operator == "NotIn"
	not labels[e.key]
}

expression_holds(e, labels) {
	e.operator == "NotIn"
	v := labels[e.key]
	count([x | x := e.values[_]; x == v]) == 0
}

expression_holds(e, labels) {
	e.operator == "Exists"
	has_key(labels, e.key)
}

expression_holds(e, labels) {
	e.operator == "DoesNotExist"
	not has_key(labels, e.key)
}

# A ListenerSet takes part in its parent Gateway's listeners: the class is
# istiod's gateway controller and allowedListeners admits its namespace.
eligible_set(gw, s) {
	controller_of(gw) == "istio.io/gateway-controller"
	p := s.spec.parentRef
	p.name == gw.metadata.name
	object.get(p, "namespace", ns_of(s)) == ns_of(gw)
	set_allowed(gw, ns_of(s))
}

set_allowed(gw, ns) {
	gw.spec.allowedListeners.namespaces.from == "All"
}

set_allowed(gw, ns) {
	gw.spec.allowedListeners.namespaces.from == "Same"
	ns == ns_of(gw)
}

# An absent `from` is the CRD's default `None`: a lone selector admits nothing.
set_allowed(gw, ns) {
	n := gw.spec.allowedListeners.namespaces
	n.from == "Selector"
	label_selector_matches(n.selector, namespace_labels(ns))
}

# A ListenerSet listener without a port gets the protocol's.
set_port(l) = p {
	p := l.port
	p != 0
} else = 80 {
	l.protocol == "HTTP"
} else = 443 {
	l.protocol == "HTTPS"
} else = 0 {
	true
}

listener_hostname(l) = h {
	h := l.hostname
	h != ""
} else = "*" {
	true
}

entry(owner, l, i, port) = {
	"kind": owner.kind,
	"ns": ns_of(owner),
	"name": owner.metadata.name,
	"index": i,
	"listener": object.get(l, "name", ""),
	"port": port,
	"protocol": object.get(l, "protocol", ""),
	"hostname": listener_hostname(l),
}

# The Gateway's listeners, then its ListenerSets' oldest first (then by
# namespace/name), each in its own order: the order conflicts are decided in.
merged(gw) = [e |
	found := object.union(
		{k: e |
			l := gw.spec.listeners[i]
			k := sprintf("0 %06d", [i])
			e := entry(gw, l, i, object.get(l, "port", 0))
		},
		{k: e |
			s := listener_sets[_]
			eligible_set(gw, s)
			l := s.spec.listeners[i]
			k := sprintf("1 %s %s/%s %06d", [object.get(s.metadata, "creationTimestamp", ""), ns_of(s), s.metadata.name, i])
			e := entry(s, l, i, set_port(l))
		},
	)
	keys := sort([k | found[k]])
	k := keys[_]
	e := found[k]
]

# TCP/UDP conflict with TCP, UDP and the HTTP-like protocols on a port;
# HTTP-like listeners only when their hostnames are equal; any other
# protocol only with itself.
proto_class(p) = "T" {
	{"TCP", "UDP"}[p]
} else = "H" {
	{"HTTP", "HTTPS", "TLS"}[p]
} else = "O" {
	true
}

first_on_port(M, port) = min(found) {
	found := {i | M[i].port == port; proto_class(M[i].protocol) != "O"}
	count(found) > 0
}

# [reason, index of the listener that keeps the port] when M[j] loses.
listener_loss(M, j) = ["ProtocolConflict", f] {
	proto_class(M[j].protocol) == "T"
	f := first_on_port(M, M[j].port)
	f < j
}

listener_loss(M, j) = ["ProtocolConflict", f] {
	proto_class(M[j].protocol) == "H"
	f := first_on_port(M, M[j].port)
	f < j
	proto_class(M[f].protocol) == "T"
}

listener_loss(M, j) = [reason, w] {
	proto_class(M[j].protocol) == "H"
	proto_class(M[first_on_port(M, M[j].port)].protocol) == "H"
	found := {i | i < j; M[i].port == M[j].port; proto_class(M[i].protocol) == "H"; M[i].hostname == M[j].hostname}
	count(found) > 0
	w := min(found)
	reason := same_protocol_reason(M[w], M[j])
}

listener_loss(M, j) = ["HostnameConflict", w] {
	proto_class(M[j].protocol) == "O"
	found := {i | i < j; M[i].port == M[j].port; M[i].protocol == M[j].protocol}
	count(found) > 0
	w := min(found)
}

same_protocol_reason(a, b) = "HostnameConflict" {
	a.protocol == b.protocol
} else = "ProtocolConflict" {
	true
}

conflict_rule := {
	"ProtocolConflict": ["MM501", "listener-protocol-conflict"],
	"HostnameConflict": ["MM502", "listener-hostname-conflict"],
}

violation[{"msg": msg, "details": {"rule": code, "name": name}}] {
	listener_owner(obj)
	gw := api_gateways[_]
	status_gateway(gw)
	M := merged(gw)
	is_reviewed(M[j])
	loss := listener_loss(M, j)
	w := M[loss[1]]
	code := conflict_rule[loss[0]][0]
	name := conflict_rule[loss[0]][1]
	msg := sprintf("%s %s: listener `%s` (port %d, %s) of %s %s/%s conflicts with listener `%s` of %s %s/%s, which comes first: Istio marks it Conflicted (%s) and programs no server for it", [code, name, M[j].listener, M[j].port, M[j].protocol, M[j].kind, M[j].ns, M[j].name, w.listener, w.kind, w.ns, w.name, loss[0]])
}

listener_owner(o) {
	is_api_gateway(o)
}

listener_owner(o) {
	is_listener_set(o)
}

# ------------------------------------------------- Gateway API as Istio Gateways

# MM510 converts only for istiod's own gateway controller.
istio_class(gw) {
	controller_of(gw) == "istio.io/gateway-controller"
}

# `<name>` or `<name>.<namespace>.svc…`: a Service in the Gateway's namespace.
address_service(gw, a) = a.value {
	not contains(a.value, ".")
} else = n {
	parts := split(a.value, ".")
	count(parts) >= 3
	parts[1] == ns_of(gw)
	parts[2] == "svc"
	n := parts[0]
}

# The Services of a manual-deployment Gateway (extractGatewayServices).
gateway_services(gw) = [s |
	not managed(gw)
	names := {n | a := addresses_of(gw)[_]; hostname_address(a); n := address_service(gw, a)}
	s := services[_]
	names[s.metadata.name]
	ns_of(s) == ns_of(gw)
]

# A ListenerSet's listeners are merged onto its parent's pods when its
# parentRef is a Gateway and allowedListeners admits it (an absent `from`
# admits nothing here).
owner_of(gw, e) = gw {
	e.kind == "Gateway"
} else = s {
	s := listener_sets[_]
	s.kind == e.kind
	s.metadata.name == e.name
	ns_of(s) == e.ns
	object.get(s.spec.parentRef, "kind", "Gateway") == "Gateway"
	_ = gw.spec.allowedListeners.namespaces.from
}

secret_pem(s, key) = v {
	v := s.stringData[key]
} else = base64.decode(s.data[key]) {
	true
}

key_pair(s) {
	contains(secret_pem(s, "tls.crt"), "-----BEGIN ")
	contains(secret_pem(s, "tls.key"), "-----BEGIN ")
}

key_pair(s) {
	contains(secret_pem(s, "cert"), "-----BEGIN ")
	contains(secret_pem(s, "key"), "-----BEGIN ")
}

granted(owner, ref_ns, name) {
	ref_ns == ns_of(owner)
}

granted(owner, ref_ns, name) {
	ref_ns != ns_of(owner)
	g := data.inventory.namespace[ref_ns][gv].ReferenceGrant[_]
	gateway_api_version(gv)
	f := g.spec.from[_]
	f.group == "gateway.networking.k8s.io"
	f.kind == grant_kind(owner)
	f.namespace == ns_of(owner)
	t := g.spec.to[_]
	object.get(t, "group", "") == ""
	t.kind == "Secret"
	object.get(t, "name", name) == name
}

grant_kind(owner) = "Gateway" {
	owner.kind == "Gateway"
} else = "ListenerSet" {
	true
}

valid_certificate(owner, r) {
	object.get(r, "group", "") == ""
	object.get(r, "kind", "Secret") == "Secret"
	ref_ns := object.get(r, "namespace", ns_of(owner))
	granted(owner, ref_ns, r.name)
	s := data.inventory.namespace[ref_ns].v1.Secret[r.name]
	key_pair(s)
}

certificate_refs(l) = r {
	r := l.tls.certificateRefs
	is_array(r)
} else = [] {
	true
}

# Istio's buildTLS accepts the listener's TLS block: passthrough, an
# Istio terminate mode, no certificateRefs, or one usable certificate.
tls_ok(owner, l) {
	not l.tls
}

tls_ok(owner, l) {
	l.tls.mode == "Passthrough"
}

tls_ok(owner, l) {
	{"ISTIO_SIMPLE", "ISTIO_MUTUAL"}[l.tls.options["gateway.istio.io/tls-terminate-mode"]]
}

tls_ok(owner, l) {
	count(certificate_refs(l)) == 0
}

tls_ok(owner, l) {
	refs := certificate_refs(l)
	count(refs) <= 2
	valid_certificate(owner, refs[_])
}

# `allowedRoutes` as host prefixes (namespacesFromSelector).
route_namespaces(owner, l) = ["*"] {
	n := l.allowedRoutes.namespaces
	n.from == "All"
} else = [ns_of(owner)] {
	object.get(object.get(object.get(l, "allowedRoutes", {}), "namespaces", {}), "from", "Same") == "Same"
} else = ["*"] {
	not l.allowedRoutes.namespaces.selector
} else = found {
	sel := l.allowedRoutes.namespaces.selector
	found := sort([ns | known_namespaces[ns]; label_selector_matches(sel, namespace_labels(ns))])
	count(found) > 0
} else = ["~"] {
	true
}

known_namespaces := {ns | _ = data.inventory.namespace[ns]} | {ns | _ = data.inventory.cluster.v1.Namespace[ns]} | {obj_ns}

# buildListener: one server; HTTPS/TLS without `tls` is a placeholder.
server_for(owner, l) = srv {
	{"HTTP", "HTTPS", "TLS", "TCP"}[l.protocol]
	is_number(l.port)
	not placeholder(l)
	tls_ok(owner, l)
	hosts := [concat("/", [ns, listener_hostname(l)]) | ns := route_namespaces(owner, l)[_]]
	srv := object.union(
		{"port": {"number": l.port, "name": "default", "protocol": l.protocol}, "hosts": hosts},
		tls_block(owner, l),
	)
}

placeholder(l) {
	{"HTTPS", "TLS"}[l.protocol]
	not l.tls
}

tls_block(owner, l) = {} {
	not l.tls
} else = {"tls": {"mode": "PASSTHROUGH"}} {
	l.tls.mode == "Passthrough"
} else = {"tls": {"mode": "SIMPLE"}} {
	true
}

# Every programmed listener of a manual-deployment Gateway of Istio's
# class (and of its ListenerSets) as istiod's internal Istio Gateway.
converted := [c |
	gw := api_gateways[_]
	istio_class(gw)
	svcs := gateway_services(gw)
	count(svcs) > 0
	not no_services(gw)
	M := merged(gw)
	e := M[j]
	not listener_loss(M, j)
	owner := owner_of(gw, e)
	l := owner.spec.listeners[e.index]
	srv := server_for(owner, l)
	c := {
		"apiVersion": "networking.istio.io/v1",
		"kind": "Gateway",
		"metadata": {
			"name": concat("", [owner.metadata.name, "~istio-autogenerated-k8s-gateway~", e.listener]),
			"namespace": ns_of(owner),
			"creationTimestamp": object.get(owner.metadata, "creationTimestamp", ""),
		},
		"spec": {"servers": [srv]},
		"gateway_api": {
			"kind": owner.kind,
			"object": sprintf("%s/%s", [ns_of(owner), owner.metadata.name]),
			"parent": sprintf("%s/%s", [ns_of(gw), gw.metadata.name]),
			"listener": e.listener,
			"new": is_reviewed(e),
			"services": svcs,
		},
	}
]

is_reviewed(e) = true {
	e.kind == obj.kind
	e.name == obj.metadata.name
	e.ns == obj_ns
} else = false {
	true
}

service_selects(ctx, s) {
	ctx.real
	ns_of(s) == ctx.ns
	count(svc_selector(s)) > 0
	subset(svc_selector(s), ctx.labels)
}

service_selects(ctx, s) {
	not ctx.real
	count(ctx.labels) > 0
	count(svc_selector(s)) > 0
	subset(svc_selector(s), ctx.labels)
}

service_selects(ctx, s) {
	not ctx.real
	count(ctx.labels) > 0
	count(svc_selector(s)) > 0
	subset(ctx.labels, svc_selector(s))
}

# The pod ports a converted listener lands on: through its own Services
# only, no fallback (a port the Service lacks lands nowhere).
converted_targets(ctx, c) = {t |
	s := c.gateway_api.services[_]
	service_selects(ctx, s)
	p := s.spec.ports[_]
	p.port == c.spec.servers[0].port.number
	t := target_of(p)
}

converted_candidates(ctx, port) = {k: cand |
	c := converted[_]
	converted_targets(ctx, c)[port]
	k := order_key(c, 0)
	cand := object.union(candidate(c, 0, c.spec.servers[0], port), {
		"api": true,
		"new": c.gateway_api.new,
		"parent": c.gateway_api.parent,
		"label": sprintf("listener `%s` of Gateway API %s %s", [c.gateway_api.listener, c.gateway_api.kind, c.gateway_api.object]),
	})
}

# The server a losing server loses to (or shares a rejected listener with).
opponents(L, i) = ((((dup_opponent(L, i) | protocol_opponent(L, i)) | route_opponent(L, i)) | catch_all_opponent(L, i)) | star_opponent(L, i)) | sni_opponent(L, i)

dup_opponent(L, i) = {o |
	duplicate(L, i)
	o := last_registrant(L, i, duplicate_hosts(L, i)[0])
}

protocol_opponent(L, i) = {o |
	protocol_rejected(L, i)
	o := plaintext_before(L, i)
}

route_opponent(L, i) = {o |
	route_rejected(L, i)
	o := min_of({k | L[k].http_server; k < i; L[k].route == L[i].route; not duplicate(L, k)})
}

catch_all_opponent(L, i) = {o |
	plain_chain(L, i)
	o := min_of({j | _ = L[j]; same_listener(L, j, i); catch_all(L, j)})
}

star_opponent(L, i) = {o |
	sni_chain(L, i)
	not duplicate_sni_first_level(L, i)
	sni_names(L[i])["*"]
	o := min_of({k | _ = L[k]; same_listener(L, k, i); plain_chain(L, k)})
}

sni_opponent(L, i) = {o |
	sni_chain(L, i)
	o := min_of({j | _ = L[j]; same_listener(L, j, i); sni_chain(L, j); not duplicate_sni_first_level(L, j); shares_sni(L[j], L[i])})
}

min_of(s) = min(s) {
	count(s) > 0
}

label_of(c) = c.label {
	c.api
} else = sprintf("server %d of Istio Gateway %s", [c.server, c.gateway]) {
	true
}

crosses(a, b) {
	a.api
	not b.api
}

crosses(a, b) {
	not a.api
	b.api
}

crosses(a, b) {
	a.api
	b.api
	a.parent != b.parent
}

mm510(L, i) = msg {
	o := opponents(L, i)[_]
	crosses(L[i], L[o])
	msg := sprintf("MM510 cross-api-port-clash: %s and %s land on port %d of the same gateway pods; istiod drops the newer one (or Envoy rejects the listener), and neither API's status says so", [label_of(L[i]), label_of(L[o]), L[i].port])
}

violation[{"msg": msg, "details": {"rule": "MM510", "name": "cross-api-port-clash"}}] {
	is_istio_gateway(obj)
	ctx := contexts[_]
	member(ctx, obj)
	srv := obj.spec.servers[s]
	port := resolve(ctx, srv.port.number)
	L := cross_listener_servers(ctx, port)
	L[i].new
	not L[i].api
	L[i].server == s + 1
	msg := mm510(L, i)
}

violation[{"msg": msg, "details": {"rule": "MM510", "name": "cross-api-port-clash"}}] {
	listener_owner(obj)
	c := converted[_]
	c.gateway_api.new
	ctx := contexts[_]
	port := converted_targets(ctx, c)[_]
	L := cross_listener_servers(ctx, port)
	L[i].api
	L[i].key == order_key(c, 0)
	msg := mm510(L, i)
}
