//! The platform's common workflows, with its dependency rules checked on
//! the client side before anything is changed.

use serde_json::{json, Map, Value};

use crate::error::{Error, Result};
use crate::types;
use crate::Client;

/// What [`Client::setup_integration`] creates.
#[derive(Debug, Clone)]
pub struct IntegrationSetup {
    /// The project's name.
    pub name: String,
    /// The project's variable schema (a JSON Schema object), if any.
    pub variables_schema: Option<Value>,
    /// The project's files (filename, content).
    pub files: Vec<(String, String)>,
    /// The environment to deploy to (created by the deployment).
    pub environment: String,
    /// The name of the version the deployment records.
    pub version_name: String,
}

impl IntegrationSetup {
    /// A setup with a name and target environment; add a schema and files
    /// with the other methods.
    ///
    /// ```
    /// use serde_json::json;
    /// use versori::IntegrationSetup;
    ///
    /// let setup = IntegrationSetup::new("Order Sync", "production")
    ///     .variables_schema(json!({
    ///         "type": "object",
    ///         "properties": {"apiKey": {"type": "string"}, "region": {"type": "string"}},
    ///         "required": ["apiKey"]
    ///     }))
    ///     .file("workflow.ts", "export default {}");
    /// assert_eq!(setup.files.len(), 1);
    /// ```
    pub fn new(name: impl Into<String>, environment: impl Into<String>) -> Self {
        IntegrationSetup {
            name: name.into(),
            variables_schema: None,
            files: Vec::new(),
            environment: environment.into(),
            version_name: "v1".into(),
        }
    }

    /// Sets the variable schema.
    pub fn variables_schema(mut self, schema: Value) -> Self {
        self.variables_schema = Some(schema);
        self
    }

    /// Adds a file.
    pub fn file(mut self, filename: impl Into<String>, content: impl Into<String>) -> Self {
        self.files.push((filename.into(), content.into()));
        self
    }

    /// Names the deployed version (default `v1`).
    pub fn version_name(mut self, name: impl Into<String>) -> Self {
        self.version_name = name.into();
        self
    }
}

/// A deployed integration: the project and the environment it runs in.
#[derive(Debug, Clone)]
pub struct Integration {
    /// The project, as the platform returns it after deployment.
    pub project: types::Project,
    /// The environment the deployment created or updated.
    pub environment: types::ProjectEnvironment,
}

/// One connection of an activation: for the system behind
/// `connection_template_id`, an existing connection or a new one.
#[derive(Debug, Clone)]
pub struct ActivationConnection {
    /// The connection template (the system's attachment to the
    /// environment): the template's own id, which a `ConnectionTemplate`
    /// carries as `connectionTemplateId` (its `id` is the system's).
    pub connection_template_id: String,
    /// An existing connection to reuse.
    pub existing_connection_id: Option<String>,
    /// Or a connection to create (a `ConnectionCreate` body).
    pub connection: Option<Value>,
}

impl ActivationConnection {
    /// Reuses an existing connection for a template.
    pub fn existing(template_id: impl Into<String>, connection_id: impl Into<String>) -> Self {
        ActivationConnection {
            connection_template_id: template_id.into(),
            existing_connection_id: Some(connection_id.into()),
            connection: None,
        }
    }

    /// Creates a new connection (a `ConnectionCreate` body) for a template.
    pub fn new_connection(template_id: impl Into<String>, connection: Value) -> Self {
        ActivationConnection {
            connection_template_id: template_id.into(),
            existing_connection_id: None,
            connection: Some(connection),
        }
    }
}

/// What [`Client::activate_user`] needs.
#[derive(Debug, Clone)]
pub struct ActivationRequest {
    /// The environment to activate the user on.
    pub environment_id: String,
    /// The end user's externalId (created when missing).
    pub external_id: String,
    /// The display name used if the user has to be created.
    pub display_name: Option<String>,
    /// A connection for every system of the environment.
    pub connections: Vec<ActivationConnection>,
    /// The user's dynamic variables.
    pub dynamic_variables: Map<String, Value>,
}

/// Checks `variables` against a project's variable schema and returns every
/// problem found (an empty list when they are valid). An empty schema accepts
/// anything. Every JSON Schema keyword counts (`required`, `type`, `enum`,
/// `minimum`, `pattern`, ...), through the same check the platform makes
/// ([`versori_core::validation::variables`]).
///
/// ```
/// use serde_json::json;
///
/// let schema = json!({
///     "type": "object",
///     "properties": {"apiKey": {"type": "string"}, "retries": {"type": "integer"}},
///     "required": ["apiKey"]
/// });
/// let problems = versori::validate_variables(&schema, &json!({"retries": "three"}))?;
/// assert_eq!(problems.len(), 2); // apiKey missing, retries not an integer
/// # Ok::<(), versori::Error>(())
/// ```
pub fn validate_variables(schema: &Value, variables: &Value) -> Result<Vec<String>> {
    // the same check the platform (and the emulator) makes
    let problems =
        versori_core::validation::variables(schema, variables).map_err(Error::invalid)?;
    Ok(problems
        .into_iter()
        .map(|p| {
            if p.field.is_empty() {
                format!("variables: {}", p.message)
            } else {
                format!("variable {}: {}", p.field, p.message)
            }
        })
        .collect())
}

impl Client {
    /// Sets up an integration as the platform's first workflow describes:
    /// creates the project, sets its variable schema, uploads its files and
    /// deploys them to the environment (which the deployment creates).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let emulator = versori_emulator::Emulator::start().await?;
    /// # let client = versori::Client::builder()
    /// #     .base_url(emulator.base_url())
    /// #     .organisation("01J8ZQ4N7G3Y5B2K9T6W1X00RG")
    /// #     .api_key("doc")
    /// #     .build()?;
    /// use versori::IntegrationSetup;
    ///
    /// let integration = client
    ///     .setup_integration(IntegrationSetup::new("Order Sync", "production").file("workflow.ts", "// ..."))
    ///     .await?;
    /// println!("{} is {}", integration.environment.name, integration.environment.status);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn setup_integration(&self, setup: IntegrationSetup) -> Result<Integration> {
        if setup.name.trim().is_empty() {
            return Err(Error::invalid("the integration needs a project name"));
        }
        if setup.environment.trim().is_empty() {
            return Err(Error::invalid("the integration needs an environment name"));
        }
        let project = self
            .call("CreateProject", json!({"body": {"name": setup.name}}))
            .await?;
        let project_id = project["id"]
            .as_str()
            .ok_or_else(|| {
                self.decode_json_error("CreateProject answered without a project id", &project)
            })?
            .to_string();
        if let Some(schema) = &setup.variables_schema {
            self.call(
                "SetProjectVariablesSchema",
                json!({"project_id": project_id, "body": schema}),
            )
            .await?;
        }
        let files: Vec<Value> = setup
            .files
            .iter()
            .map(|(filename, content)| json!({"filename": filename, "content": content}))
            .collect();
        self.call(
            "UpdateFiles",
            json!({"project_id": project_id, "body": {"files": files, "labels": {}}}),
        )
        .await?;
        let deployed = self
            .call(
                "DeployProject",
                json!({
                    "project_id": project_id,
                    "project_env": setup.environment,
                    "body": {"files": files, "labels": {}, "versionName": setup.version_name}
                }),
            )
            .await?;
        let project: types::Project = serde_json::from_value(deployed.clone()).map_err(|e| {
            self.decode_json_error(
                format!("DeployProject answered with an unexpected project: {e}"),
                &deployed,
            )
        })?;
        let environment = project
            .environments
            .iter()
            .find(|e| e.name == setup.environment)
            .cloned()
            .ok_or_else(|| {
                self.decode_json_error(
                    format!(
                        "the deployed project has no environment {:?}",
                        setup.environment
                    ),
                    &deployed,
                )
            })?;
        Ok(Integration {
            project,
            environment,
        })
    }

    /// The project an environment belongs to, found through the project list.
    pub async fn project_of_environment(
        &self,
        environment_id: &str,
    ) -> Result<types::ProjectSummary> {
        let list = self.call("ListProjects", json!({})).await?;
        let list: types::ProjectsList = serde_json::from_value(list.clone())
            .map_err(|e| self.decode_json_error(format!("ListProjects: {e}"), &list))?;
        list.projects
            .into_iter()
            .find(|p| p.environments.iter().any(|e| e.id == environment_id))
            .ok_or_else(|| Error::Api {
                status: 404,
                code: "not_found".into(),
                message: format!("no project has an environment {environment_id}"),
                details: None,
                fields: vec![],
                request_id: None,
            })
    }

    /// Activates an end user on an environment, checking the platform's
    /// rules first: every system of the environment has a connection in the
    /// request, and the dynamic variables satisfy the project's variable
    /// schema. Any violation is an [`Error::InvalidInput`] listing every
    /// problem, and nothing is changed. The end user is created (by
    /// externalId) when missing.
    ///
    /// ```no_run
    /// # async fn run(client: versori::Client) -> versori::Result<()> {
    /// use serde_json::{json, Map};
    /// use versori::{ActivationConnection, ActivationRequest};
    ///
    /// let mut variables = Map::new();
    /// variables.insert("apiKey".into(), json!("xyz123"));
    /// let activation = client
    ///     .activate_user(ActivationRequest {
    ///         environment_id: "01J8ZQ4N7G3Y5B2K9T6W1X0ENV".into(),
    ///         external_id: "customer-123".into(),
    ///         display_name: Some("Customer ABC".into()),
    ///         connections: vec![ActivationConnection::existing("01J8...TMPL", "01J8...CONN")],
    ///         dynamic_variables: variables,
    ///     })
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn activate_user(&self, request: ActivationRequest) -> Result<types::Activation> {
        if request.external_id.trim().is_empty() {
            return Err(Error::invalid(
                "the end user's externalId must not be empty",
            ));
        }
        let project = self.project_of_environment(&request.environment_id).await?;
        let mut problems = Vec::new();

        // every system of the environment needs a connection; a template's
        // own id is its `connectionTemplateId` (its `id` is the system's)
        let templates = self
            .call(
                "ListProjectConnectionTemplates",
                json!({"project_id": project.id, "env_id": request.environment_id}),
            )
            .await?;
        // (read member by member: only these three matter here)
        let items: Vec<(&str, &str, &str)> = templates["items"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| {
                (
                    t["connectionTemplateId"].as_str().unwrap_or_default(),
                    t["id"].as_str().unwrap_or_default(),
                    t["name"].as_str().unwrap_or_default(),
                )
            })
            .collect();
        for (id, system, name) in &items {
            if id.is_empty() {
                return Err(self.decode_json_error(
                    format!("connection template {name:?} (system {system}) has no connectionTemplateId"),
                    &templates,
                ));
            }
            let covered = request
                .connections
                .iter()
                .any(|c| c.connection_template_id == *id);
            if !covered {
                problems.push(format!(
                    "no connection for system {name:?} (system {system}, connection template {id})"
                ));
            }
        }
        for c in &request.connections {
            let wanted = c.connection_template_id.as_str();
            if items.iter().any(|(id, _, _)| *id == wanted) {
                continue;
            }
            problems.push(
                match items.iter().find(|(_, system, _)| *system == wanted) {
                    Some((id, _, name)) => format!(
                        "{wanted} is the id of system {name:?}, not of a connection template; \
                     use the template's connectionTemplateId ({id})"
                    ),
                    None => format!(
                        "{wanted} is not a connection template of environment {}",
                        request.environment_id
                    ),
                },
            );
        }
        for c in &request.connections {
            if c.existing_connection_id.is_none() && c.connection.is_none() {
                problems.push(format!(
                    "connection for template {} names neither an existing connection nor a new one",
                    c.connection_template_id
                ));
            }
        }

        // the variables must satisfy the project's schema
        let schema = self
            .call(
                "GetProjectVariablesSchema",
                json!({"project_id": project.id}),
            )
            .await?;
        problems.extend(validate_variables(
            &schema,
            &Value::Object(request.dynamic_variables.clone()),
        )?);

        if !problems.is_empty() {
            return Err(Error::invalid(format!(
                "cannot activate {:?} on environment {}: {}",
                request.external_id,
                request.environment_id,
                problems.join("; ")
            )));
        }

        // the end user, by externalId
        match self
            .call("GetEndUser", json!({"user_id": request.external_id}))
            .await
        {
            Ok(_) => {}
            Err(e) if e.is_not_found() => {
                let mut body = json!({"externalId": request.external_id});
                if let Some(name) = &request.display_name {
                    body["displayName"] = json!(name);
                }
                self.call("CreateEndUser", json!({"body": body})).await?;
            }
            Err(e) => return Err(e),
        }

        let connections: Vec<Value> = request
            .connections
            .iter()
            .map(|c| {
                let mut v = json!({"connectionTemplateId": c.connection_template_id});
                if let Some(id) = &c.existing_connection_id {
                    v["existingConnectionId"] = json!(id);
                }
                if let Some(conn) = &c.connection {
                    v["connection"] = conn.clone();
                }
                v
            })
            .collect();
        let activation = self
            .call(
                "ActivateUser",
                json!({"body": {
                    "userId": request.external_id,
                    "environmentId": request.environment_id,
                    "connections": connections,
                    "dynamicVariables": request.dynamic_variables,
                }}),
            )
            .await?;
        serde_json::from_value(activation.clone())
            .map_err(|e| self.decode_json_error(format!("ActivateUser: {e}"), &activation))
    }

    /// The activation of the end user `external_id` on an environment, if
    /// they have one.
    pub async fn find_user_activation(
        &self,
        environment_id: &str,
        external_id: &str,
    ) -> Result<Option<types::Activation>> {
        let found = match self
            .call(
                "ListUserActivations",
                json!({"environment_id": environment_id, "external_user_id": external_id}),
            )
            .await
        {
            Ok(list) => list,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e),
        };
        let list: Vec<types::Activation> = serde_json::from_value(found.clone())
            .map_err(|e| self.decode_json_error(format!("ListUserActivations: {e}"), &found))?;
        Ok(list.into_iter().find(|a| a.user.external_id == external_id))
    }

    /// Changes some of an activation's dynamic variables (a `null` value
    /// removes one). The final set must satisfy the project's variable
    /// schema; if it does not, nothing is sent and the error lists every
    /// problem. Returns the variables the platform stored.
    pub async fn update_activation_variables(
        &self,
        environment_id: &str,
        activation_id: &str,
        changes: Map<String, Value>,
    ) -> Result<Map<String, Value>> {
        let current = self
            .call(
                "GetActivation",
                json!({"environment_id": environment_id, "activation_id": activation_id}),
            )
            .await?;
        let mut variables = current["dynamicVariables"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        for (k, v) in changes {
            if v.is_null() {
                variables.remove(&k);
            } else {
                variables.insert(k, v);
            }
        }
        let project = self.project_of_environment(environment_id).await?;
        let schema = self
            .call(
                "GetProjectVariablesSchema",
                json!({"project_id": project.id}),
            )
            .await?;
        let problems = validate_variables(&schema, &Value::Object(variables.clone()))?;
        if !problems.is_empty() {
            return Err(Error::invalid(format!(
                "the variables of activation {activation_id} would not be valid: {}",
                problems.join("; ")
            )));
        }
        let stored = self
            .call(
                "SetDynamicVariables",
                json!({"environment_id": environment_id, "activation_id": activation_id, "body": variables}),
            )
            .await?;
        Ok(stored.as_object().cloned().unwrap_or_default())
    }
}
