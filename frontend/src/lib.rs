//! The browser entry point: hydrates the server-rendered page.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    // Lazy pages (see `app::ui::shell`) are fetched before the part of the page they render
    // hydrates, so hydration is asynchronous.
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = leptos::prelude::document().body() else {
            return;
        };
        // The server rendered the page in this language; its texts must be here before the
        // page hydrates, or the first reactive texts would be English.
        app::i18n::load(app::ui::browser::served_prefs().lang).await;
        leptos::mount::hydrate_from_async(body, app::App)
            .await
            .forget();
        app::ui::shell::page_hydrated();
    });
}
