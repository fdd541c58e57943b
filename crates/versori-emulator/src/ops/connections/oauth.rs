//! Starting the OAuth consent flows of a connection.
//!
//! OAuth initialisation is emulated: the answer is the authorisation URL a
//! browser would be sent to, built from the request, but no provider is
//! contacted and no callback ever arrives. The OAuth 2.0 flow's credential
//! must be real, though: one of the organisation's grant credentials.

use std::collections::HashMap;

use serde_json::json;
use versori_core::types;

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::ops::systems::auth_schemes::system;
use crate::request::Request;
use crate::store::{new_id, unset_id, Store};

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("InitialiseOAuth2Connection", oauth2);
    map.insert("InitialiseOAuth1Connection", oauth1);
}

fn is_http_url(field: &str, url: &str) -> Result<(), ApiError> {
    if url.starts_with("https://") || url.starts_with("http://") {
        Ok(())
    } else {
        Err(ApiError::invalid_field(
            field,
            format!("{url:?} is not an http(s) URL"),
        ))
    }
}

/// Checks the credential an OAuth 2.0 flow names: both ids set (the zero
/// ULID is no id), the organisation the request's, which must own it (the
/// credential "is only used to initialise connections for the organisation
/// which owns the credential"), and the credential one of its own: one that
/// UpsertAuthSchemeConfig or CreateSystem made for a grant.
fn owned_credential(
    store: &mut Store,
    req: &Request,
    credential: &types::InitialiseOAuth2ConnectionRequestCredential,
) -> Result<(), ApiError> {
    for (member, id) in [
        ("credential.id", &credential.id),
        ("credential.organisationId", &credential.organisation_id),
    ] {
        if unset_id(id) {
            return Err(ApiError::invalid_field(
                member,
                format!("is required: {id:?} names no credential"),
            ));
        }
    }
    let organisation = req.org();
    if credential.organisation_id != organisation {
        return Err(ApiError::rule_violation(
            "credential.organisationId",
            format!(
                "{} is not this organisation ({organisation}): a credential initialises only its own organisation's connections",
                credential.organisation_id
            ),
        ));
    }
    if !store
        .org(organisation)
        .credentials
        .contains_key(&credential.id)
    {
        return Err(ApiError::rule_violation(
            "credential.id",
            format!(
                "no credential {} in this organisation (an auth scheme config's OAuth 2.0 grant names its credential)",
                credential.id
            ),
        ));
    }
    Ok(())
}

fn oauth2(store: &mut Store, req: &Request) -> Answer {
    let body: types::InitialiseOAuth2ConnectionRequest = req.body()?;
    is_http_url("authorizeUrl", &body.authorize_url)?;
    if body.client_id.trim().is_empty() {
        return Err(ApiError::invalid_field("clientId", "must not be empty"));
    }
    system(store, req)?;
    owned_credential(store, req, &body.credential)?;
    let mut pairs: Vec<(&str, String)> = vec![
        ("response_type", "code".into()),
        ("client_id", body.client_id.clone()),
        ("state", new_id()),
    ];
    if let Some(r) = &body.redirect_url {
        is_http_url("redirectUrl", r)?;
        pairs.push(("redirect_uri", r.clone()));
    }
    if !body.scopes.is_empty() {
        pairs.push(("scope", body.scopes.join(" ")));
    }
    if !body.disable_offline_access.unwrap_or(false) {
        pairs.push(("access_type", "offline".into()));
    }
    if let Some(p) = &body.prompt {
        pairs.push(("prompt", p.clone()));
    }
    let mut query = serde_urlencoded::to_string(&pairs)
        .map_err(|e| ApiError::bad_request(format!("cannot build the URL: {e}")))?;
    if let Some(extra) = body.additional_params.as_deref().filter(|s| !s.is_empty()) {
        query.push('&');
        query.push_str(extra.trim_start_matches(['?', '&']));
    }
    let sep = if body.authorize_url.contains('?') {
        '&'
    } else {
        '?'
    };
    Ok(Some(
        json!({"url": format!("{}{sep}{query}", body.authorize_url)}),
    ))
}

fn oauth1(store: &mut Store, req: &Request) -> Answer {
    let _body: types::InitialiseOAuth1ConnectionRequest = req.body()?;
    let system = system(store, req)?;
    let has_oauth1 = system
        .auth_scheme_configs
        .iter()
        .any(|c| c.type_ == types::AuthSchemeType::Oauth1);
    if !has_oauth1 {
        return Err(ApiError::unprocessable(
            "the system has no oauth1 auth scheme config",
        ));
    }
    Ok(Some(json!({
        "url": format!("https://oauth1.emulator.invalid/authorize?oauth_token={}", new_id())
    })))
}
