//! Splits the browser WASM at the app's `#[lazy]` points, before wasm-bindgen runs.
//!
//! `keyhaven-wasm-split INPUT.wasm OUT_DIR NAME` writes `OUT_DIR/NAME_split.wasm` (the main module,
//! for wasm-bindgen), one `split_*.wasm`/`chunk_*.wasm` per lazy part, the JS loader they share and
//! `__wasm_split_manifest.json`, which the server reads to preload the parts a page needs.

use std::path::PathBuf;
use std::process::ExitCode;

// The loader keeps this placeholder-looking name because Leptos's hydration script expects it when
// file hashing is off (it is where cargo-leptos would put a hash).
const LINK_NAME: &str = "./__wasm_split.______________________.js";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out_dir, name] = args.as_slice() else {
        eprintln!("usage: keyhaven-wasm-split INPUT.wasm OUT_DIR NAME");
        return ExitCode::from(2);
    };
    match split(input, &PathBuf::from(out_dir), name) {
        Ok(parts) => {
            println!("split into the main module and {parts} lazy parts");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("wasm split failed: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn split(
    input: &str,
    out_dir: &std::path::Path,
    name: &str,
) -> Result<usize, Box<dyn std::error::Error>> {
    let wasm = std::fs::read(input)?;
    std::fs::create_dir_all(out_dir)?;
    let main_out = out_dir.join(format!("{name}_split.wasm"));
    let main_module = format!("./{name}.js");
    let mut opts = wasm_split_cli_support::Options::new(&wasm);
    opts.output_dir = out_dir;
    opts.main_out_path = &main_out;
    opts.main_module = &main_module;
    opts.link_name = LINK_NAME;
    let result = wasm_split_cli_support::transform(opts).map_err(|e| format!("{e:?}"))?;
    let manifest = serde_json::to_string_pretty(&result.prefetch_map)?;
    std::fs::write(out_dir.join("__wasm_split_manifest.json"), manifest)?;
    Ok(result.split_modules.len())
}
