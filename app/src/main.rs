fn main() {
    app::recovery::install();
    leptos::mount::mount_to_body(app::App);
}
