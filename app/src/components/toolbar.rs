//! The top bar: brand, scenario, transport controls, speed and the clock.

use leptos::prelude::*;
use sim_core::time::format_clock;

use crate::state::{SPEEDS, SimCtx};

/// Play / pause, step, reset, speed and the simulated clock.
#[component]
pub fn Toolbar() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let editor = expect_context::<crate::editor::Editor>();
    // The document's name: it follows the editor (open a file, undo).
    let name = move || editor.doc.with(|d| d.name.clone());
    // What the scenario shows, in one sentence (the first of its description).
    let description = move || editor.doc.with(|d| d.description.clone());
    let story = move || first_sentence(&description());
    let now = Memo::new(move |_| ctx.live.snapshot.with(|s| s.frame.now_ms / 1_000 * 1_000));
    let toggle = move |_| ctx.toggle_play();
    view! {
        <header class="toolbar">
            <div class="brand">
                <svg class="logo" viewBox="0 0 32 32" aria-hidden="true">
                    <rect x="3" y="6" width="26" height="5" rx="2.5" />
                    <rect x="3" y="13.5" width="18" height="5" rx="2.5" />
                    <rect x="3" y="21" width="22" height="5" rx="2.5" />
                </svg>
                <h1>"Shardplay"</h1>
                <super::OpenInShardplay />
            </div>
            <div class="scenario">
                <label class="eyebrow" for="scenario-picker">
                    "Scenario"
                </label>
                <span class="scenario-name" data-testid="scenario-name" title=name>
                    {name}
                </span>
                <ScenarioPicker />
                <super::Gallery />
                <super::LessonList />
            </div>
            <div class="transport" role="group" aria-label="Simulation controls">
                <button
                    class="primary play"
                    data-testid="play-pause"
                    aria-pressed=move || ctx.clock.playing.get().to_string()
                    title="Play or pause the simulation (Space)"
                    on:click=toggle
                >
                    {move || {
                        if ctx.clock.playing.get() {
                            view! {
                                <svg class="icon" viewBox="0 0 16 16" aria-hidden="true">
                                    <rect x="3" y="2" width="3.5" height="12" rx="1" />
                                    <rect x="9.5" y="2" width="3.5" height="12" rx="1" />
                                </svg>
                                "Pause"
                            }
                                .into_any()
                        } else {
                            view! {
                                <svg class="icon" viewBox="0 0 16 16" aria-hidden="true">
                                    <path d="M4 2.2v11.6a.8.8 0 0 0 1.2.7l9.3-5.8a.8.8 0 0 0 0-1.4L5.2 1.5A.8.8 0 0 0 4 2.2z" />
                                </svg>
                                "Play"
                            }
                                .into_any()
                        }
                    }}
                </button>
                <button
                    data-testid="step"
                    title="Advance one simulated second (.)"
                    on:click=move |_| ctx.step(1_000)
                >
                    "Step 1 s"
                </button>
                <button
                    data-testid="copy-link"
                    title="Copy a link that opens this exact scenario and seed, with the changes made while it runs (shards, rates, interventions) at the simulated time each was made: Jump to the same time for the same numbers"
                    on:click=move |_| {
                        let (scenario, changes) = editor.doc.with_untracked(|doc| {
                            ctx.live.replay.with_value(|r| crate::link::shared_scenario(doc, r.as_deref()))
                        });
                        let href = crate::link::href_for(&scenario);
                        let at = format_clock(ctx.live.snapshot.with_untracked(|s| s.frame.now_ms));
                        let told = copied_words(changes, &at);
                        crate::link::copy_link(href, move |result| match result {
                            Ok(()) => ctx.tell(told.clone(), false),
                            Err(href) => ctx.tell(format!("Copy this link to share the scenario: {href}"), false),
                        })
                    }
                >
                    "Copy link"
                </button>
                <button
                    data-testid="reset"
                    title="Restart from zero with the same seed: the same numbers come back (R)"
                    on:click=move |_| ctx.reset()
                >
                    "↺ Reset"
                </button>
                <button
                    data-testid="present"
                    aria-pressed=move || ctx.screen.presenting.get().to_string()
                    title="Presenter mode: large type and high contrast for a projector, no editing controls (P)"
                    on:click=move |_| ctx.screen.presenting.update(|p| *p = !*p)
                >
                    "Present"
                </button>
                <label class="speed" title="Simulated seconds per real second">
                    <span>"Speed"</span>
                    <select
                        data-testid="speed"
                        prop:value=move || ctx.clock.speed.get().to_string()
                        on:change:target=move |ev| {
                            if let Ok(s) = ev.target().value().parse() {
                                ctx.set_speed(s);
                            }
                        }
                    >
                        {SPEEDS
                            .iter()
                            .map(|s| view! { <option value=s.to_string()>{format!("{s}×")}</option> })
                            .collect_view()}
                    </select>
                </label>
            </div>
            <div
                class="clock"
                data-testid="sim-clock"
                data-ms=move || ctx.live.snapshot.with(|s| s.frame.now_ms).to_string()
                aria-label="Simulated time"
            >
                <span class="eyebrow">"Simulated time"</span>
                <span class="time">{move || format_clock(now.get())}</span>
                <Show when=move || ctx.clock.behind.get()>
                    <span
                        class="behind"
                        title="This speed needs more work per frame than the budget allows; time runs slower than asked"
                    >
                        "▲ running behind"
                    </span>
                </Show>
                <super::JumpTo />
            </div>
            <Show when=move || !story().is_empty()>
                <p class="story" data-testid="scenario-story" title=description>
                    {story}
                </p>
            </Show>
        </header>
    }
}

/// What Copy link says it copied: the scenario and seed, the live changes
/// it carries, and where to jump for the numbers on screen now (`at`).
pub(crate) fn copied_words(changes: usize, at: &str) -> String {
    let carried = match changes {
        0 => String::new(),
        1 => " and the live change made during the run, at the simulated time it was made".into(),
        n => format!(
            " and the {n} live changes made during the run, each at the simulated time it was made"
        ),
    };
    format!(
        "Link copied: it opens this scenario with the same seed{carried}. Jump to {at} there for the numbers shown now."
    )
}

/// The first sentence of `text` (up to a full stop followed by a space),
/// or all of it when it has one sentence.
pub(crate) fn first_sentence(text: &str) -> String {
    let text = text.trim();
    match text.find(". ") {
        Some(end) => text[..=end].to_string(),
        None => text.to_string(),
    }
}

/// Opens one of the scenarios shipped with the app.
#[component]
fn ScenarioPicker() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    let editor = expect_context::<crate::editor::Editor>();
    let options = sim_core::BUNDLED_SCENARIOS
        .iter()
        .enumerate()
        .filter_map(|(i, (_, json))| {
            let valid = sim_core::load_scenario(json).ok()?;
            let name = valid.scenario().name.clone();
            Some(view! { <option value=i.to_string()>{name}</option> })
        })
        .collect_view();
    let open = move |value: String| {
        let Some((_, json)) =
            value.parse::<usize>().ok().and_then(|i| sim_core::BUNDLED_SCENARIOS.get(i))
        else {
            return;
        };
        match sim_core::load_scenario(json) {
            Ok(valid) => editor.open(valid),
            Err(issues) => ctx.tell(format!("This scenario failed to load: {}", issues[0]), true),
        }
    };
    view! {
        <select
            id="scenario-picker"
            class="scenario-picker"
            data-testid="scenario-picker"
            title="Open a scenario that ships with Shardplay"
            on:change:target=move |ev| {
                let value = ev.target().value();
                ev.target().set_value("");
                open(value);
            }
        >
            <option value="" selected>
                "Open another…"
            </option>
            {options}
        </select>
    }
}

#[cfg(test)]
mod tests {
    use super::first_sentence;

    #[test]
    fn copy_link_says_what_the_link_carries() {
        use super::copied_words;
        assert_eq!(
            copied_words(0, "00:02:35"),
            "Link copied: it opens this scenario with the same seed. Jump to 00:02:35 there for the numbers shown now."
        );
        assert!(copied_words(1, "00:03:46").contains("and the live change made during the run"));
        assert!(copied_words(3, "00:03:46").contains("and the 3 live changes made during the run"));
    }

    #[test]
    fn the_story_is_the_first_sentence_of_the_description() {
        assert_eq!(first_sentence("One shard throttles. The other idles."), "One shard throttles.");
        assert_eq!(
            first_sentence("  2,000 clicks/s into 2 shards.  "),
            "2,000 clicks/s into 2 shards."
        );
        assert_eq!(first_sentence(""), "");
        // A decimal point is no sentence end.
        assert_eq!(
            first_sentence("1.5 MiB/s for 30 minutes. Then more."),
            "1.5 MiB/s for 30 minutes."
        );
    }
}
