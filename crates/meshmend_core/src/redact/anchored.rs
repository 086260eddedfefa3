//! The anchored rules: one table ([`RULES`]) of single-line patterns behind
//! one ASCII case-insensitive keyword pass. A rule's regex runs only on the
//! lines where one of its keywords occurred.

use std::sync::OnceLock;

use aho_corasick::automaton::Automaton;
use aho_corasick::{Input, MatchKind, dfa::DFA};

use super::{Candidate, Encoding, RULE_PRIORITY, allow, decode_base64, engine};
use crate::span::{Span, floor_char_boundary};

/// Extra validation of a rule's capture, beyond the allowlist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// The capture is the secret.
    None,
    /// Drop AWS documentation keys (`…EXAMPLE`).
    NotExample,
    /// Must look like a token, not a word: a digit, or both cases.
    Tokenish,
    /// Base64 of printable `user:password`.
    BasicCredentials,
    /// GitHub/npm: the last 6 characters are the base62 CRC32 of the 30
    /// before them (real tokens always pass; typed-in look-alikes do not).
    Base62Crc32,
    /// The match is a PEM `BEGIN … PRIVATE KEY` line; the secret is the body
    /// up to the `END` line (across lines or literal `\n`).
    PemBody,
}

/// One anchored redaction rule. The secret is capture group 1 (or the whole
/// match), so the edit covers only the secret and keeps the key, the quotes
/// and the rest of the line.
#[derive(Debug)]
pub struct RedactRule {
    /// Stable kebab-case id, reported in findings; one fixture per id in
    /// `tests/redact/<id>.yaml`.
    pub id: &'static str,
    /// Placeholder family (`__REDACTED_<FAMILY>_<n>__`).
    pub family: &'static str,
    /// Lower-case literals, one of which occurs on every line the rule can
    /// match (the prefilter).
    pub keywords: &'static [&'static str],
    /// The pattern (ASCII; valid for both `regex-lite` and `regex::bytes`).
    pub pattern: &'static str,
    /// Extra validation of the capture.
    pub check: Check,
}

macro_rules! rule {
    ($id:literal, $family:literal, [$($kw:literal),+ $(,)?], $pattern:expr $(, $check:ident)?) => {
        RedactRule {
            id: $id,
            family: $family,
            keywords: &[$($kw),+],
            pattern: $pattern,
            check: rule!(@check $($check)?),
        }
    };
    (@check) => { Check::None };
    (@check $check:ident) => { Check::$check };
}

/// Userinfo password of a URI with the given scheme(s): keep scheme, user,
/// host, port and path; capture only the password.
macro_rules! uri_password {
    ($schemes:literal) => {
        concat!(
            r#"(?i)\b"#,
            $schemes,
            r#"://[^\s:@/?#'"<>]*:([^\s@/?#'"]+)@[^\s@]"#
        )
    };
}

/// All anchored rules, most specific first: when two rules capture the same
/// bytes, the earlier row names the family. Add one row and one fixture
/// (`tests/redact/<id>.yaml`) to add a rule.
#[rustfmt::skip]
pub const RULES: &[RedactRule] = &[
    rule!("private-key", "PRIVATE_KEY", ["private key-----", "private key block-----"], r"-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----", PemBody),
    rule!("aws-access-key-id", "AWS_ACCESS_KEY_ID", ["akia", "asia", "abia", "acca"], r"\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\b", NotExample),
    rule!("aws-secret-after-key-id", "AWS_SECRET_KEY", ["akia", "asia"], r"\b(?:AKIA|ASIA)[A-Z0-9]{16}[^A-Za-z0-9+=]{1,12}([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"),
    rule!("aws-session-token", "AWS_SESSION_TOKEN", ["iqojb3jpz2lux2vj", "fwogzxivyxdz"], r"\b((?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdz)[A-Za-z0-9/+=]{40,})"),
    rule!("aws-secret-access-key", "AWS_SECRET_KEY", ["secret_access_key", "secretaccesskey", "secret-access-key", "aws_secret_key", "aws-secret-key"], r#"(?i)(?:secret[_-]?access[_-]?key|aws[_-]secret[_-]key)["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"#, NotExample),
    rule!("aws-arn-account", "AWS_ACCOUNT", ["arn:aws"], r"\barn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):"),
    rule!("aws-ecr-account", "AWS_ACCOUNT", [".dkr.ecr."], r"\b(\d{12})\.dkr\.ecr\."),
    rule!("aws-sqs-account", "AWS_ACCOUNT", ["amazonaws.com/"], r"\bsqs[.-][a-z0-9.-]*amazonaws\.com/(\d{12})\b"),
    rule!("aws-account-id", "AWS_ACCOUNT", ["accountid", "account_id", "account-id"], r#"(?i)account[_-]?id["']?\s*[:=]\s*["']?(\d{12})(?:[^0-9]|$)"#),
    rule!("gcp-api-key", "GCP_API_KEY", ["aiza"], r"\b(AIza[0-9A-Za-z_-]{35})(?:[^0-9A-Za-z_-]|$)"),
    rule!("gcp-private-key-id", "GCP_PRIVATE_KEY_ID", ["private_key_id"], r#""private_key_id"\s*:\s*"([0-9a-f]{40})""#),
    rule!("azure-storage-account-key", "AZURE_STORAGE_KEY", ["accountkey="], r"(?i)AccountKey=([A-Za-z0-9+/]{86}==)"),
    rule!("azure-shared-access-key", "AZURE_SHARED_ACCESS_KEY", ["sharedaccesskey="], r"(?i)SharedAccessKey=([A-Za-z0-9+/]{40,}={0,2})"),
    rule!("azure-sas-signature", "AZURE_SAS", ["sig="], r"[?&;]sig=([A-Za-z0-9%+/]{30,}(?:%3D|=){0,2})"),
    rule!("azure-client-secret", "AZURE_CLIENT_SECRET", ["q~"], r"(?:^|[^A-Za-z0-9_~.-])([A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})(?:[^A-Za-z0-9_~.-]|$)"),
    rule!("github-token", "GITHUB_TOKEN", ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"], r"\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36})\b", Base62Crc32),
    rule!("github-app-token-long", "GITHUB_TOKEN", ["ghs_", "ghr_"], r"\b((?:ghs|ghr)_[A-Za-z0-9_-]{37,255})(?:[^A-Za-z0-9_-]|$)", Tokenish),
    rule!("github-fine-grained-token", "GITHUB_TOKEN", ["github_pat_"], r"\b(github_pat_[A-Za-z0-9_]{82})\b"),
    rule!("gitlab-token", "GITLAB_TOKEN", ["glpat-", "glrt-", "gldt-", "glptt-", "glcbt-", "glsoat-", "glimt-", "gloas-", "glagent-", "glft-", "glffct-", "glcsr-", "gr1348941"], r"\b((?:glpat|glrt|gldt|glptt|glcbt|glsoat|glimt|gloas|glagent|glft|glffct|glcsr)-[A-Za-z0-9_-]{20,}|GR1348941[A-Za-z0-9_-]{20,})", Tokenish),
    rule!("slack-token", "SLACK_TOKEN", ["xoxb-", "xoxp-", "xoxa-", "xoxe-", "xoxr-", "xoxs-", "xapp-"], r"\b((?:xox[abeprs]|xapp)-[A-Za-z0-9-]{10,})"),
    rule!("slack-webhook", "SLACK_WEBHOOK", ["hooks.slack.com"], r"hooks\.slack\.com/(?:services|workflows|triggers)/([A-Za-z0-9+/_-]{20,})"),
    rule!("stripe-key", "STRIPE_KEY", ["sk_live_", "sk_test_", "rk_live_", "rk_test_", "whsec_"], r"\b((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,}|whsec_[A-Za-z0-9+/]{24,})"),
    rule!("sendgrid-key", "SENDGRID_KEY", ["sg."], r"\b(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})"),
    rule!("datadog-key", "DATADOG_KEY", ["dd_api", "dd_app", "dd-api", "datadog"], r#"(?i)(?:dd|datadog)[_-]?(?:api|app|application)[_-]?key["']?\s*[:=]\s*["']?([a-f0-9]{40}|[a-f0-9]{32})(?:[^a-f0-9]|$)"#),
    rule!("npm-token", "NPM_TOKEN", ["npm_"], r"\b(npm_[A-Za-z0-9]{36})\b", Base62Crc32),
    rule!("npmrc-auth", "NPM_TOKEN", ["_authtoken", "_auth"], r#"(?i)(?:^|[\s:])_auth(?:Token)?\s*=\s*["']?([^\s"'$]{8,})"#),
    rule!("dockerhub-token", "DOCKERHUB_TOKEN", ["dckr_pat_", "dckr_oat_"], r"\b(dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,})"),
    rule!("grafana-token", "GRAFANA_TOKEN", ["glsa_", "glc_"], r"\b(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,}={0,2})"),
    rule!("vault-token", "VAULT_TOKEN", ["hvs.", "hvb.", "hvr."], r"\b(hv[sbr]\.[A-Za-z0-9_-]{24,})"),
    rule!("openai-key", "OPENAI_KEY", ["t3blbkfj"], r"\b(sk-[A-Za-z0-9_-]{16,160}T3BlbkFJ[A-Za-z0-9_-]{16,160})"),
    rule!("anthropic-key", "ANTHROPIC_KEY", ["sk-ant-"], r"\b(sk-ant-(?:api03|admin01|oat01)-[A-Za-z0-9_-]{80,120}AA)(?:[^A-Za-z0-9_-]|$)"),
    rule!("hashicorp-tf-token", "HASHICORP_TOKEN", ["atlasv1"], r"\b([A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,})"),
    rule!("twilio-api-key", "TWILIO_KEY", ["twilio"], r#"(?i)twilio[a-z_-]*(?:token|secret|key)["']?\s*[:=]\s*["']?((?:SK)?[A-Za-z0-9]{32})\b"#),
    // The token catalogue: self-identifying vendor formats (prefix, alphabet,
    // length), so a token is found under any key, in prose and in URLs.
    rule!("digitalocean-token", "DIGITALOCEAN_TOKEN", ["dop_v1_", "doo_v1_", "dor_v1_"], r"\b((?:dop|doo|dor)_v1_[a-f0-9]{64})\b"),
    rule!("cloudflare-token", "CLOUDFLARE_TOKEN", ["cfat_", "cfut_", "cfk_"], r"\b((?:cfat|cfut|cfk)_[A-Za-z0-9_-]{32,})", Tokenish),
    rule!("alibaba-access-key-id", "ALIBABA_ACCESS_KEY", ["ltai"], r"\b(LTAI[A-Za-z0-9]{12,20})\b", Tokenish),
    rule!("planetscale-token", "PLANETSCALE_TOKEN", ["pscale_tkn_", "pscale_pw_", "pscale_oauth_"], r"\b(pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64})", Tokenish),
    rule!("heroku-key", "HEROKU_KEY", ["hrku-"], r"\b(HRKU-[A-Za-z0-9_-]{20,})", Tokenish),
    rule!("flyio-token", "FLYIO_TOKEN", ["fm1r_", "fm1a_", "fm2_", "fo1_"], r"\b((?:fm1[ar]|fm2|fo1)_[A-Za-z0-9+/=_,-]{40,})", Tokenish),
    rule!("scalingo-token", "SCALINGO_TOKEN", ["tk-us-"], r"\b(tk-us-[A-Za-z0-9_-]{40,})", Tokenish),
    rule!("databricks-token", "DATABRICKS_TOKEN", ["dapi"], r"\b(dapi[a-f0-9]{32}(?:-[0-9])?)\b", Tokenish),
    rule!("notion-token", "NOTION_TOKEN", ["ntn_"], r"\b(ntn_[A-Za-z0-9]{40,50})\b", Tokenish),
    rule!("huggingface-token", "HUGGINGFACE_TOKEN", ["hf_", "api_org_"], r"\b((?:hf|api_org)_[A-Za-z]{34})\b", Tokenish),
    rule!("groq-key", "GROQ_KEY", ["gsk_"], r"\b(gsk_[A-Za-z0-9]{52})\b", Tokenish),
    rule!("perplexity-key", "PERPLEXITY_KEY", ["pplx-"], r"\b(pplx-[A-Za-z0-9]{48})\b", Tokenish),
    rule!("doppler-token", "DOPPLER_TOKEN", ["dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."], r"\b(dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9._-]{40,})", Tokenish),
    rule!("pulumi-token", "PULUMI_TOKEN", ["pul-"], r"\b(pul-[a-f0-9]{40})\b", Tokenish),
    rule!("postman-key", "POSTMAN_KEY", ["pmak-"], r"\b(PMAK-[a-f0-9]{24}-[a-f0-9]{34})\b"),
    rule!("onepassword-token", "ONEPASSWORD_TOKEN", ["ops_ey"], r"\b(ops_eyJ[A-Za-z0-9+/=_-]{60,})"),
    rule!("linear-key", "LINEAR_KEY", ["lin_api_"], r"\b(lin_api_[A-Za-z0-9]{40})\b", Tokenish),
    rule!("atlassian-token", "ATLASSIAN_TOKEN", ["atatt", "atctt"], r"\b((?:ATATT|ATCTT)[A-Za-z0-9_=-]{100,})", Tokenish),
    rule!("sonar-token", "SONAR_TOKEN", ["squ_", "sqp_", "sqa_"], r"\b(sq[upa]_[a-f0-9]{40})\b", Tokenish),
    rule!("tailscale-key", "TAILSCALE_KEY", ["tskey-"], r"\b(tskey-(?:api|auth|client|scim|webhook)-[A-Za-z0-9]{4,}-[A-Za-z0-9]{20,})", Tokenish),
    rule!("pypi-token", "PYPI_TOKEN", ["pypi-ageichlwas5vcmc", "pypi-agendgvzdc5wexbplm9yzw"], r"\b(pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,})"),
    rule!("rubygems-key", "RUBYGEMS_KEY", ["rubygems_"], r"\b(rubygems_[a-f0-9]{48})\b", Tokenish),
    rule!("artifactory-key", "ARTIFACTORY_KEY", ["akcp", "cmvmdgtu"], r"\b(AKCp[A-Za-z0-9]{69}|cmVmdGtu[A-Za-z0-9]{56})\b"),
    rule!("nuget-key", "NUGET_KEY", ["oy2"], r"\b(oy2[a-z0-9]{43})\b", Tokenish),
    rule!("clojars-token", "CLOJARS_TOKEN", ["clojars_"], r"\b(CLOJARS_[a-z0-9]{60})\b", Tokenish),
    rule!("sentry-token", "SENTRY_TOKEN", ["sntrys_", "sntryu_"], r"\b(sntrys_eyJ[A-Za-z0-9+/=_-]{60,}|sntryu_[a-f0-9]{64})"),
    rule!("newrelic-key", "NEWRELIC_KEY", ["nrak-", "nrii-", "nrjs-", "nraa-"], r"\b(NRAK-[A-Z0-9]{27}|NRII-[A-Za-z0-9_-]{32}|NRJS-[a-f0-9]{19}|NRAA-[a-f0-9]{27})\b", Tokenish),
    rule!("dynatrace-token", "DYNATRACE_TOKEN", ["dt0c01."], r"\b(dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64})\b"),
    rule!("grafana-legacy-key", "GRAFANA_TOKEN", ["eyjrijoi"], r"\b(eyJrIjoi[A-Za-z0-9+/]{40,}={0,2})"),
    rule!("shopify-token", "SHOPIFY_TOKEN", ["shpat_", "shpss_", "shpca_", "shppa_"], r"\b(shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32})\b", Tokenish),
    rule!("square-token", "SQUARE_TOKEN", ["sq0atp-", "sq0csp-", "eaaa"], r"\b(sq0atp-[A-Za-z0-9_-]{22,}|sq0csp-[A-Za-z0-9_-]{40,}|EAAA[A-Za-z0-9_-]{60})", Tokenish),
    rule!("brevo-key", "BREVO_KEY", ["xkeysib-", "xsmtpsib-"], r"\b(x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16})\b"),
    rule!("mailgun-key", "MAILGUN_KEY", ["key-"], r"\b(key-[a-z0-9]{32})\b", Tokenish),
    rule!("mailchimp-key", "MAILCHIMP_KEY", ["-us"], r"\b([a-f0-9]{32}-us[0-9]{1,2})\b", Tokenish),
    rule!("google-oauth-client-secret", "GOOGLE_CLIENT_SECRET", ["gocspx-"], r"\b(GOCSPX-[A-Za-z0-9_-]{28})"),
    rule!("google-oauth-access-token", "GOOGLE_TOKEN", ["ya29."], r"\b(ya29\.[A-Za-z0-9_-]{30,})", Tokenish),
    rule!("google-refresh-token", "GOOGLE_TOKEN", ["1//0"], r"(?:^|[^A-Za-z0-9/])(1//0[A-Za-z0-9_-]{40,})", Tokenish),
    rule!("discord-webhook", "DISCORD_WEBHOOK", ["discord.com/api/webhooks", "discordapp.com/api/webhooks"], r"discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/([A-Za-z0-9_-]{60,68})"),
    rule!("telegram-bot-token", "TELEGRAM_TOKEN", [":aa"], r"(?:^|[^0-9A-Za-z])([0-9]{8,10}:AA[A-Za-z0-9_-]{33})(?:[^A-Za-z0-9_-]|$)"),
    rule!("teams-webhook", "TEAMS_WEBHOOK", ["webhook.office.com/webhookb2/"], r"\.webhook\.office\.com/webhookb2/([A-Za-z0-9@/_-]{40,})"),
    rule!("azure-devops-pat", "AZURE_DEVOPS_PAT", ["jqqj99"], r"\b([A-Za-z0-9]{52}JQQJ99[A-Za-z0-9]{18}AZDO[A-Za-z0-9]{4})\b"),
    rule!("aws-bedrock-key", "AWS_BEDROCK_KEY", ["absk", "bedrock-api-key-"], r"\b(ABSK[A-Za-z0-9+/]{100,}={0,2}|bedrock-api-key-[A-Za-z0-9+/]{100,}={0,2})"),
    rule!("age-secret-key", "AGE_SECRET_KEY", ["age-secret-key-1"], r"\b(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b"),
    // Secrets in code inside config: Envoy Lua `headers():add("x-token", "…")`, nginx `set $api_key "…"`.
    rule!("code-header-secret", "HEADER_SECRET", ["add(", "replace(", "set("], r#"(?i)\b(?:add|replace|set|setheader|set_header)\(\s*["'][a-z0-9_-]*(?:token|key|secret|password|passwd|auth)[a-z0-9_-]*["']\s*,\s*["']([^"'\s]{4,})["']"#),
    rule!("nginx-set-secret", "NGINX_SECRET", ["set $"], r#"(?i)\bset\s+\$[a-z0-9_]*(?:key|token|secret|password|passwd|auth)[a-z0-9_]*\s+["']?([^"';\s]{4,})"#),
    rule!("jwt", "JWT", ["eyj"], r"\b(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.(?:[A-Za-z0-9_-]{8,})?)"),
    rule!("bearer-token", "BEARER_TOKEN", ["bearer"], r"(?i)\bbearer\s+([A-Za-z0-9._~+/-]{8,}=*)", Tokenish),
    rule!("basic-auth-header", "BASIC_AUTH", ["basic"], r"(?i)\bbasic\s+([A-Za-z0-9+/]{8,}={0,2})", BasicCredentials),
    rule!("docker-config-auth", "DOCKERCONFIG", ["\"auth\""], r#""auth"\s*:\s*"([A-Za-z0-9+/]{8,}={0,2})""#, BasicCredentials),
    rule!("postgres-uri-password", "POSTGRES_PASSWORD", ["postgres"], uri_password!("postgres(?:ql)?(?:\\+[a-z0-9]+)?")),
    rule!("mysql-uri-password", "MYSQL_PASSWORD", ["mysql", "mariadb"], uri_password!("(?:mysql|mariadb)(?:\\+[a-z0-9]+)?")),
    rule!("mongodb-uri-password", "MONGODB_PASSWORD", ["mongodb"], uri_password!("mongodb(?:\\+srv)?")),
    rule!("redis-uri-password", "REDIS_PASSWORD", ["redis"], uri_password!("rediss?")),
    rule!("amqp-uri-password", "AMQP_PASSWORD", ["amqp"], uri_password!("amqps?")),
    rule!("uri-password", "URL_PASSWORD", ["://"], uri_password!("[a-z][a-z0-9+.-]{1,30}")),
    rule!("go-dsn-password", "MYSQL_PASSWORD", ["@tcp("], r#"[A-Za-z0-9_.-]+:([^\s@/'"]+)@tcp\("#),
    rule!("connection-string-password", "DB_PASSWORD", ["password=", "pwd=", "password =", "pwd =", "password=>", "password =>"], r#"(?i)(?:^|[;\s"'{(])(?:password|pwd)\s*=>?\s*["']?([^;\s"'()>][^;\s"'()]*)"#),
    rule!("query-password", "URL_PASSWORD", ["password=", "pwd="], r#"(?i)[?&](?:password|pwd)=([^;&\s"'#]+)"#),
    rule!("curl-user-password", "BASIC_AUTH", ["-u ", "-u=", "--user"], r#"(?:^|\s)(?:-u|--user)[ =]['"]?[^\s:'"]+:([^\s'"@]+)"#),
];

struct Compiled {
    /// The DFA itself, not `AhoCorasick`: that type keeps every automaton
    /// kind behind a `dyn` and links all of them (~11 KB of gzipped wasm);
    /// a DFA is what it picks for these ~90 keywords anyway.
    keywords: DFA,
    /// For each keyword pattern, the rules that listed it.
    keyword_rules: Vec<Vec<usize>>,
    patterns: Vec<OnceLock<Option<engine::Pattern>>>,
}

fn compiled() -> &'static Compiled {
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    COMPILED.get_or_init(|| {
        let mut keywords: Vec<&'static str> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        for (index, rule) in RULES.iter().enumerate() {
            for &keyword in rule.keywords {
                if let Some(k) = keywords.iter().position(|&k| k == keyword) {
                    keyword_rules[k].push(index);
                } else {
                    keywords.push(keyword);
                    keyword_rules.push(vec![index]);
                }
            }
        }
        let keywords = DFA::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&keywords)
            .expect("the rule keywords are a few hundred short literals");
        Compiled {
            keywords,
            keyword_rules,
            patterns: RULES.iter().map(|_| OnceLock::new()).collect(),
        }
    })
}

/// The compiled pattern of rule `index`, built on first use (a paste that
/// never mentions `xoxb` never builds the Slack regex).
fn pattern(index: usize) -> Option<&'static engine::Pattern> {
    compiled().patterns[index]
        .get_or_init(|| engine::Pattern::new(RULES[index].pattern).ok())
        .as_ref()
}

/// Runs the anchored rules over the whole text.
pub(super) fn scan_rules(text: &str, out: &mut Vec<Candidate>) {
    scan_rules_range(text, Span::new(0, text.len()), out);
}

/// Runs the anchored rules on the part of `text` in `span`; keeps only the
/// secrets inside it.
pub(crate) fn scan_rules_in(text: &str, span: Span, out: &mut Vec<Candidate>) {
    let mut found = Vec::new();
    scan_rules_range(text, span, &mut found);
    out.extend(found.into_iter().filter(|c| span.contains(c.span)));
}

/// One keyword pass over `span`, then each triggered rule on each line where
/// its keyword occurred (once per rule and line).
fn scan_rules_range(text: &str, span: Span, out: &mut Vec<Candidate>) {
    let compiled = compiled();
    let bytes = text.as_bytes();
    // Per rule: start of the last line it ran on (hits arrive in text order).
    let mut last_line: Vec<usize> = vec![usize::MAX; RULES.len()];
    // The line of the previous hit: many hits share a line, and finding its
    // bounds again would be quadratic on one huge line (minified JSON).
    let mut line = Span::new(usize::MAX, usize::MAX);
    let hits = compiled
        .keywords
        .try_find_overlapping_iter(Input::new(&text[span.range()]))
        .expect("a Standard, unanchored automaton supports overlapping search");
    for hit in hits {
        let at = span.start + hit.start();
        if !(line.start <= at && at <= line.end) {
            let start = bytes[..at]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let end = bytes[at..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(text.len(), |i| at + i);
            line = Span::new(start, end);
        }
        for &rule in &compiled.keyword_rules[hit.pattern().as_usize()] {
            if last_line[rule] == line.start {
                continue;
            }
            last_line[rule] = line.start;
            run_rule(text, rule, line, out);
        }
    }
}

fn run_rule(text: &str, index: usize, line: Span, out: &mut Vec<Candidate>) {
    let Some(pattern) = pattern(index) else {
        return;
    };
    let rule = &RULES[index];
    let haystack = &text[line.range()];
    pattern.for_each_secret(haystack, |range| {
        let span = Span::new(line.start + range.start, line.start + range.end);
        let (span, identity) = if rule.check == Check::PemBody {
            match pem_body(text, span.end) {
                Some(body) => (body, Some(normalise_pem(&text[body.range()]))),
                None => return,
            }
        } else {
            (trim_escape(text, span), None)
        };
        let value = &text[span.range()];
        if span.is_empty() || allow::is_placeholder(value) || !check(rule.check, value) {
            return;
        }
        out.push(Candidate {
            span,
            rule: rule.id,
            family: rule.family,
            priority: RULE_PRIORITY + u32::try_from(index).unwrap_or(0),
            encoding: Encoding::Plain,
            identity,
            scalar: None,
        });
    });
}

/// A capture never ends in a lone backslash: inside a double-quoted scalar
/// that backslash escapes what follows, and removing it would change the YAML.
fn trim_escape(text: &str, mut span: Span) -> Span {
    while span.end > span.start && text.as_bytes()[span.end - 1] == b'\\' {
        span.end -= 1;
    }
    span
}

fn check(check: Check, value: &str) -> bool {
    match check {
        Check::None | Check::PemBody => true,
        Check::NotExample => !value.ends_with("EXAMPLE"),
        Check::Tokenish => {
            value.bytes().any(|b| b.is_ascii_digit())
                || (value.bytes().any(|b| b.is_ascii_uppercase())
                    && value.bytes().any(|b| b.is_ascii_lowercase())
                    && value.len() >= 16)
        }
        Check::Base62Crc32 => base62_crc32_ok(value),
        Check::BasicCredentials => decode_base64(value).is_some_and(|decoded| {
            decoded.contains(&b':')
                && decoded.len() >= 3
                && decoded.iter().all(|&b| (0x20..0x7f).contains(&b))
        }),
    }
}

/// `ghp_` + 30 random base62 characters + their CRC32 in 6 base62 digits
/// (`0-9A-Za-z`), as GitHub and npm mint them.
fn base62_crc32_ok(token: &str) -> bool {
    let Some((_, body)) = token.split_once('_') else {
        return false;
    };
    if body.len() != 36 {
        return false;
    }
    let (random, sum) = body.split_at(30);
    let mut decoded: u64 = 0;
    for b in sum.bytes() {
        let digit = match b {
            b'0'..=b'9' => b - b'0',
            b'A'..=b'Z' => b - b'A' + 10,
            b'a'..=b'z' => b - b'a' + 36,
            _ => return false,
        };
        decoded = decoded * 62 + u64::from(digit);
    }
    decoded == u64::from(crc32(random.as_bytes()))
}

/// Bitwise CRC-32 (IEEE); a table would cost wasm bytes for 30-byte inputs.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The body of a PEM block whose `BEGIN` line ends at `header_end`: from the
/// first body byte to the last one before `-----END`, across real newlines
/// (block scalars) and literal `\n` (JSON strings). Without an `END`, the run
/// of base64-looking lines that follows.
fn pem_body(text: &str, header_end: usize) -> Option<Span> {
    const MAX_BODY: usize = 64 * 1024;
    let bytes = text.as_bytes();
    let mut start = header_end;
    loop {
        match bytes.get(start..) {
            Some([b'\\', b'n', ..]) => start += 2,
            Some([b' ' | b'\t' | b'\r' | b'\n', ..]) => start += 1,
            _ => break,
        }
    }
    let limit = (start + MAX_BODY).min(text.len());
    let window = &text[start..floor_char_boundary(text, limit)];
    let mut end = if let Some(at) = window.find("-----END") {
        start + at
    } else {
        {
            // Unterminated: take the lines that look like base64.
            let mut end = start;
            for line in window.split_inclusive('\n') {
                let body = line.trim();
                if body.is_empty()
                    || !body
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
                {
                    break;
                }
                end += line.len();
            }
            end
        }
    };
    loop {
        if end >= start + 2 && &bytes[end - 2..end] == b"\\n" {
            end -= 2;
        } else if end > start && matches!(bytes[end - 1], b' ' | b'\t' | b'\r' | b'\n' | b'"') {
            end -= 1;
        } else {
            break;
        }
    }
    (end > start).then(|| Span::new(start, end))
}

/// A PEM body's identity: its base64 characters only, so the same key in two
/// files with different indentation gets the same placeholder number.
fn normalise_pem(body: &str) -> String {
    body.replace("\\n", "")
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles_in_the_engine() {
        for (index, rule) in RULES.iter().enumerate() {
            assert!(pattern(index).is_some(), "{} does not compile", rule.id);
        }
    }

    #[test]
    fn ids_are_unique_kebab_case_and_keywords_lower_case() {
        let mut seen = crate::hash::HashSet::default();
        for rule in RULES {
            assert!(seen.insert(rule.id), "duplicate id {}", rule.id);
            let only = |s: &str, ok: fn(&u8) -> bool| s.bytes().all(|b| ok(&b));
            assert!(
                only(rule.id, |b| b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || *b == b'-'),
                "{}",
                rule.id
            );
            let family_ok = |b: &u8| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_';
            assert!(only(rule.family, family_ok), "{}", rule.family);
            assert!(!rule.keywords.is_empty());
            for keyword in rule.keywords {
                assert_eq!(*keyword, keyword.to_ascii_lowercase(), "{}", rule.id);
            }
        }
    }

    #[test]
    fn pem_body_keeps_begin_and_end_lines() {
        let text = "key: |\n  -----BEGIN EC PRIVATE KEY-----\n  MHcCAQEEIA\n  AoGCCqGSM4\n  -----END EC PRIVATE KEY-----\n";
        let header_end = text.find("KEY-----").unwrap() + 8;
        let body = pem_body(text, header_end).unwrap();
        assert_eq!(body.slice(text), "MHcCAQEEIA\n  AoGCCqGSM4");
    }

    #[test]
    fn pem_body_in_json_string() {
        let text = r#"{"private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN\nBgkqhkiG\n-----END PRIVATE KEY-----\n"}"#;
        let header_end = text.find("KEY-----").unwrap() + 8;
        assert_eq!(
            pem_body(text, header_end).unwrap().slice(text),
            r"MIIEvQIBADAN\nBgkqhkiG"
        );
    }
}
