//! Class breaks for choropleth maps: quantiles, Jenks natural breaks, equal
//! intervals, from 3 to 7 classes.
//!
//! Hand-written rather than taken from a crate: the one maintained crate with
//! Jenks-style optimal breaks (`ckmeans`) always builds its C FFI and
//! `wasm-bindgen` exports into whoever depends on it, which this crate (shared
//! by the server and the browser app) must not carry; the values classed here
//! are one per commune or zone (hundreds), for which Fisher's exact dynamic
//! programme is a few dozen lines.
//!
//! Classes are described by their upper bounds: class `0` holds the values
//! from [`Classes::min`] to `upper[0]`, class `i > 0` the values greater than
//! `upper[i - 1]` and up to `upper[i]`. Equal values always fall in one class,
//! so ties and data with fewer distinct values than classes give fewer
//! classes: never an empty class, never one value split across two.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The fewest classes a map may ask for.
pub const MIN_CLASSES: usize = 3;
/// The most classes a map may ask for (more are not told apart by colour).
pub const MAX_CLASSES: usize = 7;

/// How class bounds are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassMethod {
    /// About the same number of values in each class (nearest-rank quantiles).
    #[default]
    Quantiles,
    /// Jenks natural breaks: the classes with the least total squared
    /// deviation from their means (Fisher's exact algorithm).
    Jenks,
    /// Classes of equal width between the smallest and largest value.
    EqualIntervals,
}

impl ClassMethod {
    /// Every method, default first.
    pub const ALL: [ClassMethod; 3] = [
        ClassMethod::Quantiles,
        ClassMethod::Jenks,
        ClassMethod::EqualIntervals,
    ];

    /// The method named `quantiles`, `jenks` or `equal_intervals`.
    #[must_use]
    pub fn parse(raw: &str) -> Option<ClassMethod> {
        ClassMethod::ALL.into_iter().find(|m| m.as_str() == raw)
    }

    /// The name [`ClassMethod::parse`] reads.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ClassMethod::Quantiles => "quantiles",
            ClassMethod::Jenks => "jenks",
            ClassMethod::EqualIntervals => "equal_intervals",
        }
    }
}

/// A class count outside [`MIN_CLASSES`]..=[`MAX_CLASSES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("between {MIN_CLASSES} and {MAX_CLASSES} classes, not {0}")]
pub struct ClassCountError(pub usize);

/// The classes of a set of values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classes {
    /// The smallest value classed (0 when there was none).
    pub min: f64,
    /// Upper bound of each class, increasing; the last is the largest value.
    /// Empty when there was no finite value.
    pub upper: Vec<f64>,
}

impl Classes {
    /// Number of classes (may be fewer than asked: see the module docs).
    #[must_use]
    pub fn len(&self) -> usize {
        self.upper.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.upper.is_empty()
    }

    /// The class of `value`, or `None` when it is not finite or outside
    /// `min..=max`.
    #[must_use]
    pub fn class_of(&self, value: f64) -> Option<usize> {
        if !value.is_finite() || value < self.min {
            return None;
        }
        self.upper.iter().position(|&upper| value <= upper)
    }

    /// Lower and upper bound of class `i` (the lower bound belongs to the
    /// class only for class 0).
    #[must_use]
    pub fn bounds(&self, i: usize) -> Option<(f64, f64)> {
        let upper = *self.upper.get(i)?;
        let lower = if i == 0 { self.min } else { self.upper[i - 1] };
        Some((lower, upper))
    }
}

/// Breaks `values` into `classes` classes by `method`. Values that are not
/// finite (NaN, infinities) are left out.
///
/// ```
/// use solidarites_domain::results::classes::{class_breaks, ClassMethod};
///
/// let values = [1.0, 2.0, 3.0, 10.0, 11.0, 12.0, 20.0, 21.0, 22.0];
/// let classes = class_breaks(&values, ClassMethod::Jenks, 3).unwrap();
/// assert_eq!(classes.upper, [3.0, 12.0, 22.0]);
/// assert_eq!(classes.class_of(11.0), Some(1));
/// ```
///
/// # Errors
/// [`ClassCountError`] when `classes` is not between [`MIN_CLASSES`] and
/// [`MAX_CLASSES`].
pub fn class_breaks(
    values: &[f64],
    method: ClassMethod,
    classes: usize,
) -> Result<Classes, ClassCountError> {
    if !(MIN_CLASSES..=MAX_CLASSES).contains(&classes) {
        return Err(ClassCountError(classes));
    }
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let (Some(&min), Some(&max)) = (sorted.first(), sorted.last()) else {
        return Ok(Classes {
            min: 0.0,
            upper: Vec::new(),
        });
    };
    // Distinct values and how many times each occurs.
    let mut distinct: Vec<(f64, usize)> = Vec::new();
    for &v in &sorted {
        match distinct.last_mut() {
            Some((last, n)) if *last == v => *n += 1,
            _ => distinct.push((v, 1)),
        }
    }
    if distinct.len() <= classes {
        // One class per distinct value, whatever the method.
        return Ok(Classes {
            min,
            upper: distinct.into_iter().map(|(v, _)| v).collect(),
        });
    }
    let mut upper = match method {
        ClassMethod::Quantiles => {
            let n = sorted.len();
            (1..=classes)
                .map(|i| sorted[(i * n).div_ceil(classes) - 1])
                .collect()
        }
        ClassMethod::EqualIntervals => {
            let width = (max - min) / classes as f64;
            let mut upper: Vec<f64> = (1..classes).map(|i| min + width * i as f64).collect();
            upper.push(max);
            // A bound with no value at or under it since the previous one
            // would make an empty class.
            let mut kept = Vec::with_capacity(classes);
            let mut previous = f64::NEG_INFINITY;
            for bound in upper {
                if distinct.iter().any(|&(v, _)| v > previous && v <= bound) {
                    kept.push(bound);
                    previous = bound;
                }
            }
            if let Some(last) = kept.last_mut() {
                *last = max;
            }
            kept
        }
        ClassMethod::Jenks => jenks(&distinct, classes),
    };
    upper.dedup();
    Ok(Classes { min, upper })
}

/// Fisher's exact optimal partition of sorted, distinct, weighted values into
/// `classes` contiguous classes minimising the within-class sum of squared
/// deviations. `distinct.len() > classes >= 1`. O(classes × n²).
fn jenks(distinct: &[(f64, usize)], classes: usize) -> Vec<f64> {
    let n = distinct.len();
    // Prefix sums of weight, weighted value and weighted square (centred on
    // the first value for numerical stability).
    let origin = distinct[0].0;
    let mut w = vec![0.0; n + 1];
    let mut s = vec![0.0; n + 1];
    let mut s2 = vec![0.0; n + 1];
    for (i, &(v, count)) in distinct.iter().enumerate() {
        let c = count as f64;
        let x = v - origin;
        w[i + 1] = w[i] + c;
        s[i + 1] = s[i] + c * x;
        s2[i + 1] = s2[i] + c * x * x;
    }
    // Squared deviation of the values i..j (j exclusive).
    let cost = |i: usize, j: usize| {
        let (cw, cs) = (w[j] - w[i], s[j] - s[i]);
        (s2[j] - s2[i] - cs * cs / cw).max(0.0)
    };
    // best[c][j]: least cost of the first j values in c + 1 classes;
    // start[c][j]: where the last of those classes starts.
    let mut best = vec![vec![f64::INFINITY; n + 1]; classes];
    let mut start = vec![vec![0usize; n + 1]; classes];
    for (j, slot) in best[0].iter_mut().enumerate().skip(1) {
        *slot = cost(0, j);
    }
    for c in 1..classes {
        for j in (c + 1)..=n {
            for i in c..j {
                let candidate = best[c - 1][i] + cost(i, j);
                if candidate < best[c][j] {
                    best[c][j] = candidate;
                    start[c][j] = i;
                }
            }
        }
    }
    let mut upper = vec![0.0; classes];
    let mut end = n;
    for c in (0..classes).rev() {
        upper[c] = distinct[end - 1].0;
        end = start[c][end];
    }
    upper
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn breaks(values: &[f64], method: ClassMethod, k: usize) -> Vec<f64> {
        class_breaks(values, method, k)
            .unwrap_or_else(|e| panic!("{e}"))
            .upper
    }

    #[test]
    fn quantiles_put_as_many_values_in_each_class() {
        let values: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(
            breaks(&values, ClassMethod::Quantiles, 5),
            [2.0, 4.0, 6.0, 8.0, 10.0]
        );
        assert_eq!(breaks(&values, ClassMethod::Quantiles, 3), [4.0, 7.0, 10.0]);
    }

    #[test]
    fn equal_intervals_split_the_range_evenly() {
        let values = [0.0, 1.0, 3.0, 5.0, 7.0, 9.0, 10.0];
        assert_eq!(
            breaks(&values, ClassMethod::EqualIntervals, 5),
            [2.0, 4.0, 6.0, 8.0, 10.0]
        );
    }

    #[test]
    fn equal_intervals_drop_classes_no_value_falls_in() {
        // Nothing between 2 and 8: the middle classes would be empty.
        let values = [0.0, 1.0, 1.5, 2.0, 9.0, 10.0];
        let classes =
            class_breaks(&values, ClassMethod::EqualIntervals, 5).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(classes.upper, [2.0, 10.0]);
        assert!(values.iter().all(|&v| classes.class_of(v).is_some()));
    }

    #[test]
    fn jenks_finds_the_natural_groups() {
        let values = [22.0, 1.0, 11.0, 2.0, 3.0, 10.0, 20.0, 12.0, 21.0];
        assert_eq!(breaks(&values, ClassMethod::Jenks, 3), [3.0, 12.0, 22.0]);
        // A classic example (Jenks 1977 style): four clear groups.
        let values = [0.5, 0.6, 0.7, 4.0, 4.2, 4.1, 9.0, 9.5, 9.2, 9.1, 30.0, 31.0];
        assert_eq!(
            breaks(&values, ClassMethod::Jenks, 4),
            [0.7, 4.2, 9.5, 31.0]
        );
    }

    #[test]
    fn jenks_is_optimal_against_every_partition_on_small_data() {
        let values = [1.0, 4.0, 5.0, 7.0, 12.0, 13.0, 20.0, 26.0];
        let sse = |upper: &[f64]| {
            let mut total = 0.0;
            let mut lower = f64::NEG_INFINITY;
            for &u in upper {
                let class: Vec<f64> = values
                    .iter()
                    .copied()
                    .filter(|&v| v > lower && v <= u)
                    .collect();
                let mean = class.iter().sum::<f64>() / class.len() as f64;
                total += class.iter().map(|v| (v - mean).powi(2)).sum::<f64>();
                lower = u;
            }
            total
        };
        let found = sse(&breaks(&values, ClassMethod::Jenks, 3));
        for a in 0..values.len() {
            for b in (a + 1)..values.len() - 1 {
                let candidate = [values[a], values[b], values[values.len() - 1]];
                assert!(found <= sse(&candidate) + 1e-9, "{candidate:?} beats Jenks");
            }
        }
    }

    #[test]
    fn ties_stay_in_one_class() {
        let values = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 3.0, 4.0];
        for method in ClassMethod::ALL {
            let classes = class_breaks(&values, method, 3).unwrap_or_else(|e| panic!("{e}"));
            let ones: Vec<_> = values
                .iter()
                .filter(|&&v| v == 1.0)
                .map(|&v| classes.class_of(v))
                .collect();
            assert!(ones.windows(2).all(|w| w[0] == w[1]), "{method:?}");
            assert!(classes.upper.windows(2).all(|w| w[0] < w[1]), "{method:?}");
        }
        // Quantiles on heavy ties: the tied classes merge.
        assert_eq!(
            breaks(&values, ClassMethod::Quantiles, 3),
            [1.0, 4.0],
            "two thirds of the values are 1"
        );
    }

    #[test]
    fn fewer_distinct_values_than_classes_give_one_class_per_value() {
        let values = [5.0, 7.0, 5.0, 7.0, 5.0];
        for method in ClassMethod::ALL {
            let classes = class_breaks(&values, method, 5).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(classes.upper, [5.0, 7.0], "{method:?}");
            assert_eq!(classes.class_of(5.0), Some(0));
            assert_eq!(classes.class_of(7.0), Some(1));
            assert_eq!(classes.bounds(1), Some((5.0, 7.0)));
        }
        let single =
            class_breaks(&[3.0, 3.0], ClassMethod::Jenks, 3).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((single.min, single.upper.as_slice()), (3.0, &[3.0][..]));
    }

    #[test]
    fn no_value_gives_no_class_and_non_finite_values_are_left_out() {
        let empty = class_breaks(&[], ClassMethod::Quantiles, 4).unwrap_or_else(|e| panic!("{e}"));
        assert!(empty.is_empty());
        assert_eq!(empty.class_of(1.0), None);
        let classes = class_breaks(&[f64::NAN, 1.0, 2.0, f64::INFINITY], ClassMethod::Jenks, 3)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(classes.upper, [1.0, 2.0]);
        assert_eq!(classes.class_of(f64::NAN), None);
        assert_eq!(classes.class_of(0.5), None);
        assert_eq!(classes.class_of(2.5), None);
    }

    #[test]
    fn rejects_class_counts_outside_three_to_seven() {
        assert_eq!(
            class_breaks(&[1.0], ClassMethod::Quantiles, 2),
            Err(ClassCountError(2))
        );
        assert_eq!(
            class_breaks(&[1.0], ClassMethod::Jenks, 8),
            Err(ClassCountError(8))
        );
        assert!(class_breaks(&[1.0], ClassMethod::EqualIntervals, 7).is_ok());
    }

    #[test]
    fn methods_are_named() {
        for method in ClassMethod::ALL {
            assert_eq!(ClassMethod::parse(method.as_str()), Some(method));
        }
        assert_eq!(ClassMethod::parse("kmeans"), None);
    }

    proptest! {
        #[test]
        fn every_value_has_one_class_in_value_order(
            values in prop::collection::vec(0u32..50, 1..80),
            k in MIN_CLASSES..=MAX_CLASSES,
            m in 0usize..3,
        ) {
            let values: Vec<f64> = values.into_iter().map(f64::from).collect();
            let method = ClassMethod::ALL[m];
            let classes = class_breaks(&values, method, k).unwrap_or_else(|e| panic!("{e}"));
            prop_assert!(classes.len() <= k);
            prop_assert!(!classes.is_empty());
            prop_assert!(classes.upper.windows(2).all(|w| w[0] < w[1]));
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            let found: Vec<usize> = sorted
                .iter()
                .map(|&v| classes.class_of(v).unwrap_or(usize::MAX))
                .collect();
            prop_assert!(found.iter().all(|&c| c < classes.len()));
            prop_assert!(found.windows(2).all(|w| w[0] <= w[1]));
            // No empty class.
            for c in 0..classes.len() {
                prop_assert!(found.contains(&c), "class {} empty in {:?}", c, classes);
            }
        }
    }
}
