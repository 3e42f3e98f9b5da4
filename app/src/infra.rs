//! The page's end of the infrastructure-code module (`src/bin/infra.rs`): the
//! export to CloudFormation or Terraform and the import of CloudFormation
//! templates live in a wasm module of their own, which `public/boot.js`
//! downloads the first time either is used, so a first visit does not (it is
//! about 120 KB of the app's gzipped download; docs/performance.md,
//! "Download"). The service worker keeps it for offline use. Text crosses:
//! a scenario file's JSON one way, a template the other.

use js_sys::{Function, Promise, Reflect};
use sim_core::Scenario;
use sim_core::infra::Format;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The pipeline a template describes, and what the import had to say.
#[derive(Debug)]
pub struct Imported {
    pub scenario: Scenario,
    /// What the template does not say and the import assumed.
    pub assumptions: Vec<String>,
    /// Resources not simulated, as "Id (AWS::Type)".
    pub skipped: Vec<String>,
    /// What came back from a Shardplay export's own scenario, in words.
    pub restored: Option<String>,
}

/// `doc` as infrastructure code in `format`, or why not, in words.
pub async fn export(doc: &Scenario, format: Format) -> Result<String, String> {
    let json = serde_json::to_string(&doc.stamped()).map_err(|e| e.to_string())?;
    call("export_template", &[&json, format.as_str()]).await
}

/// A CloudFormation template's text as the pipeline it describes, or why
/// it cannot be imported, in words.
pub async fn import(template: &str) -> Result<Imported, String> {
    let reply = call("import_template", &[template]).await?;
    let reply: serde_json::Value = serde_json::from_str(&reply).map_err(|e| e.to_string())?;
    let scenario = sim_core::parse_scenario(&reply["scenario"].to_string())
        .map_err(|issues| sim_core::plain::summarize(&issues))?;
    let strings = |key: &str| -> Vec<String> {
        let list = reply[key].as_array().map(Vec::as_slice).unwrap_or_default();
        list.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect()
    };
    Ok(Imported {
        scenario,
        assumptions: strings("assumptions"),
        skipped: strings("skipped"),
        restored: reply["restored"].as_str().map(str::to_owned),
    })
}

/// Calls the module's function `name` with text arguments, for its text.
async fn call(name: &str, args: &[&str]) -> Result<String, String> {
    let module = module().await?;
    let function = Reflect::get(&module, &JsValue::from_str(name))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or_else(|| format!("the infrastructure module has no {name}"))?;
    let args: js_sys::Array = args.iter().map(|a| JsValue::from_str(a)).collect();
    let reply = function.apply(&JsValue::NULL, &args).map_err(|e| words(&e))?;
    reply.as_string().ok_or_else(|| format!("the infrastructure module's {name} gave no text"))
}

/// The module's exports, downloaded and started by `boot.js` on the first call.
async fn module() -> Result<JsValue, String> {
    const LOADER: &str = "shardplayInfra";
    let load = Reflect::get(&js_sys::global(), &JsValue::from_str(LOADER))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or(
            "this page cannot load the infrastructure module (public/boot.js did not start it)",
        )?;
    let promise = load.call0(&JsValue::NULL).map_err(|e| words(&e))?;
    let promise = promise.dyn_into::<Promise>().map_err(|_| "the loader gave no promise")?;
    JsFuture::from(promise).await.map_err(|e| words(&e))
}

/// A thrown value in words: a module's refusal is a string, a failed
/// download an `Error`.
fn words(thrown: &JsValue) -> String {
    thrown
        .as_string()
        .or_else(|| thrown.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())))
        .unwrap_or_else(|| "the infrastructure module failed".to_owned())
}
