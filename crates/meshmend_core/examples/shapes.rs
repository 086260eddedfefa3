//! Prints one generated input shape of the benches to stdout, for
//! `scripts/memory.sh` (peak memory of the CLI per shape):
//!
//! ```sh
//! cargo run --release -p meshmend_core --example shapes -- cluster 10000 > /tmp/cluster.yaml
//! ```
//!
//! Shapes: `cluster DOCS`, `pathological WORKLOADS` (as many Services, twice
//! as many Gateways), `one-group GATEWAYS`, `tiny DOCS`, `helm BYTES`, `ingress-groups DOCS`
//! (the side-by-side script's generated input). Each generator is `benches/support/shapes/<shape>.rs`.
#![expect(clippy::print_stderr, reason = "a generator that explains its usage")]

use std::io::Write;

include!("../benches/support/shapes/cluster.rs");
include!("../benches/support/shapes/tiny.rs");
include!("../benches/support/shapes/pathological.rs");
include!("../benches/support/shapes/one_group.rs");
include!("../benches/support/shapes/helm.rs");
include!("../benches/support/shapes/ingress_groups.rs");

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(shape), Some(n)) = (
        args.first(),
        args.get(1).and_then(|n| n.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: shapes cluster|pathological|one-group|tiny|helm|ingress-groups N");
        std::process::exit(2);
    };
    let text = match shape.as_str() {
        "cluster" => cluster(n),
        "pathological" => pathological(n, n, 2 * n),
        "one-group" => one_group(n),
        "tiny" => tiny(n),
        "helm" => helm(n),
        "ingress-groups" => ingress_groups(n),
        _ => {
            eprintln!("unknown shape {shape}");
            std::process::exit(2);
        }
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .expect("stdout");
}
