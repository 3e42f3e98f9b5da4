fn main() {
    // The same wasm runs the engine's Web Worker (public/engine-worker.js):
    // there it hosts the engine and mounts nothing.
    if app::worker::in_worker() {
        app::worker::start();
        return;
    }
    app::recovery::install();
    leptos::mount::mount_to_body(app::App);
}
