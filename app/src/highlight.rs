//! A small syntax highlighter for the export preview: comments, strings,
//! keys, intrinsic functions and numbers, line by line. Pure (no DOM), so
//! it is tested natively; it knows just enough of YAML, JSON and HCL to
//! colour what Shardplay's exports contain.

/// What a piece of text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    /// Plain text.
    Plain,
    /// A comment to the end of the line.
    Comment,
    /// A quoted string.
    Str,
    /// A key (a YAML or JSON key, an HCL argument or block name).
    Key,
    /// A CloudFormation tag (`!Ref`) or an HCL keyword (`resource`).
    Keyword,
    /// A number or a boolean.
    Literal,
}

impl Token {
    /// The CSS class of the token.
    pub fn class(self) -> &'static str {
        match self {
            Token::Plain => "hl-plain",
            Token::Comment => "hl-comment",
            Token::Str => "hl-string",
            Token::Key => "hl-key",
            Token::Keyword => "hl-keyword",
            Token::Literal => "hl-literal",
        }
    }
}

const KEYWORDS: [&str; 5] = ["resource", "variable", "data", "terraform", "jsonencode"];

/// One line's tokens, in order; their texts concatenate to the line.
pub fn line(text: &str) -> Vec<(Token, String)> {
    let mut out: Vec<(Token, String)> = Vec::new();
    let mut push = |t: Token, s: &str| {
        if s.is_empty() {
            return;
        }
        match out.last_mut() {
            Some((last, text)) if *last == t => text.push_str(s),
            _ => out.push((t, s.to_string())),
        }
    };
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    let at = |k: usize| chars.get(k).map_or(text.len(), |(b, _)| *b);
    while i < chars.len() {
        let (start, c) = chars[i];
        if c == '#' {
            push(Token::Comment, &text[start..]);
            break;
        }
        if c == '"' {
            let mut j = i + 1;
            while j < chars.len() && chars[j].1 != '"' {
                j += if chars[j].1 == '\\' { 2 } else { 1 };
            }
            let end = at(j + 1);
            // A quoted key: followed by `:` (JSON, YAML).
            let is_key = text[end.min(text.len())..].trim_start().starts_with(':');
            push(if is_key { Token::Key } else { Token::Str }, &text[start..end.min(text.len())]);
            i = j + 1;
            continue;
        }
        if c == '!' && chars.get(i + 1).is_some_and(|(_, n)| n.is_ascii_alphabetic()) {
            let mut j = i + 1;
            while j < chars.len() && chars[j].1.is_ascii_alphanumeric() {
                j += 1;
            }
            push(Token::Keyword, &text[start..at(j)]);
            i = j;
            continue;
        }
        if c.is_ascii_alphanumeric()
            || c == '_'
            || c == '-' && chars.get(i + 1).is_some_and(|(_, n)| n.is_ascii_digit())
        {
            let mut j = i + 1;
            while j < chars.len()
                && (chars[j].1.is_ascii_alphanumeric() || "_.-".contains(chars[j].1))
            {
                j += 1;
            }
            let word = &text[start..at(j)];
            let rest = text[at(j)..].trim_start();
            let first_on_line =
                text[..start].trim().is_empty() || text[..start].trim_end().ends_with('-');
            let token = if word.parse::<f64>().is_ok() || word == "true" || word == "false" {
                Token::Literal
            } else if KEYWORDS.contains(&word) && first_on_line {
                Token::Keyword
            } else if first_on_line
                && (rest.starts_with(':') || rest.starts_with('=') || rest.starts_with('{'))
            {
                Token::Key
            } else {
                Token::Plain
            };
            push(token, word);
            i = j;
            continue;
        }
        push(Token::Plain, &text[start..at(i + 1)]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Token::*;
    use super::*;

    fn kinds(text: &str) -> Vec<(Token, &str)> {
        let tokens = line(text);
        let joined: String = tokens.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(joined, text, "tokens cover the line");
        tokens.into_iter().filter(|(t, _)| *t != Plain).map(|(t, s)| (t, &*s.leak())).collect()
    }

    #[test]
    fn yaml_keys_tags_strings_and_comments() {
        assert_eq!(kinds("  ShardCount: 2"), vec![(Key, "ShardCount"), (Literal, "2")]);
        assert_eq!(kinds("  Role: !GetAtt FnRole.Arn"), vec![(Key, "Role"), (Keyword, "!GetAtt")]);
        assert_eq!(kinds("# Exported by Shardplay"), vec![(Comment, "# Exported by Shardplay")]);
        assert_eq!(kinds("  - \"sqs:SendMessage\""), vec![(Str, "\"sqs:SendMessage\"")]);
    }

    #[test]
    fn json_and_hcl() {
        assert_eq!(
            kinds("  \"Type\": \"AWS::SQS::Queue\","),
            vec![(Key, "\"Type\""), (Str, "\"AWS::SQS::Queue\"")]
        );
        assert_eq!(
            kinds("resource \"aws_sqs_queue\" \"jobs\" {"),
            vec![(Keyword, "resource"), (Str, "\"aws_sqs_queue\""), (Str, "\"jobs\"")]
        );
        assert_eq!(kinds("  shard_count = 2"), vec![(Key, "shard_count"), (Literal, "2")]);
        assert_eq!(
            kinds("  maximum_retry_attempts = -1"),
            vec![(Key, "maximum_retry_attempts"), (Literal, "-1")]
        );
        assert_eq!(
            kinds("  name = \"a \\\" b\" # x"),
            vec![(Key, "name"), (Str, "\"a \\\" b\""), (Comment, "# x")]
        );
    }
}
