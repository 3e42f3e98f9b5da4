//! The gallery: every scenario that ships in `scenarios/`, with a
//! thumbnail of its pipeline, its one-line description and tags. Opening
//! one adds a history entry, so Back returns to what was open before.

use leptos::prelude::*;
use sim_core::{BUNDLED_SCENARIOS, Scenario, load_scenario};

use super::modal::Modal;
use crate::components::pipeline::{CARD_H, CARD_W, positions, view_box};

/// The gallery button and its dialog.
#[component]
pub fn Gallery() -> impl IntoView {
    let editor = expect_context::<crate::editor::Editor>();
    let open = RwSignal::new(false);
    let cards = BUNDLED_SCENARIOS
        .iter()
        .filter_map(|(file, json)| {
            let valid = load_scenario(json).ok()?;
            let s = valid.scenario().clone();
            let stem = file.trim_end_matches(".json");
            let testid = format!("gallery-{stem}");
            let tags = s
                .tags
                .iter()
                .map(|t| view! { <span class="tag">{t.clone()}</span> })
                .collect_view();
            Some(view! {
                <li>
                    <button
                        class="gallery-card"
                        data-testid=testid
                        on:click=move |_| {
                            open.set(false);
                            editor.open(valid.clone());
                        }
                    >
                        <Thumbnail scenario=s.clone() />
                        <span class="gallery-title">{s.name.clone()}</span>
                        <span class="gallery-description">{s.description.clone()}</span>
                        <span class="gallery-tags">{tags}</span>
                    </button>
                </li>
            })
        })
        .collect_view();
    view! {
        <button
            class="ghost-button gallery-open"
            data-testid="gallery-open"
            title="Every scenario that ships with Shardplay, with what it shows"
            on:click=move |_| open.set(true)
        >
            "Gallery"
        </button>
        <Modal
            open
            title="Scenarios"
            hint="Open one to replace the canvas; Back returns to this one."
            close_label="Close the gallery"
            testid="gallery"
            class="gallery"
        >
            <ul class="gallery-grid">{cards}</ul>
        </Modal>
    }
}

/// A small drawing of a scenario's pipeline: one block per node, one line
/// per link, positions from its layout.
#[component]
fn Thumbnail(scenario: Scenario) -> impl IntoView {
    let pos = positions(&scenario);
    let index = |id: &str| scenario.nodes.iter().position(|n| n.id == id);
    let view_box = view_box(&pos, 20.0).unwrap_or_else(|| "0 0 1 1".into());
    let lines = scenario
        .links
        .iter()
        .filter_map(|l| Some((pos[index(&l.from)?], pos[index(&l.to)?])))
        .map(|(a, b)| {
            view! {
                <line
                    x1=a.x + CARD_W
                    y1=a.y + CARD_H / 2.0
                    x2=b.x
                    y2=b.y + CARD_H / 2.0
                    class="thumb-link"
                />
            }
        })
        .collect_view();
    let blocks = scenario
        .nodes
        .iter()
        .zip(&pos)
        .map(|(n, p)| {
            let kind = n.spec.kind().as_str();
            view! { <rect class=format!("thumb-node kind-{kind}") x=p.x y=p.y width=CARD_W height=CARD_H rx="16" /> }
        })
        .collect_view();
    view! {
        <svg class="thumbnail" viewBox=view_box aria-hidden="true">
            {lines}
            {blocks}
        </svg>
    }
}
