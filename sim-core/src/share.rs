//! Shareable links: the whole scenario in a URL fragment,
//! `#s=<base64url(deflate(json))>`. Decoding is an entry point for untrusted
//! input: it is size-limited at every stage and never panics.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::scenario::Scenario;
use crate::validate::{Issue, MAX_SCENARIO_BYTES, parse_scenario};

/// Longest fragment accepted, in characters (browsers accept far longer
/// URLs; no real scenario compresses to anywhere near this).
pub const MAX_FRAGMENT_CHARS: usize = 256 * 1024;

/// The fragment key that carries a scenario.
pub const SCENARIO_KEY: &str = "s";

/// Encodes a scenario as a fragment (without the leading `#`): `s=...`.
pub fn encode_fragment(scenario: &Scenario) -> String {
    // A link shares what is on screen, which runs under this model.
    let json = serde_json::to_vec(&scenario.stamped()).expect("a scenario always serialises");
    let deflated = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!("{SCENARIO_KEY}={}", URL_SAFE_NO_PAD.encode(deflated))
}

/// The fragment of a share link as people pass it on: a whole address
/// (`https://.../#s=...`, whose fragment may be empty), the fragment
/// (`#s=...`) or its value (`s=...`). `None` for anything else, such as a
/// file name.
pub fn link_fragment(text: &str) -> Option<&str> {
    let text = text.trim();
    let is_address = ["http://", "https://"]
        .iter()
        .any(|scheme| text.get(..scheme.len()).is_some_and(|s| s.eq_ignore_ascii_case(scheme)));
    if is_address {
        return Some(text.split_once('#').map_or("", |(_, fragment)| fragment));
    }
    let is_fragment = text.starts_with('#') || text.starts_with(&format!("{SCENARIO_KEY}="));
    is_fragment.then_some(text)
}

/// Whether a fragment (with or without `#`) carries a scenario at all.
pub fn has_scenario(fragment: &str) -> bool {
    scenario_value(fragment).is_some()
}

fn scenario_value(fragment: &str) -> Option<&str> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    fragment.split('&').find_map(|part| part.strip_prefix(SCENARIO_KEY)?.strip_prefix('='))
}

fn link_issue(message: impl Into<String>) -> Vec<Issue> {
    vec![Issue { path: "link".into(), message: message.into() }]
}

/// Decodes the scenario in a fragment such as `#s=...`. Every failure says
/// what was wrong with the link; a valid JSON document with bad values gets
/// the usual field-by-field issues.
pub fn decode_fragment(fragment: &str) -> Result<Scenario, Vec<Issue>> {
    let Some(value) = scenario_value(fragment) else {
        return Err(link_issue("the link carries no scenario (expected #s=...)"));
    };
    if value.len() > MAX_FRAGMENT_CHARS {
        return Err(link_issue(format!(
            "the scenario in the link is {} characters long; the limit is {MAX_FRAGMENT_CHARS}",
            value.len()
        )));
    }
    let deflated = URL_SAFE_NO_PAD.decode(value.trim_end_matches('=')).map_err(|_| {
        link_issue("the link is damaged: its scenario is not valid base64url (was it cut short or edited?)")
    })?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, MAX_SCENARIO_BYTES)
        .map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => link_issue(format!(
                "the scenario in the link unpacks to more than {MAX_SCENARIO_BYTES} bytes, the limit"
            )),
            _ => link_issue("the link is damaged: its scenario does not unpack (was it cut short?)"),
        })?;
    let text = String::from_utf8(json)
        .map_err(|_| link_issue("the link is damaged: its scenario is not text"))?;
    parse_scenario(&text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DEFAULT_SCENARIO;

    #[test]
    fn a_scenario_survives_the_round_trip() {
        let scenario = parse_scenario(DEFAULT_SCENARIO).unwrap();
        let fragment = encode_fragment(&scenario);
        assert!(fragment.starts_with("s="));
        assert!(fragment.len() < 1_500, "compressed: {} characters", fragment.len());
        assert_eq!(decode_fragment(&format!("#{fragment}")).unwrap(), scenario);
        assert_eq!(decode_fragment(&format!("x=1&{fragment}&y=2")).unwrap(), scenario);
    }

    #[test]
    fn a_link_is_recognised_whole_as_a_fragment_or_as_its_value() {
        let fragment = encode_fragment(&parse_scenario(DEFAULT_SCENARIO).unwrap());
        let address = format!("https://example.org/shardplay/#{fragment}");
        for given in [address.as_str(), &format!("#{fragment}"), &fragment] {
            let found = link_fragment(given).unwrap_or_else(|| panic!("{given}"));
            assert!(decode_fragment(found).is_ok(), "{given}");
        }
        assert_eq!(link_fragment("HTTPS://example.org/"), Some(""));
        assert!(decode_fragment("").unwrap_err()[0].message.contains("carries no scenario"));
        for path in ["scenario.json", "./s=1.json", "-", "dir/#s=x"] {
            assert_eq!(link_fragment(path), None, "{path}");
        }
    }

    #[test]
    fn broken_links_say_what_is_wrong() {
        let fragment = encode_fragment(&parse_scenario(DEFAULT_SCENARIO).unwrap());
        let message = |f: &str| decode_fragment(f).unwrap_err()[0].to_string();
        assert!(message("#other=1").contains("carries no scenario"));
        assert!(message("#s=not*base64").contains("not valid base64url"));
        assert!(message(&fragment[..fragment.len() / 2]).contains("the link is damaged"));
        assert!(message(&fragment[..fragment.len() - 8]).contains("the link is damaged"));
        let huge = format!("s={}", "A".repeat(MAX_FRAGMENT_CHARS + 1));
        assert!(message(&huge).contains("the limit is"));
    }

    #[test]
    fn a_decompression_bomb_is_refused() {
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; 4 * MAX_SCENARIO_BYTES], 9);
        let fragment = format!("s={}", URL_SAFE_NO_PAD.encode(bomb));
        assert!(fragment.len() < 20_000);
        assert!(
            decode_fragment(&fragment).unwrap_err()[0].message.contains("unpacks to more than")
        );
    }

    #[test]
    fn newer_versions_and_bad_values_are_reported_as_for_files() {
        let mut scenario = parse_scenario(DEFAULT_SCENARIO).unwrap();
        scenario.v = 99;
        let issues = decode_fragment(&encode_fragment(&scenario)).unwrap_err();
        assert!(issues[0].message.contains("newer than this build"));
    }
}
