//! A system's authentication scheme configurations.

use std::collections::HashMap;

use versori_core::types::{self, AuthSchemeConfig, AuthSchemeType};

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::request::Request;
use crate::store::Store;
use crate::wire;

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("UpsertAuthSchemeConfig", upsert);
    map.insert("DeleteAuthSchemeConfig", delete);
}

/// The settings member of a config of type `t` (none for jwt-bearer,
/// secret, and types the spec does not know).
fn settings_key(t: &AuthSchemeType) -> Option<&'static str> {
    Some(match t {
        AuthSchemeType::None => "none",
        AuthSchemeType::ApiKey => "apiKey",
        AuthSchemeType::BasicAuth => "basicAuth",
        AuthSchemeType::Oauth2 => "oauth2",
        AuthSchemeType::Oauth1 => "oauth1",
        AuthSchemeType::Hmac => "hmac",
        AuthSchemeType::Certificate => "certificate",
        AuthSchemeType::JwtBearer | AuthSchemeType::Secret | AuthSchemeType::Other(_) => {
            return None
        }
    })
}

/// The `id` of `c`'s settings member, when its type has one and it is there.
fn settings_id(c: &AuthSchemeConfig) -> Option<&str> {
    match c.type_ {
        AuthSchemeType::None => c.none.as_ref().map(|s| s.0.id.as_str()),
        AuthSchemeType::ApiKey => c.api_key.as_ref().map(|s| s.id.as_str()),
        AuthSchemeType::BasicAuth => c.basic_auth.as_ref().map(|s| s.0.id.as_str()),
        AuthSchemeType::Oauth2 => c.oauth2.as_ref().map(|s| s.id.as_str()),
        AuthSchemeType::Oauth1 => c.oauth1.as_ref().map(|s| s.id.as_str()),
        AuthSchemeType::Hmac => c.hmac.as_ref().map(|s| s.id.as_str()),
        AuthSchemeType::Certificate => c.certificate.as_ref().map(|s| s.0.id.as_str()),
        _ => None,
    }
}

/// The `id` of `c`'s settings member to write, when its type has one and
/// it is there.
fn settings_id_mut(c: &mut AuthSchemeConfig) -> Option<&mut String> {
    match c.type_ {
        AuthSchemeType::None => c.none.as_mut().map(|s| &mut s.0.id),
        AuthSchemeType::ApiKey => c.api_key.as_mut().map(|s| &mut s.id),
        AuthSchemeType::BasicAuth => c.basic_auth.as_mut().map(|s| &mut s.0.id),
        AuthSchemeType::Oauth2 => c.oauth2.as_mut().map(|s| &mut s.id),
        AuthSchemeType::Oauth1 => c.oauth1.as_mut().map(|s| &mut s.id),
        AuthSchemeType::Hmac => c.hmac.as_mut().map(|s| &mut s.id),
        AuthSchemeType::Certificate => c.certificate.as_mut().map(|s| &mut s.0.id),
        _ => None,
    }
}

/// The id of the stored config `c`: its settings member's `id`, or its type
/// for a config without settings.
pub(crate) fn config_id(c: &AuthSchemeConfig) -> Option<&str> {
    match (&c.type_, settings_key(&c.type_)) {
        (_, Some(_)) => settings_id(c),
        (AuthSchemeType::Other(t), None) => Some(t),
        (AuthSchemeType::JwtBearer, None) => Some("jwt-bearer"),
        (AuthSchemeType::Secret, None) => Some("secret"),
        (_, None) => None,
    }
}

/// Whether the stored config `c` is the one with id `id` (configs without a
/// settings member are identified by their type, `t`).
fn is(c: &AuthSchemeConfig, id: &str, t: &AuthSchemeType) -> bool {
    match settings_key(&c.type_) {
        Some(_) => settings_id(c) == Some(id),
        None => c.type_ == *t,
    }
}

/// The system of the request's `system_id`.
pub(crate) fn system<'a>(
    store: &'a mut Store,
    req: &Request,
) -> Result<&'a mut types::System, ApiError> {
    let id = req.path("system_id");
    store
        .org(req.org())
        .systems
        .get_mut(id)
        .ok_or_else(|| ApiError::missing("system", id))
}

/// Stores the config under the path's id (its settings' `id` becomes it),
/// replacing the one with that id.
fn upsert(store: &mut Store, req: &Request) -> Answer {
    let mut config: AuthSchemeConfig = req.body()?;
    let id = req.path("auth_scheme_config_id").to_string();
    if let Some(key) = settings_key(&config.type_) {
        match settings_id_mut(&mut config) {
            Some(slot) => *slot = id.clone(),
            None => {
                return Err(ApiError::invalid_field(
                    key,
                    format!("a config of type {} needs its {key} settings", config.type_),
                ))
            }
        }
    }
    let out = wire::json(&config)?;
    let configs = &mut system(store, req)?.auth_scheme_configs;
    match configs.iter_mut().find(|c| is(c, &id, &config.type_)) {
        Some(existing) => *existing = config,
        None => configs.push(config),
    }
    Ok(Some(out))
}

/// Removes the config whose settings' `id` is the path's (a config without
/// settings has no id to remove it by).
fn delete(store: &mut Store, req: &Request) -> Answer {
    let id = req.path("auth_scheme_config_id").to_string();
    let configs = &mut system(store, req)?.auth_scheme_configs;
    let before = configs.len();
    configs.retain(|c| settings_key(&c.type_).is_none() || settings_id(c) != Some(id.as_str()));
    if configs.len() == before {
        return Err(ApiError::not_found(format!(
            "the system has no auth scheme config {id:?}"
        )));
    }
    Ok(None)
}
