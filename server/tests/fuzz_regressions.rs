//! The fuzzers' seeds and every input a fuzzer ever found a crash with, run through the same
//! harnesses as an ordinary test: a crash once fixed stays fixed. (The fuzzing itself is
//! `cargo fuzz`, see docs/BENCHMARKS.md; it needs flags the main build must not see.)

#[allow(dead_code)]
#[path = "../../fuzz/src/lib.rs"]
mod harness;

use std::path::Path;

/// A harness: bytes in, no panic.
type Harness = fn(&[u8]);

fn run_dir(dir: &Path, harness: Harness) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    files.sort();
    for file in &files {
        let bytes = std::fs::read(file).expect("an input");
        harness(&bytes);
    }
    files.len()
}

#[test]
fn seeds_and_found_crashes_do_not_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let targets: [(&str, Harness); 3] = [
        ("server_args", harness::server_args),
        ("import_csv", harness::import_csv),
        ("import_json", harness::import_json),
    ];
    for (target, harness) in targets {
        let seeds = run_dir(&root.join("seeds").join(target), harness);
        assert!(seeds > 0, "{target} has seeds");
        run_dir(&root.join("regressions").join(target), harness);
    }
}
