//! The inspector: every parameter of the selected node, generic over node
//! kinds (see `editor::inspect`). Units, ranges and defaults come from
//! sim-core; a value sim-core would refuse is flagged beside its field with
//! the allowed range and never applied. Each committed field is one undo step.

use leptos::prelude::*;
use serde_json::Value;
use sim_core::NodeIndex;

use sim_core::Command;
use sim_core::scenario::StreamOp;
use sim_core::view::{JournalView, NodeFigures};

use crate::editor::inspect::{self, Field, Input};
use crate::editor::{Editor, doc};
use crate::state::SimCtx;

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
            editor.select(|sel| *sel = [id.clone()].into());
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
                    let shards = kind == sim_core::NodeKind::KinesisStream && f.path == SHARDS;
                    view! { <ParamField node=id_for_fields.clone() field=f live_shards=shards /> }
                        .into_any()
                }
            }
        />
        {autosize}
        <button class="ghost-button danger" data-testid="delete-node" on:click=remove>
            "Delete node (Del)"
        </button>
    }
}

/// A provisioned stream's shard count, the one control for it: before the
/// run starts it edits the scenario; while the run is live it is
/// UpdateShardCount on the running stream, with AWS's limits.
const SHARDS: &str = "capacity.shards";

/// The DOM id of a parameter's field (`param-capacity-shards`).
fn field_dom_id(path: &str) -> String {
    format!("param-{}", path.replace('.', "-"))
}

/// Selects node `id` and moves the focus to its parameter `path` in the
/// inspector: the place every other mention of a knob (the "Try it" list,
/// a lesson's solution) sends people to.
pub(crate) fn focus_param(editor: Editor, id: &str, path: &str) {
    editor.select_only(id);
    // On a phone the field is in the node's sheet.
    editor.open_node_sheet();
    let dom_id = field_dom_id(path);
    // The inspector renders the node's fields on the next tick.
    set_timeout(
        move || {
            // Focusing scrolls the field into view if it is not.
            if let Some(el) = document().get_element_by_id(&dom_id)
                && let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el)
            {
                let _ = el.focus();
            }
        },
        std::time::Duration::from_millis(0),
    );
}

#[component]
fn ParamField(
    node: String,
    field: Field,
    /// Whether this is a stream's shard count (live UpdateShardCount).
    #[prop(optional)]
    live_shards: bool,
) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let ctx = expect_context::<SimCtx>();
    let error = RwSignal::new(None::<String>);
    let Field { path, label, input, value, default, help } = field;
    let dom_id = field_dom_id(&path);
    let live = LiveShards::new(ctx, node.clone(), live_shards, error);
    let commit = {
        let (path, input) = (path.clone(), input.clone());
        move |text: String| {
            let result = inspect::parse_input(&input, &text).and_then(|value| {
                editor.doc.with_untracked(|d| {
                    let i = doc::index_of(d, &node).ok_or("the node no longer exists")?;
                    let spec = inspect::with_param(&d.nodes[i].spec, &path, value.clone())?;
                    inspect::check_node_spec(d, i, &spec, &format!("nodes[{i}].params"))?;
                    Ok((i, spec, value))
                })
            });
            match result {
                Ok((_, _, value)) if live.is_live() => {
                    error.set(None);
                    live.update(value.as_u64().unwrap_or_default() as u32);
                }
                Ok((i, spec, _)) => {
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
                            {o.title()}
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
        _ => {
            let shown = inspect::show(&value);
            view! {
                <input
                    id=dom_id.clone()
                    type="text"
                    inputmode="decimal"
                    data-testid=dom_id.clone()
                    aria-describedby=note_id.clone()
                    aria-invalid=move || error.get().is_some().to_string()
                    prop:value=move || live.shown().unwrap_or_else(|| shown.clone())
                    on:change:target=move |ev| commit(ev.target().value())
                />
            }
            .into_any()
        }
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
            {live_shards.then(|| live.note())}
            {move || {
                error.get().map(|e| view! {
                    <p class="field-error" role="alert" data-testid=error_id.clone()>{e}</p>
                })
            }}
            {live_shards.then(|| live.restart_offer(editor))}
        </div>
    }
}

/// The live side of a stream's shard-count field: the open shards while
/// the run goes on, UpdateShardCount through the engine, and its refusal in
/// AWS's words beside the field (read from the run's journal, so it is the
/// engine's verdict, wherever the engine runs).
#[derive(Clone, Copy)]
struct LiveShards {
    ctx: SimCtx,
    /// Whether the field is a stream's shard count at all.
    enabled: bool,
    /// The node's index in the running simulation.
    index: Memo<Option<usize>>,
    /// Whether simulated time has started.
    started: Memo<bool>,
    /// Open shards of the running stream.
    open: Memo<Option<usize>>,
    /// The newest journal entry when a call was sent (waiting for its verdict).
    pending: RwSignal<Option<Option<JournalView>>>,
    /// The last count asked for live, offered as an edit of the scenario
    /// instead ("edit and restart"), and whether AWS refused it.
    offer: RwSignal<Option<(u32, bool)>>,
    /// The node's id.
    id: StoredValue<String>,
}

impl LiveShards {
    fn new(ctx: SimCtx, id: String, enabled: bool, error: RwSignal<Option<String>>) -> Self {
        // Other fields track nothing here.
        let index = {
            let id = id.clone();
            Memo::new(move |_| {
                if !enabled {
                    return None;
                }
                ctx.structure.track();
                ctx.generation.track();
                ctx.revision.track();
                ctx.scenario.with_value(|v| doc::index_of(v.scenario(), &id))
            })
        };
        let started = Memo::new(move |_| enabled && ctx.live.snapshot.with(|s| s.frame.now_ms > 0));
        let open = Memo::new(move |_| {
            let i = index.get()?;
            ctx.live.snapshot.with(|s| match s.frame.figures(NodeIndex::new(i)) {
                Some(NodeFigures::Stream { shards, .. }) => Some(shards.len()),
                _ => None,
            })
        });
        let live = LiveShards {
            ctx,
            enabled,
            index,
            started,
            open,
            pending: RwSignal::new(None),
            offer: RwSignal::new(None),
            id: StoredValue::new(id),
        };
        if enabled {
            // The verdict: the first journal entry after the call, about this stream.
            Effect::new(move |_| {
                let Some(before) = live.pending.get() else { return };
                let name = ctx.scenario.with_value(|v| {
                    index
                        .get_untracked()
                        .and_then(|i| v.scenario().nodes.get(i))
                        .map(|n| n.label().to_string())
                });
                let verdict = ctx.live.snapshot.with(|s| {
                    s.frame
                        .journal
                        .iter()
                        .take_while(|e| Some(*e) != before.as_ref())
                        .find(|e| {
                            Some(&e.node) == name.as_ref()
                                && (e.refused || e.text.contains("UpdateShardCount"))
                        })
                        .cloned()
                });
                if let Some(entry) = verdict {
                    live.pending.set(None);
                    live.offer.update(|o| {
                        if let Some((_, refused)) = o {
                            *refused = entry.refused;
                        }
                    });
                    if entry.refused {
                        let why = entry.text.trim_start_matches("refused: ");
                        error.set(Some(format!("AWS refused this change: {why}.")));
                    } else {
                        error.set(None);
                    }
                }
            });
        }
        live
    }

    /// Whether a change is a live UpdateShardCount now.
    fn is_live(&self) -> bool {
        self.enabled && self.started.get_untracked() && self.open.get_untracked().is_some()
    }

    /// The open shards, while the run is live.
    fn shown(&self) -> Option<String> {
        (self.enabled && self.started.get())
            .then(|| self.open.get())
            .flatten()
            .map(|n| n.to_string())
    }

    /// Calls UpdateShardCount on the running stream.
    fn update(&self, target: u32) {
        let Some(node) = self.index.get_untracked() else { return };
        self.offer.set(Some((target, false)));
        self.pending
            .set(Some(self.ctx.live.snapshot.with_untracked(|s| s.frame.journal.first().cloned())));
        self.ctx.command(Command::Reshard {
            node: NodeIndex::new(node),
            op: StreamOp::UpdateShardCount { target },
        });
    }

    /// What a change does now, under the field.
    fn note(self) -> impl IntoView {
        let text = move || {
            if self.started.get() && self.open.get().is_some() {
                "Live: UpdateShardCount on the running stream. AWS allows at most double or half the open shards per call, 10 calls in 24 hours. Reset returns to the scenario's count."
            } else {
                "Before the run: sets the scenario's shard count."
            }
        };
        view! { <p class="field-live" data-testid="shards-mode">{text}</p> }
    }

    /// "Edit and restart": after a live call, accepted or refused, make its
    /// count the scenario's, from zero.
    fn restart_offer(self, editor: Editor) -> impl IntoView {
        let restart = move |_| {
            let Some((target, _)) = self.offer.get_untracked() else { return };
            self.offer.set(None);
            self.pending.set(None);
            let id = self.id.get_value();
            let value = serde_json::Value::from(target);
            let edited = editor.doc.with_untracked(|d| {
                let i = doc::index_of(d, &id)?;
                Some((i, inspect::with_param(&d.nodes[i].spec, SHARDS, value).ok()?))
            });
            if let Some((i, spec)) = edited {
                editor.edit(|s| s.nodes[i].spec = spec);
                // From zero with the edited scenario, whatever the run made of the edit.
                self.ctx.reset();
                self.ctx.tell(
                    format!(
                        "The scenario now starts with {target} shards: the run restarted from zero."
                    ),
                    false,
                );
            }
        };
        move || {
            let (target, refused) = self.offer.get()?;
            let id = self.id.get_value();
            let scenario_has_it = editor.doc.with(|d| {
                let i = doc::index_of(d, &id)?;
                inspect::params_of(&d.nodes[i].spec)
                    .pointer(&format!("/{}", SHARDS.replace('.', "/")))
                    .and_then(Value::as_u64)
            }) == Some(u64::from(target));
            // Once AWS has answered (the verdict cleared `pending`), while the run is live.
            let show = self.pending.get().is_none() && self.started.get() && !scenario_has_it;
            show.then(|| {
                let text = if refused {
                    format!("Start again with {target} shards instead (restarts from zero)")
                } else {
                    format!("Make {target} shards the scenario's count (restarts from zero)")
                };
                view! {
                    <button
                        type="button"
                        class="ghost-button"
                        data-testid="shards-restart"
                        on:click=restart
                    >
                        {text}
                    </button>
                }
            })
        }
    }
}
