//! Gives libtcpphase.so its SONAME, `libtcpphase.so.<ABI>`, the ABI number
//! being `TCPPHASE_ABI_VERSION` of src/lib.rs (read from there: one source).

use std::{env, fs, path::Path};

fn main() {
    let lib = Path::new(&env::var("CARGO_MANIFEST_DIR").expect("cargo sets it")).join("src/lib.rs");
    println!("cargo:rerun-if-changed={}", lib.display());
    let source = fs::read_to_string(&lib).expect("src/lib.rs is readable");
    let abi: u32 = source
        .lines()
        .find_map(|line| line.strip_prefix("pub const TCPPHASE_ABI_VERSION: u32 = "))
        .and_then(|rest| rest.strip_suffix(';'))
        .and_then(|n| n.parse().ok())
        .expect("src/lib.rs declares `pub const TCPPHASE_ABI_VERSION: u32 = N;`");
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libtcpphase.so.{abi}");
}
