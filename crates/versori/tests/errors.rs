//! Each kind of error, from the typed builders and the generic call alike.

mod common;

use common::{
    client, client_with, create_user_errors, end_user, get_user_errors, Reply, Script, ORG,
};
use serde_json::json;
use versori::{Error, RetryPolicy};

#[tokio::test]
async fn platform_errors_carry_status_code_fields_and_request_id() {
    let body = json!({
        "code": "validation_failed", "message": "the body is invalid", "details": "see fields",
        "fields": [{"field": "externalId", "message": "must not be empty"}]
    });
    let server = Script::start(vec![Reply::json(422, body).header("x-request-id", "req-42")]).await;
    let c = client(&server.url);
    for err in create_user_errors(&c, "").await {
        match &err {
            Error::Api {
                status,
                code,
                message,
                details,
                fields,
                request_id,
            } => {
                assert_eq!(*status, 422);
                assert_eq!(code, "validation_failed");
                assert_eq!(message, "the body is invalid");
                assert_eq!(details.as_deref(), Some("see fields"));
                assert_eq!(fields[0].field, "externalId");
                assert_eq!(request_id.as_deref(), Some("req-42"));
            }
            other => panic!("expected an API error, got {other:?}"),
        }
        assert_eq!(err.request_id(), Some("req-42"));
        assert_eq!(err.code(), Some("validation_failed"));
        assert!(!err.is_retryable());
        assert!(
            err.to_string()
                .contains("HTTP 422 validation_failed: the body is invalid (request id req-42)"),
            "{err}"
        );
    }
}

#[tokio::test]
async fn not_found_is_easy_to_test_for() {
    let server = Script::start(vec![Reply::error(404, "not_found", "no such user")]).await;
    for err in get_user_errors(&client(&server.url)).await {
        assert!(err.is_not_found());
        assert_eq!(err.status(), Some(404));
    }
}

#[tokio::test]
async fn an_html_error_page_still_gives_a_useful_api_error() {
    let page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let server = Script::start(vec![
        Reply::text(502, "text/html", page).header("x-request-id", "edge-1")
    ])
    .await;
    let c = client_with(&server.url, |b| b.retry(RetryPolicy::none()));
    for err in get_user_errors(&c).await {
        match &err {
            Error::Api {
                status,
                code,
                message,
                request_id,
                ..
            } => {
                assert_eq!(*status, 502);
                assert_eq!(code, "http_502");
                assert!(message.starts_with("Bad Gateway: <html>"), "{message}");
                assert_eq!(request_id.as_deref(), Some("edge-1"));
            }
            other => panic!("expected an API error, got {other:?}"),
        }
        assert!(err.is_retryable());
    }
}

#[tokio::test]
async fn an_empty_error_body_names_the_status() {
    let server = Script::start(vec![Reply::empty(500)]).await;
    for err in get_user_errors(&client(&server.url)).await {
        assert_eq!(err.status(), Some(500));
        assert!(
            err.to_string()
                .contains("Internal Server Error (empty response body)"),
            "{err}"
        );
    }
}

#[tokio::test]
async fn a_malformed_success_body_is_a_decode_error() {
    let server = Script::start(vec![Reply::text(
        200,
        "application/json",
        "{\"id\": 12, \"oops\"",
    )])
    .await;
    let [typed, generic] = get_user_errors(&client(&server.url)).await;
    assert!(matches!(typed, Error::Decode { .. }), "{typed:?}");
    match generic {
        Error::Decode {
            status, excerpt, ..
        } => {
            assert_eq!(status, Some(200));
            assert!(excerpt.starts_with("{\"id\": 12"), "{excerpt}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_typed_response_missing_required_fields_is_a_decode_error() {
    let server = Script::start(vec![Reply::json(200, json!({"id": "u1"}))]).await;
    let err = client(&server.url)
        .users()
        .get("a")
        .send()
        .await
        .expect_err("incomplete");
    match err {
        Error::Decode {
            excerpt, message, ..
        } => {
            assert!(message.contains("missing field"), "{message}");
            assert!(excerpt.contains("u1"), "{excerpt}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn without_an_organisation_calls_say_how_to_set_one() {
    let server = Script::start(vec![Reply::json(200, end_user("a"))]).await;
    let c = versori::Client::builder()
        .base_url(&server.url)
        .build()
        .expect("builds");
    for err in get_user_errors(&c).await {
        assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
        assert!(err.to_string().contains("VERSORI_ORG"), "{err}");
    }
    assert_eq!(server.count(), 0);
    // an explicit organisation argument still works
    c.call(
        "GetEndUser",
        json!({"organisation_id": ORG, "user_id": "a"}),
    )
    .await
    .expect("explicit org");
    c.with_organisation(ORG)
        .users()
        .get("a")
        .send()
        .await
        .expect("derived client");
}

/// The resource groups' requests give `versori::Error` itself, from
/// `send()` and from `.await` on the builder: a user matches on it with no
/// conversion and no progenitor type in sight.
#[tokio::test]
async fn typed_calls_give_the_sdk_error_from_send_and_from_await() {
    let not_found = || Reply::error(404, "not_found", "no such user");
    let server = Script::start(vec![not_found(), not_found()]).await;
    let c = client(&server.url);
    let sent: versori::Result<_> = c.users().get("missing").send().await;
    let awaited: versori::Result<_> = c.users().get("missing").await;
    for outcome in [sent, awaited] {
        match outcome {
            Ok(user) => panic!("expected a 404, got {:?}", user.into_inner()),
            Err(e) if e.is_not_found() => assert_eq!(e.code(), Some("not_found")),
            Err(other) => panic!("expected not found, got {other:?}"),
        }
    }
    assert_eq!(server.count(), 2);

    // a request the builder cannot make is an invalid-input error, before
    // anything is sent
    let err = c.users().create().await.expect_err("no body");
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert!(err.to_string().contains("external_id"), "{err}");
    assert_eq!(server.count(), 2);
}
