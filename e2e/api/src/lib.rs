//! Nothing to link: the crate is its `api` test binary (tests/api), built only with `--features live`.
