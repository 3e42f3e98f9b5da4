//! A dismissible message bar for restarts and refused changes.

use leptos::prelude::*;

use crate::state::SimCtx;

/// Shows the current notice, if any.
#[component]
pub fn NoticeBar() -> impl IntoView {
    let ctx = expect_context::<SimCtx>();
    move || {
        ctx.screen.notice.get().map(|n| {
            let class = if n.is_error { "notice error" } else { "notice info" };
            let role = if n.is_error { "alert" } else { "status" };
            view! {
                <div class=class role=role data-testid="notice">
                    <span>{n.text}</span>
                    {n.more.map(|(words, href)| view! {
                        <a href=href target="_blank" rel="noopener" data-testid="notice-more">{words}</a>
                    })}
                    <button class="ghost" aria-label="Dismiss" on:click=move |_| ctx.screen.notice.set(None)>
                        "✕"
                    </button>
                </div>
            }
        })
    }
}
