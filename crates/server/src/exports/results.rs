//! Aggregated results exports (filled once the domain aggregation lands).
