"""Writes a generated manifest stream of at least SIZE bytes to OUT.

    python3 gen.py OUT SIZE

One group per ingress gateway workload: its Deployment and Service (80->8080,
443->8443), eight Gateways in four pairs, and four apps (Deployment, Service,
ConfigMap; one Secret), about 14 KB. The four pairs are the cases the
side-by-side table counts:

- `benign`: two HTTPS servers on 443 with different hosts. Istio serves both;
  a same-port-on-same-selector script reports a pair, meshmend nothing.
- `dup-host`: two HTTPS servers on 9443 with the same host. istiod drops the
  newer one; both find it.
- `translated`: HTTP on port 80 and TCP on port 8080. The Service maps 80 to
  targetPort 8080 and has no port 8080, so both land on listener 8080 and the
  TCP server is dropped; only meshmend sees it (the port numbers differ).
- `overlap`: the same TLS host on 15443 from selectors `istio: ingress-N` and
  `app: ingress-N-gw`, which select the same pods; only meshmend sees it (the
  selectors differ).

Deterministic (fixed seed), so every run and tool sees the same bytes.
"""

import random
import sys


def gateway(name, ns, day, selector, port, pname, protocol, host, tls):
    sel_key, sel_value = selector
    out = (
        f"apiVersion: networking.istio.io/v1beta1\nkind: Gateway\nmetadata:\n"
        f"  name: {name}\n  namespace: {ns}\n"
        f'  creationTimestamp: "2024-05-{day:02}T10:00:00Z"\n'
        f"spec:\n  selector:\n    {sel_key}: {sel_value}\n  servers:\n"
        f"    - port:\n        number: {port}\n        name: {pname}\n"
        f"        protocol: {protocol}\n      hosts:\n        - \"{host}\"\n"
    )
    if tls:
        out += f"      tls:\n        mode: SIMPLE\n        credentialName: {tls}\n"
    return out + "---\n"


def ingress(g):
    return (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ingress-{g}\n"
        f"  namespace: istio-system\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n"
        f"      istio: ingress-{g}\n  template:\n    metadata:\n      labels:\n"
        f"        istio: ingress-{g}\n        app: ingress-{g}-gw\n"
        f'      annotations:\n        inject.istio.io/templates: "gateway"\n'
        f"    spec:\n      containers:\n        - name: istio-proxy\n          image: auto\n"
        f"          ports:\n            - containerPort: 8080\n            - containerPort: 8443\n"
        f"            - containerPort: 9443\n            - containerPort: 15443\n---\n"
        f"apiVersion: v1\nkind: Service\nmetadata:\n  name: ingress-{g}\n  namespace: istio-system\n"
        f"spec:\n  type: LoadBalancer\n  selector:\n    istio: ingress-{g}\n  ports:\n"
        f"    - name: http2\n      port: 80\n      targetPort: 8080\n"
        f"    - name: https\n      port: 443\n      targetPort: 8443\n"
        f"    - name: https-alt\n      port: 9443\n      targetPort: 9443\n"
        f"    - name: tls\n      port: 15443\n      targetPort: 15443\n---\n"
    )


def app(g, a, rng):
    name, ns = f"app-{g}-{a}", f"team-{g}"
    token = "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(40))
    out = (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: {ns}\n"
        f"  labels:\n    app: {name}\n    version: v1\nspec:\n  replicas: 3\n  selector:\n"
        f"    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n"
        f"        app: {name}\n        version: v1\n    spec:\n      containers:\n"
        f"        - name: server\n          image: registry.example.com/{name}:1.{a}.{g}\n"
        f"          ports:\n            - containerPort: 8080\n          envFrom:\n"
        f"            - configMapRef:\n                name: {name}-config\n"
        f"          resources:\n            requests:\n              cpu: 100m\n"
        f"              memory: 128Mi\n            limits:\n              cpu: 500m\n"
        f"              memory: 512Mi\n          readinessProbe:\n            httpGet:\n"
        f"              path: /healthz\n              port: 8080\n---\n"
        f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {ns}\n"
        f"spec:\n  selector:\n    app: {name}\n  ports:\n    - name: http\n      port: 80\n"
        f"      targetPort: 8080\n---\n"
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}-config\n  namespace: {ns}\n"
        f"data:\n  LOG_LEVEL: info\n  UPSTREAM_URL: http://backend.{ns}.svc.cluster.local:8080\n"
        f"  FEATURE_FLAGS: search,checkout,recommendations\n"
        f"  application.properties: |\n    server.port=8080\n    cache.ttl=300\n"
        f"    db.url=jdbc:postgresql://db.{ns}:5432/{name}\n---\n"
    )
    if a == 0:
        out += (
            f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}-db\n  namespace: {ns}\n"
            f"type: Opaque\nstringData:\n  password: \"{token}\"\n---\n"
        )
    return out


def group(g, rng):
    ns, d = f"team-{g}", g % 27 + 1
    own, alt = ("istio", f"ingress-{g}"), ("app", f"ingress-{g}-gw")
    gws = [
        gateway(f"benign-a-{g}", ns, d, own, 443, "https", "HTTPS", f"a-{g}.example.com", f"a-{g}-tls"),
        gateway(f"benign-b-{g}", ns, d + 1, own, 443, "https", "HTTPS", f"b-{g}.example.com", f"b-{g}-tls"),
        gateway(f"dup-host-a-{g}", ns, d, own, 9443, "https-alt", "HTTPS", f"shop-{g}.example.com", f"shop-{g}-tls"),
        gateway(f"dup-host-b-{g}", ns, d + 1, own, 9443, "https-alt", "HTTPS", f"shop-{g}.example.com", f"shop2-{g}-tls"),
        gateway(f"translated-a-{g}", ns, d, own, 80, "http", "HTTP", f"web-{g}.example.com", None),
        gateway(f"translated-b-{g}", ns, d + 1, own, 8080, "tcp", "TCP", "*", None),
        gateway(f"overlap-a-{g}", ns, d, own, 15443, "tls", "TLS", f"mtls-{g}.example.com", f"mtls-{g}-tls"),
        gateway(f"overlap-b-{g}", ns, d + 1, alt, 15443, "tls", "TLS", f"mtls-{g}.example.com", f"mtls2-{g}-tls"),
    ]
    return ingress(g) + "".join(gws) + "".join(app(g, a, rng) for a in range(4))


def main():
    out, size = sys.argv[1], int(sys.argv[2])
    rng = random.Random(15)
    with open(out, "w") as f:
        g = 0
        while f.tell() < size:
            f.write(group(g, rng))
            g += 1


if __name__ == "__main__":
    main()
