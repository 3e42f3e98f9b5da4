//! An SNS topic's subscriptions as a form (instead of the list's JSON): one
//! row per linked endpoint, in link order, with its filter share, raw
//! delivery where AWS offers it, its dead-letter queue, and for an HTTP/S
//! endpoint its delivery policy (AWS's default or its own). Each change
//! builds the topic's spec with sim-core's `with_subscription`, is checked
//! by sim-core's validation like any field, and is one undo step.

use leptos::prelude::*;
use sim_core::scenario::{
    BackoffFunction, HttpDeliveryPolicy, NodeKind, NodeSpec, SubscriptionSpec,
};
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
                        <p class="field-note">"Wire the topic to a queue, a Lambda function, a Firehose delivery stream or an HTTP endpoint destination to subscribe it."</p>
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
    // aws-facts-more 5.3: only an HTTP/S subscription's delivery policy can
    // be changed.
    let policy_control = (kind == NodeKind::Destination)
        .then(|| view! { <PolicyForm topic=topic.clone() settings=settings.clone() apply=apply error=error /> });
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
            {policy_control}
        </div>
    }
}

/// The help of a delivery policy field, from sim-core's parameter table.
fn policy_help(field: &str) -> &'static str {
    let path = format!("subscriptions.delivery_policy.{field}");
    sim_core::params::param_help(NodeKind::SnsTopic, &path).unwrap_or("")
}

/// An HTTP/S subscription's delivery policy: AWS's default, or its own
/// with every field of `healthyRetryPolicy` and `throttlePolicy`.
#[component]
fn PolicyForm(
    topic: String,
    settings: SubscriptionSpec,
    apply: impl Fn(&str, SubscriptionSpec) + Copy + Send + Sync + 'static,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let base = format!("sub-{}-policy", settings.endpoint);
    let custom_id = format!("{base}-custom");
    // Kept in a `StoredValue` so that `set` is `Copy` for every field.
    let held = StoredValue::new((topic, settings.clone()));
    let set = move |policy: Option<HttpDeliveryPolicy>| {
        let (topic, settings) = held.get_value();
        apply(&topic, SubscriptionSpec { delivery_policy: policy, ..settings })
    };
    let policy = settings.delivery_policy;
    let toggle = move |on: bool| set(on.then(HttpDeliveryPolicy::default));
    let fields = policy.map(|p| {
        type Field = (&'static str, &'static str, Option<u32>, fn(&mut HttpDeliveryPolicy, Option<u32>));
        let rows: [Field; 7] = [
            ("min_delay_target_s", "Minimum delay (s)", Some(p.min_delay_target_s), |p, v| p.min_delay_target_s = v.unwrap_or(20)),
            ("max_delay_target_s", "Maximum delay (s)", Some(p.max_delay_target_s), |p, v| p.max_delay_target_s = v.unwrap_or(20)),
            ("num_retries", "Retries in all", Some(p.num_retries), |p, v| p.num_retries = v.unwrap_or(3)),
            ("num_no_delay_retries", "Immediate retries", Some(p.num_no_delay_retries), |p, v| p.num_no_delay_retries = v.unwrap_or(0)),
            ("num_min_delay_retries", "Pre-backoff retries", Some(p.num_min_delay_retries), |p, v| p.num_min_delay_retries = v.unwrap_or(0)),
            ("num_max_delay_retries", "Post-backoff retries", Some(p.num_max_delay_retries), |p, v| p.num_max_delay_retries = v.unwrap_or(0)),
            ("max_receives_per_second", "Deliveries/s at most (empty: no limit)", p.max_receives_per_second, |p, v| p.max_receives_per_second = v),
        ];
        let inputs = rows
            .into_iter()
            .map(|(field, label, value, put)| {
                let id = format!("{base}-{field}");
                let change = move |text: String| {
                    let cleaned: String = text.trim().chars().filter(|c| *c != ',').collect();
                    // Out-of-range numbers reach validation, which names the range.
                    let value = match cleaned.parse::<u32>() {
                        Ok(v) => Some(v),
                        Err(_) if cleaned.is_empty() => None,
                        Err(_) => {
                            error.set(Some(format!("{text:?} is not a whole number")));
                            return;
                        }
                    };
                    let mut next = p;
                    put(&mut next, value);
                    set(Some(next));
                };
                view! {
                    <label for=id.clone() title=policy_help(field)>{label}</label>
                    <input
                        id=id.clone()
                        type="text"
                        inputmode="numeric"
                        data-testid=id.clone()
                        prop:value=value.map(|v| format_number(f64::from(v))).unwrap_or_default()
                        on:change:target=move |ev| change(ev.target().value())
                    />
                }
            })
            .collect_view();
        let function_id = format!("{base}-backoff_function");
        let functions = [
            BackoffFunction::Linear,
            BackoffFunction::Arithmetic,
            BackoffFunction::Geometric,
            BackoffFunction::Exponential,
        ];
        let options = functions
            .into_iter()
            .map(|f| {
                let selected = f == p.backoff_function;
                view! { <option value=f.as_str() selected=selected>{f.as_str()}</option> }
            })
            .collect_view();
        let pick = move |name: String| {
            let Some(f) = functions.into_iter().find(|f| f.as_str() == name) else { return };
            set(Some(HttpDeliveryPolicy { backoff_function: f, ..p }));
        };
        view! {
            {inputs}
            <label for=function_id.clone() title=policy_help("backoff_function")>"Backoff function"</label>
            <select
                id=function_id.clone()
                data-testid=function_id.clone()
                on:change:target=move |ev| pick(ev.target().value())
            >
                {options}
            </select>
        }
    });
    let total = policy.map(|p| {
        format!(
            "{} attempts over {} s of retry delays (AWS allows at most 3,600 s).",
            format_number(f64::from(p.num_retries) + 1.0),
            format_number(p.total_retry_ms() as f64 / 1_000.0)
        )
    });
    let help = sim_core::params::param_help(NodeKind::SnsTopic, "subscriptions.delivery_policy")
        .unwrap_or("");
    view! {
        <label for=custom_id.clone() title=help>"Custom delivery policy"</label>
        <input
            id=custom_id.clone()
            type="checkbox"
            data-testid=custom_id.clone()
            prop:checked=policy.is_some()
            on:change:target=move |ev| toggle(ev.target().checked())
        />
        {match total {
            Some(t) => view! { <p class="field-note" data-testid=format!("{base}-total")>{t}</p> }.into_any(),
            None => view! { <p class="field-note">"AWS's default: 3 retries 20 s apart (4 attempts)."</p> }.into_any(),
        }}
        {fields}
    }
}
