//! The rule registry: one file per rule, listed once here.
//!
//! Codes: `MM0xx` input, `MM1xx` Gateway merging on one workload, `MM2xx`
//! node ports, `MM3xx` Gateway ↔ workload/Service wiring, `MM4xx`
//! VirtualService ↔ Gateway binding.

mod mm001_yaml_syntax;
mod mm002_unrendered_template;
mod mm003_invalid_field;
mod mm004_missing_api_version;
mod mm005_duplicate_key;
mod mm006_duplicate_definition;
mod mm007_kustomize_build_needed;
mod mm008_kustomize_unlisted_file;
mod mm010_null_label_value;
mod mm101_protocol_conflict;
mod mm102_duplicate_tls_host;
mod mm103_merged_http_host;
mod mm104_sni_chain_clash;
mod mm105_duplicate_certificate;
mod mm106_duplicate_port_name;
mod mm201_nodeport_collision;
mod mm202_nodeport_out_of_range;
mod mm301_gateway_port_not_on_service;
mod mm302_gateway_selector_no_workload;
mod mm401_virtualservice_gateway_not_found;
mod mm402_virtualservice_host_not_in_gateway;

use super::{Context, Rule};
use crate::diagnostic::Diagnostic;
use crate::model::validate::ProblemKind;

/// Turns the input problems found while loading (`model::validate`) into
/// findings of `rule`.
fn report_problems(
    rule: &dyn Rule,
    cx: &Context<'_>,
    kind: ProblemKind,
    out: &mut Vec<Diagnostic>,
) {
    for problem in cx.bundle.problems.iter().filter(|p| p.kind == kind) {
        let mut diagnostic = Diagnostic::new(rule, problem.file, problem.span, &problem.message);
        if let Some(resource) = &problem.resource {
            diagnostic = diagnostic.resource(resource.clone());
        }
        if let Some((span, message)) = &problem.related {
            diagnostic = diagnostic.related(problem.file, *span, message);
        }
        if let Some(note) = &problem.note {
            diagnostic = diagnostic.note(note);
        }
        if let Some(help) = &problem.help {
            diagnostic = diagnostic.help(help);
        }
        out.push(diagnostic);
    }
}

/// All rules, in the order they run and are documented.
pub(crate) const RULES: &[&dyn Rule] = &[
    &mm001_yaml_syntax::YamlSyntax,
    &mm002_unrendered_template::UnrenderedTemplate,
    &mm003_invalid_field::InvalidField,
    &mm004_missing_api_version::MissingApiVersion,
    &mm005_duplicate_key::DuplicateKey,
    &mm006_duplicate_definition::DuplicateDefinition,
    &mm007_kustomize_build_needed::KustomizeBuildNeeded,
    &mm008_kustomize_unlisted_file::KustomizeUnlistedFile,
    &mm010_null_label_value::NullLabelValue,
    &mm101_protocol_conflict::ProtocolConflict,
    &mm102_duplicate_tls_host::DuplicateTlsHost,
    &mm103_merged_http_host::MergedHttpHost,
    &mm104_sni_chain_clash::SniChainClash,
    &mm105_duplicate_certificate::DuplicateCertificate,
    &mm106_duplicate_port_name::DuplicatePortName,
    &mm201_nodeport_collision::NodeportCollision,
    &mm202_nodeport_out_of_range::NodeportOutOfRange,
    &mm301_gateway_port_not_on_service::GatewayPortNotOnService,
    &mm302_gateway_selector_no_workload::GatewaySelectorNoWorkload,
    &mm401_virtualservice_gateway_not_found::VirtualServiceGatewayNotFound,
    &mm402_virtualservice_host_not_in_gateway::VirtualServiceHostNotInGateway,
];

#[cfg(test)]
mod tests {
    use super::RULES;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = std::collections::HashSet::new();
        let mut names = std::collections::HashSet::new();
        for rule in RULES {
            let code = rule.code();
            assert!(
                code.len() == 5
                    && code.starts_with("MM")
                    && code[2..].bytes().all(|b| b.is_ascii_digit()),
                "bad code {code}"
            );
            assert!(
                rule.name()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-'),
                "bad name {}",
                rule.name()
            );
            assert!(codes.insert(code), "duplicate code {code}");
            assert!(names.insert(rule.name()), "duplicate name {}", rule.name());
            assert!(rule.docs().contains("## What it does"), "{code} lacks docs");
        }
    }
}
