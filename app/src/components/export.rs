//! "Export": the pipeline on the canvas as CloudFormation or Terraform, in
//! a dialog with a format choice, a highlighted preview, Copy and
//! Download. sim-core's `infra` writes the text, in the infrastructure
//! module the page downloads on first use (`crate::infra`); this only shows it.

use leptos::prelude::*;
use sim_core::infra::{Format, file_name};

use super::modal::Modal;
use crate::editor::Editor;
use crate::highlight;

/// What the dialog shows for the document as it is now.
#[derive(Clone, Debug)]
enum Export {
    /// Asked of the infrastructure module (downloading it the first time).
    Writing,
    Written(String),
    /// The pipeline does not validate: these problems, in words.
    Invalid(Vec<String>),
    /// The module could not be loaded or refused: why, in words.
    Failed(String),
}

/// The button for the editor bar and its dialog.
#[component]
pub fn ExportButton() -> impl IntoView {
    let editor = expect_context::<Editor>();
    let ctx = expect_context::<crate::state::SimCtx>();
    let open = RwSignal::new(false);
    let format = RwSignal::new(Format::CloudFormation);
    // Written only while the dialog is open; a reply to an older request
    // (another format, an earlier document) is dropped.
    let text = RwSignal::new(None::<Export>);
    let asked = StoredValue::new(0_u64);
    Effect::new(move |_| {
        if !open.get() {
            return text.set(None);
        }
        let format = format.get();
        let valid = editor.doc.with(|doc| match sim_core::validate(doc) {
            Ok(_) => Ok(doc.clone()),
            Err(issues) => Err(sim_core::plain::issues_in_words(&issues, doc)),
        });
        asked.update_value(|n| *n += 1);
        let ticket = asked.get_value();
        let doc = match valid {
            Ok(doc) => doc,
            Err(words) => return text.set(Some(Export::Invalid(words))),
        };
        text.set(Some(Export::Writing));
        leptos::task::spawn_local(async move {
            let written = match crate::infra::export(&doc, format).await {
                Ok(body) => Export::Written(body),
                Err(why) => Export::Failed(why),
            };
            if asked.get_value() == ticket {
                text.set(Some(written));
            }
        });
    });
    let copy = move |_| {
        let Some(Export::Written(body)) = text.get_untracked() else { return };
        let promise = window().navigator().clipboard().write_text(&body);
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(promise).await {
                Ok(_) => ctx.tell("Template copied to the clipboard.", false),
                Err(_) => ctx
                    .tell("Copying failed: the browser refused the clipboard; use Download.", true),
            }
        });
    };
    let download = move |_| {
        let Some(Export::Written(body)) = text.get_untracked() else { return };
        let f = format.get_untracked();
        let name = editor.doc.with_untracked(|doc| file_name(doc, f));
        let mime = match f {
            Format::CloudFormationJson => "application/json",
            Format::CloudFormation | Format::Terraform => "text/plain",
        };
        if let Err(why) = crate::download::save_text(&name, mime, &body) {
            ctx.tell(format!("Saving the template failed: {why}"), true);
        }
    };
    let choices = Format::ALL
        .into_iter()
        .map(|f| {
            view! {
                <label class="export-choice">
                    <input
                        type="radio"
                        name="export-format"
                        data-testid=format!("export-format-{}", f.as_str())
                        prop:checked=move || format.get() == f
                        on:change=move |_| format.set(f)
                    />
                    {f.title()}
                </label>
            }
        })
        .collect_view();
    let preview = move || {
        match text.get() {
        None => ().into_any(),
        Some(Export::Writing) => view! {
            <p class="export-writing" data-testid="export-writing" aria-busy="true">"Writing the template…"</p>
        }
        .into_any(),
        Some(Export::Failed(why)) => view! {
            <p class="export-problems" data-testid="export-failed" role="alert">
                {format!("The template could not be written: {why}")}
            </p>
        }
        .into_any(),
        Some(Export::Invalid(words)) => view! {
            <div class="export-problems" data-testid="export-problems">
                <strong>"The pipeline does not validate yet, so there is nothing to export: "</strong>
                <ul>{words.into_iter().take(5).map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
            </div>
        }
        .into_any(),
        Some(Export::Written(body)) => {
            let lines = body
                .lines()
                .map(|l| {
                    let spans = highlight::line(l)
                        .into_iter()
                        .map(|(t, s)| view! { <span class=t.class()>{s}</span> })
                        .collect_view();
                    view! { <span class="export-line">{spans}"\n"</span> }
                })
                .collect_view();
            view! { <pre class="export-preview" data-testid="export-preview"><code>{lines}</code></pre> }
                .into_any()
        }
    }
    };
    let ready = move || matches!(text.get(), Some(Export::Written(_)));
    view! {
        <button
            data-testid="export-open"
            title="The pipeline's AWS resources as CloudFormation or Terraform, with least-privilege IAM roles"
            on:click=move |_| open.set(true)
        >
            "Export"
        </button>
        <Modal
            open
            title="Export to infrastructure code"
            close_label="Close the export"
            testid="export-dialog"
            class="export-dialog"
        >
            <p class="export-hint">
                "Every AWS resource on the canvas with its settings as they are now; producers and other things outside AWS become parameters to fill in."
            </p>
            <div class="export-bar">
                <fieldset class="export-formats">
                    <legend>"Format"</legend>
                    {choices}
                </fieldset>
                <button data-testid="export-copy" disabled=move || !ready() on:click=copy>"Copy"</button>
                <button data-testid="export-download" disabled=move || !ready() on:click=download>"Download"</button>
            </div>
            {preview}
        </Modal>
    }
}
