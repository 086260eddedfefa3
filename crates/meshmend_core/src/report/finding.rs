//! A positioned finding: a [`Diagnostic`] with file names, lines and columns.

use serde::Serialize;

use super::{Locator, Shape};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::ResourceRef;
use crate::report::Location;

/// One finding, ready for an output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Finding {
    /// Rule code (`MM101`).
    pub code: &'static str,
    /// Rule name (`protocol-conflict`).
    pub name: &'static str,
    /// The `istioctl analyze` equivalent, if any.
    pub istio_code: Option<&'static str>,
    /// `error`, `warning` or `info`.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// Where (primary span).
    #[serde(flatten)]
    pub location: Location,
    /// The resource the finding is about.
    pub resource: Option<ResourceRef>,
    /// Other locations involved.
    pub related: Vec<RelatedLocation>,
    /// Why, in more detail (page only: `None` leaves the field out, `Some(None)` is `null`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub note: Option<Option<String>>,
    /// What to do (page only, as `note`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub help: Option<Option<String>>,
    /// True when a mechanical fix exists.
    pub fix_available: bool,
}

/// A secondary location of a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RelatedLocation {
    /// Where (no end in version 1 JSON).
    #[serde(flatten)]
    pub location: Location,
    /// Why it matters.
    pub message: String,
}

impl Locator<'_> {
    /// `d`, positioned, with the fields `shape` carries.
    pub fn finding(&self, d: &Diagnostic, shape: Shape) -> Finding {
        let page = shape == Shape::Page;
        Finding {
            code: d.code,
            name: d.name,
            istio_code: d.istio_code,
            severity: d.severity,
            message: d.message.clone(),
            location: self.location(d.file, d.span, shape),
            resource: d.resource.clone(),
            related: d
                .related
                .iter()
                .map(|r| {
                    let mut location = self.location(r.file, r.span, shape);
                    if !page {
                        location.end_line = None;
                        location.end_column = None;
                    }
                    RelatedLocation {
                        location,
                        message: r.message.clone(),
                    }
                })
                .collect(),
            note: page.then(|| d.note.clone()),
            help: page.then(|| d.help.clone()),
            fix_available: d.fix_available,
        }
    }
}
