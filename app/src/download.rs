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

/// Presentation properties copied from the page's stylesheet onto each
/// element of an SVG picture, which sees no stylesheet once it stands alone.
const SVG_STYLE: [&str; 17] = [
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-dasharray",
    "stroke-linecap",
    "stroke-linejoin",
    "opacity",
    "display",
    "visibility",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
];

/// Offers an on-screen SVG (the pipeline canvas) for download as a PNG named
/// `file_name`, as it looks now, at twice its size for sharp slides: a copy
/// with the page's styles written onto each element is drawn through an
/// image onto a canvas. `on_error` hears if the browser cannot.
pub fn save_svg_png(
    svg: &web_sys::Element,
    file_name: String,
    on_error: impl FnOnce(String) + 'static,
) {
    // Shared by the image's two outcomes, of which one happens.
    let on_error = std::rc::Rc::new(std::cell::Cell::new(Some(on_error)));
    let fail = move |why: String| {
        if let Some(f) = on_error.take() {
            f(why)
        }
    };
    let rect = svg.get_bounding_client_rect();
    let (width, height) = (rect.width().max(1.0), rect.height().max(1.0));
    let background = leptos::prelude::window()
        .get_computed_style(svg)
        .ok()
        .flatten()
        .and_then(|style| style.get_property_value("background-color").ok())
        .filter(|c| !c.is_empty() && c != "rgba(0, 0, 0, 0)")
        .unwrap_or_else(|| "#ffffff".to_string());
    let url = match standalone_svg(svg, width, height) {
        Ok(url) => url,
        Err(why) => return fail(why),
    };
    let Ok(image) = web_sys::HtmlImageElement::new() else {
        return fail("no image element".to_string());
    };
    let loaded = image.clone();
    let (load_url, error_url) = (url.clone(), url.clone());
    let fail_draw = fail.clone();
    let onload = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&load_url);
        match draw_at_twice(&loaded, width, height, &background) {
            Ok(canvas) => save_canvas_png(&canvas, file_name, fail_draw),
            Err(why) => fail_draw(why),
        }
    });
    let onerror = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&error_url);
        fail("the browser could not draw the picture".to_string());
    });
    image.set_onload(Some(onload.unchecked_ref()));
    image.set_onerror(Some(onerror.unchecked_ref()));
    image.set_src(&url);
}

/// A copy of `svg` that looks the same without the page: sized, with the
/// namespace, and the styles the page gives each element written on it;
/// as an object URL of an SVG file.
fn standalone_svg(svg: &web_sys::Element, width: f64, height: f64) -> Result<String, String> {
    let copy = svg
        .clone_node_with_deep(true)
        .ok()
        .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        .ok_or("the browser could not copy the canvas")?;
    inline_styles(svg, &copy);
    for (name, value) in [
        ("xmlns", "http://www.w3.org/2000/svg".to_string()),
        ("width", width.to_string()),
        ("height", height.to_string()),
    ] {
        let _ = copy.set_attribute(name, &value);
    }
    let text = web_sys::XmlSerializer::new()
        .and_then(|s| s.serialize_to_string(&copy))
        .map_err(|_| "the browser could not write the picture".to_string())?;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(&text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("image/svg+xml");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser could not build the picture".to_string())?;
    web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the browser refused an object URL".to_string())
}

/// Writes the computed presentation styles of `from` and its descendants
/// onto `to`, an identical copy. References into the page (`url(#grid)`)
/// stay as the markup has them: the copy carries its own definitions.
fn inline_styles(from: &web_sys::Element, to: &web_sys::Element) {
    if let Ok(Some(style)) = leptos::prelude::window().get_computed_style(from) {
        let mut inline = String::new();
        for name in SVG_STYLE {
            match style.get_property_value(name) {
                Ok(value) if !value.is_empty() && !value.starts_with("url(") => {
                    inline.push_str(&format!("{name}:{value};"));
                }
                _ => {}
            }
        }
        let _ = to.set_attribute("style", &inline);
    }
    let (a, b) = (from.children(), to.children());
    for i in 0..a.length().min(b.length()) {
        if let (Some(x), Some(y)) = (a.item(i), b.item(i)) {
            inline_styles(&x, &y);
        }
    }
}

/// A canvas with `image` drawn at twice `width` × `height` on `background`.
fn draw_at_twice(
    image: &web_sys::HtmlImageElement,
    width: f64,
    height: f64,
    background: &str,
) -> Result<web_sys::HtmlCanvasElement, String> {
    const SCALE: f64 = 2.0;
    let canvas = leptos::prelude::document()
        .create_element("canvas")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok())
        .ok_or("no canvas element")?;
    canvas.set_width((width * SCALE).round() as u32);
    canvas.set_height((height * SCALE).round() as u32);
    let ctx = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
        .ok_or("no 2D drawing context")?;
    ctx.set_fill_style_str(background);
    ctx.fill_rect(0.0, 0.0, width * SCALE, height * SCALE);
    ctx.draw_image_with_html_image_element_and_dw_and_dh(
        image,
        0.0,
        0.0,
        width * SCALE,
        height * SCALE,
    )
    .map_err(|_| "the browser could not draw the picture".to_string())?;
    Ok(canvas)
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
