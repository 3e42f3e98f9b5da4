//! Names sanitised to each tool's rules: CloudFormation logical ids
//! (alphanumeric), Terraform resource names (letters, digits, `_`, `-`,
//! not starting with a digit) and AWS resource names (per service), with
//! collisions made unique in template order.

use std::collections::BTreeMap;

/// CloudFormation logical ids and Terraform names for every key of a
/// template, unique within each tool.
#[derive(Debug, Default)]
pub struct Names {
    cfn: BTreeMap<String, String>,
    tf: BTreeMap<String, String>,
}

impl Names {
    /// Names for `keys`, in order; a later key whose name is taken gets
    /// `2`, `3`... appended.
    pub fn new<'a>(keys: impl IntoIterator<Item = &'a str>) -> Names {
        let mut names = Names::default();
        for key in keys {
            let cfn = unique(logical_id(key), names.cfn.values());
            let tf = unique(tf_name(key), names.tf.values());
            names.cfn.insert(key.to_string(), cfn);
            names.tf.insert(key.to_string(), tf);
        }
        names
    }

    /// The CloudFormation logical id of `key` (sanitised afresh if unknown).
    pub fn cfn(&self, key: &str) -> String {
        self.cfn.get(key).cloned().unwrap_or_else(|| logical_id(key))
    }

    /// The Terraform name of `key` (sanitised afresh if unknown).
    pub fn tf(&self, key: &str) -> String {
        self.tf.get(key).cloned().unwrap_or_else(|| tf_name(key))
    }
}

fn unique<'a>(base: String, taken: impl Iterator<Item = &'a String> + Clone) -> String {
    let mut candidate = base.clone();
    let mut n = 2;
    while taken.clone().any(|t| *t == candidate) {
        candidate = format!("{base}{n}");
        n += 1;
    }
    candidate
}

/// A CloudFormation logical id: the key's words in PascalCase, letters and
/// digits only, starting with a letter, at most 255 characters.
pub fn logical_id(key: &str) -> String {
    let mut id = String::new();
    for word in key.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            id.push(first.to_ascii_uppercase());
            id.extend(chars);
        }
    }
    if !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
        id.insert(0, 'R');
    }
    id.truncate(255);
    id
}

/// A Terraform resource or variable name: lower case, `_` between words,
/// starting with a letter.
pub fn tf_name(key: &str) -> String {
    let words: Vec<String> = key
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_lowercase())
        .collect();
    let mut name = words.join("_");
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert_str(0, "r_");
    }
    name
}

/// An AWS resource name: letters, digits, `-` and `_` only (others become
/// `-`), at most `max` characters, never empty. Streams, delivery streams,
/// queues and functions all accept this alphabet.
pub fn aws_name(id: &str, max: usize) -> String {
    let mut name: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .collect();
    if name.is_empty() {
        name.push_str("shardplay");
    }
    name.truncate(max);
    name
}

/// An S3 bucket name: lower case letters, digits and `-`, 3 to 63
/// characters, starting and ending with a letter or digit. Bucket names
/// are global, so the exporter leaves them to CloudFormation and Terraform
/// unless asked; this is for prefixes.
pub fn bucket_prefix(id: &str) -> String {
    let mut name: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect();
    name = name.trim_matches('-').to_string();
    name.truncate(30);
    let name = name.trim_end_matches('-').to_string();
    if name.len() < 3 {
        format!("shardplay-{name}").trim_end_matches('-').to_string()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_each_tools_alphabet() {
        assert_eq!(logical_id("clicks-stream/role"), "ClicksStreamRole");
        assert_eq!(logical_id("9lives"), "R9lives");
        assert_eq!(tf_name("Clicks-Stream/role"), "clicks_stream_role");
        assert_eq!(tf_name("9lives"), "r_9lives");
        assert_eq!(aws_name("orders queue.v2", 80), "orders-queue-v2");
        assert_eq!(aws_name("", 80), "shardplay");
        assert_eq!(aws_name(&"a".repeat(100), 64).len(), 64);
        assert_eq!(bucket_prefix("My_Bucket!"), "my-bucket");
    }

    #[test]
    fn colliding_keys_get_distinct_names_in_order() {
        let names = Names::new(["a-b", "a_b", "aB"]);
        assert_eq!(names.cfn("a-b"), "AB");
        assert_eq!(names.cfn("a_b"), "AB2");
        assert_eq!(names.tf("a-b"), "a_b");
        assert_eq!(names.tf("a_b"), "a_b2");
        assert_eq!(names.tf("aB"), "ab");
    }
}
