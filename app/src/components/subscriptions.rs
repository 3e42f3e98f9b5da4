//! An SNS topic's subscriptions as a form (instead of the list's JSON): one
//! row per linked endpoint, in link order, with its filter share, raw
//! delivery where AWS offers it, and its dead-letter queue. Each change
//! builds the topic's spec with sim-core's `with_subscription`, is checked
//! by sim-core's validation like any field, and is one undo step.

use leptos::prelude::*;
use sim_core::scenario::{NodeKind, NodeSpec, SubscriptionSpec};
use sim_core::units::format_number;

use crate::editor::{Editor, doc};

/// One linked endpoint of the topic.
#[derive(Clone, Debug, PartialEq)]
struct Row {
    endpoint: String,
    label: String,
    kind: NodeKind,
    settings: SubscriptionSpec,
    /// Queues that may be its dead-letter queue: (id, label).
    queues: Vec<(String, String)>,
}

/// The form of topic `node`'s subscriptions (`help` is the parameter's).
#[component]
pub fn SubscriptionForm(node: String, help: Option<&'static str>) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let error = RwSignal::new(None::<String>);
    let rows = {
        let node = node.clone();
        Memo::new(move |_| {
            editor.doc.with(|d| {
                let Some(i) = doc::index_of(d, &node) else { return Vec::new() };
                let NodeSpec::SnsTopic(t) = &d.nodes[i].spec else { return Vec::new() };
                d.links
                    .iter()
                    .filter(|l| l.from == node)
                    .filter_map(|l| d.nodes.iter().find(|n| n.id == l.to))
                    .map(|to| Row {
                        endpoint: to.id.clone(),
                        label: to.label().to_string(),
                        kind: to.spec.kind(),
                        settings: t.subscription(&to.id),
                        queues: d
                            .nodes
                            .iter()
                            .filter(|n| n.spec.kind() == NodeKind::SqsQueue && n.id != to.id)
                            .map(|n| (n.id.clone(), n.label().to_string()))
                            .collect(),
                    })
                    .collect::<Vec<_>>()
            })
        })
    };
    let apply = move |node: &str, sub: SubscriptionSpec| {
        let result = editor.doc.with_untracked(|d| {
            let i = doc::index_of(d, node).ok_or("the topic no longer exists")?;
            let NodeSpec::SnsTopic(t) = &d.nodes[i].spec else {
                return Err("the node is not an SNS topic".to_string());
            };
            let spec = NodeSpec::SnsTopic(t.with_subscription(sub));
            crate::editor::inspect::check_node_spec(d, i, &spec, &format!("nodes[{i}]"))?;
            Ok((i, spec))
        });
        match result {
            Ok((i, spec)) => {
                error.set(None);
                editor.edit(|s| s.nodes[i].spec = spec);
            }
            Err(why) => error.set(Some(why)),
        }
    };
    let form_node = node.clone();
    view! {
        <fieldset class="field param subscriptions" data-testid="param-subscriptions">
            <legend title=help.unwrap_or("")>"Subscriptions"</legend>
            {move || {
                let rows = rows.get();
                if rows.is_empty() {
                    return view! {
                        <p class="field-note">"Wire the topic to a queue, a Lambda function or a Firehose delivery stream to subscribe it."</p>
                    }
                    .into_any();
                }
                rows.into_iter()
                    .map(|row| view! { <SubscriptionRow topic=form_node.clone() row=row apply=apply error=error /> })
                    .collect_view()
                    .into_any()
            }}
            <p class="field-note">{help.map(|h| view! { <span class="field-help">{h}</span> })}</p>
            {move || error.get().map(|e| view! {
                <p class="field-error" role="alert" data-testid="param-subscriptions-error">{e}</p>
            })}
        </fieldset>
    }
}

#[component]
fn SubscriptionRow(
    topic: String,
    row: Row,
    apply: impl Fn(&str, SubscriptionSpec) + Copy + Send + Sync + 'static,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let Row { endpoint, label, kind, settings, queues } = row;
    let base = format!("sub-{endpoint}");
    let (share_id, raw_id, dlq_id) =
        (format!("{base}-share"), format!("{base}-raw"), format!("{base}-dlq"));
    let share = {
        let (topic, settings) = (topic.clone(), settings.clone());
        move |text: String| {
            let cleaned: String = text.trim().chars().filter(|c| *c != ',').collect();
            // Out-of-range numbers reach validation, which names the range.
            match cleaned.parse::<f64>() {
                Ok(value) if value.is_finite() => {
                    apply(&topic, SubscriptionSpec { filter_share: value, ..settings.clone() })
                }
                _ => error.set(Some(format!("{text:?} is not a number; allowed 0 to 1"))),
            }
        }
    };
    let raw = {
        let (topic, settings) = (topic.clone(), settings.clone());
        move |on: bool| apply(&topic, SubscriptionSpec { raw_delivery: on, ..settings.clone() })
    };
    let dlq = {
        let (topic, settings) = (topic.clone(), settings.clone());
        move |id: String| {
            let dead_letter_queue = (!id.is_empty()).then_some(id);
            apply(&topic, SubscriptionSpec { dead_letter_queue, ..settings.clone() })
        }
    };
    // aws-facts-more 5.2: raw message delivery is for SQS, Firehose and
    // HTTP/S endpoints; a function always gets the JSON envelope.
    let raw_control = (kind != NodeKind::Lambda).then(|| {
        view! {
            <label for=raw_id.clone()>"Raw message delivery"</label>
            <input
                id=raw_id.clone()
                type="checkbox"
                data-testid=raw_id.clone()
                prop:checked=settings.raw_delivery
                on:change:target=move |ev| raw(ev.target().checked())
            />
        }
    });
    let current = settings.dead_letter_queue.clone().unwrap_or_default();
    let options = queues
        .into_iter()
        .map(|(id, name)| {
            let selected = id == current;
            view! { <option value=id selected=selected>{name}</option> }
        })
        .collect_view();
    view! {
        <div class="field param nested subscription" data-testid=base.clone()>
            <p class="field-note"><strong>{label}</strong>{format!(" ({})", kind.title())}</p>
            <label for=share_id.clone()>"Filter share"</label>
            <input
                id=share_id.clone()
                type="text"
                inputmode="decimal"
                data-testid=share_id.clone()
                prop:value=format_number(settings.filter_share)
                on:change:target=move |ev| share(ev.target().value())
            />
            {raw_control}
            <label for=dlq_id.clone()>"Dead-letter queue"</label>
            <select
                id=dlq_id.clone()
                data-testid=dlq_id.clone()
                on:change:target=move |ev| dlq(ev.target().value())
            >
                <option value="" selected=current.is_empty()>"none"</option>
                {options}
            </select>
        </div>
    }
}
