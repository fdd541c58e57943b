//! Connections: created against a connection template (which names the
//! system and the environment), then linked to and unlinked from
//! environments. A connection is linked to its template's environment from
//! its creation; the static ones (owned by no end user) are that
//! environment's connections.

use std::collections::HashMap;

use versori_core::types;

use crate::dispatch::{Answer, Handler};
use crate::error::ApiError;
use crate::index;
use crate::ops::end_users::find as find_user;
use crate::page::{page, Keep};
use crate::request::Request;
use crate::store::{new_id, now, unset_id, ConnectionKeys, Org, Scope, Store};
use crate::wire;

mod oauth;

pub fn register(map: &mut HashMap<&'static str, Handler>) {
    map.insert("CreateConnection", create);
    map.insert("ListConnections", list);
    map.insert("GetConnection", get);
    map.insert("UpdateConnection", update);
    map.insert("DeleteConnection", delete);
    map.insert("LinkConnectionToEnvironment", link);
    map.insert("UnlinkConnectionFromEnvironment", unlink);
    map.insert("ListEnvironmentConnections", list_for_environment);
    oauth::register(map);
}

/// Fills in every id of `credentials` the platform assigns: each pairing's
/// `id`, its credential's `id`, and the credential's `organisationId`.
fn assign_credential_ids(credentials: &mut [types::ConnectionCredential], organisation: &str) {
    for pairing in credentials {
        if unset_id(&pairing.id) {
            pairing.id = new_id();
        }
        if let Some(credential) = &mut pairing.credential {
            if unset_id(&credential.id) {
                credential.id = new_id();
            }
            if unset_id(&credential.organisation_id) {
                credential.organisation_id = organisation.to_string();
            }
        }
    }
}

/// The base URL a connection uses: its own, or (when it sets none or an
/// empty one) its template's system's, if that has one.
fn base_url(org: &Org, template_id: &str, given: Option<&str>) -> Option<String> {
    match given.filter(|u| !u.is_empty()) {
        Some(url) => Some(url.to_string()),
        None => org
            .templates
            .get(template_id)
            .and_then(|t| org.systems.get(&t.system_id))
            .map(|s| s.template_base_url.clone())
            .filter(|u| !u.is_empty()),
    }
}

/// Builds and stores a connection for `template_id` from a `ConnectionCreate`
/// body, owned by the end user `owner` when given (their id); shared with
/// activations that bring new connections. The connection is the template's
/// environment's: it is linked through the template at once, as
/// LinkConnectionToEnvironment would link it, so a static one (without an
/// owner, or once its owner is deleted) is in ListEnvironmentConnections and
/// the environment's static activation until UnlinkConnectionFromEnvironment
/// or DeleteConnection takes it out.
pub fn create_connection(
    org: &mut Org,
    organisation: &str,
    template_id: &str,
    connection: types::ConnectionCreate,
    owner: Option<&str>,
) -> Result<types::Connection, ApiError> {
    let template = org.templates.get(template_id).ok_or_else(|| {
        ApiError::rule_violation(
            "connectionTemplateId",
            format!("connection template {template_id} does not exist"),
        )
    })?;
    let system_id = template.system_id.clone();
    let t = now();
    let id = new_id();
    let mut credentials = connection.credentials.0;
    assign_credential_ids(&mut credentials, organisation);
    let created = types::Connection {
        base_url: base_url(org, template_id, connection.base_url.as_deref()),
        connection_template_id: Some(template_id.to_string().into()),
        created_at: t,
        credentials: credentials.into(),
        id: id.clone(),
        name: connection.name,
        system_id: Some(system_id),
        updated_at: t,
    };
    org.connections.insert(id.clone(), created.clone());
    if let Some(user) = owner {
        org.owners.set(&id, user);
    }
    if let Some(template) = org.templates.get(template_id) {
        org.links.link(&id, template, template_id, owner.is_some());
    }
    Ok(created)
}

fn create(store: &mut Store, req: &Request) -> Answer {
    let Some(body) = req.optional_body::<types::EnvSystemConnectionCreate>()? else {
        return Err(ApiError::invalid_field(
            "connectionTemplateId",
            "connectionTemplateId and connection are both required",
        ));
    };
    let organisation = req.org().to_string();
    let org = store.org(&organisation);
    let owner = match &body.external_id {
        None => None,
        Some(external) => Some(find_user(org, external).ok_or_else(|| {
            ApiError::rule_violation(
                "externalId",
                format!("end user {external:?} does not exist"),
            )
        })?),
    };
    let connection = create_connection(
        org,
        &organisation,
        &body.connection_template_id,
        body.connection,
        owner.as_deref(),
    )?;
    wire::json(&connection).map(Some)
}

/// The organisation's connections, optionally only one system's and/or one
/// end user's: each filter pages its index, so a page costs the same
/// wherever it sits (with both, the user's connections are walked for the
/// system).
fn list(store: &mut Store, req: &Request) -> Answer {
    let system = req.query("system_id");
    let user = req.query("end_user_id");
    let org = store.org(req.org());
    let connections = &org.connections;
    let show = |id: &String| match connections.get(id) {
        Some(c) => wire::json(c),
        None => Ok(serde_json::Value::Null),
    };
    match (system, user) {
        (None, None) => page(req, "items", connections, None, |_, c| wire::json(c)),
        (Some(system), None) => page(
            req,
            "items",
            connections.group(ConnectionKeys::SYSTEM, system),
            None,
            |id, _| show(id),
        ),
        (system, Some(user)) => {
            let of_system = |id: &String, _: &usize| {
                system.is_none_or(|s| {
                    connections
                        .get(id)
                        .is_some_and(|c| c.system_id.as_deref() == Some(s))
                })
            };
            let keep: Keep<'_, usize> = system.map(|_| &of_system as _);
            page(
                req,
                "items",
                org.owners.connections_of(user),
                keep,
                |id, _| show(id),
            )
        }
    }
    .map(Some)
}

fn get(store: &mut Store, req: &Request) -> Answer {
    let id = req.path("connection_id");
    let connection = store
        .org(req.org())
        .connections
        .get(id)
        .ok_or_else(|| ApiError::missing("connection", id))?;
    wire::json(connection).map(Some)
}

/// Replaces the name, credentials and base URL (an empty one goes back to
/// the system's).
fn update(store: &mut Store, req: &Request) -> Answer {
    let body: types::ConnectionUpdate = req.body()?;
    let id = req.path("connection_id");
    let organisation = req.org().to_string();
    let org = store.org(&organisation);
    let template_id = org
        .connections
        .get(id)
        .ok_or_else(|| ApiError::missing("connection", id))?
        .connection_template_id
        .as_ref()
        .map(|t| t.0.clone())
        .unwrap_or_default();
    let url = base_url(org, &template_id, Some(&body.base_url));
    let mut credentials = body.credentials.0;
    assign_credential_ids(&mut credentials, &organisation);
    let updated = org.connections.update(id, |c| {
        c.name = body.name;
        c.credentials = credentials.into();
        c.base_url = url;
        c.updated_at = now();
        c.clone()
    });
    let updated = updated.ok_or_else(|| ApiError::missing("connection", id))?;
    wire::json(&updated).map(Some)
}

fn delete(store: &mut Store, req: &Request) -> Answer {
    let id = req.path("connection_id").to_string();
    store
        .org(req.org())
        .remove_connection(&id)
        .ok_or_else(|| ApiError::missing("connection", &id))?;
    Ok(None)
}

/// The connection and template a link request names (both must exist).
fn link_target(store: &mut Store, req: &Request) -> Result<(String, String), ApiError> {
    let template_id = req
        .optional_body::<types::LinkConnectionEnvironment>()?
        .map(|b| b.connection_template_id.0)
        .ok_or_else(|| ApiError::invalid_field("connectionTemplateId", "is required"))?;
    let id = req.path("connection_id").to_string();
    let org = store.org(req.org());
    if !org.connections.contains_key(&id) {
        return Err(ApiError::missing("connection", &id));
    }
    if !org.templates.contains_key(&template_id) {
        return Err(ApiError::rule_violation(
            "connectionTemplateId",
            format!("connection template {template_id} does not exist"),
        ));
    }
    Ok((id, template_id))
}

fn link(store: &mut Store, req: &Request) -> Answer {
    let (connection, template_id) = link_target(store, req)?;
    let org = store.org(req.org());
    let owned = org.owners.of(&connection).is_some();
    if let Some(template) = org.templates.get(&template_id) {
        org.links.link(&connection, template, &template_id, owned);
    }
    Ok(None)
}

fn unlink(store: &mut Store, req: &Request) -> Answer {
    let (connection, template_id) = link_target(store, req)?;
    if !store.org(req.org()).links.unlink(&connection, &template_id) {
        return Err(ApiError::not_found(
            "the connection is not linked through that template",
        ));
    }
    Ok(None)
}

/// The static connections (owned by no end user) of the project's
/// environment `env_id`, or of any of its environments without it: those
/// created through one of its templates without an end user and those
/// linked to it; a page of the link index.
fn list_for_environment(store: &mut Store, req: &Request) -> Answer {
    let org = store.org(req.org());
    let linked = match org.project_scope(req.path("project_id"), req.query("env_id"))? {
        Scope::Project(project_id) => org.links.static_in_project(project_id),
        Scope::Environment(env) => org.links.static_in_environment(env),
        Scope::Nothing => index::empty(),
    };
    page(req, "items", linked, None, |id, _| {
        match org.connections.get(id) {
            Some(c) => wire::json(c),
            None => Ok(serde_json::Value::Null),
        }
    })
    .map(Some)
}
