//! Names the SDKs give to tags and operations: the resource group a tag
//! becomes (`End Users` → `end_users`) and the short method name of an
//! operation inside its group (`ListEndUsers` → `list`).
//!
//! The rule strips the tag's own nouns from the operationId; a few
//! operations read better with a hand-picked name, listed in [`OVERRIDES`].

/// operationId → method name, where the rule's result reads badly or clashes.
const OVERRIDES: &[(&str, &str)] = &[
    ("CloneProject", "clone_project"),
    ("CloneEnvironment", "clone_environment"),
    ("ListProjectVersions", "list"),
    ("CreateProjectVersion", "create"),
    ("ListUserActivations", "list_for_user"),
    ("ListProjectConnectionTemplates", "list"),
    ("ListProjectNotifications", "list"),
    ("CreateProjectNotification", "create"),
    ("DeleteProjectNotification", "delete"),
    ("ListEnvironmentConnections", "list_for_environment"),
    ("InitialiseOAuth2Connection", "initialise_oauth2"),
    ("InitialiseOAuth1Connection", "initialise_oauth1"),
    ("GetOrganisationMetricsSummary", "organisation_summary"),
    ("GetProjectMetricsSummary", "project_summary"),
];

/// Splits PascalCase into words, keeping acronyms together (`GetKV` → `Get`, `KV`).
pub fn words(id: &str) -> Vec<String> {
    let chars: Vec<char> = id.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let boundary = c.is_ascii_uppercase()
            && !cur.is_empty()
            && (prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
                || next.is_some_and(|n| n.is_ascii_lowercase()));
        if boundary {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `snake_case` of an operationId (`GetKV` → `get_kv`), as progenitor and the
/// Python package name methods.
pub fn snake(id: &str) -> String {
    words(id)
        .iter()
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join("_")
}

/// `PascalCase` of an operationId, schema name, tag or snake-case name, as
/// progenitor and typify spell type names: the words of each part (split at
/// spaces and `_`), each capitalised with the rest in lower case (`GetKV` →
/// `GetKv`, `end_users` → `EndUsers`, `Connection Templates` →
/// `ConnectionTemplates`, `get` → `Get`).
pub fn pascal(name: &str) -> String {
    name.split([' ', '_'])
        .flat_map(words)
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect()
}

/// The group of a tag: its words in snake case (`Connection Templates` →
/// `connection_templates`).
pub fn group(tag: &str) -> String {
    tag.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("_")
}

/// `(group, method)` for an operation of `tag`.
pub fn group_and_method(tag: &str, id: &str) -> (String, String) {
    let group = group(tag);
    if let Some((_, name)) = OVERRIDES.iter().find(|(op, _)| *op == id) {
        return (group, (*name).to_string());
    }
    let nouns: Vec<String> = tag
        .split_whitespace()
        .flat_map(|w| {
            let w = w.to_string();
            let singular = w.strip_suffix('s').map(String::from);
            std::iter::once(w).chain(singular)
        })
        .collect();
    let all = words(id);
    let kept: Vec<String> = all
        .iter()
        .filter(|w| !nouns.iter().any(|n| n.eq_ignore_ascii_case(w)))
        .map(|w| w.to_lowercase())
        .collect();
    let method = if kept.is_empty() {
        snake(id)
    } else {
        kept.join("_")
    };
    (group, method)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_acronyms_together() {
        assert_eq!(words("GetKV"), ["Get", "KV"]);
        assert_eq!(words("BatchSetKV"), ["Batch", "Set", "KV"]);
        assert_eq!(
            words("InitialiseOAuth2Connection"),
            ["Initialise", "O", "Auth2", "Connection"]
        );
        assert_eq!(snake("ListEndUsers"), "list_end_users");
        assert_eq!(snake("GetKV"), "get_kv");
    }

    #[test]
    fn methods_drop_the_tags_nouns() {
        assert_eq!(
            group_and_method("End Users", "ListEndUsers"),
            ("end_users".into(), "list".into())
        );
        assert_eq!(
            group_and_method("Projects", "SetProjectVariablesSchema").1,
            "set_variables_schema"
        );
        assert_eq!(
            group_and_method("KV Store", "BatchGetKV"),
            ("kv_store".into(), "batch_get".into())
        );
        assert_eq!(
            group_and_method("Activations", "ActivateUser").1,
            "activate_user"
        );
        assert_eq!(
            group_and_method("Projects", "CloneProject").1,
            "clone_project"
        );
    }
}
