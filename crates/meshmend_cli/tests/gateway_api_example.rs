//! The page's Gateway API example (`examples/gateway-api-incident.yaml`,
//! shipped as text in `web/examples.js`): the two copies are the same, and
//! the CLI finds the incidents it is there to show.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_meshmend");
const EXAMPLE: &str = include_str!("../../../examples/gateway-api-incident.yaml");
const PAGE_MODULE: &str = include_str!("../../../web/examples.js");

#[test]
fn the_page_ships_the_example_verbatim() {
    let start = PAGE_MODULE
        .find("text: `")
        .expect("web/examples.js holds the text")
        + 7;
    let end = start + PAGE_MODULE[start..].find('`').expect("the text ends");
    assert_eq!(
        &PAGE_MODULE[start..end],
        EXAMPLE,
        "copy examples/gateway-api-incident.yaml into web/examples.js"
    );
}

#[test]
fn the_example_shows_the_cross_api_clash_the_listener_conflict_and_the_route() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/gateway-api-incident.yaml"
    );
    let output = Command::new(BIN)
        .args([
            "analyze",
            path,
            "--format",
            "json",
            "--failure-threshold",
            "none",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    codes.sort_unstable();
    assert_eq!(codes, ["MM501", "MM503", "MM510"]);
}
