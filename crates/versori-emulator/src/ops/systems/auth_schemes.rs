//! A system's authentication scheme configurations, and the credentials
//! holding their OAuth 2.0 grants' client secrets.

use std::collections::HashMap;

use versori_core::types::{
    self, AuthSchemeConfig, AuthSchemeConfigOAuth2GrantType, AuthSchemeType,
};

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::request::Request;
use crate::store::{new_id, unset_id, OAuth2Client, Org, Store};
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

/// The members of an OAuth 2.0 grant that hold or name its client
/// credential (the `authorizationCode` and `password` grants have the
/// same ones).
struct GrantCredential<'a> {
    /// Where the grant sits in the request body (`oauth2.grant.password`).
    at: String,
    credential_id: &'a mut Option<String>,
    organisation_id: &'a mut Option<String>,
    client_id: &'a mut Option<String>,
    client_secret: &'a mut Option<String>,
}

impl GrantCredential<'_> {
    /// The member `name` of the grant, as the request body names it.
    fn member(&self, name: &str) -> String {
        format!("{}.{name}", self.at)
    }
}

/// The grants of `config` whose client credential the platform keeps
/// (`authorizationCode` and `password`), `prefix` being where the config
/// sits in the request body. The member of the grant's `type` is added
/// when the body leaves it out: its credential is then a new one too.
fn grant_credentials<'a>(
    config: &'a mut AuthSchemeConfig,
    prefix: &str,
) -> Vec<GrantCredential<'a>> {
    let Some(oauth2) = config.oauth2.as_mut() else {
        return Vec::new();
    };
    let grant = &mut oauth2.grant;
    match grant.type_ {
        AuthSchemeConfigOAuth2GrantType::AuthorizationCode => {
            grant
                .authorization_code
                .get_or_insert_with(Default::default);
        }
        AuthSchemeConfigOAuth2GrantType::Password => {
            grant.password.get_or_insert_with(Default::default);
        }
        AuthSchemeConfigOAuth2GrantType::ClientCredentials
        | AuthSchemeConfigOAuth2GrantType::Other(_) => {}
    }
    let mut out = Vec::new();
    if let Some(g) = grant.authorization_code.as_mut() {
        out.push(GrantCredential {
            at: format!("{prefix}oauth2.grant.authorizationCode"),
            credential_id: &mut g.credential_id,
            organisation_id: &mut g.organisation_id,
            client_id: &mut g.client_id,
            client_secret: &mut g.client_secret,
        });
    }
    if let Some(g) = grant.password.as_mut() {
        out.push(GrantCredential {
            at: format!("{prefix}oauth2.grant.password"),
            credential_id: &mut g.credential_id,
            organisation_id: &mut g.organisation_id,
            client_id: &mut g.client_id,
            client_secret: &mut g.client_secret,
        });
    }
    out
}

/// The credential a grant asks for: a new one, or the existing one it names.
enum Wanted {
    New,
    Existing(String),
}

/// What the grant's `credentialId` and `organisationId` ask for, by the
/// spec's rule: neither set (absent, empty or the zero ULID) is a new
/// credential, both set an existing one of this organisation (`organisation`,
/// whose credentials `org` holds), and one without the other a 400 naming
/// the one missing.
fn wanted(g: &GrantCredential<'_>, org: &Org, organisation: &str) -> Result<Wanted, ApiError> {
    let given = |id: &Option<String>| id.clone().filter(|id| !unset_id(id));
    const BOTH: &str = "credentialId and organisationId go together: both to update that credential, neither for a new one";
    match (given(g.credential_id), given(g.organisation_id)) {
        (None, None) => Ok(Wanted::New),
        (Some(_), None) => Err(ApiError::invalid_field(
            &g.member("organisationId"),
            format!("is not set but credentialId is ({BOTH})"),
        )),
        (None, Some(_)) => Err(ApiError::invalid_field(
            &g.member("credentialId"),
            format!("is not set but organisationId is ({BOTH})"),
        )),
        (Some(credential), Some(owner)) => {
            // the emulator has no public library: another organisation's
            // credential is another tenant's, which this one never sees
            if owner != organisation {
                return Err(ApiError::rule_violation(
                    &g.member("organisationId"),
                    format!("{owner} is not this organisation ({organisation}): its credentials are not this organisation's to use"),
                ));
            }
            if !org.credentials.contains_key(&credential) {
                return Err(ApiError::rule_violation(
                    &g.member("credentialId"),
                    format!("no credential {credential} in this organisation"),
                ));
            }
            Ok(Wanted::Existing(credential))
        }
    }
}

/// Keeps the grants' client credentials as the spec describes for the
/// `authorizationCode` and `password` grants of `configs` (sent by the
/// organisation `organisation`, whose state `org` is; `prefix(i)` is where
/// config `i` sits in the request body). A grant naming no credential gets a
/// new one holding its client id and secret, and the config names it (a new
/// ULID and this organisation); a grant naming both ids merge-patches that
/// credential (a client id or secret it leaves out stays) and shows its
/// client id. The secret is never kept in the config. Every grant is checked
/// before any credential is written, so a refused request changes nothing.
pub(crate) fn keep_grant_secrets(
    org: &mut Org,
    organisation: &str,
    configs: &mut [AuthSchemeConfig],
    prefix: impl Fn(usize) -> String,
) -> Result<(), ApiError> {
    let mut grants = Vec::new();
    for (i, config) in configs.iter_mut().enumerate() {
        for g in grant_credentials(config, &prefix(i)) {
            let wanted = wanted(&g, org, organisation)?;
            grants.push((g, wanted));
        }
    }
    for (g, wanted) in grants {
        let secret = g.client_secret.take();
        match wanted {
            Wanted::New => {
                let id = new_id();
                let credential = OAuth2Client {
                    client_id: g.client_id.clone(),
                    client_secret: secret,
                };
                org.credentials.insert(id.clone(), credential);
                *g.credential_id = Some(id);
                *g.organisation_id = Some(organisation.to_string());
            }
            Wanted::Existing(id) => {
                if let Some(credential) = org.credentials.get_mut(&id) {
                    if g.client_id.is_some() {
                        credential.client_id.clone_from(g.client_id);
                    }
                    if secret.is_some() {
                        credential.client_secret = secret;
                    }
                    g.client_id.clone_from(&credential.client_id);
                }
            }
        }
    }
    Ok(())
}

/// Stores the config under the path's id (its settings' `id` becomes it),
/// replacing the one with that id; an OAuth 2.0 grant's client secret goes
/// to a credential ([`keep_grant_secrets`]).
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
    system(store, req)?;
    let organisation = req.org().to_string();
    let org = store.org(&organisation);
    keep_grant_secrets(
        org,
        &organisation,
        std::slice::from_mut(&mut config),
        |_| String::new(),
    )?;
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
