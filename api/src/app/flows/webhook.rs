//! Stripe's webhook on the in-memory database: the signature (valid, tampered, expired, wrong
//! secret, several `v1`), each event once (a replay changes nothing), and order (an older event
//! never overwrites a newer state); a failed payment keeps Pro through the grace period only.

use ptp_shared::UserKind;
use serde_json::json;

use super::billing::{
    NOW_S, WEBHOOK_SECRET, customer, deliver, event, plan, sign, signed, stack, stripe,
    subscription,
};

const DAY_S: i64 = 24 * 3600;

#[test]
fn only_a_fresh_signature_by_our_secret_over_the_exact_body_is_accepted() {
    let stack = stack(stripe());
    let body = event(
        "evt_ping",
        "customer.created",
        NOW_S,
        json!({"id": "cus_9"}),
    );
    let events = || stack.db.count("SELECT count(*) FROM stripe_events");
    let tampered = body.replace("cus_9", "cus_8");
    let good = sign(WEBHOOK_SECRET, NOW_S, &body);
    for (what, payload, header) in [
        ("unsigned", body.as_str(), None),
        ("tampered", tampered.as_str(), Some(good.clone())),
        (
            "expired",
            body.as_str(),
            Some(sign(WEBHOOK_SECRET, NOW_S - 301, &body)),
        ),
        (
            "wrong secret",
            body.as_str(),
            Some(sign("whsec_someone_else", NOW_S, &body)),
        ),
        ("garbage", body.as_str(), Some("t=now,v1=abc".to_string())),
    ] {
        let reply = deliver(&stack, payload, header.as_deref());
        assert_eq!(reply.status, 400, "{what}: {}", reply.text);
        assert_eq!(events(), 0, "{what}: nothing stored");
    }
    // Rolling the secret: Stripe signs with the old and the new one.
    let rolled = format!(
        "{},v1={}",
        sign("whsec_old_secret", NOW_S, &body),
        &sign(WEBHOOK_SECRET, NOW_S, &body)[format!("t={NOW_S},v1=").len()..]
    );
    let reply = deliver(&stack, &body, Some(&rolled));
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["outcome"], "ignored", "a type we do not act on");
    assert_eq!(events(), 1);
    let within = sign(
        WEBHOOK_SECRET,
        NOW_S - 299,
        &body.replace("evt_ping", "evt_ping2"),
    );
    assert_eq!(
        deliver(
            &stack,
            &body.replace("evt_ping", "evt_ping2"),
            Some(&within)
        )
        .status,
        200
    );
}

#[test]
fn a_replay_changes_nothing_and_an_older_event_never_overwrites_a_newer_state() {
    let stack = stack(stripe());
    let member = customer(&stack);
    let end = NOW_S + 30 * DAY_S;
    let created = event(
        "evt_1",
        "customer.subscription.created",
        NOW_S - 20,
        subscription("active", end, false),
    );
    let cancelled = event(
        "evt_3",
        "customer.subscription.updated",
        NOW_S - 5,
        subscription("active", end, true),
    );
    let older = event(
        "evt_2",
        "customer.subscription.updated",
        NOW_S - 10,
        subscription("active", end, false),
    );
    assert_eq!(signed(&stack, &created), "applied");
    assert_eq!(signed(&stack, &cancelled), "applied");
    assert_eq!(
        signed(&stack, &older),
        "stale",
        "late, and older than the state held"
    );
    assert_eq!(signed(&stack, &cancelled), "duplicate");
    assert_eq!(signed(&stack, &created), "duplicate");
    let cancelling = stack
        .db
        .scalar("SELECT cancel_at_period_end FROM subscriptions WHERE id = 'sub_1'");
    assert_eq!(cancelling.as_deref(), Some("1"));
    let status = stack.get(&member, "/api/v1/billing").json;
    assert_eq!(
        (
            status["plan"].as_str(),
            status["subscription"]["cancel_at_period_end"].as_bool()
        ),
        (Some("pro"), Some(true))
    );
    assert_eq!(stack.db.count("SELECT count(*) FROM stripe_events"), 3);
    let logged = stack.platform.logs.lock().unwrap().clone();
    let stale = logged
        .iter()
        .find(|(_, line)| line.contains("\"stripe_event\":\"evt_2\""))
        .expect("each event is logged with what it did");
    assert!(stale.1.contains("\"outcome\":\"stale\""), "{}", stale.1);

    // At the period's end Stripe deletes it: Free again, even if that event came late.
    stack.platform.advance((30 * DAY_S as u64) * 1000);
    let member = stack.sign_in(member.user_id(), UserKind::Member);
    assert_eq!(
        plan(&stack, &member),
        "free",
        "a cancelled plan ends at its period's end"
    );
    let deleted = event(
        "evt_4",
        "customer.subscription.deleted",
        NOW_S + 30 * DAY_S,
        subscription("canceled", end, true),
    );
    let reply = deliver(
        &stack,
        &deleted,
        Some(&sign(WEBHOOK_SECRET, NOW_S + 30 * DAY_S, &deleted)),
    );
    assert_eq!(reply.json["outcome"], "applied", "{}", reply.text);
    assert_eq!(plan(&stack, &member), "free");
}

#[test]
fn a_failed_payment_keeps_pro_for_the_grace_period_then_free_unless_paid() {
    let stack = stack(stripe());
    let member = customer(&stack);
    let end = NOW_S + 30 * DAY_S;
    signed(
        &stack,
        &event(
            "evt_1",
            "customer.subscription.created",
            NOW_S - 60,
            subscription("active", end, false),
        ),
    );
    let invoice = json!({"id": "in_1", "customer": "cus_1",
        "parent": {"subscription_details": {"subscription": "sub_1"}}});
    assert_eq!(
        signed(
            &stack,
            &event(
                "evt_2",
                "invoice.payment_failed",
                NOW_S - 30,
                invoice.clone()
            )
        ),
        "applied"
    );
    assert_eq!(
        signed(
            &stack,
            &event(
                "evt_3",
                "customer.subscription.updated",
                NOW_S - 29,
                subscription("past_due", end, false)
            )
        ),
        "applied"
    );
    let status = stack.get(&member, "/api/v1/billing").json;
    assert_eq!(status["plan"], "pro");
    assert_eq!(
        status["subscription"]["grace_until"],
        "2026-12-02T11:59:30.000Z"
    );
    // An older paid invoice arriving late does not clear the newer failure.
    assert_eq!(
        signed(
            &stack,
            &event("evt_0", "invoice.paid", NOW_S - 40, invoice.clone())
        ),
        "stale"
    );
    let unknown = json!({"id": "in_9", "customer": "cus_1", "subscription": "sub_404"});
    assert_eq!(
        signed(&stack, &event("evt_9", "invoice.paid", NOW_S, unknown)),
        "ignored"
    );

    stack.platform.advance(7 * 24 * 3600 * 1000);
    let member = stack.sign_in(member.user_id(), UserKind::Member);
    assert_eq!(plan(&stack, &member), "free", "grace over");
}
