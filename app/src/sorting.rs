//! Sorting with one copy of the standard library's sort in the wasm.
//!
//! `sort`, `sort_by`, `sort_by_key` and the unstable ones are generic over
//! the element and the comparison, so every call site compiled a copy of
//! the whole sort for its own types: twelve copies, about 4 KB of code each
//! (BENCHMARKS.md, 2026-12-07). Here the standard sort only ever orders
//! positions (`usize`) through a comparison behind `&dyn Fn`, so the
//! bundle holds one copy; a caller adds only its comparison and moving its
//! items into place. The lists sorted here are a conference's (thousands
//! of items at most), where an indirect call per comparison costs nothing
//! anyone can see.

use std::cmp::Ordering;

/// Sorts `items` in their own order; equal items keep their order.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// Sorts `items` by `compare`; equal items keep their order.
pub fn sort_by<T>(items: &mut [T], compare: impl Fn(&T, &T) -> Ordering) {
    let order = positions(items.len(), &|a, b| compare(&items[a], &items[b]));
    move_into_place(items, order);
}

/// Sorts `items` by the key `key` gives each, computed once per item;
/// equal keys keep their order.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    let keys: Vec<K> = items.iter().map(key).collect();
    let order = positions(keys.len(), &|a, b| keys[a].cmp(&keys[b]));
    move_into_place(items, order);
}

/// The positions `0..len` in the order `compare` puts them in, equal ones
/// in their own order. Not generic: the one place the standard sort is
/// compiled for.
#[allow(clippy::disallowed_methods)] // the one copy (app/clippy.toml)
fn positions(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Puts the item at `order[i]` at `i`, for every `i`, by swaps.
fn move_into_place<T>(items: &mut [T], mut order: Vec<usize>) {
    for i in 0..order.len() {
        // The item that was at `from < i` was swapped away when position
        // `from` was filled, to where `order[from]` now says.
        let mut from = order[i];
        while from < i {
            from = order[from];
        }
        order[i] = from;
        items.swap(i, from);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small generator, so the tests need no crate for randomness.
    fn numbers(seed: u64, n: usize, modulo: u64) -> Vec<u64> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (x >> 33) % modulo
            })
            .collect()
    }

    #[test]
    #[allow(clippy::disallowed_methods)] // the standard sort is the reference
    fn sorts_as_the_standard_sort_does() {
        for (seed, n, modulo) in [
            (1, 0, 5),
            (2, 1, 5),
            (3, 2, 5),
            (4, 37, 5),
            (5, 1000, 1000),
            (6, 5000, 3),
        ] {
            let mut ours = numbers(seed, n, modulo);
            let mut theirs = ours.clone();
            sort(&mut ours);
            theirs.sort();
            assert_eq!(ours, theirs, "seed {seed}, {n} items");
        }
    }

    #[test]
    fn equal_items_keep_their_order() {
        // (key, where it was): sorted by key alone, the second field of
        // equal keys must still rise.
        let mut items: Vec<(u64, usize)> = numbers(7, 2000, 10).into_iter().zip(0..).collect();
        sort_by(&mut items, |a, b| a.0.cmp(&b.0));
        assert!(
            items
                .windows(2)
                .all(|w| w[0].0 < w[1].0 || (w[0].0 == w[1].0 && w[0].1 < w[1].1))
        );

        let mut by_key: Vec<(u64, usize)> = numbers(8, 2000, 10).into_iter().zip(0..).collect();
        sort_by_key(&mut by_key, |item| item.0);
        assert!(
            by_key
                .windows(2)
                .all(|w| w[0].0 < w[1].0 || (w[0].0 == w[1].0 && w[0].1 < w[1].1))
        );
    }

    #[test]
    fn a_key_is_computed_once_per_item() {
        let calls = std::cell::Cell::new(0);
        let mut words = vec!["pear", "apple", "fig", "kiwi", "banana"];
        sort_by_key(&mut words, |w| {
            calls.set(calls.get() + 1);
            w.len()
        });
        assert_eq!(words, ["fig", "pear", "kiwi", "apple", "banana"]);
        assert_eq!(calls.get(), 5);
    }

    #[test]
    fn sorts_in_reverse_and_by_owned_items() {
        let mut names: Vec<String> = ["b", "c", "a"].map(String::from).to_vec();
        sort_by(&mut names, |a, b| b.cmp(a));
        assert_eq!(names, ["c", "b", "a"]);
    }
}
