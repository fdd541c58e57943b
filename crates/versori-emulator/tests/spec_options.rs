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
