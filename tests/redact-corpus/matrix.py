#!/usr/bin/env python3
"""The context matrix of the redaction corpus: every token family of the
catalogue (plus bare high-entropy values) placed in every context a secret
turns up in — a neutral env var, a secret-sounding env var, Helm values, an
`application.properties` block, prose, `.env` text and a URL — with
look-alike negatives, plus a secret-free corpus of realistic manifests
(`c-*.yaml`) on which every finding is a false positive. `MATRIX_SEED=n`
draws other values (for a held-out check on a copy of this directory).

All values are SYNTHETIC (seeded random, format-valid: GitHub/npm CRC32
checksums pass) and never real. Writes `m-*` and `c-*` files and merges their
labels into labels.json (each secret with a "context"). Run after generate.py:

    python3 tests/redact-corpus/generate.py && python3 tests/redact-corpus/matrix.py
"""
import base64, json, os, random, string, uuid, zlib

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(int(os.environ.get("MATRIX_SEED", "20261203")))
A = string.ascii_letters + string.digits
LOW = string.ascii_lowercase + string.digits
UP = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
URL64 = A + "-_"
B64 = A + "+/"
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def r(chars, n):
    while True:
        v = "".join(rng.choice(chars) for _ in range(n))
        # Tokens with a digit and (where the alphabet has them) both cases,
        # like real ones; keeps the fixtures unambiguous.
        if any(c.isdigit() for c in v) or not any(c.isdigit() for c in chars):
            return v


def b64url(b):
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def crc_token(prefix):
    body = r(A, 30)
    n = zlib.crc32(body.encode()) & 0xFFFFFFFF
    digits = ""
    while n:
        n, d = divmod(n, 62)
        digits = B62[d] + digits
    return prefix + body + digits.rjust(6, "0")


def guid():
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def jwt_none():
    header = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    payload = b64url(json.dumps({"sub": "svc-" + r(string.ascii_lowercase, 6), "role": "admin",
                                 "exp": 1893456000 + rng.randrange(10**6)}).encode())
    return f"{header}.{payload}."


# (family group, vendor word used in neutral names, generator)
FORMATS = [
    ("github", "GH_RELEASE", lambda: crc_token("ghp_")),
    ("github", "GH_APP", lambda: crc_token("gho_")),
    ("github", "GH_FINEGRAINED", lambda: "github_pat_11" + r(UP, 20) + "_" + r(A, 59)),
    ("gitlab", "GITLAB_MIRROR", lambda: "glpat-" + r(URL64, 20)),
    ("gitlab", "GITLAB_IMPORT", lambda: "glimt-" + r(A, 25)),
    ("gitlab", "GITLAB_OAUTH", lambda: "gloas-" + r(HEX, 64)),
    ("gitlab", "GITLAB_AGENT", lambda: "glagent-" + r(URL64, 50)),
    ("gitlab", "GITLAB_FEED", lambda: "glft-" + r(URL64, 20)),
    ("gitlab", "GITLAB_RUNNER_REG", lambda: "GR1348941" + r(URL64, 20)),
    ("cloud", "DIGITALOCEAN", lambda: "dop_v1_" + r(HEX, 64)),
    ("cloud", "DO_OAUTH", lambda: "doo_v1_" + r(HEX, 64)),
    ("cloud", "CLOUDFLARE", lambda: "cfat_" + r(A, 40)),
    ("cloud", "ALIYUN", lambda: "LTAI5t" + r(A, 18)),
    ("cloud", "PLANETSCALE", lambda: "pscale_tkn_" + r(A, 43)),
    ("cloud", "PLANETSCALE_DB", lambda: "pscale_pw_" + r(A, 43)),
    ("cloud", "HEROKU", lambda: "HRKU-AA" + r(URL64, 58)),
    ("cloud", "FLY", lambda: "fm2_" + r(B64, 160) + "=="),
    ("cloud", "SCALINGO", lambda: "tk-us-" + r(URL64, 48)),
    ("cloud", "DATABRICKS", lambda: "dapi" + r(HEX, 32)),
    ("cloud", "NOTION", lambda: "ntn_" + str(rng.randrange(10**10, 10**11)) + r(A, 35)),
    ("cloud", "AWS_IAM", lambda: "AKIA" + r(string.ascii_uppercase + "234567", 16)),
    ("cloud", "GOOGLE_MAPS", lambda: "AIza" + r(URL64, 35)),
    ("cloud", "BEDROCK", lambda: "ABSK" + r(B64, 132)),
    ("cloud", "ADO", lambda: r(A, 52) + "JQQJ99" + r(A, 1) + "A" + r(A, 16) + "AZDO" + r(A, 4)),
    ("ai", "HUGGINGFACE", lambda: "hf_" + r(string.ascii_letters, 34)),
    ("ai", "GROQ", lambda: "gsk_" + r(A, 52)),
    ("ai", "PERPLEXITY", lambda: "pplx-" + r(A, 48)),
    ("ai", "OPENAI", lambda: "sk-proj-" + r(URL64, 56) + "T3BlbkFJ" + r(URL64, 56)),
    ("ai", "ANTHROPIC", lambda: "sk-ant-api03-" + r(URL64, 93) + "AA"),
    ("devops", "DOPPLER", lambda: "dp.st.prd." + r(A, 43)),
    ("devops", "PULUMI", lambda: "pul-" + r(HEX, 40)),
    ("devops", "POSTMAN", lambda: "PMAK-" + r(HEX, 24) + "-" + r(HEX, 34)),
    ("devops", "OP_CONNECT", lambda: "ops_eyJ" + r(URL64, 240)),
    ("devops", "LINEAR", lambda: "lin_api_" + r(A, 40)),
    ("devops", "JIRA", lambda: "ATATT3xFfGF0" + r(URL64, 170) + "=" + r(UP, 8)),
    ("devops", "SONARQUBE", lambda: "squ_" + r(HEX, 40)),
    ("devops", "TAILSCALE", lambda: "tskey-auth-k" + r(A, 10) + "CNTRL-" + r(A, 33)),
    ("devops", "TFC", lambda: r(A, 14) + ".atlasv1." + r(URL64, 67)),
    ("devops", "VAULT", lambda: "hvs." + r(URL64, 90)),
    ("devops", "AGE", lambda: "AGE-SECRET-KEY-1" + r("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)),
    ("devops", "DOCKERHUB", lambda: "dckr_pat_" + r(URL64, 27)),
    ("registry", "PYPI", lambda: "pypi-AgEIcHlwaS5vcmc" + r(URL64, 150)),
    ("registry", "RUBYGEMS", lambda: "rubygems_" + r(HEX, 48)),
    ("registry", "ARTIFACTORY", lambda: "AKCp" + r(A, 69)),
    ("registry", "NUGET", lambda: "oy2" + r(LOW, 43)),
    ("registry", "CLOJARS", lambda: "CLOJARS_" + r(LOW, 60)),
    ("registry", "NPM", lambda: crc_token("npm_")),
    ("observability", "SENTRY_ORG", lambda: "sntrys_eyJ" + r(URL64, 150)),
    ("observability", "SENTRY_USER", lambda: "sntryu_" + r(HEX, 64)),
    ("observability", "NEWRELIC", lambda: "NRAK-" + r(UP, 27)),
    ("observability", "NEWRELIC_INGEST", lambda: "NRII-" + r(URL64, 32)),
    ("observability", "DYNATRACE", lambda: "dt0c01." + r(UP, 24) + "." + r(UP, 64)),
    ("observability", "GRAFANA_LEGACY", lambda: base64.b64encode(json.dumps(
        {"k": r(A, 32), "n": "deploy-bot", "id": rng.randrange(1, 99)}, separators=(",", ":")).encode()).decode()),
    ("observability", "GRAFANA_CLOUD", lambda: "glc_" + r(B64, 80) + "=="),
    ("payments", "SHOPIFY", lambda: "shpat_" + r(HEX, 32)),
    ("payments", "SHOPIFY_SHARED", lambda: "shpss_" + r(HEX, 32)),
    ("payments", "SQUARE", lambda: "EAAA" + r(URL64, 60)),
    ("payments", "SQUARE_OAUTH", lambda: "sq0csp-" + r(URL64, 43)),
    ("payments", "STRIPE", lambda: "sk_live_" + r(A, 99)),
    ("email", "BREVO", lambda: "xkeysib-" + r(HEX, 64) + "-" + r(A, 16)),
    ("email", "MAILGUN", lambda: "key-" + r(HEX, 32)),
    ("email", "MAILCHIMP", lambda: r(HEX, 32) + "-us" + str(rng.randrange(1, 21))),
    ("email", "SENDGRID", lambda: "SG." + r(URL64, 22) + "." + r(URL64, 43)),
    ("google", "GOOGLE_OAUTH_CLIENT", lambda: "GOCSPX-" + r(URL64, 28)),
    ("google", "GOOGLE_ACCESS", lambda: "ya29.a0" + r(URL64, 150)),
    ("google", "GOOGLE_REFRESH", lambda: "1//0" + r(URL64, 100)),
    ("chat", "SLACK_BOT", lambda: f"xoxb-{rng.randrange(10**10, 10**11)}-{rng.randrange(10**12, 10**13)}-{r(A, 24)}"),
    ("chat", "TELEGRAM", lambda: f"{rng.randrange(10**9, 10**10)}:AA{r(URL64, 33)}"),
    ("chat", "DISCORD_HOOK", lambda: ("https://discord.com/api/webhooks/" + str(rng.randrange(10**17, 10**18)) + "/", r(URL64, 68))),
    ("chat", "TEAMS_HOOK", lambda: (f"https://contoso.webhook.office.com/webhookb2/", f"{guid()}@{guid()}/IncomingWebhook/{r(HEX, 32)}/{guid()}/V2{r(URL64, 40)}")),
    ("jwt", "SESSION_JWT", jwt_none),
    ("high-entropy", "UPSTREAM_A", lambda: r(A, 40)),
    ("high-entropy", "UPSTREAM_B", lambda: r(B64, 43) + "="),
    ("high-entropy", "UPSTREAM_C", lambda: r(URL64, 32)),
]

CONTEXTS = ["neutral-key", "secret-key", "helm-values", "properties", "prose", "dotenv", "url"]


def fresh(gen):
    v = gen()
    if isinstance(v, tuple):  # URL: (visible prefix, secret part)
        return v
    return ("", v)


def render(context, entries):
    """entries: [(family, word, prefix, secret)] -> text"""
    lines = []
    w = lines.append
    if context in ("neutral-key", "secret-key"):
        w("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: integrations-relay\n  namespace: platform\nspec:")
        w("  replicas: 2\n  selector:\n    matchLabels:\n      app: integrations-relay\n  template:")
        w("    metadata:\n      labels:\n        app: integrations-relay\n    spec:\n      containers:")
        w("        - name: relay\n          image: ghcr.io/corp/integrations-relay:2.14.1\n          env:")
        for fam, word, prefix, secret in entries:
            name = f"{word}_SETTING" if context == "neutral-key" else f"{word}_API_TOKEN"
            w(f"            - name: {name}\n              value: \"{prefix}{secret}\"")
    elif context == "helm-values":
        w("# values-prod.yaml for the integrations-relay chart\nreplicaCount: 3\nimage:\n  repository: ghcr.io/corp/integrations-relay\n  tag: 2.14.1\nintegrations:")
        for fam, word, prefix, secret in entries:
            w(f"  {word.lower().replace('_', '-')}:\n    enabled: true\n    upstream: {prefix}{secret}")
    elif context == "properties":
        w("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: relay-properties\ndata:\n  application.properties: |")
        w("    server.port=8080\n    spring.application.name=integrations-relay")
        for fam, word, prefix, secret in entries:
            w(f"    integrations.{word.lower().replace('_', '.')}.upstream={prefix}{secret}")
        w("    management.endpoints.web.exposure.include=health,info")
    elif context == "prose":
        w("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: relay-runbook\ndata:\n  RUNBOOK.md: |")
        w("    # Integrations relay: on-call notes")
        for i, (fam, word, prefix, secret) in enumerate(entries):
            what = word.lower().replace("_", " ")
            if i % 2:
                w(f"    When {what} calls fail after a rotation, try {prefix}{secret} before paging the owners.")
            else:
                w(f"    - {what}: the value Dana sent on Monday is {prefix}{secret} (rotate after the demo)")
    elif context == "dotenv":
        w("# pasted from the relay's .env")
        w("RELAY_PUBLIC_URL=https://relay.corp.example/ingest")
        for i, (fam, word, prefix, secret) in enumerate(entries):
            export = "export " if i % 3 == 0 else ""
            w(f"{export}{word}_SETTING={prefix}{secret}")
        w("LOG_LEVEL=info")
    elif context == "url":
        w("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: relay-endpoints\ndata:")
        for fam, word, prefix, secret in entries:
            if prefix:
                w(f"  {word.lower()}-endpoint: {prefix}{secret}")
            else:
                w(f"  {word.lower()}-endpoint: https://relay.corp.example/v1/forward/{secret}/events?team=ops")
    return "\n".join(lines) + "\n"


# Look-alikes in every context: placeholders, names, digests, ciphertext.
NEGATIVES_YAML = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: fraud-worker
  annotations:
    checksum/config: ⟪@hex64⟫
    checksum/secret: ⟪@hex64⟫
spec:
  template:
    metadata:
      annotations:
        vault.hashicorp.com/agent-inject: "true"
        vault.hashicorp.com/role: ⟪fraud-worker⟫
        vault.hashicorp.com/agent-inject-secret-db: ⟪database/creds/fraud-worker⟫
        vault.hashicorp.com/agent-inject-template-db: |
          {{- with secret "database/creds/fraud-worker" -}}
          postgres://{{ .Data.username }}:{{ .Data.password }}@pg:5432/fraud
          {{- end }}
    spec:
      containers:
        - name: worker
          image: ghcr.io/corp/fraud-worker@sha256:⟪@hex64⟫
          env:
            - name: GIT_COMMIT
              value: ⟪@hex40⟫
            - name: BUILD_ID
              value: ⟪@uuid⟫
            - name: STRIPE_SECRET_KEY
              value: ⟪sk_live_AAAAAAAAAAAAAAAAAAAAAAAA⟫
            - name: GRAFANA_CLOUD_TOKEN
              value: ⟪glc_11111111111111111111111111111111⟫
            - name: GITHUB_TOKEN
              value: ⟪ghp_0123456789012345678901234567890123456789⟫
            - name: UPSTREAM_API_KEY
              value: ⟪somefakekey⟫
            - name: RELAY_TOKEN
              value: ⟪not_a_real_token⟫
            - name: HF_HOME
              value: ⟪/data/hf_cache_hub_models_download⟫
            - name: SPRING_PROFILES_ACTIVE
              value: ⟪kubernetes,observabilityTracingEnabled⟫
            - name: JAVA_TOOL_OPTIONS
              value: ⟪-XX:MaxRAMPercentage=75.0 -Dcom.sun.management.jmxremote⟫
            - name: MAIN_CLASS
              value: ⟪com.corp.fraud.worker.FraudWorkerApplicationKt⟫
---
# terraform.tfvars rendered into a ConfigMap by the platform pipeline
apiVersion: v1
kind: ConfigMap
metadata:
  name: tf-outputs
data:
  main.tf: |
    resource "aws_db_instance" "fraud" {
      password = ⟪var.db_password⟫
      username = ⟪local.db_user⟫
    }
  key-value-store: ⟪key-value-store-primary⟫
  dapi-gateway: ⟪dapi-gateway-v2⟫
  hf-mirror: ⟪hf_mirror_enabled_for_all_regions⟫
  sentry-project: ⟪sntry-project-payments⟫
  release-notes: ⟪Fixed in 4f2a9c1; see ADR-0042 for the background.⟫
---
# SOPS-encrypted values (ciphertext is safe to share)
apiVersion: v1
kind: Secret
metadata:
  name: fraud-worker-sops
stringData:
  api_token: ⟪ENC[AES256_GCM,data:⟫⟪@b64ct⟫⟪,iv:⟫⟪@b64iv⟫⟪,tag:⟫⟪@b64iv⟫⟪,type:str]⟫
sops:
  lastmodified: "2026-11-30T10:12:44Z"
  mac: ⟪ENC[AES256_GCM,data:⟫⟪@b64ct⟫⟪,iv:⟫⟪@b64iv⟫⟪,tag:⟫⟪@b64iv⟫⟪,type:str]⟫
  version: 3.9.1
"""

NEG_GEN = {
    "hex64": lambda: r(HEX, 64),
    "hex40": lambda: r(HEX, 40),
    "uuid": guid,
    "b64ct": lambda: r(B64, 60) + "=",
    "b64iv": lambda: r(B64, 22) + "==",
}


def render_negatives(template):
    import re
    negatives = []

    def sub(m):
        text = m.group(1)
        if text.startswith("@"):
            text = NEG_GEN[text[1:]]()
        negatives.append(text)
        return text
    out = re.sub(r"⟪([^⟫]*)⟫", sub, template)
    return out, sorted(set(n for n in negatives if len(n) >= 4))


def pem_cert():
    body = "MIIDdzCCAl+gAwIBAgIU" + r(B64, 1080)
    return ["-----BEGIN CERTIFICATE-----"] + [body[i:i + 64] for i in range(0, len(body), 64)] + ["-----END CERTIFICATE-----"]


def clean_corpus():
    """Realistic secret-free manifests: digests, SHAs, UUIDs, checksums,
    public certificates, names, base64 of non-secret data."""
    files = {}
    apps = ["checkout", "cart", "catalog", "payments-api", "search", "ledger", "notifications", "profile",
            "recommendations", "shipping", "inventory", "pricing", "reviews", "gateway", "auth-proxy", "billing"]
    # 1. A cluster dump: Deployments, Services, ConfigMaps, HPAs.
    out = []
    for app in apps:
        digest = r(HEX, 64)
        out.append(f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {app}
  namespace: shop
  uid: {guid()}
  resourceVersion: "{rng.randrange(10**6, 10**8)}"
  generation: {rng.randrange(1, 40)}
  labels:
    app.kubernetes.io/name: {app}
    app.kubernetes.io/version: 3.{rng.randrange(30)}.{rng.randrange(10)}
    helm.sh/chart: {app}-1.{rng.randrange(20)}.0
    pod-template-hash: {r(LOW, 10)}
  annotations:
    deployment.kubernetes.io/revision: "{rng.randrange(1, 90)}"
    checksum/config: {r(HEX, 64)}
    checksum/secret: {r(HEX, 64)}
    argocd.argoproj.io/tracking-id: shop:apps/Deployment:shop/{app}
    kubectl.kubernetes.io/restartedAt: "2026-11-{rng.randrange(10, 30)}T0{rng.randrange(10)}:1{rng.randrange(10)}:00Z"
    git.corp.example/commit: {r(HEX, 40)}
spec:
  replicas: {rng.randrange(2, 9)}
  selector:
    matchLabels:
      app.kubernetes.io/name: {app}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {app}
        pod-template-hash: {r(LOW, 10)}
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9090"
        sidecar.istio.io/status: '{{"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":["istio-envoy","istio-data","istio-podinfo","istio-token","istiod-ca-cert"],"imagePullSecrets":null,"revision":"default"}}'
    spec:
      serviceAccountName: {app}
      containers:
        - name: {app}
          image: registry.corp.example/shop/{app}@sha256:{digest}
          imagePullPolicy: IfNotPresent
          args: ["--config=/etc/{app}/config.yaml", "--log-format=json"]
          env:
            - name: OTEL_SERVICE_NAME
              value: {app}
            - name: OTEL_RESOURCE_ATTRIBUTES
              value: service.version=3.{rng.randrange(30)}.0,deployment.environment=prod
            - name: BUILD_SHA
              value: {r(HEX, 40)}
            - name: RELEASE_ID
              value: {guid()}
            - name: JAVA_TOOL_OPTIONS
              value: -XX:MaxRAMPercentage=75.0 -XX:+UseG1GC -Djava.security.egd=file:/dev/./urandom
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {app}-db
                  key: password
            - name: FEATURE_FLAGS
              value: newCheckoutFlow,fastSearchV2,asyncLedgerWrites
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
          ports:
            - containerPort: 8080
              name: http
          resources:
            requests: {{cpu: 100m, memory: 256Mi}}
            limits: {{memory: 512Mi}}
          readinessProbe:
            httpGet: {{path: /healthz/ready, port: 8080}}
---
apiVersion: v1
kind: Service
metadata:
  name: {app}
  namespace: shop
  uid: {guid()}
spec:
  selector:
    app.kubernetes.io/name: {app}
  ports:
    - name: http
      port: 80
      targetPort: http
  clusterIP: 10.96.{rng.randrange(256)}.{rng.randrange(256)}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {app}-config
  namespace: shop
  annotations:
    kustomize.config.k8s.io/id: {r(HEX, 16)}
data:
  config.yaml: |
    server:
      port: 8080
      readTimeout: 15s
    tracing:
      sampler: parentbased_traceidratio
      ratio: 0.1
    upstreams:
      catalog: http://catalog.shop.svc.cluster.local
      ledger: http://ledger.shop.svc.cluster.local:8080/v2
  logback.xml: |
    <configuration>
      <appender name="JSON" class="ch.qos.logback.core.ConsoleAppender">
        <encoder class="net.logstash.logback.encoder.LogstashEncoder"/>
      </appender>
      <root level="INFO"><appender-ref ref="JSON"/></root>
    </configuration>
binaryData:
  banner.txt: {base64.b64encode(f"Welcome to the {app} service. Build channel: stable. Support: #shop-oncall".encode()).decode()}
  motd: {base64.b64encode(b"Maintenance windows are Tuesdays 06:00-07:00 UTC; see the runbook for details.").decode()}
---
""")
    files["c-cluster-dump.yaml"] = "".join(out)
    # 2. Helm values and a chart lock, Argo CD apps with revisions.
    out = ["# values.yaml (no secrets: all of them come from ExternalSecrets)\nglobal:\n  imageRegistry: registry.corp.example\n  imagePullSecrets:\n    - name: regcred\n"]
    for app in apps:
        out.append(f"""{app.replace('-', '')}:
  image:
    repository: shop/{app}
    tag: 3.{rng.randrange(30)}.{rng.randrange(10)}
    digest: sha256:{r(HEX, 64)}
  podAnnotations:
    config-hash: {r(HEX, 32)}
  existingSecret: {app}-credentials
  auth:
    existingSecretPasswordKey: password
    issuerUrl: https://login.corp.example/realms/shop
  serviceMonitor:
    enabled: true
    interval: 30s
""")
    out.append("dependencies:\n")
    for dep in ["postgresql", "redis", "common", "kafka"]:
        out.append(f"  - name: {dep}\n    repository: oci://registry-1.docker.io/bitnamicharts\n    version: {rng.randrange(10, 20)}.{rng.randrange(10)}.{rng.randrange(10)}\n")
    out.append(f"digest: sha256:{r(HEX, 64)}\ngenerated: \"2026-11-28T09:41:07.123456789Z\"\n")
    files["c-helm-values.yaml"] = "".join(out)
    out = []
    for app in apps:
        out.append(f"""apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: shop-{app}
  namespace: argocd
  finalizers:
    - resources-finalizer.argocd.argoproj.io
spec:
  project: shop
  source:
    repoURL: https://git.corp.example/platform/shop.git
    targetRevision: {r(HEX, 40)}
    path: apps/{app}
    helm:
      valueFiles: [values.yaml, values-prod.yaml]
  destination:
    server: https://kubernetes.default.svc
    namespace: shop
status:
  sync:
    revision: {r(HEX, 40)}
  operationState:
    syncResult:
      revision: {r(HEX, 40)}
---
""")
    files["c-argocd-apps.yaml"] = "".join(out)
    # 3. Public certificates, webhook caBundles, Istio and cert-manager.
    cert = pem_cert()
    ca = base64.b64encode(("\n".join(cert) + "\n").encode()).decode()
    out = [f"""apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: istio-validator-istio-system
webhooks:
  - name: rev.validation.istio.io
    clientConfig:
      service: {{name: istiod, namespace: istio-system, path: /validate}}
      caBundle: {ca}
    admissionReviewVersions: [v1]
    sideEffects: None
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: istio-ca-root-cert
  namespace: shop
data:
  root-cert.pem: |
""" + "".join(f"    {l}\n" for l in pem_cert()) + f"""---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: shop-jwt
  namespace: shop
spec:
  jwtRules:
    - issuer: https://login.corp.example/realms/shop
      jwksUri: https://login.corp.example/realms/shop/protocol/openid-connect/certs
      jwks: '{{"keys":[{{"kty":"RSA","e":"AQAB","use":"sig","kid":"{r(URL64, 43)}","alg":"RS256","n":"{r(URL64, 342)}"}}]}}'
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: shop-gateway
  namespace: istio-ingress
spec:
  secretName: shop-gateway-tls
  dnsNames: [shop.corp.example, api.shop.corp.example]
  issuerRef: {{name: letsencrypt-prod, kind: ClusterIssuer}}
status:
  revision: 7
  notAfter: "2027-02-01T00:00:00Z"
---
"""]
    for i in range(12):
        out.append(f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: grafana-dashboard-{i}
  labels: {{grafana_dashboard: "1"}}
data:
  dashboard-{i}.json: |
    {{"uid": "{r(A, 9)}", "title": "Shop {apps[i]}", "version": {rng.randrange(1, 50)}, "panels": [{{"id": 1, "datasource": {{"type": "prometheus", "uid": "{r(A, 9)}"}}, "targets": [{{"expr": "sum(rate(http_requests_total{{app=\\"{apps[i]}\\"}}[5m]))", "refId": "A"}}]}}], "iteration": {rng.randrange(10**12, 10**13)}}}
---
""")
    files["c-certs-and-dashboards.yaml"] = "".join(out)
    # 4. Lock-like files and go.sum in a ConfigMap; kustomize hashes.
    out = ["apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: build-inputs\ndata:\n  go.sum: |\n"]
    for mod in ["github.com/prometheus/client_golang", "go.opentelemetry.io/otel", "golang.org/x/net", "google.golang.org/grpc",
                "github.com/spf13/cobra", "k8s.io/client-go", "sigs.k8s.io/yaml", "github.com/stretchr/testify"] * 3:
        v = f"v1.{rng.randrange(40)}.{rng.randrange(10)}"
        h = base64.b64encode(bytes(rng.getrandbits(8) for _ in range(32))).decode()
        out.append(f"    {mod} {v} h1:{h}\n    {mod} {v}/go.mod h1:{base64.b64encode(bytes(rng.getrandbits(8) for _ in range(32))).decode()}\n")
    out.append("  package-lock.json: |\n    {\n      \"lockfileVersion\": 3,\n      \"packages\": {\n")
    for pkg in ["react", "react-dom", "lodash", "axios", "zod", "date-fns", "clsx", "vite"] * 2:
        integ = base64.b64encode(bytes(rng.getrandbits(8) for _ in range(64))).decode()
        out.append(f"        \"node_modules/{pkg}\": {{\"version\": \"{rng.randrange(1, 19)}.{rng.randrange(9)}.{rng.randrange(9)}\", \"resolved\": \"https://registry.npmjs.org/{pkg}/-/{pkg}-1.0.0.tgz\", \"integrity\": \"sha512-{integ}\"}},\n")
    out.append("        \"\": {}\n      }\n    }\n")
    out.append("---\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [base, ../components/otel]\nimages:\n")
    for app in apps:
        out.append(f"  - name: shop/{app}\n    newName: registry.corp.example/shop/{app}\n    digest: sha256:{r(HEX, 64)}\n")
    out.append("configMapGenerator:\n  - name: shop-env\n    literals: [LOG_LEVEL=info, REGION=eu-west-1, CACHE_TTL=300]\n")
    files["c-locks-and-kustomize.yaml"] = "".join(out)
    return files


def main():
    labels_path = os.path.join(HERE, "labels.json")
    labels = json.load(open(labels_path))
    for name in list(labels):
        if name.startswith(("m-", "c-")):
            del labels[name]
    for name in os.listdir(HERE):
        if name.startswith(("m-", "c-")):
            os.remove(os.path.join(HERE, name))
    for context in CONTEXTS:
        entries = []
        for fam, word, gen in FORMATS:
            prefix, secret = fresh(gen)
            if context == "url" and ("/" in secret or "+" in secret) and not prefix:
                secret = secret.replace("/", "_").replace("+", "-")
                if fam != "high-entropy":
                    continue  # a base64 token with '/' is not a path segment
            entries.append((fam, word, prefix, secret))
        name = f"m-{context}.env" if context == "dotenv" else f"m-{context}.yaml"
        text = render(context, entries)
        with open(os.path.join(HERE, name), "w") as f:
            f.write(text)
        labels[name] = {
            "secrets": [{"family": fam, "text": secret, "context": context} for fam, _, _, secret in entries],
            "tolerated": [],
            "negatives": [],
        }
    text, negatives = render_negatives(NEGATIVES_YAML)
    with open(os.path.join(HERE, "m-negatives.yaml"), "w") as f:
        f.write(text)
    labels["m-negatives.yaml"] = {"secrets": [], "tolerated": [], "negatives": negatives}
    for name, text in clean_corpus().items():
        with open(os.path.join(HERE, name), "w") as f:
            f.write(text)
        labels[name] = {"secrets": [], "tolerated": [], "negatives": []}
    with open(labels_path, "w") as f:
        json.dump(labels, f, indent=1, sort_keys=True)
        f.write("\n")
    clean = sum(open(os.path.join(HERE, n)).read().count("\n") for n in labels if n.startswith("c-"))
    print(f"matrix: {len(FORMATS)} formats x {len(CONTEXTS)} contexts; {len(negatives)} negatives; clean corpus {clean} lines")


if __name__ == "__main__":
    main()
