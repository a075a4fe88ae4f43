use serde_json::json;

use super::*;

fn sub(status: &str, interval: &str) -> Value {
    json!({
        "id": "sub_1", "object": "subscription", "customer": "cus_1", "status": status,
        "cancel_at_period_end": false,
        "items": {"object": "list", "data": [{
            "id": "si_1", "price": {"id": "price_pro_monthly", "recurring": {"interval": interval}},
            "current_period_end": 1_800_000_000
        }]}
    })
}

fn event(kind: &str, object: Value) -> Vec<u8> {
    json!({"id": "evt_1", "object": "event", "type": kind, "created": 1_796_212_800, "data": {"object": object}})
        .to_string()
        .into_bytes()
}

#[test]
fn subscription_events_carry_the_whole_state_in_either_api_version() {
    let read = parse(&event(
        "customer.subscription.updated",
        sub("active", "month"),
    ))
    .unwrap();
    assert_eq!((read.id.as_str(), read.created), ("evt_1", 1_796_212_800));
    assert_eq!(
        read.change,
        Change::Subscription(SubscriptionState {
            id: "sub_1".into(),
            customer: "cus_1".into(),
            status: "active".into(),
            interval: BillingInterval::Monthly,
            price_id: "price_pro_monthly".into(),
            current_period_end: 1_800_000_000,
            cancel_at_period_end: false,
        })
    );
    let mut older = sub("past_due", "year");
    older["items"]["data"][0]
        .as_object_mut()
        .unwrap()
        .remove("current_period_end");
    older["current_period_end"] = json!(1_900_000_000);
    let Change::Subscription(state) = subscription_change(&older) else {
        panic!("a subscription")
    };
    assert_eq!(
        (state.interval, state.current_period_end),
        (BillingInterval::Annual, 1_900_000_000)
    );
}

fn subscription_change(object: &Value) -> Change {
    parse(&event("customer.subscription.deleted", object.clone()))
        .unwrap()
        .change
}

#[test]
fn invoices_name_their_subscription_old_style_or_new() {
    let new_style = json!({"id": "in_1", "customer": "cus_1",
        "parent": {"type": "subscription_details", "subscription_details": {"subscription": "sub_9"}}});
    assert_eq!(
        parse(&event("invoice.payment_failed", new_style))
            .unwrap()
            .change,
        Change::Invoice {
            subscription: "sub_9".into(),
            paid: false
        }
    );
    let old_style = json!({"id": "in_1", "customer": "cus_1", "subscription": "sub_8"});
    assert_eq!(
        parse(&event("invoice.paid", old_style)).unwrap().change,
        Change::Invoice {
            subscription: "sub_8".into(),
            paid: true
        }
    );
    let one_off = json!({"id": "in_1", "customer": "cus_1"});
    assert_eq!(
        parse(&event("invoice.paid", one_off)).unwrap().change,
        Change::Ignored
    );
}

#[test]
fn unknown_types_are_ignored_and_handled_ones_must_be_whole() {
    assert_eq!(
        parse(&event("customer.created", json!({"id": "cus_1"})))
            .unwrap()
            .change,
        Change::Ignored
    );
    assert_eq!(
        parse(&event(
            "checkout.session.completed",
            json!({"mode": "payment"})
        ))
        .unwrap()
        .change,
        Change::Ignored
    );
    for (kind, object) in [
        ("customer.subscription.updated", sub("active", "week")),
        (
            "customer.subscription.updated",
            sub("ACTIVE; DROP", "month"),
        ),
        (
            "checkout.session.completed",
            json!({"mode": "subscription", "customer": "cus_1"}),
        ),
        ("customer.subscription.created", json!({"id": "sub_1/../x"})),
    ] {
        assert!(
            parse(&event(kind, object.clone())).is_err(),
            "{kind} {object}"
        );
    }
    assert!(parse(b"not json").is_err());
    assert!(parse(br#"{"id":"evt_1","type":"x","created":1}"#).is_err());
}
