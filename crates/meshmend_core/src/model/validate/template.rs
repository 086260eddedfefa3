//! Unrendered templates: a file with Helm/Go, Jinja or Terraform template
//! actions is not analyzed, and says so once (MM002).

use super::{InputProblem, ProblemKind};
use crate::model::tree::{NodeKind, ScalarStyle};
use crate::parse::Stream;
use crate::span::Span;

/// A template language, told by how its actions open.
struct Syntax {
    opener: &'static str,
    closer: &'static str,
    /// What the file is, for the finding's message.
    what: &'static str,
    /// How to render it, for the finding's help.
    render: &'static str,
}

/// The template languages found, Helm/Go first (the default).
const SYNTAXES: [Syntax; 3] = [
    Syntax {
        opener: "{{",
        closer: "}}",
        what: "an unrendered Helm/Go template",
        render: "render it first and analyze the output: `helm template <release> <chart> | \
                 meshmend analyze -`",
    },
    Syntax {
        opener: "{%",
        closer: "%}",
        what: "a Jinja template",
        render: "render it first (Jinja/Ansible), then analyze the output",
    },
    Syntax {
        opener: "%{",
        closer: "}",
        what: "a Terraform template",
        render: "render it first (Terraform's `templatefile()`), then analyze the output",
    },
];

/// The syntax of an action (which starts with one of the openers).
fn syntax_of(action: &str) -> &'static Syntax {
    SYNTAXES
        .iter()
        .find(|s| action.starts_with(s.opener))
        .unwrap_or(&SYNTAXES[0])
}

/// The first template action outside quoted or block strings, with its text.
///
/// A file that does not parse counts when such an action appears anywhere;
/// a file that parses counts only when an action is structural (`name: {{
/// .Name }}` parses as a flow mapping) or is plainly Go template syntax in a
/// plain scalar that only Helm writes (`{{-`, `{{ .Values.x }}`, `{{ include`,
/// `{{ $x := …}}`). `{{ }}` in quoted or block strings is data for another
/// tool at run time (Prometheus alert templates, Argo Workflows parameters).
pub(super) fn find_template(text: &str, stream: &Stream) -> Option<(Span, String)> {
    const OPENERS: [&str; 3] = [SYNTAXES[0].opener, SYNTAXES[1].opener, SYNTAXES[2].opener];
    if !OPENERS.iter().any(|opener| text.contains(opener)) {
        return None;
    }
    let mut strings = Vec::new();
    let mut flow_mappings = Vec::new();
    let mut plain = Vec::new();
    for doc in &stream.documents {
        for node in doc.nodes() {
            match node.own_kind() {
                NodeKind::Scalar {
                    style: ScalarStyle::Plain,
                    ..
                } => {
                    plain.push(node.span());
                }
                NodeKind::Scalar { .. } => strings.push(node.span()),
                NodeKind::Mapping {
                    style: crate::model::tree::CollectionStyle::Flow,
                    ..
                } => {
                    flow_mappings.push(node.span().start);
                }
                _ => {}
            }
        }
    }
    // Scalars enter the arena in text order and never overlap, so each list
    // is sorted and one binary search answers "inside which scalar?".
    let inside = |spans: &[Span], at: usize| {
        let after = spans.partition_point(|s| s.start <= at);
        after > 0 && at < spans[after - 1].end
    };
    let broken = !stream.errors.is_empty();
    // Next occurrence of each opener, refreshed only once passed: one scan
    // of the text per opener however many actions it holds.
    let mut next: [Option<usize>; 3] = OPENERS.map(|opener| text.find(opener));
    let mut at = 0;
    loop {
        for (slot, opener) in next.iter_mut().zip(OPENERS) {
            if slot.is_some_and(|found| found < at) {
                *slot = text[at..].find(opener).map(|found| at + found);
            }
        }
        let Some(start) = next.iter().flatten().copied().min() else {
            break;
        };
        at = start + 2;
        if inside(&strings, start) {
            continue;
        }
        let action = action_text(text, start);
        let evidence = if broken {
            !after_open_quote(text, start)
        } else {
            flow_mappings.contains(&start)
                || (inside(&plain, start) && looks_like_directive(&action))
        };
        if evidence {
            return Some((Span::new(start, start + action.len()), action));
        }
    }
    None
}

/// True when an odd number of quotes precedes `at` on its line: inside a
/// string of a document that did not parse. Looks back at most 1 KB, so a
/// huge one-line document costs linear time.
fn after_open_quote(text: &str, at: usize) -> bool {
    let mut from = at.saturating_sub(1024);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let window = &text[from..at];
    let before = &window[window.rfind('\n').map_or(0, |i| i + 1)..];
    before.matches('"').count() % 2 == 1 || before.matches('\'').count() % 2 == 1
}

/// The action from its opener to its closer (at most one line, 60 bytes).
fn action_text(text: &str, start: usize) -> String {
    let mut end = (start + 120).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let rest = &text[start..end];
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let closer = syntax_of(line).closer;
    let end = line.find(closer).map_or(line.len(), |i| i + closer.len());
    let mut end = end.min(60);
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    line[..end].to_string()
}

/// Helm/Go template, Jinja or Terraform syntax that no runtime string
/// template uses the same way.
fn looks_like_directive(action: &str) -> bool {
    if action.starts_with("{%") {
        return true;
    }
    let inner = action
        .trim_start_matches(['{', '%'])
        .trim_start_matches(['-', '~'])
        .trim_start();
    if action.starts_with("%{") {
        return ["if ", "for ", "else", "endif", "endfor"]
            .iter()
            .any(|word| inner.starts_with(word));
    }
    // Helm's built-in objects only: other Go templates in plain strings are
    // expanded at run time by the object's controller (KServe's
    // `--model_name={{.Name}}`, `/{{ .ObjectMeta.Namespace }}/…` in a
    // rendered release manifest), and that file must still be analyzed.
    action.starts_with("{{-")
        || action.starts_with("{{/*")
        || action.ends_with("-}}")
        || action.contains(":=")
        || [
            ".Values",
            ".Release",
            ".Chart",
            ".Capabilities",
            ".Files",
            "include ",
            "template ",
            "tpl ",
            "toYaml ",
            "required ",
            "define ",
            "range ",
            "with ",
        ]
        .iter()
        .any(|word| inner.starts_with(word))
}

pub(super) fn template_problem(
    file: usize,
    span: Span,
    action: &str,
    stream: &Stream,
) -> InputProblem {
    let syntax = syntax_of(action);
    let what = syntax.what;
    let errors = stream.errors.len();
    InputProblem {
        kind: ProblemKind::Template,
        file,
        span,
        message: format!("this file is {what} (`{action}`): it was not analyzed"),
        note: Some(if errors == 0 {
            "its template actions would be read as YAML values (`name: {{ .Name }}` is a mapping), \
             so none of its objects were modelled"
                .to_string()
        } else {
            format!(
                "it is not YAML until rendered ({errors} YAML error{} hidden), so none of its \
                 objects were modelled",
                if errors == 1 { "" } else { "s" }
            )
        }),
        help: Some(syntax.render.to_string()),
        resource: None,
        related: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Limits, parse};

    /// Each syntax ends its action at its own closer and names itself in
    /// the message and the help.
    #[test]
    fn each_syntax_is_cut_at_its_closer_and_named() {
        for (text, action, what, help) in [
            (
                "{{- if .Values.on }}\nkind: Gateway\n",
                "{{- if .Values.on }}",
                "an unrendered Helm/Go template",
                "`helm template <release> <chart> | meshmend analyze -`",
            ),
            (
                "{% set ports = {} %}\nkind: Gateway\n",
                "{% set ports = {} %}",
                "a Jinja template",
                "(Jinja/Ansible)",
            ),
            (
                "%{ if on }\nkind: Gateway\n",
                "%{ if on }",
                "a Terraform template",
                "`templatefile()`",
            ),
        ] {
            let stream = parse(text, &Limits::default()).unwrap();
            let (span, found) = find_template(text, &stream).expect(text);
            assert_eq!(found, action);
            let problem = template_problem(0, span, &found, &stream);
            assert!(problem.message.contains(what), "{}", problem.message);
            assert!(problem.help.unwrap().contains(help), "{text}");
        }
    }
}
