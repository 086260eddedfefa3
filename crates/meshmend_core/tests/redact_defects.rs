//! Exact captures for shapes that were once redacted wrongly: each case names what must
//! be redacted (and only that) or what must stay.

use meshmend_core::{SourceFile, redact};

/// The redacted text of one file.
fn redacted(text: &str) -> String {
    let files = [SourceFile::new("case.yaml", text)];
    let redaction = redact(&files);
    let out = redaction.apply(&files).remove(0);
    assert_eq!(redaction.vault.rehydrate(&out), text, "round trip");
    out
}

/// Every `secret` is gone from the output and every `kept` is still there.
fn check(text: &str, secrets: &[&str], kept: &[&str]) {
    let out = redacted(text);
    for s in secrets {
        assert!(!out.contains(s), "{s:?} not redacted in:\n{out}");
    }
    for k in kept {
        assert!(out.contains(k), "{k:?} was changed in:\n{out}");
    }
}

#[test]
fn dotenv_text_is_scanned_line_by_line() {
    check(
        "DB_HOST=db.internal\nDB_PASSWORD=Orchid-2294\nexport API_URL=https://api.corp.example/v1\nSESSION_SECRET=velvet88harbor\nLOG_LEVEL=info\n",
        &["Orchid-2294", "velvet88harbor"],
        &[
            "DB_HOST=db.internal",
            "https://api.corp.example/v1",
            "LOG_LEVEL=info",
        ],
    );
}

#[test]
fn connection_string_captures_are_exact() {
    check(
        "data:\n  perl: |\n    my %db = (user => 'app', password => \"Maple-7731\");\n",
        &["Maple-7731"],
        &["password => \""],
    );
    check(
        "data:\n  jdbc: \"Server=db;User Id=app;Password=${link};\"\n  ruby: \"Server=db;Password=#{ENV['PW']};\"\n",
        &[],
        &["Password=${link}", "Password=#{ENV['PW']}"],
    );
    check(
        "data:\n  odbc: \"Server=db;Uid=app;Pwd=m{{h}Quartz-91;\"\n",
        &["m{{h}Quartz-91"],
        &["Server=db;Uid=app;Pwd="],
    );
    check(
        "data:\n  run.sh: |\n    mysql --defaults-file=x PASSWORD=git&hub-Ember77 --host db\n",
        &["git&hub-Ember77"],
        &["--host db"],
    );
    check(
        "data:\n  url: \"https://api.corp.example/login?user=app&password=Ember-4412&next=/home\"\n",
        &["Ember-4412"],
        &["&next=/home"],
    );
}

#[test]
fn npmrc_auth_is_only_npm_auth() {
    check(
        "data:\n  app.ini: |\n    MONGO_NO_AUTH = \"mongodb://mongo.internal:27017/app\"\n    //registry.npmjs.org/:_authToken=Zk81hQp2LmX0rT5v\n",
        &["Zk81hQp2LmX0rT5v"],
        &["mongodb://mongo.internal:27017/app"],
    );
}

#[test]
fn curl_placeholders_stay() {
    check(
        "data:\n  run.sh: |\n    curl -u $1:$2 https://api.corp.example\n    curl -u admin:[PASSWORD] https://api.corp.example\n    curl -u admin:Harbor-5521 https://api.corp.example\n",
        &["Harbor-5521"],
        &["$1:$2", "admin:[PASSWORD]"],
    );
}

#[test]
fn secret_keys_keep_mailgun_keys_webhooks_numbers_and_literals_beside_templates() {
    check(
        "mailgun:\n  apiKey: key-3ax6xnjp29jd6fds4gc373sgvjxteol1\n  signingKey: key-d41d8cd98f00b204e9800998ecf8427e\n",
        &[
            "key-3ax6xnjp29jd6fds4gc373sgvjxteol1",
            "key-d41d8cd98f00b204e9800998ecf8427e",
        ],
        &[],
    );
    check(
        "alerts:\n  slack_webhook_secret: https://chat.corp.example/hooks/incoming/Kq8vT2zLm4Rx9Wp1Yb6N\n",
        &["Kq8vT2zLm4Rx9Wp1Yb6N"],
        &[],
    );
    check(
        "bank:\n  pin_secret: 83920174\n  token: \"471920385566\"\n  tokenTtl: 3600\n",
        &["83920174", "471920385566"],
        &["3600"],
    );
    check(
        "data:\n  password: {{ \"Saffron-8812\" | b64enc }}\n  apiKey: ${API_KEY:-Pepper-Falcon-31}\n  token: \"{{ .Values.prefix }}Lantern-6610\"\n",
        &["Saffron-8812", "Pepper-Falcon-31", "Lantern-6610"],
        &["b64enc", "${API_KEY:-", "{{ .Values.prefix }}"],
    );
}

#[test]
fn secrets_in_code_inside_config() {
    check(
        "spec:\n  configPatches:\n    - patch:\n        value:\n          inline_code: |\n            function envoy_on_request(request_handle)\n              request_handle:headers():add(\"x-internal-token\", \"Willow-Token-4471\")\n            end\n",
        &["Willow-Token-4471"],
        &["x-internal-token"],
    );
    check(
        "data:\n  nginx.conf: |\n    location / {\n      set $api_key \"Tundra-Key-2291\";\n      set $backend_host \"api.internal\";\n    }\n",
        &["Tundra-Key-2291"],
        &["api.internal"],
    );
    check(
        "secretGenerator:\n  - name: api\n    literals:\n      - api-token=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n",
        &["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
        &["api-token="],
    );
    check(
        "# kubectl create secret generic api --from-literal=api-token=Meadow-Token-5530\nkind: ConfigMap\n",
        &["Meadow-Token-5530"],
        &["--from-literal=api-token="],
    );
}

#[test]
fn placeholders_names_and_ciphertext_stay() {
    let text = "metadata:\n  annotations:\n    vault.hashicorp.com/role: fraud-worker\n    vault.hashicorp.com/agent-inject-secret-db: database/creds/fraud-worker\n    checksum/secret: 3f2a9c1d3f2a9c1d3f2a9c1d3f2a9c1d\ndata:\n  api_token: ENC[AES256_GCM,data:Qk9w3x==,iv:abc=,tag:def==,type:str]\n  password: var.db_password\n  stripe_key: sk_live_AAAAAAAAAAAAAAAAAAAAAAAA\n  grafana_token: glc_11111111111111111111111111111111\n  apiKey: somefakekey\n  token: not_a_real_token\n";
    let out = redacted(text);
    assert_eq!(out, text);
}

/// Analysis reads no ConfigMap, but redaction parses every document itself:
/// a secret in a ConfigMap between the Gateways of `helm template` output is
/// still found.
#[test]
fn a_secret_in_a_configmap_no_rule_reads_is_redacted() {
    check(
        "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: shop\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n    - port: {number: 80, name: http, protocol: HTTP}\n      hosts: [\"*\"]\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shop-config\ndata:\n  application.yaml: |\n    spring:\n      datasource:\n        url: jdbc:postgresql://shop-db:5432/shop\n        username: shop\n        password: Quartz-Meadow-5521\n  LOG_LEVEL: info\n---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: shop\nspec:\n  hosts: [\"*\"]\n  gateways: [shop]\n",
        &["Quartz-Meadow-5521"],
        &["username: shop", "LOG_LEVEL: info", "kind: ConfigMap"],
    );
}
