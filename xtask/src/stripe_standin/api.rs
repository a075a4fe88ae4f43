//! The API calls the Worker makes, under `/v1`, checked as Stripe checks them: the secret key
//! and `Idempotency-Key` (`keys.rs`), and every parameter — an unknown one is refused, so a typo
//! in the Worker's call fails here as it would there.

use serde_json::Value;

use super::books::Books;
use super::forms::Form;
use super::keys;
use super::objects::{CheckoutSession, PortalSession, Price, Subscription};
use super::refusals::{Refusal, shown};
use super::webhooks::Event;
use super::{Call, Outcome};
use crate::json_server::Reply;

/// How long a Checkout Session stays open.
const CHECKOUT_S: i64 = 24 * 3600;

/// An absolute http(s) URL, as Stripe wants a redirect target.
fn url(form: &Form, name: &str, required: bool) -> Result<Option<String>, Refusal> {
    let value = if required {
        Some(form.required(&[name])?)
    } else {
        form.text(&[name])?
    };
    match value {
        None => Ok(None),
        Some(text) => {
            let rest = text
                .strip_prefix("https://")
                .or_else(|| text.strip_prefix("http://"));
            let host = rest.and_then(|r| r.split(['/', '?', '#']).next());
            if host.is_none_or(str::is_empty)
                || text.len() > 5000
                || text.contains(char::is_whitespace)
            {
                return Err(Refusal::invalid("Not a valid URL", name));
            }
            Ok(Some(text.to_string()))
        }
    }
}

/// The customer a parameter names, which must exist.
fn customer<'f>(books: &Books, form: &'f Form) -> Result<&'f str, Refusal> {
    let id = form.required(&["customer"])?;
    if !books.customers.contains_key(id) {
        return Err(Refusal::no_such("customer", id, Some("customer")));
    }
    Ok(id)
}

type Done = (Value, Vec<Event>);

fn create_customer(books: &mut Books, form: &Form, now: i64) -> Result<Done, Refusal> {
    form.only(&[
        "email",
        "name",
        "metadata",
        "description",
        "phone",
        "expand",
    ])?;
    let email = form.text(&["email"])?;
    if email.is_some_and(|e| !e.contains('@') || e.len() > 512) {
        return Err(Refusal::invalid(
            &format!(
                "Invalid email address: {}",
                shown(email.unwrap_or_default())
            ),
            "email",
        ));
    }
    let name = form.text(&["name"])?.map(|n| n.chars().take(256).collect());
    let metadata = form.metadata(&["metadata"])?;
    let customer = books.add_customer(email.map(str::to_string), name, metadata, now);
    Ok((customer.json(), vec![]))
}

fn create_checkout(books: &mut Books, form: &Form, now: i64) -> Result<Done, Refusal> {
    form.only(&[
        "mode",
        "customer",
        "line_items",
        "success_url",
        "cancel_url",
        "client_reference_id",
        "metadata",
        "subscription_data",
        // Accepted and without effect here, as they would be on these plans.
        "expand",
        "locale",
        "allow_promotion_codes",
        "billing_address_collection",
        "customer_update",
        "payment_method_types",
    ])?;
    if form.required(&["mode"])? != "subscription" {
        return Err(Refusal::invalid(
            "This stand-in sells subscriptions only: mode must be subscription.",
            "mode",
        ));
    }
    let customer = customer(books, form)?;
    if form.keys(&["line_items"])? != ["0"]
        || form
            .keys(&["line_items", "0"])?
            .iter()
            .any(|k| !["price", "quantity"].contains(k))
    {
        return Err(Refusal::invalid(
            "line_items takes one item here: line_items[0][price] and line_items[0][quantity].",
            "line_items",
        ));
    }
    let price_id = form.required(&["line_items", "0", "price"])?;
    let price = Price::find(price_id)
        .ok_or_else(|| Refusal::no_such("price", price_id, Some("line_items[0][price]")))?;
    if form.required(&["line_items", "0", "quantity"])? != "1" {
        return Err(Refusal::invalid(
            "A plan is sold one at a time: line_items[0][quantity] must be 1.",
            "line_items[0][quantity]",
        ));
    }
    if let Some(unknown) = form
        .keys(&["subscription_data"])?
        .into_iter()
        .find(|k| *k != "metadata")
    {
        let param = format!("subscription_data[{}]", shown(unknown));
        return Err(Refusal::invalid(
            &format!("Received unknown parameter: {param}"),
            &param,
        ));
    }
    let client_reference_id = form.text(&["client_reference_id"])?;
    if client_reference_id.is_some_and(|id| id.chars().count() > 200) {
        return Err(Refusal::invalid(
            "client_reference_id can be at most 200 characters long.",
            "client_reference_id",
        ));
    }
    let checkout = CheckoutSession {
        id: books.id("cs_test_"),
        customer: customer.to_string(),
        price,
        client_reference_id: client_reference_id.map(str::to_string),
        metadata: form.metadata(&["metadata"])?,
        subscription_metadata: form.metadata(&["subscription_data", "metadata"])?,
        success_url: url(form, "success_url", true)?.unwrap_or_default(),
        cancel_url: url(form, "cancel_url", true)?.unwrap_or_default(),
        created: now,
        expires_at: now + CHECKOUT_S,
        subscription: None,
    };
    let json = checkout.json(&books.base_url);
    books.checkouts.insert(checkout.id.clone(), checkout);
    Ok((json, vec![]))
}

fn create_portal(books: &mut Books, form: &Form, now: i64) -> Result<Done, Refusal> {
    form.only(&[
        "customer",
        "return_url",
        "configuration",
        "locale",
        "expand",
    ])?;
    let portal = PortalSession {
        id: books.id("bps_"),
        customer: customer(books, form)?.to_string(),
        return_url: url(form, "return_url", false)?,
        created: now,
    };
    let json = portal.json(&books.base_url);
    books.portals.insert(portal.id.clone(), portal);
    Ok((json, vec![]))
}

/// An object read by its id in the path.
fn read(books: &Books, kind: &str, id: &str) -> Result<Done, Refusal> {
    let found = match kind {
        "customers" => books.customers.get(id).map(|c| c.json()),
        "checkout/sessions" => books.checkouts.get(id).map(|c| c.json(&books.base_url)),
        "subscriptions" => books.subscriptions.get(id).map(Subscription::json),
        _ => books.invoices.get(id).map(|i| i.json()),
    };
    let singular = match kind {
        "customers" => "customer",
        "checkout/sessions" => "checkout.session",
        "subscriptions" => "subscription",
        _ => "invoice",
    };
    found
        .map(|json| (json, vec![]))
        .ok_or_else(|| Refusal::no_such(singular, id, None))
}

fn route(books: &mut Books, call: &Call<'_>, now: i64) -> Result<Done, Refusal> {
    let method = call.method.as_str();
    let form = Form::parse(if method == "GET" {
        call.query
    } else {
        call.body
    })?;
    let resource = call
        .path
        .strip_prefix("/v1/")
        .unwrap_or_default()
        .rsplit_once('/')
        .filter(|(kind, id)| {
            !id.is_empty()
                && [
                    "customers",
                    "checkout/sessions",
                    "subscriptions",
                    "invoices",
                ]
                .contains(kind)
        });
    match (method, call.path, resource) {
        ("POST", "/v1/customers", _) => create_customer(books, &form, now),
        ("POST", "/v1/checkout/sessions", _) => create_checkout(books, &form, now),
        ("POST", "/v1/billing_portal/sessions", _) => create_portal(books, &form, now),
        ("GET", _, Some((kind, id))) => read(books, kind, id),
        ("DELETE", _, Some(("subscriptions", id))) => {
            form.only(&["invoice_now", "prorate", "cancellation_details", "expand"])?;
            let (json, event) = books
                .cancel_now(id, now)
                .ok_or_else(|| Refusal::no_such("subscription", id, None))?;
            Ok((json, vec![event]))
        }
        _ => Err(Refusal::unrecognized(method, call.path)),
    }
}

/// Answers an API call, replaying an idempotent one.
pub fn handle(secret_key: &str, books: &mut Books, call: &Call<'_>, now: i64) -> Outcome {
    if let Err(refusal) = keys::authorize(secret_key, call.authorization) {
        return Outcome::Reply(
            Reply::json(refusal.status, &refusal.body)
                .with_header("www-authenticate", "Basic realm=\"Stripe\""),
        );
    }
    if let Some(replayed) = keys::replay(books, call, now) {
        return Outcome::Reply(replayed);
    }
    match route(books, call, now) {
        Ok((json, events)) => {
            keys::remember(books, call, &json, now);
            Outcome::Send(events, Reply::json(200, &json))
        }
        Err(refusal) => Outcome::Reply(Reply::json(refusal.status, &refusal.body)),
    }
}
