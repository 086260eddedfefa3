//! Stable sorting through one shared sort.
//!
//! Why: each `slice::sort_by`/`sort_by_key` call with its own closure or
//! element type stamps out a full copy of std's driftsort. The core had 31
//! such copies, about 130 KB of the browser module before `wasm-opt`. Here
//! the positions are sorted with a `dyn` comparator (one small merge sort
//! over `usize`) and the elements are then moved into place, so each call
//! site adds only a few hundred bytes. Same order as `slice::sort_by`:
//! stable, and `O(n log n)` comparisons.

use std::cmp::Ordering;

/// Sorts `v` by `compare`, keeping equal elements in their order.
pub fn by<T>(v: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let order = sorted_positions(v.len(), &mut |a, b| compare(&v[a], &v[b]));
    permute(v, order);
}

/// Sorts `v` by the key `key` returns, keeping equal keys in their order.
pub fn by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    by(v, |a, b| key(a).cmp(&key(b)));
}

/// Collects into a `BTreeMap` or `BTreeSet` by inserting one item at a time
/// (later duplicates win, as with `collect`). Why: `collect()` into a B-tree
/// first sorts the items, with a copy of std's sort for each call site.
pub fn btree<C: Default + Extend<T>, T>(items: impl IntoIterator<Item = T>) -> C {
    let mut collection = C::default();
    collection.extend(items);
    collection
}

/// Sorts `v` in ascending order (stable).
pub fn ascending<T: Ord>(v: &mut [T]) {
    by(v, T::cmp);
}

/// `0..len` in the stable order `compare` gives. Not generic, so the whole
/// program carries one copy of the sort.
///
/// A bottom-up merge sort rather than `slice::sort_by`: std's driftsort is
/// ~3 KB of wasm per element type, this loop a few hundred bytes.
fn sorted_positions(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    let mut merged = order.clone();
    let mut width = 1;
    while width < len {
        // Merge each pair of adjacent sorted runs `start..mid`, `mid..end`.
        let mut start = 0;
        while start < len {
            let mid = (start + width).min(len);
            let end = (start + 2 * width).min(len);
            let (mut left, mut right) = (start, mid);
            for slot in &mut merged[start..end] {
                // Ties take the left run's element first: stable.
                let take_right = right < end
                    && (left >= mid || compare(order[right], order[left]) == Ordering::Less);
                if take_right {
                    *slot = order[right];
                    right += 1;
                } else {
                    *slot = order[left];
                    left += 1;
                }
            }
            start = end;
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    order
}

/// Rearranges `v` in place so that the element at `order[i]` ends at `i`,
/// following each cycle of the permutation once.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    const DONE: usize = usize::MAX;
    for start in 0..v.len() {
        let mut at = start;
        while order[at] != DONE {
            let from = order[at];
            order[at] = DONE;
            if from == start {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        /// Same result as std's stable sort, including the order of ties.
        #[test]
        fn matches_std_stable_sort(mut v in proptest::collection::vec((0u8..8, any::<u16>()), 0..200)) {
            let mut expected = v.clone();
            expected.sort_by_key(|&(k, _)| k);
            super::by_key(&mut v, |&(k, _)| k);
            prop_assert_eq!(v, expected);
        }
    }

    #[test]
    fn ascending_and_reverse_comparator() {
        let mut words = vec!["pear", "apple", "fig", "apple", "kiwi"];
        super::ascending(&mut words);
        assert_eq!(words, ["apple", "apple", "fig", "kiwi", "pear"]);
        super::by(&mut words, |a, b| b.len().cmp(&a.len()));
        assert_eq!(words, ["apple", "apple", "kiwi", "pear", "fig"]);
    }
}
