"""Corpus templates for generate.py. ⟦FAMILY|generator|id⟧ = secret, ⟪text⟫ /
⟪@generator⟫ = look-alike negative, family "-" = public material (negative)."""

TEMPLATES = [
("01-istio-gateway-tls.yaml", """
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: public-gw
  namespace: istio-ingress
spec:
  selector:
    istio: ingressgateway
  servers:
    - port:
        number: ⟪443⟫
        name: https
        protocol: HTTPS
      hosts:
        - ⟪shop.corp.example.net⟫
      tls:
        mode: SIMPLE
        credentialName: ⟪shop-tls-cert⟫
---
apiVersion: v1
kind: Secret
metadata:
  name: shop-tls-cert
  namespace: istio-ingress
type: kubernetes.io/tls
data:
  tls.crt: ⟦-|b64:cert|shop⟧
  tls.key: ⟦SECRET_DATA|b64:pem_rsa|shop⟧
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: shop
  namespace: shop
spec:
  hosts: [shop.corp.example.net]
  gateways: [istio-ingress/public-gw]
  http:
    - route:
        - destination:
            host: ⟪catalog.shop.svc.cluster.local⟫
            port:
              number: ⟪8080⟫
      headers:
        request:
          set:
            Authorization: "Bearer ⟦JWT|jwt|shop⟧"
"""),
("02-deployment-env-db.yaml", """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
  namespace: shop
  annotations:
    checksum/config: ⟪@hex64⟫
spec:
  replicas: 3
  template:
    metadata:
      labels:
        app: orders
    spec:
      containers:
        - name: orders
          image: ghcr.io/corp/orders@⟪@sha256⟫
          ports:
            - containerPort: ⟪8080⟫
          env:
            - name: DB_HOST
              value: ⟪orders-db.shop.svc⟫
            - name: DB_USER
              value: orders
            - name: DB_PASSWORD
              value: ⟦ENV_PAIR|pw|orders-db⟧
            - name: DATABASE_URL
              value: postgres://orders:⟦URI|pw|orders-db⟧@orders-db.shop.svc:5432/orders?sslmode=require
            - name: REDIS_URL
              value: redis://:⟦URI|pw|redis⟧@redis-master.shop.svc:6379/0
            - name: AMQP_URL
              value: amqps://orders:⟦URI|pw|amqp⟧@rabbitmq.shop.svc:5671/%2f
            - name: SESSION_SECRET
              value: "⟦ENV_PAIR|pw|session⟧"
            - name: STRIPE_API_KEY
              valueFrom:
                secretKeyRef:
                  name: ⟪stripe-credentials⟫
                  key: ⟪api-key⟫
            - name: FEATURE_TOKEN_TTL
              value: "3600"
            - name: LOG_PASSWORD_CHANGES
              value: "true"
"""),
("03-secret-opaque.yaml", """
apiVersion: v1
kind: Secret
metadata:
  name: payments-credentials
  namespace: payments
  uid: ⟪@uuid⟫
type: Opaque
data:
  username: ⟦~|b64:pw|payments-user⟧
  password: ⟦SECRET_DATA|b64:pw|payments⟧
  api-key: ⟦SECRET_DATA|b64:hex40|payments-api⟧
  webhook-secret: ⟦SECRET_DATA|b64:whsec|payments⟧
stringData:
  STRIPE_SECRET_KEY: ⟦STRING_DATA|stripe|payments⟧
  PAYMENT_PROVIDER_TOKEN: ⟦STRING_DATA|pw|provider⟧
  config.yaml: |
    provider:
      endpoint: ⟪https://api.payments.corp.internal⟫
      timeoutSeconds: 30
      signingSecret: ⟦STRING_DATA|pw|signing⟧
"""),
("04-dockerconfigjson.yaml", """
apiVersion: v1
kind: Secret
metadata:
  name: regcred
  namespace: ci
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: ⟦DOCKERCONFIG|dockerjson|ci⟧
---
apiVersion: v1
kind: Secret
metadata:
  name: regcred-plain
  namespace: ci
type: kubernetes.io/dockerconfigjson
stringData:
  .dockerconfigjson: |
    {"auths": {"⟪registry.corp.internal⟫": {"username": "deploy", "password": "⟦DOCKERCONFIG|dckr|plain⟧", "auth": "⟦DOCKERCONFIG|basic:pw|deploy⟧"}}}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: builder
  namespace: ci
imagePullSecrets:
  - name: ⟪regcred⟫
"""),
("05-helm-values-prod.yaml", """
# values-prod.yaml for the platform umbrella chart
global:
  imageRegistry: ⟪registry.corp.internal⟫
  storageClass: gp3
postgresql:
  enabled: true
  auth:
    username: app
    database: app
    postgresPassword: ⟦KEYED|pw|pg-admin⟧
    password: ⟦KEYED|pw|pg-app⟧
    existingSecret: ⟪""⟫
    secretKeys:
      adminPasswordKey: ⟪postgres-password⟫
redis:
  auth:
    enabled: true
    password: ⟦KEYED|pw|redis⟧
    existingSecretPasswordKey: ⟪redis-password⟫
rabbitmq:
  auth:
    username: app
    password: ⟪changeme⟫
    erlangCookie: ⟦KEYED|pw|erlang⟧
keycloak:
  auth:
    adminUser: admin
    adminPassword: ⟦KEYED|pw|keycloak⟧
  extraEnv: |
    - name: KC_DB_PASSWORD
      value: "⟦ENV_PAIR|pw|kcdb⟧"
minio:
  rootUser: minio-admin
  rootPassword: ⟦KEYED|pw|minio⟧
  accessKey: ⟪REPLACE_ME⟫
  secretKey: ⟦KEYED|aws_secret|minio⟧
smtp:
  host: ⟪smtp.corp.example.net⟫
  port: ⟪587⟫
  password: ⟪""⟫
grafana:
  adminPassword: ⟪${GRAFANA_ADMIN_PASSWORD}⟫
oauth2Proxy:
  config:
    clientID: ⟪@uuid⟫
    clientSecret: ⟦KEYED|pw|oauth⟧
    cookieSecret: ⟦KEYED|cf_token|cookie⟧
"""),
("06-helm-template-secret.yaml", """
{{- if .Values.db.enabled }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "app.fullname" . }}-db
  labels:
    {{- include "app.labels" . | nindent 4 }}
type: Opaque
data:
  password: ⟪{{ .Values.db.password | b64enc | quote }}⟫
  replication-password: ⟦SECRET_DATA|b64:pw|replication⟧
stringData:
  admin-password: ⟦STRING_DATA|pw|tpl-admin⟧
  admin-token: {{ .Values.adminToken | default "⟦STRING_DATA|pw|tpl-token⟧" | quote }}
{{- end }}
---
{{- if .Values.worker.enabled }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}-worker
spec:
  template:
    spec:
      containers:
        - name: worker
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          env:
            - name: QUEUE_PASSWORD
              value: ⟦ENV_PAIR|pw|queue⟧
            - name: API_TOKEN
              value: ⟪{{ .Values.worker.apiToken | quote }}⟫
            - name: DB_PASSWORD
              value: ⟪<your-db-password>⟫
            - name: SMTP_PASSWORD
              value: {{ .Values.smtp.password | default "⟦ENV_PAIR|pw|tpl-smtp⟧" | quote }}
            - name: CACHE_PASSWORD
              value: ⟪{{ .Values.cache.password | default "" | quote }}⟫
{{- end }}
"""),
("07-argocd-repo-and-cluster.yaml", """
apiVersion: v1
kind: Secret
metadata:
  name: repo-platform
  namespace: argocd
  labels:
    argocd.argoproj.io/secret-type: repository
stringData:
  type: git
  url: ⟪https://github.com/corp/platform.git⟫
  username: ⟪git⟫
  password: ⟦VENDOR|ghp|argocd⟧
---
apiVersion: v1
kind: Secret
metadata:
  name: repo-infra-ssh
  namespace: argocd
  labels:
    argocd.argoproj.io/secret-type: repository
stringData:
  url: ⟪git@github.com:corp/infra.git⟫
  sshPrivateKey: |
    ⟦PEM|pem_openssh|argocd⟧
---
apiVersion: v1
kind: Secret
metadata:
  name: cluster-prod-eu
  namespace: argocd
  labels:
    argocd.argoproj.io/secret-type: cluster
type: Opaque
stringData:
  name: prod-eu
  server: ⟪https://4F2A9C1B7D3E5F6A8B0C2D4E6F8A0B1C.gr7.eu-west-1.eks.amazonaws.com⟫
  config: |
    {
      "bearerToken": "⟦JWT|jwt|argocd-cluster⟧",
      "tlsClientConfig": {
        "insecure": false,
        "caData": "⟦-|b64:cert|eks⟧"
      }
    }
"""),
("08-argocd-application-helm.yaml", """
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: payments
  namespace: argocd
  annotations:
    argocd.argoproj.io/revision: ⟪@sha1⟫
spec:
  project: default
  source:
    repoURL: ⟪https://charts.corp.internal⟫
    chart: payments
    targetRevision: ⟪4.12.3⟫
    helm:
      parameters:
        - name: redis.password
          value: ⟦ENV_PAIR|pw|argo-redis⟧
        - name: image.tag
          value: ⟪4.12.3⟫
        - name: replicaCount
          value: "3"
      values: |
        externalDatabase:
          host: ⟪payments-db.corp.internal⟫
          port: ⟪5432⟫
          user: payments
          password: ⟦KEYED|pw|argo-db⟧
        sentry:
          dsn: https://⟪@hex32⟫:⟦URI|hex32|sentry⟧@sentry.corp.internal/42
        secretName: ⟪payments-tls⟫
  destination:
    server: https://kubernetes.default.svc
    namespace: payments
"""),
("09-cert-manager-route53.yaml", """
apiVersion: cert-manager.io/v1
kind: ClusterIssuer
metadata:
  name: letsencrypt-prod
spec:
  acme:
    email: ⟪platform@corp.example.net⟫
    server: ⟪https://acme-v02.api.letsencrypt.org/directory⟫
    privateKeySecretRef:
      name: ⟪letsencrypt-prod-account-key⟫
    solvers:
      - dns01:
          route53:
            region: eu-west-1
            hostedZoneID: ⟪Z2FDTNDATAQYW2⟫
            role: arn:aws:iam::⟦ARN_ACCOUNT|account|dns⟧:role/cert-manager-dns01
            accessKeyID: ⟦AWS|aws_id|certmgr⟧
            secretAccessKeySecretRef:
              name: ⟪route53-credentials⟫
              key: ⟪secret-access-key⟫
---
apiVersion: v1
kind: Secret
metadata:
  name: route53-credentials
  namespace: cert-manager
type: Opaque
stringData:
  secret-access-key: ⟦AWS|aws_secret|certmgr⟧
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: shop-tls
  namespace: istio-ingress
spec:
  secretName: ⟪shop-tls-cert⟫
  dnsNames: [shop.corp.example.net]
  issuerRef:
    name: letsencrypt-prod
    kind: ClusterIssuer
"""),
("10-cert-manager-cloudflare.yaml", """
apiVersion: v1
kind: Secret
metadata:
  name: cloudflare-api-token
  namespace: cert-manager
type: Opaque
stringData:
  api-token: ⟦STRING_DATA|cf_token|cloudflare⟧
---
apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: cloudflare
  namespace: cert-manager
spec:
  acme:
    server: ⟪https://acme-v02.api.letsencrypt.org/directory⟫
    privateKeySecretRef:
      name: ⟪cloudflare-issuer-account-key⟫
    solvers:
      - dns01:
          cloudflare:
            email: ⟪dns-admin@corp.example.net⟫
            apiTokenSecretRef:
              name: ⟪cloudflare-api-token⟫
              key: ⟪api-token⟫
"""),
("11-external-secrets.yaml", """
apiVersion: v1
kind: ServiceAccount
metadata:
  name: external-secrets
  namespace: external-secrets
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::⟦ARN_ACCOUNT|account|eso⟧:role/external-secrets-irsa
---
apiVersion: external-secrets.io/v1beta1
kind: ClusterSecretStore
metadata:
  name: aws-secrets-manager
spec:
  provider:
    aws:
      service: SecretsManager
      region: eu-west-1
      role: arn:aws:iam::⟦ARN_ACCOUNT|account|eso⟧:role/eso-reader
      auth:
        jwt:
          serviceAccountRef:
            name: ⟪external-secrets⟫
---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: orders-db
  namespace: shop
spec:
  refreshInterval: 1h
  secretStoreRef:
    name: ⟪aws-secrets-manager⟫
    kind: ClusterSecretStore
  target:
    name: ⟪orders-db-credentials⟫
  data:
    - secretKey: ⟪password⟫
      remoteRef:
        key: ⟪prod/orders/db⟫
        property: ⟪password⟫
    - secretKey: ⟪username⟫
      remoteRef:
        key: ⟪prod/orders/db⟫
        property: ⟪username⟫
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: kms-config
  namespace: shop
data:
  KMS_KEY_ARN: arn:aws:kms:eu-west-1:⟦ARN_ACCOUNT|account|kms⟧:key/⟪@uuid⟫
  POLICY_ARN: ⟪arn:aws:iam::aws:policy/AmazonEKSClusterPolicy⟫
  BUCKET_ARN: ⟪arn:aws:s3:::corp-shop-assets⟫
"""),
("12-configmap-application-properties.yaml", """
apiVersion: v1
kind: ConfigMap
metadata:
  name: billing-config
  namespace: billing
data:
  application.properties: |
    server.port=⟪8080⟫
    spring.datasource.url=jdbc:postgresql://billing-db:5432/billing?user=billing&password=⟦CONN_STRING|pw|billing-jdbc⟧
    spring.datasource.username=billing
    spring.datasource.password=⟦CONFIG_LINE|pw|billing-db⟧
    spring.mail.host=⟪smtp.corp.example.net⟫
    spring.mail.password=⟦CONFIG_LINE|pw|mail⟧
    management.endpoints.web.exposure.include=health,info
    app.jwt.signing-key=⟦CONFIG_LINE|cf_token|jwt-signing⟧
  .env: |
    NODE_ENV=production
    API_BASE_URL=⟪https://api.corp.internal⟫
    SENDGRID_API_KEY=⟦VENDOR|sendgrid|billing⟧
    INTERNAL_API_KEY="⟦CONFIG_LINE|hex32|internal⟧"
    COMMIT_SHA=⟪@sha1⟫
    PASSWORD_MIN_LENGTH=12
  settings.ini: |
    [database]
    host = ⟪billing-db.billing.svc⟫
    password = ⟦CONFIG_LINE|pw|ini-db⟧
  context.xml: |
    <Resource name="jdbc/billing" auth="Container" type="javax.sql.DataSource"/>
    <password>⟦CONFIG_LINE|pw|xml⟧</password>
"""),
("13-gcp-service-account.yaml", """
apiVersion: v1
kind: Secret
metadata:
  name: gcs-uploader
  namespace: media
type: Opaque
stringData:
  key.json: |
    {
      "type": "service_account",
      "project_id": "corp-media-prod",
      "private_key_id": "⟦GCP|hex40|gcs⟧",
      "private_key": "-----BEGIN PRIVATE KEY-----\\n⟦PEM|pem_pkcs8_json|gcs⟧\\n-----END PRIVATE KEY-----\\n",
      "client_email": "gcs-uploader@corp-media-prod.iam.gserviceaccount.com",
      "client_id": "⟪104578923456781234567⟫",
      "auth_uri": "https://accounts.google.com/o/oauth2/auth",
      "token_uri": "⟪https://oauth2.googleapis.com/token⟫"
    }
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: maps-frontend
  namespace: media
data:
  MAPS_API_KEY: ⟦GCP|gcp_key|maps⟧
  GOOGLE_CLOUD_PROJECT: corp-media-prod
"""),
("14-azure-storage.yaml", """
apiVersion: v1
kind: ConfigMap
metadata:
  name: blob-config
  namespace: media
data:
  STORAGE_CONNECTION: DefaultEndpointsProtocol=https;AccountName=corpmediaprod;AccountKey=⟦AZURE|azure_key|media⟧;EndpointSuffix=core.windows.net
  EXPORT_URL: https://corpmediaprod.blob.core.windows.net/exports?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2027-01-01T00:00:00Z&sig=⟦AZURE|sas_sig|export⟧
  SERVICEBUS: Endpoint=sb://corp-events.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=⟦AZURE|sb_key|events⟧
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: media-api
  namespace: media
spec:
  template:
    spec:
      containers:
        - name: api
          image: corpacr.azurecr.io/media-api:⟪2.4.1⟫
          env:
            - name: AZURE_TENANT_ID
              value: ⟪@uuid⟫
            - name: AZURE_CLIENT_ID
              value: ⟪@uuid⟫
            - name: AZURE_CLIENT_SECRET
              value: ⟦AZURE|aad_secret|media⟧
"""),
("15-vendor-tokens.yaml", """
apiVersion: v1
kind: Secret
metadata:
  name: integrations
  namespace: platform
type: Opaque
stringData:
  SLACK_BOT_TOKEN: ⟦VENDOR|slack_bot|alerts⟧
  SLACK_WEBHOOK_URL: https://hooks.slack.com/services/⟦VENDOR|slack_hook|alerts⟧
  SENDGRID_API_KEY: ⟦VENDOR|sendgrid|platform⟧
  DD_API_KEY: ⟦VENDOR|hex32|datadog⟧
  NPM_TOKEN: ⟦VENDOR|npm|ci⟧
  DOCKERHUB_TOKEN: ⟦VENDOR|dckr|ci⟧
  GRAFANA_SERVICE_ACCOUNT_TOKEN: ⟦VENDOR|glsa|dash⟧
  VAULT_TOKEN: ⟦VENDOR|hvs|platform⟧
  OPENAI_API_KEY: ⟦VENDOR|openai|assistant⟧
  ANTHROPIC_API_KEY: ⟦VENDOR|anthropic|assistant⟧
  GITLAB_TOKEN: ⟦VENDOR|glpat|mirror⟧
  GITHUB_TOKEN: ⟦VENDOR|github_pat|release⟧
  STRIPE_WEBHOOK_SECRET: ⟦VENDOR|whsec|platform⟧
"""),
("16-redis-statefulset-args.yaml", """
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: redis
  namespace: cache
spec:
  serviceName: redis
  template:
    spec:
      containers:
        - name: redis
          image: redis:⟪7.2.4⟫
          args: ["--requirepass", "⟦CLI_ARG|pw|redis-req⟧", "--port", "⟪6379⟫", "--appendonly", "yes"]
          livenessProbe:
            exec:
              command: ["sh", "-c", "redis-cli -a ⟪$(REDIS_PASSWORD)⟫ ping"]
        - name: sentinel
          image: redis:⟪7.2.4⟫
          command:
            - redis-server
            - /etc/redis/sentinel.conf
            - --sentinel
            - --masterauth
            - ⟦CLI_ARG|pw|redis-master⟧
        - name: exporter
          image: oliver006/redis_exporter:⟪v1.58.0⟫
          args:
            - --redis.addr=redis://localhost:6379
            - --redis.password=⟦CLI_ARG|pw|redis-req⟧
"""),
("17-mongodb-atlas.yaml", """
apiVersion: v1
kind: Secret
metadata:
  name: atlas-operator-api-key
  namespace: mongodb-atlas-system
  labels:
    atlas.mongodb.com/type: credentials
stringData:
  orgId: ⟪@hex32⟫
  publicApiKey: ⟪kqmzbtwa⟫
  privateApiKey: ⟦STRING_DATA|uuid|atlas⟧
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: catalog
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: catalog
          image: ghcr.io/corp/catalog:⟪1.9.0⟫
          env:
            - name: MONGODB_URI
              value: mongodb+srv://catalog:⟦URI|pw|atlas-db⟧@cluster0.ab1cd.mongodb.net/catalog?retryWrites=true&w=majority
            - name: MONGODB_URI_TEMPLATE
              value: ⟪mongodb+srv://<username>:<password>@cluster0.ab1cd.mongodb.net⟫
"""),
("18-ingress-basic-auth.yaml", """
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: admin
  namespace: tools
  annotations:
    nginx.ingress.kubernetes.io/auth-type: ⟪basic⟫
    nginx.ingress.kubernetes.io/auth-secret: ⟪tools/admin-basic-auth⟫
    nginx.ingress.kubernetes.io/auth-realm: "Authentication Required"
spec:
  rules:
    - host: ⟪admin.corp.example.net⟫
---
apiVersion: v1
kind: Secret
metadata:
  name: admin-basic-auth
  namespace: tools
type: Opaque
data:
  auth: ⟦SECRET_DATA|b64:pw|htpasswd⟧
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: legacy-api
  namespace: tools
spec:
  hosts: [legacy.corp.example.net]
  http:
    - headers:
        request:
          add:
            authorization: Basic ⟦BASIC_AUTH|basic:pw|legacy@legacy⟧
      route:
        - destination:
            host: ⟪legacy-api.tools.svc.cluster.local⟫
"""),
("19-kustomization.yaml", """
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop
resources:
  - deployment.yaml
  - service.yaml
images:
  - name: ghcr.io/corp/orders
    digest: ⟪@sha256⟫
secretGenerator:
  - name: orders-db
    literals:
      - DB_USER=orders
      - DB_PASSWORD=⟦CONFIG_LINE|pw|kustomize-db⟧
      - API_TOKEN=⟦CONFIG_LINE|hex40|kustomize-api⟧
  - name: orders-tls
    files:
      - tls.crt
      - tls.key
configMapGenerator:
  - name: orders-config
    literals:
      - LOG_LEVEL=info
      - TOKEN_ISSUER=⟪https://auth.corp.internal⟫
"""),
("20-istio-envoyfilter-lua.yaml", """
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: legacy-auth-header
  namespace: istio-system
spec:
  workloadSelector:
    labels:
      app: legacy-gateway
  configPatches:
    - applyTo: HTTP_FILTER
      match:
        context: SIDECAR_OUTBOUND
      patch:
        operation: INSERT_BEFORE
        value:
          name: envoy.filters.http.lua
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua
            inlineCode: |
              function envoy_on_request(request_handle)
                request_handle:headers():add("authorization", "Bearer ⟦BEARER|hex40|lua⟧")
                request_handle:headers():add("x-request-id-prefix", "⟪@uuid⟫")
              end
"""),
("21-istio-requestauthentication-jwks.yaml", """
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: jwt-auth
  namespace: shop
spec:
  selector:
    matchLabels:
      app: orders
  jwtRules:
    - issuer: ⟪https://auth.corp.internal⟫
      audiences: [mesh]
      jwks: |
        {"keys": [{"kty": "RSA", "kid": "⟪k1-2026⟫", "use": "sig", "alg": "RS256", "e": "AQAB", "n": "⟪0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw⟫"}]}
      forwardOriginalToken: true
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: require-jwt
  namespace: shop
spec:
  action: ALLOW
  rules:
    - from:
        - source:
            requestPrincipals: ["⟪https://auth.corp.internal/*⟫"]
# smoke test token (expires 2030): ⟦JWT|jwt|smoke⟧
"""),
("22-alertmanager-config.yaml", """
apiVersion: v1
kind: Secret
metadata:
  name: alertmanager-main
  namespace: monitoring
type: Opaque
stringData:
  alertmanager.yaml: |
    global:
      resolve_timeout: 5m
      smtp_smarthost: ⟪smtp.corp.example.net:587⟫
      smtp_from: alerts@corp.example.net
      smtp_auth_username: alerts@corp.example.net
      smtp_auth_password: ⟦KEYED|pw|smtp⟧
      slack_api_url: https://hooks.slack.com/services/⟦VENDOR|slack_hook|am⟧
    receivers:
      - name: pagerduty
        pagerduty_configs:
          - routing_key: ⟦KEYED|hex32|pagerduty⟧
      - name: opsgenie
        opsgenie_configs:
          - api_key: ⟦KEYED|uuid|opsgenie⟧
    route:
      receiver: pagerduty
      group_by: [alertname]
"""),
("23-grafana-datasources.yaml", """
apiVersion: v1
kind: ConfigMap
metadata:
  name: grafana-datasources
  namespace: monitoring
  labels:
    grafana_datasource: "1"
data:
  datasources.yaml: |
    apiVersion: 1
    datasources:
      - name: Prometheus
        type: prometheus
        url: ⟪http://prometheus-operated.monitoring.svc:9090⟫
        basicAuth: true
        basicAuthUser: grafana
        secureJsonData:
          basicAuthPassword: ⟦KEYED|pw|grafana-prom⟧
      - name: Loki
        type: loki
        url: https://loki:⟦URI|pw|loki⟧@logs.corp.internal
      - name: Postgres
        type: postgres
        url: ⟪billing-db.billing.svc:5432⟫
        user: grafana_ro
        secureJsonData:
          password: ⟦KEYED|pw|grafana-pg⟧
"""),
("24-go-dsn-and-odbc.yaml", """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: inventory
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: inventory
          image: ghcr.io/corp/inventory:⟪3.0.2⟫
          env:
            - name: MYSQL_DSN
              value: inventory:⟦CONN_STRING|pw|go-dsn⟧@tcp(mysql.shop.svc:3306)/inventory?parseTime=true
            - name: MSSQL_CONNECTION
              value: "Server=tcp:sql.corp.internal,1433;Database=legacy;User Id=svc_legacy;Password=⟦CONN_STRING|pw|mssql⟧;Encrypt=true"
            - name: ODBC
              value: Driver={ODBC Driver 18 for SQL Server};Server=sql.corp.internal;Uid=report;Pwd=⟦CONN_STRING|pw|odbc⟧;
            - name: MYSQL_URL
              value: mysql://inventory:⟦URI|pw|go-dsn⟧@mysql.shop.svc:3306/inventory
"""),
("25-kubeconfig-secret.yaml", """
apiVersion: v1
kind: Secret
metadata:
  name: deployer-kubeconfig
  namespace: ci
type: Opaque
stringData:
  kubeconfig: |
    apiVersion: v1
    kind: Config
    clusters:
      - name: prod
        cluster:
          server: ⟪https://10.20.0.1:6443⟫
          certificate-authority-data: ⟦-|b64:cert|kube-ca⟧
    users:
      - name: deployer
        user:
          client-key-data: ⟦KEYED|b64:pem_ec|deployer⟧
          token: ⟦KEYED|jwt|deployer⟧
    contexts:
      - name: prod
        context: {cluster: prod, user: deployer}
    current-context: prod
"""),
("26-last-applied-annotation.yaml", """
apiVersion: v1
kind: Secret
metadata:
  name: ledger-db
  namespace: ledger
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"v1","data":{"password":"⟦SECRET_DATA|b64:pw|ledger⟧"},"kind":"Secret","metadata":{"annotations":{},"name":"ledger-db","namespace":"ledger"},"type":"Opaque"}
type: Opaque
data:
  password: ⟦SECRET_DATA|b64:pw|ledger⟧
"""),
("27-istio-operator-and-webhooks.yaml", """
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata:
  name: control-plane
  namespace: istio-system
spec:
  profile: default
  hub: ⟪gcr.io/istio-release⟫
  tag: ⟪1.24.2⟫
  meshConfig:
    accessLogFile: /dev/stdout
    trustDomain: ⟪cluster.local⟫
  components:
    ingressGateways:
      - name: istio-ingressgateway
        enabled: true
        k8s:
          service:
            type: LoadBalancer
            ports:
              - port: ⟪443⟫
                targetPort: ⟪8443⟫
                name: https
              - port: ⟪15021⟫
                name: status-port
          serviceAnnotations:
            service.beta.kubernetes.io/aws-load-balancer-type: nlb
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: istio-sidecar-injector
  uid: ⟪@uuid⟫
  resourceVersion: "⟪48213377⟫"
webhooks:
  - name: namespace.sidecar-injector.istio.io
    clientConfig:
      service:
        name: ⟪istiod⟫
        namespace: istio-system
        path: /inject
      caBundle: ⟦-|b64:cert|istiod-ca⟧
    sideEffects: None
---
apiVersion: v1
kind: Secret
metadata:
  name: cacerts
  namespace: istio-system
type: Opaque
data:
  ca-cert.pem: ⟦-|b64:cert|istio-ca⟧
  root-cert.pem: ⟦-|b64:cert|istio-root⟧
  ca-key.pem: ⟦SECRET_DATA|b64:pem_rsa|istio-ca⟧
"""),
("28-serviceaccount-token-secret.yaml", """
apiVersion: v1
kind: Secret
metadata:
  name: ci-deployer-token
  namespace: ci
  annotations:
    kubernetes.io/service-account.name: ⟪ci-deployer⟫
    kubernetes.io/service-account.uid: ⟪@uuid⟫
type: kubernetes.io/service-account-token
data:
  ca.crt: ⟦-|b64:cert|sa-ca⟧
  namespace: ⟪Y2k=⟫
  token: ⟦SECRET_DATA|b64:jwt|ci-deployer⟧
"""),
("29-comments-and-runbooks.yaml", """
# Runbook notes (do not commit secrets!):
#   old admin password: ⟦COMMENT|pw|old-admin⟧
#   break-glass key: ⟦COMMENT|aws_id|breakglass⟧ / ⟦COMMENT|aws_secret|breakglass⟧
#   curl -u ops:⟦COMMENT|pw|ops-curl⟧ https://status.corp.internal/api/v1/health
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-export
  namespace: data
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: export
              image: ghcr.io/corp/exporter:⟪5.1.0⟫
              command:
                - /bin/sh
                - -c
                - |
                  set -eu
                  export PGPASSWORD=⟦CONFIG_LINE|pw|export-pg⟧
                  pg_dump -h ⟪warehouse.data.svc⟫ -U exporter warehouse > /tmp/dump.sql
                  curl -sf -H "Authorization: Bearer ⟦BEARER|glpat|export⟧" -T /tmp/dump.sql https://gitlab.corp.internal/api/v4/upload
          restartPolicy: OnFailure
"""),
("30-crossplane-aws-credentials.yaml", """
apiVersion: v1
kind: Secret
metadata:
  name: aws-creds
  namespace: crossplane-system
type: Opaque
stringData:
  credentials: |
    [default]
    aws_access_key_id = ⟦AWS|aws_id|crossplane⟧
    aws_secret_access_key = ⟦AWS|aws_secret|crossplane⟧
    aws_session_token = ⟦AWS|aws_session|crossplane⟧
---
apiVersion: aws.upbound.io/v1beta1
kind: ProviderConfig
metadata:
  name: default
spec:
  credentials:
    source: Secret
    secretRef:
      namespace: crossplane-system
      name: ⟪aws-creds⟫
      key: ⟪credentials⟫
  assumeRoleChain:
    - roleARN: arn:aws:iam::⟦ARN_ACCOUNT|account|crossplane⟧:role/crossplane-provisioner
"""),
("31-flux-helmrelease.yaml", """
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: keycloak
  namespace: auth
spec:
  interval: 10m
  chart:
    spec:
      chart: keycloak
      version: ⟪21.4.1⟫
      sourceRef:
        kind: HelmRepository
        name: ⟪bitnami⟫
  valuesFrom:
    - kind: Secret
      name: ⟪keycloak-values⟫
      valuesKey: ⟪values.yaml⟫
  values:
    auth:
      adminUser: admin
      adminPassword: ⟦KEYED|pw|flux-kc⟧
    postgresql:
      auth:
        password: ⟪{{ .Values.global.postgresPassword }}⟫
        existingSecret: ⟪keycloak-db⟫
    extraEnvVars:
      - name: KC_SPI_EMAIL_PASSWORD
        value: ⟦ENV_PAIR|pw|flux-mail⟧
      - name: KC_HOSTNAME
        value: ⟪auth.corp.example.net⟫
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: platform
  namespace: flux-system
spec:
  url: https://gitlab-ci-token:⟦URI|glpat|flux⟧@gitlab.corp.internal/platform/fleet.git
  ref:
    commit: ⟪@sha1⟫
"""),
("32-ecr-sqs-accounts.yaml", """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: notifier
  namespace: events
spec:
  template:
    spec:
      serviceAccountName: notifier
      containers:
        - name: notifier
          image: ⟦ARN_ACCOUNT|account|ecr⟧.dkr.ecr.eu-west-1.amazonaws.com/notifier:⟪2.3.1⟫
          env:
            - name: QUEUE_URL
              value: https://sqs.eu-west-1.amazonaws.com/⟦ARN_ACCOUNT|account|ecr⟧/notifier-events
            - name: TOPIC_ARN
              value: arn:aws:sns:eu-west-1:⟦ARN_ACCOUNT|account|ecr⟧:notifier-fanout
            - name: AWS_REGION
              value: eu-west-1
            - name: AWS_ACCOUNT_ID
              value: "⟦ARN_ACCOUNT|account|ecr⟧"
"""),
]
