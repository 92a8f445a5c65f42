//! Makes a benchmark vault over HTTP, as a browser would: registers an account (keys made here,
//! like in the browser), seals N varied items with its user key and imports them in one call.
//! Prints the session cookie for the load command.
//!
//!   cargo run -p server --release --example seed_vault -- 127.0.0.1:3277 bench@example.org \
//!     "bench master password 1" 10000 [PAD] > cookie.txt
//!
//! With PAD, every item's note carries PAD more characters (to fill a vault up to its quota), and
//! the items go in several import calls of at most about 24 MB each.

mod common;

use common::{import, register, Res};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().collect();
    let (addr, email, password, count, pad) = match args.as_slice() {
        [_, addr, email, password, count] => (addr, email, password, count, "0"),
        [_, addr, email, password, count, pad] => (addr, email, password, count, pad.as_str()),
        _ => return Err("usage: seed_vault ADDR EMAIL PASSWORD ITEMS [PAD]".into()),
    };
    let count: usize = count.parse()?;
    let pad: usize = pad.parse()?;
    let account = register(addr, email, password, "Benchmark").await?;
    import(addr, &account, 0..count, pad, true).await?;
    println!("{}", account.cookie);
    Ok(())
}
