//! Typed helpers for the KV store: keys as lists of segments, values through
//! serde, batches, and listing by prefix. A key travels in the path as the
//! platform's official client sends it (`["orders", "1042"]` as
//! `/store/{store}/kv/orders/1042`, each segment escaped on its own), and
//! every key, in a path or a batch body, is checked by the same rule first.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::generated_groups::KvStore;
use crate::pages::Pages;
use crate::types;
use crate::Client;

/// Checks a key's segments as the wire needs them (see
/// [`versori_core::path`]): at least one, none empty, `.` or `..`, none
/// containing `/`. `name` names the key in the message.
fn check_key(name: &str, key: &[&str]) -> Result<()> {
    versori_core::path::encode_segments(name, key)
        .map(|_| ())
        .map_err(|e| Error::invalid(format!("KV {e}")))
}

/// Checks each key of a batch (see [`check_key`]), named `keys[i]`.
fn check_keys(keys: &[&[&str]]) -> Result<()> {
    for (i, key) in keys.iter().enumerate() {
        check_key(&format!("keys[{i}]"), key)?;
    }
    Ok(())
}

fn to_value<T: Serialize>(value: &T) -> Result<Value> {
    serde_json::to_value(value)
        .map_err(|e| Error::invalid(format!("the value cannot be serialized to JSON: {e}")))
}

fn from_value<T: DeserializeOwned>(client: &Client, value: Value, key: &str) -> Result<T> {
    serde_json::from_value(value.clone()).map_err(|e| {
        client.decode_json_error(
            format!("the value under {key:?} does not have the expected type: {e}"),
            &value,
        )
    })
}

impl KvStore<'_> {
    /// Calls the store operation `op` with `args` and this store.
    async fn call_store(&self, op: &str, mut args: Value) -> Result<Value> {
        args["store"] = json!(self.store());
        self.client().call(op, args).await
    }

    /// The value under `key` decoded as `T`, or `None` when the key is absent.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let emulator = versori_emulator::Emulator::start().await?;
    /// # let client = versori::Client::builder()
    /// #     .base_url(emulator.base_url())
    /// #     .organisation("01J8ZQ4N7G3Y5B2K9T6W1X00RG")
    /// #     .api_key("doc")
    /// #     .build()?;
    /// # let store = client.call("CreateStore", serde_json::json!({"body": {"name": "inventory"}})).await?;
    /// # let store_id = store["id"].as_str().unwrap_or("inventory");
    /// let kv = client.kv(store_id);
    /// kv.put(&["products", "123"], &serde_json::json!({"stock": 7})).await?;
    /// let stock: Option<serde_json::Value> = kv.fetch(&["products", "123"]).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn fetch<T: DeserializeOwned>(&self, key: &[&str]) -> Result<Option<T>> {
        check_key("key", key)?;
        match self.call_store("GetKV", json!({"key": key})).await {
            Ok(found) => match found.get("value") {
                Some(v) => from_value(self.client(), v.clone(), &key.join("/")).map(Some),
                None => Ok(None),
            },
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Stores `value` under `key`; returns the new versionstamp, if the
    /// platform gives one.
    pub async fn put<T: Serialize>(&self, key: &[&str], value: &T) -> Result<Option<String>> {
        check_key("key", key)?;
        let answer = self
            .call_store(
                "SetKV",
                json!({"key": key, "body": {"value": to_value(value)?}}),
            )
            .await?;
        Ok(answer["versionstamp"].as_str().map(String::from))
    }

    /// Removes `key` (no error when it is absent).
    pub async fn remove(&self, key: &[&str]) -> Result<()> {
        check_key("key", key)?;
        match self
            .call_store("DeleteKV", json!({"key": key, "body": {}}))
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The entries stored under several keys at once (absent keys are
    /// missing from the result).
    pub async fn fetch_many(&self, keys: &[&[&str]]) -> Result<Vec<types::KvEntry>> {
        check_keys(keys)?;
        let answer = self
            .call_store("BatchGetKV", json!({"body": {"keys": keys}}))
            .await?;
        let entries = answer
            .get("entries")
            .cloned()
            .unwrap_or(Value::Array(vec![]));
        from_value(self.client(), entries, "batch")
    }

    /// Stores several values at once.
    pub async fn put_many<T: Serialize>(
        &self,
        entries: &[(&[&str], T)],
    ) -> Result<types::BatchSetKvResponse> {
        let mut list = Vec::with_capacity(entries.len());
        for (i, (key, value)) in entries.iter().enumerate() {
            check_key(&format!("entries[{i}].key"), key)?;
            list.push(json!({"key": key, "value": to_value(value)?}));
        }
        let answer = self
            .call_store("BatchSetKV", json!({"body": {"entries": list}}))
            .await?;
        from_value(self.client(), answer, "batch")
    }

    /// Removes several keys at once.
    pub async fn remove_many(&self, keys: &[&[&str]]) -> Result<()> {
        check_keys(keys)?;
        self.call_store("BatchDeleteKV", json!({"body": {"keys": keys}}))
            .await?;
        Ok(())
    }

    /// Every entry whose key starts with `prefix`, as a stream fetched page
    /// by page.
    pub fn entries(&self, prefix: &[&str]) -> Pages<types::KvEntry> {
        self.client()
            .pages("ListKV", serde_json::Map::new())
            .param("store", self.store())
            .param("body", json!({"selector": {"prefix": prefix}}))
    }

    /// How many entries have keys starting with `prefix`.
    pub async fn count_prefix(&self, prefix: &[&str]) -> Result<u64> {
        let answer = self
            .call_store("CountKV", json!({"body": {"selector": {"prefix": prefix}}}))
            .await?;
        let count = &answer["count"];
        count
            .as_u64()
            .or_else(|| {
                count
                    .as_f64()
                    .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                    .map(|f| f as u64)
            })
            .ok_or_else(|| {
                self.client()
                    .decode_json_error("CountKV answered without a count", &answer)
            })
    }
}
