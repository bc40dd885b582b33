//! Snapshot tests live in `tests/`; their snapshot files in `snapshots/`.
