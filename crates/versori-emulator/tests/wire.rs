//! The emulator behaves as the platform does for what its official client
//! sends: what a connection template's ids mean, connections for end
//! users, notifications under both paths, `null` for an empty list, OAuth
//! 2.0 grant credentials sent as zero ULIDs, the
//! answers fuzzing found wrong, a handler panic, and one validation rule
//! for activation variables shared with the SDK.

mod support;

use serde_json::{json, Value};
use support::{
    api_key_config, assert_bad_parameter, client, deployed_project, environment, fails,
    field_names, get, ok, project, raw, started, store, system, texts, KEY_CONFIG, ORG, OTHER_ORG,
};
use versori_core::operations::{Location, OPERATIONS};
use versori_emulator::{Emulator, PanicStage};

/// The ids of a template's (API-key) auth scheme configs.
fn config_ids(template: &Value) -> Vec<&str> {
    texts(&template["authSchemeConfigs"], "/apiKey/id")
}

/// The members a rule violation (a 422) names; panics on any other error.
fn rule_fields(err: &versori::Error) -> Vec<&str> {
    match err {
        versori::Error::Api {
            status: 422,
            fields,
            ..
        } => fields.iter().map(|f| f.field.as_str()).collect(),
        other => panic!("expected a 422, got {other:?}"),
    }
}

/// The template whose own id (`connectionTemplateId`) is `id` in a listing.
fn listed_template<'a>(listed: &'a Value, id: &str) -> &'a Value {
    listed["items"]
        .as_array()
        .and_then(|i| i.iter().find(|t| t["connectionTemplateId"] == id))
        .unwrap_or_else(|| panic!("{id} is not listed in {listed}"))
}

#[tokio::test]
async fn a_templates_id_is_its_systems_and_its_configs_are_the_systems_current_ones() {
    let (_emulator, c, p, env) = deployed_project("templates").await;
    let sys = system(&c, "crm").await;
    let sys_id = sys["id"].as_str().expect("id").to_string();
    let all = ok(
        &c,
        "CreateConnectionTemplate",
        json!({"project_id": p, "body": {"systemId": sys_id, "name": "crm", "environmentId": env}}),
    )
    .await;
    assert_eq!(all["id"], sys_id, "id is the system's");
    let all_id = all["connectionTemplateId"]
        .as_str()
        .expect("connectionTemplateId")
        .to_string();
    assert_ne!(all_id, sys_id);
    assert_eq!(
        (all["domain"].as_str(), all["templateBaseUrl"].as_str()),
        (Some("crm.example"), Some("https://api.crm.example"))
    );
    let one = ok(&c, "CreateConnectionTemplate", json!({"project_id": p, "body": {"systemId": sys_id, "name": "crm2", "environmentId": env, "dynamic": true}})).await;
    let one_id = one["connectionTemplateId"]
        .as_str()
        .expect("id")
        .to_string();

    // a second config on the system shows in every template that uses all
    const SECOND: &str = "01J8ZQ4N7G3Y5B2K9T6W1XKEY2";
    ok(&c, "UpsertAuthSchemeConfig", json!({"system_id": sys_id, "auth_scheme_config_id": SECOND, "body": api_key_config(SECOND, "X-Other")})).await;
    // Update applies every member it is given, authSchemeConfigIds included
    let updated = ok(&c, "UpdateConnectionTemplate", json!({"project_id": p, "template_id": one_id, "body": {"authSchemeConfigIds": [SECOND], "name": "erp", "dynamic": false}})).await;
    assert_eq!(
        (updated["name"].as_str(), updated["dynamic"].as_bool()),
        (Some("erp"), Some(false))
    );
    assert_eq!(config_ids(&updated), [SECOND]);
    let in_env = json!({"project_id": p, "env_id": env});
    let listed = ok(&c, "ListProjectConnectionTemplates", in_env.clone()).await;
    let all_configs = config_ids(listed_template(&listed, &all_id));
    assert_eq!(all_configs, [KEY_CONFIG, SECOND]);
    assert_eq!(config_ids(listed_template(&listed, &one_id)), [SECOND]);
    assert_eq!(listed["totalCount"], 2);
    // a change to the system's config shows at once
    let mut renamed = api_key_config(SECOND, "X-Renamed");
    renamed["apiKey"]["description"] = json!("renamed");
    ok(
        &c,
        "UpsertAuthSchemeConfig",
        json!({"system_id": sys_id, "auth_scheme_config_id": SECOND, "body": renamed}),
    )
    .await;
    let listed = ok(&c, "ListProjectConnectionTemplates", in_env).await;
    let shown = listed_template(&listed, &one_id);
    assert_eq!(shown["authSchemeConfigs"][0]["apiKey"]["name"], "X-Renamed");
    // an id that is not one of the system's configs is named
    let err = fails(&c, "UpdateConnectionTemplate", json!({"project_id": p, "template_id": one_id, "body": {"authSchemeConfigIds": [SECOND, "nope"]}})).await;
    assert_eq!(rule_fields(&err), ["authSchemeConfigIds[1]"]);

    // the official client's OAuth2 flow uses the template's id as the system
    let oauth2 = ok(&c, "UpsertAuthSchemeConfig", json!({"system_id": sys_id, "auth_scheme_config_id": "01J8ZQ4N7G3Y5B2K9T6W1X0AV2", "body": {
        "type": "oauth2", "oauth2": {"id": "01J8ZQ4N7G3Y5B2K9T6W1X0AV2", "description": "o", "authorizeUrl": "https://auth.example/authorize",
        "tokenUrl": "https://auth.example/token", "scopes": [], "defaultScopes": [], "grant": {"type": "authorizationCode"}}}})).await;
    // the grant's credential is the platform's (made for the config)
    let credential = oauth2["oauth2"]["grant"]["authorizationCode"]["credentialId"].clone();
    let flow = ok(&c, "InitialiseOAuth2Connection", json!({"system_id": all["id"], "body": {
        "credential": {"id": credential, "organisationId": ORG}, "authorizeUrl": "https://auth.example/authorize",
        "clientId": "abc", "scopes": [], "redirectUrl": "http://127.0.0.1:62168/oauth/callback", "disableOfflineAccess": true, "prompt": "consent"}})).await;
    assert!(
        flow["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://auth.example/authorize?")),
        "{flow}"
    );

    // the template's own id addresses it; the system's does not
    assert_eq!(
        fails(
            &c,
            "DeleteConnectionTemplate",
            json!({"project_id": p, "template_id": sys_id})
        )
        .await
        .status(),
        Some(404)
    );
    ok(
        &c,
        "DeleteConnectionTemplate",
        json!({"project_id": p, "template_id": one_id}),
    )
    .await;
}

#[tokio::test]
async fn connections_belong_to_their_end_user_and_take_the_templates_base_url() {
    let (_emulator, c, p, env) = deployed_project("connections").await;
    let sys = system(&c, "shop").await;
    let t = ok(&c, "CreateConnectionTemplate", json!({"project_id": p, "body": {"systemId": sys["id"], "name": "shop", "environmentId": env, "dynamic": true}})).await;
    let template = t["connectionTemplateId"].clone();
    let alice = ok(
        &c,
        "CreateEndUser",
        json!({"body": {"externalId": "alice"}}),
    )
    .await;
    ok(&c, "CreateEndUser", json!({"body": {"externalId": "bob"}})).await;
    // what the official client sends: zero ULIDs for ids it leaves unset
    let zero = "00000000000000000000000000";
    let credentials = json!([{"id": zero, "authSchemeConfig": api_key_config(KEY_CONFIG, "X-Key"),
        "credential": {"id": zero, "organisationId": zero, "type": "string", "data": {"string": {"value": "secret"}}}}]);
    let mine = ok(
        &c,
        "CreateConnection",
        json!({"body": {"connectionTemplateId": template, "externalId": "alice",
        "connection": {"name": "alice's", "credentials": credentials, "baseUrl": ""}}}),
    )
    .await;
    assert_eq!(
        mine["baseUrl"], "https://api.shop.example",
        "the template's base URL when none is set"
    );
    let pairing = &mine["credentials"][0];
    for id in [&pairing["id"], &pairing["credential"]["id"]] {
        let id = id.as_str().expect("an id");
        assert!(
            id.len() == 26 && id != zero && ulid::Ulid::from_string(id).is_ok(),
            "{id}"
        );
    }
    assert_eq!(pairing["credential"]["organisationId"], ORG);
    // an id the client chose is kept
    let chosen = "01J8ZQ4N7G3Y5B2K9T6W1XPA1R";
    let shared = ok(&c, "CreateConnection", json!({"body": {"connectionTemplateId": template,
        "connection": {"name": "shared", "credentials": [{"id": chosen}], "baseUrl": "https://tenant.shop.example"}}})).await;
    assert_eq!(shared["credentials"][0]["id"], chosen);
    assert_eq!(shared["baseUrl"], "https://tenant.shop.example");

    let listed = |user: Value| {
        let c = c.clone();
        async move {
            let page = ok(&c, "ListConnections", json!({"end_user_id": user})).await;
            page["items"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|i| i["name"].as_str().unwrap_or_default().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(listed(alice["id"].clone()).await, ["alice's"]);
    assert!(listed(json!("01J8ZQ4N7G3Y5B2K9T6W1XN0NE")).await.is_empty());
    let all = ok(&c, "ListConnections", json!({"system_id": sys["id"]})).await;
    assert_eq!(all["totalCount"], 2);
    // a connection an activation makes belongs to the activated user
    ok(
        &c,
        "ActivateUser",
        json!({"body": {"userId": "bob", "environmentId": env, "connections": [
        {"connectionTemplateId": template, "connection": {"name": "bob's", "credentials": []}}]}}),
    )
    .await;
    let bob = ok(&c, "GetEndUser", json!({"user_id": "bob"})).await;
    assert_eq!(listed(bob["id"].clone()).await, ["bob's"]);
    // an unknown end user is named
    let err = fails(
        &c,
        "CreateConnection",
        json!({"body": {"connectionTemplateId": template, "externalId": "nobody",
        "connection": {"name": "x", "credentials": []}}}),
    )
    .await;
    assert_eq!(rule_fields(&err), ["externalId"]);
    // an empty base URL on update goes back to the system's
    let back = ok(&c, "UpdateConnection", json!({"connection_id": shared["id"], "body": {"name": "shared", "credentials": [], "baseUrl": ""}})).await;
    assert_eq!(back["baseUrl"], "https://api.shop.example");
    // a deleted end user owns nothing any more: the filter finds none of
    // their connections, which stay (the platform documents no cascade)
    ok(&c, "DeleteEndUser", json!({"user_id": bob["id"]})).await;
    assert!(listed(bob["id"].clone()).await.is_empty());
    let all = ok(&c, "ListConnections", json!({"system_id": sys["id"]})).await;
    assert_eq!(all["totalCount"], 3);
}

#[tokio::test]
async fn project_notifications_answer_with_and_without_the_organisation_prefix() {
    let (emulator, c, p, env) = deployed_project("alerts").await;
    let channel = ok(&c, "CreateNotificationChannel", json!({"body": {"name": "ops", "type": "email", "config": {"email": {"to": "ops@example.com"}}}})).await;
    let body = json!({"channel_id": channel["id"], "environment_id": env, "name": "prod alerts"})
        .to_string();
    let subscriptions = json!({"project_id": p});
    // the official client's form
    let unprefixed = format!("/projects/{p}/notifications");
    let made = raw(&emulator, "POST", &unprefixed, Some(&body)).await;
    assert_eq!(made.status, 201, "{}", made.body);
    let id = made.body["id"].as_str().expect("id").to_string();
    // the seed's form sees the same notification
    let listed = ok(&c, "ListProjectNotifications", subscriptions.clone()).await;
    assert_eq!(listed["items"][0]["id"], id.as_str());
    let listed = get(&emulator, &format!("{unprefixed}?env_id={env}")).await;
    assert_eq!(listed.body["items"][0]["id"], id.as_str());
    // the same rules: the environment must be the project's
    let other = project(&c, "other").await;
    let elsewhere = format!("/projects/{other}/notifications");
    let wrong = raw(&emulator, "POST", &elsewhere, Some(&body)).await;
    assert_eq!(wrong.status, 422);
    // tenancy: the project decides the organisation; another one does not see it
    let outsider = client(&emulator, OTHER_ORG);
    let hidden = fails(&outsider, "ListProjectNotifications", subscriptions.clone()).await;
    assert_eq!(hidden.status(), Some(404));
    let unknown = get(
        &emulator,
        "/projects/01J8ZQ4N7G3Y5B2K9T6W1XN0NE/notifications",
    )
    .await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.body["code"], "not_found");
    // a wrong method is a 405 there too
    let put = raw(&emulator, "PUT", &unprefixed, Some("{}")).await;
    assert_eq!(
        (put.status, put.headers["allow"].to_str().ok()),
        (405, Some("GET, POST"))
    );
    // a delete scoped to another environment (`env_id`) finds nothing there,
    // under either path
    let staging = environment(&c, &p, "staging").await;
    let in_staging = format!("{unprefixed}/{id}?env_id={staging}");
    let missed = raw(&emulator, "DELETE", &in_staging, None).await;
    assert_eq!(
        (missed.status, missed.body["code"].as_str()),
        (404, Some("not_found")),
        "{}",
        missed.body
    );
    let err = fails(
        &c,
        "DeleteProjectNotification",
        json!({"project_id": p, "notification_id": id, "env_id": staging}),
    )
    .await;
    assert_eq!(err.status(), Some(404));
    let still = ok(&c, "ListProjectNotifications", subscriptions.clone()).await;
    assert_eq!(still["items"][0]["id"], id.as_str(), "still subscribed");
    // its own environment's id, or none, deletes it
    let in_env = format!("{unprefixed}/{id}?env_id={env}");
    let gone = raw(&emulator, "DELETE", &in_env, None).await;
    assert_eq!(gone.status, 204);
    let none = ok(&c, "ListProjectNotifications", subscriptions.clone()).await;
    assert_eq!(none["items"], json!([]));
    let again = ok(&c, "CreateProjectNotification", json!({"project_id": p, "body": {"channel_id": channel["id"], "environment_id": env, "name": "again"}})).await;
    ok(
        &c,
        "DeleteProjectNotification",
        json!({"project_id": p, "notification_id": again["id"], "env_id": env}),
    )
    .await;
    let made = raw(&emulator, "POST", &unprefixed, Some(&body)).await;
    let made_id = made.body["id"].as_str().expect("id");
    let gone = raw(
        &emulator,
        "DELETE",
        &format!("{unprefixed}/{made_id}"),
        None,
    )
    .await;
    assert_eq!(gone.status, 204);
    let none = ok(&c, "ListProjectNotifications", subscriptions).await;
    assert_eq!(none["items"], json!([]));
}

#[tokio::test]
async fn null_for_an_empty_array_or_object_member_is_accepted() {
    let emulator = Emulator::start().await.expect("starts");
    // what the official client's `systems create` sends for empty lists
    let body = json!({"name": "go", "domain": "go.example", "templateBaseUrl": "https://go.example",
        "labels": null, "authSchemeConfigs": [{"type": "oauth2", "oauth2": {"id": "01J8ZQ4N7G3Y5B2K9T6W1X0AV3", "description": "",
            "tokenUrl": "https://go.example/token", "scopes": null, "defaultScopes": null, "grant": {"type": "clientCredentials"}}}]});
    let systems = format!("/o/{ORG}/systems");
    let made = raw(&emulator, "POST", &systems, Some(&body.to_string())).await;
    assert_eq!(made.status, 201, "{}", made.body);
    assert_eq!(
        made.body["authSchemeConfigs"][0]["oauth2"]["defaultScopes"],
        json!([])
    );
    let empty = json!({"name": "go2", "domain": "go.example", "templateBaseUrl": "https://go.example", "authSchemeConfigs": null});
    let made = raw(&emulator, "POST", &systems, Some(&empty.to_string())).await;
    assert_eq!(
        (made.status, &made.body["authSchemeConfigs"]),
        (201, &json!([]))
    );
    // every other violation stays a 400 naming the member
    let bad = json!({"name": null, "domain": "go.example", "templateBaseUrl": "https://go.example", "authSchemeConfigs": [{"type": 3}]});
    let refused = raw(&emulator, "POST", &systems, Some(&bad.to_string())).await;
    assert_eq!(refused.status, 400);
    let fields = field_names(&refused.body);
    assert!(
        fields.contains(&"name") && fields.contains(&"authSchemeConfigs[0].type"),
        "{}",
        refused.body
    );
}

#[tokio::test]
async fn schema_400s_name_every_member_in_fields() {
    let (emulator, c) = started().await;
    let bad = json!({"entries": [{"key": ["a"]}, {"key": "b", "value": 1}]});
    let s = store(&c).await;
    let batch = format!("/store/{s}/kv/batch");
    let refused = raw(&emulator, "PUT", &batch, Some(&bad.to_string())).await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (400, Some("invalid_field"))
    );
    assert_eq!(
        field_names(&refused.body),
        ["entries[0].value", "entries[1].key"]
    );
    assert!(refused.body["fields"][0]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
}

#[tokio::test]
async fn recording_urls_are_valid_uris_for_any_file_name() {
    let (_emulator, c) = started().await;
    let automation = ok(&c, "CreateAutomation", json!({"body": {"name": "a"}})).await;
    for name in [
        "r\u{e9}sum\u{e9} \u{2713}.webm",
        "tab\tand\u{7}bell",
        "say \"hi\".mp4",
        "../up/..",
        "a?b#c&d=e%",
        "<>{}|\\^`",
    ] {
        let made = ok(&c, "CreateRecording", json!({"automation_id": automation["id"], "body": {"fileName": name, "contentType": "video/webm"}})).await;
        let url = made["url"].as_str().expect("url");
        assert!(
            url.bytes()
                .all(|b| b.is_ascii_graphic() && !b"\"<>\\^`{|}".contains(&b)),
            "{name:?}: {url}"
        );
        let parsed = reqwest::Url::parse(url).expect("a URL");
        assert_eq!(parsed.as_str(), url, "nothing for a parser to fix in {url}");
        let kept: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
        assert_eq!(kept, [("fileName".to_string(), name.to_string())], "{url}");
    }
}

/// `op`'s path with every parameter filled in (the test organisation, or
/// an id that names nothing).
fn some_path(op: &versori_core::operations::Operation) -> String {
    path_with(op, None)
}

/// `op`'s path with ids in its parameters (a ULID where the spec wants one),
/// except `odd`, which gets a value that is not a ULID.
fn path_with(op: &versori_core::operations::Operation, odd: Option<&str>) -> String {
    op.parameters
        .iter()
        .filter(|p| p.location == Location::Path)
        .fold(op.path.to_string(), |path, p| {
            let value = if Some(p.name) == odd {
                "not-a-ulid"
            } else if p.name == "organisation_id" {
                ORG
            } else if p.format == Some("ulid") {
                "01J8ZQ4N7G3Y5B2K9T6W1XS0ME"
            } else {
                "x1"
            };
            path.replace(&format!("{{{}}}", p.name), value)
        })
}

#[tokio::test]
async fn an_auth_scheme_configs_id_is_any_name_as_the_official_client_sends() {
    // the one `format: ulid` the platform keeps as a plain string
    // (`x-versori-format-unchecked`)
    let (_emulator, c) = started().await;
    let crm = system(&c, "crm").await;
    let config = ok(
        &c,
        "UpsertAuthSchemeConfig",
        json!({"system_id": crm["id"], "auth_scheme_config_id": "shopify-key", "body": {
            "type": "api-key", "apiKey": {"id": "shopify-key", "description": "Admin API token",
            "in": "header", "name": "X-Shopify-Access-Token"}}}),
    )
    .await;
    assert_eq!(config["apiKey"]["id"], "shopify-key");
    let got = ok(&c, "GetSystem", json!({"system_id": crm["id"]})).await;
    let ids: Vec<&Value> = got["authSchemeConfigs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| &c["apiKey"]["id"])
        .collect();
    assert!(ids.contains(&&json!("shopify-key")), "{got}");
}

#[tokio::test]
async fn every_id_the_spec_declares_a_ulid_must_be_one() {
    let emulator = Emulator::start().await.expect("starts");
    let mut checked = 0;
    for op in OPERATIONS {
        for p in op
            .parameters
            .iter()
            .filter(|p| p.location == Location::Path && p.format == Some("ulid"))
        {
            let path = path_with(op, Some(p.name));
            let answer = raw(&emulator, op.method.as_str(), &path, None).await;
            assert_eq!(answer.status, 400, "{} {path}: {}", op.id, answer.body);
            assert_eq!(answer.body["fields"][0]["field"], p.name, "{}", op.id);
            checked += 1;
        }
    }
    assert!(checked > 200, "{checked} ULID path parameters");
    // a query parameter
    let path = format!("/o/{ORG}/users?environment_id=env-1");
    let answer = raw(&emulator, "GET", &path, None).await;
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert_eq!(answer.body["fields"][0]["field"], "environment_id");
    // a body member
    let answer = raw(
        &emulator,
        "POST",
        &format!("/o/{ORG}/connections"),
        Some(r#"{"connectionTemplateId": "crm", "connection": {"name": "c", "credentials": []}}"#),
    )
    .await;
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert_eq!(answer.body["fields"][0]["field"], "connectionTemplateId");
}

#[tokio::test]
async fn a_wrong_method_is_405_with_allow_everywhere() {
    let emulator = Emulator::start().await.expect("starts");
    // (under /kv/ a fixed route's missing methods reach the key route:
    // tests/kv.rs covers those paths)
    for op in OPERATIONS
        .iter()
        .filter(|o| !o.path.starts_with("/store/{store}/kv/"))
    {
        let path = some_path(op);
        let allowed: Vec<&str> = {
            let mut m: Vec<&str> = OPERATIONS
                .iter()
                .filter(|o| o.path == op.path)
                .map(|o| o.method.as_str())
                .collect();
            m.sort_unstable();
            m
        };
        let Some(other) = ["GET", "POST", "PUT", "PATCH", "DELETE"]
            .into_iter()
            .find(|m| !allowed.contains(m))
        else {
            continue;
        };
        let answer = raw(&emulator, other, &path, None).await;
        assert_eq!(answer.status, 405, "{other} {path} ({})", op.id);
        assert_eq!(answer.body["code"], "method_not_allowed", "{other} {path}");
        let allow = answer
            .headers
            .get("allow")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        for m in &allowed {
            assert!(
                allow.contains(m),
                "{other} {path}: Allow {allow:?} lacks {m}"
            );
        }
    }
}

#[tokio::test]
async fn every_required_body_is_required() {
    let emulator = Emulator::start().await.expect("starts");
    let mut checked = 0;
    for op in OPERATIONS
        .iter()
        .filter(|o| o.body.is_some_and(|b| b.required && !b.may_be_omitted))
    {
        let path = some_path(op);
        let answer = raw(&emulator, op.method.as_str(), &path, None).await;
        assert_eq!(
            answer.status, 400,
            "{} {path} without a body: {}",
            op.id, answer.body
        );
        assert_eq!(answer.body["fields"][0]["field"], "body", "{}", op.id);
        checked += 1;
    }
    assert!(checked > 30, "{checked} operations require a body");
}

#[tokio::test]
async fn a_body_the_spec_lets_be_left_out_may_be_left_out() {
    let (emulator, c, p, _env) = deployed_project("no-body").await;
    let omittable: Vec<&str> = OPERATIONS
        .iter()
        .filter(|o| o.body.is_some_and(|b| b.may_be_omitted))
        .map(|o| o.id)
        .collect();
    assert_eq!(omittable, ["DeployProjectVersion"]);
    let version = ok(
        &c,
        "CreateProjectVersion",
        json!({"project_id": p, "body": {"name": "v9", "files": support::index_ts("// v9")}}),
    )
    .await;
    let version_id = version["id"].as_str().expect("id");
    // as the platform's own client sends it: no body, no content type
    let path = format!("/o/{ORG}/projects/{p}/versions/{version_id}/deploy?project_env=production");
    let answer = raw(&emulator, "PUT", &path, None).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let production = answer.body["environments"]
        .as_array()
        .and_then(|envs| envs.iter().find(|e| e["name"] == "production"))
        .expect("production");
    assert_eq!(production["deployedVersion"]["id"], version_id);
    // and through the generic call, which then sends no body either
    let project = ok(
        &c,
        "DeployProjectVersion",
        json!({"project_id": p, "version_id": version_id, "project_env": "production"}),
    )
    .await;
    assert_eq!(project["id"], p.as_str());
    // a body that is there is still checked
    let answer = raw(&emulator, "PUT", &path, Some("[1]")).await;
    assert_eq!(answer.status, 400, "{}", answer.body);
}

#[tokio::test]
async fn list_end_users_filters_by_activation_on_an_environment() {
    let (emulator, c, _p, env) = deployed_project("users").await;
    for u in ["in", "out"] {
        ok(&c, "CreateEndUser", json!({"body": {"externalId": u}})).await;
    }
    ok(
        &c,
        "ActivateUser",
        json!({"body": {"userId": "in", "environmentId": env, "connections": []}}),
    )
    .await;
    for (activated, expected) in [(true, "in"), (false, "out")] {
        let args = json!({"activated": activated, "environment_id": env});
        let users = ok(&c, "ListEndUsers", args).await;
        assert_eq!(texts(&users["users"], "/externalId"), [expected]);
    }
    let everyone = ok(&c, "ListEndUsers", json!({})).await;
    assert_eq!(texts(&everyone["users"], "/externalId").len(), 2);
    // each query that is wrong, and the parameter its 400 names
    for (query, named) in [
        (format!("activated=xyz&environment_id={env}"), "activated"),
        ("activated=true".to_string(), "environment_id"),
        (format!("environment_id={env}"), "activated"),
    ] {
        assert_bad_parameter(&emulator, &format!("/o/{ORG}/users?{query}"), named).await;
    }
    let unknown = get(
        &emulator,
        &format!("/o/{ORG}/users?activated=true&environment_id=01J8ZQ4N7G3Y5B2K9T6W1XN0NE"),
    )
    .await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn a_handler_panic_is_a_500_and_the_emulator_keeps_serving() {
    let emulator = Emulator::builder()
        .panic_on("CreateProject")
        .start()
        .await
        .expect("starts");
    let c = client(&emulator, ORG);
    let projects = format!("/o/{ORG}/projects");
    for _ in 0..2 {
        let answer = raw(&emulator, "POST", &projects, Some(r#"{"name": "p"}"#)).await;
        assert_panic_answer(&answer, "CreateProject");
    }
    // every other operation, writes included, still works
    let user = json!({"externalId": "after-panic"});
    ok(&c, "CreateEndUser", json!({ "body": user })).await;
    let again = ok(&c, "GetEndUser", json!({"user_id": "after-panic"})).await;
    assert_eq!(again["externalId"], "after-panic");
    ok(&c, "ListProjects", json!({})).await;
}

/// The answer to a request whose handling panicked in `op`: a 500 with the
/// spec's `Error` body, code `internal`, naming the operation.
fn assert_panic_answer(answer: &support::Raw, op: &str) {
    assert_eq!(answer.status, 500, "{op}: {}", answer.body);
    assert_eq!(answer.body["code"], "internal");
    assert!(
        answer.body["message"]
            .as_str()
            .is_some_and(|m| m.contains(op)),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn a_panic_at_any_stage_of_a_request_is_a_500_and_the_store_stays_usable() {
    let emulator = Emulator::builder()
        .panic_at("CreateProject", PanicStage::Request)
        .panic_at("CreateEndUser", PanicStage::Handler)
        .panic_at("ListEndUsers", PanicStage::Response)
        .start()
        .await
        .expect("starts");
    let c = client(&emulator, ORG);
    let (projects, users) = (format!("/o/{ORG}/projects"), format!("/o/{ORG}/users"));
    let attempts = [
        ("POST", &projects, Some(r#"{"name": "p"}"#), "CreateProject"),
        // a body that would fail its checks: the panic comes first
        ("POST", &projects, Some("not json"), "CreateProject"),
        (
            "POST",
            &users,
            Some(r#"{"externalId": "x"}"#),
            "CreateEndUser",
        ),
        ("GET", &users, None, "ListEndUsers"),
    ];
    for _ in 0..2 {
        for (method, path, body, op) in &attempts {
            let answer = raw(&emulator, method, path, *body).await;
            assert_panic_answer(&answer, op);
        }
    }
    // the handler's panic poisoned the store's lock, which is recovered:
    // writes and reads work, and what the failed requests did not do is not done
    ok(
        &c,
        "CreateSystem",
        json!({"body": {"name": "after", "domain": "after.example",
        "templateBaseUrl": "https://after.example", "authSchemeConfigs": []}}),
    )
    .await;
    let systems = ok(&c, "ListSystems", json!({})).await;
    assert_eq!(systems["totalCount"], 1);
    assert_eq!(
        ok(&c, "ListProjects", json!({})).await["projects"],
        json!([])
    );
    assert_eq!(
        fails(&c, "GetEndUser", json!({"user_id": "x"}))
            .await
            .status(),
        Some(404)
    );
}

#[tokio::test]
async fn activation_variables_are_checked_as_the_sdk_checks_them() {
    let (_emulator, c, p, env) = deployed_project("variables").await;
    let schema = json!({"type": "object", "required": ["apiKey"], "properties": {
        "apiKey": {"type": "string", "minLength": 3},
        "retries": {"type": "integer", "minimum": 0, "maximum": 5},
        "region": {"enum": ["eu", "us"]},
        "limits": {"type": "object", "properties": {"daily": {"type": "number", "exclusiveMinimum": 0}}}}});
    ok(
        &c,
        "SetProjectVariablesSchema",
        json!({"project_id": p, "body": schema}),
    )
    .await;
    let cases = [
        json!({"apiKey": "key"}),
        json!({"apiKey": "key", "retries": 9}),
        json!({"apiKey": "key", "region": "mars"}),
        json!({"apiKey": "k"}),
        json!({"apiKey": "key", "limits": {"daily": 0}}),
        json!({"retries": 1}),
        json!({"apiKey": "key", "retries": 5, "region": "us", "limits": {"daily": 1.5}}),
    ];
    for (i, variables) in cases.iter().enumerate() {
        let user = format!("u{i}");
        ok(&c, "CreateEndUser", json!({"body": {"externalId": user}})).await;
        let sdk = versori::validate_variables(&schema, variables).expect("schema");
        let answer = c
            .call("ActivateUser", json!({"body": {"userId": user, "environmentId": env, "connections": [], "dynamicVariables": variables}}))
            .await;
        assert_eq!(
            answer.is_ok(),
            sdk.is_empty(),
            "{variables}: the SDK says {sdk:?}, the emulator {answer:?}"
        );
        if let Err(versori::Error::Api { status, fields, .. }) = &answer {
            assert_eq!(*status, 422);
            assert_eq!(fields.len(), sdk.len(), "{variables}: {fields:?}");
            assert!(
                fields
                    .iter()
                    .all(|f| f.field.starts_with("dynamicVariables")),
                "{fields:?}"
            );
        }
    }
    // the final state of an update is checked the same way
    ok(
        &c,
        "CreateEndUser",
        json!({"body": {"externalId": "final"}}),
    )
    .await;
    let activation = ok(&c, "ActivateUser", json!({"body": {"userId": "final", "environmentId": env, "connections": [], "dynamicVariables": {"apiKey": "key"}}})).await;
    let err = fails(
        &c,
        "SetDynamicVariables",
        json!({"environment_id": env, "activation_id": activation["id"], "body": {"retries": -1}}),
    )
    .await;
    assert_eq!(err.status(), Some(422));
    assert!(err.to_string().contains("retries"), "{err}");
    // and a schema that is not JSON Schema is refused before it is stored
    let err = fails(
        &c,
        "SetProjectVariablesSchema",
        json!({"project_id": p, "body": {"type": "nonsense"}}),
    )
    .await;
    assert_eq!(err.status(), Some(400));
}

#[tokio::test]
async fn rule_422s_name_the_member_that_breaks_them() {
    let (_emulator, c, p, env) = deployed_project("rules").await;
    ok(
        &c,
        "CreateEndUser",
        json!({"body": {"externalId": "fixed"}}),
    )
    .await;
    let cases = [
        (
            "UpdateEndUser",
            json!({"user_id": "fixed", "body": {"externalId": "other"}}),
            "externalId",
        ),
        (
            "CreateConnectionTemplate",
            json!({"project_id": p, "body": {"systemId": "01J8ZQ4N7G3Y5B2K9T6W1XN0NE", "name": "x", "environmentId": env}}),
            "systemId",
        ),
        (
            "CreateConnection",
            json!({"body": {"connectionTemplateId": "01J8ZQ4N7G3Y5B2K9T6W1XN0NE", "connection": {"name": "x", "credentials": []}}}),
            "connectionTemplateId",
        ),
        (
            "CreateIssue",
            json!({"body": {"projectId": p, "environmentId": "01J8ZQ4N7G3Y5B2K9T6W1XN0NE", "organisationId": ORG, "reason": "error", "title": "t", "severity": "high"}}),
            "environmentId",
        ),
        (
            "ChangeEnvironmentExecutionPool",
            json!({"project_id": p, "project_env": "production", "body": {"executionPool": "nope"}}),
            "executionPool",
        ),
    ];
    for (op, args, field) in cases {
        let err = fails(&c, op, args).await;
        assert_eq!(rule_fields(&err), [field], "{op}: {err}");
    }
}

/// What the official client's `systems add-auth-scheme` sends for an OAuth
/// 2.0 grant: the credential's ids as zero ULIDs, for "not set".
const ZERO: &str = "00000000000000000000000000";

/// An OAuth 2.0 auth scheme config of grant `grant` (`authorizationCode`,
/// `password` or `clientCredentials`) whose grant member is `settings`.
fn oauth2_config(id: &str, grant: &str, settings: Value) -> Value {
    json!({"type": "oauth2", "oauth2": {"id": id, "description": grant, "authorizeUrl": "https://auth.example/authorize",
        "tokenUrl": "https://auth.example/token", "scopes": [], "defaultScopes": [],
        "grant": {"type": grant, grant: settings}}})
}

/// The status of an answer and the members its `fields` name.
fn refused(answer: &support::Raw) -> (u16, Vec<&str>) {
    (answer.status, field_names(&answer.body))
}

/// The OAuth 2.0 grants that hold a client secret (`authorizationCode`,
/// `password`) keep it in a credential, as the spec's grant schemas say:
/// no ids (or zero ULIDs) make a new credential that the config then names,
/// both ids update that one, one without the other is a 400. The OAuth 2.0
/// flow takes only a credential that exists for the organisation.
#[tokio::test]
async fn oauth2_grant_secrets_go_to_a_credential_the_config_names() {
    let (emulator, c) = started().await;
    let sys = system(&c, "hub").await;
    let sys_id = sys["id"].as_str().expect("id");
    const CODE: &str = "01J8ZQ4N7G3Y5B2K9T6W1XC0DE";
    let config_path = |id: &str| format!("/o/{ORG}/systems/{sys_id}/auth-scheme-configs/{id}");
    let upsert = |id: &str, body: Value| {
        let path = config_path(id);
        let emulator = &emulator;
        async move { raw(emulator, "PUT", &path, Some(&body.to_string())).await }
    };
    // the official client's body: zero ids, the secret inline
    let made = upsert(
        CODE,
        oauth2_config(
            CODE,
            "authorizationCode",
            json!({"clientId": "hs-client",
        "clientSecret": "hs-secret", "credentialId": ZERO, "organisationId": ZERO}),
        ),
    )
    .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let grant = made.body["oauth2"]["grant"]["authorizationCode"].clone();
    let credential = grant["credentialId"]
        .as_str()
        .expect("a credential")
        .to_string();
    assert!(
        ulid::Ulid::from_string(&credential).is_ok() && credential != ZERO,
        "{grant}"
    );
    assert_eq!(grant["organisationId"], ORG);
    assert_eq!(grant["clientId"], "hs-client");
    assert!(
        grant.get("clientSecret").is_none(),
        "the secret is the credential's: {grant}"
    );
    let got = ok(&c, "GetSystem", json!({"system_id": sys_id})).await;
    let stored = texts(
        &got["authSchemeConfigs"],
        "/oauth2/grant/authorizationCode/credentialId",
    );
    assert!(stored.contains(&credential.as_str()), "{got}");
    assert!(!got.to_string().contains("hs-secret"), "{got}");

    // sent back with its ids, the config keeps them; what it leaves out stays
    let mut again = made.body.clone();
    again["oauth2"]["grant"]["authorizationCode"]["clientId"] = json!("hs-client-2");
    let kept = upsert(CODE, again.clone()).await;
    assert_eq!(kept.status, 201, "{}", kept.body);
    assert_eq!(
        kept.body["oauth2"]["grant"]["authorizationCode"],
        json!({
        "clientId": "hs-client-2", "credentialId": credential, "organisationId": ORG})
    );
    let ids_only =
        json!({"credentialId": credential, "organisationId": ORG, "clientSecret": "rotated"});
    let kept = upsert(CODE, oauth2_config(CODE, "authorizationCode", ids_only)).await;
    assert_eq!(
        kept.body["oauth2"]["grant"]["authorizationCode"],
        json!({
        "clientId": "hs-client-2", "credentialId": credential, "organisationId": ORG})
    );

    // one id without the other: a 400 naming the one missing, nothing stored
    let grant_at = "oauth2.grant.authorizationCode";
    for (settings, missing) in [
        (
            json!({"credentialId": credential, "organisationId": ZERO}),
            "organisationId",
        ),
        (json!({"credentialId": credential}), "organisationId"),
        (
            json!({"credentialId": "", "organisationId": ORG}),
            "credentialId",
        ),
        (
            json!({"credentialId": ZERO, "organisationId": ORG}),
            "credentialId",
        ),
    ] {
        let partial = upsert(
            CODE,
            oauth2_config(CODE, "authorizationCode", settings.clone()),
        )
        .await;
        assert_eq!(
            refused(&partial),
            (400, vec![format!("{grant_at}.{missing}").as_str()]),
            "{settings}: {}",
            partial.body
        );
        assert_eq!(partial.body["code"], "invalid_field");
    }
    // both, but naming no credential of this organisation: a 422 naming it
    for (settings, wrong) in [
        (
            json!({"credentialId": "01J8ZQ4N7G3Y5B2K9T6W1XN0NE", "organisationId": ORG}),
            "credentialId",
        ),
        (
            json!({"credentialId": credential, "organisationId": OTHER_ORG}),
            "organisationId",
        ),
    ] {
        let unknown = upsert(
            CODE,
            oauth2_config(CODE, "authorizationCode", settings.clone()),
        )
        .await;
        assert_eq!(
            refused(&unknown),
            (422, vec![format!("{grant_at}.{wrong}").as_str()]),
            "{settings}: {}",
            unknown.body
        );
    }
    let got = ok(&c, "GetSystem", json!({"system_id": sys_id})).await;
    let unchanged = texts(
        &got["authSchemeConfigs"],
        "/oauth2/grant/authorizationCode/clientId",
    );
    assert!(unchanged.contains(&"hs-client-2"), "{got}");

    // the password grant alike, with a credential of its own; the client
    // credentials grant holds no secret and is kept as sent
    const PASSWORD: &str = "01J8ZQ4N7G3Y5B2K9T6W1XPASS";
    let password = upsert(
        PASSWORD,
        oauth2_config(
            PASSWORD,
            "password",
            json!({"clientId": "pw",
        "clientSecret": "pw-secret", "credentialId": ZERO, "organisationId": ZERO}),
        ),
    )
    .await;
    let grant = &password.body["oauth2"]["grant"]["password"];
    assert_eq!(grant["organisationId"], ORG, "{}", password.body);
    assert!(
        grant["credentialId"]
            .as_str()
            .is_some_and(|id| id != credential && id != ZERO),
        "{grant}"
    );
    assert!(grant.get("clientSecret").is_none(), "{grant}");
    let partial = upsert(
        PASSWORD,
        oauth2_config(PASSWORD, "password", json!({"organisationId": ORG})),
    )
    .await;
    assert_eq!(
        refused(&partial),
        (400, vec!["oauth2.grant.password.credentialId"])
    );
    const CLIENT: &str = "01J8ZQ4N7G3Y5B2K9T6W1XC1NT";
    let client_grant = upsert(
        CLIENT,
        oauth2_config(CLIENT, "clientCredentials", json!({})),
    )
    .await;
    assert_eq!(
        client_grant.body["oauth2"]["grant"],
        json!({"type": "clientCredentials", "clientCredentials": {}})
    );

    // CreateSystem's configs follow the same rules, each named by position
    let with = |configs: Value| json!({"name": "crm", "domain": "crm.example", "templateBaseUrl": "https://crm.example", "authSchemeConfigs": configs});
    let created = ok(&c, "CreateSystem", json!({"body": with(json!([
        oauth2_config(PASSWORD, "password", json!({"clientId": "c", "clientSecret": "s", "credentialId": ZERO, "organisationId": ZERO}))]))})).await;
    let grant = &created["authSchemeConfigs"][0]["oauth2"]["grant"]["password"];
    assert_eq!(grant["organisationId"], ORG, "{created}");
    assert!(
        grant["credentialId"].as_str().is_some_and(|id| id != ZERO),
        "{grant}"
    );
    assert!(grant.get("clientSecret").is_none(), "{grant}");
    let systems = ok(&c, "ListSystems", json!({})).await["totalCount"].clone();
    let partial = raw(
        &emulator,
        "POST",
        &format!("/o/{ORG}/systems"),
        Some(
            &with(json!([
                oauth2_config(CODE, "authorizationCode", json!({})),
                oauth2_config(PASSWORD, "password", json!({"credentialId": credential}))
            ]))
            .to_string(),
        ),
    )
    .await;
    assert_eq!(
        refused(&partial),
        (
            400,
            vec!["authSchemeConfigs[1].oauth2.grant.password.organisationId"]
        )
    );
    assert_eq!(
        ok(&c, "ListSystems", json!({})).await["totalCount"],
        systems,
        "nothing made"
    );

    // the OAuth 2.0 flow takes the config's credential, and no other
    let initialise = format!("/o/{ORG}/systems/{sys_id}/oauth2/initialise");
    let flow = |id: &str, owner: &str| {
        json!({"credential": {"id": id, "organisationId": owner},
        "authorizeUrl": "https://auth.example/authorize", "clientId": "hs-client-2"})
        .to_string()
    };
    let started_flow = raw(
        &emulator,
        "POST",
        &initialise,
        Some(&flow(&credential, ORG)),
    )
    .await;
    assert_eq!(started_flow.status, 200, "{}", started_flow.body);
    for (id, owner, expected) in [
        (ZERO, ORG, (400, vec!["credential.id"])),
        (
            credential.as_str(),
            ZERO,
            (400, vec!["credential.organisationId"]),
        ),
        (
            "01J8ZQ4N7G3Y5B2K9T6W1XN0NE",
            ORG,
            (422, vec!["credential.id"]),
        ),
        (
            credential.as_str(),
            OTHER_ORG,
            (422, vec!["credential.organisationId"]),
        ),
    ] {
        let refusal = raw(&emulator, "POST", &initialise, Some(&flow(id, owner))).await;
        assert_eq!(
            refused(&refusal),
            expected,
            "{id} of {owner}: {}",
            refusal.body
        );
    }
    // another organisation cannot use it
    let outsider = client(&emulator, OTHER_ORG);
    let theirs = system(&outsider, "theirs").await;
    let elsewhere = format!(
        "/o/{OTHER_ORG}/systems/{}/oauth2/initialise",
        theirs["id"].as_str().expect("id")
    );
    for owner in [ORG, OTHER_ORG] {
        let refusal = raw(
            &emulator,
            "POST",
            &elsewhere,
            Some(&flow(&credential, owner)),
        )
        .await;
        assert_eq!(refusal.status, 422, "{}", refusal.body);
    }
}
