//! "Compare with Amazon MSK": the scenario's traffic on its Kinesis streams,
//! on an MSK cluster and on MSK Serverless, side by side (sim-core's
//! [`compare_kinesis_msk`](sim_core::compare_kinesis_msk)). Three runs of
//! up to an hour each: a task on the planning pool (`pool`) beside the live
//! run, which Cancel ends at once; in the page when no worker can start.

use leptos::prelude::*;
use sim_core::compare::{MskSizing, SERVICE_FIGURES, ServiceComparison};
use sim_core::scenario::BrokerType;

use super::mode_compare::COMPARE_CAP_S;
use super::planned::{Planned, Planning, running};
use crate::plan::{Task, TaskDone};
use crate::state::SimCtx;

/// The cluster the streams are compared with, as the form holds it. The
/// broker count's range is sim-core's to check (`compare_kinesis_msk`).
fn sizing_from(broker_type: &str, brokers: &str) -> Result<MskSizing, String> {
    let broker_type = BrokerType::ALL
        .into_iter()
        .find(|t| t.as_str() == broker_type)
        .ok_or_else(|| format!("Broker type: {broker_type} is not an MSK broker type"))?;
    let brokers = brokers.trim().parse::<u32>().map_err(|_| {
        format!(
            "Brokers: {} is not a whole number; allowed 3 to 60, a multiple of 3",
            brokers.trim()
        )
    })?;
    Ok(MskSizing { broker_type, brokers })
}

/// On request, runs the scenario's producers on Kinesis (as given), on an
/// MSK cluster of the chosen brokers and on MSK Serverless (up to one
/// simulated hour each) and shows one table: capacity, refused writes,
/// producer waits, lag, losses and cost; then the classic points.
/// Never on the frame path: a planning worker runs it.
#[component]
pub fn ServiceCompare() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let planned = Planned::new(ctx, |done| match done {
        TaskDone::ComparedServices(answer) => Some(answer),
        _ => None,
    });
    let broker_type = RwSignal::new(MskSizing::default().broker_type.as_str().to_string());
    let brokers = RwSignal::new(MskSizing::default().brokers.to_string());
    let compare = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match sizing_from(&broker_type.get_untracked(), &brokers.get_untracked()) {
            Ok(sizing) => {
                let scenario = Box::new(ctx.scenario.with_value(|v| v.scenario().clone()));
                let duration_s = scenario.duration_s.min(COMPARE_CAP_S);
                planned.run(Task::CompareServices { scenario, duration_s, sizing });
            }
            Err(why) => planned.refuse(why),
        }
    };
    let has_stream = super::mode_compare::has_kinesis_stream(ctx);
    let form = move || {
        view! {
            <form class="compare service-compare" data-testid="service-compare" novalidate on:submit=compare>
                <button type="submit" data-testid="compare-services" disabled=move || planned.running()
                    title="Runs this scenario's producers three times without animation (up to one simulated hour each), on a worker beside the live run: on its provisioned Kinesis streams, on an MSK cluster of the brokers chosen here with one partition per shard, and on MSK Serverless; then bills each service's own lines. Kinesis refuses writes over a shard's limit; MSK delays them.">
                    "Compare with Amazon MSK"
                </button>
                <label>
                    "Broker type "
                    <select
                        data-testid="compare-broker-type"
                        on:change=move |ev| broker_type.set(event_target_value(&ev))
                        prop:value=move || broker_type.get()
                    >
                        {BrokerType::ALL
                            .into_iter()
                            .map(|t| view! { <option value=t.as_str()>{t.as_str()}</option> })
                            .collect::<Vec<_>>()}
                    </select>
                </label>
                <label>
                    "Brokers "
                    <input
                        type="number"
                        min="3"
                        max="60"
                        step="3"
                        data-testid="compare-brokers"
                        title="3 to 60, a multiple of 3: MSK spreads brokers evenly over three Availability Zones, at least one in each"
                        prop:value=move || brokers.get()
                        on:input=move |ev| brokers.set(event_target_value(&ev))
                    />
                </label>
                {move || match planned.state() {
                    Planning::Idle => {
                        view! {
                            <span class="compare-hint">
                                "Kinesis Data Streams, MSK and MSK Serverless for the same producers"
                            </span>
                        }
                            .into_any()
                    }
                    Planning::Running => {
                        running(planned, "Running the three services", "compare-services").into_any()
                    }
                    Planning::Done(Err(why)) => {
                        view! { <span class="compare-error" role="alert">{why}</span> }.into_any()
                    }
                    Planning::Done(Ok(c)) => comparison_table(&c).into_any(),
                }}
            </form>
        }
    };
    move || {
        if has_stream.get() {
            form().into_any()
        } else {
            view! {
                <div class="compare service-compare" data-testid="service-compare">
                    {super::mode_compare::not_applicable(
                        "compare-services",
                        "Compare with Amazon MSK",
                        "This pipeline has no Kinesis data stream, so it has no stream producers to run on Amazon MSK instead.",
                    )}
                </div>
            }
                .into_any()
        }
    }
}

/// The figures, one column per service; then the classic comparison
/// points and how the variants were made.
fn comparison_table(c: &ServiceComparison) -> impl IntoView + use<> {
    let caption = format!(
        "Same producers and seed, {} simulated from the start of each run, {}-hour month",
        sim_core::units::seconds(c.duration_s),
        sim_core::units::quantity(c.month_hours)
    );
    let head = c
        .rows
        .iter()
        .map(|r| view! { <th scope="col">{r.service.title()}</th> })
        .collect::<Vec<_>>();
    let body = SERVICE_FIGURES
        .iter()
        .map(|f| {
            let cells = c
                .rows
                .iter()
                .map(|r| {
                    view! {
                        <td data-testid=format!("service-{}-{}", f.key, r.service.as_str())>{(f.show)(r)}</td>
                    }
                })
                .collect::<Vec<_>>();
            view! {
                <tr>
                    <th scope="row">{f.label}</th>
                    {cells}
                </tr>
            }
        })
        .collect::<Vec<_>>();
    let points = c
        .points
        .iter()
        .map(|p| {
            view! {
                <tr>
                    <th scope="row" title=format!("Sources: {}", p.facts)>{p.point}</th>
                    <td>{p.kinesis}</td>
                    <td>{p.msk}</td>
                    <td>{p.msk_serverless}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    let notes = c.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect::<Vec<_>>();
    view! {
        <p class="compare-caption">{caption}</p>
        <div class="compare-scroll">
        <table class="compare-table" data-testid="service-table">
            <thead>
                <tr>
                    <th scope="col">"Figure"</th>
                    {head}
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </table>
        </div>
        <details class="compare-points" data-testid="service-points">
            <summary>"What differs by design"</summary>
            <div class="compare-scroll">
            <table class="compare-table points">
                <thead>
                    <tr>
                        <th scope="col">"Point"</th>
                        <th scope="col">"Kinesis Data Streams"</th>
                        <th scope="col">"Amazon MSK"</th>
                        <th scope="col">"MSK Serverless"</th>
                    </tr>
                </thead>
                <tbody>{points}</tbody>
            </table>
            </div>
            <ul class="compare-notes">{notes}</ul>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::compare_services;

    #[test]
    fn the_form_reads_a_broker_type_and_a_count() {
        let m = sizing_from("kafka.m5.large", "four").unwrap_err();
        assert!(m.starts_with("Brokers: four is not a whole number; allowed 3 to 60"), "{m}");
        assert!(sizing_from("kafka.x.large", "3").unwrap_err().starts_with("Broker type"));
        // The range is sim-core's rule, shown in words.
        let valid = sim_core::load_scenario(sim_core::DEFAULT_SCENARIO).unwrap();
        let compare = |valid: &sim_core::ValidScenario, brokers: &str| {
            compare_services(valid, COMPARE_CAP_S, sizing_from("kafka.m5.large", brokers)?)
        };
        let m = compare(&valid, "4").unwrap_err();
        assert!(m.starts_with("brokers: 4 is out of range; allowed 3 to 60 brokers"), "{m}");
        // An empty canvas has nothing to compare: said, not a blank table.
        let mut empty = valid.scenario().clone();
        (empty.nodes, empty.links) = (vec![], vec![]);
        empty.schedule.clear();
        empty.lesson = None;
        empty.layout = Default::default();
        let empty = sim_core::validate(&empty).unwrap();
        let m = compare(&empty, "3").unwrap_err();
        assert!(m.contains("needs a provisioned Kinesis stream"), "{m}");
        let ok = sizing_from("kafka.m7g.xlarge", " 6 ").unwrap();
        assert_eq!((ok.broker_type, ok.brokers), (BrokerType::M7gXlarge, 6));
    }

    #[test]
    fn the_default_scenario_compares_on_every_figure() {
        let valid = sim_core::load_scenario(sim_core::DEFAULT_SCENARIO).unwrap();
        let c = sim_core::compare_kinesis_msk(&valid, 1, 120, MskSizing::default()).unwrap();
        let services: Vec<&str> = c.rows.iter().map(|r| r.service.title()).collect();
        assert_eq!(services, ["Kinesis provisioned", "MSK provisioned", "MSK Serverless"]);
        // MSK delays writes over a limit; it never refuses one (aws-facts-more 1.8).
        assert!(c.rows[1..].iter().all(|r| r.refused_writes == 0));
        assert!(c.rows.iter().all(|r| r.monthly_usd > 0.0));
    }
}
