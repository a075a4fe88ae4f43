//! Stripe's request bodies — `application/x-www-form-urlencoded` with bracket notation
//! (`metadata[user_id]=…`, `line_items[0][price]=…`, `subscription_data[metadata][k]=…`) —
//! read into a tree of parameters, refused as Stripe refuses them, so every handler checks its
//! parameters the way Stripe does.

use std::collections::BTreeMap;

use super::objects::Metadata;
use super::refusals::{Refusal, shown};

/// Nesting deeper than any parameter Stripe takes is refused, not followed.
const MAX_DEPTH: usize = 6;
/// Stripe's limits on metadata.
const METADATA_KEYS: usize = 50;
const METADATA_KEY_CHARS: usize = 40;
const METADATA_VALUE_CHARS: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    Text(String),
    Map(BTreeMap<String, Param>),
}

/// A request's parameters.
#[derive(Debug, Default)]
pub struct Form(BTreeMap<String, Param>);

/// `name[a][b]` → `["name", "a", "b"]`; `None` when the brackets do not pair up.
fn path_of(key: &str) -> Option<Vec<&str>> {
    let (name, mut rest) = match key.find('[') {
        Some(at) => key.split_at(at),
        None => (key, ""),
    };
    if name.is_empty() || name.contains(']') {
        return None;
    }
    let mut path = vec![name];
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let close = inner.find(']')?;
        let segment = &inner[..close];
        if segment.contains('[') {
            return None;
        }
        path.push(segment);
        rest = &inner[close + 1..];
    }
    Some(path)
}

fn insert(
    map: &mut BTreeMap<String, Param>,
    path: &[&str],
    value: String,
    key: &str,
) -> Result<(), Refusal> {
    let Some((first, rest)) = path.split_first() else {
        return Ok(());
    };
    // `list[]=a&list[]=b` appends, as Stripe reads it.
    let name = if first.is_empty() {
        map.len().to_string()
    } else {
        first.to_string()
    };
    if rest.is_empty() {
        if matches!(map.get(&name), Some(Param::Map(_))) {
            return Err(Refusal::invalid(
                &format!("Invalid hash: {}", shown(key)),
                key,
            ));
        }
        map.insert(name, Param::Text(value));
        return Ok(());
    }
    match map
        .entry(name)
        .or_insert_with(|| Param::Map(BTreeMap::new()))
    {
        Param::Map(inner) => insert(inner, rest, value, key),
        Param::Text(_) => Err(Refusal::invalid(
            &format!("Invalid string: {}", shown(key)),
            key,
        )),
    }
}

impl Form {
    pub fn parse(body: &str) -> Result<Self, Refusal> {
        let mut params = BTreeMap::new();
        for (key, value) in form_urlencoded::parse(body.as_bytes()) {
            let path = path_of(&key)
                .filter(|path| path.len() <= MAX_DEPTH)
                .ok_or_else(|| {
                    Refusal::invalid(
                        &format!("Invalid parameter name: {}", shown(&key)),
                        &shown(&key),
                    )
                })?;
            insert(&mut params, &path, value.into_owned(), &key)?;
        }
        Ok(Self(params))
    }

    /// Refuses a parameter not in `known`, as Stripe does.
    pub fn only(&self, known: &[&str]) -> Result<(), Refusal> {
        match self.0.keys().find(|name| !known.contains(&name.as_str())) {
            Some(name) => Err(Refusal::invalid(
                &format!("Received unknown parameter: {}", shown(name)),
                name,
            )),
            None => Ok(()),
        }
    }

    /// The parameter at `path` (`["line_items", "0", "price"]`).
    pub fn at(&self, path: &[&str]) -> Option<&Param> {
        let (first, rest) = path.split_first()?;
        rest.iter()
            .try_fold(self.0.get(*first)?, |param, name| match param {
                Param::Map(map) => map.get(*name),
                Param::Text(_) => None,
            })
    }

    /// The text at `path`; an empty value is no value (how Stripe unsets one).
    pub fn text(&self, path: &[&str]) -> Result<Option<&str>, Refusal> {
        match self.at(path) {
            None => Ok(None),
            Some(Param::Text(text)) => Ok(Some(text.as_str()).filter(|t| !t.is_empty())),
            Some(Param::Map(_)) => Err(Refusal::invalid(
                &format!("Invalid string: {} is a hash", name(path)),
                &name(path),
            )),
        }
    }

    pub fn required(&self, path: &[&str]) -> Result<&str, Refusal> {
        self.text(path)?.ok_or_else(|| {
            Refusal::invalid(
                &format!("Missing required param: {}.", name(path)),
                &name(path),
            )
        })
    }

    /// The names under the hash at `path` (none when absent), refusing a text there.
    pub fn keys(&self, path: &[&str]) -> Result<Vec<&str>, Refusal> {
        match self.at(path) {
            None => Ok(vec![]),
            Some(Param::Map(map)) => Ok(map.keys().map(String::as_str).collect()),
            Some(Param::Text(_)) => Err(Refusal::invalid(
                &format!("Invalid hash: {} must be a hash", name(path)),
                &name(path),
            )),
        }
    }

    /// The metadata hash at `path`, within Stripe's limits; empty values unset their keys.
    pub fn metadata(&self, path: &[&str]) -> Result<Metadata, Refusal> {
        let mut metadata = Metadata::new();
        for key in self.keys(path)? {
            let mut at = path.to_vec();
            at.push(key);
            let param = name(&at);
            let value = self.text(&at)?.unwrap_or_default();
            if key.chars().count() > METADATA_KEY_CHARS {
                return Err(Refusal::invalid(
                    &format!("Metadata keys can be at most {METADATA_KEY_CHARS} characters long."),
                    &param,
                ));
            }
            if value.chars().count() > METADATA_VALUE_CHARS {
                return Err(Refusal::invalid(
                    &format!(
                        "Metadata values can be at most {METADATA_VALUE_CHARS} characters long."
                    ),
                    &param,
                ));
            }
            if !value.is_empty() {
                metadata.insert(key.to_string(), value.to_string());
            }
        }
        if metadata.len() > METADATA_KEYS {
            return Err(Refusal::invalid(
                &format!("Metadata can have at most {METADATA_KEYS} keys."),
                &name(path),
            ));
        }
        Ok(metadata)
    }
}

/// `["a", "b", "c"]` → `a[b][c]`, as a refusal names the parameter.
pub fn name(path: &[&str]) -> String {
    let mut name = String::new();
    for (i, part) in path.iter().enumerate() {
        if i == 0 {
            name.push_str(part);
        } else {
            name.push_str(&format!("[{part}]"));
        }
    }
    shown(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bracket_notation_reads_into_nested_parameters() {
        let form = Form::parse(
            "mode=subscription&line_items[0][price]=price_pro_monthly&line_items%5B0%5D%5Bquantity%5D=1\
             &metadata[user_id]=u_1&subscription_data[metadata][user_id]=u_1\
             &success_url=http%3A%2F%2F127.0.0.1%2Fok%3Fs%3D%7BCHECKOUT_SESSION_ID%7D&expand[]=a&expand[]=b",
        )
        .unwrap();
        assert_eq!(form.required(&["mode"]).unwrap(), "subscription");
        assert_eq!(
            form.text(&["line_items", "0", "price"]).unwrap(),
            Some("price_pro_monthly")
        );
        assert_eq!(
            form.text(&["line_items", "0", "quantity"]).unwrap(),
            Some("1")
        );
        assert_eq!(form.metadata(&["metadata"]).unwrap()["user_id"], "u_1");
        assert_eq!(
            form.metadata(&["subscription_data", "metadata"]).unwrap()["user_id"],
            "u_1"
        );
        assert_eq!(
            form.text(&["success_url"]).unwrap(),
            Some("http://127.0.0.1/ok?s={CHECKOUT_SESSION_ID}")
        );
        assert_eq!(form.keys(&["expand"]).unwrap(), ["0", "1"]);
        assert!(
            form.only(&[
                "mode",
                "line_items",
                "metadata",
                "subscription_data",
                "success_url",
                "expand"
            ])
            .is_ok()
        );
    }

    #[test]
    fn stripe_refuses_what_does_not_read_and_names_the_parameter() {
        for body in [
            "a[b=1",
            "a]=1",
            "[x]=1",
            "a[b]c=1",
            "a[b[c]]=1",
            "a[1][2][3][4][5][6]=1",
        ] {
            assert!(Form::parse(body).is_err(), "{body}");
        }
        let clash = Form::parse("metadata=x&metadata[a]=1").unwrap_err();
        assert_eq!(
            (clash.status, clash.body["error"]["param"].as_str()),
            (400, Some("metadata[a]"))
        );

        let form = Form::parse("customer=cus_1&colour=red&metadata=x&mode=").unwrap();
        let unknown = form.only(&["customer", "metadata", "mode"]).unwrap_err();
        assert_eq!(
            unknown.body["error"]["message"],
            "Received unknown parameter: colour"
        );
        assert_eq!(unknown.body["error"]["type"], "invalid_request_error");
        assert_eq!(unknown.body["error"]["param"], "colour");
        assert!(
            form.metadata(&["metadata"]).is_err(),
            "metadata must be a hash"
        );
        let missing = form.required(&["mode"]).unwrap_err();
        assert_eq!(
            missing.body["error"]["message"],
            "Missing required param: mode."
        );
        let missing = form.required(&["line_items", "0", "price"]).unwrap_err();
        assert_eq!(missing.body["error"]["param"], "line_items[0][price]");
    }

    #[test]
    fn metadata_keeps_stripes_limits() {
        let long_key = format!("metadata[{}]=1", "k".repeat(41));
        assert!(
            Form::parse(&long_key)
                .unwrap()
                .metadata(&["metadata"])
                .is_err()
        );
        let many: Vec<String> = (0..51).map(|i| format!("metadata[k{i}]=v")).collect();
        assert!(
            Form::parse(&many.join("&"))
                .unwrap()
                .metadata(&["metadata"])
                .is_err()
        );
        let unset = Form::parse("metadata[a]=&metadata[b]=2").unwrap();
        assert_eq!(unset.metadata(&["metadata"]).unwrap().len(), 1);
    }
}
