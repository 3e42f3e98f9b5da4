//! The editing commands over the canvas: undo / redo, new, open (a scenario
//! or a CloudFormation template) and save a file, export to CloudFormation or Terraform, fit, zoom and snap, and the reasons a draft does not run yet.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use sim_core::infra::import::MAX_TEMPLATE_BYTES;
use sim_core::validate::MAX_SCENARIO_BYTES;

use crate::editor::Editor;
use crate::format;

/// The bar above the canvas.
#[component]
pub fn EditorBar() -> impl IntoView {
    let editor = expect_context::<Editor>();
    let ctx = expect_context::<crate::state::SimCtx>();
    let open_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
        input.set_value("");
        let name = file.name();
        // Far over what either reader takes (they name their own limits),
        // the file is refused before it is read into the page's memory.
        let (scenario, template) = (MAX_SCENARIO_BYTES as f64, MAX_TEMPLATE_BYTES as f64);
        if file.size() > 16.0 * scenario.max(template) {
            let text = format!(
                "{name} could not be opened: it is {}, and Shardplay opens scenario files of at \
                 most {} and CloudFormation templates of at most {} bytes.",
                format::bytes(file.size()),
                format::bytes(scenario),
                sim_core::units::format_number(template),
            );
            return ctx.tell(text, true);
        }
        let text = file.text();
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(text).await.ok().and_then(|v| v.as_string())
            {
                Some(text) => editor.open_text(&name, &text),
                None => editor.open_text(&name, ""),
            }
        });
    };
    let save = move |_| {
        let name = editor.doc.with_untracked(|s| slug(&s.name));
        if let Err(why) = crate::download::save_text(
            &format!("{name}.json"),
            "application/json",
            &editor.file_text(),
        ) {
            ctx.tell(format!("Saving failed: {why}"), true);
            return;
        }
        // The file is the pipeline as it starts; say so when the run has
        // taken live changes (a copied link carries them).
        let changes = editor.doc.with_untracked(|doc| {
            ctx.live.replay.with_value(|r| crate::link::shared_scenario(doc, r.as_deref()).1)
        });
        if changes > 0 {
            let what = if changes == 1 {
                "the live change made during the run is".to_string()
            } else {
                format!("the {changes} live changes made during the run are")
            };
            ctx.tell(
                format!(
                    "Saved {name}.json: the pipeline as it starts; {what} not in it. Copy link carries them."
                ),
                false,
            );
        }
    };
    let save_picture = move |_| {
        let Some(svg) = document().query_selector("svg.pipeline").ok().flatten() else { return };
        let name = editor.doc.with_untracked(|s| slug(&s.name));
        // The picture is drawn after an image loads, outside any reactive
        // owner, so the error path uses the context taken with the component.
        crate::download::save_svg_png(&svg, format!("{name}.png"), move |why| {
            ctx.tell(format!("Saving the picture failed: {why}"), true);
        });
    };
    view! {
        <div class="editor-bar editor-chrome" role="toolbar" aria-label="Edit the pipeline">
            <button
                data-testid="undo"
                title="Undo the last edit (Ctrl+Z)"
                disabled=move || !editor.can_undo.get()
                on:click=move |_| editor.undo()
            >
                "↶ Undo"
            </button>
            <button
                data-testid="redo"
                title="Redo (Ctrl+Shift+Z or Ctrl+Y)"
                disabled=move || !editor.can_redo.get()
                on:click=move |_| editor.redo()
            >
                "↷ Redo"
            </button>
            <span class="bar-gap"></span>
            <button data-testid="new-doc" title="Start an empty pipeline (undoable)" on:click=move |_| editor.new_document()>
                "New"
            </button>
            <label
                class="file-button"
                title="Open a scenario JSON file, or a CloudFormation template (YAML or JSON) to simulate the pipeline it describes"
            >
                "Open file…"
                <input
                    type="file"
                    accept=".json,.yaml,.yml,.template,application/json"
                    data-testid="open-file"
                    on:change=open_file
                />
            </label>
            <button data-testid="save-file" title="Save the pipeline as a scenario JSON file" on:click=save>
                "Save file"
            </button>
            <button
                data-testid="canvas-png"
                title="Download the canvas as it looks now, as a PNG picture at twice its size (for slides and tickets)"
                on:click=save_picture
            >
                "Picture"
            </button>
            <super::export::ExportButton />
            <super::CopyEmbed />
            <span class="bar-gap"></span>
            <button data-testid="fit-view" title="Fit every node in view (Shift+1)" on:click=move |_| editor.fit()>
                "Fit"
            </button>
            <button aria-label="Zoom out" title="Zoom out (Ctrl+−)" on:click=move |_| editor.zoom(1.0 / 1.2)>
                "−"
            </button>
            <button aria-label="Zoom in" title="Zoom in (Ctrl++)" on:click=move |_| editor.zoom(1.2)>
                "+"
            </button>
            <button
                data-testid="snap"
                aria-pressed=move || editor.snap.get().to_string()
                title="Snap moves and new nodes to a 20-unit grid"
                on:click=move |_| editor.snap.update(|s| *s = !*s)
            >
                "Snap to grid"
            </button>
        </div>
        <Problems />
    }
}

/// Why the pipeline on the canvas does not run yet, in people's words
/// (nodes by their display names), while the clock waits (`SimCtx::set_draft`).
#[component]
fn Problems() -> impl IntoView {
    let editor = expect_context::<Editor>();
    move || {
        let words = editor
            .problems
            .with(|p| editor.doc.with(|doc| sim_core::plain::issues_in_words(p, doc)));
        (!words.is_empty()).then(|| {
            let more = words.len() - 1;
            let rest =
                words.iter().skip(1).take(4).map(|t| view! { <li>{t.clone()}</li> }).collect_view();
            view! {
                <div class="doc-problems" role="status" data-testid="doc-problems">
                    <strong>"Not running yet, the clock is stopped. To fix: "</strong>
                    <span>{words[0].clone()}</span>
                    {(more > 0).then(|| view! {
                        <details>
                            <summary>{format!("{more} more to fix")}</summary>
                            <ul>{rest}</ul>
                        </details>
                    })}
                </div>
            }
        })
    }
}

/// A file name from a scenario's title.
fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect();
    let s = s.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-");
    if s.is_empty() { "pipeline".into() } else { s }
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_are_plain() {
        assert_eq!(super::slug("Clickstream with a hot key!"), "clickstream-with-a-hot-key");
        assert_eq!(super::slug("→"), "pipeline");
    }
}
