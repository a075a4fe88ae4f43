//! The pages a browser sees where Stripe's would be: Checkout (`/checkout/{id}`: the plan, a card
//! number, Pay or Cancel) and the Billing Portal (`/portal/{id}`: the customer's plans, cancel at
//! the period's end or renew after all, back to PingToPass). Plain HTML forms, no script, labelled
//! for assistive technology and for the browser tests' role and label queries. Each POST answers
//! `303 See Other` (to the Worker's success URL, or back to the portal) after its events went
//! out, so the page that follows sees their effect.

use super::books::{Books, PayRefusal};
use super::objects::{CheckoutSession, Status, Subscription};
use super::{Call, Outcome};
use crate::json_server::Reply;

/// Prefilled: Stripe's test card that always pays.
const GOOD_CARD: &str = "4242 4242 4242 4242";

/// Text (and attribute values) made safe for HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page; `content` is HTML already. Its icon is inline, so a browser asks the stand-in
/// for no `/favicon.ico` (a 404 the browser tests would see as a console error).
fn page(status: u16, title: &str, content: &str) -> Reply {
    Reply::html(
        status,
        format!(
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <link rel=\"icon\" href=\"data:,\">\n\
             <title>{title}</title>\n<style>body{{font-family:system-ui,sans-serif;max-width:34rem;\
             margin:3rem auto;padding:0 1rem;line-height:1.5}}label,input,button{{display:block;\
             font-size:1rem}}input{{margin:.25rem 0 1rem;padding:.5rem;width:100%;box-sizing:border-box}}\
             button{{padding:.5rem 1.5rem}}[role=alert]{{color:#a00;font-weight:bold}}</style>\n\
             </head>\n<body>\n<main>\n<h1>{title}</h1>\n{content}</main>\n</body>\n</html>\n",
            title = escape(title),
        ),
    )
}

fn error_page(status: u16, message: &str) -> Reply {
    page(
        status,
        "Stripe stand-in",
        &format!("<p role=\"alert\">{}</p>\n", escape(message)),
    )
}

/// `July 5, 2025` (UTC).
fn date(unix_s: i64) -> String {
    chrono::DateTime::from_timestamp(unix_s, 0)
        .map(|at| at.format("%B %-d, %Y").to_string())
        .unwrap_or_default()
}

fn checkout_page(books: &Books, checkout: &CheckoutSession, card: &str, declined: bool) -> Reply {
    let email = books
        .customers
        .get(&checkout.customer)
        .and_then(|c| c.email.as_deref())
        .map(|email| format!("<p>Paying as {}</p>\n", escape(email)))
        .unwrap_or_default();
    let alert = if declined {
        "<p role=\"alert\">Your card was declined.</p>\n"
    } else {
        ""
    };
    let content = format!(
        "<p>{plan}</p>\n{email}{alert}<form method=\"post\" action=\"/checkout/{id}\">\n\
         <label for=\"card\">Card number</label>\n\
         <input id=\"card\" name=\"card\" inputmode=\"numeric\" autocomplete=\"cc-number\" value=\"{card}\" required>\n\
         <button type=\"submit\">Pay</button>\n</form>\n<p><a href=\"{cancel}\">Cancel</a></p>\n",
        plan = escape(&checkout.price.label()),
        id = escape(&checkout.id),
        card = escape(card),
        cancel = escape(&checkout.cancel_url),
    );
    page(if declined { 402 } else { 200 }, "Pay PingToPass", &content)
}

fn checkout_refusal(refusal: &PayRefusal) -> Reply {
    match refusal {
        PayRefusal::Unknown => error_page(404, "There is no such checkout session."),
        PayRefusal::Complete => error_page(409, "This checkout session is already complete."),
        PayRefusal::Expired => error_page(409, "This checkout session has expired."),
        PayRefusal::Declined => error_page(402, "Your card was declined."),
    }
}

fn subscription_section(portal: &str, sub: &Subscription) -> String {
    let (when, action, button) = match (sub.status, sub.cancel_at_period_end) {
        (Status::Canceled, _) => (
            format!(
                "Ended on {}",
                date(sub.ended_at.unwrap_or(sub.current_period_end))
            ),
            None,
            "",
        ),
        (_, true) => (
            format!("Ends on {}", date(sub.current_period_end)),
            Some("renew"),
            "Renew plan",
        ),
        (_, false) => (
            format!("Renews on {}", date(sub.current_period_end)),
            Some("cancel"),
            "Cancel plan",
        ),
    };
    let form = action
        .map(|action| {
            format!(
                "<form method=\"post\" action=\"/portal/{}/{action}?sub={}\">\n\
                 <button type=\"submit\">{button}</button>\n</form>\n",
                escape(portal),
                escape(&sub.id)
            )
        })
        .unwrap_or_default();
    format!(
        "<section aria-label=\"{plan}\">\n<h2>{plan}</h2>\n<p>Status: {status}</p>\n<p>{when}</p>\n{form}</section>\n",
        plan = escape(&sub.price.label()),
        status = sub.status.as_str(),
    )
}

fn portal_page(books: &Books, id: &str) -> Reply {
    let Some(portal) = books.portals.get(id) else {
        return error_page(404, "There is no such billing portal session.");
    };
    let subscriptions: String = books
        .subscriptions
        .values()
        .filter(|sub| sub.customer == portal.customer)
        .map(|sub| subscription_section(&portal.id, sub))
        .collect();
    let subscriptions = if subscriptions.is_empty() {
        "<p>You have no plans.</p>\n".to_string()
    } else {
        subscriptions
    };
    let back = portal
        .return_url
        .as_deref()
        .map(|url| {
            format!(
                "<p><a href=\"{}\">Return to PingToPass</a></p>\n",
                escape(url)
            )
        })
        .unwrap_or_default();
    page(
        200,
        "Manage your PingToPass billing",
        &format!("{subscriptions}{back}"),
    )
}

/// The portal's cancel or renew of the subscription `?sub=` names, then back to the portal.
fn portal_action(books: &mut Books, id: &str, action: &str, query: &str, now: i64) -> Outcome {
    let Some(portal) = books.portals.get(id) else {
        return Outcome::Reply(error_page(404, "There is no such billing portal session."));
    };
    let back = format!("{}/portal/{}", books.base_url, portal.id);
    let sub = form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "sub")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default();
    let Some(current) = books
        .subscriptions
        .get(&sub)
        .filter(|s| s.customer == portal.customer)
    else {
        return Outcome::Reply(error_page(404, "There is no such plan."));
    };
    if !current.is_live() {
        return Outcome::Reply(error_page(409, "This plan has ended."));
    }
    let cancel = action == "cancel";
    if current.cancel_at_period_end == cancel {
        // A second click of a page not reloaded: already so, nothing to tell.
        return Outcome::Reply(Reply::see_other(&back));
    }
    let events = books
        .cancel_at_period_end(&sub, cancel, now)
        .into_iter()
        .collect();
    Outcome::Send(events, Reply::see_other(&back))
}

/// `/checkout/…` and `/portal/…`; `None` for any other path.
pub fn handle(books: &mut Books, call: &Call<'_>, now: i64) -> Option<Outcome> {
    let method = call.method.as_str();
    if let Some(id) = call.path.strip_prefix("/checkout/") {
        return Some(match method {
            "GET" => Outcome::Reply(match books.checkouts.get(id) {
                None => checkout_refusal(&PayRefusal::Unknown),
                Some(c) if c.subscription.is_some() => checkout_refusal(&PayRefusal::Complete),
                Some(c) => checkout_page(books, c, GOOD_CARD, false),
            }),
            "POST" => {
                let card = form_urlencoded::parse(call.body.as_bytes())
                    .find(|(name, _)| name == "card")
                    .map(|(_, value)| value.into_owned())
                    .unwrap_or_default();
                match books.pay(id, &card, now) {
                    Ok((success, events)) => Outcome::Send(events, Reply::see_other(&success)),
                    Err(PayRefusal::Declined) => Outcome::Reply(match books.checkouts.get(id) {
                        Some(c) => checkout_page(books, c, &card, true),
                        None => checkout_refusal(&PayRefusal::Unknown),
                    }),
                    Err(refusal) => Outcome::Reply(checkout_refusal(&refusal)),
                }
            }
            _ => Outcome::Reply(error_page(405, "Method not allowed.")),
        });
    }
    let rest = call.path.strip_prefix("/portal/")?;
    Some(match (method, rest.split_once('/')) {
        ("GET", None) => Outcome::Reply(portal_page(books, rest)),
        ("POST", Some((id, action @ ("cancel" | "renew")))) => {
            portal_action(books, id, action, call.query, now)
        }
        _ => Outcome::Reply(error_page(404, "There is no such page.")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stripe_standin::objects::money;

    #[test]
    fn text_is_escaped_and_dates_read_plainly() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(date(1_751_673_600), "July 5, 2025");
        assert_eq!(money(1500), "$15.00");
        assert_eq!(money(12000), "$120.00");
    }
}
