// Input shape `tiny` shared by the benches and `examples/shapes.rs` (which
// prints it for `scripts/memory.sh`); deterministic, never stored in the repository.

/// `documents` tiny documents (about 60 bytes each): per-document overhead
/// without anything for the rules to do.
fn tiny(documents: usize) -> String {
    let mut out = String::with_capacity(documents * 64);
    for d in 0..documents {
        if d > 0 {
            out += "---\n";
        }
        out += &format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{d}\n");
    }
    out
}
