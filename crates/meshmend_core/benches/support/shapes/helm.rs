// Input shape `helm` shared by the benches and `examples/shapes.rs` (which
// prints it for `scripts/memory.sh`); deterministic, never stored in the repository.

/// What `helm template` emits for a few charts, repeated to at least
/// `bytes`: `# Source:` comments, Deployments with probes and resources,
/// Services, ServiceAccounts, RBAC, ConfigMaps holding whole config files
/// (most of the bytes), a CRD with a long OpenAPI schema, Gateways and
/// VirtualServices.
fn helm(bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 16_384);
    let mut release = 0;
    while out.len() < bytes {
        helm_release(release, &mut out);
        release += 1;
    }
    out.truncate(out.len() - "---\n".len());
    out
}

fn helm_release(r: usize, out: &mut String) {
    let ns = format!("shop-{}", r % 11);
    out.push_str(&format!(
        "---\n# Source: shop/templates/serviceaccount.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: shop-{r}\n  labels:\n    helm.sh/chart: shop-1.8.2\n    app.kubernetes.io/name: shop\n    app.kubernetes.io/instance: shop-{r}\n    app.kubernetes.io/version: \"2.4.1\"\n    app.kubernetes.io/managed-by: Helm\n---\n# Source: shop/templates/configmap.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shop-{r}-config\n  labels:\n    helm.sh/chart: shop-1.8.2\n    app.kubernetes.io/name: shop\n    app.kubernetes.io/instance: shop-{r}\n    app.kubernetes.io/managed-by: Helm\ndata:\n  nginx.conf: |\n    worker_processes auto;\n    events {{\n      worker_connections 1024;\n    }}\n    http {{\n      include       /etc/nginx/mime.types;\n      default_type  application/octet-stream;\n      log_format main '$remote_addr - $remote_user [$time_local] \"$request\" '\n                      '$status $body_bytes_sent \"$http_referer\" '\n                      '\"$http_user_agent\" \"$http_x_forwarded_for\"';\n      sendfile on;\n      keepalive_timeout 65;\n      upstream backend {{\n        server shop-{r}-api.{ns}.svc.cluster.local:8080;\n        keepalive 32;\n      }}\n      server {{\n        listen 8080;\n        location /healthz {{ return 200 'ok'; }}\n        location /api/ {{\n          proxy_pass http://backend;\n          proxy_set_header Host $host;\n          proxy_set_header X-Real-IP $remote_addr;\n          proxy_read_timeout 30s;\n        }}\n        location / {{\n          root /usr/share/nginx/html;\n          try_files $uri $uri/ /index.html;\n        }}\n      }}\n    }}\n  application.yaml: |\n    server:\n      port: 8080\n      shutdown: graceful\n    spring:\n      datasource:\n        url: jdbc:postgresql://shop-{r}-db:5432/shop\n        username: shop\n        hikari:\n          maximum-pool-size: 20\n          connection-timeout: 3000\n      jpa:\n        open-in-view: false\n    management:\n      endpoints:\n        web:\n          exposure:\n            include: health,info,prometheus\n    logging:\n      level:\n        root: INFO\n        com.example.shop: DEBUG\n  feature-flags.json: '{{\"checkout\": true, \"recommendations\": false, \"search\": {{\"engine\": \"v2\", \"fuzzy\": true}}}}'\n  LOG_LEVEL: info\n  CACHE_TTL: \"300\"\n"
    ));
    out.push_str(&format!(
        "---\n# Source: shop/templates/role.yaml\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: shop-{r}\n  namespace: {ns}\nrules:\n  - apiGroups: [\"\"]\n    resources: [\"configmaps\", \"secrets\"]\n    verbs: [\"get\", \"list\", \"watch\"]\n  - apiGroups: [\"coordination.k8s.io\"]\n    resources: [\"leases\"]\n    verbs: [\"get\", \"create\", \"update\"]\n---\n# Source: shop/templates/rolebinding.yaml\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: shop-{r}\n  namespace: {ns}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: shop-{r}\nsubjects:\n  - kind: ServiceAccount\n    name: shop-{r}\n    namespace: {ns}\n"
    ));
    for (component, port) in [("api", 8080), ("web", 8080)] {
        out.push_str(&format!(
            "---\n# Source: shop/templates/{component}-service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: shop-{r}-{component}\n  namespace: {ns}\n  labels:\n    helm.sh/chart: shop-1.8.2\n    app.kubernetes.io/name: shop-{component}\n    app.kubernetes.io/instance: shop-{r}\n    app.kubernetes.io/managed-by: Helm\nspec:\n  type: ClusterIP\n  ports:\n    - port: 80\n      targetPort: http\n      protocol: TCP\n      name: http\n  selector:\n    app.kubernetes.io/name: shop-{component}\n    app.kubernetes.io/instance: shop-{r}\n---\n# Source: shop/templates/{component}-deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop-{r}-{component}\n  namespace: {ns}\n  labels:\n    helm.sh/chart: shop-1.8.2\n    app.kubernetes.io/name: shop-{component}\n    app.kubernetes.io/instance: shop-{r}\n    app.kubernetes.io/version: \"2.4.1\"\n    app.kubernetes.io/managed-by: Helm\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: shop-{component}\n      app.kubernetes.io/instance: shop-{r}\n  template:\n    metadata:\n      annotations:\n        checksum/config: 9f2c{r:060}\n      labels:\n        app.kubernetes.io/name: shop-{component}\n        app.kubernetes.io/instance: shop-{r}\n    spec:\n      serviceAccountName: shop-{r}\n      securityContext:\n        runAsNonRoot: true\n        fsGroup: 2000\n      containers:\n        - name: {component}\n          securityContext:\n            allowPrivilegeEscalation: false\n            readOnlyRootFilesystem: true\n            capabilities:\n              drop:\n              - ALL\n          image: \"ghcr.io/example/shop-{component}:2.4.1\"\n          imagePullPolicy: IfNotPresent\n          ports:\n            - name: http\n              containerPort: {port}\n              protocol: TCP\n          env:\n            - name: SPRING_PROFILES_ACTIVE\n              value: \"production\"\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: shop-{r}-db\n                  key: password\n          livenessProbe:\n            httpGet:\n              path: /healthz\n              port: http\n          readinessProbe:\n            httpGet:\n              path: /healthz\n              port: http\n          resources:\n            limits:\n              cpu: 500m\n              memory: 512Mi\n            requests:\n              cpu: 100m\n              memory: 128Mi\n          volumeMounts:\n            - name: config\n              mountPath: /etc/shop\n      volumes:\n        - name: config\n          configMap:\n            name: shop-{r}-config\n"
        ));
    }
    out.push_str(&format!(
        "---\n# Source: shop/templates/gateway.yaml\napiVersion: networking.istio.io/v1beta1\nkind: Gateway\nmetadata:\n  name: shop-{r}\n  namespace: {ns}\n  labels:\n    app.kubernetes.io/instance: shop-{r}\n    app.kubernetes.io/managed-by: Helm\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n    - port:\n        number: 443\n        name: https-shop-{r}\n        protocol: HTTPS\n      hosts:\n        - \"shop-{r}.example.com\"\n      tls:\n        mode: SIMPLE\n        credentialName: shop-{r}-tls\n---\n# Source: shop/templates/virtualservice.yaml\napiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata:\n  name: shop-{r}\n  namespace: {ns}\n  labels:\n    app.kubernetes.io/instance: shop-{r}\n    app.kubernetes.io/managed-by: Helm\nspec:\n  hosts:\n    - \"shop-{r}.example.com\"\n  gateways:\n    - shop-{r}\n  http:\n    - match:\n        - uri:\n            prefix: /api/\n      route:\n        - destination:\n            host: shop-{r}-api\n            port:\n              number: 80\n    - route:\n        - destination:\n            host: shop-{r}-web\n            port:\n              number: 80\n"
    ));
    if r.is_multiple_of(20) {
        out.push_str(&format!(
            "---\n# Source: shop/crds/widgets.yaml\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets{r}.shop.example.com\nspec:\n  group: shop.example.com\n  names:\n    kind: Widget{r}\n    plural: widgets{r}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              properties:\n"
        ));
        for field in 0..40 {
            out.push_str(&format!(
                "                field{field}:\n                  type: string\n                  description: >-\n                    Field {field} of the widget; set it to tune how the widget\n                    behaves under load (see the operator guide).\n                  maxLength: 253\n"
            ));
        }
    }
    out.push_str("---\n");
}
