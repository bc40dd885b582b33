//! The committed header `include/tcpphase.h` is what cbindgen makes of the
//! crate now: regenerating must not change it.
//!
//! `TCPPHASE_BLESS=1 cargo test -p tcpphase-ffi --test header` rewrites it.

use std::path::Path;

#[test]
fn committed_header_is_what_cbindgen_generates() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .expect("ffi/cbindgen.toml reads");
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut generated);
    let header_path = crate_dir.join("include/tcpphase.h");
    if std::env::var_os("TCPPHASE_BLESS").is_some() {
        std::fs::write(&header_path, &generated).expect("header written");
        return;
    }
    let committed = std::fs::read(&header_path).unwrap_or_default();
    assert!(
        committed == generated,
        "ffi/include/tcpphase.h is stale: regenerate it with \
         `TCPPHASE_BLESS=1 cargo test -p tcpphase-ffi --test header` and commit it"
    );
}
