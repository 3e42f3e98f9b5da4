//! Saving a file from the page: a Blob behind a temporary object URL (or a
//! data URL) and a clicked link (no server involved, works offline).

use wasm_bindgen::JsCast;

/// Offers `text` for download as `file_name`.
pub fn save_text(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser could not build the file".to_string())?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the browser refused an object URL".to_string())?;
    let saved = save_url(file_name, &url);
    let _ = web_sys::Url::revoke_object_url(&url);
    saved
}

/// Offers the file at `url` (an object or data URL) for download as `file_name`.
pub fn save_url(file_name: &str, url: &str) -> Result<(), String> {
    let document = leptos::prelude::document();
    let link = document
        .create_element("a")
        .map_err(|_| "no link element".to_string())?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| "no link element".to_string())?;
    link.set_href(url);
    link.set_download(file_name);
    link.click();
    Ok(())
}
