//! Credentials: header forms, signing-key tokens, configuration from the
//! environment, refusal of plain http, and secrets kept out of every output.

mod common;

use std::time::Duration;

use common::{capture_traces, client_with, end_user, get_user_errors, Reply, Script, ORG};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{json, Value};
use tracing_subscriber::fmt::format::FmtSpan;
use versori::{Client, Error, RetryPolicy, SigningKey};

const KEY_PEM: &[u8] = include_bytes!("fixtures/test-signing-key.pem");
const PUBLIC_PEM: &[u8] = include_bytes!("fixtures/test-signing-key.pub.pem");
const KEY_ID: &str = "01J8ZQ4N7G3Y5B2K9T6W1XSKEY";

fn claims(header: &str) -> Value {
    let token = header.strip_prefix("JWT ").expect("JWT scheme");
    let key = DecodingKey::from_rsa_pem(PUBLIC_PEM).expect("public key");
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[format!("https://versori.com/sk/{KEY_ID}")]);
    validation.set_required_spec_claims(&["exp", "iss", "sub"]);
    jsonwebtoken::decode::<Value>(token, &key, &validation)
        .expect("a valid RS256 token")
        .claims
}

#[tokio::test]
async fn an_api_key_is_sent_as_bearer() {
    let server = Script::start(vec![Reply::json(200, end_user("a"))]).await;
    let c = client_with(&server.url, |b| b.api_key("vk_1"));
    c.users().get("a").send().await.expect("ok");
    c.call("GetEndUser", json!({"user_id": "a"}))
        .await
        .expect("ok");
    for seen in server.requests() {
        assert_eq!(seen.header("authorization"), Some("Bearer vk_1"));
        assert!(seen
            .header("user-agent")
            .is_some_and(|ua| ua.starts_with("versori-rust/")));
    }
}

#[tokio::test]
async fn a_jwt_is_sent_with_the_jwt_scheme() {
    let server = Script::start(vec![Reply::json(200, end_user("a"))]).await;
    let c = client_with(&server.url, |b| b.jwt("eyJ.static"));
    c.users().get("a").send().await.expect("ok");
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("JWT eyJ.static")
    );
}

#[tokio::test]
async fn a_signing_key_mints_a_token_per_end_user() {
    let server = Script::start(vec![Reply::json(200, end_user("a"))]).await;
    let key = SigningKey::from_pem(KEY_ID, KEY_PEM).expect("key");
    let c = client_with(&server.url, |b| b.signing_key(key));
    let alice = c.acting_as("customer-alice");
    let bob = c.acting_as("customer-bob");
    alice
        .users()
        .get("customer-alice")
        .send()
        .await
        .expect("ok");
    alice
        .call("GetEndUser", json!({"user_id": "customer-alice"}))
        .await
        .expect("ok");
    bob.users().get("customer-bob").send().await.expect("ok");
    let seen = server.requests();
    let a1 = seen[0].header("authorization").expect("auth").to_string();
    let a2 = seen[1].header("authorization").expect("auth").to_string();
    let b1 = seen[2].header("authorization").expect("auth").to_string();
    assert_eq!(a1, a2, "the token is cached per subject");
    assert_ne!(a1, b1);
    let c = claims(&a1);
    assert_eq!(c["sub"], "customer-alice");
    assert_eq!(c["iss"], format!("https://versori.com/sk/{KEY_ID}"));
    let (iat, exp) = (
        c["iat"].as_u64().expect("iat"),
        c["exp"].as_u64().expect("exp"),
    );
    assert_eq!(exp - iat, 3600);
    assert_eq!(claims(&b1)["sub"], "customer-bob");
}

#[tokio::test]
async fn a_signing_key_without_an_end_user_is_an_auth_error() {
    let server = Script::start(vec![Reply::json(200, end_user("a"))]).await;
    let key = SigningKey::from_pem(KEY_ID, KEY_PEM).expect("key");
    let c = client_with(&server.url, |b| b.signing_key(key));
    for err in get_user_errors(&c).await {
        assert!(matches!(err, Error::Auth { .. }), "{err:?}");
        assert!(err.to_string().contains("acting_as"), "{err}");
    }
    assert_eq!(server.count(), 0, "nothing is sent without credentials");
}

#[test]
fn a_bad_signing_key_is_reported_without_its_content() {
    let err = SigningKey::from_pem(
        KEY_ID,
        b"-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n",
    )
    .expect_err("rejected");
    assert!(matches!(err, Error::Auth { .. }));
    assert!(!err.to_string().contains("not a key"), "{err}");
    let err = SigningKey::from_pem_file(KEY_ID, "/nonexistent/key.pem").expect_err("missing");
    assert!(err.to_string().contains("/nonexistent/key.pem"), "{err}");
}

/// The key's base64 lines (what must never appear in an error).
fn key_material() -> Vec<String> {
    String::from_utf8_lossy(KEY_PEM)
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .map(String::from)
        .collect()
}

fn assert_no_key_material(text: &str) {
    for line in key_material() {
        assert!(!text.contains(&line), "key material in: {text}");
    }
}

#[test]
fn pem_text_with_attributes_a_bom_or_certificates_around_it_is_accepted() {
    let pem = String::from_utf8_lossy(KEY_PEM).into_owned();
    // as `openssl pkcs12 -nodes` writes it: attribute lines, a certificate first
    let pkcs12 = format!(
        "Bag Attributes\n    localKeyID: 01 02 03\n    friendlyName: signing\nsubject=/CN=x\n\
         -----BEGIN CERTIFICATE-----\nMIIBszCCAV2gAwIBAgIU\n-----END CERTIFICATE-----\n\
         Bag Attributes\n    localKeyID: 01 02 03\nKey Attributes: <No Attributes>\n{pem}"
    );
    let with_bom = format!("\u{feff}{pem}");
    for text in [pkcs12.as_str(), with_bom.as_str(), pem.as_str()] {
        let key = SigningKey::from_pem(KEY_ID, text.as_bytes()).expect("accepted as PEM");
        assert!(claims(&format!("JWT {}", key.token_for("c-1").expect("mints")))["sub"] == "c-1");
        // text, not a path, whatever it starts with
        SigningKey::from_pem_or_path(KEY_ID, text).expect("accepted as PEM text");
    }
}

#[test]
fn key_errors_never_contain_the_key_or_key_like_arguments() {
    let pem = String::from_utf8_lossy(KEY_PEM).into_owned();
    let body: String = key_material().concat();
    let cut = &pem[..pem.len() / 2];
    let broken = pem.replace(&key_material()[3], "AAAA");
    let cases = [
        // PEM cut short, PEM with a damaged line, the bare base64 body, on
        // one line or several, as JSON: each refused without being echoed
        cut.to_string(),
        broken,
        body.clone(),
        key_material().join("\n"),
        format!("{{\"kty\":\"RSA\",\"d\":\"{body}\"}}"),
        pem.replace("PRIVATE KEY", "ENCRYPTED PRIVATE KEY"),
    ];
    for case in &cases {
        let err = SigningKey::from_pem_or_path(KEY_ID, case).expect_err("refused");
        assert!(matches!(err, Error::Auth { .. }), "{err:?}");
        let text = format!("{err} {err:?}");
        assert_no_key_material(&text);
        assert!(
            !text.contains(case.trim()),
            "the argument was echoed: {text}"
        );
    }
    let encrypted = SigningKey::from_pem_or_path(KEY_ID, &cases[5]).expect_err("encrypted");
    assert!(encrypted.to_string().contains("encrypted"), "{encrypted}");
    let cut = SigningKey::from_pem_or_path(KEY_ID, &cases[0]).expect_err("cut");
    assert!(cut.to_string().contains("-----END"), "{cut}");
    // a path is named in the error, as it is no secret
    let err = SigningKey::from_pem_or_path(KEY_ID, "/nonexistent/key.pem").expect_err("missing");
    assert!(err.to_string().contains("/nonexistent/key.pem"), "{err}");
    // a file that is not a key: the error does not show its content
    let dir = std::env::temp_dir().join(format!("versori-key-{}", std::process::id()));
    std::fs::write(&dir, format!("not a key {body}")).expect("write");
    let err = SigningKey::from_pem_or_path(KEY_ID, dir.to_str().expect("utf-8")).expect_err("bad");
    let _ = std::fs::remove_file(&dir);
    assert_no_key_material(&err.to_string());
}

/// Short pieces of a key (a base64 fragment of 16 characters or more, PEM
/// armour) given where a path is expected are never echoed, through
/// `from_pem_or_path` or `from_pem_file`; the error says what was wrong.
/// A path into an existing folder is still named, and an existing file is
/// read whatever its name looks like.
#[test]
fn fragments_of_key_material_are_never_echoed_but_paths_are_named() {
    let lines = key_material();
    let fragments = [
        lines[1][..16].to_string(),
        lines[2][..40].to_string(),
        lines[5].clone(),
        format!("/{}", &lines[3][..20]),
        format!("{}/{}", &lines[4][..10], &lines[4][10..30]),
        "-----END PRIVATE KEY-----".to_string(),
        "KEY-----\nMIIE".to_string(),
        "RSA PRIVATE KEY".to_string(),
    ];
    for fragment in &fragments {
        for err in [
            SigningKey::from_pem_or_path(KEY_ID, fragment).expect_err("refused"),
            SigningKey::from_pem_file(KEY_ID, fragment).expect_err("refused"),
        ] {
            assert!(matches!(err, Error::Auth { .. }), "{err:?}");
            let text = format!("{err} {err:?}");
            assert!(
                !text.contains(fragment.as_str()),
                "{fragment:?} was echoed: {text}"
            );
            assert!(text.contains("not shown"), "{text}");
        }
    }
    // not key material: named
    let dir = std::env::temp_dir().join(format!("versorikeys{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let missing = dir.join("signingkeymissing");
    let missing = missing.to_str().expect("utf-8");
    for value in [missing, "/nonexistent/key.pem", "key.pem", "short"] {
        let err = SigningKey::from_pem_or_path(KEY_ID, value).expect_err("missing");
        assert!(err.to_string().contains(value), "{err}");
    }
    // an existing file is read, even under a name that looks like base64
    let file = dir.join(&lines[1][..24]);
    std::fs::write(&file, KEY_PEM).expect("write");
    let read = SigningKey::from_pem_or_path(KEY_ID, file.to_str().expect("utf-8"));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(read.is_ok(), "{:?}", read.err());
}

#[test]
fn credentials_are_refused_over_plain_http_to_other_hosts() {
    let err = Client::builder()
        .base_url("http://platform.example.com/api/v2")
        .api_key("vk_1")
        .build()
        .expect_err("refused");
    assert!(matches!(err, Error::InvalidInput { .. }));
    assert!(
        err.to_string()
            .contains("plain http to platform.example.com"),
        "{err}"
    );
    assert!(err.to_string().contains("allow_insecure_http"), "{err}");
    // allowed explicitly, to loopback, or without credentials
    Client::builder()
        .base_url("http://platform.example.com/api/v2")
        .api_key("vk_1")
        .allow_insecure_http(true)
        .build()
        .expect("explicitly allowed");
    for url in [
        "http://127.0.0.1:8080",
        "http://localhost:1",
        "http://[::1]:9",
    ] {
        Client::builder()
            .base_url(url)
            .api_key("vk_1")
            .build()
            .expect("loopback");
    }
    Client::builder()
        .base_url("http://platform.example.com")
        .build()
        .expect("no credentials");
    let err = Client::builder()
        .base_url("ftp://x")
        .build()
        .expect_err("scheme");
    assert!(err.to_string().contains("ftp"), "{err}");
}

#[test]
fn configuration_comes_from_versori_variables() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    };
    let c = versori::ClientBuilder::from_lookup(env(&[
        ("VERSORI_BASE_URL", "http://127.0.0.1:9/api"),
        ("VERSORI_ORG", "org-1"),
        ("VERSORI_API_KEY", "vk_env"),
    ]))
    .expect("reads")
    .build()
    .expect("builds");
    assert_eq!(c.base_url(), "http://127.0.0.1:9/api");
    assert_eq!(c.organisation(), Some("org-1"));

    let defaults = versori::ClientBuilder::from_lookup(env(&[]))
        .expect("reads")
        .build()
        .expect("builds");
    assert_eq!(defaults.base_url(), versori::PRODUCTION_URL);
    assert_eq!(defaults.organisation(), None);

    let err =
        versori::ClientBuilder::from_lookup(env(&[("VERSORI_API_KEY", "a"), ("VERSORI_JWT", "b")]))
            .expect_err("two credentials");
    assert!(
        err.to_string().contains("VERSORI_API_KEY and VERSORI_JWT"),
        "{err}"
    );

    let err = versori::ClientBuilder::from_lookup(env(&[("VERSORI_SIGNING_KEY", "/k.pem")]))
        .expect_err("no id");
    assert!(err.to_string().contains("VERSORI_SIGNING_KEY_ID"), "{err}");
}

/// What the C and Python bindings build their clients with: each option
/// given replaces the environment's value, each one left out keeps it.
#[test]
fn binding_options_replace_the_environments_values_and_none_keeps_them() {
    let configured = |options: versori::ClientOptions| {
        versori::ClientBuilder::from_lookup(|k: &str| match k {
            "VERSORI_BASE_URL" => Some("http://127.0.0.1:9/api".to_string()),
            "VERSORI_ORG" => Some("org-env".to_string()),
            _ => None,
        })
        .expect("reads")
        .options(options)
    };
    let kept = configured(versori::ClientOptions::default())
        .build()
        .expect("builds");
    assert_eq!(kept.base_url(), "http://127.0.0.1:9/api");
    assert_eq!(kept.organisation(), Some("org-env"));
    let replaced = configured(versori::ClientOptions {
        base_url: Some("http://localhost:1".into()),
        organisation: Some("org-given".into()),
        ..versori::ClientOptions::default()
    })
    .build()
    .expect("builds");
    assert_eq!(replaced.base_url(), "http://localhost:1");
    assert_eq!(replaced.organisation(), Some("org-given"));
    // the options' credentials go through the builder's checks
    let err = configured(versori::ClientOptions {
        base_url: Some("http://platform.example.com".into()),
        credentials: Some(versori::Credentials::ApiKey("vk_1".into())),
        ..versori::ClientOptions::default()
    })
    .build()
    .expect_err("plain http");
    assert!(err.to_string().contains("allow_insecure_http"), "{err}");
}

#[tokio::test]
async fn signing_key_configuration_from_the_environment() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/test-signing-key.pem"
    );
    let server = Script::start(vec![Reply::json(200, end_user("env-user"))]).await;
    let url = server.url.clone();
    let lookup = move |k: &str| match k {
        "VERSORI_BASE_URL" => Some(url.clone()),
        "VERSORI_ORG" => Some(ORG.to_string()),
        "VERSORI_SIGNING_KEY" => Some(path.to_string()),
        "VERSORI_SIGNING_KEY_ID" => Some(KEY_ID.to_string()),
        "VERSORI_SUBJECT" => Some("env-user".to_string()),
        _ => None,
    };
    let c = versori::ClientBuilder::from_lookup(lookup)
        .expect("reads")
        .build()
        .expect("builds");
    c.users().get("env-user").send().await.expect("ok");
    let auth = server.requests()[0]
        .header("authorization")
        .expect("auth")
        .to_string();
    assert_eq!(claims(&auth)["sub"], "env-user");
}

#[tokio::test]
async fn secrets_never_appear_in_debug_errors_or_traces() {
    const SECRET: &str = "vk_super_secret_987";
    let (capture, _guard) = capture_traces(tracing::Level::TRACE, FmtSpan::NONE);

    let server = Script::start(vec![
        Reply::error(503, "busy", "later"),
        Reply::error(401, "unauthorized", "bad key"),
    ])
    .await;
    let c = client_with(&server.url, |b| {
        b.api_key(SECRET)
            .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
    });
    let [typed, generic] = get_user_errors(&c).await;

    let signed = Client::builder()
        .base_url(&server.url)
        .signing_key(SigningKey::from_pem(KEY_ID, KEY_PEM).expect("key"))
        .acting_as("someone")
        .build()
        .expect("builds");
    let texts = [
        format!("{c:?}"),
        format!("{signed:?}"),
        format!("{typed:?} {typed}"),
        format!("{generic:?} {generic}"),
        format!("{:?}", versori::Credentials::ApiKey(SECRET.into())),
        capture.text(),
    ];
    let pem_body = String::from_utf8_lossy(KEY_PEM)
        .lines()
        .nth(1)
        .unwrap_or_default()
        .to_string();
    for text in &texts {
        assert!(!text.contains(SECRET), "secret leaked: {text}");
        assert!(!text.contains(&pem_body), "key material leaked: {text}");
    }
    let traces = &texts[5];
    assert!(
        traces.contains("versori.request"),
        "no request span: {traces}"
    );
    assert!(
        traces.contains("operation_id=\"GetEndUser\"")
            || traces.contains("operation_id=GetEndUser"),
        "{traces}"
    );
    assert!(
        traces.contains("/o/{organisation_id}/users/{user_id}"),
        "the span carries the path template: {traces}"
    );
    for field in ["method=\"GET\"", "attempt=2", "status=401", "latency_ms="] {
        assert!(traces.contains(field), "the span carries {field}: {traces}");
    }
    assert!(traces.contains("retrying"), "retries are logged: {traces}");
    assert!(traces.contains("HTTP 503"), "with their reason: {traces}");
}

#[test]
fn the_client_is_send_sync_and_cheap_to_clone() {
    fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
    assert_send_sync::<Client>();
    let c = Client::builder().build().expect("builds");
    let copy = c.clone();
    assert!(
        std::ptr::eq(c.core(), copy.core()),
        "clones share one inner client"
    );
}
