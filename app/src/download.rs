//! Saving a file from the page: a Blob behind a temporary object URL and a
//! clicked link (no server involved, works offline).

use wasm_bindgen::JsCast;

/// Offers `text` for download as `file_name`.
pub fn save_text(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser could not build the file".to_string())?;
    save_blob(file_name, &blob)
}

/// Offers a canvas's picture for download as a PNG named `file_name`; the
/// browser encodes it in the background, and `on_error` hears if it cannot.
pub fn save_canvas_png(
    canvas: &web_sys::HtmlCanvasElement,
    file_name: String,
    on_error: impl FnOnce(String) + 'static,
) {
    let done = wasm_bindgen::closure::Closure::once_into_js(move |blob: Option<web_sys::Blob>| {
        let saved = blob
            .ok_or_else(|| "the browser could not encode the picture".to_string())
            .and_then(|blob| save_blob(&file_name, &blob));
        if let Err(why) = saved {
            on_error(why);
        }
    });
    if canvas.to_blob(done.unchecked_ref()).is_err() {
        // Only a canvas tainted by another origin refuses; ours never is.
        leptos::logging::warn!("canvas.toBlob refused");
    }
}

fn save_blob(file_name: &str, blob: &web_sys::Blob) -> Result<(), String> {
    let url = web_sys::Url::create_object_url_with_blob(blob)
        .map_err(|_| "the browser refused an object URL".to_string())?;
    let saved = click_link(file_name, &url);
    let _ = web_sys::Url::revoke_object_url(&url);
    saved
}

/// Offers the file at `url` for download as `file_name`.
fn click_link(file_name: &str, url: &str) -> Result<(), String> {
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
