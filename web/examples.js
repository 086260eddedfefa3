// The page's example menu: the incidents it can load. The Istio Gateway one
// comes from the wasm (examples/seed-conflict.yaml, also what a fresh page
// shows); the Gateway API one is plain text here so it costs the wasm nothing.
// Its source is examples/gateway-api-incident.yaml (a Rust test keeps the two
// the same).

export const GATEWAY_API_EXAMPLE = {
  name: "gateway-api-incident.yaml",
  text: `# The Gateway API migration, half done: the new Gateway "public" is bound to
# the existing istio-ingressgateway pods (manual deployment), next to the Istio
# Gateway that has served the shop since 2024; the payments team attached a
# ListenerSet and the shop team an HTTPRoute. The listener "shop" reports
# Accepted and Programmed, and the Istio Gateway shows no error.
# Paste your own manifests over this example.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: istio-ingressgateway
  namespace: istio-system
spec:
  selector:
    matchLabels:
      istio: ingressgateway
  template:
    metadata:
      labels:
        istio: ingressgateway
    spec:
      containers:
        - name: istio-proxy
          image: docker.io/istio/proxyv2:1.28.1
---
apiVersion: v1
kind: Service
metadata:
  name: istio-ingressgateway
  namespace: istio-system
spec:
  type: LoadBalancer
  selector:
    istio: ingressgateway
  ports:
    - name: http2
      port: 80
      targetPort: 8080
    - name: https
      port: 443
      targetPort: 8443
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: shop-gateway
  namespace: istio-system
  creationTimestamp: "2024-02-05T10:00:00Z"
spec:
  selector:
    istio: ingressgateway
  servers:
    - port:
        number: 443
        name: https
        protocol: HTTPS
      hosts:
        - shop.example.com
      tls:
        mode: SIMPLE
        credentialName: shop-tls
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: public
  namespace: istio-system
  creationTimestamp: "2026-10-20T08:15:00Z"
spec:
  gatewayClassName: istio
  addresses:
    - type: Hostname
      value: istio-ingressgateway.istio-system.svc.cluster.local
  allowedListeners:
    namespaces:
      from: All
  listeners:
    - name: http
      port: 80
      protocol: HTTP
      allowedRoutes:
        namespaces:
          from: All
    - name: shop
      port: 443
      protocol: HTTPS
      hostname: shop.example.com   # the Istio Gateway above serves this SNI too
      tls:
        certificateRefs:
          - name: shop-tls
---
apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata:
  name: payments
  namespace: payments
  creationTimestamp: "2026-11-03T16:40:00Z"
spec:
  parentRef:
    name: public
    namespace: istio-system
  listeners:
    - name: pay
      port: 80
      protocol: TCP   # the Gateway already serves HTTP on 80
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: shop
  namespace: shop
spec:
  parentRefs:
    - name: public
      namespace: istio-system
      sectionName: shop   # listener "shop" admits routes from istio-system only
  hostnames:
    - shop.example.com
  rules:
    - backendRefs:
        - name: storefront
          port: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: storefront
  namespace: shop
spec:
  selector:
    app: storefront
  ports:
    - name: http
      port: 8080
---
apiVersion: v1
kind: Secret
metadata:
  name: shop-tls
  namespace: istio-system
type: kubernetes.io/tls
stringData:
  tls.crt: |
    -----BEGIN CERTIFICATE-----
    (placeholder)
    -----END CERTIFICATE-----
  tls.key: |
    -----BEGIN PRIVATE KEY-----
    (placeholder)
    -----END PRIVATE KEY-----
`,
};

/** The menu's entries, in order: [{id, title}] (the first is the default). */
export const EXAMPLE_MENU = [
  { id: "istio", title: "Istio Gateway incident" },
  { id: "gateway-api", title: "Gateway API incident" },
];
