//! The inspector: every parameter of the selected node, generic over node
//! kinds (see `editor::inspect`). Units, ranges and defaults come from
//! sim-core; a value sim-core would refuse is flagged beside its field with
//! the allowed range and never applied. Each committed field is one undo step.

use leptos::prelude::*;
use serde_json::Value;

use crate::editor::inspect::{self, Field, Input};
use crate::editor::{Editor, doc};

/// The inspector panel (empty unless exactly one node is selected).
#[component]
pub fn Inspector() -> impl IntoView {
    let editor = expect_context::<Editor>();
    let current = Memo::new(move |_| {
        let only =
            editor.selection.with(|s| (s.len() == 1).then(|| s.first().cloned()).flatten())?;
        editor.doc.with(|d| doc::index_of(d, &only)).map(|_| only)
    });
    view! {
        <section class="inspector editor-chrome" aria-label="Inspector" data-testid="inspector">
            {move || match current.get() {
                Some(id) => view! { <NodeInspector id=id /> }.into_any(),
                None => view! {
                    <p class="hint">"Select a node to edit its parameters. Shift+click or Shift+drag selects several."</p>
                }
                    .into_any(),
            }}
        </section>
    }
}

#[component]
fn NodeInspector(id: String) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let node = {
        let id = id.clone();
        Memo::new(move |_| editor.doc.with(|d| doc::index_of(d, &id).map(|i| d.nodes[i].clone())))
    };
    let kind = node
        .with_untracked(|n| n.as_ref().map(|n| n.spec.kind()))
        .unwrap_or(sim_core::NodeKind::Producer);
    let fields = Memo::new(move |_| {
        node.with(|n| {
            n.as_ref()
                .map(|n| inspect::fields(kind, &inspect::params_of(&n.spec)))
                .unwrap_or_default()
        })
    });
    let name_error = RwSignal::new(None::<String>);
    let rename = {
        let id = id.clone();
        move |text: String| {
            let text = text.trim().to_string();
            if text.chars().count() > 100 {
                name_error.set(Some("a name is at most 100 characters".into()));
                return;
            }
            name_error.set(None);
            editor.edit(|s| {
                if let Some(i) = doc::index_of(s, &id) {
                    s.nodes[i].name = text;
                }
            });
        }
    };
    let remove = {
        let id = id.clone();
        move |_| {
            editor.selection.set([id.clone()].into());
            editor.delete_selection();
        }
    };
    let id_for_fields = id.clone();
    let autosize =
        sim_core::autosize::sizes_kind(kind).then(|| view! { <super::AutoSize id=id.clone() /> });
    view! {
        <header class="inspector-head">
            <span class=format!("palette-badge kind-{}", kind.as_str())>{kind.badge()}</span>
            <div>
                <h2>{kind.title()}</h2>
                <p class="inspector-summary">{kind.summary()}</p>
            </div>
        </header>
        <div class="field" class:invalid=move || name_error.get().is_some()>
            <label for="inspector-name">"Name"</label>
            <input
                id="inspector-name"
                type="text"
                data-testid="param-name"
                prop:value=move || node.with(|n| n.as_ref().map(|n| n.name.clone()).unwrap_or_default())
                on:change:target=move |ev| rename(ev.target().value())
            />
            <p class="field-note">{format!("id {id}")}</p>
            {move || name_error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
        </div>
        <For
            each=move || fields.get()
            key=|f| format!("{}={}", f.path, f.value)
            children=move |f| {
                // A topic's subscriptions get a form, one row per wire.
                if kind == sim_core::NodeKind::SnsTopic && f.path == "subscriptions" {
                    let help = f.help;
                    view! { <super::SubscriptionForm node=id_for_fields.clone() help=help /> }
                        .into_any()
                } else {
                    view! { <ParamField node=id_for_fields.clone() field=f /> }.into_any()
                }
            }
        />
        {autosize}
        <button class="ghost-button danger" data-testid="delete-node" on:click=remove>
            "Delete node (Del)"
        </button>
    }
}

#[component]
fn ParamField(node: String, field: Field) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let error = RwSignal::new(None::<String>);
    let Field { path, label, input, value, default, help } = field;
    let dom_id = format!("param-{}", path.replace('.', "-"));
    let commit = {
        let (path, input) = (path.clone(), input.clone());
        move |text: String| {
            let result = inspect::parse_input(&input, &text).and_then(|value| {
                editor.doc.with_untracked(|d| {
                    let i = doc::index_of(d, &node).ok_or("the node no longer exists")?;
                    let spec = inspect::with_param(&d.nodes[i].spec, &path, value)?;
                    inspect::check_node_spec(d, i, &spec, &format!("nodes[{i}].params"))?;
                    Ok((i, spec))
                })
            });
            match result {
                Ok((i, spec)) => {
                    error.set(None);
                    editor.edit(|s| s.nodes[i].spec = spec);
                }
                Err(why) => error.set(Some(why)),
            }
        }
    };
    let range = match &input {
        Input::Number { range: Some(r), .. } => Some(inspect::describe(r)),
        _ => None,
    };
    let meta = [range.map(|r| format!("allowed {r}")), default.map(|d| format!("default {d}"))]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    let note_id = format!("{dom_id}-note");
    let control = match input {
        Input::Choice(choices) => {
            let current = choices.current(&value);
            let options = choices
                .options
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    view! {
                        <option value=o.name selected=current == Some(i)>
                            {o.name.replace('_', " ")}
                        </option>
                    }
                })
                .collect_view();
            view! {
                <select
                    id=dom_id.clone()
                    data-testid=dom_id.clone()
                    aria-describedby=note_id.clone()
                    on:change:target=move |ev| commit(ev.target().value())
                >
                    {options}
                </select>
            }
            .into_any()
        }
        Input::Flag => view! {
            <input
                id=dom_id.clone()
                type="checkbox"
                data-testid=dom_id.clone()
                prop:checked=value == Value::Bool(true)
                on:change:target=move |ev| commit(ev.target().checked().to_string())
            />
        }
        .into_any(),
        Input::Json | Input::Text
            if matches!(&value, Value::Array(_)) || inspect::show(&value).contains('\n') =>
        {
            let text = match &value {
                Value::String(s) => s.clone(),
                other => serde_json::to_string_pretty(other).unwrap_or_default(),
            };
            view! {
                <textarea
                    id=dom_id.clone()
                    data-testid=dom_id.clone()
                    rows="4"
                    aria-describedby=note_id.clone()
                    aria-invalid=move || error.get().is_some().to_string()
                    prop:value=text
                    on:change:target=move |ev| commit(ev.target().value())
                ></textarea>
            }
            .into_any()
        }
        _ => view! {
            <input
                id=dom_id.clone()
                type="text"
                inputmode="decimal"
                data-testid=dom_id.clone()
                aria-describedby=note_id.clone()
                aria-invalid=move || error.get().is_some().to_string()
                prop:value=inspect::show(&value)
                on:change:target=move |ev| commit(ev.target().value())
            />
        }
        .into_any(),
    };
    let depth = path.matches('.').count();
    let error_id = format!("{dom_id}-error");
    let field_class = if depth > 0 { "field param nested" } else { "field param" };
    view! {
        <div class=field_class class:invalid=move || error.get().is_some()>
            <label for=dom_id.clone() title=help.unwrap_or("") class:has-help=help.is_some()>
                {label}
            </label>
            {control}
            <p class="field-note" id=note_id>
                {help.map(|h| view! { <span class="field-help">{h}</span> })}
                {(!meta.is_empty()).then(|| view! { <span class="field-meta">{meta.clone()}</span> })}
            </p>
            {move || {
                error.get().map(|e| view! {
                    <p class="field-error" role="alert" data-testid=error_id.clone()>{e}</p>
                })
            }}
        </div>
    }
}
