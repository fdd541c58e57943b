//! The facade's workflows as work for the Python layer: each result is
//! written as JSON and read back through the one decode path (a `RawJson`
//! the models read lazily), as a response body would be.

use serde_json::{Map, Value};
use versori::{ActivationConnection, ActivationRequest, Client, Error, IntegrationSetup};

use crate::client::Work;
use crate::raw::RawJson;

fn to_raw<T: serde::Serialize>(what: &str, value: &T) -> versori::Result<RawJson> {
    let text = serde_json::to_vec(value).map_err(|e| Error::InvalidInput {
        message: format!("{what} could not be represented as JSON: {e}"),
    })?;
    RawJson::checked(versori::RawResponse::new(200, text))
}

fn invalid(message: String) -> Error {
    Error::InvalidInput { message }
}

/// `Client::setup_integration`: `(Project, ProjectEnvironment)`.
pub(crate) fn setup_integration(
    client: &versori::Client,
    name: String,
    environment: String,
    variables_schema: Option<Value>,
    files: Option<Vec<(String, String)>>,
    version_name: Option<String>,
) -> Work<(RawJson, RawJson)> {
    let client = client.clone();
    Box::pin(async move {
        let mut setup = IntegrationSetup::new(name, environment);
        if let Some(schema) = variables_schema {
            setup = setup.variables_schema(schema);
        }
        for (filename, content) in files.unwrap_or_default() {
            setup = setup.file(filename, content);
        }
        if let Some(v) = version_name {
            setup = setup.version_name(v);
        }
        let done = client.setup_integration(setup).await?;
        Ok((
            to_raw("the project", &done.project)?,
            to_raw("the environment", &done.environment)?,
        ))
    })
}

/// One activation connection from its wire form
/// (`{"connectionTemplateId", "existingConnectionId" | "connection"}`).
fn connection(i: usize, value: Value) -> versori::Result<ActivationConnection> {
    let Value::Object(mut c) = value else {
        return Err(invalid(format!(
            "connections[{i}] must be an object with connectionTemplateId"
        )));
    };
    let template = match c.remove("connectionTemplateId") {
        Some(Value::String(s)) if !s.is_empty() => s,
        _ => {
            return Err(invalid(format!(
                "connections[{i}].connectionTemplateId must be a non-empty string"
            )))
        }
    };
    let existing = match c.remove("existingConnectionId") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(_) => {
            return Err(invalid(format!(
                "connections[{i}].existingConnectionId must be a string"
            )))
        }
    };
    let new = c.remove("connection").filter(|v| !v.is_null());
    if let Some(unknown) = c.keys().next() {
        return Err(invalid(format!(
            "connections[{i}] has an unknown field `{unknown}` (expected connectionTemplateId, existingConnectionId, connection)"
        )));
    }
    Ok(ActivationConnection {
        connection_template_id: template,
        existing_connection_id: existing,
        connection: new,
    })
}

fn object(what: &str, value: Option<Value>) -> versori::Result<Map<String, Value>> {
    match value {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(m)) => Ok(m),
        Some(_) => Err(invalid(format!("{what} must be a dict"))),
    }
}

/// `Client::activate_user`: the `Activation`.
pub(crate) fn activate_user(
    client: &versori::Client,
    environment_id: String,
    external_id: String,
    connections: Value,
    dynamic_variables: Option<Value>,
    display_name: Option<String>,
) -> Work<RawJson> {
    let client: Client = client.clone();
    Box::pin(async move {
        let Value::Array(items) = connections else {
            return Err(invalid("connections must be a list".into()));
        };
        let connections = items
            .into_iter()
            .enumerate()
            .map(|(i, c)| connection(i, c))
            .collect::<versori::Result<Vec<_>>>()?;
        let request = ActivationRequest {
            environment_id,
            external_id,
            display_name,
            connections,
            dynamic_variables: object("dynamic_variables", dynamic_variables)?,
        };
        let activation = client.activate_user(request).await?;
        to_raw("the activation", &activation)
    })
}

/// `Client::find_user_activation`: the `Activation`, or None.
pub(crate) fn find_user_activation(
    client: &versori::Client,
    environment_id: String,
    external_id: String,
) -> Work<Option<RawJson>> {
    let client = client.clone();
    Box::pin(async move {
        match client
            .find_user_activation(&environment_id, &external_id)
            .await?
        {
            Some(a) => to_raw("the activation", &a).map(Some),
            None => Ok(None),
        }
    })
}

/// `Client::update_activation_variables`: the stored variables.
pub(crate) fn update_activation_variables(
    client: &versori::Client,
    environment_id: String,
    activation_id: String,
    changes: Value,
) -> Work<crate::client::Plain> {
    let client = client.clone();
    Box::pin(async move {
        let changes = object("changes", Some(changes))?;
        let stored = client
            .update_activation_variables(&environment_id, &activation_id, changes)
            .await?;
        to_raw("the variables", &stored).map(crate::client::Plain)
    })
}
