//! Writing results safely. Every write's error is handled: a closed pipe
//! ends the command quietly, anything else is an error naming the file.
//! Text people read has the control characters a scenario could carry
//! escaped, so a shared file cannot retitle or clear the terminal, and long
//! quoted values in messages are shortened.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use sim_core::units::format_number;

use crate::Failure;

/// Where output goes: standard output or a file, named in errors.
pub struct Sink {
    name: String,
    out: Box<dyn Write>,
}

impl Sink {
    pub fn stdout() -> Sink {
        Sink { name: "standard output".into(), out: Box::new(std::io::stdout().lock()) }
    }

    /// Creates (or empties) the file now, so a missing directory is reported
    /// before any work is done.
    pub fn create(path: &Path) -> Result<Sink, Failure> {
        let name = path.display().to_string();
        match File::create(path) {
            Ok(file) => Ok(Sink { name, out: Box::new(BufWriter::new(file)) }),
            Err(error) => Err(Failure::Write { file: name, error }),
        }
    }

    /// The file if one is given, standard output otherwise.
    pub fn file_or_stdout(path: Option<&Path>) -> Result<Sink, Failure> {
        path.map_or_else(|| Ok(Sink::stdout()), Sink::create)
    }

    /// Text for people, control characters escaped.
    pub fn text(&mut self, text: &str) -> Result<(), Failure> {
        self.data(&printable(text))
    }

    /// JSON, safe to print (see [`json_safe`]).
    pub fn json(&mut self, json: &str) -> Result<(), Failure> {
        self.data(&json_safe(json))
    }

    /// Data in a stable format (CSV), as it is.
    pub fn data(&mut self, data: &str) -> Result<(), Failure> {
        self.out.write_all(data.as_bytes()).map_err(|error| self.failed(error))
    }

    /// Sends what is buffered on (a row someone is waiting for, or the end
    /// of the output); an error here is the file's like any other.
    pub fn flush(&mut self) -> Result<(), Failure> {
        self.out.flush().map_err(|error| self.failed(error))
    }

    fn failed(&self, error: std::io::Error) -> Failure {
        Failure::Write { file: self.name.clone(), error }
    }
}

/// Refuses, before any work, to write into a directory that is not there.
pub fn check_directory(path: &Path) -> Result<(), Failure> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if dir.is_dir() {
        return Ok(());
    }
    Err(Failure::Write {
        file: path.display().to_string(),
        error: std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("there is no directory {}", dir.display()),
        ),
    })
}

/// A line for people on standard error (progress, summaries, errors). If
/// standard error cannot be written there is nowhere left to say so.
pub fn note(line: &str) {
    let _ = writeln!(std::io::stderr(), "{}", printable(line));
}

/// `text` with every control character but the line break escaped as
/// Rust writes it (`\u{1b}`), and the marks that reverse text direction too.
pub fn printable(text: &str) -> Cow<'_, str> {
    escape(text, |c| c == '\n')
}

/// One line of scenario text (a name), line breaks escaped as well.
pub fn one_line(text: &str) -> Cow<'_, str> {
    escape(text, |_| false)
}

/// The same JSON document with the characters serde leaves raw in
/// strings but a terminal may obey (DEL, C1 controls such as the one-byte
/// CSI, direction marks) escaped as `\u009b`.
pub fn json_safe(json: &str) -> Cow<'_, str> {
    // serde escapes C0 controls in strings: any left are its line breaks.
    let raw = |c: char| c == '\u{7f}' || (!c.is_ascii() && is_terminal_control(c));
    if !json.chars().any(raw) {
        return Cow::Borrowed(json);
    }
    let mut safe = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if raw(c) {
            safe.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            safe.push(c);
        }
    }
    Cow::Owned(safe)
}

/// Control characters and the marks that reverse text direction.
fn is_terminal_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escape(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    let unsafe_char = |c: char| !keep(c) && is_terminal_control(c);
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Longest quoted value a message shows whole, in characters.
const QUOTE_CHARS: usize = 80;
/// How much of a longer one it shows.
const QUOTE_HEAD_CHARS: usize = 60;

/// `message` with every quoted value (`"..."`, as `{:?}` writes one, or
/// `` `...` ``, as serde does) longer than 80 characters cut to its start,
/// an ellipsis and its length: `"aaaa…" (5,000 characters)`.
pub fn shorten_quotes(message: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut rest = message;
    let mut changed = false;
    while let Some(open) = rest.find(['"', '`']) {
        let quote = rest[open..].chars().next().unwrap_or('"');
        let inner_start = open + 1;
        let inner_len = quoted_len(&rest[inner_start..], quote);
        let inner = &rest[inner_start..inner_start + inner_len];
        let close_len = rest[inner_start + inner_len..].chars().next().map_or(0, char::len_utf8);
        out.push_str(&rest[..inner_start]);
        let chars = inner.chars().count();
        if chars > QUOTE_CHARS {
            changed = true;
            out.extend(inner.chars().take(QUOTE_HEAD_CHARS));
            out.push('…');
            out.push_str(&rest[inner_start + inner_len..inner_start + inner_len + close_len]);
            out.push_str(&format!(" ({} characters)", format_number(chars as f64)));
        } else {
            out.push_str(&rest[inner_start..inner_start + inner_len + close_len]);
        }
        rest = &rest[inner_start + inner_len + close_len..];
    }
    if !changed {
        return Cow::Borrowed(message);
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Bytes up to the closing `quote` (past `\"` inside a `"`), or to the
/// end when it never closes.
fn quoted_len(text: &str, quote: char) -> usize {
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            '\\' if quote == '"' && !escaped => escaped = true,
            c if c == quote && !escaped => return i,
            _ => escaped = false,
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_line_breaks_kept() {
        let hostile = "x\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}y\u{202e}z\n";
        assert_eq!(printable(hostile), "x\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{9b}y\\u{202e}z\n");
        assert_eq!(one_line("a\nb\tc"), "a\\u{a}b\\u{9}c");
        assert!(matches!(printable("plain text, – ümlaut"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_keeps_its_meaning_with_terminal_controls_escaped() {
        let name = "a\u{1b}[2J\u{7f}\u{9b}31m\u{202e}b\nc";
        let json = serde_json::to_string(&serde_json::json!({ "name": name })).unwrap();
        let safe = json_safe(&json);
        assert!(!safe.chars().any(is_terminal_control), "{safe}");
        assert!(safe.contains(r"\u001b[2J\u007f\u009b31m\u202eb\nc"), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["name"], name);
        let plain = serde_json::to_string_pretty(&serde_json::json!({ "a": [1, "b"] })).unwrap();
        assert!(matches!(json_safe(&plain), Cow::Borrowed(_)), "pretty JSON's line breaks stay");
    }

    #[test]
    fn long_quoted_values_are_cut_with_their_length() {
        let long = "a".repeat(5_000);
        let message = format!("no node has id {long:?}; unknown variant `{long}`, expected x");
        let short = shorten_quotes(&message);
        let head = "a".repeat(60);
        assert_eq!(
            short,
            format!(
                "no node has id \"{head}…\" (5,000 characters); unknown variant `{head}…` \
                 (5,000 characters), expected x"
            )
        );
        let fine = r#"no node has id "ghost" and "a \"quoted\" one""#;
        assert!(matches!(shorten_quotes(fine), Cow::Borrowed(_)));
        let unclosed = format!("bad value \"{long}");
        assert!(shorten_quotes(&unclosed).ends_with("… (5,000 characters)"), "it runs to the end");
        let multibyte = format!("\"{}\"", "é".repeat(100));
        assert!(shorten_quotes(&multibyte).contains("(100 characters)"));
    }
}
