//! Options, filters and ids whose meaning the spec describes, each applied
//! as described: ListActivations' `static`, GetProjectLogs' `latest` and
//! `build`, ListIssues' `search_date` ordering, and listings that stay
//! right (and page by an index) when filtered by project, environment,
//! system or end user.

mod support;

use serde_json::{json, Value};
use support::{client, environment, fails, ok, project, raw, system, ORG};
use versori_emulator::Emulator;

/// The `field` of every item of a JSON array.
fn each<'a>(items: &'a Value, field: &str) -> Vec<&'a str> {
    items
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i[field].as_str())
        .collect()
}

#[tokio::test]
async fn list_issues_orders_by_the_search_date_before_taking_first() {
    let emulator = Emulator::start().await.expect("starts");
    let c = client(&emulator, ORG);
    let p = project(&c, "issues").await;
    let env = environment(&c, &p, "production").await;
    let clock = emulator.clock();
    let start = clock.now();
    let issue = |title: &'static str| {
        let c = c.clone();
        let (p, env) = (p.clone(), env.clone());
        async move {
            ok(&c, "CreateIssue", json!({"body": {"organisationId": ORG, "projectId": p, "environmentId": env,
                "reason": "manual", "severity": "low", "title": title}}))
            .await
        }
    };
    // created in this order, but stamped out of it: ids and timestamps disagree
    clock.set(start + chrono::TimeDelta::hours(2));
    issue("latest").await;
    clock.set(start);
    issue("earliest").await;
    clock.set(start + chrono::TimeDelta::hours(1));
    issue("middle").await;
    for by in [None, Some("createdAt"), Some("lastSeenAt")] {
        let mut args = json!({});
        if let Some(by) = by {
            args["search_date"] = json!(by);
        }
        let all = ok(&c, "ListIssues", args.clone()).await;
        assert_eq!(
            each(&all, "title"),
            ["earliest", "middle", "latest"],
            "{by:?}"
        );
        args["first"] = json!(2);
        let two = ok(&c, "ListIssues", args.clone()).await;
        assert_eq!(each(&two, "title"), ["earliest", "middle"], "{by:?}");
        args["after"] = json!((start + chrono::TimeDelta::minutes(30)).to_rfc3339());
        let later = ok(&c, "ListIssues", args).await;
        assert_eq!(each(&later, "title"), ["middle", "latest"], "{by:?}");
    }
    let wrong = raw(
        &emulator,
        "GET",
        &format!("/o/{ORG}/issues?search_date=updatedAt"),
        None,
    )
    .await;
    assert_eq!(wrong.status, 400);
    assert_eq!(wrong.body["fields"][0]["field"], "search_date");
}

/// Deploys `version` of `project_id` to `env`; the version's id.
async fn deploy(c: &versori::Client, project_id: &str, env: &str, version: &str) -> String {
    let deployed = ok(
        c,
        "DeployProject",
        json!({"project_id": project_id, "project_env": env,
               "body": {"files": [{"filename": "index.ts", "content": "webhook('orders');"}], "labels": {}, "versionName": version}}),
    )
    .await;
    deployed["environments"]
        .as_array()
        .and_then(|envs| envs.iter().find(|e| e["name"] == env))
        .and_then(|e| e["deployedVersion"]["id"].as_str())
        .unwrap_or_else(|| panic!("no version deployed to {env} in {deployed}"))
        .to_string()
}

/// The messages of a `Logs` answer.
fn messages(logs: &Value) -> Vec<&str> {
    logs["logs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l["message"].as_str())
        .collect()
}

#[tokio::test]
async fn project_logs_split_build_from_runtime_and_latest_means_the_deployed_version() {
    let emulator = Emulator::start().await.expect("starts");
    let c = client(&emulator, ORG);
    let p = project(&c, "logs").await;
    let call = |path: &'static str| {
        let (c, p) = (c.clone(), p.clone());
        async move {
            ok(&c, "CallIntegration", json!({"project_id": p, "project_env": "production",
                "body": {"urlPath": path, "method": "POST"}}))
            .await;
        }
    };
    let v1 = deploy(&c, &p, "production", "v1").await;
    call("/one").await;
    call("/two").await;
    let v2 = deploy(&c, &p, "production", "v2").await;
    call("/three").await;
    call("/four").await;
    let logs = |args: Value| {
        let (c, p) = (c.clone(), p.clone());
        async move {
            let mut args = args;
            args["project_id"] = json!(p);
            args["project_env"] = json!("production");
            ok(&c, "GetProjectLogs", args).await
        }
    };

    // runtime logs by default: every run, no build
    let runtime = logs(json!({})).await;
    assert_eq!(
        messages(&runtime),
        [
            "POST /one answered 200",
            "POST /two answered 200",
            "POST /three answered 200",
            "POST /four answered 200"
        ]
    );
    assert_eq!(logs(json!({"build": false})).await, runtime);
    // latest: only the lines of the version deployed last, in the order asked
    let latest = logs(json!({"latest": true})).await;
    assert_eq!(
        messages(&latest),
        ["POST /three answered 200", "POST /four answered 200"]
    );
    assert!(latest["logs"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|l| l["fields"]["versionId"] == v2.as_str()));
    assert_eq!(
        messages(&logs(json!({"latest": true, "order": "desc"})).await),
        ["POST /four answered 200", "POST /three answered 200"]
    );
    // build: the deployments' lines instead of the runs'
    let build = logs(json!({"build": true})).await;
    let built = messages(&build);
    assert_eq!(built.len(), 2, "{built:?}");
    assert!(built[0].contains("version v1") && built[1].contains("version v2"));
    assert_eq!(build["logs"][0]["fields"]["versionId"], v1.as_str());
    let last_build = logs(json!({"build": true, "latest": true})).await;
    assert_eq!(messages(&last_build), [built[1]]);

    // SearchProjectLogs reads the same members from its body
    let search = |body: Value| {
        let (c, p) = (c.clone(), p.clone());
        async move {
            ok(
                &c,
                "SearchProjectLogs",
                json!({"project_id": p, "project_env": "production", "body": body}),
            )
            .await
        }
    };
    assert_eq!(messages(&search(json!({})).await), messages(&runtime));
    assert_eq!(
        messages(&search(json!({"latest": true})).await),
        messages(&latest)
    );
    assert_eq!(
        messages(&search(json!({"build": true})).await),
        messages(&build)
    );
    assert_eq!(
        messages(&search(json!({"build": true, "latest": true})).await),
        messages(&last_build)
    );

    // both are booleans
    for name in ["build", "latest"] {
        let wrong = raw(
            &emulator,
            "GET",
            &format!("/o/{ORG}/projects/{p}/logs?{name}=xyz"),
            None,
        )
        .await;
        assert_eq!(wrong.status, 400, "{name}: {}", wrong.body);
        assert_eq!(wrong.body["fields"][0]["field"], name);
    }
}

#[tokio::test]
async fn list_activations_static_is_the_environments_static_activation() {
    let emulator = Emulator::start().await.expect("starts");
    let c = client(&emulator, ORG);
    let p = project(&c, "static").await;
    let env = environment(&c, &p, "production").await;
    ok(&c, "SetProjectVariablesSchema", json!({"project_id": p, "body": {"type": "object",
        "properties": {"region": {"enum": ["eu", "us"]}, "retries": {"type": "integer", "minimum": 0}}}}))
    .await;
    let sys = system(&c, "erp").await;
    let t = ok(&c, "CreateConnectionTemplate", json!({"project_id": p, "body": {"systemId": sys["id"], "name": "erp", "environmentId": env}})).await;
    let template = t["connectionTemplateId"].as_str().expect("id").to_string();
    let shared = ok(&c, "CreateConnection", json!({"body": {"connectionTemplateId": template,
        "connection": {"name": "shared", "credentials": []}}}))
    .await;
    ok(
        &c,
        "LinkConnectionToEnvironment",
        json!({"connection_id": shared["id"], "body": {"connectionTemplateId": template}}),
    )
    .await;
    ok(
        &c,
        "SetStaticUserVariables",
        json!({"environment_id": env, "body": {"region": "eu"}}),
    )
    .await;
    ok(&c, "CreateEndUser", json!({"body": {"externalId": "ada"}})).await;
    let ada = ok(&c, "ActivateUser", json!({"body": {"userId": "ada", "environmentId": env,
        "connections": [{"connectionTemplateId": template, "existingConnectionId": shared["id"]}],
        "dynamicVariables": {"region": "us"}}}))
    .await;

    // static=true: the static activation alone, built from the environment
    let listed = ok(
        &c,
        "ListActivations",
        json!({"environment_id": env, "static": true}),
    )
    .await;
    let items = listed.as_array().expect("an array");
    assert_eq!(items.len(), 1, "{listed}");
    let activation = &items[0];
    let id = activation["id"].as_str().expect("id").to_string();
    assert_ne!(id, ada["id"].as_str().expect("id"));
    assert!(ulid::Ulid::from_string(&id).is_ok(), "{id}");
    assert_eq!(activation["environment"]["id"], env.as_str());
    assert_eq!(activation["dynamicVariables"], json!({"region": "eu"}));
    assert_eq!(each(&activation["connections"], "id"), [shared["id"].as_str().expect("id")]);
    let user = &activation["user"];
    assert!(
        user["externalId"].as_str().is_some_and(|e| e != "ada"),
        "{user}"
    );
    for field in ["id", "displayName", "createdAt", "updatedAt"] {
        assert!(user[field].is_string(), "{field}: {user}");
    }
    assert_eq!(user["organisationId"], ORG);
    // the static user is internal: not one of the organisation's end users
    let users = ok(&c, "ListEndUsers", json!({})).await;
    assert_eq!(each(&users["users"], "externalId"), ["ada"]);
    // the same activation on every call
    let again = ok(
        &c,
        "ListActivations",
        json!({"environment_id": env, "static": true}),
    )
    .await;
    assert_eq!(again[0], *activation);
    // false, or nothing: the end users' activations
    for args in [
        json!({"environment_id": env, "static": false}),
        json!({"environment_id": env}),
    ] {
        let users = ok(&c, "ListActivations", args).await;
        assert_eq!(each(&users, "id"), [ada["id"].as_str().expect("id")]);
    }
    // a boolean, named when it is not one
    let wrong = raw(
        &emulator,
        "GET",
        &format!("/o/{ORG}/environments/{env}/activations?static=xyz"),
        None,
    )
    .await;
    assert_eq!(wrong.status, 400, "{}", wrong.body);
    assert_eq!(wrong.body["code"], "invalid_field");
    assert_eq!(wrong.body["fields"][0]["field"], "static");

    // its id is an activation id like any other
    let got = ok(
        &c,
        "GetActivation",
        json!({"environment_id": env, "activation_id": id}),
    )
    .await;
    assert_eq!(got, *activation);
    let connection = ok(
        &c,
        "GetActivationConnection",
        json!({"env_system_id": template, "activation_id": id}),
    )
    .await;
    assert_eq!(connection["id"], shared["id"]);
    // its variables are the static variables, checked against the schema
    let set = ok(
        &c,
        "SetDynamicVariables",
        json!({"environment_id": env, "activation_id": id, "body": {"retries": 2}}),
    )
    .await;
    assert_eq!(set, json!({"region": "eu", "retries": 2}));
    let set = ok(
        &c,
        "SetStaticUserVariables",
        json!({"environment_id": env, "body": {"retries": null}}),
    )
    .await;
    assert_eq!(set, json!({"region": "eu"}));
    let err = fails(
        &c,
        "SetStaticUserVariables",
        json!({"environment_id": env, "body": {"region": "mars"}}),
    )
    .await;
    assert_eq!(err.status(), Some(422), "{err}");
    let err = fails(&c, "SetDynamicVariable", json!({"environment_id": env, "activation_id": id,
        "variable_name": "retries", "body": {"value": -1}}))
    .await;
    assert_eq!(err.status(), Some(422), "{err}");
    let got = ok(
        &c,
        "GetActivation",
        json!({"environment_id": env, "activation_id": id}),
    )
    .await;
    assert_eq!(got["dynamicVariables"], json!({"region": "eu"}));
    // it goes with the environment, not on its own
    let err = fails(
        &c,
        "DeleteActivation",
        json!({"environment_id": env, "activation_id": id}),
    )
    .await;
    assert_eq!(err.status(), Some(422), "{err}");
    // on an unknown environment there is none
    let unknown = raw(
        &emulator,
        "GET",
        &format!("/o/{ORG}/environments/01J8ZQ4N7G3Y5B2K9T6W1XNONE/activations?static=true"),
        None,
    )
    .await;
    assert_eq!(unknown.status, 404);
}
