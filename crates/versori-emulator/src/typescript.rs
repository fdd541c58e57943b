//! What the emulator reads from a project's TypeScript files: the workflows
//! they declare. Versori projects declare them with calls such as
//! `schedule('nightly-sync', '0 2 * * *')` and `webhook('orders')`; the
//! emulator recognises those two forms (single, double or back quotes) to
//! create an environment's schedulers on deployment and the test
//! container's triggers.

use versori_core::types;

/// A workflow declared in the files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Declared {
    /// `schedule(name, cron)`.
    Schedule {
        /// The workflow's name.
        name: String,
        /// Its cron expression.
        cron: String,
    },
    /// `webhook(name)`.
    Webhook {
        /// The workflow's name.
        name: String,
    },
}

impl Declared {
    /// The workflow's name.
    pub fn name(&self) -> &str {
        match self {
            Declared::Schedule { name, .. } | Declared::Webhook { name } => name,
        }
    }
}

/// A string literal at the start of `s` (after whitespace): its text and the rest.
fn literal(s: &str) -> Option<(&str, &str)> {
    let s = s.trim_start();
    let quote = s.chars().next().filter(|c| matches!(c, '\'' | '"' | '`'))?;
    let body = &s[1..];
    let end = body.find(quote)?;
    let rest = &body[end + 1..];
    // an argument ends at `,` or `)`; anything else means we misread the call
    rest.trim_start()
        .starts_with([',', ')'])
        .then_some((&body[..end], rest))
}

/// Every `schedule(...)` and `webhook(...)` in `files`, in file order, each
/// name once (the first declaration wins).
pub fn declared(files: &[types::File]) -> Vec<Declared> {
    let mut out: Vec<Declared> = Vec::new();
    for file in files {
        let text = file.content.as_str();
        let mut rest = text;
        while let Some(at) = rest.find(['s', 'w']) {
            let tail = &rest[at..];
            let boundary = rest[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '.'));
            let found = if !boundary {
                None
            } else if let Some(args) = tail.strip_prefix("schedule(") {
                literal(args).and_then(|(name, after)| {
                    let after = after.trim_start().strip_prefix(',')?;
                    let (cron, _) = literal(after)?;
                    Some(Declared::Schedule {
                        name: name.to_string(),
                        cron: cron.to_string(),
                    })
                })
            } else if let Some(args) = tail.strip_prefix("webhook(") {
                literal(args).map(|(name, _)| Declared::Webhook {
                    name: name.to_string(),
                })
            } else {
                None
            };
            if let Some(d) = found {
                if !d.name().is_empty() && out.iter().all(|o| o.name() != d.name()) {
                    out.push(d);
                }
            }
            rest = &tail[1..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(content: &str) -> types::File {
        types::File {
            filename: "index.ts".into(),
            content: content.into(),
        }
    }

    #[test]
    fn finds_schedules_and_webhooks() {
        let files = [file(
            "export const a = schedule('nightly', \"0 2 * * *\").then(x);\n\
             const b = webhook(`orders`, { response: { mode: 'sync' } });\n\
             const c = myschedule('ignored', '* * * * *');\n\
             const d = schedule('nightly', '5 * * * *');",
        )];
        assert_eq!(
            declared(&files),
            vec![
                Declared::Schedule {
                    name: "nightly".into(),
                    cron: "0 2 * * *".into()
                },
                Declared::Webhook {
                    name: "orders".into()
                },
            ]
        );
    }

    #[test]
    fn ignores_malformed_declarations() {
        let files = [file(
            "schedule(name, '* * * * *'); webhook('unterminated); schedule('x')",
        )];
        assert!(declared(&files).is_empty());
    }
}
