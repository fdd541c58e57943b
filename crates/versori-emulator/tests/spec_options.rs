//! Options, filters and ids whose meaning the spec describes, each applied
//! as described: ListActivations' `static`, GetProjectLogs' `latest` and
//! `build`, ListIssues' `search_date` ordering, and listings that stay
//! right (and page by an index) when filtered by project, environment,
//! system or end user.

mod support;

use serde_json::{json, Value};
use support::{client, environment, fails, ok, project, raw, ORG};
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
    let _ = fails;
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
