//! The platform's common workflows, end to end, through the `versori` facade.
//!
//! ```sh
//! cargo run -p versori --example quickstart                                                # offline: embedded emulator
//! VERSORI_API_KEY=... VERSORI_ORG=... cargo run -p versori --example quickstart            # read-only tour
//! VERSORI_API_KEY=... VERSORI_ORG=... cargo run -p versori --example quickstart -- --write # full workflow
//! ```
//!
//! With no credentials in the environment it starts the embedded emulator
//! in-process and runs everything against it. With `--write` (implied
//! offline) it sets up an integration (project, variable schema, files,
//! deployment), creates a system, a connection template and a connection,
//! links it, creates an end user, activates them with variables, updates a
//! variable, finds the activation and uses the KV store. Without it, it only
//! reads: projects, systems, connections (streamed page by page) and users.

use futures::TryStreamExt;
use serde_json::{json, Map, Value};
use versori::{ActivationConnection, ActivationRequest, Client, IntegrationSetup};

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("quickstart failed: {e}");
        std::process::exit(1);
    }
}

async fn run() -> versori::Result<()> {
    let has_credentials = ["VERSORI_API_KEY", "VERSORI_JWT", "VERSORI_SIGNING_KEY"]
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|s| !s.trim().is_empty()));
    // offline: an in-process emulator (kept alive until the end of `run`)
    let mut _emulator = None;
    let (client, write) = if has_credentials {
        (
            Client::from_env()?,
            std::env::args().any(|a| a == "--write"),
        )
    } else {
        let emulator =
            versori_emulator::Emulator::start()
                .await
                .map_err(|e| versori::Error::Transport {
                    message: format!("cannot start the emulator: {e}"),
                    source: None,
                })?;
        println!(
            "no VERSORI_* credentials: using the embedded emulator at {}",
            emulator.base_url()
        );
        let client = Client::builder()
            .base_url(emulator.base_url())
            .organisation("01J8ZQ4N7G3Y5B2K9T6W1XDEM0")
            .api_key("emulator")
            .build()?;
        _emulator = Some(emulator);
        (client, true)
    };
    println!("platform: {}", client.base_url());
    if client.organisation().is_none() {
        println!(
            "set VERSORI_ORG (and VERSORI_API_KEY) to run the quickstart against your organisation"
        );
        return Ok(());
    }
    read_only_tour(&client).await?;
    if write {
        full_workflow(&client).await?;
    } else {
        println!("(pass --write to run the full workflow, which creates resources)");
    }
    Ok(())
}

async fn read_only_tour(client: &Client) -> versori::Result<()> {
    let projects = client.projects().list().send().await?;
    println!("{} project(s)", projects.projects.len());
    for p in projects.projects.iter().take(5) {
        let envs: Vec<&str> = p.environments.iter().map(|e| e.name.as_str()).collect();
        println!("  {} {} [{}]", p.id, p.name, envs.join(", "));
    }
    let systems = client.systems().list().send().await?;
    println!("{} system(s)", systems.total_count);
    let mut connections = client.connections().list_stream().page_size(50);
    let mut count = 0;
    while connections.try_next().await?.is_some() {
        count += 1;
    }
    println!("{count} connection(s), streamed page by page");
    let users = client.users().list().send().await?;
    println!("{} end user(s)", users.total_count);
    Ok(())
}

async fn full_workflow(client: &Client) -> versori::Result<()> {
    // 1. set up an integration: project, variable schema, files, deployment
    let integration = client
        .setup_integration(
            IntegrationSetup::new("Quickstart Order Sync", "production")
                .variables_schema(json!({
                    "type": "object",
                    "properties": {"apiKey": {"type": "string"}, "region": {"type": "string"}},
                    "required": ["apiKey"]
                }))
                .file("workflow.ts", "export default function run() {}"),
        )
        .await?;
    let project_id = integration.project.id.clone();
    let env_id = integration.environment.id.clone();
    println!(
        "deployed {} to {} ({})",
        integration.project.name, integration.environment.name, integration.environment.status
    );

    // 2. a system, a connection template for it, a connection, linked to the environment
    let system = client
        .call(
            "CreateSystem",
            json!({"body": {
                "name": "Quickstart CRM",
                "domain": "crm.example.com",
                "templateBaseUrl": "https://crm.example.com/api",
                "authSchemeConfigs": [{"type": "none"}]
            }}),
        )
        .await?;
    let system_id = system["id"].as_str().unwrap_or_default().to_string();
    let template = client
        .call(
            "CreateConnectionTemplate",
            json!({"project_id": project_id, "body": {"systemId": system_id, "name": "crm", "environmentId": env_id}}),
        )
        .await?;
    // a template's own id is `connectionTemplateId` (its `id` is the system's)
    let template_id = template["connectionTemplateId"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let connection = client
        .call(
            "CreateConnection",
            json!({"body": {"connectionTemplateId": template_id, "connection": {"name": "CRM production", "credentials": []}}}),
        )
        .await?;
    let connection_id = connection["id"].as_str().unwrap_or_default().to_string();
    client
        .call(
            "LinkConnectionToEnvironment",
            json!({"connection_id": connection_id, "body": {"connectionTemplateId": template_id}}),
        )
        .await?;
    println!("system {system_id}, template {template_id}, connection {connection_id} linked");

    // 3. activate an end user (created on the way) with their variables
    let mut variables = Map::new();
    variables.insert("apiKey".into(), Value::from("xyz123"));
    variables.insert("region".into(), Value::from("eu-west-1"));
    let activation = client
        .activate_user(ActivationRequest {
            environment_id: env_id.clone(),
            external_id: "quickstart-customer".into(),
            display_name: Some("Quickstart Customer".into()),
            connections: vec![ActivationConnection::existing(&template_id, &connection_id)],
            dynamic_variables: variables,
        })
        .await?;
    println!(
        "activated {} as {}",
        activation.user.external_id, activation.id
    );

    // 4. change one variable; the final set is validated first
    let mut change = Map::new();
    change.insert("region".into(), Value::from("us-east-1"));
    let stored = client
        .update_activation_variables(&env_id, &activation.id, change)
        .await?;
    println!("variables now {}", Value::Object(stored));

    // 5. find the activation again
    let found = client
        .find_user_activation(&env_id, "quickstart-customer")
        .await?;
    println!(
        "found activation: {}",
        found.map(|a| a.id).unwrap_or_else(|| "none".into())
    );

    // 6. the KV store
    let store = client
        .call("CreateStore", json!({"body": {"name": "quickstart"}}))
        .await?;
    let store_id = store["id"].as_str().unwrap_or("quickstart").to_string();
    let kv = client.kv(&store_id);
    kv.put(&["orders", "1001"], &json!({"status": "shipped"}))
        .await?;
    let order: Option<Value> = kv.fetch(&["orders", "1001"]).await?;
    println!("kv orders/1001 = {}", order.unwrap_or(Value::Null));
    println!("{} order(s) stored", kv.count_prefix(&["orders"]).await?);
    Ok(())
}
