//! Responses: a typed entity of the state as the platform sends it.
//!
//! The state holds the generated types of `versori-core`, and every entity
//! a handler answers with goes through [`json`] (one entity) or [`array`]
//! (several). Serializing a generated type is almost the platform's form:
//! the one difference is that the generated types leave an optional list
//! out when it is empty (`skip_serializing_if = "Vec::is_empty"`), while
//! the platform sends some of them as `[]`. Which ones is declared here,
//! once per type ([`Wire::ALWAYS`]), and [`json`] fills them in. A member
//! the spec requires (an issue's `labels` and `annotations`, a system's
//! `authSchemeConfigs`) is always serialized by the type itself; a test
//! checks each declared member against the spec (an optional array of the
//! schema the type is generated from).

use serde::Serialize;
use serde_json::Value;
use versori_core::types;

use crate::error::ApiError;

/// A type the emulator answers with.
pub trait Wire: Serialize {
    /// The lists the platform sends even when they are empty (as `[]`),
    /// which the generated type leaves out then.
    const ALWAYS: &'static [&'static str] = &[];
}

/// Declares the types answered with, and the lists each always sends.
macro_rules! wire {
    ($($t:ty $(=> [$($member:literal),* $(,)?])?;)*) => {
        $(impl Wire for $t {
            $(const ALWAYS: &'static [&'static str] = &[$($member),*];)?
        })*

        /// Each declared type's name and [`Wire::ALWAYS`], for the test
        /// that holds them against the spec.
        #[cfg(test)]
        const DECLARED: &[(&str, &[&str])] = &[$((stringify!($t), <$t as Wire>::ALWAYS)),*];
    };
}

wire! {
    types::Action;
    types::Activation => ["connections"];
    types::Automation => ["secretNames"];
    types::AutomationRecording;
    types::AutomationRun => ["artifacts"];
    types::AuthSchemeConfig;
    types::Connection;
    types::ConnectionTemplate;
    types::EndUser;
    types::Files;
    types::IntegrationFlow;
    types::Issue;
    types::NotificationChannel;
    types::Project;
    types::ProjectEnvironment;
    types::ProjectNotification;
    types::ProjectTriggers => ["triggers"];
    types::ProjectVersion;
    types::Scheduler;
    types::System;
    types::Trigger;
}

/// `entity` as the platform sends it: serialized, with every list of
/// [`Wire::ALWAYS`] it left out sent as `[]`. (Serializing these types
/// cannot fail; a failure would be a bug, answered with a 400 rather than a
/// panic.)
pub fn json<T: Wire>(entity: &T) -> Result<Value, ApiError> {
    let mut value = serde_json::to_value(entity)
        .map_err(|e| ApiError::bad_request(format!("unserializable response: {e}")))?;
    if let Value::Object(members) = &mut value {
        for member in T::ALWAYS {
            members
                .entry(*member)
                .or_insert_with(|| Value::Array(Vec::new()));
        }
    }
    Ok(value)
}

/// Entities as a JSON array, each as [`json`] sends it.
pub fn array<'a, T: Wire + 'a>(
    entities: impl IntoIterator<Item = &'a T>,
) -> Result<Value, ApiError> {
    entities
        .into_iter()
        .map(json)
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_the_platform_always_sends_are_sent_empty() {
        let automation = types::Automation {
            created_at: None,
            id: "a".into(),
            name: "n".into(),
            prompt_template: String::new(),
            secret_names: Vec::new(),
        };
        let plain = serde_json::to_value(&automation).expect("serializes");
        assert!(
            plain.get("secretNames").is_none(),
            "the generated type skips it"
        );
        let sent = json(&automation).expect("serializes");
        assert_eq!(sent["secretNames"], serde_json::json!([]));
        // a member with content is left as it is
        let named = types::Automation {
            secret_names: vec!["token".into()],
            ..automation
        };
        assert_eq!(
            json(&named).expect("serializes")["secretNames"],
            serde_json::json!(["token"])
        );
    }

    /// Every list declared as always sent is an optional array member of
    /// the spec schema its type is generated from: a renamed or removed
    /// member fails here instead of being sent as a stray `[]`.
    #[test]
    fn declared_lists_are_optional_arrays_of_the_spec() {
        let text = include_str!("../../../openapi/versori-platform.yaml");
        let spec: Value = serde_saphyr::from_str(text).expect("the spec is YAML");
        let mut checked = 0;
        for (t, members) in DECLARED {
            let name = t.rsplit("::").next().unwrap_or(t).trim();
            let schema = &spec["components"]["schemas"][name];
            assert!(schema.is_object(), "{name} is not a schema of the spec");
            for member in *members {
                assert_eq!(
                    schema["properties"][member]["type"], "array",
                    "{name}.{member} is not an array of the spec"
                );
                let required = schema["required"].as_array().cloned().unwrap_or_default();
                assert!(
                    !required.iter().any(|r| r == member),
                    "{name}.{member} is required, so always sent without filling"
                );
                checked += 1;
            }
        }
        assert!(checked >= 4, "{checked} declared lists");
    }

    #[test]
    fn members_the_spec_requires_need_no_filling() {
        let issue: types::Issue = serde_json::from_value(serde_json::json!({
            "annotations": {}, "createdAt": "2026-01-01T00:00:00Z", "environmentId": "e",
            "id": "i", "labels": {}, "lastSeenAt": "2026-01-01T00:00:00Z", "message": "",
            "organisationId": "o", "projectId": "p", "reason": "manual", "seenCount": 1,
            "status": "open", "title": "t"
        }))
        .expect("an issue");
        let sent = json(&issue).expect("serializes");
        assert_eq!(sent["labels"], serde_json::json!({}));
        assert_eq!(sent["annotations"], serde_json::json!({}));
        assert!(<types::Issue as Wire>::ALWAYS.is_empty());
    }
}
