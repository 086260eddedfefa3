//! Prints one generated input shape of the benches to stdout, for
//! `scripts/memory.sh` (peak memory of the CLI per shape):
//!
//! ```sh
//! cargo run --release -p meshmend_core --example shapes -- cluster 10000 > /tmp/cluster.yaml
//! ```
//!
//! Shapes: `cluster DOCS`, `pathological WORKLOADS` (as many Services, twice
//! as many Gateways), `one-group GATEWAYS`, `tiny DOCS`, `helm BYTES`.
#![expect(clippy::print_stdout, reason = "prints the generated input")]

use std::io::Write;

include!("../benches/support/shapes.rs");

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(shape), Some(n)) = (
        args.first(),
        args.get(1).and_then(|n| n.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: shapes cluster|pathological|one-group|tiny|helm N");
        std::process::exit(2);
    };
    let text = match shape.as_str() {
        "cluster" => cluster(n),
        "pathological" => pathological(n, n, 2 * n),
        "one-group" => one_group(n),
        "tiny" => tiny(n),
        "helm" => helm(n),
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
