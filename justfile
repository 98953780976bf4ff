# Shortcuts for those who have `just`; every recipe is a `cargo xtask` command, which needs
# nothing but the Rust toolchain.

# Start the platform with its fictional demo territory on http://127.0.0.1:8080
demo:
    cargo xtask demo

# Run every test (SQLite; PostgreSQL too when TEST_DATABASE_URL is set)
test:
    cargo xtask test

# Build the WASM web app into frontend/dist
frontend:
    cargo xtask frontend

# What CI runs (starts or installs PostgreSQL)
ci:
    bash .ci/run

# Benchmarks of point-to-commune assignment
bench:
    cargo xtask bench

lint:
    cargo clippy --workspace --all-targets -- -D warnings
    cargo fmt --all --check
