#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| keyhaven_fuzz::import_json(data));
