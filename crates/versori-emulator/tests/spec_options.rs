//! Options, filters and ids whose meaning the spec describes, each applied
//! as described: ListActivations' `static`, GetProjectLogs' `latest` and
//! `build`, ListIssues' `search_date` ordering, and listings that stay
//! right (and page by an index) when filtered by project, environment,
//! system or end user.

mod support;

use serde_json::{json, Value};
use support::{
    assert_bad_parameter, deploy, deployed_project, env_of, environment, fails, get, ok, project,
    started, system, texts, ORG,
};

#[tokio::test]
async fn list_issues_orders_by_the_search_date_before_taking_first() {
    let (emulator, c, p, env) = deployed_project("issues").await;
    let clock = emulator.clock();
    let start = clock.now();
    let issue = |title: &'static str| {
        let c = c.clone();
        let (p, env) = (p.clone(), env.clone());
        async move {
            ok(
                &c,
                "CreateIssue",
                json!({"body": {"organisationId": ORG, "projectId": p, "environmentId": env,
                "reason": "manual", "severity": "low", "title": title}}),
            )
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
            texts(&all, "/title"),
            ["earliest", "middle", "latest"],
            "{by:?}"
        );
        args["first"] = json!(2);
        let two = ok(&c, "ListIssues", args.clone()).await;
        assert_eq!(texts(&two, "/title"), ["earliest", "middle"], "{by:?}");
        args["after"] = json!((start + chrono::TimeDelta::minutes(30)).to_rfc3339());
        let later = ok(&c, "ListIssues", args).await;
        assert_eq!(texts(&later, "/title"), ["middle", "latest"], "{by:?}");
    }
    let wrong = format!("/o/{ORG}/issues?search_date=updatedAt");
    assert_bad_parameter(&emulator, &wrong, "search_date").await;
}

/// Deploys `version` of `project_id` (a webhook) to `env`; the version's id.
async fn deploy_version(c: &versori::Client, project_id: &str, env: &str, version: &str) -> String {
    let deployed = deploy(c, project_id, env, "webhook('orders');", version).await;
    env_of(&deployed, env)["deployedVersion"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no version deployed to {env} in {deployed}"))
        .to_string()
}

/// The messages of a `Logs` answer.
fn messages(logs: &Value) -> Vec<&str> {
    texts(&logs["logs"], "/message")
}

#[tokio::test]
async fn project_logs_split_build_from_runtime_and_latest_means_the_deployed_version() {
    let (emulator, c) = started().await;
    let p = project(&c, "logs").await;
    let call = |path: &'static str| {
        let (c, p) = (c.clone(), p.clone());
        async move {
            ok(
                &c,
                "CallIntegration",
                json!({"project_id": p, "project_env": "production",
                "body": {"urlPath": path, "method": "POST"}}),
            )
            .await;
        }
    };
    let v1 = deploy_version(&c, &p, "production", "v1").await;
    call("/one").await;
    call("/two").await;
    let v2 = deploy_version(&c, &p, "production", "v2").await;
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
        let wrong = format!("/o/{ORG}/projects/{p}/logs?{name}=xyz");
        assert_bad_parameter(&emulator, &wrong, name).await;
    }
}

#[tokio::test]
async fn list_activations_static_is_the_environments_static_activation() {
    let (emulator, c, p, env) = deployed_project("static").await;
    ok(&c, "SetProjectVariablesSchema", json!({"project_id": p, "body": {"type": "object",
        "properties": {"region": {"enum": ["eu", "us"]}, "retries": {"type": "integer", "minimum": 0}}}}))
    .await;
    let sys = system(&c, "erp").await;
    let t = ok(&c, "CreateConnectionTemplate", json!({"project_id": p, "body": {"systemId": sys["id"], "name": "erp", "environmentId": env}})).await;
    let template = t["connectionTemplateId"].as_str().expect("id").to_string();
    let shared = ok(
        &c,
        "CreateConnection",
        json!({"body": {"connectionTemplateId": template,
        "connection": {"name": "shared", "credentials": []}}}),
    )
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
    let ada = ok(
        &c,
        "ActivateUser",
        json!({"body": {"userId": "ada", "environmentId": env,
        "connections": [{"connectionTemplateId": template, "existingConnectionId": shared["id"]}],
        "dynamicVariables": {"region": "us"}}}),
    )
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
    assert_eq!(
        texts(&activation["connections"], "/id"),
        [shared["id"].as_str().expect("id")]
    );
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
    assert_eq!(texts(&users["users"], "/externalId"), ["ada"]);
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
        assert_eq!(texts(&users, "/id"), [ada["id"].as_str().expect("id")]);
    }
    // a boolean, named when it is not one
    let activations = format!("/o/{ORG}/environments/{env}/activations");
    let wrong =
        assert_bad_parameter(&emulator, &format!("{activations}?static=xyz"), "static").await;
    assert_eq!(wrong.body["code"], "invalid_field");

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
    let err = fails(
        &c,
        "SetDynamicVariable",
        json!({"environment_id": env, "activation_id": id,
        "variable_name": "retries", "body": {"value": -1}}),
    )
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
    let unknown = get(
        &emulator,
        &format!("/o/{ORG}/environments/01J8ZQ4N7G3Y5B2K9T6W1XN0NE/activations?static=true"),
    )
    .await;
    assert_eq!(unknown.status, 404);
}

/// A listing operation and the JSON pointer of its items' ids.
type Listing = (&'static str, &'static str);

const TEMPLATES: Listing = ("ListProjectConnectionTemplates", "/connectionTemplateId");
const VERSIONS: Listing = ("ListProjectVersions", "/id");
const CONNECTIONS: Listing = ("ListConnections", "/id");
const ENVIRONMENT_CONNECTIONS: Listing = ("ListEnvironmentConnections", "/id");

/// Every item of a listing, walked `first` at a time forwards (by `next`)
/// and backwards (by `prev` from the last page) when the operation takes
/// cursors, else in one answer; the ids (the same both ways) and the
/// `totalCount` (the same on every page).
async fn walk(c: &versori::Client, (op, id): Listing, args: Value) -> (Vec<String>, u64) {
    let ids_of = |page: &Value| -> Vec<String> {
        texts(&page["items"], id)
            .into_iter()
            .map(String::from)
            .collect()
    };
    let mut ids = Vec::new();
    let mut pages = Vec::new();
    let mut args = args;
    let paged = versori_core::operations::find(op).is_some_and(|o| o.parameter("first").is_some());
    if paged {
        args["first"] = json!(2);
    }
    loop {
        let page = ok(c, op, args.clone()).await;
        ids.extend(ids_of(&page));
        pages.push(page.clone());
        match page["next"].as_str() {
            Some(next) if !next.is_empty() => args["after"] = json!(next),
            _ => break,
        }
    }
    let totals: Vec<&Value> = pages.iter().map(|p| &p["totalCount"]).collect();
    assert!(totals.iter().all(|t| *t == totals[0]), "{totals:?}");
    // and back from the last page
    let mut back: Vec<String> = Vec::new();
    let mut page = pages.last().cloned().unwrap_or(Value::Null);
    loop {
        let mut here = ids_of(&page);
        here.extend(back);
        back = here;
        match page["prev"].as_str() {
            Some(prev) if !prev.is_empty() => {
                args.as_object_mut().map(|a| a.remove("after"));
                args["before"] = json!(prev);
                page = ok(c, op, args.clone()).await;
            }
            _ => break,
        }
    }
    assert_eq!(back, ids, "{op}: the same items backwards");
    (ids, totals[0].as_u64().unwrap_or_default())
}

#[tokio::test]
async fn listings_of_a_project_environment_system_or_user_page_only_theirs() {
    let (emulator, c) = started().await;
    let (a, b) = (project(&c, "a").await, project(&c, "b").await);
    let (a_prod, b_prod) = (
        environment(&c, &a, "production").await,
        environment(&c, &b, "production").await,
    );
    let a_test = environment(&c, &a, "test").await;
    let (crm, erp) = (system(&c, "crm").await, system(&c, "erp").await);
    // interleaved: each listing's items sit between the others'
    let mut a_templates = Vec::new();
    let mut a_prod_templates = Vec::new();
    let mut a_versions = Vec::new();
    for i in 0..5 {
        for (p, env) in [(&a, &a_prod), (&b, &b_prod), (&a, &a_test)] {
            let t = ok(&c, "CreateConnectionTemplate", json!({"project_id": p, "body": {
                "systemId": if i % 2 == 0 { &crm["id"] } else { &erp["id"] }, "name": format!("t{i}"), "environmentId": env}}))
            .await;
            let id = t["connectionTemplateId"].as_str().expect("id").to_string();
            if p == &a {
                a_templates.push(id.clone());
            }
            if env == &a_prod {
                a_prod_templates.push(id);
            }
        }
        for p in [&a, &b] {
            let v = ok(
                &c,
                "CreateProjectVersion",
                json!({"project_id": p, "body": {"name": format!("extra-{i}"), "files": []}}),
            )
            .await;
            if p == &a {
                a_versions.push(v["id"].as_str().expect("id").to_string());
            }
        }
    }
    let in_a_prod = json!({"project_id": a, "env_id": a_prod});
    let (ids, total) = walk(&c, TEMPLATES, json!({"project_id": a})).await;
    assert_eq!((ids, total), (a_templates.clone(), 10));
    let (ids, total) = walk(&c, TEMPLATES, in_a_prod.clone()).await;
    assert_eq!((ids, total), (a_prod_templates.clone(), 5));
    let foreign = ok(
        &c,
        "ListProjectConnectionTemplates",
        json!({"project_id": a, "env_id": b_prod}),
    )
    .await;
    assert_eq!(foreign["totalCount"], 0, "another project's environment");

    // versions, the most recent first: the five created in project a, then
    // the two deployments'
    let (ids, total) = walk(&c, VERSIONS, json!({"project_id": a})).await;
    assert_eq!(total, 7);
    a_versions.reverse();
    assert_eq!(ids[..5], a_versions[..]);
    // a cursor from another listing is not one of this listing's
    let b_page = ok(&c, "ListProjectVersions", json!({"project_id": b})).await;
    let b_cursor = b_page["items"][0]["id"].as_str().expect("id");
    let wrong = format!("/o/{ORG}/projects/{a}/versions?after={b_cursor}");
    assert_bad_parameter(&emulator, &wrong, "after").await;

    // connections by system, by end user, by both, and all of them
    ok(&c, "CreateEndUser", json!({"body": {"externalId": "ann"}})).await;
    let ann = ok(&c, "GetEndUser", json!({"user_id": "ann"})).await["id"].clone();
    let mut by_system: [Vec<String>; 2] = Default::default();
    let mut anns = Vec::new();
    let mut ann_crm = Vec::new();
    for (i, template) in a_prod_templates.iter().enumerate() {
        for owned in [false, true] {
            let mut body = json!({"connectionTemplateId": template, "connection": {"name": format!("c{i}"), "credentials": []}});
            if owned {
                body["externalId"] = json!("ann");
            }
            let made = ok(&c, "CreateConnection", json!({ "body": body })).await;
            let id = made["id"].as_str().expect("id").to_string();
            by_system[i % 2].push(id.clone());
            if owned {
                anns.push(id.clone());
                if i % 2 == 0 {
                    ann_crm.push(id.clone());
                }
            }
            ok(
                &c,
                "LinkConnectionToEnvironment",
                json!({"connection_id": id, "body": {"connectionTemplateId": template}}),
            )
            .await;
        }
    }
    for (system, expected) in [(&crm, &by_system[0]), (&erp, &by_system[1])] {
        let (ids, total) = walk(&c, CONNECTIONS, json!({"system_id": system["id"]})).await;
        assert_eq!(&ids, expected);
        assert_eq!(total as usize, expected.len());
    }
    let (ids, _) = walk(&c, CONNECTIONS, json!({"end_user_id": ann})).await;
    assert_eq!(ids, anns);
    let anns_on_crm = json!({"end_user_id": ann, "system_id": crm["id"]});
    let (ids, total) = walk(&c, CONNECTIONS, anns_on_crm).await;
    assert_eq!((ids, total), (ann_crm, 3));
    let (_, total) = walk(&c, CONNECTIONS, json!({})).await;
    assert_eq!(total, 10);

    // an environment's connections are its static ones: none of ann's
    let statics: Vec<String> = by_system
        .iter()
        .flatten()
        .filter(|id| !anns.contains(id))
        .cloned()
        .collect();
    let mut statics_sorted = statics.clone();
    statics_sorted.sort();
    let (ids, total) = walk(&c, ENVIRONMENT_CONNECTIONS, in_a_prod.clone()).await;
    assert_eq!((ids.clone(), total), (statics_sorted.clone(), 5));
    let (ids, _) = walk(&c, ENVIRONMENT_CONNECTIONS, json!({"project_id": a})).await;
    assert_eq!(ids, statics_sorted, "the project's: the same links");
    let none = ok(
        &c,
        "ListEnvironmentConnections",
        json!({"project_id": a, "env_id": a_test}),
    )
    .await;
    assert_eq!(none["totalCount"], 0);
    // the static activation uses the same ones
    let activation = ok(
        &c,
        "ListActivations",
        json!({"environment_id": a_prod, "static": true}),
    )
    .await;
    assert_eq!(texts(&activation[0]["connections"], "/id"), statics_sorted);
    // without its owner a connection is static
    ok(&c, "DeleteEndUser", json!({"user_id": "ann"})).await;
    let (_, total) = walk(&c, ENVIRONMENT_CONNECTIONS, in_a_prod.clone()).await;
    assert_eq!(total, 10);
    // deleting a connection or a template takes its links with it (the
    // first template's two connections: the one deleted and ann's)
    ok(
        &c,
        "DeleteConnection",
        json!({"connection_id": statics_sorted[0]}),
    )
    .await;
    ok(
        &c,
        "DeleteConnectionTemplate",
        json!({"project_id": a, "template_id": a_prod_templates[0]}),
    )
    .await;
    let (ids, total) = walk(&c, ENVIRONMENT_CONNECTIONS, in_a_prod.clone()).await;
    assert_eq!(total, 8, "{ids:?}");
    assert!(!ids.contains(&statics_sorted[0]));
    let (_, total) = walk(&c, TEMPLATES, json!({"project_id": a})).await;
    assert_eq!(total, 9);
    // deleting the environment and then the project empties their listings
    ok(
        &c,
        "DeleteEnvironment",
        json!({"project_id": a, "environment_id": a_prod}),
    )
    .await;
    let (_, total) = walk(&c, TEMPLATES, json!({"project_id": a})).await;
    assert_eq!(total, 5);
    let (_, total) = walk(&c, ENVIRONMENT_CONNECTIONS, json!({"project_id": a})).await;
    assert_eq!(total, 0);
    ok(&c, "DeleteProject", json!({"project_id": a})).await;
    let (_, total) = walk(&c, TEMPLATES, json!({"project_id": b})).await;
    assert_eq!(total, 5, "project b keeps its own");
    let (_, total) = walk(&c, VERSIONS, json!({"project_id": b})).await;
    assert_eq!(total, 6);
}

/// ListEnvironmentConnections lists "static connections (connections
/// without end users) for a given environment": a connection created
/// through an environment's template without an end user is one, linked or
/// not; one made for an end user is not.
#[tokio::test]
async fn a_static_connection_made_through_a_template_is_its_environments() {
    let (_emulator, c, p, prod) = deployed_project("statics").await;
    let staging = environment(&c, &p, "staging").await;
    let sys = system(&c, "erp").await;
    let template_in = |env: &str| {
        let body = json!({"project_id": p, "body": {"systemId": sys["id"], "name": "erp", "environmentId": env}});
        let c = c.clone();
        async move {
            let t = ok(&c, "CreateConnectionTemplate", body).await;
            t["connectionTemplateId"].as_str().expect("id").to_string()
        }
    };
    let (in_prod, in_staging) = (template_in(&prod).await, template_in(&staging).await);
    let connect = |template: &str, owner: Option<&str>| {
        let mut body = json!({"connectionTemplateId": template,
            "connection": {"name": "erp", "credentials": []}});
        if let Some(owner) = owner {
            body["externalId"] = json!(owner);
        }
        let c = c.clone();
        async move {
            let made = ok(&c, "CreateConnection", json!({ "body": body })).await;
            made["id"].as_str().expect("id").to_string()
        }
    };
    ok(&c, "CreateEndUser", json!({"body": {"externalId": "ann"}})).await;
    let shared = connect(&in_prod, None).await;
    let anns = connect(&in_prod, Some("ann")).await;
    // a connection made for an activation belongs to its end user
    ok(&c, "CreateEndUser", json!({"body": {"externalId": "bob"}})).await;
    let bobs = ok(&c, "ActivateUser", json!({"body": {"userId": "bob", "environmentId": prod,
        "connections": [{"connectionTemplateId": in_prod, "connection": {"name": "bob's", "credentials": []}}]}}))
    .await["connections"][0]["id"]
        .clone();
    assert!(bobs.is_string(), "{bobs}");
    let listed = |env: &str| {
        let args = json!({"project_id": p, "env_id": env});
        let c = c.clone();
        async move {
            let page = ok(&c, "ListEnvironmentConnections", args).await;
            let ids: Vec<String> = texts(&page["items"], "/id")
                .into_iter()
                .map(String::from)
                .collect();
            assert_eq!(page["totalCount"], json!(ids.len()), "{page}");
            ids
        }
    };
    assert_eq!(
        listed(&prod).await,
        [shared.as_str()],
        "not ann's, not bob's"
    );
    assert!(listed(&staging).await.is_empty(), "another environment's");
    let project_wide = ok(&c, "ListEnvironmentConnections", json!({"project_id": p})).await;
    assert_eq!(texts(&project_wide["items"], "/id"), [shared.as_str()]);
    // the static activation runs with it
    let statics = ok(
        &c,
        "ListActivations",
        json!({"environment_id": prod, "static": true}),
    )
    .await;
    assert_eq!(texts(&statics[0]["connections"], "/id"), [shared.as_str()]);
    let used = ok(
        &c,
        "GetActivationConnection",
        json!({"env_system_id": in_prod, "activation_id": statics[0]["id"]}),
    )
    .await;
    assert_eq!(used["id"], shared.as_str());
    // linking it again changes nothing; linking it to staging lists it there too
    for template in [&in_prod, &in_staging] {
        ok(
            &c,
            "LinkConnectionToEnvironment",
            json!({"connection_id": shared, "body": {"connectionTemplateId": template}}),
        )
        .await;
    }
    assert_eq!(listed(&prod).await, [shared.as_str()]);
    assert_eq!(listed(&staging).await, [shared.as_str()]);
    // unlinking it from its own template takes it out of that environment
    ok(
        &c,
        "UnlinkConnectionFromEnvironment",
        json!({"connection_id": shared, "body": {"connectionTemplateId": in_prod}}),
    )
    .await;
    assert!(listed(&prod).await.is_empty());
    // deleting one takes it out of every listing
    let second = connect(&in_staging, None).await;
    assert_eq!(listed(&staging).await, [shared.as_str(), second.as_str()]);
    ok(&c, "DeleteConnection", json!({"connection_id": shared})).await;
    assert_eq!(listed(&staging).await, [second.as_str()]);
    ok(&c, "DeleteConnection", json!({"connection_id": second})).await;
    assert!(listed(&staging).await.is_empty());
    let project_wide = ok(&c, "ListEnvironmentConnections", json!({"project_id": p})).await;
    assert_eq!(project_wide["totalCount"], 0, "{project_wide}");
    // ann's is static once she is gone, and so her environment's
    ok(&c, "DeleteEndUser", json!({"user_id": "ann"})).await;
    assert_eq!(listed(&prod).await, [anns.as_str()]);
}
