//! The hash maps of the core: std's `HashMap`/`HashSet`, with a small
//! multiplicative hasher in the browser build.
//!
//! Why: std's default `RandomState` hashes with SipHash-1-3, whose rounds are
//! inlined into every key type's `hash_one` and whose seeding is inlined into
//! every `HashMap::new`; across the core's ~80 maps that was several KB of the
//! wasm module. No output depends on map order (every order that reaches
//! output is sorted first), so the hasher changes nothing visible. Native
//! builds keep `RandomState`: the CLI reads files it did not write, and
//! SipHash's keyed seed keeps crafted keys from colliding.
//!
//! Construct with `HashMap::default()`, not `HashMap::default()` (only defined
//! for `RandomState`).

#[cfg(target_arch = "wasm32")]
type State = std::hash::BuildHasherDefault<FxHasher>;
#[cfg(not(target_arch = "wasm32"))]
type State = std::hash::RandomState;

/// `std::collections::HashMap` with the core's hasher.
pub type HashMap<K, V> = std::collections::HashMap<K, V, State>;
/// `std::collections::HashSet` with the core's hasher.
pub type HashSet<T> = std::collections::HashSet<T, State>;

/// rustc's FxHash (rotate, xor, multiply per word): small and fast, not
/// collision-resistant against chosen keys.
#[cfg(target_arch = "wasm32")]
#[derive(Default)]
pub struct FxHasher(usize);

#[cfg(target_arch = "wasm32")]
impl FxHasher {
    #[inline]
    fn add(&mut self, word: usize) {
        const SEED: usize = 0x9e37_79b9;
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

#[cfg(target_arch = "wasm32")]
impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(4);
        for chunk in &mut chunks {
            self.add(u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]) as usize);
        }
        for &byte in chunks.remainder() {
            self.add(usize::from(byte));
        }
    }

    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.add(usize::from(n));
    }

    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.add(n as usize);
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n);
    }

    fn finish(&self) -> u64 {
        self.0 as u64
    }
}

/// `HashMap::with_capacity` for [`HashMap`] (std's is only for `RandomState`).
pub fn map_with_capacity<K, V>(capacity: usize) -> HashMap<K, V> {
    HashMap::with_capacity_and_hasher(capacity, State::default())
}
