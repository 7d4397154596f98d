//! Builds the binary fuse filter of the breach list at compile time (src/fuse.rs), into OUT_DIR: the
//! fingerprints as bytes, and a Rust file naming them with the seed and layout they were built with. The
//! list in data/ is the source; nothing generated is checked in. Deterministic: the same list gives the
//! same bytes, on every host.

#[allow(dead_code)] // the library's half (queries) is not used here
#[path = "src/fuse.rs"]
mod fuse;
#[path = "src/list.rs"]
mod list;

use std::{env, fs, path::Path};

const LIST: &str = "data/10-million-password-list-top-100000.txt";

fn main() {
    println!("cargo::rerun-if-changed={LIST}");
    println!("cargo::rerun-if-changed=src/fuse.rs");
    println!("cargo::rerun-if-changed=src/list.rs");
    let text = fs::read_to_string(LIST).unwrap_or_else(|e| panic!("{LIST}: {e}"));
    let (seed, layout, fingerprints) = fuse::build(list::entries(&text));
    let out = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    fs::write(Path::new(&out).join("fingerprints.bin"), &fingerprints).expect("write fingerprints.bin");
    let fuse::Layout { segment_length, segment_count_length } = layout;
    let code = format!(
        "/// The filter of {LIST}, built by build.rs.\n\
         static FILTER: fuse::Filter<'static> = fuse::Filter {{\n    \
             seed: {seed:#x},\n    \
             layout: fuse::Layout {{ segment_length: {segment_length}, segment_count_length: {segment_count_length} }},\n    \
             fingerprints: include_bytes!(concat!(env!(\"OUT_DIR\"), \"/fingerprints.bin\")),\n\
         }};\n"
    );
    fs::write(Path::new(&out).join("filter.rs"), code).expect("write filter.rs");
}
