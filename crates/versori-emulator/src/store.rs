//! The emulator's state: everything in memory, scoped by organisation.
//!
//! Every entity the spec defines is held as its generated type from
//! `versori_core::types` (and answered through [`crate::wire`]), so the
//! emulator cannot drift from the clients. `serde_json::Value` remains only
//! where the spec itself leaves the data free-form: variable values, KV
//! values and metadata, and JSON Schema documents; each such field says so.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;
use versori_core::types;

use crate::index::{Group, Groups, Indexed, Keys};

/// A new ULID, as the platform uses for ids. Monotonic, so ids created in
/// the same millisecond still sort (and list) in creation order.
pub fn new_id() -> String {
    static GENERATOR: std::sync::Mutex<Option<ulid::Generator>> = std::sync::Mutex::new(None);
    let generated = GENERATOR
        .lock()
        .ok()
        .and_then(|mut g| g.get_or_insert_with(ulid::Generator::new).generate().ok());
    generated
        .unwrap_or_else(|| ulid::Ulid::from_datetime(std::time::SystemTime::now()))
        .to_string()
}

/// Whether `id` is one the client left to the platform: empty, or the zero
/// ULID (what a Go client, the platform's own among them, sends for an id
/// it never set).
pub fn unset_id(id: &str) -> bool {
    id.is_empty() || id.bytes().all(|b| b == b'0')
}

/// The execution pools every organisation has.
pub const EXECUTION_POOLS: &[&str] = &["versori-managed", "versori-dedicated"];

/// Now, as the timestamps the platform returns: the time of the request
/// being handled, on the emulator's clock.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    crate::clock::now()
}

/// Applies variable changes: a `null` value removes the variable, any other
/// value sets it. (Variables and labels are free-form JSON by the spec.)
pub fn apply_changes(
    target: &mut serde_json::Map<String, Value>,
    changes: serde_json::Map<String, Value>,
) {
    for (k, v) in changes {
        if v.is_null() {
            target.remove(&k);
        } else {
            target.insert(k, v);
        }
    }
}

/// Everything one organisation owns. Maps are keyed by id and ordered, so
/// listings are stable (ULIDs sort by creation time).
#[derive(Debug, Default)]
pub struct Org {
    /// End users by id.
    pub users: BTreeMap<String, types::EndUser>,
    /// Projects by id (their environments live inside them).
    pub projects: BTreeMap<String, types::Project>,
    /// Systems by id.
    pub systems: BTreeMap<String, types::System>,
    /// Connection templates by id, indexed by project and environment.
    pub templates: Indexed<Template, TemplateKeys>,
    /// Connections by id, indexed by system.
    pub connections: Indexed<types::Connection, ConnectionKeys>,
    /// The end user owning each connection made for one.
    pub owners: Owners,
    /// Connections linked to environments through connection templates.
    pub links: Links,
    /// The credentials holding OAuth 2.0 grants' client secrets, by id
    /// (created by UpsertAuthSchemeConfig and CreateSystem).
    pub credentials: BTreeMap<String, OAuth2Client>,
    /// Activations by id.
    pub activations: BTreeMap<String, Activation>,
    /// Static variables by environment id: variable values are free-form
    /// JSON by the spec (`DynamicVariables`).
    pub static_variables: BTreeMap<String, serde_json::Map<String, Value>>,
    /// Each environment's built-in static activation, by environment id
    /// (made on first use).
    pub static_activations: BTreeMap<String, StaticActivation>,
    /// Issues by id.
    pub issues: BTreeMap<String, types::Issue>,
    /// Notification channels by id.
    pub channels: BTreeMap<String, types::NotificationChannel>,
    /// Project notifications by id.
    pub notifications: BTreeMap<String, types::ProjectNotification>,
    /// Project versions by id, indexed by project.
    pub versions: Indexed<Version, VersionKeys>,
    /// Integration flows by (project id, flow name).
    pub flows: BTreeMap<(String, String), types::IntegrationFlow>,
    /// Automations by id.
    pub automations: BTreeMap<String, types::Automation>,
    /// Automation runs by id, with their automation's id.
    pub runs: BTreeMap<String, (String, types::AutomationRun)>,
    /// Automation recordings by id, with their automation's id.
    pub recordings: BTreeMap<String, (String, types::AutomationRecording)>,
    /// Schedulers by id (each names its environment).
    pub schedulers: BTreeMap<String, types::Scheduler>,
    /// System actions by id.
    pub actions: BTreeMap<String, Linked<types::Action>>,
    /// System triggers by id.
    pub triggers: BTreeMap<String, Linked<types::Trigger>>,
    /// Projects whose test container is running.
    pub test_containers: BTreeSet<String>,
    /// What ran (deployments, calls, triggers), in order: the source of
    /// logs and traces.
    pub executions: Vec<Execution>,
}

/// The indexes of [`Org::templates`]: by project and by environment.
#[derive(Debug)]
pub struct TemplateKeys;

impl TemplateKeys {
    /// Templates by project id.
    pub const PROJECT: usize = 0;
    /// Templates by environment id.
    pub const ENVIRONMENT: usize = 1;
}

impl Keys<Template> for TemplateKeys {
    const INDEXES: usize = 2;
    fn key(t: &Template, index: usize) -> Option<&str> {
        match index {
            Self::PROJECT => Some(&t.project_id),
            Self::ENVIRONMENT => Some(&t.environment_id),
            _ => None,
        }
    }
}

/// The index of [`Org::versions`]: by project.
#[derive(Debug)]
pub struct VersionKeys;

impl VersionKeys {
    /// Versions by project id.
    pub const PROJECT: usize = 0;
}

impl Keys<Version> for VersionKeys {
    const INDEXES: usize = 1;
    fn key(v: &Version, _: usize) -> Option<&str> {
        Some(&v.project_id)
    }
}

/// The index of [`Org::connections`]: by system (a connection's system
/// never changes).
#[derive(Debug)]
pub struct ConnectionKeys;

impl ConnectionKeys {
    /// Connections by system id.
    pub const SYSTEM: usize = 0;
}

impl Keys<types::Connection> for ConnectionKeys {
    const INDEXES: usize = 1;
    fn key(c: &types::Connection, _: usize) -> Option<&str> {
        c.system_id.as_deref()
    }
}

/// Who owns each connection made for an end user, looked up both ways.
#[derive(Debug, Default)]
pub struct Owners {
    owner: BTreeMap<String, String>,
    owned: Groups,
}

impl Owners {
    /// Makes `user` (an end user's id) the owner of `connection`.
    pub fn set(&mut self, connection: &str, user: &str) {
        self.forget_connection(connection);
        self.owner.insert(connection.to_string(), user.to_string());
        self.owned.add(user, connection);
    }

    /// The owner of `connection`, if it has one.
    pub fn of(&self, connection: &str) -> Option<&String> {
        self.owner.get(connection)
    }

    /// The connections `user` owns.
    pub fn connections_of(&self, user: &str) -> &Group {
        self.owned.get(user)
    }

    /// Forgets the connection (deleted).
    pub fn forget_connection(&mut self, connection: &str) {
        if let Some(user) = self.owner.remove(connection) {
            self.owned.remove(&user, connection);
        }
    }

    /// Forgets the end user (deleted): their connections are owned by no
    /// one from now on. Returns those connections.
    pub fn forget_user(&mut self, user: &str) -> Vec<String> {
        let connections: Vec<String> = self.owned.get(user).keys().cloned().collect();
        for c in &connections {
            self.forget_connection(c);
        }
        connections
    }
}

/// Where one link leads.
#[derive(Debug, Clone)]
struct Link {
    environment: String,
    project: String,
    /// A static connection (owned by no end user): listed by environment
    /// and project.
    listed: bool,
}

/// Connections linked to environments through connection templates (by
/// LinkConnectionToEnvironment, or by being created through a template). The static ones (owned by no end user) are indexed by
/// environment and by project, for ListEnvironmentConnections and static
/// activations.
#[derive(Debug, Default)]
pub struct Links {
    /// (connection id, connection template id) → where it leads.
    pairs: BTreeMap<(String, String), Link>,
    /// Connections by the template they are linked through.
    by_template: Groups,
    static_by_environment: Groups,
    static_by_project: Groups,
}

impl Links {
    /// Links `connection` through the template `template_id` (`template`,
    /// which names its environment and project); `owned` when an end user
    /// owns the connection. `false` when it was linked already.
    pub fn link(
        &mut self,
        connection: &str,
        template: &Template,
        template_id: &str,
        owned: bool,
    ) -> bool {
        let pair = (connection.to_string(), template_id.to_string());
        if self.pairs.contains_key(&pair) {
            return false;
        }
        let link = Link {
            environment: template.environment_id.clone(),
            project: template.project_id.clone(),
            listed: !owned,
        };
        self.by_template.add(template_id, connection);
        if link.listed {
            self.static_by_environment
                .add(&link.environment, connection);
            self.static_by_project.add(&link.project, connection);
        }
        self.pairs.insert(pair, link);
        true
    }

    /// Unlinks `connection` from `template`; `false` when it was not linked.
    pub fn unlink(&mut self, connection: &str, template: &str) -> bool {
        let Some(link) = self
            .pairs
            .remove(&(connection.to_string(), template.to_string()))
        else {
            return false;
        };
        self.by_template.remove(template, connection);
        if link.listed {
            self.static_by_environment
                .remove(&link.environment, connection);
            self.static_by_project.remove(&link.project, connection);
        }
        true
    }

    /// The templates `connection` is linked through.
    fn templates_of(&self, connection: &str) -> Vec<String> {
        self.pairs
            .range((connection.to_string(), String::new())..)
            .take_while(|((c, _), _)| c == connection)
            .map(|((_, t), _)| t.clone())
            .collect()
    }

    /// Removes every link of `connection` (deleted).
    pub fn remove_connection(&mut self, connection: &str) {
        for t in self.templates_of(connection) {
            self.unlink(connection, &t);
        }
    }

    /// Removes every link through `template` (deleted).
    pub fn remove_template(&mut self, template: &str) {
        let connections: Vec<String> = self.by_template.get(template).keys().cloned().collect();
        for c in connections {
            self.unlink(&c, template);
        }
    }

    /// `connection`'s owner is gone: it is a static connection now.
    pub fn disown(&mut self, connection: &str) {
        for t in self.templates_of(connection) {
            if let Some(link) = self.pairs.get_mut(&(connection.to_string(), t)) {
                if !link.listed {
                    link.listed = true;
                    self.static_by_environment
                        .add(&link.environment, connection);
                    self.static_by_project.add(&link.project, connection);
                }
            }
        }
    }

    /// The connections linked through `template`.
    pub fn through(&self, template: &str) -> &Group {
        self.by_template.get(template)
    }

    /// The static connections linked to `environment`.
    pub fn static_in_environment(&self, environment: &str) -> &Group {
        self.static_by_environment.get(environment)
    }

    /// The static connections linked to any environment of `project`.
    pub fn static_in_project(&self, project: &str) -> &Group {
        self.static_by_project.get(project)
    }
}

/// A credential holding the sensitive part of an OAuth 2.0 grant (the
/// `authorizationCode` and `password` grants of an auth scheme config):
/// what the platform loads the client secret from when a code is
/// exchanged. The secret is kept here and never answered.
#[derive(Debug, Clone, Default)]
pub struct OAuth2Client {
    /// The OAuth 2.0 client id (not secret: configs show it).
    pub client_id: Option<String>,
    /// The OAuth 2.0 client secret.
    pub client_secret: Option<String>,
}

/// A project version: its record and the files it froze.
#[derive(Debug, Clone)]
pub struct Version {
    /// The project.
    pub project_id: String,
    /// The version.
    pub version: types::ProjectVersion,
    /// The files of the version.
    pub files: types::Files,
}

/// A system action or trigger (`types::Action`, `types::Trigger`), with
/// the projects it is linked to.
#[derive(Debug, Clone)]
pub struct Linked<T> {
    /// The projects using it.
    pub projects: BTreeSet<String>,
    /// The action or trigger.
    pub item: T,
}

/// Something that ran in an environment: one log line and one trace.
#[derive(Debug, Clone)]
pub struct Execution {
    /// The project.
    pub project_id: String,
    /// The environment's name (`"testing"` for the test container).
    pub environment: String,
    /// What ran (a trigger, a scheduler, an HTTP call, a deployment).
    pub name: String,
    /// The log message.
    pub message: String,
    /// When it started.
    pub at: chrono::DateTime<chrono::Utc>,
    /// Its trace id (32 hex digits).
    pub trace_id: String,
    /// Its root span id (16 hex digits).
    pub span_id: String,
    /// Its execution id.
    pub execution_id: String,
    /// Whether a workflow ran: its line is a runtime log. `false` for a
    /// deployment, whose line is a build log.
    pub run: bool,
    /// The project version the environment ran (or, for a deployment,
    /// built) then; `None` in the test container, which runs the current
    /// files.
    pub version_id: Option<String>,
}

/// A connection template: a system attached to one environment of a
/// project. What it shows of the system (domain, base URL, auth scheme
/// configs) is read from the system when the template is shown, so it is
/// always the system's current state; that is why the template keeps its
/// own members here and is shown as a `types::ConnectionTemplate` built
/// from them and the system, rather than stored as one (which would hold a
/// copy of the system).
#[derive(Debug, Clone)]
pub struct Template {
    /// The project.
    pub project_id: String,
    /// The environment the system is attached to.
    pub environment_id: String,
    /// The system.
    pub system_id: String,
    /// The name the code uses.
    pub name: String,
    /// Each end user brings their own connection.
    pub dynamic: bool,
    /// The system's auth scheme configs the template uses, by id (`None`:
    /// all of them).
    pub auth_scheme_config_ids: Option<Vec<String>>,
}

/// An environment's built-in static activation: what its code runs with
/// when no end user is involved. Its variables are the environment's static
/// variables and its connections the ones linked to the environment; only
/// its id and its (internal) user are kept here.
#[derive(Debug, Clone)]
pub struct StaticActivation {
    /// The activation's id.
    pub id: String,
    /// The environment's static user: internal, never one of the
    /// organisation's end users.
    pub user: types::EndUser,
}

/// An activation with the environment it is looked up by.
#[derive(Debug, Clone)]
pub struct Activation {
    /// Its environment's id.
    pub environment_id: String,
    /// The activation: its connections as they were at activation, its
    /// dynamic variables, and its user and environment as they were then
    /// (shown as they are now, while they exist).
    pub activation: types::Activation,
}

impl Activation {
    /// Its end user's id.
    pub fn user_id(&self) -> &str {
        &self.activation.user.id
    }
}

/// The environment the test container's runs are recorded under.
pub const TEST_CONTAINER: &str = "testing";

impl Org {
    /// Records a workflow run in `project_id`'s deployed environment
    /// `environment`, by the version deployed there.
    pub fn record(&mut self, project_id: &str, environment: &str, name: &str, message: String) {
        let version = self.deployed_version(project_id, environment);
        self.record_execution(project_id, environment, name, message, true, version);
    }

    /// Records a workflow run in the project's test container (which runs
    /// the current files, no version).
    pub fn record_test_run(&mut self, project_id: &str, name: &str, message: String) {
        self.record_execution(project_id, TEST_CONTAINER, name, message, true, None);
    }

    /// Records a deployment of `version_id` (logged as a build and traced,
    /// but not a workflow run).
    pub fn record_deployment(
        &mut self,
        project_id: &str,
        environment: &str,
        version_id: Option<String>,
        message: String,
    ) {
        self.record_execution(
            project_id,
            environment,
            "deploy",
            message,
            false,
            version_id,
        );
    }

    /// The id of the version deployed in `project_id`'s environment named
    /// `environment`, if it has one.
    pub fn deployed_version(&self, project_id: &str, environment: &str) -> Option<String> {
        self.projects
            .get(project_id)?
            .environments
            .iter()
            .find(|e| e.name == environment)?
            .deployed_version
            .as_ref()
            .map(|v| v.id.clone())
    }

    fn record_execution(
        &mut self,
        project_id: &str,
        environment: &str,
        name: &str,
        message: String,
        run: bool,
        version_id: Option<String>,
    ) {
        let n = self.executions.len() as u128 + 1;
        let seed = ulid::Ulid::from_string(&new_id()).map_or(n, |u| u.0 ^ n);
        self.executions.push(Execution {
            project_id: project_id.to_string(),
            environment: environment.to_string(),
            name: name.to_string(),
            message,
            at: now(),
            trace_id: format!("{seed:032x}"),
            span_id: format!("{:016x}", (seed as u64) ^ 0x5eed),
            execution_id: new_id(),
            run,
            version_id,
        });
    }

    /// Removes the connection template `id` with its links.
    pub fn remove_template(&mut self, id: &str) -> Option<Template> {
        self.links.remove_template(id);
        self.templates.remove(id)
    }

    /// Removes the connection `id` with its owner and links.
    pub fn remove_connection(&mut self, id: &str) -> Option<types::Connection> {
        self.owners.forget_connection(id);
        self.links.remove_connection(id);
        self.connections.remove(id)
    }

    /// Forgets the end user `id` as an owner: their connections stay, owned
    /// by no one (static from now on).
    pub fn disown(&mut self, user: &str) {
        for c in self.owners.forget_user(user) {
            self.links.disown(&c);
        }
    }

    /// The variable schema of project `project_id` (a JSON Schema document,
    /// free-form JSON by the spec): the project's own
    /// `dynamicVariablesSchema`, which SetProjectVariablesSchema and
    /// PatchProjectVariablesSchema change and GetProject shows; `{}` when
    /// there is none.
    pub fn variables_schema(&self, project_id: &str) -> Value {
        self.projects
            .get(project_id)
            .and_then(|p| p.dynamic_variables_schema.as_ref())
            .map(|s| Value::Object(s.0.clone()))
            .unwrap_or_else(|| Value::Object(serde_json::Map::new()))
    }

    /// What a listing of project `project_id`'s items, narrowed by an
    /// `env_id` query parameter, covers: the whole project, one of its
    /// environments, or nothing (an environment of another project holds
    /// none of this project's items). 404 when there is no such project.
    pub fn project_scope<'a>(
        &self,
        project_id: &'a str,
        env_id: Option<&'a str>,
    ) -> Result<Scope<'a>, crate::error::ApiError> {
        let project = self
            .projects
            .get(project_id)
            .ok_or_else(|| crate::error::ApiError::missing("project", project_id))?;
        Ok(match env_id {
            None => Scope::Project(project_id),
            Some(env) if project.environments.iter().any(|e| e.id == env) => {
                Scope::Environment(env)
            }
            Some(_) => Scope::Nothing,
        })
    }

    /// The project `id`, or 404.
    pub fn project_mut(&mut self, id: &str) -> Result<&mut types::Project, crate::error::ApiError> {
        self.projects
            .get_mut(id)
            .ok_or_else(|| crate::error::ApiError::missing("project", id))
    }

    /// The static activation of environment `env_id` of `organisation`
    /// (made on first use, its user stamped with the environment's
    /// creation); `None` when there is no such environment.
    pub fn static_activation(
        &mut self,
        organisation: &str,
        env_id: &str,
    ) -> Option<&StaticActivation> {
        if !self.static_activations.contains_key(env_id) {
            let (project, i) = self.environment(env_id)?;
            let created = project.environments[i].created_at;
            let user = types::EndUser {
                id: new_id(),
                external_id: format!("static:{env_id}"),
                display_name: "Static user".into(),
                organisation_id: organisation.to_string(),
                created_at: created,
                updated_at: created,
            };
            self.static_activations
                .insert(env_id.to_string(), StaticActivation { id: new_id(), user });
        }
        self.static_activations.get(env_id)
    }

    /// The project owning environment `env_id`, and the environment's index in it.
    pub fn environment(&self, env_id: &str) -> Option<(&types::Project, usize)> {
        self.projects.values().find_map(|p| {
            p.environments
                .iter()
                .position(|e| e.id == env_id)
                .map(|i| (p, i))
        })
    }
}

/// What a project listing narrowed by environment covers (see
/// [`Org::project_scope`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// Every environment of the project (its id).
    Project(&'a str),
    /// One environment of the project (its id).
    Environment(&'a str),
    /// Nothing: the environment named is another project's.
    Nothing,
}

/// One KV store: entries keyed by their key segments, and an index of them
/// by internal id. Entries go in and out only through [`KvStore::put`] and
/// [`KvStore::remove`], so the two maps always hold the same entries.
#[derive(Debug, Default)]
pub struct KvStore {
    /// The organisation owning the store.
    pub organisation: String,
    /// The store's name.
    pub name: String,
    /// Entries, ordered by key (expired ones are skipped by every read).
    entries: BTreeMap<Vec<String>, KvEntry>,
    /// The key of every entry, by its internal id (the listing order).
    by_id: BTreeMap<u64, Vec<String>>,
    /// The last internal id handed out (0: none yet).
    last_id: u64,
}

impl KvStore {
    /// An empty store.
    pub fn new(organisation: String, name: String) -> KvStore {
        KvStore {
            organisation,
            name,
            ..KvStore::default()
        }
    }

    /// The entries, by key.
    pub fn entries(&self) -> &BTreeMap<Vec<String>, KvEntry> {
        &self.entries
    }

    /// The keys of the entries, by internal id (ascending: oldest first).
    pub fn by_id(&self) -> &BTreeMap<u64, Vec<String>> {
        &self.by_id
    }

    /// Whether `id` was ever handed out by this store.
    pub fn issued(&self, id: u64) -> bool {
        (1..=self.last_id).contains(&id)
    }

    /// The entry under `key`, to change its value members (its id stays).
    pub fn get_mut(&mut self, key: &[String]) -> Option<&mut KvEntry> {
        self.entries.get_mut(key)
    }

    /// Stores `entry` under `key`. Replacing an entry still alive at `now`
    /// keeps its internal id (an upsert keeps its row); a new key, or one
    /// whose entry was deleted or expired, gets the next id.
    pub fn put(
        &mut self,
        key: Vec<String>,
        mut entry: KvEntry,
        now: chrono::DateTime<chrono::Utc>,
    ) {
        let kept = self
            .entries
            .get(&key)
            .filter(|e| e.alive(now))
            .map(KvEntry::id);
        entry.id = match kept {
            Some(id) => id,
            None => {
                self.remove(&key);
                self.last_id += 1;
                self.by_id.insert(self.last_id, key.clone());
                self.last_id
            }
        };
        self.entries.insert(key, entry);
    }

    /// Removes the entry under `key` (alive or expired), if there is one.
    pub fn remove(&mut self, key: &[String]) -> Option<KvEntry> {
        let entry = self.entries.remove(key)?;
        self.by_id.remove(&entry.id);
        Some(entry)
    }
}

/// One KV entry.
#[derive(Debug, Clone)]
pub struct KvEntry {
    /// The internal id: the store's sequence number of the write that
    /// created the entry (set by [`KvStore::put`]).
    id: u64,
    /// The stored value: any JSON, free-form by the spec.
    pub value: Value,
    /// Changes on every write.
    pub versionstamp: String,
    /// When it was written.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When it expires, if it does.
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The lifetime a read renews (`refreshOnAccess`), if any.
    pub refresh: Option<chrono::TimeDelta>,
    /// Metadata saved with it (`options.metadata`), for list filters.
    pub metadata: Option<serde_json::Map<String, Value>>,
}

impl KvEntry {
    /// An entry holding `value`, written at `created_at`, that never
    /// expires and has no metadata (its id is given when it is stored).
    pub fn new(
        value: Value,
        versionstamp: String,
        created_at: chrono::DateTime<chrono::Utc>,
    ) -> KvEntry {
        KvEntry {
            id: 0,
            value,
            versionstamp,
            created_at,
            expires_at: None,
            refresh: None,
            metadata: None,
        }
    }

    /// The internal id (the listing order: higher is newer).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Whether the entry still exists at `now`.
    pub fn alive(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        self.expires_at.is_none_or(|at| at > now)
    }
}

/// The whole platform.
#[derive(Debug, Default)]
pub struct Store {
    /// Organisations, created on first use.
    pub orgs: HashMap<String, Org>,
    /// KV stores by id (their routes carry no organisation).
    pub kv: BTreeMap<String, KvStore>,
}

impl Store {
    /// The organisation `id`, created on first use.
    pub fn org(&mut self, id: &str) -> &mut Org {
        self.orgs.entry(id.to_string()).or_default()
    }

    /// The organisation owning project `project_id`, if any does.
    pub fn org_of_project(&self, project_id: &str) -> Option<String> {
        self.orgs
            .iter()
            .find(|(_, org)| org.projects.contains_key(project_id))
            .map(|(id, _)| id.clone())
    }
}
